"""Installing the app the OAuth v2 way: the consent page (``GET /oauth/v2/authorize``),
``oauth.v2.access`` (codes and refresh tokens) and ``oauth.v2.exchange``."""

from __future__ import annotations

import html
import logging
from collections.abc import Callable, Mapping
from urllib.parse import urlencode

from aiohttp import web

from bot.sandbox.api_call import Arguments, Installation
from bot.sandbox.errors import SandboxUsageError, SlackError
from bot.sandbox.oauth import IssuedTokens, OAuthApp, Tokens
from bot.sandbox.state import JsonDict

logger = logging.getLogger(__name__)

OAUTH_METHODS = frozenset({"oauth.v2.access", "oauth.v2.exchange"})
AUTHORIZE_PATH = "/oauth/v2/authorize"


class ConsentRefused(SandboxUsageError):
    """The consent page shows an error instead of sending the installer back (``code``)."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code


def split_scopes(value: str | None) -> tuple[str, ...]:
    return tuple(dict.fromkeys(s.strip() for s in (value or "").replace(" ", ",").split(",") if s))


def with_query(url: str, **values: str) -> str:
    return url + ("&" if "?" in url else "?") + urlencode(values)


class OAuthServer:
    """Slack's side of installing a distributed app into a workspace."""

    def __init__(
        self,
        *,
        tokens: Tokens,
        installations: Mapping[str, Installation],
        app: Callable[[], OAuthApp | None],
        default_scopes: Callable[[], tuple[str, ...]],
        default_team_id: str,
    ) -> None:
        self.tokens = tokens
        self.installations = installations
        self.app = app
        self.default_scopes = default_scopes
        self.default_team_id = default_team_id

    # the consent page ----------------------------------------------------------------------

    def registered_app(self) -> OAuthApp:
        app = self.app()
        if app is None:
            raise SandboxUsageError("register the app first: SandboxSettings(oauth=OAuthApp(...))")
        return app

    def authorize(
        self,
        team_id: str,
        installer: str,
        *,
        scopes: tuple[str, ...] | None = None,
        state: str = "",
        redirect_uri: str | None = None,
    ) -> str:
        """``installer`` approves the install in ``team_id``: the app is installed there, and
        the URL Slack sends their browser back to (``redirect_uri?code=…&state=…``) returned."""
        app = self.registered_app()
        installation = self.installations.get(team_id)
        if installation is None:
            raise SandboxUsageError(f"no workspace {team_id!r} in the sandbox")
        person = installation.workspace.user(installer)
        if person is None or person.is_bot:
            raise SandboxUsageError(f"{installer!r} is not a person in {team_id}")
        allowed = app.scopes or self.default_scopes()
        wanted = allowed if scopes is None else scopes
        if not wanted:
            raise ConsentRefused("invalid_scope", "the install asks for no scope")
        unknown = [s for s in wanted if s not in allowed]
        if unknown:
            raise ConsentRefused("invalid_scope", ", ".join(unknown))
        target = redirect_uri or (app.allowed_redirects[0] if app.allowed_redirects else None)
        if target is None or target not in app.allowed_redirects:
            raise ConsentRefused("bad_redirect_uri", str(target))
        if installation.installed and installation.installer is not None:
            wanted = tuple(dict.fromkeys((*installation.bot_scopes, *wanted)))
        installation.bot_scopes = tuple(wanted)
        installation.installed = True
        installation.installer = installer
        code = self.tokens.new_code(team_id, installer, tuple(wanted), redirect_uri)
        logger.info("app installed in %s by %s", team_id, installer)
        return with_query(target, code=code.code, state=state)

    async def handle_authorize(self, request: web.Request) -> web.Response:
        """``GET /oauth/v2/authorize?client_id&scope&state&redirect_uri``: the consent page.

        The sandbox's own query parameters say who clicks Allow: ``team`` (a team id; the
        default workspace when absent) and ``user`` (a user id; the workspace's first
        person when absent); ``deny=1`` clicks Cancel instead."""
        query = request.query
        app = self.app()
        if app is None or query.get("client_id") != app.client_id:
            return _error_page("invalid_client_id")
        if query.get("user_scope"):
            return _error_page("invalid_scope", "user tokens are not emulated")
        team_id = query.get("team") or self.default_team_id
        installation = self.installations.get(team_id)
        if installation is None:
            return _error_page("invalid_team", team_id)
        installer = query.get("user") or next(
            (
                u.id
                for u in installation.workspace.users.values()
                if not u.is_bot and u.name != "slackbot"
            ),
            "",
        )
        redirect_uri = query.get("redirect_uri") or None
        state = query.get("state", "")
        if query.get("deny") not in (None, "", "0", "false"):
            target = redirect_uri or (app.allowed_redirects[0] if app.allowed_redirects else "")
            if target not in app.allowed_redirects:
                return _error_page("bad_redirect_uri", target)
            return _redirect(with_query(target, error="access_denied", state=state))
        try:
            location = self.authorize(
                team_id,
                installer,
                scopes=split_scopes(query.get("scope")),
                state=state,
                redirect_uri=redirect_uri,
            )
        except ConsentRefused as refused:
            return _error_page(refused.code, str(refused))
        except SandboxUsageError as error:
            return _error_page("invalid_request", str(error))
        return _redirect(location)

    # the Web API methods -------------------------------------------------------------------

    def call(self, method: str, arguments: Arguments) -> JsonDict:
        app = self.app()
        if app is None or arguments.optional_text("client_id") != app.client_id:
            raise SlackError("invalid_client_id")
        if arguments.optional_text("client_secret") != app.client_secret:
            raise SlackError("bad_client_secret")
        if method == "oauth.v2.exchange":
            return self._exchange(app, arguments)
        grant_type = arguments.optional_text("grant_type") or "authorization_code"
        if grant_type == "refresh_token":
            return self._refresh(app, arguments)
        if grant_type != "authorization_code":
            raise SlackError("invalid_grant_type")
        return self._redeem_code(app, arguments)

    def _redeem_code(self, app: OAuthApp, arguments: Arguments) -> JsonDict:
        code = self.tokens.usable_code(arguments.optional_text("code") or "")
        if code is None:
            raise SlackError("invalid_code")
        sent = arguments.optional_text("redirect_uri")
        if code.redirect_uri is not None and sent != code.redirect_uri:
            raise SlackError("bad_redirect_uri")
        if code.redirect_uri is None and sent is not None and sent not in app.allowed_redirects:
            raise SlackError("bad_redirect_uri")
        code.used = True
        issued = self.tokens.issue(code.team_id, rotating=app.token_rotation, ttl=app.token_ttl)
        return self._answer(code.team_id, issued, scopes=code.scopes, installer=code.installer)

    def _refresh(self, app: OAuthApp, arguments: Arguments) -> JsonDict:
        refresh = self.tokens.redeem_refresh(arguments.optional_text("refresh_token") or "")
        if refresh is None:
            raise SlackError("invalid_refresh_token")
        installation = self.installations[refresh.team_id]
        issued = self.tokens.issue(refresh.team_id, rotating=True, ttl=app.token_ttl)
        return self._answer(
            refresh.team_id,
            issued,
            scopes=installation.bot_scopes,
            installer=installation.installer,
        )

    def _exchange(self, app: OAuthApp, arguments: Arguments) -> JsonDict:
        if not app.token_rotation:
            raise SlackError("token_rotation_not_enabled")
        state, legacy = self.tokens.lookup(arguments.text("token"))
        if legacy is None or legacy.rotating:
            raise SlackError("invalid_token")
        if state == "revoked":
            raise SlackError("authorization_not_found")
        if legacy.exchanged:
            raise SlackError("token_already_exchanged")
        legacy.exchanged = True
        installation = self.installations[legacy.team_id]
        issued = self.tokens.issue(legacy.team_id, rotating=True, ttl=app.token_ttl)
        answer = self._answer(
            legacy.team_id, issued, scopes=installation.bot_scopes, installer=None
        )
        for key in ("authed_user", "is_enterprise_install"):
            answer.pop(key, None)
        return answer

    def _answer(
        self,
        team_id: str,
        issued: IssuedTokens,
        *,
        scopes: tuple[str, ...],
        installer: str | None,
    ) -> JsonDict:
        """The answer oauth.v2.access gives for a bot token (``xoxe.`` ones expire)."""
        workspace = self.installations[team_id].workspace
        enterprise = (
            {"id": workspace.enterprise_id, "name": workspace.enterprise_name}
            if workspace.enterprise_id is not None
            else None
        )
        answer: JsonDict = {
            "access_token": issued.access.token,
            "token_type": "bot",
            "scope": ",".join(scopes),
            "bot_user_id": workspace.bot_user_id,
            "app_id": workspace.app_id,
            "team": {"id": workspace.team_id, "name": workspace.team_name},
            "enterprise": enterprise,
            "is_enterprise_install": False,
            "authed_user": {"id": installer} if installer else {},
        }
        if issued.refresh is not None:
            answer["refresh_token"] = issued.refresh.token
            answer["expires_in"] = issued.expires_in
        return answer


def _redirect(location: str) -> web.Response:
    return web.Response(status=302, headers={"Location": location})


def _error_page(code: str, detail: str = "") -> web.Response:
    body = (
        "<!doctype html><title>Slack: something went wrong</title>"
        f'<p>Something went wrong when authorizing this app.</p><p id="error">{code}</p>'
        f"<p>{html.escape(detail)}</p>"
    )
    return web.Response(status=400, text=body, content_type="text/html")
