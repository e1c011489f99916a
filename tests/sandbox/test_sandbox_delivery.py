"""Delivery to the bot over HTTP: signatures, the ack deadline, retries, commands, clicks,
response_urls and events, in Slack's payload shapes."""

from __future__ import annotations

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from bot.sandbox import Sandbox, SandboxUsageError
from tests.sandbox.conftest import Receiver, Reply

pytestmark = pytest.mark.asyncio


def button_message(action_id: str = "answer", value: str = "yes") -> list[dict[str, object]]:
    return [
        {
            "type": "actions",
            "block_id": "answers",
            "elements": [
                {
                    "type": "button",
                    "action_id": action_id,
                    "text": {"type": "plain_text", "text": "Yes"},
                    "value": value,
                }
            ],
        }
    ]


async def test_every_request_carries_a_valid_v0_signature(
    sandbox: Sandbox, receiver: Receiver, client: AsyncWebClient
) -> None:
    alice = sandbox.add_user("alice")
    await client.chat_postMessage(channel=alice, text="Ready?", blocks=button_message())
    await sandbox.settle(quiet=0.05)

    await sandbox.slash_command(alice, None, "/p2p", "help")
    await sandbox.click(alice, "answer")
    await sandbox.send_dm(alice, "about two weeks")

    verifier = SignatureVerifier(sandbox.signing_secret)
    assert len(receiver.requests) >= 4
    for request in receiver.requests:
        assert request.headers["X-Slack-Signature"].startswith("v0=")
        assert verifier.is_valid_request(request.body, request.headers)
        assert not verifier.is_valid_request(request.body + b" ", request.headers)
    assert not SignatureVerifier("another-secret").is_valid_request(
        receiver.requests[0].body, receiver.requests[0].headers
    )


async def test_slash_command_form_and_mentions(sandbox: Sandbox, receiver: Receiver) -> None:
    alice = sandbox.add_user("alice", real_name="Alice Archer")
    channel = sandbox.add_channel("path-to-prod", [alice])

    delivery = await sandbox.slash_command(
        alice, channel, "/p2p", 'start "Checkout" product=@alice in #path-to-prod & <soon> @nobody'
    )

    form = receiver.requests[-1].form
    assert delivery.ok
    assert receiver.requests[-1].headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert form["text"] == (
        f'start "Checkout" product=<@{alice}|alice> in <#{channel}|path-to-prod> '
        "&amp; &lt;soon&gt; @nobody"
    )
    assert form["command"] == "/p2p"
    assert form["user_id"] == alice
    assert form["user_name"] == "alice"
    assert form["channel_id"] == channel
    assert form["channel_name"] == "path-to-prod"
    assert form["team_id"] == sandbox.team_id
    assert form["api_app_id"] == sandbox.workspace.app_id
    assert form["response_url"].startswith(f"{sandbox.url}/response/")
    assert form["trigger_id"].count(".") == 2


async def test_command_ack_text_is_an_ephemeral(sandbox: Sandbox, receiver: Receiver) -> None:
    alice = sandbox.add_user("alice")
    channel = sandbox.add_channel("general", [alice])
    receiver.reply = lambda request: Reply(body="Starting your workshop…")
    await sandbox.slash_command(alice, channel, "/p2p", "start")
    receiver.reply = lambda request: Reply.json(
        {"response_type": "in_channel", "text": "Hello all"}
    )
    await sandbox.slash_command(alice, channel, "/p2p", "announce")

    assert [(e.text, e.source) for e in sandbox.ephemerals(alice)] == [
        ("Starting your workshop…", "command_ack")
    ]
    assert [m.text for m in sandbox.channel_messages(channel)] == ["Hello all"]


async def test_a_slow_receiver_times_out(sandbox: Sandbox, receiver: Receiver) -> None:
    sandbox.ack_deadline = 0.2
    alice = sandbox.add_user("alice")
    receiver.reply = lambda request: Reply(delay=0.5)

    delivery = await sandbox.slash_command(alice, None, "/p2p", "start")

    assert delivery.timed_out
    assert delivery.status is None
    assert not delivery.ok
    assert 0.2 <= delivery.elapsed < 0.45
    assert [e.text for e in sandbox.ephemerals(alice)] == [
        '/p2p failed with the error "operation_timeout"'
    ]


