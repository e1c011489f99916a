"""Deadlines against a real database, with an injected clock and fake Slack: a role's
time running out (in turn), the warning a day before the workshop deadline, the close."""

from __future__ import annotations

from datetime import date, timedelta

from bot.workshop.bootstrap import Services
from bot.workshop.core.model import InterviewMode, InterviewStatus, WorkshopStatus
from bot.workshop.core.schedule import JobKind, JobState
from bot.workshop.ports import ReminderNoticeKind
from storage import jobs, workshops
from storage.db import Database
from tests.fakes import FakeClock, FakeDirectory, FakeMessenger
from tests.usecases.schedules.cases import (
    FACILITATOR,
    run_until,
    start,
    status_of,
    utc,
)


async def test_a_role_whose_time_is_up_is_skipped_and_the_next_role_starts(
    database: Database, services: Services, messenger: FakeMessenger, clock: FakeClock
) -> None:
    clock.current = utc(2026, 11, 2, 9, 0)  # Monday
    workshop_id = await start(
        services, ("product", "UPO"), ("eng", "UENG"), mode=InterviewMode.IN_TURN
    )
    await run_until(services, clock, utc(2026, 11, 4, 16, 0))
    assert await status_of(database, workshop_id) == {
        "UPO": InterviewStatus.ACTIVE,
        "UENG": InterviewStatus.WAITING,
    }
    assert len(messenger.nudges_to("UPO")) == 1

    await run_until(services, clock, utc(2026, 11, 4, 18, 0))  # 3 working days: Wednesday 17:00
    assert await status_of(database, workshop_id) == {
        "UPO": InterviewStatus.SKIPPED,
        "UENG": InterviewStatus.ACTIVE,
    }
    assert messenger.questions_to("UENG"), "the next role is asked"
    (notice,) = messenger.reminder_notices_to(FACILITATOR)
    assert notice.kind is ReminderNoticeKind.ROLE_DEADLINE_PASSED
    assert (notice.context["role"], notice.context["next_role"]) == (
        "Product Owner",
        "Engineering",
    )
    assert notice.context["skipped"] == 1

    await run_until(services, clock, utc(2026, 11, 10, 10, 0))  # eng: Monday 17:00
    assert len(messenger.nudges_to("UPO")) == 1, "nothing more for a skipped interview"
    assert await status_of(database, workshop_id) == {
        "UPO": InterviewStatus.SKIPPED,
        "UENG": InterviewStatus.SKIPPED,
    }
    async with database.transaction() as session:
        workshop = await workshops.get_workshop(session, workshop_id=workshop_id)
    assert workshop is not None
    assert workshop.status is WorkshopStatus.CLOSED, "the last role's time up: all done"
    assert len(messenger.summaries) == 1, "the summary is posted, gaps and all"
    assert [n.kind for n in messenger.reminder_notices_to(FACILITATOR)] == [
        ReminderNoticeKind.ROLE_DEADLINE_PASSED,
        ReminderNoticeKind.ROLE_DEADLINE_PASSED,
    ]


async def test_a_workshop_deadline_warns_a_day_before_then_closes_with_gaps(
    database: Database,
    services: Services,
    messenger: FakeMessenger,
    clock: FakeClock,
    directory: FakeDirectory,
) -> None:
    directory.add(FACILITATOR, "America/Los_Angeles")
    clock.current = utc(2026, 11, 2, 18, 0)  # Monday 10:00 PST
    workshop_id = await start(
        services,
        ("product", "UPO"),
        ("eng", "UENG"),
        mode=InterviewMode.IN_TURN,
        deadline=date(2026, 11, 4),  # Wednesday: sooner than the role's three working days
    )
    await run_until(services, clock, utc(2026, 11, 3, 16, 0))  # Tuesday 08:00 PST
    assert messenger.reminder_notices_to(FACILITATOR) == []
    await run_until(services, clock, utc(2026, 11, 3, 18, 0))
    (warning,) = messenger.reminder_notices_to(FACILITATOR)
    assert warning.kind is ReminderNoticeKind.DEADLINE_WARNING
    assert warning.context["deadline"] == "2026-11-04"

    await run_until(services, clock, utc(2026, 11, 5, 7, 0))  # Wednesday 23:00 PST
    assert await status_of(database, workshop_id) == {
        "UPO": InterviewStatus.ACTIVE,
        "UENG": InterviewStatus.WAITING,
    }, "the role deadline never comes after the workshop's"
    await run_until(services, clock, utc(2026, 11, 5, 9, 0))  # past midnight in Los Angeles
    assert await status_of(database, workshop_id) == {
        "UPO": InterviewStatus.SKIPPED,
        "UENG": InterviewStatus.SKIPPED,
    }
    async with database.transaction() as session:
        workshop = await workshops.get_workshop(session, workshop_id=workshop_id)
        left = [
            j
            for j in await jobs.list_jobs(session, workshop_id=workshop_id)
            if j.state is JobState.PENDING
        ]
    assert workshop is not None
    assert workshop.status is WorkshopStatus.CLOSED
    assert workshop.closed_at == utc(2026, 11, 5, 8, 0)
    assert left == []
    assert len(messenger.summaries) == 1
    assert [n.kind for n in messenger.reminder_notices_to(FACILITATOR)] == [
        ReminderNoticeKind.DEADLINE_WARNING,
        ReminderNoticeKind.DEADLINE_PASSED,
    ]
    assert messenger.questions_to("UENG") == [], "nobody is asked after the deadline"


async def test_a_deadline_whose_message_fails_is_told_again_but_done_once(
    database: Database, services: Services, messenger: FakeMessenger, clock: FakeClock
) -> None:
    clock.current = utc(2026, 11, 2, 9, 0)
    workshop_id = await start(
        services, ("product", "UPO"), ("eng", "UENG"), mode=InterviewMode.IN_TURN
    )
    await run_until(services, clock, utc(2026, 11, 4, 16, 0))
    working = messenger.send_reminder_notice

    async def fail_once(user_id: str, notice: object) -> None:
        messenger.send_reminder_notice = working  # type: ignore[method-assign]
        raise ConnectionError("Slack is unreachable")

    messenger.send_reminder_notice = fail_once  # type: ignore[assignment, method-assign]
    clock.current = utc(2026, 11, 4, 17, 0)  # the role's time is up
    await services.reminders.run_due(clock.now())
    assert messenger.reminder_notices_to(FACILITATOR) == []
    async with database.transaction() as session:
        (job,) = await jobs.list_jobs(session, workshop_id=workshop_id, kind=JobKind.ROLE_DEADLINE)
    assert job.state is JobState.PENDING
    assert job.outcome is not None, "what it did is kept, to be told again"
    assert job.due_at == utc(2026, 11, 4, 17, 1)

    await run_until(services, clock, utc(2026, 11, 4, 18, 0), step=timedelta(minutes=1))
    assert len(messenger.reminder_notices_to(FACILITATOR)) == 1
    assert len(messenger.questions_to("UENG")) == 1, "the next role is asked once"
    assert await status_of(database, workshop_id) == {
        "UPO": InterviewStatus.SKIPPED,
        "UENG": InterviewStatus.ACTIVE,
    }
