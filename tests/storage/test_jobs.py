"""Claiming due jobs: several runners (processes) share one database and each job is
worked on by one of them at a time.

On PostgreSQL a claim takes its rows with ``FOR UPDATE SKIP LOCKED``, so a second runner
claims past rows that a first one holds in an open transaction. SQLite has no row locks:
every transaction begins IMMEDIATE, so claimers queue and the second sees the first's
committed claims. The same assertions hold on both.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.workshop.core.model import Interview
from bot.workshop.core.schedule import Job, JobState, nudge_job
from storage import jobs
from storage.db import Database
from tests.storage.conftest import NOW, PEOPLE

LEASE = timedelta(minutes=5)
BATCH = 4  # smaller than the number of due jobs, larger than half of it


async def schedule_due_nudges(database: Database, people: list[Interview]) -> set[int]:
    """One nudge per person, all due an hour ago; returns the job ids."""
    async with database.transaction() as session:
        added = await jobs.schedule_jobs(
            session,
            jobs=[nudge_job(i, anchor=NOW - timedelta(hours=1), zone="UTC") for i in people],
            now=NOW - timedelta(hours=2),
        )
        assert added == len(people)
        return {job.id for job in await jobs.list_jobs(session)}


async def claim(
    database: Database, *, token: str, limit: int = BATCH, at: timedelta = timedelta()
) -> list[Job]:
    async with database.transaction() as session:
        return await jobs.claim_due_jobs(
            session, now=NOW + at, lease=LEASE, limit=limit, token=token
        )


async def stored_claims(database: Database) -> dict[int, str | None]:
    async with database.transaction() as session:
        return {job.id: job.claim_token for job in await jobs.list_jobs(session)}


async def test_two_runners_claiming_at_once_never_take_the_same_job(
    database: Database, people: list[Interview]
) -> None:
    due = await schedule_due_nudges(database, people)
    first_claimed, second_claimed, first_committed = (asyncio.Event() for _ in range(3))
    second_saw_first_open: list[bool] = []

    async def first() -> list[Job]:
        async with database.transaction() as session:
            claimed = await jobs.claim_due_jobs(
                session, now=NOW, lease=LEASE, limit=BATCH, token="first"
            )
            first_claimed.set()
            if not database.is_sqlite:
                # Hold the claimed rows, locked and uncommitted, while the second runner
                # claims. On SQLite the second runner's BEGIN IMMEDIATE waits for this
                # transaction to end, so holding it open would only stall both.
                await second_claimed.wait()
        first_committed.set()
        return claimed

    async def second() -> list[Job]:
        await first_claimed.wait()
        async with database.transaction() as session:
            claimed = await jobs.claim_due_jobs(
                session, now=NOW, lease=LEASE, limit=BATCH, token="second"
            )
            second_saw_first_open.append(not first_committed.is_set())
            second_claimed.set()
        return claimed

    first_jobs, second_jobs = await asyncio.wait_for(asyncio.gather(first(), second()), timeout=30)

    first_ids, second_ids = {j.id for j in first_jobs}, {j.id for j in second_jobs}
    assert len(first_ids) == BATCH
    assert first_ids.isdisjoint(second_ids)
    assert first_ids | second_ids == due  # together they took every due job, once
    assert await stored_claims(database) == {
        **dict.fromkeys(first_ids, "first"),
        **dict.fromkeys(second_ids, "second"),
    }
    if not database.is_sqlite:
        assert second_saw_first_open == [True]


async def test_many_runners_racing_claim_each_due_job_exactly_once(
    database: Database, people: list[Interview]
) -> None:
    due = await schedule_due_nudges(database, people)
    tokens = [f"runner{n}" for n in range(5)]

    claims = await asyncio.wait_for(
        asyncio.gather(*(claim(database, token=t, limit=2) for t in tokens)), timeout=30
    )

    claimed_ids = [job.id for batch in claims for job in batch]
    assert sorted(claimed_ids) == sorted(due)  # none twice, none left out
    stored = await stored_claims(database)
    for token, batch in zip(tokens, claims, strict=True):
        assert all(stored[job.id] == token for job in batch)


async def test_a_job_is_not_claimed_again_while_its_lease_runs(
    database: Database, people: list[Interview]
) -> None:
    due = await schedule_due_nudges(database, people)
    held = {job.id for job in await claim(database, token="first")}

    just_before_the_lease_ends = LEASE - timedelta(seconds=1)
    rest = await claim(database, token="second", limit=PEOPLE, at=just_before_the_lease_ends)
    nothing = await claim(database, token="third", limit=PEOPLE, at=just_before_the_lease_ends)

    assert {job.id for job in rest} == due - held
    assert nothing == []
    stored = await stored_claims(database)
    assert {job_id for job_id, token in stored.items() if token == "first"} == held


async def test_a_job_can_be_claimed_again_once_its_lease_has_run_out(
    database: Database, people: list[Interview]
) -> None:
    await schedule_due_nudges(database, people[:1])
    [job] = await claim(database, token="first")

    [again] = await claim(database, token="second", at=LEASE)

    assert again.id == job.id
    assert again.claim_token == "second"
    assert again.claimed_until == NOW + LEASE + LEASE
    assert again.state is JobState.PENDING


async def test_a_runner_whose_lease_ran_out_can_no_longer_lock_its_job(
    database: Database, people: list[Interview]
) -> None:
    await schedule_due_nudges(database, people[:1])
    [job] = await claim(database, token="first")
    await claim(database, token="second", at=LEASE)

    async with database.transaction() as session:
        stale = await jobs.lock_claimed_job(session, job_id=job.id, token="first")
        current = await jobs.lock_claimed_job(session, job_id=job.id, token="second")
        unclaimed = await jobs.lock_claimed_job(session, job_id=job.id, token=None)

    assert stale is None
    assert current is not None
    assert current.id == job.id
    assert current.claim_token == "second"
    assert unclaimed is None


async def test_a_finished_job_cannot_be_locked_or_claimed_any_more(
    database: Database, people: list[Interview]
) -> None:
    await schedule_due_nudges(database, people[:1])
    [job] = await claim(database, token="first")
    async with database.transaction() as session:
        await jobs.finish_job(session, job_id=job.id, now=NOW)

    async with database.transaction() as session:
        locked = await jobs.lock_claimed_job(session, job_id=job.id, token="first")
    later = await claim(database, token="second", at=LEASE * 10)

    assert locked is None
    assert later == []