async def test_a_timed_out_event_is_redelivered_with_retry_headers(
    sandbox: Sandbox, receiver: Receiver
) -> None:
    sandbox.ack_deadline = 0.1
    alice = sandbox.add_user("alice")
    receiver.reply = lambda request: Reply(delay=0.3 if len(receiver.requests) == 1 else 0.0)

    first = await sandbox.send_dm(alice, "hello")
    await sandbox.wait_for(lambda: first.retries, timeout=2)

    assert first.timed_out
    [retry] = first.retries
    assert retry.ok
    assert retry.request_headers["X-Slack-Retry-Num"] == "1"
    assert retry.request_headers["X-Slack-Retry-Reason"] == "http_timeout"
    assert receiver.requests[1].payload["event_id"] == receiver.requests[0].payload["event_id"]
    assert "X-Slack-Retry-Num" not in receiver.requests[0].headers


async def test_deliver_twice(sandbox: Sandbox, receiver: Receiver, client: AsyncWebClient) -> None:
    alice = sandbox.add_user("alice")
    await client.chat_postMessage(channel=alice, text="Ready?", blocks=button_message())
    await sandbox.settle(quiet=0.05)
    sandbox.deliver_twice = True
    before = len(receiver.requests)

    event = await sandbox.send_dm(alice, "two weeks")
    click = await sandbox.click(alice, "answer")

    first_event, second_event, first_click, second_click = receiver.requests[before:]
    assert first_event.payload["event_id"] == second_event.payload["event_id"]
    assert "X-Slack-Retry-Num" not in first_event.headers
    assert second_event.headers["X-Slack-Retry-Num"] == "1"
    assert second_event.headers["X-Slack-Retry-Reason"] == "http_timeout"
    assert first_click.payload["actions"][0]["action_id"] == "answer"
    assert second_click.payload["actions"][0]["action_id"] == "answer"
    assert first_click.payload["trigger_id"] != second_click.payload["trigger_id"]
    assert len(event.retries) == 1
    assert len(click.retries) == 1


async def test_dm_message_event_shape(sandbox: Sandbox, receiver: Receiver) -> None:
    alice = sandbox.add_user("alice")

    await sandbox.send_dm(alice, "about two weeks")

    body = receiver.requests[-1].payload
    assert receiver.requests[-1].headers["Content-Type"] == "application/json"
    assert body["type"] == "event_callback"
    assert body["team_id"] == sandbox.team_id
    assert body["api_app_id"] == sandbox.workspace.app_id
    assert body["event_id"].startswith("Ev")
    assert isinstance(body["event_time"], int)
    assert body["authorizations"][0]["user_id"] == sandbox.bot_user_id
    assert body["is_ext_shared_channel"] is False
    assert body["event_context"]
    event = body["event"]
    assert event["type"] == "message"
    assert event["channel_type"] == "im"
    assert event["channel"] == sandbox.dm_channel(alice)
    assert event["user"] == alice
    assert event["text"] == "about two weeks"
    assert event["client_msg_id"]
    assert event["ts"] == event["event_ts"] == sandbox.dm_messages(alice)[0].ts
    assert event["blocks"][0]["type"] == "rich_text"
    assert "bot_id" not in event


async def test_typed_text_is_escaped_but_slack_markup_is_kept(
    sandbox: Sandbox, receiver: Receiver
) -> None:
    alice = sandbox.add_user("alice")

    await sandbox.send_dm(alice, "ping @alice & <!channel> about <b> via <https://x.example|x>")

    event = receiver.requests[-1].payload["event"]
    assert event["text"] == (
        f"ping <@{alice}> &amp; <!channel> about &lt;b&gt; via <https://x.example|x>"
    )
    assert {"type": "user", "user_id": alice} in event["blocks"][0]["elements"][0]["elements"]


async def test_the_bots_own_dm_is_echoed_as_an_event(
    sandbox: Sandbox, receiver: Receiver, client: AsyncWebClient
) -> None:
    alice = sandbox.add_user("alice")

    posted = await client.chat_postMessage(channel=alice, text="What is your role?")
    await sandbox.settle(quiet=0.05)

    event = receiver.requests[-1].payload["event"]
    assert event["type"] == "message"
    assert event["channel_type"] == "im"
    assert event["ts"] == posted["ts"]
    assert event["bot_id"] == sandbox.workspace.bot_id
    assert event["user"] == sandbox.bot_user_id


