"""Block Kit limits for the small parts: text objects, options, confirm dialogs, elements.

Pure functions that return a list of problems; an empty list means Slack would accept it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SELECT_MENUS = frozenset(
    {"static_select", "external_select", "users_select", "conversations_select", "channels_select"}
)
MULTI_SELECT_MENUS = frozenset("multi_" + menu for menu in SELECT_MENUS)
ACTIONS_ELEMENTS = (
    frozenset(
        {
            "button",
            "checkboxes",
            "datepicker",
            "datetimepicker",
            "overflow",
            "radio_buttons",
            "rich_text_input",
            "timepicker",
            "workflow_button",
        }
    )
    | SELECT_MENUS
    | MULTI_SELECT_MENUS
)
SECTION_ACCESSORIES = (
    frozenset(
        {
            "button",
            "checkboxes",
            "datepicker",
            "image",
            "overflow",
            "radio_buttons",
            "timepicker",
            "workflow_button",
        }
    )
    | SELECT_MENUS
    | MULTI_SELECT_MENUS
)
INPUT_ELEMENTS = (
    frozenset(
        {
            "checkboxes",
            "datepicker",
            "datetimepicker",
            "email_text_input",
            "file_input",
            "number_input",
            "plain_text_input",
            "radio_buttons",
            "rich_text_input",
            "timepicker",
            "url_text_input",
        }
    )
    | SELECT_MENUS
    | MULTI_SELECT_MENUS
)
CONTEXT_ACTIONS_ELEMENTS = frozenset({"feedback_buttons", "icon_button"})

MAX_ID_LENGTH = 255
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


@dataclass(frozen=True)
class Problem:
    """One thing Slack would reject, located by a JSON pointer into the request."""

    pointer: str
    message: str

    def __str__(self) -> str:
        return f"[ERROR] {self.message} [json-pointer:{self.pointer}]"


def string_problems(
    value: object, pointer: str, *, maximum: int, minimum: int = 0, required: bool = False
) -> list[Problem]:
    if value is None:
        return [Problem(pointer, "missing required field")] if required else []
    if not isinstance(value, str):
        return [Problem(pointer, "must be a string")]
    if len(value) < minimum:
        return [Problem(pointer, f"must be more than {minimum - 1} characters")]
    if len(value) > maximum:
        return [Problem(pointer, f"must be less than {maximum + 1} characters")]
    return []


def count_problems(
    items: object, pointer: str, *, maximum: int, minimum: int = 1, required: bool = True
) -> list[Problem]:
    if items is None:
        return [Problem(pointer, "missing required field")] if required else []
    if not isinstance(items, list):
        return [Problem(pointer, "must be an array")]
    if len(items) < minimum:
        return [Problem(pointer, f"must provide at least {minimum} items")]
    if len(items) > maximum:
        return [Problem(pointer, f"no more than {maximum} items allowed")]
    return []


def text_problems(
    obj: object,
    pointer: str,
    *,
    maximum: int,
    plain_only: bool = False,
    required: bool = True,
) -> list[Problem]:
    """A text object: ``{"type": "plain_text" | "mrkdwn", "text": ...}`` within the length."""
    if obj is None:
        return [Problem(pointer, "missing required field")] if required else []
    if not isinstance(obj, dict):
        return [Problem(pointer, "must be a text object")]
    kind = obj.get("type")
    if kind not in ("plain_text", "mrkdwn"):
        return [Problem(pointer + "/type", "must be plain_text or mrkdwn")]
    if plain_only and kind != "plain_text":
        return [Problem(pointer + "/type", "must be plain_text")]
    if kind == "mrkdwn" and "emoji" in obj:
        return [Problem(pointer + "/emoji", "is only allowed in plain_text objects")]
    return string_problems(
        obj.get("text"), pointer + "/text", maximum=maximum, minimum=1, required=True
    )


def option_problems(option: object, pointer: str, *, plain_only: bool) -> list[Problem]:
    if not isinstance(option, dict):
        return [Problem(pointer, "must be an option object")]
    problems = text_problems(
        option.get("text"), pointer + "/text", maximum=75, plain_only=plain_only
    )
    problems += string_problems(option.get("value"), pointer + "/value", maximum=150, required=True)
    problems += text_problems(
        option.get("description"), pointer + "/description", maximum=75, required=False
    )
    problems += string_problems(option.get("url"), pointer + "/url", maximum=3000)
    return problems


def options_problems(
    options: object, pointer: str, *, maximum: int, plain_only: bool, required: bool = True
) -> list[Problem]:
    problems = count_problems(options, pointer, maximum=maximum, required=required)
    if problems or not isinstance(options, list):
        return problems
    for index, option in enumerate(options):
        problems += option_problems(option, f"{pointer}/{index}", plain_only=plain_only)
    return problems


def confirm_problems(confirm: object, pointer: str) -> list[Problem]:
    if confirm is None:
        return []
    if not isinstance(confirm, dict):
        return [Problem(pointer, "must be a confirmation dialog object")]
    problems = text_problems(confirm.get("title"), pointer + "/title", maximum=100, plain_only=True)
    problems += text_problems(confirm.get("text"), pointer + "/text", maximum=300)
    problems += text_problems(
        confirm.get("confirm"), pointer + "/confirm", maximum=30, plain_only=True
    )
    problems += text_problems(confirm.get("deny"), pointer + "/deny", maximum=30, plain_only=True)
    if confirm.get("style") not in (None, "primary", "danger"):
        problems.append(Problem(pointer + "/style", "must be primary or danger"))
    return problems


def _option_values(element: dict[str, object]) -> set[str]:
    values: set[str] = set()
    groups = element.get("option_groups")
    lists = [element.get("options")]
    if isinstance(groups, list):
        lists += [group.get("options") for group in groups if isinstance(group, dict)]
    for options in lists:
        if isinstance(options, list):
            values |= {str(o.get("value")) for o in options if isinstance(o, dict)}
    return values


def _static_select_problems(element: dict[str, object], pointer: str) -> list[Problem]:
    options, groups = element.get("options"), element.get("option_groups")
    if (options is None) == (groups is None):
        return [Problem(pointer, "must provide exactly one of options or option_groups")]
    if options is not None:
        problems = options_problems(options, pointer + "/options", maximum=100, plain_only=True)
    else:
        problems = count_problems(groups, pointer + "/option_groups", maximum=100)
        for index, group in enumerate(groups if isinstance(groups, list) else []):
            where = f"{pointer}/option_groups/{index}"
            if not isinstance(group, dict):
                problems.append(Problem(where, "must be an option group object"))
                continue
            problems += text_problems(
                group.get("label"), where + "/label", maximum=75, plain_only=True
            )
            problems += options_problems(
                group.get("options"), where + "/options", maximum=100, plain_only=True
            )
    known = _option_values(element)
    initial = element.get("initial_option")
    chosen = [initial] if initial is not None else element.get("initial_options") or []
    for index, option in enumerate(chosen if isinstance(chosen, list) else []):
        if isinstance(option, dict) and str(option.get("value")) not in known:
            field = "initial_option" if initial is not None else f"initial_options/{index}"
            problems.append(Problem(f"{pointer}/{field}", "must match one of the options"))
    return problems


def _text_input_problems(element: dict[str, object], pointer: str) -> list[Problem]:
    problems: list[Problem] = []
    low, high = element.get("min_length"), element.get("max_length")
    for name, value, smallest in (("min_length", low, 0), ("max_length", high, 1)):
        if value is None:
            continue
        if not isinstance(value, int) or isinstance(value, bool):
            problems.append(Problem(f"{pointer}/{name}", "must be an integer"))
        elif not smallest <= value <= 3000:
            problems.append(Problem(f"{pointer}/{name}", f"must be between {smallest} and 3000"))
    if isinstance(low, int) and isinstance(high, int) and low > high:
        problems.append(Problem(pointer + "/min_length", "must not be greater than max_length"))
    limit = high if isinstance(high, int) and 1 <= high <= 3000 else 3000
    problems += string_problems(
        element.get("initial_value"), pointer + "/initial_value", maximum=limit
    )
    return problems


def _image_element_problems(element: dict[str, object], pointer: str) -> list[Problem]:
    if element.get("image_url") is None and element.get("slack_file") is None:
        return [Problem(pointer, "must provide image_url or slack_file")]
    problems = string_problems(element.get("image_url"), pointer + "/image_url", maximum=3000)
    problems += string_problems(
        element.get("alt_text"), pointer + "/alt_text", maximum=2000, minimum=1, required=True
    )
    return problems


def _typed_element_problems(kind: str, element: dict[str, object], pointer: str) -> list[Problem]:
    problems: list[Problem] = []
    if kind == "button":
        problems += text_problems(
            element.get("text"), pointer + "/text", maximum=75, plain_only=True
        )
        problems += string_problems(element.get("value"), pointer + "/value", maximum=2000)
        problems += string_problems(element.get("url"), pointer + "/url", maximum=3000)
        problems += string_problems(
            element.get("accessibility_label"), pointer + "/accessibility_label", maximum=75
        )
        if element.get("style") not in (None, "primary", "danger"):
            problems.append(Problem(pointer + "/style", "must be primary or danger"))
    elif kind in ("static_select", "multi_static_select"):
        problems += _static_select_problems(element, pointer)
    elif kind == "overflow":
        problems += options_problems(
            element.get("options"), pointer + "/options", maximum=5, plain_only=True
        )
    elif kind in ("checkboxes", "radio_buttons"):
        problems += options_problems(
            element.get("options"), pointer + "/options", maximum=10, plain_only=False
        )
    elif kind == "plain_text_input":
        problems += _text_input_problems(element, pointer)
    elif kind == "datepicker" and element.get("initial_date") is not None:
        if not _DATE.fullmatch(str(element.get("initial_date"))):
            problems.append(Problem(pointer + "/initial_date", "must be in the format YYYY-MM-DD"))
    elif kind == "timepicker" and element.get("initial_time") is not None:
        if not _TIME.fullmatch(str(element.get("initial_time"))):
            problems.append(Problem(pointer + "/initial_time", "must be in the format HH:mm"))
    elif kind == "number_input" and not isinstance(element.get("is_decimal_allowed"), bool):
        problems.append(Problem(pointer + "/is_decimal_allowed", "missing required field"))
    elif kind == "image":
        problems += _image_element_problems(element, pointer)
    if kind in MULTI_SELECT_MENUS and element.get("max_selected_items") is not None:
        most = element.get("max_selected_items")
        if not isinstance(most, int) or isinstance(most, bool) or most < 1:
            problems.append(Problem(pointer + "/max_selected_items", "must be at least 1"))
    return problems


def element_problems(
    element: object, pointer: str, *, allowed: frozenset[str], action_ids: set[str]
) -> list[Problem]:
    """One element inside a block; ``action_ids`` collects the block's ids to find duplicates."""
    if not isinstance(element, dict):
        return [Problem(pointer, "must be an element object")]
    kind = element.get("type")
    if not isinstance(kind, str) or kind not in allowed:
        return [Problem(pointer + "/type", f"unsupported element type: {kind}")]
    problems: list[Problem] = []
    action_id = element.get("action_id")
    if action_id is not None:
        problems += string_problems(
            action_id, pointer + "/action_id", maximum=MAX_ID_LENGTH, minimum=1
        )
        if isinstance(action_id, str):
            if action_id in action_ids:
                problems.append(
                    Problem(pointer + "/action_id", f"duplicate action_id: {action_id}")
                )
            action_ids.add(action_id)
    if "placeholder" in element:
        problems += text_problems(
            element.get("placeholder"), pointer + "/placeholder", maximum=150, plain_only=True
        )
    problems += confirm_problems(element.get("confirm"), pointer + "/confirm")
    problems += _typed_element_problems(kind, element, pointer)
    return problems
