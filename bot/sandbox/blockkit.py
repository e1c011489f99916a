"""Block Kit limits for blocks, messages and views, as Slack enforces them.

Pure functions returning a list of :class:`Problem`; an empty list means Slack would accept
the payload. slack_sdk's block and view models are used as a second opinion where they
already check something.
"""

from __future__ import annotations

import copy
import json
import logging
import warnings
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.sandbox.blockkit_elements import (
    ACTIONS_ELEMENTS,
    CONTEXT_ACTIONS_ELEMENTS,
    INPUT_ELEMENTS,
    MAX_ID_LENGTH,
    SECTION_ACCESSORIES,
    Problem,
    count_problems,
    element_problems,
    string_problems,
    text_problems,
)

logger = logging.getLogger(__name__)

MESSAGE_MAX_BLOCKS = 50
VIEW_MAX_BLOCKS = 100
VIEW_MAX_BYTES = 250 * 1024
MESSAGE_MAX_TEXT = 40_000

VIEW_BLOCK_TYPES = frozenset(
    {"actions", "context", "divider", "header", "image", "input", "rich_text", "section", "video"}
)
MESSAGE_BLOCK_TYPES = VIEW_BLOCK_TYPES | {"context_actions", "file", "markdown", "table"}

__all__ = [
    "MESSAGE_MAX_BLOCKS",
    "MESSAGE_MAX_TEXT",
    "VIEW_MAX_BLOCKS",
    "VIEW_MAX_BYTES",
    "Problem",
    "message_block_problems",
    "view_problems",
    "view_size_exceeded",
]


def _section_problems(
    block: dict[str, object], pointer: str, action_ids: set[str]
) -> list[Problem]:
    text, fields = block.get("text"), block.get("fields")
    if text is None and fields is None:
        return [Problem(pointer, "must provide text or fields")]
    problems = text_problems(text, pointer + "/text", maximum=3000, required=False)
    if fields is not None:
        problems += count_problems(fields, pointer + "/fields", maximum=10)
        for index, item in enumerate(fields if isinstance(fields, list) else []):
            problems += text_problems(item, f"{pointer}/fields/{index}", maximum=2000)
    if block.get("accessory") is not None:
        problems += element_problems(
            block["accessory"],
            pointer + "/accessory",
            allowed=SECTION_ACCESSORIES,
            action_ids=action_ids,
        )
    return problems


def _context_problems(block: dict[str, object], pointer: str) -> list[Problem]:
    elements = block.get("elements")
    problems = count_problems(elements, pointer + "/elements", maximum=10)
    for index, element in enumerate(elements if isinstance(elements, list) else []):
        where = f"{pointer}/elements/{index}"
        if isinstance(element, dict) and element.get("type") == "image":
            problems += element_problems(
                element, where, allowed=frozenset({"image"}), action_ids=set()
            )
        else:
            problems += text_problems(element, where, maximum=3000)
    return problems


def _elements_problems(
    block: dict[str, object], pointer: str, *, allowed: frozenset[str], maximum: int
) -> list[Problem]:
    elements = block.get("elements")
    problems = count_problems(elements, pointer + "/elements", maximum=maximum)
    action_ids: set[str] = set()
    for index, element in enumerate(elements if isinstance(elements, list) else []):
        problems += element_problems(
            element, f"{pointer}/elements/{index}", allowed=allowed, action_ids=action_ids
        )
    return problems


def _input_problems(block: dict[str, object], pointer: str) -> list[Problem]:
    problems = text_problems(block.get("label"), pointer + "/label", maximum=2000, plain_only=True)
    problems += text_problems(
        block.get("hint"), pointer + "/hint", maximum=2000, plain_only=True, required=False
    )
    if block.get("element") is None:
        problems.append(Problem(pointer + "/element", "missing required field"))
    else:
        problems += element_problems(
            block["element"], pointer + "/element", allowed=INPUT_ELEMENTS, action_ids=set()
        )
    for flag in ("optional", "dispatch_action"):
        if flag in block and not isinstance(block[flag], bool):
            problems.append(Problem(f"{pointer}/{flag}", "must be a boolean"))
    return problems


def _image_block_problems(block: dict[str, object], pointer: str) -> list[Problem]:
    if block.get("image_url") is None and block.get("slack_file") is None:
        return [Problem(pointer, "must provide image_url or slack_file")]
    problems = string_problems(block.get("image_url"), pointer + "/image_url", maximum=3000)
    problems += string_problems(
        block.get("alt_text"), pointer + "/alt_text", maximum=2000, minimum=1, required=True
    )
    problems += text_problems(
        block.get("title"), pointer + "/title", maximum=2000, plain_only=True, required=False
    )
    return problems


def _typed_block_problems(
    kind: str, block: dict[str, object], pointer: str, action_ids: set[str]
) -> list[Problem]:
    if kind == "section":
        return _section_problems(block, pointer, action_ids)
    if kind == "header":
        return text_problems(block.get("text"), pointer + "/text", maximum=150, plain_only=True)
    if kind == "context":
        return _context_problems(block, pointer)
    if kind == "actions":
        return _elements_problems(block, pointer, allowed=ACTIONS_ELEMENTS, maximum=25)
    if kind == "context_actions":
        return _elements_problems(block, pointer, allowed=CONTEXT_ACTIONS_ELEMENTS, maximum=5)
    if kind == "input":
        return _input_problems(block, pointer)
    if kind == "image":
        return _image_block_problems(block, pointer)
    if kind == "markdown":
        return string_problems(block.get("text"), pointer + "/text", maximum=12_000, required=True)
    if kind == "rich_text":
        return count_problems(
            block.get("elements"), pointer + "/elements", maximum=10_000, minimum=0
        )
    if kind == "video":
        problems = text_problems(
            block.get("title"), pointer + "/title", maximum=200, plain_only=True
        )
        for name in ("alt_text", "video_url", "thumbnail_url"):
            problems += string_problems(
                block.get(name), f"{pointer}/{name}", maximum=3000, required=True
            )
        return problems
    if kind == "file":
        return string_problems(
            block.get("external_id"), pointer + "/external_id", maximum=255, required=True
        )
    if kind == "table":
        return count_problems(block.get("rows"), pointer + "/rows", maximum=100)
    return []


