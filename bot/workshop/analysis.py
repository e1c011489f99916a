"""The assembled path: answers gathered stage by stage. Pure, no I/O."""

from __future__ import annotations

from collections.abc import Sequence

from bot.workshop.model import Answer, Frozen, Interview, InterviewStatus, Workshop
from bot.workshop.questions import QuestionBank, QuestionSection


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
    answered: dict[int, int] = {}
    stage_quotes: dict[str, list[Quote]] = {stage.name: [] for stage in workshop.stages}
    notes: list[Quote] = []
    for answer in answers:
        interview = by_interview.get(answer.interview_id)
        if interview is None:
            continue
        answered[interview.id] = answered.get(interview.id, 0) + 1
        if answer.parsed and answer.parsed.get("skipped"):
            continue
        questions = {q.key: q for q in bank.questions_for(workshop, interview.role_key)}
        question = questions.get(answer.question_key)
        if question is None:
            continue
        quote = Quote(
            label=question.template.label,
            text=answer.raw_text,
            role=workshop.role(interview.role_key).name,
            user_id=interview.user_id,
        )
        if question.section is QuestionSection.STAGE and question.stage in stage_quotes:
            stage_quotes[question.stage].append(quote)
        else:
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
    progress = tuple(
        RoleProgress(
            role=workshop.role(i.role_key).name,
            user_id=i.user_id,
            status=i.status,
            answered=answered.get(i.id, 0),
            total=len(bank.questions_for(workshop, i.role_key)),
        )
        for i in interviews
    )
    return Summary(
        workshop_id=workshop.id,
        title=workshop.title,
        channel_id=workshop.channel_id,
        stages=stages,
        role_notes=tuple(notes),
        progress=progress,
    )
