"""A real slack_bolt AsyncApp against the sandbox, over HTTP and over Socket Mode: the
sandbox speaks what Bolt expects (signatures, payloads, acks) and Bolt's calls pass the
contract."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncSay
from slack_sdk.web.async_client import AsyncWebClient

from bot.sandbox import Sandbox

pytestmark = pytest.mark.asyncio

MODAL: dict[str, Any] = {
    "type": "modal",
    "callback_id": "start_workshop",
    "title": {"type": "plain_text", "text": "Start a workshop"},
    "submit": {"type": "plain_text", "text": "Start"},
    "blocks": [
        {
            "type": "input",
            "block_id": "name",
            "label": {"type": "plain_text", "text": "Product"},
            "element": {"type": "plain_text_input", "action_id": "value"},
        }
    ],
}


def build_app(sandbox: Sandbox) -> AsyncApp:
    app = AsyncApp(
        signing_secret=sandbox.signing_secret,
        client=AsyncWebClient(token=sandbox.bot_token, base_url=sandbox.api_url),
    )

    @app.command("/p2p")
    async def start(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        await client.views_open(trigger_id=body["trigger_id"], view=MODAL)

    @app.view("start_workshop")
    async def submitted(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        name = view["state"]["values"]["name"]["value"]["value"]
        if len(name) < 3:
            await ack(response_action="errors", errors={"name": "Give a longer name"})
            return
        await ack()
        await client.chat_postMessage(channel=body["user"]["id"], text=f"Started {name}")

    @app.event("message")
    async def replied(event: dict[str, Any], say: AsyncSay) -> None:
        await say(f"You said: {event['text']}")

    return app


@pytest_asyncio.fixture
async def bolt_over_http(sandbox: Sandbox) -> AsyncIterator[AsyncApp]:
    app = build_app(sandbox)
    runner = web.AppRunner(app.web_app(path="/slack/events"), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    sandbox.request_url = f"http://127.0.0.1:{runner.addresses[0][1]}/slack/events"
    yield app
    await runner.cleanup()


@pytest_asyncio.fixture
async def bolt_over_socket(sandbox: Sandbox) -> AsyncIterator[AsyncApp]:
    app = build_app(sandbox)
    handler = AsyncSocketModeHandler(app, sandbox.app_token)
    handler.client.auto_reconnect_enabled = False
    handler.client.default_auto_reconnect_enabled = False
    await handler.connect_async()  # type: ignore[no-untyped-call]
    await sandbox.wait_for(lambda: sandbox.socket_connected, timeout=2)
    yield app
    await handler.close_async()  # type: ignore[no-untyped-call]


async def run_the_story(sandbox: Sandbox) -> None:
    alice = sandbox.add_user("alice", real_name="Alice Archer")

    command = await sandbox.slash_command(alice, None, "/p2p", "start")
    await sandbox.settle(quiet=0.05)
    too_short = await sandbox.submit_view(alice, {"name": "X"})
    errors_shown = sandbox.view_errors(alice)
    await sandbox.submit_view(alice, {"name": "Checkout"})
    await sandbox.settle(quiet=0.05)
    await sandbox.send_dm(alice, "about two weeks")
    await sandbox.settle(quiet=0.05)

    assert command.ok
    assert too_short.ok
    assert errors_shown == {"name": "Give a longer name"}
    assert sandbox.open_views(alice) == []
    assert [sandbox.render(m) for m in sandbox.dm_messages(alice)] == [
        "Started Checkout",
        "about two weeks",
        "You said: about two weeks",
    ]
    assert all(call.ok for call in sandbox.calls), [
        (c.method, c.error) for c in sandbox.calls if not c.ok
    ]


async def test_bolt_over_http(sandbox: Sandbox, bolt_over_http: AsyncApp) -> None:
    await run_the_story(sandbox)

    assert {d.transport for d in sandbox.deliveries} == {"http"}


async def test_bolt_over_socket_mode(sandbox: Sandbox, bolt_over_socket: AsyncApp) -> None:
    await run_the_story(sandbox)

    assert {d.transport for d in sandbox.deliveries} == {"socket"}
