"""Repository functions for interviews and their answers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import cast

from sqlalchemy import Table, bindparam, delete, or_, select, update

from bot.workshop.core.model import Answer, Assignment, Interview, InterviewStatus, WorkshopStatus
from bot.workshop.core.transaction import Transaction
from storage.db import insert_ignoring_duplicates, sql_session
from storage.tables import AnswerRow, InterviewRow, WorkshopRow

# Closed workshops still take late answers from interviews left active; cancelled ones don't.
ANSWERABLE = (WorkshopStatus.COLLECTING.value, WorkshopStatus.CLOSED.value)


def _to_interview(row: InterviewRow) -> Interview:
    return Interview(
        id=row.id,
        workshop_id=row.workshop_id,
        user_id=row.user_id,
        role_key=row.role_key,
        status=InterviewStatus(row.status),
        prompted_key=row.prompted_key,
        prompt_ts=row.prompt_ts,
        paused=row.paused,
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
        answered_by=row.answered_by,
    )


async def create_interviews(
    session: Transaction, *, workshop_id: int, assignments: Iterable[Assignment]
) -> list[Interview]:
    """Create one waiting interview per assignment, in the order given."""
    sql = sql_session(session)
    rows = [
        InterviewRow(
            workshop_id=workshop_id,
            user_id=assignment.user_id,
            role_key=assignment.role_key,
            status=InterviewStatus.WAITING.value,
        )
        for assignment in assignments
    ]
    sql.add_all(rows)
    await sql.flush()
    return [_to_interview(row) for row in rows]


async def list_interviews(session: Transaction, *, workshop_id: int) -> list[Interview]:
    sql = sql_session(session)
    rows = await sql.scalars(
        select(InterviewRow)
        .where(InterviewRow.workshop_id == workshop_id)
        .order_by(InterviewRow.id)
    )
    return [_to_interview(row) for row in rows]


async def get_interview(session: Transaction, *, interview_id: int) -> Interview | None:
    sql = sql_session(session)
    row = await sql.get(InterviewRow, interview_id)
    return _to_interview(row) if row is not None else None


async def lock_interview(session: Transaction, *, interview_id: int) -> Interview | None:
    """Read an interview and hold its row until the transaction ends (FOR UPDATE)."""
    sql = sql_session(session)
    row = await sql.scalar(
        select(InterviewRow)
        .where(InterviewRow.id == interview_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return _to_interview(row) if row is not None else None


async def lock_interviews(session: Transaction, *, interview_ids: Sequence[int]) -> list[Interview]:
    """``lock_interview`` for many at once, in id order (so that two transactions that lock
    overlapping sets wait for each other rather than deadlock)."""
    if not interview_ids:
        return []
    sql = sql_session(session)
    rows = await sql.scalars(
        select(InterviewRow)
        .where(InterviewRow.id.in_(interview_ids))
        .order_by(InterviewRow.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return [_to_interview(row) for row in rows]


async def list_active_interviews_of_user(
    session: Transaction, *, team_id: str, user_id: str
) -> list[Interview]:
    """The user's active interviews in collecting workshops, oldest workshop first."""
    sql = sql_session(session)
    rows = await sql.scalars(
        select(InterviewRow)
        .join(WorkshopRow, WorkshopRow.id == InterviewRow.workshop_id)
        .where(
            WorkshopRow.team_id == team_id,
            WorkshopRow.status.in_(ANSWERABLE),
            InterviewRow.user_id == user_id,
            InterviewRow.status == InterviewStatus.ACTIVE.value,
        )
        .order_by(WorkshopRow.created_at, WorkshopRow.id, InterviewRow.id)
    )
    return [_to_interview(row) for row in rows]


async def list_interviews_of_user(
    session: Transaction, *, team_id: str, user_id: str
) -> list[Interview]:
    """Every interview of the user in the team, newest workshop first."""
    sql = sql_session(session)
    rows = await sql.scalars(
        select(InterviewRow)
        .join(WorkshopRow, WorkshopRow.id == InterviewRow.workshop_id)
        .where(WorkshopRow.team_id == team_id, InterviewRow.user_id == user_id)
        .order_by(WorkshopRow.created_at.desc(), WorkshopRow.id.desc(), InterviewRow.id)
    )
    return [_to_interview(row) for row in rows]


async def is_participant(session: Transaction, *, team_id: str, user_id: str) -> bool:
    """Whether the user holds a role in any collecting workshop of the team."""
    sql = sql_session(session)
    found = await sql.scalar(
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
    session: Transaction, *, interview_ids: Sequence[int], now: datetime
) -> None:
    sql = sql_session(session)
    if not interview_ids:
        return
    await sql.execute(
        update(InterviewRow)
        .where(
            InterviewRow.id.in_(interview_ids),
            InterviewRow.status == InterviewStatus.WAITING.value,
        )
        .values(status=InterviewStatus.ACTIVE.value, started_at=now, last_activity_at=now)
    )


