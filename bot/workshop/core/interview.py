"""The interview's pure rules: whose turn it is, what to ask next, what a reply means."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from bot.workshop.core.durations import DurationRange, PercentRange, TimeBasis
from bot.workshop.core.model import (
    Answer,
    Frozen,
    Interview,
    InterviewMode,
    InterviewStatus,
    Workshop,
)
from bot.workshop.core.questions import FollowUp, Question, QuestionBank, QuestionKind
from bot.workshop.core.steps import Interpretation, expanded_by_key, interpret_step, is_done

# Short answers that are complete as they are, not vague.
COMPLETE_SHORT_ANSWERS = frozenset(
    {"yes", "no", "none", "nothing", "n/a", "na", "nobody", "same", "correct", "yep",
     "nope", "ok", "never", "always"}
)  # fmt: skip


def interpret_answer(question: Question, text: str) -> Interpretation:
    """What a reply to this question means; for a step, the parts it fills
    (bot.workshop.core.steps: interpret_text, interpret_step)."""
    return interpret_step(question, text, None)


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


def names_something(text: str, signal_words: Sequence[str] = ()) -> bool:
    """Whether an answer already names a concrete thing: a number, a name or an acronym
    (a capital past the first word), or a word a follow-up listens for."""
    words = text.split()
    return (
        any(ch.isdigit() for ch in text)
        or any(w[:1].isupper() for w in words[1:])
        or (len(words) == 1 and len(words[0]) > 1 and words[0].isupper())
        or _mentions(signal_words, [text])
    )


def is_vague(answer: Answer, max_words: int, signal_words: Sequence[str] = ()) -> bool:
    if not is_substantive(answer) or answer.parsed:
        return False
    text = answer.raw_text.strip().casefold().rstrip(".!")
    return (
        text not in COMPLETE_SHORT_ANSWERS
        and len(text.split()) <= max_words
        and not names_something(answer.raw_text.strip(), signal_words)
    )


def _mentions(words: Sequence[str], texts: Sequence[str]) -> bool:
    """Any of the words in the texts, as a whole word; plurals count ("approvals")."""
    haystack = " ".join(texts).casefold()
    return any(
        re.search(rf"(?<![a-z]){re.escape(w.casefold())}(?:s|es)?(?![a-z])", haystack)
        for w in words
    )


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


def probe_after(
    bank: QuestionBank, question: Question, answers: Mapping[str, Answer]
) -> Question | None:
    """The one follow-up a done step earns, if any: the first in the bank's order whose
    condition holds, else "can you give an example?" for a vague answer to its last text
    part that names nothing concrete. `answers` hold the parts under their own keys."""
    answer = answers.get(question.key)
    if answer is None or question.is_followup or not is_substantive(answer):
        return None
    for followup in bank.followups_after(question):
        assert isinstance(followup.template, FollowUp)
        if followup_applies(followup.template, question.stage, answers, question.key):
            return followup
    part = bank.vague_part(question)
    said = answers.get(part.key) if part is not None else None
    if said is None and not question.is_step and question.kind is QuestionKind.TEXT:
        said = answer
    if said is not None and is_vague(said, bank.vague_answer_words, bank.signal_words()):
        return bank.example_for(question)
    return None


def probes_after(
    bank: QuestionBank, question: Question, answers: Mapping[str, Answer]
) -> list[Question]:
    """The follow-up an answered step earns, as a list (at most one)."""
    probe = probe_after(bank, question, expanded_by_key(answers))
    return [probe] if probe is not None else []


class Progress(Frozen):
    next: Question | None
    answered: int  # steps done
    expected: int  # the role's steps; follow-ups are extras on top, never counted

    @property
    def is_extra(self) -> bool:
        return self.next is not None and self.next.is_followup


def interview_progress(
    bank: QuestionBank, workshop: Workshop, role_key: str, answers: Mapping[str, Answer]
) -> Progress:
    """Walk the role's steps: the first one not done is next, and a follow-up a done step
    earns comes straight after it (one a stage, `max_followups` a person)."""
    expanded = expanded_by_key(answers)
    next_question: Question | None = None
    done = 0
    probes = 0
    steps = bank.questions_for(workshop, role_key)
    for step in steps:
        if not is_done(step, answers.get(step.key)):
            next_question = next_question or step
            continue
        done += 1
        if probes >= bank.max_followups:
            continue
        probe = probe_after(bank, step, expanded)
        if probe is not None:
            probes += 1
            if probe.key not in answers:
                next_question = next_question or probe
    return Progress(next=next_question, answered=done, expected=len(steps))


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