def _sdk_block_problems(block: dict[str, object], pointer: str) -> list[Problem]:
    """A second opinion from slack_sdk's block models (only what they can say for certain)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = Block.parse(copy.deepcopy(block))
            if parsed is not None:
                parsed.to_dict()
    except SlackObjectFormationError as error:
        return [Problem(pointer, str(error))]
    except Exception:  # the model could not be built; the checks above speak for Slack
        logger.debug("slack_sdk could not model the block at %s", pointer, exc_info=True)
    return []


def _block_problems(
    block: object, pointer: str, *, types: frozenset[str], block_ids: set[str]
) -> list[Problem]:
    if not isinstance(block, dict):
        return [Problem(pointer, "must be a block object")]
    kind = block.get("type")
    if not isinstance(kind, str) or kind not in types:
        return [Problem(pointer + "/type", f"unsupported block type: {kind}")]
    problems: list[Problem] = []
    block_id = block.get("block_id")
    if block_id is not None:
        problems += string_problems(
            block_id, pointer + "/block_id", maximum=MAX_ID_LENGTH, minimum=1
        )
        if isinstance(block_id, str):
            if block_id in block_ids:
                problems.append(Problem(pointer + "/block_id", f"duplicate block_id: {block_id}"))
            block_ids.add(block_id)
    problems += _typed_block_problems(kind, block, pointer, set())
    if not problems:
        problems += _sdk_block_problems(block, pointer)
    return problems


def _blocks_problems(
    blocks: object, pointer: str, *, types: frozenset[str], maximum: int
) -> list[Problem]:
    problems = count_problems(blocks, pointer, maximum=maximum, minimum=0)
    if not isinstance(blocks, list):
        return problems
    block_ids: set[str] = set()
    for index, block in enumerate(blocks):
        problems += _block_problems(block, f"{pointer}/{index}", types=types, block_ids=block_ids)
    return problems


def message_block_problems(blocks: object, pointer: str = "/blocks") -> list[Problem]:
    """The ``blocks`` of a message (chat.postMessage, chat.update, response_url, acks)."""
    return _blocks_problems(blocks, pointer, types=MESSAGE_BLOCK_TYPES, maximum=MESSAGE_MAX_BLOCKS)


def _view_fields_problems(view: dict[str, object], pointer: str) -> list[Problem]:
    problems: list[Problem] = []
    kind = view.get("type")
    if kind == "modal":
        problems += text_problems(
            view.get("title"), pointer + "/title", maximum=24, plain_only=True
        )
        for name in ("submit", "close"):
            problems += text_problems(
                view.get(name), f"{pointer}/{name}", maximum=24, plain_only=True, required=False
            )
        blocks = view.get("blocks")
        has_input = isinstance(blocks, list) and any(
            isinstance(b, dict) and b.get("type") == "input" for b in blocks
        )
        if has_input and view.get("submit") is None:
            problems.append(
                Problem(pointer + "/submit", "is required when the view has input blocks")
            )
    else:
        for name in ("submit", "close"):
            if view.get(name) is not None:
                problems.append(Problem(f"{pointer}/{name}", "is not allowed in a home view"))
    problems += string_problems(
        view.get("private_metadata"), pointer + "/private_metadata", maximum=3000
    )
    problems += string_problems(view.get("callback_id"), pointer + "/callback_id", maximum=255)
    problems += string_problems(view.get("external_id"), pointer + "/external_id", maximum=255)
    for flag in ("clear_on_close", "notify_on_close", "submit_disabled"):
        if flag in view and not isinstance(view[flag], bool):
            problems.append(Problem(f"{pointer}/{flag}", "must be a boolean"))
    return problems


def _sdk_view_problems(view: dict[str, object], pointer: str) -> list[Problem]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fields: dict[str, Any] = copy.deepcopy(view)
            View(**fields).validate_json()
    except SlackObjectFormationError as error:
        return [Problem(pointer, str(error))]
    except Exception:  # the model could not be built; the checks above speak for Slack
        logger.debug("slack_sdk could not model the view at %s", pointer, exc_info=True)
    return []


def view_problems(
    view: object, pointer: str = "/view", *, kinds: tuple[str, ...] = ("modal", "home")
) -> list[Problem]:
    """A modal or Home tab view (views.open, .push, .update, .publish, response_action)."""
    if not isinstance(view, dict):
        return [Problem(pointer, "must be a view object")]
    kind = view.get("type")
    if kind not in kinds:
        return [Problem(pointer + "/type", f"must be one of: {', '.join(kinds)}")]
    problems = _view_fields_problems(view, pointer)
    if view.get("blocks") is None:
        problems.append(Problem(pointer + "/blocks", "missing required field"))
    else:
        problems += _blocks_problems(
            view.get("blocks"), pointer + "/blocks", types=VIEW_BLOCK_TYPES, maximum=VIEW_MAX_BLOCKS
        )
    if not problems:
        problems += _sdk_view_problems(view, pointer)
    return problems


def view_size_exceeded(view: object) -> bool:
    """Slack answers ``view_too_large`` above 250 kB of JSON."""
    return len(json.dumps(view, separators=(",", ":")).encode("utf-8")) > VIEW_MAX_BYTES
