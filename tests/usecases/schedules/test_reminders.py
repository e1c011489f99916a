"""Nudges against a real database, with an injected clock and fake Slack.

The runner is not started (but for one test of the runner itself): each test moves the
clock and calls ``run_due``, as the runner would every few seconds.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta

from bot.rendering import Renderer
from bot.workshop.bootstrap import Services
from bot.workshop.core.model import InterviewMode
from bot.workshop.core.planning import RoleRequest, StartRequest
from bot.workshop.core.schedule import JobKind
from bot.workshop.ports import ReminderNoticeKind
from bot.workshop.usecases.remind import ReminderRunner
from storage import jobs
from storage.db import Database
from tests.fakes import FakeClock, FakeDirectory, FakeMessenger
from tests.usecases.schedules.cases import (
    CHANNEL,
    FACILITATOR,
    LA,
    TEAM,
    TOKYO,
    answer,
    build_services,
    local_times,
    run_until,
    start,
    utc,
)


async def test_each_person_is_nudged_in_their_own_working_hours_across_daylight_saving(
    services: Services, messenger: FakeMessenger, clock: FakeClock
) -> None:
    await start(services, ("product", "UTOKYO"), ("eng", "ULA"), ("ops", "ULON"))
    await answer(services, messenger, "ULON", count=100)  # London answers everything at once

    await run_until(services, clock, utc(2026, 11, 20))

    for user, zone in (("UTOKYO", TOKYO), ("ULA", LA)):
        times = local_times(messenger, user, zone)
        assert len(times) == 3, f"{user}: never more than three nudges ({times})"
        for moment in times:
            assert moment.weekday() < 5, f"{user} nudged on a weekend: {moment}"
            assert 9 <= moment.hour < 17, f"{user} nudged outside working hours: {moment}"
    assert [t.strftime("%a %d %H:%M %Z") for t in local_times(messenger, "ULA", LA)] == [
        "Fri 30 09:15 PDT",  # one working day after the invitation (Thursday 09:15 PDT)
        "Tue 03 09:15 PST",  # two working days later, in standard time now
        "Thu 05 09:15 PST",
    ]
    assert [t.strftime("%a %d %H:%M") for t in local_times(messenger, "UTOKYO", TOKYO)] == [
        "Mon 02 09:15",  # invited at 01:15 on a Friday: the whole of Friday was theirs
        "Wed 04 09:15",
        "Fri 06 09:15",
    ]
    assert messenger.nudges_to("ULON") == [], "nobody nudges somebody who has answered"
    first = messenger.nudges_to("ULA")[0][1]
    assert (first.roles_answered, first.roles_total, first.number, first.limit) == (1, 3, 1, 3)


async def test_answering_puts_the_next_nudge_off_by_a_working_day_from_the_answer(
    services: Services, messenger: FakeMessenger, clock: FakeClock
) -> None:
    clock.current = utc(2026, 11, 2, 9, 30)  # Monday, London
    await start(services, ("product", "UPO"), ("eng", "UENG"))
    await services.reminders.run_due(clock.now())
    clock.current = utc(2026, 11, 3, 9, 0)  # half an hour before the first nudge is due
    await answer(services, messenger, "UPO", count=1)

    await run_until(services, clock, utc(2026, 11, 4, 8, 0), step=timedelta(minutes=30))
    assert messenger.nudges_to("UPO") == [], "they answered recently"
    assert [w for w, _ in messenger.nudges_to("UENG")] == [utc(2026, 11, 3, 9, 30)]

    await run_until(services, clock, utc(2026, 11, 4, 10, 0), step=timedelta(minutes=30))
    assert [w for w, _ in messenger.nudges_to("UPO")] == [utc(2026, 11, 4, 9, 0)]


async def test_after_a_restart_two_days_late_each_person_gets_one_catch_up_nudge(
    database: Database,
    services: Services,
    messenger: FakeMessenger,
    clock: FakeClock,
    directory: FakeDirectory,
) -> None:
    clock.current = utc(2026, 11, 2, 10, 0)  # Monday, London
    workshop_id = await start(services, ("product", "UPO"), ("eng", "UENG"), ("ops", "UOPS"))
    await services.reminders.run_due(clock.now())  # plans the first nudges: Tuesday 10:00
    # p2p is down from here until Thursday 10:30: every first nudge is two days overdue.
    clock.current = utc(2026, 11, 5, 10, 30)
    restarted = FakeMessenger(clock=clock)
    again = build_services(database, restarted, clock, directory)
    for _ in range(5):
        await again.reminders.run_due(clock.now())
        clock.advance(minutes=1)

    assert sorted(n.user_id for _, n in restarted.nudges) == ["UENG", "UOPS", "UPO"]
    assert {n.number for _, n in restarted.nudges} == {1}
    async with database.transaction() as session:
        pending = await jobs.list_jobs(session, workshop_id=workshop_id, kind=JobKind.NUDGE)
    assert {j.due_at for j in pending} == {utc(2026, 11, 9, 10, 30)}, "counted from the catch-up"

    await run_until(again, clock, utc(2026, 11, 9, 10, 0))
    assert len(restarted.nudges) == 3, "no burst: nothing more until two working days later"


async def test_a_nudge_overdue_outside_working_hours_waits_for_them_and_is_sent_once(
    database: Database,
    services: Services,
    messenger: FakeMessenger,
    clock: FakeClock,
    directory: FakeDirectory,
) -> None:
    clock.current = utc(2026, 11, 2, 10, 0)
    await start(services, ("product", "UTOKYO"))
    await services.reminders.run_due(clock.now())  # due Tuesday 09:00 JST (Tuesday 00:00 UTC)
    clock.current = utc(2026, 11, 4, 12, 0)  # Wednesday 21:00 JST: overdue, after hours
    await run_until(services, clock, utc(2026, 11, 5, 12, 0), step=timedelta(minutes=20))
    assert [w for w, _ in messenger.nudges_to("UTOKYO")] == [utc(2026, 11, 5, 0, 0)]


async def test_nobody_is_nudged_once_deactivated(
    services: Services, messenger: FakeMessenger, clock: FakeClock, directory: FakeDirectory
) -> None:
    directory.add("UENG", "Europe/London", deactivated=True)
    await start(services, ("product", "UPO"), ("eng", "UENG"))
    await run_until(services, clock, utc(2026, 11, 12))
    assert len(messenger.nudges_to("UPO")) == 3
    assert messenger.nudges_to("UENG") == []


async def test_a_nudge_that_fails_to_send_is_sent_later_not_lost(
    services: Services, messenger: FakeMessenger, clock: FakeClock
) -> None:
    clock.current = utc(2026, 11, 2, 10, 0)
    await start(services, ("product", "UPO"))
    await services.reminders.run_due(clock.now())
    messenger.fail_next_nudges = 2
    clock.current = utc(2026, 11, 3, 9, 50)
    await run_until(services, clock, utc(2026, 11, 3, 10, 30), step=timedelta(minutes=1))
    assert [(w, n.number) for w, n in messenger.nudges_to("UPO")] == [
        (utc(2026, 11, 3, 10, 3), 1)  # failed at 10:00, retried 10:01 (failed), then 10:03
    ]


async def test_snoozing_moves_the_nudge_to_tomorrow_within_working_hours(
    services: Services, messenger: FakeMessenger, clock: FakeClock
) -> None:
    clock.current = utc(2026, 11, 5, 15, 0)  # Thursday
    workshop_id = await start(services, ("product", "UPO"))
    await run_until(services, clock, utc(2026, 11, 6, 15, 0))  # first nudge Friday 15:00
    interview_id = messenger.nudges_to("UPO")[0][1].interview_id
    clock.current = utc(2026, 11, 6, 15, 30)
    notice = await services.reminders.snooze(
        team_id=TEAM,
        user_id="UPO",
        interview_id=interview_id,
        delivery_key=f"action:{TEAM}:UPO:snooze:1",
    )
    assert notice.kind is ReminderNoticeKind.SNOOZED
    assert notice.context["until_text"] == "2026-11-09 09:00"  # 24 h on is Saturday: Monday
    async with services.deps.database.transaction() as session:
        (job,) = await jobs.list_jobs(session, workshop_id=workshop_id, kind=JobKind.NUDGE)
    assert job.due_at == utc(2026, 11, 9, 9, 0)
    await run_until(services, clock, utc(2026, 11, 9, 12, 0), step=timedelta(minutes=30))
    assert [w for w, _ in messenger.nudges_to("UPO")] == [
        utc(2026, 11, 6, 15, 0),
        utc(2026, 11, 9, 9, 0),
    ]


async def test_away_until_a_day_means_no_nudge_before_that_days_working_hours(
    services: Services, messenger: FakeMessenger, clock: FakeClock
) -> None:
    clock.current = utc(2026, 11, 2, 10, 0)
    await start(services, ("product", "ULA"), ("eng", "UENG"))
    past = await services.reminders.away_until(
        team_id=TEAM, user_id="ULA", day=date(2026, 11, 2), delivery_key=f"action:{TEAM}:ULA:away:0"
    )
    assert past.kind is ReminderNoticeKind.AWAY_DATE_PASSED
    notice = await services.reminders.away_until(
        team_id=TEAM,
        user_id="ULA",
        day=date(2026, 11, 10),
        delivery_key=f"action:{TEAM}:ULA:away:1",
    )
    assert notice.kind is ReminderNoticeKind.AWAY
    assert notice.context["until_text"] == "2026-11-10 09:00"
    await run_until(services, clock, utc(2026, 11, 11))
    assert [w.astimezone(LA) for w, _ in messenger.nudges_to("ULA")] == [
        datetime(2026, 11, 10, 9, 0, tzinfo=LA)
    ]
    assert len(messenger.nudges_to("UENG")) == 3, "only the person who is away is left alone"


async def test_two_runners_at_once_nudge_each_person_once(
    database: Database,
    messenger: FakeMessenger,
    clock: FakeClock,
    directory: FakeDirectory,
    database_url: str,
) -> None:
    clock.current = utc(2026, 11, 2, 10, 0)
    first = build_services(database, messenger, clock, directory)
    people = [f"U{n:03d}" for n in range(30)]
    await first.starter.start_workshop(
        StartRequest(
            team_id=TEAM,
            channel_id=CHANNEL,
            user_id=FACILITATOR,
            title="Many",
            roles=(RoleRequest(word="eng", user_ids=tuple(people)),),
            mode=InterviewMode.ALL_AT_ONCE,
        )
    )
    await first.reminders.run_due(clock.now())
    other_database = Database(database_url)
    try:
        second = build_services(other_database, messenger, clock, directory)
        clock.current = utc(2026, 11, 3, 10, 0)
        await asyncio.gather(
            first.reminders.run_due(clock.now()), second.reminders.run_due(clock.now())
        )
    finally:
        await other_database.dispose()
    assert sorted(n.user_id for _, n in messenger.nudges) == people


def test_every_reminder_notice_has_words() -> None:
    renderer = Renderer()
    for kind in ReminderNoticeKind:
        assert renderer.has_message(f"reminders.{kind.value}"), kind
    text = renderer.message(
        "reminders.nudge",
        title="<!channel>",
        channel_id="C1",
        role="Engineering",
        number=1,
        limit=3,
        answered=4,
        total=7,
    )
    assert "4 of 7 roles have answered" in text
    assert "<!channel>" not in text


async def test_the_runner_polls_in_the_background_until_stopped(
    database: Database, services: Services, clock: FakeClock
) -> None:
    workshop_id = await start(services, ("product", "UPO"))
    runner = ReminderRunner(services.reminders, interval=0.05)
    runner.start()
    await asyncio.sleep(0.3)
    await asyncio.wait_for(runner.stop(), timeout=2)
    async with database.transaction() as session:
        (job,) = await jobs.list_jobs(session, workshop_id=workshop_id, kind=JobKind.NUDGE)
    assert job.zone == "Europe/London", "planned in the person's zone"
    assert job.due_at == utc(2026, 10, 30, 16, 15)
