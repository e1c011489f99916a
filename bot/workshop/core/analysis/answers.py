"""The workshop's answers, read once and placed on the path: who said what, about which
stage, to which question. Pure, no I/O; the measures over them are in
bot.workshop.core.analysis.metrics.

- Only answers of the interviews passed in count; of a question answered twice, the
  latest. A step's answer counts as the answers to its parts (bot.workshop.core.steps).
  Skipped, "don't know" and handed-on answers give nothing; nor does text.
- Durations become working days (`interview.working_days`: an unstated basis is working
  time, `hours_per_day` a day); a percentage counts as the middle of its range.
- A quote names the interview's role and whoever typed it (`answered_by`, else the
  interviewee); with anonymous quotes, not the role one person holds (no role: see
  bot.workshop.core.analysis.quotes). An "example" answer counts as an answer to the
  question it illustrates.
- `boundaries`: where the hand-offs are, by the Hand-offs rules in
  bot.workshop.core.analysis.metrics.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from statistics import median

from bot.workshop.core.analysis.model import Quote
from bot.workshop.core.analysis.question_finder import QuestionFinder
from bot.workshop.core.analysis.quotes import roles_quoted_anonymously
from bot.workshop.core.analysis.themes import is_complaint
from bot.workshop.core.interview import duration_of, is_substantive, percent_of, working_days
from bot.workshop.core.model import Answer, Interview, Stage, Workshop
from bot.workshop.core.questions import QuestionBank
from bot.workshop.core.steps import expand_answers


@dataclass(frozen=True)
class Said:
    """One substantive answer, placed: who, where, which question."""

    answer: Answer
    role_key: str
    base: str  # the question's key without the stage: "process_time", "pca_missing"
    quote: Quote
    rank: tuple[int, int, int]  # stage position (role-level last), role order, interview

    def days(self, hours_per_day: float) -> float | None:
        duration = duration_of(self.answer)
        return None if duration is None else working_days(duration, hours_per_day)

    def fraction(self) -> float | None:
        percent = percent_of(self.answer)
        return None if percent is None else percent.typical() / 100

    def complains(self) -> bool:
        return is_complaint(self.base, self.quote.text)


@dataclass(frozen=True)
class Boundary:
    """Two consecutive owned stages, the roles letting the work go and those taking it over."""

    sender: Stage
    receiver: Stage
    letting_go: tuple[str, ...]
    taking_over: tuple[str, ...]

    def from_receivers(
        self, s: Said, role_bases: frozenset[str], stage_bases: frozenset[str] | None = None
    ) -> bool:
        """Said by the roles taking over (role-level) or the receiving stage's owners."""
        if s.quote.stage is None:
            return s.role_key in self.taking_over and s.base in role_bases
        return (
            s.quote.stage == self.receiver.name
            and s.role_key in self.receiver.roles
            and (stage_bases is None or s.base in stage_bases)
        )


def median_of(values: Iterable[float | None]) -> float | None:
    found = [value for value in values if value is not None]
    return median(found) if found else None


class PathAnswers:
    """The workshop's answers, read once and placed on the path."""

    def __init__(
        self,
        workshop: Workshop,
        interviews: Sequence[Interview],
        answers: Sequence[Answer],
        bank: QuestionBank,
        hours_per_day: float,
    ) -> None:
        self.workshop, self.interviews, self.hours_per_day = workshop, interviews, hours_per_day
        self.names = {role.key: role.name for role in workshop.roles}
        by_id = {interview.id: interview for interview in interviews}
        latest: dict[tuple[int, str], Answer] = {}
        for answer in sorted(expand_answers(answers), key=lambda a: a.answered_at):
            if answer.interview_id in by_id:
                latest[answer.interview_id, answer.question_key] = answer
        stage_order = {stage.name: n for n, stage in enumerate(workshop.stages)}
        role_order = {role.key: n for n, role in enumerate(workshop.role_order())}
        unshown = roles_quoted_anonymously(interviews, named=workshop.details.named)
        questions = QuestionFinder(bank, workshop)
        said = []
        for (interview_id, key), answer in latest.items():
            if not is_substantive(answer):
                continue
            interview = by_id[interview_id]
            question = questions.find(interview.role_key, key)
            stage = question.stage if question else answer.stage
            core = (question.example_of or key) if question else key.removesuffix(".example")
            base = core.removeprefix(f"{stage}.") if stage else core
            quote = Quote(
                role=None if interview.role_key in unshown else self.joined([interview.role_key]),
                user_id=answer.answered_by or interview.user_id,
                stage=stage,
                label=question.template.label if question else base,
                text=answer.raw_text.strip(),
            )
            rank = (
                stage_order.get(stage or "", len(stage_order)),
                role_order.get(interview.role_key, len(role_order)),
                interview_id,
            )
            said.append(Said(answer, interview.role_key, base, quote, rank))
        self.said = sorted(said, key=lambda s: s.rank)

    def joined(self, keys: Iterable[str]) -> str:
        return " & ".join(self.names.get(key, key) for key in keys)

    def role_level(self, roles: Iterable[str] | None, *bases: str) -> list[Said]:
        """Answers not about a stage, to the questions `bases`, by `roles` (None: anyone)."""
        return [
            s
            for s in self.said
            if s.quote.stage is None and s.base in bases and (roles is None or s.role_key in roles)
        ]

    def median(self, roles: Iterable[str], question: str) -> float | None:
        """The median percentage (as 0..1) `roles` gave to a role-level question."""
        return median_of(s.fraction() for s in self.role_level(roles, question))

    def at_stage(self, stage: Stage, roles: Iterable[str], *bases: str) -> list[Said]:
        """Answers about `stage`, to the questions `bases`, by `roles`."""
        return [
            s
            for s in self.said
            if s.quote.stage == stage.name and s.base in bases and s.role_key in roles
        ]

    def receiving_pca(self, b: Boundary) -> float | None:
        """How usable the work is as it arrives at the boundary: the median %C&A the roles
        taking over (where none does, the receiving stage's owners) gave at that stage,
        else the one they gave for their whole part (as imports may still carry)."""
        receivers = b.taking_over or b.receiver.roles
        here = median_of(s.fraction() for s in self.at_stage(b.receiver, receivers, "receive_pca"))
        return here if here is not None else self.median(b.taking_over, "receive_pca")

    def boundaries(self) -> list[Boundary]:
        owned = [stage for stage in self.workshop.stages if stage.roles]
        return [
            Boundary(
                sender=before,
                receiver=after,
                letting_go=tuple(key for key in before.roles if key not in after.roles),
                taking_over=tuple(key for key in after.roles if key not in before.roles),
            )
            for before, after in pairwise(owned)
            if set(before.roles) != set(after.roles)
        ]
