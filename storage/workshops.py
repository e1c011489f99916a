"""Repository functions for workshops. They never commit and never return rows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from bot.workshop.core.errors import WorkshopAlreadyActive
from bot.workshop.core.model import (
    InterviewMode,
    Role,
    Stage,
    SummaryPosts,
    Workshop,
    WorkshopDetails,
    WorkshopPlan,
    WorkshopStatus,
)
from bot.workshop.core.transaction import Transaction
from storage.db import sql_session
from storage.tables import WorkshopRow


def _to_workshop(row: WorkshopRow) -> Workshop:
    return Workshop(
        id=row.id,
        team_id=row.team_id,
        enterprise_id=row.enterprise_id,
        channel_id=row.channel_id,
        facilitator_id=row.facilitator_id,
        title=row.title,
        mode=InterviewMode(row.mode),
        status=WorkshopStatus(row.status),
        stages=tuple(Stage.model_validate(stage) for stage in row.stages),
        roles=tuple(Role.model_validate(role) for role in row.roles),
        details=WorkshopDetails.model_validate(row.details or {}),
        created_at=row.created_at,
        closed_at=row.closed_at,
        announcement_ts=row.announcement_ts,
        summary_ts=row.summary_ts,
        summary_posts=SummaryPosts.model_validate(row.summary_posts) if row.summary_posts else None,
    )


async def create_workshop(session: Transaction, *, plan: WorkshopPlan, now: datetime) -> Workshop:
    sql = sql_session(session)
    row = WorkshopRow(
        team_id=plan.team_id,
        enterprise_id=plan.enterprise_id,
        channel_id=plan.channel_id,
        facilitator_id=plan.facilitator_id,
        title=plan.title,
        mode=plan.mode.value,
        status=WorkshopStatus.COLLECTING.value,
        stages=[stage.model_dump(mode="json") for stage in plan.stages],
        roles=[role.model_dump(mode="json") for role in plan.roles],
        details=plan.details.model_dump(mode="json"),
        created_at=now,
    )
    try:
        async with sql.begin_nested():
            sql.add(row)
    except IntegrityError:
        raise WorkshopAlreadyActive(channel_id=plan.channel_id) from None
    return _to_workshop(row)


async def get_workshop(session: Transaction, *, workshop_id: int) -> Workshop | None:
    sql = sql_session(session)
    row = await sql.get(WorkshopRow, workshop_id)
    return _to_workshop(row) if row is not None else None


async def lock_workshop(session: Transaction, *, workshop_id: int) -> Workshop | None:
    """Read a workshop and hold its row until the transaction ends (FOR UPDATE): what
    decides whether the workshop moves on or closes takes turns."""
    sql = sql_session(session)
    row = await sql.scalar(
        select(WorkshopRow)
        .where(WorkshopRow.id == workshop_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return _to_workshop(row) if row is not None else None


async def get_active_workshop(
    session: Transaction, *, team_id: str, channel_id: str
) -> Workshop | None:
    sql = sql_session(session)
    row = await sql.scalar(
        select(WorkshopRow).where(
            WorkshopRow.team_id == team_id,
            WorkshopRow.channel_id == channel_id,
            WorkshopRow.status == WorkshopStatus.COLLECTING.value,
        )
    )
    return _to_workshop(row) if row is not None else None


async def get_latest_workshop(
    session: Transaction, *, team_id: str | None = None, channel_id: str | None = None
) -> Workshop | None:
    sql = sql_session(session)
    query = select(WorkshopRow).order_by(WorkshopRow.created_at.desc(), WorkshopRow.id.desc())
    if team_id is not None:
        query = query.where(WorkshopRow.team_id == team_id)
    if channel_id is not None:
        query = query.where(WorkshopRow.channel_id == channel_id)
    row = await sql.scalar(query.limit(1))
    return _to_workshop(row) if row is not None else None


async def set_announcement_ts(session: Transaction, *, workshop_id: int, ts: str) -> None:
    sql = sql_session(session)
    await sql.execute(
        update(WorkshopRow).where(WorkshopRow.id == workshop_id).values(announcement_ts=ts)
    )


async def set_summary_ts(session: Transaction, *, workshop_id: int, ts: str) -> None:
    sql = sql_session(session)
    await sql.execute(
        update(WorkshopRow).where(WorkshopRow.id == workshop_id).values(summary_ts=ts)
    )


async def close_workshop(session: Transaction, *, workshop_id: int, now: datetime) -> bool:
    """Close a collecting workshop. False when it was no longer collecting."""
    sql = sql_session(session)
    result = await sql.execute(
        update(WorkshopRow)
        .where(
            WorkshopRow.id == workshop_id,
            WorkshopRow.status == WorkshopStatus.COLLECTING.value,
        )
        .values(status=WorkshopStatus.CLOSED.value, closed_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def set_summary_posts(session: Transaction, *, workshop_id: int, posts: SummaryPosts) -> None:
    sql = sql_session(session)
    await sql.execute(
        update(WorkshopRow)
        .where(WorkshopRow.id == workshop_id)
        .values(summary_ts=posts.parent_ts, summary_posts=posts.model_dump(mode="json"))
    )


async def cancel_workshop(session: Transaction, *, workshop_id: int, now: datetime) -> bool:
    sql = sql_session(session)
    result = await sql.execute(
        update(WorkshopRow)
        .where(
            WorkshopRow.id == workshop_id,
            WorkshopRow.status == WorkshopStatus.COLLECTING.value,
        )
        .values(status=WorkshopStatus.CANCELLED.value, closed_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def set_details(session: Transaction, *, workshop_id: int, details: WorkshopDetails) -> None:
    sql = sql_session(session)
    await sql.execute(
        update(WorkshopRow)
        .where(WorkshopRow.id == workshop_id)
        .values(details=details.model_dump(mode="json"))
    )


async def list_workshops_run_by(
    session: Transaction, *, team_id: str, user_id: str, limit: int = 10
) -> list[Workshop]:
    """Workshops this person facilitates (or co-facilitates), newest first."""
    sql = sql_session(session)
    rows = await sql.scalars(
        select(WorkshopRow)
        .where(WorkshopRow.team_id == team_id)
        .order_by(WorkshopRow.created_at.desc(), WorkshopRow.id.desc())
        .limit(200)
    )
    found = [_to_workshop(row) for row in rows]
    return [w for w in found if w.can_be_changed_by(user_id)][:limit]


async def list_collecting_workshops(
    session: Transaction, *, team_id: str | None = None, enterprise_id: str | None = None
) -> list[Workshop]:
    """The workshops collecting answers in ``team_id``, or in every team of the Enterprise
    Grid org ``enterprise_id``."""
    if (team_id is None) == (enterprise_id is None):
        raise ValueError("give team_id or enterprise_id")
    sql = sql_session(session)
    where = (
        WorkshopRow.team_id == team_id
        if team_id is not None
        else WorkshopRow.enterprise_id == enterprise_id
    )
    rows = await sql.scalars(
        select(WorkshopRow)
        .where(where, WorkshopRow.status == WorkshopStatus.COLLECTING.value)
        .order_by(WorkshopRow.id)
    )
    return [_to_workshop(row) for row in rows]
