"""Composition root: settings → database → messenger → service → Bolt app → aiohttp app."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.rendering import Renderer
from bot.settings import Settings
from bot.slack.directory import SlackDirectory
from bot.slack.listeners import register_listeners
from bot.slack.messenger import SlackMessenger
from bot.workshop.bootstrap import Services, bootstrap, dependencies
from bot.workshop.core.calendar import WorkingHours, parse_working_days, parse_working_hours
from bot.workshop.core.questions import load_question_bank
from bot.workshop.core.schedule import ReminderPolicy
from bot.workshop.ports import Clock
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
    client: AsyncWebClient
    services: Services
    bolt: AsyncApp

    async def close(self) -> None:
        await self.database.dispose()


def build_web_client(settings: Settings) -> AsyncWebClient:
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return AsyncWebClient(
        token=token,
        base_url=settings.slack_api_url,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
            AsyncRateLimitErrorRetryHandler(max_retry_count=5),
            AsyncServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def build_p2p(settings: Settings, *, clock: Clock | None = None) -> P2P:
    database = Database(settings.database_url)
    client = build_web_client(settings)
    renderer = Renderer()
    bank = load_question_bank()
    services = bootstrap(
        dependencies(
            database,
            SlackMessenger(client, renderer, bank.quick_answers),
            clock=clock,
            directory=SlackDirectory(client),
            policy=reminder_policy(settings),
            bank=bank,
        )
    )
    secret = settings.slack_signing_secret
    bolt = AsyncApp(
        client=client,
        signing_secret=secret.get_secret_value() if secret else "",
        logger=logging.getLogger("bot.bolt"),
    )
    register_listeners(bolt, services, renderer)
    return P2P(settings=settings, database=database, client=client, services=services, bolt=bolt)


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
        return await to_aiohttp_response(await p2p.bolt.async_dispatch(bolt_request))

    async def handle_health(_request: web.Request) -> web.Response:
        if await p2p.database.ping():
            return web.json_response({"ok": True, "database": "ok"})
        return web.json_response({"ok": False, "database": "unreachable"}, status=503)

    app = web.Application()
    if slack_events:
        app.router.add_post(EVENTS_PATH, handle_slack_request)
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
