"""A step's answer: several parts kept in one stored answer. Pure.

A step ("Design.figures") is stored as one answer whose `parsed` is
``{"kind": "step", "parts": {"Design.process_time": {"text": "2 days of work",
"parsed": {…}}, …}}``. Everything that reads answers by question (the analysis, the
export, the follow-up rules) sees each part as an answer of its own, through
`expand_answers`. A step is done when every part that is not optional is there; a reply
that fills some parts is merged with what was there before.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from bot.workshop.core.durations import parse_duration, parse_percent
from bot.workshop.core.model import Answer, Frozen
from bot.workshop.core.questions import Part, Question, QuestionKind
from bot.workshop.core.replies import normalise_percent, read_reply

STEP = "step"
SKIP_WORDS = frozenset({"skip", "pass", "next", "skip it", "skip this", "skip this one"})
SKIPPED: dict[str, Any] = {"skipped": True}


class Interpretation(Frozen):
    """What a reply means for the question or step it answers."""

    accepted: bool
    parsed: dict[str, Any] | None = None


def is_skip(text: str) -> bool:
    return text.strip().casefold().rstrip(".!") in SKIP_WORDS


def interpret_text(kind: QuestionKind, text: str) -> Interpretation:
    """Accept a reply to one question or part, parsing durations and percentages; refuse
    what cannot be read, so that the person is asked again with examples."""
    cleaned = text.strip()
    if not cleaned:
        return Interpretation(accepted=False)
    if is_skip(cleaned):
        return Interpretation(accepted=True, parsed=dict(SKIPPED))
    if kind is QuestionKind.TEXT or kind is QuestionKind.STEP:
        return Interpretation(accepted=True)
    value = (
        parse_duration(cleaned)
        if kind is QuestionKind.DURATION
        else parse_percent(normalise_percent(cleaned))
    )
    if value is None:
        return Interpretation(accepted=False)
    return Interpretation(accepted=True, parsed=value.model_dump(mode="json"))


def step_parts(answer: Answer | None) -> dict[str, dict[str, Any]]:
    """The parts a stored step answer holds, by part key."""
    if answer is None or not answer.parsed or answer.parsed.get("kind") != STEP:
        return {}
    return dict(answer.parsed.get("parts") or {})


def step_parsed(parts: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    return {"kind": STEP, "parts": {key: dict(value) for key, value in parts.items()}}


def _whole(answer: Answer) -> bool:
    """Skipped, handed on or "don't know" as a whole: nothing more is asked."""
    parsed = answer.parsed or {}
    return bool(
        parsed.get("skipped") or parsed.get("delegated_to") or parsed.get("kind") == "unknown"
    )


def missing_parts(question: Question, answer: Answer | None) -> tuple[Part, ...]:
    """The parts that are not optional and not answered yet."""
    if not question.is_step:
        return () if answer is not None else question.required_parts()
    if answer is not None and _whole(answer):
        return ()
    have = step_parts(answer)
    return tuple(p for p in question.required_parts() if p.key not in have)


def wanted_parts(question: Question, answer: Answer | None) -> tuple[Part, ...]:
    """The parts a reply may still fill: those the message names and nobody gave yet."""
    have = step_parts(answer)
    return tuple(p for p in question.asked_parts() if p.key not in have)


def is_done(question: Question, answer: Answer | None) -> bool:
    return answer is not None and not missing_parts(question, answer)


def interpret_step(question: Question, text: str, answer: Answer | None) -> Interpretation:
    """A typed reply to a step, merged with what the step already holds. Skip: every
    part still missing is skipped. Refused when the reply fills no part."""
    if not question.is_step:
        part = question.answer_parts()[0]
        return interpret_text(part.kind, text)
    cleaned = text.strip()
    have = step_parts(answer)
    if not cleaned:
        return Interpretation(accepted=False)
    if is_skip(cleaned):
        skipped = {
            p.key: {"text": cleaned, "parsed": SKIPPED} for p in missing_parts(question, answer)
        }
        if not have:
            return Interpretation(accepted=True, parsed=dict(SKIPPED))
        return Interpretation(accepted=True, parsed=step_parsed({**have, **skipped}))
    wanted = wanted_parts(question, answer) or missing_parts(question, answer)
    found = read_reply(cleaned, wanted)
    if not found:
        return Interpretation(accepted=False)
    given = {key: {"text": r.text, "parsed": r.parsed} for key, r in found.items()}
    return Interpretation(accepted=True, parsed=step_parsed({**have, **given}))


def interpret_parts(
    question: Question, texts: Mapping[str, str], answer: Answer | None
) -> tuple[Interpretation, dict[str, str]]:
    """Answers to single parts (a menu, or the fields of a form), merged with what the
    step holds; also the kind of every field that could not be read, by part key."""
    have = step_parts(answer)
    by_key = {p.key: p for p in question.answer_parts()}
    given: dict[str, dict[str, Any]] = {}
    unreadable: dict[str, str] = {}
    for key, text in texts.items():
        part = by_key.get(key)
        if part is None or not text.strip():
            continue
        reading = interpret_text(part.kind, text)
        if reading.accepted:
            given[key] = {"text": text.strip(), "parsed": reading.parsed}
        else:
            unreadable[key] = part.kind.value
    if unreadable or not given:
        return Interpretation(accepted=False), unreadable
    if not question.is_step:
        only = given[question.key]
        return Interpretation(accepted=True, parsed=only["parsed"]), {}
    return Interpretation(accepted=True, parsed=step_parsed({**have, **given})), {}


def part_answers(answer: Answer) -> list[Answer]:
    """A stored answer as the answers to its parts (itself when it is not a step)."""
    parts = step_parts(answer)
    if not parts:
        return [answer]
    return [
        answer.model_copy(
            update={
                "question_key": key,
                "raw_text": str(value.get("text") or ""),
                "parsed": value.get("parsed"),
            }
        )
        for key, value in parts.items()
    ]


def expand_answers(answers: Iterable[Answer]) -> list[Answer]:
    return [part for answer in answers for part in part_answers(answer)]


def expanded_by_key(answers: Mapping[str, Answer]) -> dict[str, Answer]:
    """An interview's answers by key, each step's parts under their own keys too."""
    found = dict(answers)
    for answer in answers.values():
        if step_parts(answer):
            found.update((a.question_key, a) for a in part_answers(answer))
    return found


def describe_parts(question: Question, answer: Answer | None) -> str:
    """What a step's answer says, part by part, for the message once it is answered."""
    parts = step_parts(answer)
    if answer is None:
        return ""
    if not parts:
        return answer.raw_text
    labels = {p.key: p.template.label for p in question.answer_parts()}
    return "; ".join(f"{labels.get(key, key)}: {value.get('text')}" for key, value in parts.items())
