"""Fixtures for the sandbox tests: a running Sandbox with a clock the test can move, a
Web API client pointed at it, and a stand-in for the bot's HTTP endpoint."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import aiohttp
import pytest
import pytest_asyncio
from aiohttp import web
from slack_sdk.web.async_client import AsyncWebClient

from bot.sandbox import Sandbox, SandboxSettings


class MovableClock:
    """Monotonic seconds that only move when the test says so."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Reply:
    status: int = 200
    body: str = ""
    delay: float = 0.0
    content_type: str = "text/plain"

    @classmethod
    def json(cls, data: object, **kwargs: Any) -> Reply:
        return cls(body=json.dumps(data), content_type="application/json", **kwargs)


@dataclass
class ReceivedRequest:
    headers: dict[str, str]
    body: bytes

    @property
    def form(self) -> dict[str, str]:
        return {k: v[-1] for k, v in parse_qs(self.body.decode()).items()}

    @property
    def payload(self) -> Any:
        """The JSON of an interaction (``payload=``) or of an event body."""
        if self.headers.get("Content-Type", "").startswith("application/json"):
            return json.loads(self.body)
        return json.loads(self.form["payload"])


@dataclass
class Receiver:
    """Stands in for the bot's ``/slack/events``: records requests, answers as told."""

    url: str = ""
    requests: list[ReceivedRequest] = field(default_factory=list)
    reply: Callable[[ReceivedRequest], Reply] = lambda request: Reply()

    async def handle(self, request: web.Request) -> web.Response:
        received = ReceivedRequest(dict(request.headers), await request.read())
        self.requests.append(received)
        answer = self.reply(received)
        if answer.delay:
            await asyncio.sleep(answer.delay)
        return web.Response(
            status=answer.status, text=answer.body, content_type=answer.content_type
        )


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest_asyncio.fixture
async def sandbox(clock: MovableClock) -> AsyncIterator[Sandbox]:
    async with Sandbox(SandboxSettings(clock=clock)) as running:
        yield running


@pytest_asyncio.fixture
async def receiver(sandbox: Sandbox) -> AsyncIterator[Receiver]:
    stand_in = Receiver()
    app = web.Application()
    app.router.add_post("/slack/events", stand_in.handle)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    stand_in.url = f"http://127.0.0.1:{runner.addresses[0][1]}/slack/events"
    sandbox.request_url = stand_in.url
    yield stand_in
    await runner.cleanup()


@pytest.fixture
def client(sandbox: Sandbox) -> AsyncWebClient:
    return AsyncWebClient(token=sandbox.bot_token, base_url=sandbox.api_url)


@pytest_asyncio.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session
