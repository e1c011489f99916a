"""A person edits or deletes a message they sent the bot: the history changes, and the bot
gets Slack's ``message_changed`` / ``message_deleted`` events in the usual envelope."""

from __future__ import annotations

import pytest
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from bot.sandbox import ActionNotPossible, Sandbox, SandboxUsageError
from tests.sandbox.conftest import Receiver

pytestmark = pytest.mark.asyncio


async def test_an_edit_changes_the_message_and_is_delivered_as_message_changed(
    sandbox: Sandbox, receiver: Receiver
) -> None:
    alice = sandbox.add_user("alice")
    await sandbox.send_dm(alice, "about two weeks")
    [sent] = sandbox.dm_messages(alice)
    typed = receiver.requests[-1].payload["event"]

    delivery = await sandbox.edit_dm(alice, sent.ts, "about three weeks & <more>")

    assert delivery is not None
    assert delivery.ok
    [edited] = sandbox.dm_messages(alice)
    assert edited.ts == sent.ts
    assert edited.text == "about three weeks &amp; &lt;more&gt;", "escaped as typed text is"
    assert edited.edited is not None
    assert edited.edited["user"] == alice
    request = receiver.requests[-1]
    assert SignatureVerifier(sandbox.signing_secret).is_valid_request(request.body, request.headers)
    body = request.payload
    assert body["type"] == "event_callback"
    assert body["event_id"].startswith("Ev")
    assert body["event_id"] != receiver.requests[0].payload["event_id"]
    assert isinstance(body["event_time"], int)
    assert body["authorizations"][0]["user_id"] == sandbox.bot_user_id
    event = body["event"]
    assert event["type"] == "message"
    assert event["subtype"] == "message_changed"
    assert event["hidden"] is True
    assert event["channel"] == sandbox.dm_channel(alice)
    assert event["channel_type"] == "im"
    assert "user" not in event, "who wrote it is in the message, not on the event"
    assert event["ts"] == event["event_ts"] == edited.edited["ts"]
    assert float(event["ts"]) > float(sent.ts)
    new, old = event["message"], event["previous_message"]
    assert new["ts"] == old["ts"] == sent.ts
    assert new["user"] == old["user"] == alice
    assert new["client_msg_id"] == old["client_msg_id"] == typed["client_msg_id"]
    assert new["text"] == "about three weeks &amp; &lt;more&gt;"
    assert new["edited"] == {"user": alice, "ts": event["ts"]}
    assert new["blocks"][0]["elements"][0]["elements"] == [
        {"type": "text", "text": "about three weeks & <more>"}
    ]
    assert old["text"] == "about two weeks"
    assert "edited" not in old


async def test_a_second_edit_shows_the_first_as_the_previous_message(
    sandbox: Sandbox, receiver: Receiver
) -> None:
    alice = sandbox.add_user("alice")
    await sandbox.send_dm(alice, "one")
    ts = sandbox.dm_messages(alice)[0].ts

    await sandbox.edit_dm(alice, ts, "two")
    first_edit = receiver.requests[-1].payload["event"]
    await sandbox.edit_dm(alice, ts, "three")
    second_edit = receiver.requests[-1].payload["event"]

    assert second_edit["previous_message"]["text"] == "two"
    assert second_edit["previous_message"]["edited"] == first_edit["message"]["edited"]
    assert float(second_edit["ts"]) > float(first_edit["ts"])


async def test_a_deletion_removes_the_message_and_is_delivered_as_message_deleted(
    sandbox: Sandbox, receiver: Receiver
) -> None:
    alice = sandbox.add_user("alice")
    await sandbox.send_dm(alice, "keep this")
    await sandbox.send_dm(alice, "oops")
    kept, gone = sandbox.dm_messages(alice)

    delivery = await sandbox.delete_dm(alice, gone.ts)

    assert delivery.ok
    assert [m.ts for m in sandbox.dm_messages(alice)] == [kept.ts]
    body = receiver.requests[-1].payload
    assert body["type"] == "event_callback"
    assert body["event_id"].startswith("Ev")
    event = body["event"]
    assert event["type"] == "message"
    assert event["subtype"] == "message_deleted"
    assert event["hidden"] is True
    assert event["channel"] == sandbox.dm_channel(alice)
    assert event["channel_type"] == "im"
    assert event["deleted_ts"] == gone.ts
    assert event["ts"] == event["event_ts"] != gone.ts
    assert "user" not in event
    assert event["previous_message"]["text"] == "oops"
    assert event["previous_message"]["user"] == alice
    assert event["previous_message"]["ts"] == gone.ts


async def test_redelivered_like_any_event(sandbox: Sandbox, receiver: Receiver) -> None:
    alice = sandbox.add_user("alice")
    await sandbox.send_dm(alice, "one")
    ts = sandbox.dm_messages(alice)[0].ts
    sandbox.deliver_twice = True

    edit = await sandbox.edit_dm(alice, ts, "two")
    deletion = await sandbox.delete_dm(alice, ts)

    assert edit is not None
    first, again = receiver.requests[-4:-2]
    assert first.payload == again.payload, "the same envelope, event_id included"
    assert again.headers["X-Slack-Retry-Num"] == "1"
    assert len(edit.retries) == len(deletion.retries) == 1
    assert receiver.requests[-1].payload["event"]["subtype"] == "message_deleted"


async def test_only_your_own_messages_can_be_changed(
    sandbox: Sandbox, receiver: Receiver, client: AsyncWebClient
) -> None:
    alice = sandbox.add_user("alice")
    bob = sandbox.add_user("bob")
    posted = await client.chat_postMessage(channel=alice, text="What is your role?")
    await sandbox.send_dm(alice, "engineering")
    mine = sandbox.dm_messages(alice)[-1].ts
    await sandbox.settle(quiet=0.05)
    before = len(receiver.requests)

    with pytest.raises(ActionNotPossible, match="only the messages they sent"):
        await sandbox.edit_dm(alice, posted["ts"], "hacked")
    with pytest.raises(ActionNotPossible, match="only the messages they sent"):
        await sandbox.delete_dm(alice, posted["ts"])
    with pytest.raises(ActionNotPossible, match="no message"):
        await sandbox.edit_dm(bob, mine, "not mine")
    with pytest.raises(ActionNotPossible, match="no message"):
        await sandbox.delete_dm(alice, "1.000001")
    with pytest.raises(ActionNotPossible, match="delete the message"):
        await sandbox.edit_dm(alice, mine, "   ")
    assert await sandbox.edit_dm(alice, mine, "engineering") is None, "nothing changed"

    assert len(receiver.requests) == before
    assert [m.text for m in sandbox.dm_messages(alice)] == ["What is your role?", "engineering"]


async def test_no_events_without_the_subscription(sandbox: Sandbox, receiver: Receiver) -> None:
    alice = sandbox.add_user("alice")
    await sandbox.send_dm(alice, "one")
    ts = sandbox.dm_messages(alice)[0].ts
    sandbox.bot_events = [e for e in sandbox.bot_events if e != "message.im"]

    with pytest.raises(SandboxUsageError, match=r"message\.im"):
        await sandbox.edit_dm(alice, ts, "two")

    assert sandbox.dm_messages(alice)[0].text == "one"
