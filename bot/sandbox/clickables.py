"""What a person can click: the interactive elements they see, newest first, and the
``actions`` entry Slack sends when they use one."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from bot.sandbox.element_values import element_state
from bot.sandbox.errors import ActionNotPossible
from bot.sandbox.state import Conversation, Ephemeral, JsonDict, Message, View
from bot.sandbox.workspace import Workspace


@dataclass
class Clickable:
    """An interactive element a user can see, and where it is: a view or a message."""

    block_id: str
    element: JsonDict
    place: View | tuple[Conversation, Message | Ephemeral]


def _elements(blocks: list[JsonDict], *, in_view: bool) -> Iterator[tuple[str, JsonDict]]:
    for block in blocks:
        block_id = str(block.get("block_id", ""))
        kind = block.get("type")
        if kind in ("actions", "context_actions"):
            for element in block.get("elements") or []:
                if isinstance(element, dict):
                    yield block_id, element
        elif kind == "section" and isinstance(block.get("accessory"), dict):
            yield block_id, block["accessory"]
        elif (
            kind == "input"
            and isinstance(block.get("element"), dict)
            and (block.get("dispatch_action") or not in_view)
        ):
            yield block_id, block["element"]


def visible_clickables(workspace: Workspace, user: str) -> Iterator[Clickable]:
    """The open modal first, then messages in the user's conversations and their
    ephemerals (newest first), then their Home tab."""
    top = workspace.top_modal(user)
    if top is not None:
        for block_id, element in _elements(top.blocks, in_view=True):
            yield Clickable(block_id, element, top)
    seen: list[tuple[str, Conversation, Message | Ephemeral]] = []
    for conversation in workspace.conversations.values():
        if user not in conversation.members:
            continue
        for message in conversation.messages:
            seen.append((message.ts, conversation, message))
            seen.extend((reply.ts, conversation, reply) for reply in message.replies)
    for ephemeral in workspace.ephemerals:
        if ephemeral.user == user:
            conversation = workspace.require_conversation(ephemeral.channel)
            seen.append((ephemeral.ts, conversation, ephemeral))
    for _, conversation, source in sorted(seen, key=lambda item: float(item[0]), reverse=True):
        for block_id, element in _elements(source.blocks, in_view=False):
            yield Clickable(block_id, element, (conversation, source))
    home = workspace.home_view(user)
    if home is not None:
        for block_id, element in _elements(home.blocks, in_view=True):
            yield Clickable(block_id, element, home)


def find_clickable(
    workspace: Workspace, user: str, action_id: str, value: object, block_id: str | None
) -> Clickable:
    """The newest element with ``action_id`` the user sees; a button must carry ``value``."""
    for clickable in visible_clickables(workspace, user):
        element = clickable.element
        if element.get("action_id") != action_id:
            continue
        if block_id is not None and clickable.block_id != block_id:
            continue
        if element.get("type") == "button" and value is not None and element.get("value") != value:
            continue
        return clickable
    raise ActionNotPossible(f"{user} cannot see an element with action_id {action_id!r}")


def action_entry(workspace: Workspace, clickable: Clickable, value: object) -> JsonDict:
    """The ``actions`` entry for using ``clickable`` with ``value``; a view keeps the new state."""
    element = clickable.element
    kind = element.get("type")
    action: JsonDict = {"action_id": element.get("action_id"), "block_id": clickable.block_id}
    if kind == "button":
        action["text"] = element.get("text")
        for key in ("value", "style", "url"):
            if key in element:
                action[key] = element[key]
        action["type"] = "button"
    else:
        if value is None:
            raise ActionNotPossible(f"choose a value for {element.get('action_id')!r}")
        state = element_state(element, value, workspace, use_initial=False)
        action.update({k: v for k, v in state.items() if k != "type"}, type=kind)
        if "placeholder" in element:
            action["placeholder"] = element["placeholder"]
        if isinstance(clickable.place, View):
            values = clickable.place.state_values.setdefault(clickable.block_id, {})
            values[str(element.get("action_id"))] = state
    action["action_ts"] = workspace.next_ts()
    return action
