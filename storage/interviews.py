"""Repository functions for interviews and their answers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import select, update

from bot.workshop.model import Answer, Assignment, Interview, InterviewStatus, WorkshopStatus
from storage.db import Session, insert_ignoring_duplicates
from storage.tables import AnswerRow, InterviewRow, WorkshopRow


def _to_interview(row: InterviewRow) -> Interview:
    return Interview(
        id=row.id,
        workshop_id=row.workshop_id,
        user_id=row.user_id,
        role_key=row.role_key,
        status=InterviewStatus(row.status),
        position=row.position,
        prompted_position=row.prompted_position,
        started_at=row.started_at,
        finished_at=row.finished_at,
        last_activity_at=row.last_activity_at,
    )


def _to_answer(row: AnswerRow) -> Answer:
    return Answer(
        interview_id=row.interview_id,
        question_key=row.question_key,
        stage=row.stage,
        raw_text=row.raw_text,
        parsed=row.parsed,
        answered_at=row.answered_at,
    )


async def create_interviews(
    session: Session, *, workshop_id: int, assignments: Iterable[Assignment]
) -> list[Interview]:
    """Create one waiting interview per assignment, in the order given."""
    rows = [
        InterviewRow(
            workshop_id=workshop_id,
            user_id=assignment.user_id,
            role_key=assignment.role_key,
            status=InterviewStatus.WAITING.value,
            position=0,
            prompted_position=-1,
        )
        for assignment in assignments
    ]
    session.add_all(rows)
    await session.flush()
    return [_to_interview(row) for row in rows]


async def list_interviews(session: Session, *, workshop_id: int) -> list[Interview]:
    rows = await session.scalars(
        select(InterviewRow)
        .where(InterviewRow.workshop_id == workshop_id)
        .order_by(InterviewRow.id)
    )
    return [_to_interview(row) for row in rows]


async def get_interview(session: Session, *, interview_id: int) -> Interview | None:
    row = await session.get(InterviewRow, interview_id)
    return _to_interview(row) if row is not None else None


async def list_active_interviews_of_user(
    session: Session, *, team_id: str, user_id: str
) -> list[Interview]:
    """The user's active interviews in collecting workshops, oldest workshop first."""
    rows = await session.scalars(
        select(InterviewRow)
        .join(WorkshopRow, WorkshopRow.id == InterviewRow.workshop_id)
        .where(
            WorkshopRow.team_id == team_id,
            WorkshopRow.status == WorkshopStatus.COLLECTING.value,
            InterviewRow.user_id == user_id,
            InterviewRow.status == InterviewStatus.ACTIVE.value,
        )
        .order_by(WorkshopRow.created_at, WorkshopRow.id, InterviewRow.id)
    )
    return [_to_interview(row) for row in rows]


async def is_participant(session: Session, *, team_id: str, user_id: str) -> bool:
    """Whether the user holds a role in any collecting workshop of the team."""
    found = await session.scalar(
        select(InterviewRow.id)
        .join(WorkshopRow, WorkshopRow.id == InterviewRow.workshop_id)
        .where(
            WorkshopRow.team_id == team_id,
            WorkshopRow.status == WorkshopStatus.COLLECTING.value,
            InterviewRow.user_id == user_id,
        )
        .limit(1)
    )
    return found is not None


async def activate_interviews(
    session: Session, *, interview_ids: Sequence[int], now: datetime
) -> None:
    if not interview_ids:
        return
    await session.execute(
        update(InterviewRow)
        .where(
            InterviewRow.id.in_(interview_ids),
            InterviewRow.status == InterviewStatus.WAITING.value,
        )
        .values(status=InterviewStatus.ACTIVE.value, started_at=now, last_activity_at=now)
    )


async def advance_interview(
    session: Session,
    *,
    interview_id: int,
    from_position: int,
    to_position: int,
    status: InterviewStatus,
    now: datetime,
) -> bool:
    """Move the interview on, only if nobody else moved it first (compare and set)."""
    values: dict[str, object] = {
        "position": to_position,
        "status": status.value,
        "last_activity_at": now,
    }
    if status.finished:
        values["finished_at"] = now
    result = await session.execute(
        update(InterviewRow)
        .where(
            InterviewRow.id == interview_id,
            InterviewRow.position == from_position,
            InterviewRow.status == InterviewStatus.ACTIVE.value,
        )
        .values(**values)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def mark_prompted(session: Session, *, interview_id: int, position: int) -> bool:
    """Claim the sending of the question at ``position``. False if it was claimed already."""
    result = await session.execute(
        update(InterviewRow)
        .where(InterviewRow.id == interview_id, InterviewRow.prompted_position < position)
        .values(prompted_position=position)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def unmark_prompted(session: Session, *, interview_id: int, position: int) -> None:
    """Give a claim back after the question could not be sent, so it is sent later."""
    await session.execute(
        update(InterviewRow)
        .where(InterviewRow.id == interview_id, InterviewRow.prompted_position == position)
        .values(prompted_position=position - 1)
    )


async def list_unprompted_interviews(session: Session) -> list[Interview]:
    """Active interviews whose current question has not been sent yet."""
    rows = await session.scalars(
        select(InterviewRow)
        .join(WorkshopRow, WorkshopRow.id == InterviewRow.workshop_id)
        .where(
            WorkshopRow.status == WorkshopStatus.COLLECTING.value,
            InterviewRow.status == InterviewStatus.ACTIVE.value,
            InterviewRow.prompted_position < InterviewRow.position,
        )
        .order_by(InterviewRow.id)
    )
    return [_to_interview(row) for row in rows]


async def save_answer(session: Session, *, answer: Answer) -> bool:
    """Store an answer once. False when that question already had an answer."""
    values = {
        "interview_id": answer.interview_id,
        "question_key": answer.question_key,
        "stage": answer.stage,
        "raw_text": answer.raw_text,
        "parsed": answer.parsed,
        "answered_at": answer.answered_at,
    }
    result = await session.execute(
        insert_ignoring_duplicates(session, AnswerRow, values).returning(AnswerRow.id)
    )
    return result.scalar() is not None


async def list_answers(session: Session, *, workshop_id: int) -> list[Answer]:
    rows = await session.scalars(
        select(AnswerRow)
        .join(InterviewRow, InterviewRow.id == AnswerRow.interview_id)
        .where(InterviewRow.workshop_id == workshop_id)
        .order_by(AnswerRow.id)
    )
    return [_to_answer(row) for row in rows]
