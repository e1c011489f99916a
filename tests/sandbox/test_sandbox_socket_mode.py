"""Socket Mode with slack_sdk's own aiohttp SocketModeClient."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.async_client import AsyncBaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.sandbox import Sandbox

pytestmark = pytest.mark.asyncio


class Answers:
    """What the socket client acks with, per envelope type (None: no ack at all)."""

    def __init__(self) -> None:
        self.by_type: dict[str, dict[str, object] | None] = {}
        self.received: list[SocketModeRequest] = []

    async def __call__(self, client: AsyncBaseSocketModeClient, request: SocketModeRequest) -> None:
        self.received.append(request)
        if request.type in self.by_type and self.by_type[request.type] is None:
            return
        payload = self.by_type.get(request.type)
        await client.send_socket_mode_response(
            SocketModeResponse(envelope_id=request.envelope_id, payload=payload)
        )


@pytest_asyncio.fixture
async def answers(sandbox: Sandbox) -> AsyncIterator[Answers]:
    answering = Answers()
    client = SocketModeClient(
        app_token=sandbox.app_token,
        web_client=AsyncWebClient(token=sandbox.bot_token, base_url=sandbox.api_url),
        auto_reconnect_enabled=False,
    )
    client.socket_mode_request_listeners.append(answering)
    await client.connect()  # type: ignore[no-untyped-call]
    await sandbox.wait_for(lambda: sandbox.socket_connected, timeout=2)
    yield answering
    await client.close()  # type: ignore[no-untyped-call]


async def test_connects_through_apps_connections_open(sandbox: Sandbox, answers: Answers) -> None:
    [opened] = sandbox.calls_to("apps.connections.open")

    assert opened.ok
    assert opened.token_kind == "app"
    assert opened.response["url"].startswith("ws://127.0.0.1:")
    assert sandbox.socket_hub.connections_made == 1


async def test_slash_command_envelope_and_its_ack(sandbox: Sandbox, answers: Answers) -> None:
    alice = sandbox.add_user("alice")
    answers.by_type["slash_commands"] = {"text": "Got it, starting"}

    delivery = await sandbox.slash_command(alice, None, "/p2p", "start @alice")

    [request] = answers.received
    assert request.type == "slash_commands"
    assert request.accepts_response_payload is True
    assert request.payload["command"] == "/p2p"
    assert request.payload["text"] == f"start <@{alice}|alice>"
    assert request.payload["trigger_id"]
    envelope = json.loads(delivery.request_body)
    assert envelope["envelope_id"] == request.envelope_id
    assert delivery.transport == "socket"
    assert delivery.ok
    assert delivery.json() == {"text": "Got it, starting"}
    assert [e.text for e in sandbox.ephemerals(alice)] == ["Got it, starting"]


async def test_view_submission_ack_payload_counts(
    sandbox: Sandbox, answers: Answers, client: AsyncWebClient
) -> None:
    alice = sandbox.add_user("alice")
    await sandbox.slash_command(alice, None, "/p2p", "start")
    view = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Start"},
        "submit": {"type": "plain_text", "text": "Go"},
        "blocks": [
            {
                "type": "input",
                "block_id": "name",
                "label": {"type": "plain_text", "text": "Product"},
                "element": {"type": "plain_text_input", "action_id": "value"},
            }
        ],
    }
    await client.views_open(trigger_id=answers.received[-1].payload["trigger_id"], view=view)
    answers.by_type["interactive"] = {"response_action": "errors", "errors": {"name": "Too short"}}

    await sandbox.submit_view(alice, {"name": "X"})

    assert answers.received[-1].type == "interactive"
    assert answers.received[-1].accepts_response_payload is True
    assert sandbox.view_errors(alice) == {"name": "Too short"}


async def test_unacknowledged_event_is_retried_with_retry_attempt(
    sandbox: Sandbox, answers: Answers
) -> None:
    sandbox.ack_deadline = 0.1
    sandbox.events.event_retries = 1
    alice = sandbox.add_user("alice")
    answers.by_type["events_api"] = None

    first = await sandbox.send_dm(alice, "hello")
    await sandbox.wait_for(lambda: first.retries, timeout=2)

    assert first.timed_out
    [original, retry] = [r for r in answers.received if r.type == "events_api"]
    assert original.retry_attempt == 0
    assert retry.retry_attempt == 1
    assert retry.retry_reason == "timeout"
    assert retry.payload["event_id"] == original.payload["event_id"]
