"""The /p2p start set-up form: built from the template, read back into a request.

Pure: the submitted form (a typed ViewSubmission) in, Slack view JSON out, no calls.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from bot.rendering import Renderer
from bot.slack.blocks.messages import Block, context, plain, section
from bot.slack.ids import SETUP_INPUT, CallbackId, SetupBlock
from bot.slack.payloads import ViewSubmission
from bot.workshop.core.errors import WorkshopError
from bot.workshop.core.model import Frozen, InterviewMode, WorkshopDetails
from bot.workshop.core.planning import (
    RoleRequest,
    StartRequest,
    format_stage_lines,
    parse_stage_lines,
    role_key_for,
)
from bot.workshop.core.questions import PathTemplate

MAX_TITLE = 150
MAX_TEXT = 3000


class SetupState(Frozen):
    """Carried in the form's private_metadata."""

    team_id: str
    channel_id: str
    enterprise_id: str | None = None


def _input(
    block_id: str,
    label: str,
    element: Block,
    *,
    optional: bool = False,
    hint: str | None = None,
) -> Block:
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label),
        "element": {**element, "action_id": SETUP_INPUT},
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint)
    return block


def _text(
    initial: str = "", *, placeholder: str = "", multiline: bool = False, max_length: int = 150
) -> Block:
    element: Block = {"type": "plain_text_input", "multiline": multiline, "max_length": max_length}
    if initial:
        element["initial_value"] = initial
    if placeholder:
        element["placeholder"] = plain(placeholder)
    return element


def build_setup_form(
    renderer: Renderer, template: PathTemplate, state: SetupState, *, title: str = ""
) -> dict[str, Any]:
    def say(macro: str, **values: Any) -> str:
        return renderer.message(f"setup.{macro}", **values)

    roles_hint = ", ".join(r.key for r in template.roles)
    blocks: list[Block] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": say("intro")}},
        _input(SetupBlock.TITLE, say("workshop_title_label"), _text(title, max_length=MAX_TITLE)),
        _input(
            SetupBlock.CHANGE,
            say("change_label"),
            _text(placeholder=say("change_placeholder"), max_length=300),
            optional=True,
        ),
        _input(
            SetupBlock.CHANGE_LINK,
            say("change_link_label"),
            {"type": "url_text_input"},
            optional=True,
        ),
        _input(
            SetupBlock.START_EVENT,
            say("start_event_label"),
            _text(WorkshopDetails().start_event, max_length=150),
        ),
        _input(
            SetupBlock.END_EVENT,
            say("end_event_label"),
            _text(WorkshopDetails().end_event, max_length=150),
        ),
        _input(
            SetupBlock.STAGES,
            say("stages_label"),
            _text(format_stage_lines(template), multiline=True, max_length=MAX_TEXT),
            hint=say("stages_hint"),
        ),
    ]
    for role in template.roles:
        blocks.append(
            _input(
                SetupBlock.ROLE.for_role(role.key),
                say("role_label", name=role.name),
                {"type": "multi_users_select", "placeholder": plain(say("role_placeholder"))},
                optional=True,
            )
        )
    for slot in range(1, EXTRA_ROLE_SLOTS + 1):
        blocks.append(
            _input(
                extra_role_block(slot, "name"),
                say("extra_role_label", number=slot),
                _text(placeholder=say("extra_role_placeholder"), max_length=60),
                optional=True,
            )
        )
        blocks.append(
            _input(
                extra_role_block(slot, "people"),
                say("extra_people_label", number=slot),
                {"type": "multi_users_select", "placeholder": plain(say("role_placeholder"))},
                optional=True,
            )
        )
    blocks.append(context(say("roles_hint", roles=roles_hint)))
    in_turn = {
        "text": plain(say("mode_in_turn")),
        "description": plain(say("mode_in_turn_hint")),
        "value": InterviewMode.IN_TURN.value,
    }
    all_at_once = {
        "text": plain(say("mode_all_at_once")),
        "description": plain(say("mode_all_at_once_hint")),
        "value": InterviewMode.ALL_AT_ONCE.value,
    }
    blocks.append(
        _input(
            SetupBlock.MODE,
            say("mode_label"),
            {"type": "radio_buttons", "options": [in_turn, all_at_once], "initial_option": in_turn},
        )
    )
    blocks.append(
        _input(SetupBlock.DEADLINE, say("deadline_label"), {"type": "datepicker"}, optional=True)
    )
    blocks.append(
        _input(
            SetupBlock.CO_FACILITATORS,
            say("co_facilitators_label"),
            {
                "type": "multi_users_select",
                "placeholder": plain(say("co_facilitators_placeholder")),
            },
            optional=True,
        )
    )
    named = {"text": plain(say("named_option")), "value": "named"}
    blocks.append(
        _input(
            SetupBlock.NAMED,
            say("named_label"),
            {"type": "checkboxes", "options": [named]},
            optional=True,
        )
    )
    return {
        "type": "modal",
        "callback_id": CallbackId.START_WORKSHOP,
        "title": plain(say("title")),
        "submit": plain(say("submit")),
        "close": plain(say("close")),
        "private_metadata": state.model_dump_json(),
        "blocks": blocks,
    }


