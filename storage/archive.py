"""Repository functions for bringing in a whole workshop with the state it had elsewhere.

Reading one back needs nothing new: `workshops.get_workshop`, `interviews.list_interviews`
and `interviews.list_answers`. Writing answers uses `interviews.save_answer`. They never
commit and never return rows.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from bot.workshop.core.errors import WorkshopAlreadyActive
from bot.workshop.core.model import Interview, Workshop, WorkshopPlan, WorkshopStatus
from bot.workshop.core.transaction import Transaction
from storage.db import sql_session
from storage.tables import InterviewRow, WorkshopRow
from storage.workshops import get_workshop


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


async def restore_interview(session: Transaction, *, interview: Interview) -> bool:
    """Give a stored interview the state it had elsewhere. False if there is no such one."""
    sql = sql_session(session)
    result = await sql.execute(
        update(InterviewRow)
        .where(InterviewRow.id == interview.id)
        .values(
            status=interview.status.value,
            prompted_key=interview.prompted_key,
            prompt_ts=interview.prompt_ts,
            paused=interview.paused,
            started_at=interview.started_at,
            finished_at=interview.finished_at,
            last_activity_at=interview.last_activity_at,
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
