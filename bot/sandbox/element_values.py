"""What a user picked or typed in an element, in the shape Slack reports it.

The same shape appears in ``view.state.values[block_id][action_id]`` and (with ids and
``action_ts``) in a ``block_actions`` action.
"""

from __future__ import annotations

from collections.abc import Iterator

from bot.sandbox.errors import ActionNotPossible
from bot.sandbox.state import JsonDict
from bot.sandbox.workspace import Workspace

_TEXT_INPUTS = frozenset({"plain_text_input", "number_input", "email_text_input", "url_text_input"})
_SINGLE_OPTION = frozenset({"static_select", "external_select", "radio_buttons", "overflow"})
_MANY_OPTIONS = frozenset({"multi_static_select", "multi_external_select", "checkboxes"})
_SINGLE_ID = {
    "users_select": ("selected_user", "initial_user"),
    "conversations_select": ("selected_conversation", "initial_conversation"),
    "channels_select": ("selected_channel", "initial_channel"),
}
_MANY_IDS = {
    "multi_users_select": ("selected_users", "initial_users"),
    "multi_conversations_select": ("selected_conversations", "initial_conversations"),
    "multi_channels_select": ("selected_channels", "initial_channels"),
}
_SCALARS = {
    "datepicker": ("selected_date", "initial_date"),
    "timepicker": ("selected_time", "initial_time"),
    "datetimepicker": ("selected_date_time", "initial_date_time"),
}


def iter_options(element: JsonDict) -> Iterator[JsonDict]:
    options = element.get("options")
    if isinstance(options, list):
        yield from (o for o in options if isinstance(o, dict))
    groups = element.get("option_groups")
    if isinstance(groups, list):
        for group in groups:
            if isinstance(group, dict) and isinstance(group.get("options"), list):
                yield from (o for o in group["options"] if isinstance(o, dict))


def _option_text(option: JsonDict) -> str:
    text = option.get("text")
    return str(text.get("text", "")) if isinstance(text, dict) else ""


def find_option(element: JsonDict, wanted: object) -> JsonDict:
    """The option whose value (or, failing that, visible text) is ``wanted``."""
    options = list(iter_options(element))
    for option in options:
        if option.get("value") == wanted:
            return {k: option[k] for k in ("text", "value", "description") if k in option}
    for option in options:
        if _option_text(option) == wanted:
            return {k: option[k] for k in ("text", "value", "description") if k in option}
    shown = ", ".join(repr(o.get("value")) for o in options)
    raise ActionNotPossible(
        f"{element.get('action_id')!r} has no option {wanted!r} (options: {shown})"
    )


def _as_list(given: object) -> list[object]:
    if given is None:
        return []
    return list(given) if isinstance(given, (list, tuple)) else [given]


def _check_ids(kind: str, ids: list[object], workspace: Workspace) -> None:
    for item in ids:
        known = (
            workspace.user(str(item)) is not None
            if "users" in kind
            else workspace.conversation(str(item)) is not None
        )
        if not known:
            raise ActionNotPossible(f"{kind}: no such user or conversation {item!r}")


def _text_value(kind: str, element: JsonDict, value: object) -> JsonDict:
    if value is None:
        return {"value": None}
    text = str(value)
    low, high = element.get("min_length"), element.get("max_length")
    if isinstance(high, int) and len(text) > high:
        raise ActionNotPossible(f"{element.get('action_id')!r} takes at most {high} characters")
    if isinstance(low, int) and text and len(text) < low:
        raise ActionNotPossible(f"{element.get('action_id')!r} needs at least {low} characters")
    if kind == "number_input":
        try:
            float(text)
        except ValueError as exc:
            raise ActionNotPossible(f"{element.get('action_id')!r} takes a number") from exc
        if not element.get("is_decimal_allowed") and "." in text:
            raise ActionNotPossible(f"{element.get('action_id')!r} takes a whole number")
    if kind == "email_text_input" and text and "@" not in text:
        raise ActionNotPossible(f"{element.get('action_id')!r} takes an email address")
    return {"value": text}


def element_state(
    element: JsonDict, given: object, workspace: Workspace, *, use_initial: bool = True
) -> JsonDict:
    """``{"type": ..., <value fields>}`` for ``given`` (None: the initial value, or empty)."""
    kind = str(element.get("type"))
    state: JsonDict = {"type": kind}
    if kind in _TEXT_INPUTS:
        value = (
            given if given is not None else (element.get("initial_value") if use_initial else None)
        )
        state.update(_text_value(kind, element, value))
    elif kind in _SINGLE_OPTION:
        if given is not None:
            state["selected_option"] = find_option(element, given)
        else:
            state["selected_option"] = element.get("initial_option") if use_initial else None
    elif kind in _MANY_OPTIONS:
        if given is not None:
            state["selected_options"] = [find_option(element, v) for v in _as_list(given)]
        else:
            state["selected_options"] = (
                list(element.get("initial_options") or []) if use_initial else []
            )
    elif kind in _SINGLE_ID:
        field, initial = _SINGLE_ID[kind]
        if given is not None:
            _check_ids(kind, [given], workspace)
        state[field] = (
            given if given is not None else (element.get(initial) if use_initial else None)
        )
    elif kind in _MANY_IDS:
        field, initial = _MANY_IDS[kind]
        chosen = (
            _as_list(given)
            if given is not None
            else list(element.get(initial) or [])
            if use_initial
            else []
        )
        _check_ids(kind, chosen, workspace)
        most = element.get("max_selected_items")
        if isinstance(most, int) and len(chosen) > most:
            raise ActionNotPossible(f"{element.get('action_id')!r} takes at most {most} items")
        state[field] = chosen
    elif kind in _SCALARS:
        field, initial = _SCALARS[kind]
        state[field] = (
            given if given is not None else (element.get(initial) if use_initial else None)
        )
    elif kind == "rich_text_input":
        state["rich_text_value"] = given if given is not None else element.get("initial_value")
    elif kind == "file_input":
        state["files"] = _as_list(given)
    return state


def is_empty(state: JsonDict) -> bool:
    values = [v for k, v in state.items() if k != "type"]
    return all(v is None or v == [] or v == "" for v in values)
