"""The interview's pure rules: whose turn it is, and what an answer means."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from bot.workshop.durations import parse_duration, parse_percent
from bot.workshop.model import Frozen, Interview, InterviewMode, InterviewStatus, Workshop
from bot.workshop.questions import Question, QuestionKind

SKIP_WORDS = frozenset({"skip", "pass", "next", "skip it", "skip this"})


class Interpretation(Frozen):
    """What a typed reply means for the question it answers."""

    accepted: bool
    parsed: dict[str, Any] | None = None


def interpret_answer(question: Question, text: str) -> Interpretation:
    """Accept a reply, parsing durations and percentages; refuse what cannot be read.

    Nothing is guessed: a duration or percentage that does not parse is refused so the
    person can be asked again with examples.
    """
    cleaned = text.strip()
    if not cleaned:
        return Interpretation(accepted=False)
    if cleaned.casefold().rstrip(".!") in SKIP_WORDS:
        return Interpretation(accepted=True, parsed={"skipped": True})
    if question.kind is QuestionKind.TEXT:
        return Interpretation(accepted=True)
    value: BaseModel | None = (
        parse_duration(cleaned)
        if question.kind is QuestionKind.DURATION
        else parse_percent(cleaned)
    )
    if value is None:
        return Interpretation(accepted=False)
    return Interpretation(accepted=True, parsed=value.model_dump(mode="json"))


def interviews_to_start(workshop: Workshop, interviews: Sequence[Interview]) -> list[Interview]:
    """The waiting interviews whose turn has come.

    All at once: every waiting interview. In turn: nothing while any interview is
    active; otherwise every waiting interview of the next role in path order.
    """
    waiting = [i for i in interviews if i.status is InterviewStatus.WAITING]
    if workshop.mode is InterviewMode.ALL_AT_ONCE:
        return waiting
    if any(i.status is InterviewStatus.ACTIVE for i in interviews):
        return []
    for role in workshop.role_order():
        of_role = [i for i in waiting if i.role_key == role.key]
        if of_role:
            return of_role
    return []


def all_finished(interviews: Sequence[Interview]) -> bool:
    return bool(interviews) and all(i.status.finished for i in interviews)
