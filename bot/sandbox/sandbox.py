"""The Sandbox: an emulated Slack workspace on loopback, and the handle tests hold."""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from types import TracebackType
from typing import Any

import aiohttp
from aiohttp import web

from bot.sandbox.api_call import Installation
from bot.sandbox.contract import Contract, find_contract_dir
from bot.sandbox.delivery import Deliverer, Delivery
from bot.sandbox.errors import SandboxUsageError
from bot.sandbox.event_delivery import EventDelivery, cancel_all
from bot.sandbox.faults import Faults
from bot.sandbox.installs import Installs
from bot.sandbox.oauth import Tokens
from bot.sandbox.oauth_server import OAuthServer
from bot.sandbox.observations import Observations
from bot.sandbox.payloads import Payloads
from bot.sandbox.ratelimit import RateLimiter
from bot.sandbox.records import ApiCall
from bot.sandbox.responses import Responses
from bot.sandbox.settings import SandboxSettings
from bot.sandbox.socket_mode import SocketModeHub
from bot.sandbox.state import Conversation, Message
from bot.sandbox.teams import SandboxWorkspace
from bot.sandbox.user_actions import UserActions
from bot.sandbox.webapi import WebApi
from bot.sandbox.workspace import Workspace
from bot.sandbox.workspace_setup import WorkspaceSetup

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 100 * 1024 * 1024
RETRY_MARGIN = 1.2  # seconds a caller may add to Retry-After (slack_sdk adds up to 1 s of jitter)


