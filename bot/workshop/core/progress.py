"""How far a workshop has got, person by person: what /p2p status shows. Pure, no I/O."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.workshop.core.interview import interview_progress
from bot.workshop.core.model import Answer, Frozen, Interview, InterviewStatus, Workshop
from bot.workshop.core.questions import QuestionBank


class RoleProgress(Frozen):
    role: str
    user_id: str
    status: InterviewStatus
    answered: int
    total: int
    last_activity: datetime | None = None
    paused: bool = False


class WorkshopProgress(Frozen):
    workshop_id: int
    title: str
    channel_id: str
    progress: tuple[RoleProgress, ...]


def workshop_progress(
    workshop: Workshop,
    interviews: Sequence[Interview],
    answers: Sequence[Answer],
    bank: QuestionBank,
) -> WorkshopProgress:
    answers_of: dict[int, dict[str, Answer]] = {i.id: {} for i in interviews}
    for answer in answers:
        if answer.interview_id in answers_of:
            answers_of[answer.interview_id][answer.question_key] = answer
    progress = []
    for interview in interviews:
        counted = interview_progress(bank, workshop, interview.role_key, answers_of[interview.id])
        progress.append(
            RoleProgress(
                role=workshop.role(interview.role_key).name,
                user_id=interview.user_id,
                status=interview.status,
                answered=counted.answered,
                total=counted.expected,
                last_activity=interview.last_activity_at,
                paused=interview.paused,
            )
        )
    return WorkshopProgress(
        workshop_id=workshop.id,
        title=workshop.title,
        channel_id=workshop.channel_id,
        progress=tuple(progress),
    )
