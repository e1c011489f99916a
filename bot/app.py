"""Composition root: settings → database → messenger → service → Bolt app → aiohttp app."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.rendering import Renderer
from bot.settings import Settings
from bot.slack.connections import SlackConnections
from bot.slack.directory import SlackDirectory
from bot.slack.install import BOT_SCOPES, CALLBACKS, INSTALL_PATH, REDIRECT_PATH
from bot.slack.listeners import register_listeners
from bot.slack.listeners.turns import Turns
from bot.slack.messenger import SlackMessenger
from bot.slack.workspaces import InstalledAuthorize, InstalledWorkspaces, OneWorkspace, Workspaces
from bot.workshop.bootstrap import Services, bootstrap, dependencies
from bot.workshop.core.calendar import WorkingHours, parse_working_days, parse_working_hours
from bot.workshop.core.model import Team
from bot.workshop.core.questions import load_question_bank
from bot.workshop.core.schedule import ReminderPolicy
from bot.workshop.ports import Clock, act_for
from bot.workshop.usecases.remind import ReminderRunner
from storage.db import Database

logger = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"


@dataclass
class P2P:
    """Everything one running p2p process is made of."""

    settings: Settings
    database: Database
    client: AsyncWebClient  # without a token when installed in many workspaces
    workspaces: Workspaces
    services: Services
    bolt: AsyncApp
    connections: SlackConnections
    turns: Turns

    async def close(self) -> None:
        await self.connections.close()
        await self.database.dispose()


def build_web_client(
    settings: Settings, connections: SlackConnections, token: str | None = None
) -> AsyncWebClient:
    """A Web API client: with the one bot token (``SLACK_BOT_TOKEN``), or with ``token``,
    one workspace's, over the process's kept-alive ``connections``. A 429 holds back
    every call of its method until Slack's Retry-After (bot.slack.pacing), rather than
    each concurrent call finding out alone."""
    from bot.slack.pacing import MethodPacing, PacedRateLimitRetryHandler, PacedWebClient

    if token is None and settings.slack_bot_token is not None:
        token = settings.slack_bot_token.get_secret_value()
    pacing = MethodPacing()
    return PacedWebClient(
        token=token,
        base_url=settings.slack_api_url,
        pacing=pacing,
        connections=connections,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
            PacedRateLimitRetryHandler(pacing, AsyncRateLimitErrorRetryHandler(max_retry_count=10)),
            AsyncServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def build_p2p(settings: Settings, *, clock: Clock | None = None) -> P2P:
    database = Database(settings.database_url)
    connections = SlackConnections()
    client = build_web_client(settings, connections)
    renderer = Renderer()
    bank = load_question_bank()
    secret = settings.slack_signing_secret
    signing_secret = secret.get_secret_value() if secret else ""
    workspaces: Workspaces
    bolt_logger = bolt_logger_for(settings)
    if settings.installs_in_many_workspaces:
        installed = installed_workspaces(settings, database, client, connections)
        workspaces = installed
        bolt = AsyncApp(
            client=client,
            signing_secret=signing_secret,
            oauth_settings=oauth_settings(settings, database, installed),
            # Bolt takes an AsyncAuthorize instance beside its OAuth settings; its type
            # hints name only plain functions
            authorize=InstalledAuthorize(installed),  # type: ignore[arg-type]
            installation_store_bot_only=True,
            logger=bolt_logger,
        )
    else:
        workspaces = OneWorkspace(client)
        bolt_logger.addFilter(_same_token_twice)
        bolt = AsyncApp(client=client, signing_secret=signing_secret, logger=bolt_logger)
    services = bootstrap(
        dependencies(
            database,
            SlackMessenger(workspaces, renderer, bank.quick_answers),
            clock=clock,
            directory=SlackDirectory(workspaces),
            policy=reminder_policy(settings),
            bank=bank,
        )
    )
    turns = Turns()
    bolt.middleware(ForEachDelivery(turns))
    register_listeners(bolt, services, renderer, workspaces)
    return P2P(
        settings=settings,
        database=database,
        client=client,
        workspaces=workspaces,
        services=services,
        bolt=bolt,
        connections=connections,
        turns=turns,
    )


def bolt_logger_for(settings: Settings) -> logging.Logger:
    """Bolt's logger, at p2p's log level. Bolt reads the level off this logger itself (not
    the level it inherits): left unset, Bolt would build its debug messages for every
    delivery, before the ack, only for logging to drop them."""
    logger = logging.getLogger("bot.bolt")
    logger.setLevel(settings.log_level_number)
    return logger


def _same_token_twice(record: logging.LogRecord) -> bool:
    """Bolt reads SLACK_BOT_TOKEN from the environment itself and, seeing the client too,
    warns at every start that the client's token wins: it is the same token, so the
    warning is dropped rather than shown to every operator."""
    from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped

    return record.getMessage() != warning_client_prioritized_and_token_skipped()


class ForEachDelivery(AsyncMiddleware):
    """The one Bolt middleware (each costs every delivery some time before its ack).

    Whatever a delivery leads to, p2p does in the workspace it came from (the token of
    that workspace), the listeners' background work included, and in ``turns`` with the
    work of other deliveries (listeners/turns.py). Bolt runs its middleware one after
    another, not nested, so both hold for the rest of the delivery's own task (each
    delivery is handled in a task of its own).

    A class rather than a function: Bolt calls a class's ``async_process`` as it is, where
    for a function it first builds every argument a listener could ask for (a client,
    ``say``, ``respond``, the parsed payload...), before each ack."""

    def __init__(self, turns: Turns) -> None:
        self.turns = turns

    async def async_process(
        self,
        *,
        req: AsyncBoltRequest,
        resp: BoltResponse,
        next: Callable[[], Awaitable[BoltResponse]],
    ) -> BoltResponse:
        context = req.context
        act_for(Team(team_id=context.team_id or "", enterprise_id=context.enterprise_id))
        self.turns.give_to_this_delivery()
        return await next()


def installed_workspaces(
    settings: Settings, database: Database, client: AsyncWebClient, connections: SlackConnections
) -> InstalledWorkspaces:
    """Installed in many workspaces: tokens from slack_sdk's installation store on p2p's
    database, refreshed through ``client`` (which has no token of its own)."""
    from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator

    from storage.installations import installation_store

    assert settings.slack_client_id is not None
    assert settings.slack_client_secret is not None
    return InstalledWorkspaces(
        installation_store(database, client_id=settings.slack_client_id),
        rotator=AsyncTokenRotator(
            client_id=settings.slack_client_id,
            client_secret=settings.slack_client_secret.get_secret_value(),
            client=client,
        ),
        make_client=lambda token, _team: build_web_client(settings, connections, token),
        refresh_minutes=settings.slack_token_refresh_minutes,
    )


def oauth_settings(
    settings: Settings, database: Database, installed: InstalledWorkspaces
) -> AsyncOAuthSettings:
    """Bolt's OAuth flow: the "Add to Slack" page and the redirect that finishes an
    install, with each install's state kept on p2p's database until it is used."""
    from storage.installations import STATE_LIFETIME_SECONDS, oauth_state_store

    assert settings.slack_client_id is not None
    assert settings.slack_client_secret is not None
    return AsyncOAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret.get_secret_value(),
        scopes=list(BOT_SCOPES),
        redirect_uri=settings.slack_redirect_uri,
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        callback_options=CALLBACKS,
        authorization_url=settings.slack_authorize_url,
        installation_store=installed.store,
        installation_store_bot_only=True,
        token_rotation_expiration_minutes=settings.slack_token_refresh_minutes,
        state_store=oauth_state_store(database, lifetime_seconds=STATE_LIFETIME_SECONDS),
        state_expiration_seconds=STATE_LIFETIME_SECONDS,
    )


def reminder_policy(settings: Settings) -> ReminderPolicy:
    start, end = parse_working_hours(settings.working_hours)
    return ReminderPolicy(
        hours=WorkingHours(start=start, end=end, days=parse_working_days(settings.working_days)),
        first_nudge_after_days=settings.nudge_first_after_days,
        nudge_every_days=settings.nudge_every_days,
        max_nudges=settings.nudge_max,
        role_allowance_days=settings.role_allowance_days,
    )


@asynccontextmanager
async def running_reminders(p2p: P2P) -> AsyncIterator[None]:
    """Reminders and deadlines, done in the background for as long as p2p serves."""
    runner = ReminderRunner(
        p2p.services.reminders, interval=p2p.settings.scheduler_interval_seconds
    )
    runner.start()
    try:
        yield
    finally:
        await runner.stop()


def has_unreadable_timestamp(request: web.Request) -> bool:
    """Whether the request carries a timestamp that is not a whole number.

    Bolt's signature check raises on such a timestamp instead of refusing the request, and
    its error handler then acts on a body nobody has verified: it would send an error
    message to whatever response_url or user the forged body names. Such a request is
    refused as Bolt refuses any bad signature.
    """
    timestamp = request.headers.get("X-Slack-Request-Timestamp")
    if timestamp is None:
        return False  # Bolt reads a missing timestamp as 0: too old, refused
    try:
        int(timestamp)
    except ValueError:
        return True
    return False


def build_web_app(p2p: P2P, *, slack_events: bool = True) -> web.Application:
    """`GET /healthz`, and `POST /slack/events` unless Slack reaches p2p another way: in
    Socket Mode there is no signing secret to check requests against, so the port answers
    health checks only (anything else is 404)."""

    async def handle_slack_request(request: web.Request) -> web.Response:
        if has_unreadable_timestamp(request):
            return web.json_response({"error": "invalid request"}, status=401)
        bolt_request = await to_bolt_request(request)
        with p2p.turns.acknowledging():
            response = await p2p.bolt.async_dispatch(bolt_request)
        return await to_aiohttp_response(response)

    async def handle_install(request: web.Request) -> web.Response:
        flow = p2p.bolt.oauth_flow
        assert flow is not None
        bolt_request = await to_bolt_request(request)
        if request.path == INSTALL_PATH:
            return await to_aiohttp_response(await flow.handle_installation(bolt_request))
        return await to_aiohttp_response(await flow.handle_callback(bolt_request))

    async def handle_health(_request: web.Request) -> web.Response:
        if await p2p.database.ping():
            return web.json_response({"ok": True, "database": "ok"})
        return web.json_response({"ok": False, "database": "unreachable"}, status=503)

    app = web.Application()
    if slack_events:
        app.router.add_post(EVENTS_PATH, handle_slack_request)
        if p2p.bolt.oauth_flow is not None:
            app.router.add_get(INSTALL_PATH, handle_install)
            app.router.add_get(REDIRECT_PATH, handle_install)
    app.router.add_get(HEALTH_PATH, handle_health)
    return app


async def prepare(p2p: P2P, *, migrate: bool) -> None:
    """Migrate if asked, then send any question that was due when the process stopped."""
    if migrate:
        await p2p.database.migrate()
    try:
        resumed = await p2p.services.asking.resume_unsent_prompts()
    except Exception:
        logger.exception("could not resume unsent questions; they go out on the next reply")
    else:
        if resumed:
            logger.info("sent %d question(s) that were due before the restart", resumed)


async def start_http(p2p: P2P, *, host: str, port: int, slack_events: bool = True) -> web.AppRunner:
    runner = web.AppRunner(build_web_app(p2p, slack_events=slack_events), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner


async def serve_http(p2p: P2P, *, host: str = "0.0.0.0", port: int) -> None:
    runner = await start_http(p2p, host=host, port=port)
    logger.info("p2p is listening on http://%s:%d%s", host, port, EVENTS_PATH)
    try:
        async with running_reminders(p2p):
            await asyncio.Event().wait()
    finally:
        await runner.cleanup()


async def serve_socket_mode(p2p: P2P, *, app_token: str, health_port: int | None = None) -> None:
    """Socket Mode: Slack connects over a WebSocket; /healthz, and only it, still answers
    on HTTP."""
    from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler  # Socket Mode only

    runner = None
    if health_port is not None:
        runner = await start_http(p2p, host="0.0.0.0", port=health_port, slack_events=False)
    handler = AsyncSocketModeHandler(p2p.bolt, app_token, web_client=p2p.client)
    try:
        async with running_reminders(p2p):
            await handler.start_async()  # type: ignore[no-untyped-call]
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]
        if runner is not None:
            await runner.cleanup()