class Sandbox(WorkspaceSetup, UserActions, Observations, Installs):
    """A strict Slack workspace on 127.0.0.1 for one bot: Web API, signed deliveries,
    Socket Mode, and an "act as user" API.

    ``settings`` says how it is set up (see ``SandboxSettings``); ``Sandbox()`` is a
    workspace with Slack's limits and the scopes and events of the p2p app manifest.
    Its own "act as user" methods act in that default workspace; ``add_workspace`` adds
    others, which the app is installed into with OAuth v2 (``authorize``).
    """

    def __init__(self, settings: SandboxSettings | None = None) -> None:
        settings = SandboxSettings() if settings is None else settings
        self.settings = settings
        self.clock = settings.clock
        self.contract = Contract(find_contract_dir(settings.contract_dir))
        self._serial = itertools.count(1)  # every workspace's ids come from one counter
        self.workspace = Workspace(
            team_name=settings.team_name, bot_name=settings.bot_name, serial=self._serial
        )
        self.limiter = RateLimiter(settings.rate_limits, self.clock)
        self.oauth_app = settings.oauth
        self.tokens = Tokens(self.clock)
        installation = Installation(
            workspace=self.workspace,
            limiter=self.limiter,
            effects=self,
            bot_scopes=tuple(settings.bot_scopes),
        )
        installations = {self.workspace.team_id: installation}
        self.oauth = OAuthServer(
            tokens=self.tokens,
            installations=installations,
            app=lambda: self.oauth_app,
            default_scopes=lambda: tuple(settings.bot_scopes),
            default_team_id=self.workspace.team_id,
        )
        self.socket_hub = SocketModeHub(self.workspace.app_id)
        self.request_url: str | None = None
        self.echo_bot_messages = settings.echo_bot_messages
        self.escape_slash_commands = settings.escape_slash_commands
        self.host, self.port = settings.host, settings.port
        self.url = ""
        self.calls: list[ApiCall] = []
        self.deliveries: list[Delivery] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._last_activity = time.monotonic()
        self._retry_due = 0.0  # when the last caller answered 429 is due back (monotonic)
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self.faults = Faults(settings.faults)  # what fails, and the counts of what did
        self.payloads = Payloads(
            self.workspace,
            verification_token=settings.verification_token,
            clock=self.clock,
            base_url=lambda: self.url,
            installed=lambda: installation.installed,
        )
        self.deliverer = Deliverer(
            signing_secret=settings.signing_secret,
            socket_hub=self.socket_hub,
            session=self._client_session,
            request_url=lambda: self.request_url,
            ack_deadline=settings.ack_deadline,
            on_activity=self.touch,
            faults=self.faults,
        )
        self.responses = Responses(
            self.workspace, clock=self.clock, bot_posted=self.bot_posted, on_activity=self.touch
        )
        self.webapi = WebApi(
            contract=self.contract,
            installations=installations,
            default_team_id=self.workspace.team_id,
            tokens=self.tokens,
            oauth=self.oauth,
            clock=self.clock,
            bot_token=settings.bot_token,
            app_token=settings.app_token,
            trigger_ttl=settings.trigger_ttl,
            record=self._record_call,
        )
        self.events = EventDelivery(
            deliverer=self.deliverer,
            payloads=self.payloads,
            contract=self.contract,
            bot_scopes=lambda: self.webapi.bot_scopes,
            bot_events=settings.bot_events,
            spawn=self.spawn,
            record=self.deliveries.append,
            event_retries=settings.event_retries,
        )
        default = SandboxWorkspace(
            self, installation, payloads=self.payloads, events=self.events, responses=self.responses
        )
        self.workspaces: dict[str, SandboxWorkspace] = {self.workspace.team_id: default}

    # lifecycle -----------------------------------------------------------------------------

    async def start(self) -> Sandbox:
        """Serve on ``host`` (127.0.0.1) and an ephemeral port."""
        if self._runner is not None:
            raise SandboxUsageError("the sandbox is already running")
        app = web.Application(
            middlewares=[self._activity_middleware], client_max_size=MAX_UPLOAD_BYTES
        )
        app.router.add_route("*", "/api/{method}", self.faults.guard(self.webapi.handle))
        self.add_workspace_routes(app)
        app.router.add_get("/link/", self.socket_hub.handle)
        app.router.add_get("/", self._handle_index)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        address = self._runner.addresses[0]
        self.port = int(address[1])
        self.url = f"http://{self.host}:{self.port}"
        self.webapi.base_url = self.url
        self.socket_hub.base_ws_url = f"ws://{self.host}:{self.port}"
        self._session = aiohttp.ClientSession()
        logger.info("Slack sandbox listening on %s", self.url)
        return self

    async def stop(self) -> None:
        await cancel_all(self._tasks)
        await self.socket_hub.close()
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Sandbox:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def api_url(self) -> str:
        """The Web API base URL for ``AsyncWebClient(base_url=...)``."""
        return f"{self.url}/api/"

    @property
    def bot_token(self) -> str:
        return self.webapi.bot_token

    @property
    def app_token(self) -> str:
        return self.webapi.app_token

    @property
    def signing_secret(self) -> str:
        return self.deliverer.signing_secret

    @property
    def bot_user_id(self) -> str:
        return self.workspace.bot_user_id

    @property
    def team_id(self) -> str:
        return self.workspace.team_id

    @property
    def bot_scopes(self) -> tuple[str, ...]:
        return self.webapi.bot_scopes

    @bot_scopes.setter
    def bot_scopes(self, scopes: Iterable[str]) -> None:
        self.webapi.bot_scopes = tuple(scopes)

    @property
    def bot_events(self) -> tuple[str, ...]:
        """The events the app subscribes to (``message.im``, ``app_home_opened``, …)."""
        return self.events.bot_events

    @bot_events.setter
    def bot_events(self, names: Iterable[str]) -> None:
        self.events.bot_events = tuple(names)
        for team in self.workspaces.values():
            team.events.bot_events = self.events.bot_events

    @property
    def ack_deadline(self) -> float:
        """Seconds Slack waits for an acknowledgement (3.0, like Slack)."""
        return self.deliverer.ack_deadline

    @ack_deadline.setter
    def ack_deadline(self, seconds: float) -> None:
        self.deliverer.ack_deadline = seconds

    @property
    def deliver_twice(self) -> bool:
        """Send every event and interaction twice (events as a retry)."""
        return self.events.deliver_twice

    @deliver_twice.setter
    def deliver_twice(self, value: bool) -> None:
        self.events.deliver_twice = value
        for team in self.workspaces.values():
            team.events.deliver_twice = value

    @property
    def socket_connected(self) -> bool:
        return self.socket_hub.connected

    def limit_next(self, method: str, times: int = 1, retry_after: int = 1) -> None:
        """The next ``times`` calls of ``method`` answer HTTP 429 ``ratelimited``."""
        self.limiter.limit_next(method, times, retry_after)

    # waiting -------------------------------------------------------------------------------

    async def settle(self, quiet: float = 0.3, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until no API call or delivery has happened for ``quiet`` seconds, and no
        caller told to wait out a rate limit is still due back."""
        deadline = time.monotonic() + timeout
        while True:
            busy = (
                self.deliverer.in_flight > 0
                or any(not t.done() for t in self._tasks)
                or time.monotonic() < self._retry_due + RETRY_MARGIN
            )
            if not busy and time.monotonic() - self._last_activity >= quiet:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"the sandbox did not settle within {timeout}s")
            await asyncio.sleep(min(0.02, quiet / 4 or 0.01))

    async def wait_for(
        self,
        condition: Callable[[], object] | Callable[[], Awaitable[object]],
        timeout: float = 10.0,  # noqa: ASYNC109
        interval: float = 0.02,
    ) -> object:
        """Poll ``condition`` until it is truthy; returns its value."""
        deadline = time.monotonic() + timeout
        while True:
            value = condition()
            if asyncio.iscoroutine(value) or isinstance(value, asyncio.Future):
                value = await value
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f"condition not met within {timeout}s")
            await asyncio.sleep(interval)

    # effects of Web API calls --------------------------------------------------------------

    def bot_posted(self, conversation: Conversation, message: Message) -> None:
        """Slack echoes the bot's own DM messages as ``message`` events."""
        self.echo_bot_message(self.events, self.payloads, conversation, message)

    def echo_bot_message(
        self,
        events: EventDelivery,
        payloads: Payloads,
        conversation: Conversation,
        message: Message,
    ) -> None:
        """The bot posted in some workspace: a DM is echoed to it as a ``message`` event."""
        self.touch()
        if not self.echo_bot_messages or not conversation.is_im:
            return
        if not events.subscribed("message.im"):
            return
        if not self.deliverer.has_target:
            return
        events.spawn_event(payloads.message_event(conversation, message))

    def issue_socket_url(self) -> str:
        return self.socket_hub.issue_url()

    def _sandbox(self) -> Sandbox:
        return self

    # plumbing ------------------------------------------------------------------------------

    def touch(self) -> None:
        """Something happened: ``settle`` waits a quiet spell from now."""
        self._last_activity = time.monotonic()

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        """Run ``work`` in the background; ``settle`` and ``stop`` wait for it."""
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _record_call(self, call: ApiCall) -> None:
        self.calls.append(call)
        self.touch()
        if call.retry_after is not None:
            # A caller told to come back is not done: settle() waits for its return.
            back = time.monotonic() + call.retry_after
            self._retry_due = max(self._retry_due, back)

    def _client_session(self) -> aiohttp.ClientSession:
        if self._session is None:
            raise SandboxUsageError("start the sandbox first: await sandbox.start()")
        return self._session

    @web.middleware
    async def _activity_middleware(
        self,
        request: web.Request,
        handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
    ) -> web.StreamResponse:
        self.touch()
        try:
            return await handler(request)
        finally:
            self.touch()

    async def _handle_index(self, request: web.Request) -> web.Response:
        workspace = self.workspace
        return web.json_response(
            {
                "sandbox": "emulated Slack workspace",
                "team_id": workspace.team_id,
                "api_url": self.api_url,
                "request_url": self.request_url,
                "socket_mode_connected": self.socket_hub.connected,
                "users": {u.name: u.id for u in workspace.users.values()},
                "channels": {c.name: c.id for c in workspace.conversations.values() if not c.is_im},
                "workspaces": {t.team_id: t.name for t in self.workspaces.values()},
            }
        )
