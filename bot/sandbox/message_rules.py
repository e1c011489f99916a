"""The rules every message obeys, wherever it comes from (Web API, response_url, an ack)."""

from __future__ import annotations

import copy
import secrets
import string
from typing import Any

from bot.sandbox.blockkit import MESSAGE_MAX_TEXT, Problem, message_block_problems
from bot.sandbox.errors import SlackError
from bot.sandbox.state import JsonDict

_ID_ALPHABET = string.ascii_letters + string.digits


def invalid_blocks(problems: list[Problem], code: str = "invalid_blocks") -> SlackError:
    return SlackError(
        code,
        messages=[str(problem) for problem in problems],
        errors=[str(problem).removeprefix("[ERROR] ") for problem in problems],
    )


def as_blocks(value: object, *, error: str = "invalid_blocks_format") -> list[JsonDict] | None:
    """Blocks given as Python data; ``error`` when they are not a list of objects."""
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(b, dict) for b in value):
        raise SlackError(error, messages=["[ERROR] blocks must be an array of objects"])
    return value


def as_attachments(value: object) -> list[JsonDict] | None:
    if value is None or value is False:
        return None
    if not isinstance(value, list) or not all(isinstance(a, dict) for a in value):
        raise SlackError("invalid_attachments")
    if len(value) > 100:
        raise SlackError("too_many_attachments")
    return value


def check_message_content(
    text: str | None,
    blocks: list[JsonDict] | None,
    attachments: list[JsonDict] | None = None,
) -> None:
    """``no_text``, ``msg_too_long`` and ``invalid_blocks``, as Slack answers them."""
    if not text and not blocks and not attachments:
        raise SlackError("no_text")
    if text is not None and len(text) > MESSAGE_MAX_TEXT:
        raise SlackError("msg_too_long")
    if blocks is not None:
        problems = message_block_problems(blocks)
        if problems:
            raise invalid_blocks(problems)


def _random_id(length: int = 5) -> str:
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(length))


def _fill_action_id(element: object) -> None:
    if isinstance(element, dict) and element.get("type") not in (None, "image"):
        element.setdefault("action_id", _random_id())


def with_generated_ids(blocks: list[JsonDict]) -> list[JsonDict]:
    """A copy where blocks and elements lacking ids get random ones, as Slack stores them."""
    filled: list[JsonDict] = copy.deepcopy(blocks)
    for block in filled:
        block.setdefault("block_id", _random_id())
        kind = block.get("type")
        if kind in ("actions", "context_actions"):
            elements: Any = block.get("elements") or []
            for element in elements:
                _fill_action_id(element)
        elif kind == "section" and isinstance(block.get("accessory"), dict):
            _fill_action_id(block["accessory"])
        elif kind == "input":
            _fill_action_id(block.get("element"))
    return filled
