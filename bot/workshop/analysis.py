"""The assembled path: answers gathered stage by stage. Pure, no I/O."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.workshop.interview import interview_progress, is_substantive
from bot.workshop.model import Answer, Frozen, Interview, InterviewStatus, Workshop
from bot.workshop.questions import QuestionBank


class Quote(Frozen):
    """One answer as the summary shows it."""

    label: str
    text: str
    role: str
    user_id: str


class StageView(Frozen):
    position: int  # 1-based
    name: str
    roles: tuple[str, ...]  # role names
    quotes: tuple[Quote, ...]


class RoleProgress(Frozen):
    role: str
    user_id: str
    status: InterviewStatus
    answered: int
    total: int
    last_activity: datetime | None = None
    paused: bool = False


class Summary(Frozen):
    workshop_id: int
    title: str
    channel_id: str
    stages: tuple[StageView, ...]
    role_notes: tuple[Quote, ...]  # hand-overs and closing answers
    progress: tuple[RoleProgress, ...]

    @property
    def roles_done(self) -> int:
        return sum(1 for p in self.progress if p.status is InterviewStatus.DONE)

    @property
    def complete(self) -> bool:
        return all(p.status.finished for p in self.progress)


def build_summary(
    workshop: Workshop,
    interviews: Sequence[Interview],
    answers: Sequence[Answer],
    bank: QuestionBank,
) -> Summary:
    by_interview = {i.id: i for i in interviews}
    answers_of: dict[int, dict[str, Answer]] = {i.id: {} for i in interviews}
    stage_quotes: dict[str, list[Quote]] = {stage.name: [] for stage in workshop.stages}
    notes: list[Quote] = []
    for answer in answers:
        interview = by_interview.get(answer.interview_id)
        if interview is None:
            continue
        answers_of[interview.id][answer.question_key] = answer
        if not is_substantive(answer) and (answer.parsed or {}).get("kind") != "unknown":
            continue
        question = bank.find(workshop, interview.role_key, answer.question_key)
        if question is None:
            continue
        quote = Quote(
            label=question.template.label,
            text=answer.raw_text,
            role=workshop.role(interview.role_key).name,
            user_id=interview.user_id,
        )
        if question.stage in stage_quotes:
            if question.base_key in bank.summary.stage:
                stage_quotes[question.stage].append(quote)
        elif question.base_key in bank.summary.notes:
            notes.append(quote)
    stages = tuple(
        StageView(
            position=index,
            name=stage.name,
            roles=tuple(workshop.role(key).name for key in stage.roles),
            quotes=tuple(stage_quotes[stage.name]),
        )
        for index, stage in enumerate(workshop.stages, start=1)
    )
    progress = []
    for i in interviews:
        counted = interview_progress(bank, workshop, i.role_key, answers_of[i.id])
        progress.append(
            RoleProgress(
                role=workshop.role(i.role_key).name,
                user_id=i.user_id,
                status=i.status,
                answered=counted.answered,
                total=counted.expected,
                last_activity=i.last_activity_at,
                paused=i.paused,
            )
        )
    return Summary(
        workshop_id=workshop.id,
        title=workshop.title,
        channel_id=workshop.channel_id,
        stages=stages,
        role_notes=tuple(notes),
        progress=tuple(progress),
    )
