"""Repository functions for bringing in a whole workshop with the state it had elsewhere.

Reading one back needs nothing new: `workshops.get_workshop`, `interviews.list_interviews`
and `interviews.list_answers`. Interviews and answers go in a few statements, whatever the
number of people (an INSERT executed for many rows at once, executemany). They never
commit and never return rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, insert, select
from sqlalchemy.exc import IntegrityError

from bot.workshop.core.errors import WorkshopAlreadyActive
from bot.workshop.core.model import Answer, Interview, Workshop, WorkshopPlan, WorkshopStatus
from bot.workshop.core.transaction import Transaction
from storage.db import sql_session
from storage.tables import AnswerRow, Base, InterviewRow, WorkshopRow
from storage.workshops import get_workshop


def _table(entity: type[Base]) -> Table:
    """The entity's table, to INSERT many rows in one executemany: through the ORM, SQLite
    would be sent one statement a row."""
    return Base.metadata.tables[entity.__tablename__]


async def insert_workshop(
    session: Transaction,
    *,
    plan: WorkshopPlan,
    status: WorkshopStatus,
    created_at: datetime,
    closed_at: datetime | None,
) -> Workshop:
    """Store a workshop as it was: its status and times, not the ones a new one gets.

    Raises `WorkshopAlreadyActive` when it is collecting answers and its channel already has
    a workshop that is.
    """
    sql = sql_session(session)
    row = WorkshopRow(
        team_id=plan.team_id,
        channel_id=plan.channel_id,
        facilitator_id=plan.facilitator_id,
        title=plan.title,
        mode=plan.mode.value,
        status=status.value,
        stages=[stage.model_dump(mode="json") for stage in plan.stages],
        roles=[role.model_dump(mode="json") for role in plan.roles],
        details=plan.details.model_dump(mode="json"),
        created_at=created_at,
        closed_at=closed_at,
    )
    try:
        async with sql.begin_nested():
            sql.add(row)
    except IntegrityError:
        raise WorkshopAlreadyActive(channel_id=plan.channel_id) from None
    workshop = await get_workshop(session, workshop_id=row.id)
    assert workshop is not None
    return workshop


async def insert_interviews(
    session: Transaction, *, workshop_id: int, interviews: Sequence[Interview]
) -> list[Interview]:
    """Store interviews of a workshop just inserted, with the state they had elsewhere, in
    one statement; returns them with their new ids, in the order given (their ``id`` and
    ``workshop_id`` are not read)."""
    if not interviews:
        return []
    sql = sql_session(session)
    rows: list[dict[str, Any]] = [
        {
            "workshop_id": workshop_id,
            "user_id": interview.user_id,
            "role_key": interview.role_key,
            "status": interview.status.value,
            "prompted_key": interview.prompted_key,
            "prompt_ts": interview.prompt_ts,
            "paused": interview.paused,
            "started_at": interview.started_at,
            "finished_at": interview.finished_at,
            "last_activity_at": interview.last_activity_at,
        }
        for interview in interviews
    ]
    await sql.execute(insert(_table(InterviewRow)), rows)
    # (workshop, person, role) is unique: it tells which new id is whose.
    ids = {
        (row.user_id, row.role_key): row.id
        for row in await sql.execute(
            select(InterviewRow.id, InterviewRow.user_id, InterviewRow.role_key).where(
                InterviewRow.workshop_id == workshop_id
            )
        )
    }
    return [
        interview.model_copy(
            update={
                "id": ids[interview.user_id, interview.role_key],
                "workshop_id": workshop_id,
            }
        )
        for interview in interviews
    ]


async def insert_answers(session: Transaction, *, answers: Sequence[Answer]) -> int:
    """Store the answers of new interviews, in one statement; returns how many.

    Unlike `interviews.save_answer` this does not skip an answer already stored: it is for
    interviews just created, and two answers to one question fail the transaction.
    """
    if not answers:
        return 0
    sql = sql_session(session)
    rows: list[dict[str, Any]] = [
        {
            "interview_id": answer.interview_id,
            "question_key": answer.question_key,
            "stage": answer.stage,
            "raw_text": answer.raw_text,
            "parsed": answer.parsed,
            "answered_at": answer.answered_at,
            "answered_by": answer.answered_by,
        }
        for answer in answers
    ]
    await sql.execute(insert(_table(AnswerRow)), rows)
    return len(rows)
