"""The Web API endpoint ``/api/{method}``: authenticate, rate-limit, check scopes and arguments
against Slack's contract, run the method, record the call."""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import time
from collections.abc import Callable, Iterable, Mapping

from aiohttp import web

from bot.sandbox import (
    methods_chat,
    methods_conversations,
    methods_files,
    methods_identity,
    methods_views,
)
from bot.sandbox.api_call import ApiContext, Arguments, Handler, Installation
from bot.sandbox.contract import STRUCTURED_ARGUMENTS, Contract, MethodContract, scopes_text
from bot.sandbox.errors import SlackError
from bot.sandbox.oauth import Tokens
from bot.sandbox.oauth_server import OAUTH_METHODS, OAuthServer
from bot.sandbox.ratelimit import RateLimiter
from bot.sandbox.records import ApiCall
from bot.sandbox.state import JsonDict
from bot.sandbox.workspace import Workspace

logger = logging.getLogger(__name__)

# What the p2p app manifest (bot/slack/manifest.yml) asks for; a test keeps them in step.
DEFAULT_BOT_SCOPES = (
    "chat:write",
    "commands",
    "im:history",
    "im:read",
    "im:write",
    "channels:read",
    "groups:read",
    "users:read",
    "files:write",
)
DEFAULT_BOT_EVENTS = (
    "message.im",
    "app_home_opened",
    "app_uninstalled",
    "tokens_revoked",
    "user_change",
)

APP_TOKEN_METHODS = frozenset({"apps.connections.open"})

HANDLERS: dict[str, Handler] = {
    **methods_chat.HANDLERS,
    **methods_conversations.HANDLERS,
    **methods_files.HANDLERS,
    **methods_identity.HANDLERS,
    **methods_views.HANDLERS,
}


def _recorded(arguments: Mapping[str, object]) -> JsonDict:
    """Arguments as a test wants to read them: JSON-carrying strings decoded."""
    shown: JsonDict = {}
    for name, value in arguments.items():
        if name in STRUCTURED_ARGUMENTS and isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = json.loads(value)
        shown[name] = value
    return shown


