"""Acting as a user: what can be clicked, what reaches the bot, and what does not."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.sandbox import ActionNotPossible, Sandbox, SandboxSettings
from tests.sandbox.conftest import MovableClock, Receiver

pytestmark = pytest.mark.asyncio


def role_picker() -> list[dict[str, Any]]:
    return [
        {
            "type": "section",
            "block_id": "role",
            "text": {"type": "mrkdwn", "text": "Which role are you?"},
            "accessory": {
                "type": "static_select",
                "action_id": "pick_role",
                "placeholder": {"type": "plain_text", "text": "Pick one"},
                "options": [
                    {"text": {"type": "plain_text", "text": "Developer"}, "value": "dev"},
                    {"text": {"type": "plain_text", "text": "Tester"}, "value": "test"},
                ],
            },
        }
    ]


async def test_picking_an_option_in_an_ephemeral(
    sandbox: Sandbox, receiver: Receiver, client: AsyncWebClient, http: aiohttp.ClientSession
) -> None:
    alice = sandbox.add_user("alice")
    channel = sandbox.add_channel("general", [alice])
    shown = await client.chat_postEphemeral(
        channel=channel, user=alice, text="Pick a role", blocks=role_picker()
    )

    await sandbox.click(alice, "pick_role", "Tester")
    payload = receiver.requests[-1].payload
    await http.post(
        payload["response_url"], json={"replace_original": True, "text": "Tester it is"}
    )

    assert payload["container"]["is_ephemeral"] is True
    assert payload["container"]["message_ts"] == shown["message_ts"]
    assert "message" not in payload
    [action] = payload["actions"]
    assert action["type"] == "static_select"
    assert action["selected_option"] == {
        "text": {"type": "plain_text", "text": "Tester"},
        "value": "test",
    }
    assert [e.text for e in sandbox.ephemerals(alice)] == ["Tester it is"]


async def test_a_user_only_sees_their_own_conversations(
    sandbox: Sandbox, receiver: Receiver, client: AsyncWebClient
) -> None:
    alice = sandbox.add_user("alice")
    bob = sandbox.add_user("bob")
    await client.chat_postMessage(channel=alice, text="Pick", blocks=role_picker())

    with pytest.raises(ActionNotPossible, match="pick_role"):
        await sandbox.click(bob, "pick_role", "dev")
    with pytest.raises(ActionNotPossible, match="no option"):
        await sandbox.click(alice, "pick_role", "manager")


async def test_channel_messages_reach_the_bot_only_when_it_is_mentioned(
    sandbox: Sandbox, receiver: Receiver
) -> None:
    sandbox.bot_scopes = [*sandbox.bot_scopes, "app_mentions:read"]
    sandbox.bot_events = [*sandbox.bot_events, "app_mention"]
    alice = sandbox.add_user("alice")
    channel = sandbox.add_channel("general", [alice])

    quiet = await sandbox.post_message(alice, channel, "just chatting")
    mention = await sandbox.post_message(alice, channel, "hey @p2p")

    assert quiet is None
    assert mention is not None
    assert [r.payload["event"]["type"] for r in receiver.requests] == ["app_mention"]
    assert [m.text for m in sandbox.channel_messages(channel)] == [
        "just chatting",
        f"hey <@{sandbox.bot_user_id}>",
    ]


async def test_events_the_app_does_not_subscribe_to_are_not_sent(
    sandbox: Sandbox, receiver: Receiver
) -> None:
    alice = sandbox.add_user("alice")
    channel = sandbox.add_channel("general", [alice])
    bob = sandbox.add_user("bob")

    joined = await sandbox.join_channel(bob, channel)
    mention = await sandbox.post_message(alice, channel, "hey @p2p")

    assert (joined, mention) == (None, None)
    assert receiver.requests == []
    assert bob in sandbox.workspace.require_conversation(channel).members


async def test_slash_text_without_escaping_keeps_names(
    clock: MovableClock, receiver: Receiver
) -> None:
    async with Sandbox(SandboxSettings(clock=clock, escape_slash_commands=False)) as sandbox:
        sandbox.request_url = receiver.url
        alice = sandbox.add_user("alice")

        await sandbox.slash_command(alice, None, "/p2p", "add @alice & co")

    assert receiver.requests[-1].form["text"] == "add @alice &amp; co"


async def test_no_echo_when_switched_off(clock: MovableClock, receiver: Receiver) -> None:
    async with Sandbox(SandboxSettings(clock=clock, echo_bot_messages=False)) as sandbox:
        sandbox.request_url = receiver.url
        alice = sandbox.add_user("alice")
        client = AsyncWebClient(token=sandbox.bot_token, base_url=sandbox.api_url)

        await client.chat_postMessage(channel=alice, text="Hello")
        await sandbox.settle(quiet=0.05)

    assert receiver.requests == []


async def test_changing_a_timezone_recomputes_label_and_offset(sandbox: Sandbox) -> None:
    alice = sandbox.add_user("alice", tz="Europe/London")

    await sandbox.update_user(alice, tz="Asia/Tokyo")

    user = sandbox.user(alice)
    assert (user.tz_label, user.tz_offset) == ("Japan Standard Time", 9 * 3600)
