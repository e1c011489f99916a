"""The last two interviews of a workshop finished at the same moment, in two transactions
(two processes): the workshop closes once, whichever commits second closing it. Without
holding the workshop's row, each saw the other's interview still active, neither closed
it, and the summary never came.

SQLite runs one writing transaction at a time, so the race needs PostgreSQL."""

from __future__ import annotations

import asyncio
import os

import pytest

from bot.workshop.core.model import Interview, InterviewStatus, WorkshopStatus
from bot.workshop.usecases.ask_next import advance_workshop
from storage import interviews, workshops
from storage.db import Database
from tests.conftest import TEST_DATABASE_ENV
from tests.storage.conftest import NOW

pytestmark = pytest.mark.skipif(
    not os.environ.get(TEST_DATABASE_ENV), reason="SQLite has no concurrent writers"
)


async def test_the_last_two_interviews_finished_at_once_close_the_workshop_once(
    database: Database, people: list[Interview]
) -> None:
    *earlier, last, other = people
    async with database.transaction() as session:
        for interview in earlier:
            await interviews.finish_interview(
                session, interview_id=interview.id, status=InterviewStatus.DONE, now=NOW
            )
    finished = {last.id: asyncio.Event(), other.id: asyncio.Event()}

    async def finish(mine: Interview, theirs: Interview) -> bool:
        async with database.transaction() as session:
            await interviews.finish_interview(
                session, interview_id=mine.id, status=InterviewStatus.DONE, now=NOW
            )
            finished[mine.id].set()
            await finished[theirs.id].wait()  # both finished, neither committed
            workshop = await workshops.get_workshop(session, workshop_id=mine.workshop_id)
            assert workshop is not None
            _started, closed = await advance_workshop(session, workshop, NOW)
            return closed is not None

    closed = await asyncio.wait_for(
        asyncio.gather(finish(last, other), finish(other, last)), timeout=30
    )

    assert sorted(closed) == [False, True], "one of them closes it, the other sees it closed"
    async with database.transaction() as session:
        workshop = await workshops.get_workshop(session, workshop_id=last.workshop_id)
    assert workshop is not None
    assert workshop.status is WorkshopStatus.CLOSED