async def finish_interview(
    session: Transaction, *, interview_id: int, status: InterviewStatus, now: datetime
) -> bool:
    """Mark an active interview done or skipped. False if it was not active any more."""
    sql = sql_session(session)
    result = await sql.execute(
        update(InterviewRow)
        .where(
            InterviewRow.id == interview_id,
            InterviewRow.status == InterviewStatus.ACTIVE.value,
        )
        .values(status=status.value, finished_at=now, last_activity_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def touch_interview(session: Transaction, *, interview_id: int, now: datetime) -> None:
    sql = sql_session(session)
    await sql.execute(
        update(InterviewRow).where(InterviewRow.id == interview_id).values(last_activity_at=now)
    )


async def set_paused(
    session: Transaction, *, interview_id: int, paused: bool, now: datetime
) -> bool:
    """Pause or resume. False when it already was."""
    sql = sql_session(session)
    result = await sql.execute(
        update(InterviewRow)
        .where(InterviewRow.id == interview_id, InterviewRow.paused.is_(not paused))
        .values(paused=paused, last_activity_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def claim_prompt(session: Transaction, *, interview_id: int, key: str) -> bool:
    """Claim the sending of question ``key``. False if it was already sent or claimed."""
    sql = sql_session(session)
    result = await sql.execute(
        update(InterviewRow)
        .where(
            InterviewRow.id == interview_id,
            or_(InterviewRow.prompted_key.is_(None), InterviewRow.prompted_key != key),
        )
        .values(prompted_key=key, prompt_ts=None)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def release_prompt(
    session: Transaction, *, interview_id: int, key: str, previous: str | None
) -> None:
    """Give a claim back after the question could not be sent, so it is sent later."""
    sql = sql_session(session)
    await sql.execute(
        update(InterviewRow)
        .where(InterviewRow.id == interview_id, InterviewRow.prompted_key == key)
        .values(prompted_key=previous)
    )


async def set_prompt_ts(session: Transaction, *, interview_id: int, key: str, ts: str) -> None:
    await set_prompt_tss(session, sent=[(interview_id, key, ts)])


async def set_prompt_tss(session: Transaction, *, sent: Sequence[tuple[int, str, str]]) -> None:
    """Where each question went: (interview id, question key, message ts), in one
    statement executed for each, unless the interview has since claimed another."""
    if not sent:
        return
    table = cast(Table, InterviewRow.__table__)
    sql = sql_session(session)
    await sql.execute(
        update(table)
        .where(table.c.id == bindparam("sent_id"), table.c.prompted_key == bindparam("sent_key"))
        .values(prompt_ts=bindparam("sent_ts")),
        [{"sent_id": i, "sent_key": key, "sent_ts": ts} for i, key, ts in sent],
    )


async def list_resumable_interviews(session: Transaction) -> list[Interview]:
    """Active, unpaused interviews of collecting workshops."""
    sql = sql_session(session)
    rows = await sql.scalars(
        select(InterviewRow)
        .join(WorkshopRow, WorkshopRow.id == InterviewRow.workshop_id)
        .where(
            WorkshopRow.status.in_(ANSWERABLE),
            InterviewRow.status == InterviewStatus.ACTIVE.value,
            InterviewRow.paused.is_(False),
        )
        .order_by(InterviewRow.id)
    )
    return [_to_interview(row) for row in rows]


async def save_answer(session: Transaction, *, answer: Answer) -> bool:
    """Store an answer once. False when that question already had an answer."""
    sql = sql_session(session)
    values = {
        "interview_id": answer.interview_id,
        "question_key": answer.question_key,
        "stage": answer.stage,
        "raw_text": answer.raw_text,
        "parsed": answer.parsed,
        "answered_at": answer.answered_at,
        "answered_by": answer.answered_by,
    }
    result = await sql.execute(
        insert_ignoring_duplicates(sql, AnswerRow, values).returning(AnswerRow.id)
    )
    return result.scalar() is not None


_ANSWER_COLUMNS = (
    AnswerRow.interview_id,
    AnswerRow.question_key,
    AnswerRow.stage,
    AnswerRow.raw_text,
    AnswerRow.parsed,
    AnswerRow.answered_at,
    AnswerRow.answered_by,
)


async def list_answers(session: Transaction, *, workshop_id: int) -> list[Answer]:
    """Every answer of the workshop's interviews, in the order stored: one query.

    Plain columns, not ORM objects: a workshop of a thousand people has tens of thousands
    of answers, and the session need not track any of them.
    """
    sql = sql_session(session)
    rows = await sql.execute(
        select(*_ANSWER_COLUMNS)
        .join(InterviewRow, InterviewRow.id == AnswerRow.interview_id)
        .where(InterviewRow.workshop_id == workshop_id)
        .order_by(AnswerRow.id)
    )
    return [
        Answer(
            interview_id=row.interview_id,
            question_key=row.question_key,
            stage=row.stage,
            raw_text=row.raw_text,
            parsed=row.parsed,
            answered_at=row.answered_at,
            answered_by=row.answered_by,
        )
        for row in rows
    ]


async def list_answers_of_interview(
    session: Transaction, *, interview_id: int
) -> dict[str, Answer]:
    found = await list_answers_of_interviews(session, interview_ids=[interview_id])
    return found.get(interview_id, {})


async def list_answers_of_interviews(
    session: Transaction, *, interview_ids: Sequence[int]
) -> dict[int, dict[str, Answer]]:
    """Each interview's answers by question key, in one query; an interview without
    answers is left out."""
    if not interview_ids:
        return {}
    sql = sql_session(session)
    rows = await sql.scalars(
        select(AnswerRow).where(AnswerRow.interview_id.in_(interview_ids)).order_by(AnswerRow.id)
    )
    found: dict[int, dict[str, Answer]] = {}
    for row in rows:
        found.setdefault(row.interview_id, {})[row.question_key] = _to_answer(row)
    return found


async def replace_answer(session: Transaction, *, answer: Answer) -> bool:
    """Change a stored answer (an edit, or somebody else answering). False if none was stored."""
    sql = sql_session(session)
    result = await sql.execute(
        update(AnswerRow)
        .where(
            AnswerRow.interview_id == answer.interview_id,
            AnswerRow.question_key == answer.question_key,
        )
        .values(
            raw_text=answer.raw_text,
            parsed=answer.parsed,
            answered_at=answer.answered_at,
            answered_by=answer.answered_by,
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def delete_answer(session: Transaction, *, interview_id: int, question_key: str) -> bool:
    """Remove a stored answer (withdrawn). False if none was stored."""
    sql = sql_session(session)
    result = await sql.execute(
        delete(AnswerRow).where(
            AnswerRow.interview_id == interview_id, AnswerRow.question_key == question_key
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def skip_unfinished(
    session: Transaction,
    *,
    workshop_id: int,
    now: datetime,
    role_key: str | None = None,
    statuses: Sequence[InterviewStatus] = (InterviewStatus.WAITING, InterviewStatus.ACTIVE),
) -> list[Interview]:
    """Mark unfinished interviews skipped (of one role, or all); returns those changed."""
    sql = sql_session(session)
    query = select(InterviewRow).where(
        InterviewRow.workshop_id == workshop_id,
        InterviewRow.status.in_([s.value for s in statuses]),
    )
    if role_key is not None:
        query = query.where(InterviewRow.role_key == role_key)
    rows = list(await sql.scalars(query.order_by(InterviewRow.id).with_for_update()))
    for row in rows:
        row.status = InterviewStatus.SKIPPED.value
        row.finished_at = now
    await sql.flush()
    return [_to_interview(row) for row in rows]


async def forget_user(
    session: Transaction, *, team_id: str, user_id: str, now: datetime
) -> list[int]:
    """Delete a person's answers in the team, those they gave on a colleague's behalf
    included, and skip their unfinished interviews.

    Returns the ids of the workshops concerned.
    """
    sql = sql_session(session)
    rows = list(
        await sql.scalars(
            select(InterviewRow)
            .join(WorkshopRow, WorkshopRow.id == InterviewRow.workshop_id)
            .where(WorkshopRow.team_id == team_id, InterviewRow.user_id == user_id)
            .with_for_update()
        )
    )
    on_behalf = (
        select(AnswerRow.id, InterviewRow.workshop_id)
        .join(InterviewRow, InterviewRow.id == AnswerRow.interview_id)
        .join(WorkshopRow, WorkshopRow.id == InterviewRow.workshop_id)
        .where(WorkshopRow.team_id == team_id, AnswerRow.answered_by == user_id)
    )
    given_for_others = list(await sql.execute(on_behalf))
    if not rows and not given_for_others:
        return []
    await sql.execute(delete(AnswerRow).where(AnswerRow.interview_id.in_([r.id for r in rows])))
    await sql.execute(delete(AnswerRow).where(AnswerRow.id.in_([a.id for a in given_for_others])))
    for row in rows:
        if not InterviewStatus(row.status).finished:
            row.status = InterviewStatus.SKIPPED.value
            row.finished_at = now
    await sql.flush()
    return sorted({row.workshop_id for row in rows} | {a.workshop_id for a in given_for_others})


async def skip_interview(session: Transaction, *, interview_id: int, now: datetime) -> bool:
    sql = sql_session(session)
    result = await sql.execute(
        update(InterviewRow)
        .where(
            InterviewRow.id == interview_id,
            InterviewRow.status.in_([InterviewStatus.WAITING.value, InterviewStatus.ACTIVE.value]),
        )
        .values(status=InterviewStatus.SKIPPED.value, finished_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
