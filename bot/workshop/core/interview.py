"""The interview's pure rules: whose turn it is, what to ask next, what a reply means."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from bot.workshop.core.durations import (
    DurationRange,
    PercentRange,
    TimeBasis,
    parse_duration,
    parse_percent,
)
from bot.workshop.core.model import (
    Answer,
    Frozen,
    Interview,
    InterviewMode,
    InterviewStatus,
    Workshop,
)
from bot.workshop.core.questions import FollowUp, Question, QuestionBank, QuestionKind

SKIP_WORDS = frozenset({"skip", "pass", "next", "skip it", "skip this", "skip this one"})
# Short answers that are complete as they are, not vague.
COMPLETE_SHORT_ANSWERS = frozenset(
    {"yes", "no", "none", "nothing", "n/a", "na", "nobody", "same", "correct", "yes.", "yep",
     "nope", "ok", "never", "always"}
)  # fmt: skip


class Interpretation(Frozen):
    """What a typed reply means for the question it answers."""

    accepted: bool
    parsed: dict[str, Any] | None = None


def interpret_answer(question: Question, text: str) -> Interpretation:
    """What a reply to this question means (see interpret_text)."""
    return interpret_text(question.kind, text)


def interpret_text(kind: QuestionKind, text: str) -> Interpretation:
    """Accept a reply, parsing durations and percentages; refuse what cannot be read.

    Nothing is guessed: a duration or percentage that does not parse is refused so the
    person can be asked again with examples.
    """
    cleaned = text.strip()
    if not cleaned:
        return Interpretation(accepted=False)
    if cleaned.casefold().rstrip(".!") in SKIP_WORDS:
        return Interpretation(accepted=True, parsed={"skipped": True})
    if kind is QuestionKind.TEXT:
        return Interpretation(accepted=True)
    value: BaseModel | None = (
        parse_duration(cleaned) if kind is QuestionKind.DURATION else parse_percent(cleaned)
    )
    if value is None:
        return Interpretation(accepted=False)
    return Interpretation(accepted=True, parsed=value.model_dump(mode="json"))


def duration_of(answer: Answer | None) -> DurationRange | None:
    if answer is None or not answer.parsed or answer.parsed.get("kind") != "duration":
        return None
    return DurationRange.model_validate(answer.parsed)


def percent_of(answer: Answer | None) -> PercentRange | None:
    if answer is None or not answer.parsed or answer.parsed.get("kind") != "percent":
        return None
    return PercentRange.model_validate(answer.parsed)


def working_days(duration: DurationRange, hours_per_day: float = 8) -> float:
    """Typical working days; an unstated basis counts as working time."""
    if not duration.basis_stated:
        duration = duration.model_copy(update={"basis": TimeBasis.WORKING})
    return duration.typical_days(hours_per_day)


def is_substantive(answer: Answer) -> bool:
    """A real answer: not skipped, not "don't know", not handed to somebody else."""
    parsed = answer.parsed or {}
    return not (
        parsed.get("skipped") or parsed.get("kind") == "unknown" or parsed.get("delegated_to")
    )


def is_vague(answer: Answer, max_words: int) -> bool:
    if not is_substantive(answer) or answer.parsed:
        return False
    text = answer.raw_text.strip().casefold()
    return text not in COMPLETE_SHORT_ANSWERS and len(text.split()) <= max_words


def _mentions(words: Sequence[str], texts: Sequence[str]) -> bool:
    haystack = " ".join(texts).casefold()
    return any(re.search(rf"(?<![a-z]){re.escape(w.casefold())}(?![a-z])", haystack) for w in words)


def followup_applies(
    followup: FollowUp, stage: str | None, answers: Mapping[str, Answer], after_key: str
) -> bool:
    def get(name: str) -> Answer | None:
        return answers.get(f"{stage}.{name}" if stage else name)

    if followup.ratio is not None:
        over, under = duration_of(get(followup.ratio.over)), duration_of(get(followup.ratio.under))
        if over is None or under is None:
            return False
        over_days, under_days = working_days(over), working_days(under)
        return over_days > 0 and over_days >= followup.ratio.at_least * under_days
    if followup.below is not None:
        value = percent_of(get(followup.below.question))
        return value is not None and value.typical() < followup.below.percent
    if followup.above is not None:
        value = percent_of(get(followup.above.question))
        return value is not None and value.typical() > followup.above.percent
    if stage:
        texts = [
            a.raw_text
            for k, a in answers.items()
            if k.startswith(f"{stage}.") and is_substantive(a)
        ]
    else:
        texts = [answers[after_key].raw_text] if after_key in answers else []
    return _mentions(followup.mentions, texts)


def probes_after(
    bank: QuestionBank, question: Question, answers: Mapping[str, Answer]
) -> list[Question]:
    """The follow-ups an answered question earns, in the order they are asked."""
    answer = answers.get(question.key)
    if answer is None or question.example_of is not None or not is_substantive(answer):
        return []
    probes: list[Question] = []
    if question.kind is QuestionKind.TEXT and is_vague(answer, bank.vague_answer_words):
        probes.append(bank.example_for(question))
    for followup in bank.followups_after(question):
        assert isinstance(followup.template, FollowUp)
        if followup_applies(followup.template, question.stage, answers, question.key):
            probes.append(followup)
    return probes


class Progress(Frozen):
    next: Question | None
    answered: int
    expected: int  # the questions asked so far plus those still to come


def interview_progress(
    bank: QuestionBank, workshop: Workshop, role_key: str, answers: Mapping[str, Answer]
) -> Progress:
    """Walk the role's questions: the first unanswered one is next."""
    next_question: Question | None = None
    expected = 0
    for question in bank.questions_for(workshop, role_key):
        expected += 1
        if question.key not in answers:
            next_question = next_question or question
            continue
        for probe in probes_after(bank, question, answers):
            expected += 1
            if probe.key not in answers:
                next_question = next_question or probe
    return Progress(next=next_question, answered=len(answers), expected=expected)


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