EXTRA_ROLE_SLOTS = 2


def extra_role_block(slot: int, part: str) -> str:
    return SetupBlock.EXTRA_ROLE.for_extra_role(slot, part)


def build_start_refused(refusal: str, renderer: Renderer) -> dict[str, Any]:
    """The set-up form once the workshop turns out not to be startable: why, and no Start."""
    return {
        "type": "modal",
        "callback_id": CallbackId.START_REFUSED,
        "title": plain(renderer.message("setup.title")),
        "close": plain(renderer.message("setup.refused_close")),
        "blocks": [section(refusal)],
    }


def _extra_role_blocks(values: Mapping[str, Any]) -> dict[str, str]:
    """ "role:<key>" of each role the facilitator added → its people block in the form."""
    found: dict[str, str] = {}
    for slot in range(1, EXTRA_ROLE_SLOTS + 1):
        name = str(_value(values, extra_role_block(slot, "name")).get("value") or "").strip()
        if name:
            found[SetupBlock.ROLE.for_role(role_key_for(name))] = extra_role_block(slot, "people")
    return found


def _value(values: Mapping[str, Any], block_id: str) -> dict[str, Any]:
    return dict((values.get(block_id) or {}).get(SETUP_INPUT) or {})


def read_setup_form(submission: ViewSubmission, template: PathTemplate) -> StartRequest:
    """The request a submitted form makes; the form's own shape is trusted to Slack."""
    state = SetupState.model_validate_json(submission.private_metadata or "{}")
    values = submission.values

    def text(block: SetupBlock, default: str = "") -> str:
        return str(_value(values, block).get("value") or default).strip()

    deadline_text = _value(values, SetupBlock.DEADLINE).get("selected_date")
    mode_option = _value(values, SetupBlock.MODE).get("selected_option") or {}
    try:
        mode = InterviewMode(mode_option.get("value", InterviewMode.IN_TURN.value))
    except ValueError:
        mode = InterviewMode.IN_TURN
    details = WorkshopDetails(
        change=text(SetupBlock.CHANGE),
        change_link=text(SetupBlock.CHANGE_LINK),
        start_event=text(SetupBlock.START_EVENT) or WorkshopDetails().start_event,
        end_event=text(SetupBlock.END_EVENT) or WorkshopDetails().end_event,
        deadline=date.fromisoformat(deadline_text) if deadline_text else None,
        co_facilitators=tuple(
            _value(values, SetupBlock.CO_FACILITATORS).get("selected_users") or ()
        ),
        named=bool(_value(values, SetupBlock.NAMED).get("selected_options")),
    )
    roles = tuple(
        RoleRequest(
            word=role.key,
            user_ids=tuple(
                _value(values, SetupBlock.ROLE.for_role(role.key)).get("selected_users") or ()
            ),
        )
        for role in template.roles
    )
    extra_names: list[str] = []
    for slot in range(1, EXTRA_ROLE_SLOTS + 1):
        name = str(_value(values, extra_role_block(slot, "name")).get("value") or "").strip()
        people = tuple(_value(values, extra_role_block(slot, "people")).get("selected_users") or ())
        if name:
            extra_names.append(name)
            roles += (RoleRequest(word=role_key_for(name), user_ids=people),)
    return StartRequest(
        team_id=state.team_id,
        enterprise_id=state.enterprise_id,
        channel_id=state.channel_id,
        user_id=submission.user_id,
        title=text(SetupBlock.TITLE) or "Our path to production",
        roles=roles,
        mode=mode,
        stages=parse_stage_lines(text(SetupBlock.STAGES)),
        details=details,
        extra_roles=tuple(extra_names),
    )


def form_errors(
    problems: list[WorkshopError],
    renderer: Renderer,
    template: PathTemplate,
    submission: ViewSubmission | None = None,
) -> dict[str, str]:
    """Each problem beside its field, the first per field; Slack shows them inline."""
    first_role = SetupBlock.ROLE.for_role(template.roles[0].key)
    inputs = submission.input_blocks if submission else frozenset()
    extra = _extra_role_blocks(submission.values if submission else {})
    errors: dict[str, str] = {}
    for problem in problems:
        field = problem.field or SetupBlock.TITLE
        block = first_role if field == "roles" else field
        if inputs and block not in inputs:
            block = extra.get(block, SetupBlock.STAGES)
        errors.setdefault(
            block, renderer.message(f"errors.{problem.message}", **problem.context)[:2000]
        )
    return errors
