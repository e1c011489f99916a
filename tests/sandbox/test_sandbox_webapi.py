"""The Web API over real loopback HTTP: Slack's answers, errors and shapes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.sandbox import Sandbox, SandboxSettings

pytestmark = pytest.mark.asyncio


async def call(
    http: aiohttp.ClientSession,
    sandbox: Sandbox,
    method: str,
    *,
    token: str | None = "bot",
    json: dict[str, Any] | None = None,
    data: dict[str, str] | None = None,
    params: dict[str, str] | None = None,
) -> tuple[int, dict[str, Any]]:
    headers = {}
    if token == "bot":
        headers["Authorization"] = f"Bearer {sandbox.bot_token}"
    elif token is not None:
        headers["Authorization"] = f"Bearer {token}"
    async with http.post(
        sandbox.api_url + method, json=json, data=data, params=params, headers=headers
    ) as response:
        return response.status, await response.json()


async def test_unknown_method_is_refused(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    status, body = await call(http, sandbox, "chat.postMessages", json={"channel": "C1"})

    assert status == 200
    assert body == {"ok": False, "error": "unknown_method", "req_method": "chat.postMessages"}
    assert sandbox.calls_to("chat.postMessages")[0].error == "unknown_method"


async def test_missing_required_argument(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    _, body = await call(http, sandbox, "chat.postMessage", json={"text": "hi"})

    assert body["ok"] is False
    assert body["error"] == "invalid_arguments"
    assert body["response_metadata"]["messages"] == ["[ERROR] missing required field: channel"]


async def test_mistyped_argument(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    channel = sandbox.add_channel("general")

    _, body = await call(
        http, sandbox, "conversations.history", data={"channel": channel, "limit": "lots"}
    )
    _, flag = await call(
        http, sandbox, "conversations.history", data={"channel": channel, "inclusive": "maybe"}
    )

    assert body["error"] == "invalid_arguments"
    assert body["response_metadata"]["messages"] == [
        "[ERROR] invalid type: expected number, got string [json-pointer:/limit]"
    ]
    assert flag["error"] == "invalid_arguments"
    assert "/inclusive" in flag["response_metadata"]["messages"][0]


async def test_form_strings_are_coerced_like_slack(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    channel = sandbox.add_channel("general")
    for text in ("one", "two", "three"):
        await call(http, sandbox, "chat.postMessage", data={"channel": channel, "text": text})

    _, body = await call(
        http, sandbox, "conversations.history", params={"channel": channel, "limit": "2"}
    )

    assert [m["text"] for m in body["messages"]] == ["three", "two"]
    assert body["has_more"] is True
    assert body["response_metadata"]["next_cursor"]


async def test_token_checks(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    _, missing = await call(http, sandbox, "auth.test", token=None)
    _, wrong = await call(http, sandbox, "auth.test", token="xoxb-not-the-one")
    _, in_json = await call(
        http, sandbox, "auth.test", token=None, json={"token": sandbox.bot_token}
    )
    _, in_form = await call(
        http, sandbox, "auth.test", token=None, data={"token": sandbox.bot_token}
    )

    assert missing == {"ok": False, "error": "not_authed"}
    assert wrong == {"ok": False, "error": "invalid_auth"}
    assert in_json["error"] == "not_authed"  # a JSON body cannot carry the token
    assert in_form["ok"] is True
    assert in_form["user_id"] == sandbox.bot_user_id


async def test_missing_scope_names_needed_and_provided(clock: Any) -> None:
    async with Sandbox(SandboxSettings(clock=clock, bot_scopes=["chat:write"])) as sandbox:
        client = AsyncWebClient(token=sandbox.bot_token, base_url=sandbox.api_url)
        with pytest.raises(SlackApiError) as refused:
            await client.users_list()

    assert refused.value.response["error"] == "missing_scope"
    assert refused.value.response["needed"] == "users:read"
    assert refused.value.response["provided"] == "chat:write"


async def test_app_token_only_opens_socket_connections(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    _, with_bot_token = await call(http, sandbox, "apps.connections.open")
    _, app_on_chat = await call(
        http, sandbox, "chat.postMessage", token=sandbox.app_token, json={"channel": "C1"}
    )
    _, opened = await call(http, sandbox, "apps.connections.open", token=sandbox.app_token)

    assert with_bot_token["error"] == "not_allowed_token_type"
    assert app_on_chat["error"] == "not_allowed_token_type"
    assert opened["url"].startswith(f"ws://127.0.0.1:{sandbox.port}/link/?ticket=")


async def test_not_in_channel_and_channel_not_found(
    sandbox: Sandbox, client: AsyncWebClient
) -> None:
    alice = sandbox.add_user("alice")
    outside = sandbox.add_channel("elsewhere", [alice], bot_member=False)
    hidden = sandbox.add_channel("secret", [alice], private=True, bot_member=False)

    with pytest.raises(SlackApiError) as not_member:
        await client.chat_postMessage(channel=outside, text="hello")
    with pytest.raises(SlackApiError) as not_visible:
        await client.chat_postMessage(channel=hidden, text="hello")
    with pytest.raises(SlackApiError) as unknown:
        await client.chat_postMessage(channel="C0NOPE", text="hello")

    assert not_member.value.response["error"] == "not_in_channel"
    assert not_visible.value.response["error"] == "channel_not_found"
    assert unknown.value.response["error"] == "channel_not_found"
    assert sandbox.channel_messages(outside) == []


async def test_post_reply_update_delete(sandbox: Sandbox, client: AsyncWebClient) -> None:
    alice = sandbox.add_user("alice")
    channel = sandbox.add_channel("path-to-prod", [alice])

    posted = await client.chat_postMessage(channel=channel, text="Workshop started")
    reply = await client.chat_postMessage(channel=channel, text="first", thread_ts=posted["ts"])
    await client.chat_update(channel=channel, ts=posted["ts"], text="Workshop running")
    history = await client.conversations_history(channel=channel)
    replies = await client.conversations_replies(channel=channel, ts=posted["ts"])
    await client.chat_delete(channel=channel, ts=reply["ts"])

    assert posted["message"]["bot_id"] == sandbox.workspace.bot_id
    assert posted["message"]["user"] == sandbox.bot_user_id
    assert history["messages"][0]["text"] == "Workshop running"
    assert history["messages"][0]["reply_count"] == 1
    assert [m["text"] for m in replies["messages"]] == ["Workshop running", "first"]
    [top] = sandbox.channel_messages(channel)
    assert top.edited is not None
    assert top.replies == []


async def test_state_errors(sandbox: Sandbox, client: AsyncWebClient) -> None:
    alice = sandbox.add_user("alice")
    channel = sandbox.add_channel("general", [alice])
    await sandbox.post_message(alice, channel, "a human message")
    human_ts = sandbox.channel_messages(channel)[0].ts

    cases: dict[str, Callable[[], Awaitable[Any]]] = {
        "message_not_found": lambda: client.chat_update(channel=channel, ts="1.000001", text="x"),
        "cant_update_message": lambda: client.chat_update(channel=channel, ts=human_ts, text="x"),
        "cant_delete_message": lambda: client.chat_delete(channel=channel, ts=human_ts),
        "no_text": lambda: client.api_call("chat.postMessage", json={"channel": channel}),
        "msg_too_long": lambda: client.chat_postMessage(channel=channel, text="x" * 40_001),
        "user_not_found": lambda: client.users_info(user="U0NOBODY"),
        "thread_not_found": lambda: client.chat_postMessage(
            channel=channel, text="x", thread_ts="1.000002"
        ),
    }
    for code, make_call in cases.items():
        with pytest.raises(SlackApiError) as refused:
            await make_call()
        assert refused.value.response["error"] == code


async def test_users_have_slack_fields(sandbox: Sandbox, client: AsyncWebClient) -> None:
    alice = sandbox.add_user("alice", real_name="Alice Archer", tz="Asia/Kolkata")

    info = await client.users_info(user=alice)
    everyone = await client.users_list()

    user = info["user"]
    assert user["name"] == "alice"
    assert user["real_name"] == "Alice Archer"
    assert (user["tz"], user["tz_label"], user["tz_offset"]) == (
        "Asia/Kolkata",
        "India Standard Time",
        19800,
    )
    assert user["deleted"] is False
    assert user["is_bot"] is False
    assert user["profile"]["real_name"] == "Alice Archer"
    ids = {member["id"] for member in everyone["members"]}
    assert {alice, sandbox.bot_user_id, "USLACKBOT"} <= ids


async def test_conversations_open_info_members(sandbox: Sandbox, client: AsyncWebClient) -> None:
    alice = sandbox.add_user("alice")
    channel = sandbox.add_channel("general", [alice])

    opened = await client.conversations_open(users=alice)
    again = await client.conversations_open(users=alice)
    info = await client.conversations_info(channel=channel, include_num_members=True)
    dm_info = await client.conversations_info(channel=opened["channel"]["id"])
    members = await client.conversations_members(channel=channel)

    assert opened["channel"]["id"].startswith("D")
    assert "already_open" not in opened
    assert again["already_open"] is True
    assert again["channel"]["id"] == opened["channel"]["id"] == sandbox.dm_channel(alice)
    assert info["channel"]["name"] == "general"
    assert info["channel"]["is_member"] is True
    assert info["channel"]["num_members"] == 2
    assert dm_info["channel"]["is_im"] is True
    assert dm_info["channel"]["user"] == alice
    assert set(members["members"]) == {alice, sandbox.bot_user_id}


async def test_post_to_user_id_lands_in_the_bot_dm(
    sandbox: Sandbox, client: AsyncWebClient
) -> None:
    alice = sandbox.add_user("alice")

    posted = await client.chat_postMessage(channel=alice, text="Hi Alice")

    assert posted["channel"] == sandbox.dm_channel(alice)
    assert [m.text for m in sandbox.dm_messages(alice)] == ["Hi Alice"]


async def test_ephemeral_is_shown_to_one_user(sandbox: Sandbox, client: AsyncWebClient) -> None:
    alice = sandbox.add_user("alice")
    bob = sandbox.add_user("bob")
    channel = sandbox.add_channel("general", [alice])

    shown = await client.chat_postEphemeral(channel=channel, user=alice, text="only you")
    with pytest.raises(SlackApiError) as outsider:
        await client.chat_postEphemeral(channel=channel, user=bob, text="only you")

    assert shown["message_ts"]
    assert [e.text for e in sandbox.ephemerals(alice)] == ["only you"]
    assert sandbox.channel_messages(channel) == []
    assert outsider.value.response["error"] == "user_not_in_channel"


async def test_calls_are_recorded(sandbox: Sandbox, client: AsyncWebClient) -> None:
    channel = sandbox.add_channel("general")

    await client.chat_postMessage(channel=channel, text="hi", blocks=[{"type": "divider"}])

    [recorded] = sandbox.calls_to("chat.postMessage")
    assert recorded.status == 200
    assert recorded.ok
    assert recorded.token_kind == "bot"
    assert recorded.args["channel"] == channel
    assert recorded.args["blocks"] == [{"type": "divider"}]
    assert recorded.response["ts"] == sandbox.channel_messages(channel)[0].ts