async def test_click_on_a_message_and_answer_through_response_url(
    sandbox: Sandbox, receiver: Receiver, client: AsyncWebClient, http: aiohttp.ClientSession
) -> None:
    alice = sandbox.add_user("alice")
    channel = sandbox.add_channel("general", [alice])
    posted = await client.chat_postMessage(channel=channel, text="Ready?", blocks=button_message())

    await sandbox.click(alice, "answer")
    payload = receiver.requests[-1].payload
    url = payload["response_url"]
    replaced = await http.post(url, json={"replace_original": True, "text": "Thanks, Alice!"})
    ephemeral = await http.post(url, json={"text": "Noted"})
    bad = await http.post(url, json={"text": "x", "blocks": [{"type": "nope"}]})

    assert payload["type"] == "block_actions"
    assert payload["container"] == {
        "type": "message",
        "message_ts": posted["ts"],
        "channel_id": channel,
        "is_ephemeral": False,
    }
    assert payload["channel"] == {"id": channel, "name": "general"}
    assert payload["message"]["ts"] == posted["ts"]
    assert payload["actions"][0]["value"] == "yes"
    assert (replaced.status, ephemeral.status, bad.status) == (200, 200, 400)
    [message] = sandbox.channel_messages(channel)
    assert message.text == "Thanks, Alice!"
    assert message.blocks == []
    assert [e.text for e in sandbox.ephemerals(alice)] == ["Noted"]
    assert [p.status for p in sandbox.response_posts] == [200, 200, 400]
    assert sandbox.response_posts[2].answer["error"] == "invalid_blocks"


async def test_command_response_url_in_channel_and_ephemeral(
    sandbox: Sandbox, receiver: Receiver, http: aiohttp.ClientSession
) -> None:
    alice = sandbox.add_user("alice")
    channel = sandbox.add_channel("general", [alice])
    await sandbox.slash_command(alice, channel, "/p2p", "status")
    url = receiver.requests[-1].form["response_url"]

    await http.post(url, json={"response_type": "in_channel", "text": "Workshop: 3 of 5 done"})
    await http.post(url, json={"text": "Only you see this"})

    assert [m.text for m in sandbox.channel_messages(channel)] == ["Workshop: 3 of 5 done"]
    assert [e.text for e in sandbox.ephemerals(alice)] == ["Only you see this"]
    assert [p.body.get("text") for p in sandbox.response_posts] == [
        "Workshop: 3 of 5 done",
        "Only you see this",
    ]


async def test_any_event_can_be_delivered_as_a_retry(sandbox: Sandbox, receiver: Receiver) -> None:
    alice = sandbox.add_user("alice")

    delivery = await sandbox.deliver_event(
        {"type": "app_home_opened", "user": alice, "tab": "messages"},
        retry_num=2,
        retry_reason="http_error",
    )

    request = receiver.requests[-1]
    assert delivery.ok
    assert request.headers["X-Slack-Retry-Num"] == "2"
    assert request.headers["X-Slack-Retry-Reason"] == "http_error"
    assert request.payload["type"] == "event_callback"
    assert request.payload["event"]["tab"] == "messages"
    assert request.payload["event"]["event_ts"]


async def test_url_verification(sandbox: Sandbox, receiver: Receiver) -> None:
    receiver.reply = lambda request: Reply.json({"challenge": request.payload["challenge"]})

    delivery = await sandbox.url_verification("abc123")

    assert receiver.requests[-1].payload == {
        "token": "sandbox-verification-token",
        "challenge": "abc123",
        "type": "url_verification",
    }
    assert delivery.ok
    assert delivery.problems == []


async def test_workspace_events(
    sandbox: Sandbox, receiver: Receiver, client: AsyncWebClient
) -> None:
    sandbox.bot_scopes = [*sandbox.bot_scopes, "app_mentions:read"]
    sandbox.bot_events = [*sandbox.bot_events, "app_mention", "member_joined_channel"]
    alice = sandbox.add_user("alice")
    channel = sandbox.add_channel("general", [alice])
    bob = sandbox.add_user("bob")

    joined = await sandbox.join_channel(bob, channel)
    mention = await sandbox.post_message(alice, channel, "@p2p please start")
    changed = await sandbox.update_user(bob, real_name="Bob Builder")
    uninstalled = await sandbox.uninstall_app()

    assert joined is not None
    assert joined.payload["event"]["type"] == "member_joined_channel"
    assert joined.payload["event"]["user"] == bob
    assert mention is not None
    assert mention.payload["event"]["type"] == "app_mention"
    assert mention.payload["event"]["text"] == f"<@{sandbox.bot_user_id}> please start"
    assert changed is not None
    assert changed.payload["event"]["user"]["real_name"] == "Bob Builder"
    assert [d.payload["event"]["type"] for d in uninstalled] == [
        "app_uninstalled",
        "tokens_revoked",
    ]
    with pytest.raises(SlackApiError) as revoked:
        await client.auth_test()
    assert revoked.value.response["error"] == "token_revoked"


async def test_nowhere_to_deliver(sandbox: Sandbox) -> None:
    alice = sandbox.add_user("alice")

    with pytest.raises(SandboxUsageError, match="request_url"):
        await sandbox.slash_command(alice, None, "/p2p", "help")
