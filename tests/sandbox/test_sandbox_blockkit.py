"""Block Kit limits: the pure checks, and the answers Slack gives for them over HTTP."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.sandbox import Sandbox
from bot.sandbox.blockkit import message_block_problems, view_problems


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def section(text: str = "hello") -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def button(action_id: str, text: str = "Go", value: str = "v") -> dict[str, Any]:
    return {"type": "button", "action_id": action_id, "text": plain(text), "value": value}


def option(value: str, text: str | None = None) -> dict[str, Any]:
    return {"text": plain(text or value), "value": value}


def modal(**fields: Any) -> dict[str, Any]:
    view: dict[str, Any] = {"type": "modal", "title": plain("Start a workshop"), "blocks": []}
    view.update(fields)
    return view


def text_input(block_id: str = "name", **element: Any) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": block_id,
        "label": plain("Name"),
        "element": {"type": "plain_text_input", "action_id": "value", **element},
    }


def messages(problems: list[Any]) -> list[str]:
    return [str(problem) for problem in problems]


ACCEPTED_BLOCKS = [
    [section("x" * 3000)],
    [{"type": "section", "fields": [plain("f" * 2000)] * 10}],
    [{"type": "header", "text": plain("h" * 150)}],
    [{"type": "context", "elements": [plain("c")] * 10}],
    [{"type": "actions", "elements": [button(f"a{i}") for i in range(25)]}],
    [{"type": "actions", "elements": [button("b", text="t" * 75, value="v" * 2000)]}],
    [
        {
            "type": "actions",
            "elements": [
                {
                    "type": "static_select",
                    "action_id": "pick",
                    "options": [option(str(i)) for i in range(100)],
                }
            ],
        }
    ],
    [section() for _ in range(50)],
]


@pytest.mark.parametrize("blocks", ACCEPTED_BLOCKS)
def test_blocks_within_the_limits_pass(blocks: list[dict[str, Any]]) -> None:
    assert message_block_problems(blocks) == []


REFUSED_BLOCKS = [
    (
        [section() for _ in range(51)],
        "[ERROR] no more than 50 items allowed [json-pointer:/blocks]",
    ),
    (
        [section("x" * 3001)],
        "[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]",
    ),
    (
        [{"type": "section", "fields": [plain("f")] * 11}],
        "[ERROR] no more than 10 items allowed [json-pointer:/blocks/0/fields]",
    ),
    (
        [{"type": "section", "fields": [plain("f" * 2001)]}],
        "[ERROR] must be less than 2001 characters [json-pointer:/blocks/0/fields/0/text]",
    ),
    (
        [{"type": "header", "text": plain("h" * 151)}],
        "[ERROR] must be less than 151 characters [json-pointer:/blocks/0/text/text]",
    ),
    (
        [{"type": "header", "text": {"type": "mrkdwn", "text": "*h*"}}],
        "[ERROR] must be plain_text [json-pointer:/blocks/0/text/type]",
    ),
    (
        [{"type": "context", "elements": [plain("c")] * 11}],
        "[ERROR] no more than 10 items allowed [json-pointer:/blocks/0/elements]",
    ),
    (
        [{"type": "actions", "elements": [button(f"a{i}") for i in range(26)]}],
        "[ERROR] no more than 25 items allowed [json-pointer:/blocks/0/elements]",
    ),
    (
        [{"type": "actions", "elements": [button("b", text="t" * 76)]}],
        "[ERROR] must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]",
    ),
    (
        [{"type": "actions", "elements": [button("b", value="v" * 2001)]}],
        "[ERROR] must be less than 2001 characters [json-pointer:/blocks/0/elements/0/value]",
    ),
    (
        [{"type": "actions", "elements": [button("b" * 256)]}],
        "[ERROR] must be less than 256 characters [json-pointer:/blocks/0/elements/0/action_id]",
    ),
    (
        [{**section(), "block_id": "b" * 256}],
        "[ERROR] must be less than 256 characters [json-pointer:/blocks/0/block_id]",
    ),
    (
        [{**section(), "block_id": "same"}, {**section(), "block_id": "same"}],
        "[ERROR] duplicate block_id: same [json-pointer:/blocks/1/block_id]",
    ),
    (
        [{"type": "actions", "elements": [button("go"), button("go")]}],
        "[ERROR] duplicate action_id: go [json-pointer:/blocks/0/elements/1/action_id]",
    ),
    (
        [{"type": "carousel_of_dreams"}],
        "[ERROR] unsupported block type: carousel_of_dreams [json-pointer:/blocks/0/type]",
    ),
    (
        [
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "static_select",
                        "action_id": "pick",
                        "options": [option(str(i)) for i in range(101)],
                    }
                ],
            }
        ],
        "[ERROR] no more than 100 items allowed [json-pointer:/blocks/0/elements/0/options]",
    ),
    (
        [
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "static_select",
                        "action_id": "pick",
                        "options": [option("x" * 3, "o" * 76)],
                    }
                ],
            }
        ],
        "[ERROR] must be less than 76 characters "
        "[json-pointer:/blocks/0/elements/0/options/0/text/text]",
    ),
    (
        [{"type": "section", "text": {"type": "mrkdwn", "text": ""}}],
        "[ERROR] must be more than 0 characters [json-pointer:/blocks/0/text/text]",
    ),
]


@pytest.mark.parametrize(("blocks", "expected"), REFUSED_BLOCKS)
def test_blocks_over_the_limits_are_refused(blocks: list[dict[str, Any]], expected: str) -> None:
    assert expected in messages(message_block_problems(blocks))


REFUSED_VIEWS = [
    (
        modal(title=plain("t" * 25)),
        "[ERROR] must be less than 25 characters [json-pointer:/view/title/text]",
    ),
    (
        modal(submit=plain("s" * 25)),
        "[ERROR] must be less than 25 characters [json-pointer:/view/submit/text]",
    ),
    (
        modal(close=plain("c" * 25)),
        "[ERROR] must be less than 25 characters [json-pointer:/view/close/text]",
    ),
    (
        modal(private_metadata="m" * 3001),
        "[ERROR] must be less than 3001 characters [json-pointer:/view/private_metadata]",
    ),
    (
        modal(callback_id="c" * 256),
        "[ERROR] must be less than 256 characters [json-pointer:/view/callback_id]",
    ),
    (
        modal(blocks=[section() for _ in range(101)]),
        "[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]",
    ),
    (
        modal(submit=plain("Go"), blocks=[text_input(max_length=3001)]),
        "[ERROR] must be between 1 and 3000 [json-pointer:/view/blocks/0/element/max_length]",
    ),
    (
        modal(submit=plain("Go"), blocks=[{**text_input(), "label": plain("l" * 2001)}]),
        "[ERROR] must be less than 2001 characters [json-pointer:/view/blocks/0/label/text]",
    ),
    (
        modal(blocks=[text_input()]),
        "[ERROR] is required when the view has input blocks [json-pointer:/view/submit]",
    ),
    (
        modal(blocks=[{"type": "file", "external_id": "x", "source": "remote"}]),
        "[ERROR] unsupported block type: file [json-pointer:/view/blocks/0/type]",
    ),
]


@pytest.mark.parametrize(("view", "expected"), REFUSED_VIEWS)
def test_views_over_the_limits_are_refused(view: dict[str, Any], expected: str) -> None:
    assert expected in messages(view_problems(view))


def test_views_within_the_limits_pass() -> None:
    view = modal(
        title=plain("t" * 24),
        submit=plain("s" * 24),
        close=plain("c" * 24),
        private_metadata="m" * 3000,
        callback_id="c" * 255,
        blocks=[text_input(max_length=3000)] + [section() for _ in range(99)],
    )
    home = {"type": "home", "blocks": [section() for _ in range(100)]}

    assert view_problems(view) == []
    assert view_problems(home) == []


@pytest.mark.asyncio
async def test_fifty_blocks_post_and_fifty_one_are_invalid_blocks(
    sandbox: Sandbox, client: AsyncWebClient
) -> None:
    channel = sandbox.add_channel("general")

    posted = await client.chat_postMessage(channel=channel, text="50", blocks=[section()] * 50)
    with pytest.raises(SlackApiError) as refused:
        await client.chat_postMessage(channel=channel, text="51", blocks=[section()] * 51)

    assert posted["ok"] is True
    assert len(posted["message"]["blocks"]) == 50
    assert refused.value.response["error"] == "invalid_blocks"
    assert refused.value.response["response_metadata"]["messages"] == [
        "[ERROR] no more than 50 items allowed [json-pointer:/blocks]"
    ]
    assert len(sandbox.channel_messages(channel)) == 1


@pytest.mark.asyncio
async def test_long_section_text_is_invalid_blocks(
    sandbox: Sandbox, client: AsyncWebClient
) -> None:
    channel = sandbox.add_channel("general")

    with pytest.raises(SlackApiError) as refused:
        await client.chat_postMessage(channel=channel, text="t", blocks=[section("x" * 3001)])

    assert refused.value.response["error"] == "invalid_blocks"
    assert refused.value.response["response_metadata"]["messages"] == [
        "[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]"
    ]


@pytest.mark.asyncio
async def test_blocks_that_are_not_json_are_invalid_blocks_format(
    sandbox: Sandbox, client: AsyncWebClient
) -> None:
    channel = sandbox.add_channel("general")

    with pytest.raises(SlackApiError) as refused:
        await client.api_call(
            "chat.postMessage", params={"channel": channel, "text": "t", "blocks": "[{"}
        )

    assert refused.value.response["error"] == "invalid_blocks_format"


@pytest.mark.asyncio
async def test_blocks_get_ids_like_slack_stores_them(
    sandbox: Sandbox, client: AsyncWebClient
) -> None:
    channel = sandbox.add_channel("general")

    posted = await client.chat_postMessage(
        channel=channel,
        text="t",
        blocks=[
            section(),
            {"type": "actions", "elements": [{"type": "button", "text": plain("Go")}]},
        ],
    )

    first, second = posted["message"]["blocks"]
    assert first["block_id"]
    assert second["elements"][0]["action_id"]