class WebApi:
    """Answers Web API calls the way Slack does, strictly, each against the workspace its
    token belongs to."""

    def __init__(
        self,
        *,
        contract: Contract,
        installations: dict[str, Installation],
        default_team_id: str,
        tokens: Tokens,
        oauth: OAuthServer,
        clock: Callable[[], float],
        bot_token: str,
        app_token: str,
        trigger_ttl: float,
        record: Callable[[ApiCall], None],
    ) -> None:
        self.contract = contract
        self.installations = installations
        self.default_team_id = default_team_id
        self.tokens = tokens
        self.oauth = oauth
        self.clock = clock
        self.bot_token = bot_token
        self.app_token = app_token
        self.trigger_ttl = trigger_ttl
        self.base_url = ""
        self._record = record
        tokens.add_bot_token(bot_token, default_team_id)

    @property
    def default(self) -> Installation:
        """The app in the default workspace (the one the settings' bot token belongs to)."""
        return self.installations[self.default_team_id]

    @property
    def workspace(self) -> Workspace:
        return self.default.workspace

    @property
    def limiter(self) -> RateLimiter:
        return self.default.limiter

    @property
    def bot_scopes(self) -> tuple[str, ...]:
        return self.default.bot_scopes

    @bot_scopes.setter
    def bot_scopes(self, scopes: Iterable[str]) -> None:
        self.default.bot_scopes = tuple(scopes)

    def uninstall(self, team_id: str) -> list[str]:
        """The app leaves a workspace: its tokens are revoked; returns the bot tokens."""
        self.installations[team_id].installed = False
        return self.tokens.revoke_team(team_id)

    async def handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        started = time.perf_counter()
        token: str | None = None
        arguments: dict[str, object] = {}
        try:
            arguments, token = await self._read_arguments(request, method)
            answer = await self.call(method, arguments, token)
            body, status, headers = {"ok": True, **answer}, 200, {}
        except SlackError as error:
            body, status, headers = error.body(), error.status, error.headers
        kind, installation = self._caller(token) if method not in OAUTH_METHODS else (None, None)
        self._record(
            ApiCall(
                method=method,
                args=_recorded(arguments),
                response=body,
                status=status,
                at=self.workspace.wall_clock(),
                elapsed=time.perf_counter() - started,
                token_kind=kind,
                retry_after=int(headers["Retry-After"]) if "Retry-After" in headers else None,
                token=token,
                team_id=installation.workspace.team_id if installation is not None else None,
            )
        )
        if not body.get("ok"):
            logger.info("Web API %s -> %s", method, body.get("error"))
        return web.json_response(body, status=status, headers=headers)

    async def _read_arguments(
        self, request: web.Request, method: str
    ) -> tuple[dict[str, object], str | None]:
        arguments: dict[str, object] = dict(request.query.items())
        header = request.headers.get("Authorization", "")
        header_token = header[7:].strip() if header.lower().startswith("bearer ") else None
        if request.content_type == "application/json" and request.can_read_body:
            raw = await request.text()
            body: object = {}
            if raw.strip():
                try:
                    body = json.loads(raw)
                except ValueError as exc:
                    raise SlackError("invalid_json") from exc
            if not isinstance(body, dict):
                raise SlackError("invalid_json")
            body.pop("token", None)  # a JSON body cannot carry the token
            contract = self.contract.method(method)
            if contract is not None and not contract.json_input:
                logger.warning("%s does not accept a JSON body; Slack ignores it", method)
            else:
                arguments.update(body)
        elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            arguments.update({k: v for k, v in form.items() if isinstance(v, str)})
        form_token = arguments.pop("token", None)
        form_token = form_token if isinstance(form_token, str) else None
        if method in OAUTH_METHODS:
            arguments.update(_basic_credentials(header, arguments))
            # The token an OAuth method names is an argument (oauth.v2.exchange's legacy
            # token), never the caller's credentials.
            return arguments, form_token or header_token
        return arguments, header_token or form_token

    def _caller(self, token: str | None) -> tuple[str | None, Installation | None]:
        """What kind of token this is (None, "bot", "app" or "invalid"), and the app's
        installation it belongs to."""
        if not token:
            return None, None
        if token == self.app_token:
            return "app", self.default
        _, issued = self.tokens.lookup(token)
        if issued is None:
            return "invalid", None
        return "bot", self.installations[issued.team_id]

    def _authorise(self, contract: MethodContract, token: str | None) -> Installation:
        kind, installation = self._caller(token)
        if token is None or kind is None:
            raise SlackError("not_authed")
        if kind == "invalid" or installation is None:
            raise SlackError("invalid_auth")
        if kind == "app":
            if not any(i.installed for i in self.installations.values()):
                raise SlackError("token_revoked")
        else:
            state, _ = self.tokens.lookup(token)
            if state == "revoked":
                raise SlackError("token_revoked")
            if state == "expired":
                raise SlackError("token_expired")
        wants_app_token = contract.name in APP_TOKEN_METHODS
        if wants_app_token != (kind == "app"):
            raise SlackError("not_allowed_token_type")
        return installation

    @staticmethod
    def _check_scope(contract: MethodContract, scopes: tuple[str, ...]) -> None:
        if contract.bot_scopes and not set(contract.bot_scopes) & set(scopes):
            raise SlackError(
                "missing_scope",
                needed=scopes_text(contract.bot_scopes),
                provided=scopes_text(scopes),
            )

    async def call(
        self, method: str, arguments: Mapping[str, object], token: str | None
    ) -> JsonDict:
        """Run one call the way Slack checks it; raises :class:`SlackError` to refuse."""
        contract = self.contract.method(method)
        if contract is None:
            raise SlackError("unknown_method", req_method=method)
        if method in OAUTH_METHODS:
            return self._oauth_call(contract, arguments, token)
        installation = self._authorise(contract, token)
        channel = arguments.get("channel")
        retry_after = installation.limiter.check(
            method, contract.tier, channel if isinstance(channel, str) else None
        )
        if retry_after is not None:
            raise SlackError("ratelimited", status=429, headers={"Retry-After": str(retry_after)})
        self._check_scope(contract, installation.bot_scopes)
        normalised = contract.normalise({**arguments, "token": token})
        problems = contract.problems(normalised)
        if problems:
            raise SlackError("invalid_arguments", messages=problems)
        handler = HANDLERS.get(method)
        if handler is None:
            logger.warning("the sandbox does not emulate %s", method)
            raise SlackError(
                "not_implemented", messages=[f"[ERROR] the sandbox does not emulate {method}"]
            )
        normalised.pop("token", None)
        context = ApiContext(
            workspace=installation.workspace,
            clock=self.clock,
            base_url=self.base_url,
            token_kind=self._caller(token)[0] or "",
            trigger_ttl=self.trigger_ttl,
            effects=installation.effects,
        )
        return await handler(context, Arguments(normalised))

    def _oauth_call(
        self, contract: MethodContract, arguments: Mapping[str, object], token: str | None
    ) -> JsonDict:
        """oauth.v2.*: the app's client credentials authenticate the call, not a token."""
        retry_after = self.limiter.check(contract.name, contract.tier)
        if retry_after is not None:
            raise SlackError("ratelimited", status=429, headers={"Retry-After": str(retry_after)})
        normalised = contract.normalise({**arguments, **({"token": token} if token else {})})
        problems = contract.problems(normalised)
        if problems:
            raise SlackError("invalid_arguments", messages=problems)
        return self.oauth.call(contract.name, Arguments(normalised))


def _basic_credentials(header: str, arguments: Mapping[str, object]) -> dict[str, object]:
    """client_id and client_secret from ``Authorization: Basic …`` (arguments win)."""
    if not header.lower().startswith("basic "):
        return {}
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        return {}
    client_id, _, client_secret = decoded.partition(":")
    found: dict[str, object] = {"client_id": client_id, "client_secret": client_secret}
    return {k: v for k, v in found.items() if k not in arguments}
