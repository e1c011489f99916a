"""Forms for answering: one question at a time, handing a question to a colleague, and
reviewing every answer. Pure builders of Slack view JSON, and readers of the submissions."""

from __future__ import annotations

import hashlib
from typing import Any

from pydantic import Field

from bot.rendering import Renderer
from bot.slack.blocks.messages import Block, context, plain, section
from bot.slack.ids import SETUP_INPUT, CallbackId, FormBlock
from bot.slack.payloads import ViewSubmission
from bot.workshop.core.model import Frozen
from bot.workshop.core.questions import Question, QuestionKind
from bot.workshop.core.steps import Interpretation, interpret_text
from bot.workshop.usecases.revise import Review

MAX_INPUT = 3000
MAX_FORM_BLOCKS = 100


class AnswerFormState(Frozen):
    interview_id: int
    question_key: str
    kind: QuestionKind
    handed: bool = False  # a colleague answering a question handed on to them


class ReviewFormState(Frozen):
    interview_id: int
    # An answer longer than a field holds is shown cut: by part key, a digest of what its
    # field showed, so that saving it untouched does not store the cut for the answer.
    cut: dict[str, str] = Field(default_factory=dict)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _modal(
    callback_id: str,
    title: str,
    submit: str,
    close: str,
    blocks: list[Block],
    state: Frozen,
) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(title[:24]),
        "submit": plain(submit[:24]),
        "close": plain(close[:24]),
        "private_metadata": state.model_dump_json(),
        "blocks": blocks,
    }


def _text_input(
    block_id: str, label: str, *, initial: str = "", multiline: bool = True, optional: bool = False
) -> Block:
    element: Block = {
        "type": "plain_text_input",
        "action_id": SETUP_INPUT,
        "multiline": multiline,
        "max_length": MAX_INPUT,
    }
    if initial:
        element["initial_value"] = initial[:MAX_INPUT]
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label[:2000]),
        "element": element,
    }
    if optional:
        block["optional"] = True
    return block


def build_answer_form(
    question: Question, question_text: str, renderer: Renderer, state: AnswerFormState
) -> dict[str, Any]:
    """One field a part (a single question has one), the detail parts last and optional,
    each read as its kind when the form is saved."""
    blocks: list[Block] = [section(question_text)]
    parts = sorted(question.answer_parts(), key=lambda p: p.template.detail)
    for part in parts:
        label = (
            part.template.label if question.is_step else renderer.message("interview.form_label")
        )
        if part.template.detail:
            label = renderer.message("interview.form_detail_label", label=label)
        blocks.append(
            _text_input(
                FormBlock.ANSWER.for_question(part.kind.value, part.key),
                label,
                multiline=part.kind is QuestionKind.TEXT,
                optional=part.template.optional,
            )
        )
        examples = renderer.message(
            "interview.examples", kind=part.kind.value, kinds=[part.kind.value], figures=[]
        )
        if examples and not part.template.detail:
            blocks.append(context(examples))
    return _modal(
        CallbackId.ANSWER_FORM,
        renderer.message("interview.form_title"),
        renderer.message("interview.form_submit"),
        renderer.message("interview.form_close"),
        blocks[:MAX_FORM_BLOCKS],
        state,
    )


def build_ask_form(
    question_text: str, renderer: Renderer, state: AnswerFormState
) -> dict[str, Any]:
    blocks: list[Block] = [
        section(question_text),
        {
            "type": "input",
            "block_id": FormBlock.COLLEAGUE,
            "label": plain(renderer.message("interview.ask_label")),
            "element": {"type": "users_select", "action_id": SETUP_INPUT},
        },
    ]
    return _modal(
        CallbackId.ASK_FORM,
        renderer.message("interview.ask_title"),
        renderer.message("interview.ask_submit"),
        renderer.message("interview.form_close"),
        blocks,
        state,
    )


def build_review_form(review: Review, renderer: Renderer) -> dict[str, Any]:
    blocks: list[Block] = [
        section(
            renderer.message(
                "interview.review_intro", title=review.workshop.title, role=review.role
            )
        )
    ]
    cut: dict[str, str] = {}
    for item in review.items:
        question = item.question
        label = (
            f"{question.stage}: {question.template.label}"
            if question.stage
            else question.template.label
        )
        blocks.append(
            _text_input(
                FormBlock.ANSWER.for_question(question.kind.value, question.key),
                label,
                initial=item.answer.raw_text,
                multiline=question.kind is QuestionKind.TEXT,
            )
        )
        if len(item.answer.raw_text) > MAX_INPUT:
            cut[question.key] = _digest(item.answer.raw_text[:MAX_INPUT])
    if review.more:
        blocks.append(context(renderer.message("interview.review_more", count=review.more)))
    return _modal(
        CallbackId.REVIEW_FORM,
        renderer.message("interview.review_title"),
        renderer.message("interview.form_submit"),
        renderer.message("interview.form_close"),
        blocks,
        ReviewFormState(interview_id=review.interview.id, cut=cut),
    )


def _value(submission: ViewSubmission, block_id: str) -> dict[str, Any]:
    return dict(submission.values.get(block_id, {}).get(SETUP_INPUT) or {})


def read_answer_form(
    submission: ViewSubmission,
) -> tuple[AnswerFormState, dict[str, str], dict[str, str]]:
    """The text of every field by part key, and the kind of each that cannot be read, by
    block id (for the errors shown beside it). Empty optional fields are left out."""
    state = AnswerFormState.model_validate_json(submission.private_metadata or "{}")
    fields, unreadable = _read_fields(submission, skip_empty=True)
    return state, {key: text for key, (text, _) in fields.items()}, unreadable


def _read_fields(
    submission: ViewSubmission, *, skip_empty: bool
) -> tuple[dict[str, tuple[str, Interpretation]], dict[str, str]]:
    """Every "answer:<kind>:<key>" field read as its kind, and the kind of each unreadable
    one by block id."""
    kinds = {kind.value[:1]: kind for kind in QuestionKind}
    fields: dict[str, tuple[str, Interpretation]] = {}
    unreadable: dict[str, str] = {}
    for block_id, entry in submission.values.items():
        prefix, _, rest = str(block_id).partition(":")
        kind_letter, _, key = rest.partition(":")
        if prefix != FormBlock.ANSWER or kind_letter not in kinds:
            continue
        text = str((entry.get(SETUP_INPUT) or {}).get("value") or "")
        if skip_empty and not text.strip():
            continue
        reading = interpret_text(kinds[kind_letter], text)
        if reading.accepted:
            fields[key] = (text, reading)
        else:
            unreadable[block_id] = kinds[kind_letter].value
    return fields, unreadable


def read_ask_form(submission: ViewSubmission) -> tuple[AnswerFormState, str]:
    state = AnswerFormState.model_validate_json(submission.private_metadata or "{}")
    return state, str(_value(submission, FormBlock.COLLEAGUE).get("selected_user") or "")


def read_review_form(
    submission: ViewSubmission,
) -> tuple[ReviewFormState, dict[str, tuple[str, Interpretation]], dict[str, str]]:
    """Every edit read as its kind of answer, and the kind of each unreadable one by block.
    A field that still shows an answer cut to fit is no edit."""
    state = ReviewFormState.model_validate_json(submission.private_metadata or "{}")
    edits, unreadable = _read_fields(submission, skip_empty=False)
    untouched = {k for k, (text, _) in edits.items() if state.cut.get(k) == _digest(text)}
    return state, {k: v for k, v in edits.items() if k not in untouched}, unreadable
