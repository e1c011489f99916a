"""Repository functions for scheduled jobs: reminders and deadlines, due at UTC times.

Several processes may share one database. A job is claimed for a while (a lease) by
``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite has no row locks, but every
SQLite transaction here begins IMMEDIATE (storage.db), so claims simply take turns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, or_, select, update

from bot.workshop.core.model import Interview, InterviewMode, InterviewStatus, WorkshopStatus
from bot.workshop.core.schedule import Job, JobKind, JobState, NewJob
from bot.workshop.core.transaction import Transaction
from storage.db import insert_ignoring_duplicates, sql_session
from storage.interviews import get_interview, list_interviews
from storage.tables import InterviewRow, JobRow, WorkshopRow

_UNCLAIMED: dict[str, Any] = {"claim_token": None, "claimed_until": None}


def _to_job(row: JobRow) -> Job:
    return Job(
        id=row.id,
        key=row.key,
        kind=JobKind(row.kind),
        workshop_id=row.workshop_id,
        user_id=row.user_id,
        interview_id=row.interview_id,
        role_key=row.role_key,
        state=JobState(row.state),
        due_at=row.due_at,
        anchor_at=row.anchor_at,
        count=row.count,
        zone=row.zone,
        attempts=row.attempts,
        outcome=row.outcome,
        claim_token=row.claim_token,
        claimed_until=row.claimed_until,
        created_at=row.created_at,
        finished_at=row.finished_at,
    )


async def schedule_jobs(session: Transaction, *, jobs: Sequence[NewJob], now: datetime) -> int:
    """Add jobs whose key is new; a key already scheduled is left as it is."""
    sql = sql_session(session)
    added = 0
    for job in jobs:
        values = {**job.model_dump(), "state": JobState.PENDING.value, "created_at": now}
        values["kind"] = job.kind.value
        statement = insert_ignoring_duplicates(sql, JobRow, values).returning(JobRow.id)
        added += (await sql.execute(statement)).scalar() is not None
    return added


async def claim_due_jobs(
    session: Transaction, *, now: datetime, lease: timedelta, limit: int, token: str
) -> list[Job]:
    """Claim up to ``limit`` pending jobs due by ``now`` that nobody holds, oldest first."""
    sql = sql_session(session)
    rows = list(
        await sql.scalars(
            select(JobRow)
            .where(
                JobRow.state == JobState.PENDING.value,
                JobRow.due_at <= now,
                or_(JobRow.claimed_until.is_(None), JobRow.claimed_until <= now),
            )
            .order_by(JobRow.due_at, JobRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
            .execution_options(populate_existing=True)
        )
    )
    for row in rows:
        row.claim_token, row.claimed_until = token, now + lease
    await sql.flush()
    return [_to_job(row) for row in rows]


async def lock_claimed_job(session: Transaction, *, job_id: int, token: str | None) -> Job | None:
    """The job, held until the transaction ends, if it is still pending under our claim."""
    sql = sql_session(session)
    row = await sql.scalar(
        select(JobRow)
        .where(
            JobRow.id == job_id,
            JobRow.claim_token == token,
            JobRow.state == JobState.PENDING.value,
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return _to_job(row) if row is not None else None


async def reschedule_job(
    session: Transaction,
    *,
    job_id: int,
    due_at: datetime,
    anchor_at: datetime,
    count: int,
    zone: str,
) -> None:
    """Plan the job for ``due_at`` (in ``zone``) and let go of it."""
    sql = sql_session(session)
    await sql.execute(
        update(JobRow)
        .where(JobRow.id == job_id)
        .values(
            due_at=due_at, anchor_at=anchor_at, count=count, zone=zone, attempts=0, **_UNCLAIMED
        )
    )


async def finish_job(
    session: Transaction,
    *,
    job_id: int,
    now: datetime,
    outcome: dict[str, Any] | None = None,
    anchor_at: datetime | None = None,
    count: int | None = None,
) -> None:
    """Nothing more to do: the job is done (what it did, if anything, in ``outcome``)."""
    sql = sql_session(session)
    values: dict[str, Any] = {"state": JobState.DONE.value, "finished_at": now, **_UNCLAIMED}
    if outcome is not None:
        values["outcome"] = outcome
    if anchor_at is not None:
        values["anchor_at"] = anchor_at
    if count is not None:
        values["count"] = count
    await sql.execute(update(JobRow).where(JobRow.id == job_id).values(**values))


async def retry_job(
    session: Transaction, *, job_id: int, due_at: datetime, token: str | None = None
) -> bool:
    """After a failure: pending again at ``due_at``, one more attempt counted.

    With ``token``, only while the job is still held under that claim.
    """
    sql = sql_session(session)
    statement = update(JobRow).where(JobRow.id == job_id)
    if token is not None:
        statement = statement.where(JobRow.claim_token == token)
    result = await sql.execute(
        statement.values(
            state=JobState.PENDING.value,
            due_at=due_at,
            finished_at=None,
            attempts=JobRow.attempts + 1,
            **_UNCLAIMED,
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def undo_nudge(
    session: Transaction,
    *,
    job_id: int,
    sent_at: datetime,
    anchor_at: datetime,
    count: int,
    due_at: datetime,
) -> bool:
    """A nudge recorded as sent at ``sent_at`` did not go out: back to how it was, due
    again at ``due_at``. False if the job changed since (they answered meanwhile)."""
    sql = sql_session(session)
    result = await sql.execute(
        update(JobRow)
        .where(JobRow.id == job_id, JobRow.anchor_at == sent_at)
        .values(
            state=JobState.PENDING.value,
            finished_at=None,
            anchor_at=anchor_at,
            count=count,
            due_at=due_at,
            attempts=JobRow.attempts + 1,
            **_UNCLAIMED,
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def restart_nudges(session: Transaction, *, interview_id: int, now: datetime) -> None:
    """They answered: drop the pending nudge and start the cadence again from ``now``.

    The next due time is left provisional (``zone`` None), for the runner to plan in the
    person's own working hours.
    """
    sql = sql_session(session)
    await sql.execute(
        update(JobRow)
        .where(JobRow.interview_id == interview_id, JobRow.kind == JobKind.NUDGE.value)
        .values(
            state=JobState.PENDING.value,
            finished_at=None,
            due_at=now,
            anchor_at=now,
            count=0,
            zone=None,
            attempts=0,
            **_UNCLAIMED,
        )
    )


async def move_nudges(
    session: Transaction, *, interview_ids: Sequence[int], due_at: datetime, zone: str
) -> int:
    """Move the pending nudges of these interviews to ``due_at``; returns how many moved."""
    sql = sql_session(session)
    if not interview_ids:
        return 0
    result = await sql.execute(
        update(JobRow)
        .where(
            JobRow.interview_id.in_(interview_ids),
            JobRow.kind == JobKind.NUDGE.value,
            JobRow.state == JobState.PENDING.value,
        )
        .values(due_at=due_at, zone=zone, **_UNCLAIMED)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def finish_workshop_jobs(
    session: Transaction, *, workshop_id: int, now: datetime, but: int | None = None
) -> None:
    """The workshop is over: its pending jobs (but one) have nothing left to do."""
    sql = sql_session(session)
    statement = update(JobRow).where(
        JobRow.workshop_id == workshop_id, JobRow.state == JobState.PENDING.value
    )
    if but is not None:
        statement = statement.where(JobRow.id != but)
    await sql.execute(statement.values(state=JobState.DONE.value, finished_at=now, **_UNCLAIMED))


async def list_jobs(
    session: Transaction,
    *,
    workshop_id: int | None = None,
    interview_id: int | None = None,
    kind: JobKind | None = None,
) -> list[Job]:
    sql = sql_session(session)
    query = select(JobRow).order_by(JobRow.id)
    if workshop_id is not None:
        query = query.where(JobRow.workshop_id == workshop_id)
    if interview_id is not None:
        query = query.where(JobRow.interview_id == interview_id)
    if kind is not None:
        query = query.where(JobRow.kind == kind.value)
    return [_to_job(row) for row in await sql.scalars(query)]


@dataclass
class Unscheduled:
    """What is running without the jobs it should have."""

    interviews: list[Interview] = field(default_factory=list)  # active, without a nudge job
    workshop_ids: list[int] = field(default_factory=list)  # collecting, no deadline job
    roles: list[tuple[int, str]] = field(default_factory=list)  # in turn, no role deadline


async def find_unscheduled(session: Transaction) -> Unscheduled:
    sql = sql_session(session)
    collecting = WorkshopRow.status == WorkshopStatus.COLLECTING.value
    active = and_(collecting, InterviewRow.status == InterviewStatus.ACTIVE.value)
    found = Unscheduled()
    interview_ids = await sql.scalars(
        select(InterviewRow.id)
        .join(WorkshopRow, WorkshopRow.id == InterviewRow.workshop_id)
        .where(
            active,
            ~exists().where(
                JobRow.interview_id == InterviewRow.id, JobRow.kind == JobKind.NUDGE.value
            ),
        )
        .order_by(InterviewRow.id)
    )
    for interview_id in interview_ids.all():
        interview = await get_interview(session, interview_id=interview_id)
        if interview is not None:
            found.interviews.append(interview)
    found.workshop_ids = list(
        await sql.scalars(
            select(WorkshopRow.id)
            .where(
                collecting,
                ~exists().where(
                    JobRow.workshop_id == WorkshopRow.id,
                    JobRow.kind == JobKind.WORKSHOP_DEADLINE.value,
                ),
            )
            .order_by(WorkshopRow.id)
        )
    )
    roles = await sql.execute(
        select(InterviewRow.workshop_id, InterviewRow.role_key)
        .join(WorkshopRow, WorkshopRow.id == InterviewRow.workshop_id)
        .where(
            active,
            WorkshopRow.mode == InterviewMode.IN_TURN.value,
            ~exists().where(
                JobRow.workshop_id == InterviewRow.workshop_id,
                JobRow.kind == JobKind.ROLE_DEADLINE.value,
                JobRow.role_key == InterviewRow.role_key,
            ),
        )
        .distinct()
        .order_by(InterviewRow.workshop_id, InterviewRow.role_key)
    )
    found.roles = [(workshop_id, role_key) for workshop_id, role_key in roles.all()]
    return found


async def role_started_at(
    session: Transaction, *, workshop_id: int, role_key: str
) -> datetime | None:
    """When the role's interviews were started (the earliest of them)."""
    started = [
        i.started_at
        for i in await list_interviews(session, workshop_id=workshop_id)
        if i.role_key == role_key and i.started_at is not None
    ]
    return min(started) if started else None
