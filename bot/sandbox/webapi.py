"""The Web API endpoint ``/api/{method}``: authenticate, rate-limit, check scopes and arguments
against Slack's contract, run the method, record the call."""

from __future__ import annotations

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
from bot.sandbox.api_call import ApiContext, ApiEffects, Arguments, Handler
from bot.sandbox.contract import STRUCTURED_ARGUMENTS, Contract, MethodContract, scopes_text
from bot.sandbox.errors import SlackError
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
    """Answers Web API calls the way Slack does, strictly."""

    def __init__(
        self,
        *,
        contract: Contract,
        workspace: Workspace,
        limiter: RateLimiter,
        effects: ApiEffects,
        clock: Callable[[], float],
        bot_token: str,
        app_token: str,
        bot_scopes: Iterable[str],
        trigger_ttl: float,
        record: Callable[[ApiCall], None],
    ) -> None:
        self.contract = contract
        self.workspace = workspace
        self.limiter = limiter
        self.effects = effects
        self.clock = clock
        self.bot_token = bot_token
        self.app_token = app_token
        self.bot_scopes = tuple(bot_scopes)
        self.trigger_ttl = trigger_ttl
        self.tokens_revoked = False
        self.base_url = ""
        self._record = record

    async def handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        started = time.perf_counter()
        token_kind: str | None = None
        arguments: dict[str, object] = {}
        try:
            arguments, token = await self._read_arguments(request, method)
            token_kind = self._token_kind(token)
            answer = await self.call(method, arguments, token)
            body, status, headers = {"ok": True, **answer}, 200, {}
        except SlackError as error:
            body, status, headers = error.body(), error.status, error.headers
        self._record(
            ApiCall(
                method=method,
                args=_recorded(arguments),
                response=body,
                status=status,
                at=self.workspace.wall_clock(),
                elapsed=time.perf_counter() - started,
                token_kind=token_kind,
                retry_after=int(headers["Retry-After"]) if "Retry-After" in headers else None,
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
        token = header_token or (form_token if isinstance(form_token, str) else None)
        return arguments, token

    def _token_kind(self, token: str | None) -> str | None:
        if not token:
            return None
        if token == self.bot_token:
            return "bot"
        if token == self.app_token:
            return "app"
        return "invalid"

    def _authorise(self, contract: MethodContract, token_kind: str | None) -> None:
        if token_kind is None:
            raise SlackError("not_authed")
        if token_kind == "invalid":
            raise SlackError("invalid_auth")
        if self.tokens_revoked:
            raise SlackError("token_revoked")
        wants_app_token = contract.name in APP_TOKEN_METHODS
        if wants_app_token != (token_kind == "app"):
            raise SlackError("not_allowed_token_type")

    def _check_scope(self, contract: MethodContract) -> None:
        if contract.bot_scopes and not set(contract.bot_scopes) & set(self.bot_scopes):
            raise SlackError(
                "missing_scope",
                needed=scopes_text(contract.bot_scopes),
                provided=scopes_text(self.bot_scopes),
            )

    async def call(
        self, method: str, arguments: Mapping[str, object], token: str | None
    ) -> JsonDict:
        """Run one call the way Slack checks it; raises :class:`SlackError` to refuse."""
        token_kind = self._token_kind(token)
        contract = self.contract.method(method)
        if contract is None:
            raise SlackError("unknown_method", req_method=method)
        self._authorise(contract, token_kind)
        channel = arguments.get("channel")
        retry_after = self.limiter.check(
            method, contract.tier, channel if isinstance(channel, str) else None
        )
        if retry_after is not None:
            raise SlackError("ratelimited", status=429, headers={"Retry-After": str(retry_after)})
        self._check_scope(contract)
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
            workspace=self.workspace,
            clock=self.clock,
            base_url=self.base_url,
            token_kind=token_kind or "",
            trigger_ttl=self.trigger_ttl,
            effects=self.effects,
        )
        return await handler(context, Arguments(normalised))
