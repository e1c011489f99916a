"""Reminders through Slack: the nudge and its buttons in the sandbox, and two real
`p2p serve` processes sharing one database, each reminder sent exactly once."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.sandbox import Sandbox, SandboxSettings
from bot.workshop.core.model import InterviewMode
from bot.workshop.core.planning import RoleRequest, StartRequest, plan_workshop
from bot.workshop.core.questions import load_path_template, load_question_bank
from bot.workshop.core.schedule import JobKind, JobState, nudge_job
from storage import interviews, jobs, workshops
from storage.db import Database
from tests.fakes import FakeClock
from tests.scenarios.conftest import BOT_TOKEN, SIGNING_SECRET, Harness
from tests.scenarios.test_serve_process import serving as serve_process
from tests.scenarios.test_serve_process import wait_healthy

PEOPLE = 100


def nudges_in(slack: Sandbox, user: str) -> int:
    return sum(
        1
        for message in slack.dm_messages(user)
        for block in message.blocks or []
        if block.get("block_id") == "nudge"
    )


async def test_a_nudge_can_be_snoozed_and_put_off_while_away(
    harness: Harness, clock: FakeClock
) -> None:
    await harness.command("fran", "start Checkout product=@priya")
    reminders = harness.p2p.services.reminders
    await reminders.run_due(clock.now())  # Monday 09:00 in London: the invitation
    clock.current = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
    await reminders.run_due(clock.now())
    await harness.slack.settle()
    nudge = harness.dm_texts("priya")[-1]
    assert "friendly nudge" in nudge
    assert "Checkout" in nudge

    await harness.slack.click(harness["priya"], "nudge_snooze")
    await harness.slack.settle()
    assert "Snoozed" in harness.dm_texts("priya")[-1], "the nudge now says what was done"
    assert nudges_in(harness.slack, harness["priya"]) == 0, "its buttons are gone"

    clock.current = datetime(2026, 11, 4, 9, 0, tzinfo=UTC)  # 24 hours after the snooze
    await reminders.run_due(clock.now())
    await harness.slack.settle()
    assert nudges_in(harness.slack, harness["priya"]) == 1
    await harness.slack.click(harness["priya"], "nudge_away", value="2026-11-10")
    await harness.slack.settle()
    assert "Enjoy your time away" in harness.dm_texts("priya")[-1]
    async with harness.p2p.database.transaction() as session:
        (job,) = await jobs.list_jobs(session, kind=JobKind.NUDGE)
    assert job.due_at == datetime(2026, 11, 10, 9, 0, tzinfo=UTC)  # 09:00 in London


async def test_nobody_deactivated_in_slack_is_nudged(harness: Harness, clock: FakeClock) -> None:
    await harness.command("fran", "start Checkout product=@priya")
    await harness.slack.update_user(harness["priya"], deleted=True)
    reminders = harness.p2p.services.reminders
    for day in (2, 3, 4, 5, 6, 9, 10):
        clock.current = datetime(2026, 11, day, 10, 0, tzinfo=UTC)
        await reminders.run_due(clock.now())
    await harness.slack.settle()
    assert nudges_in(harness.slack, harness["priya"]) == 0
    assert not any("nudge" in text for text in harness.dm_texts("priya"))


@contextmanager
def serving(
    slack: Sandbox, database_url: str, cwd: Path
) -> Iterator[tuple[subprocess.Popen[str], int]]:
    """`p2p serve` polling for due reminders every 0.2 s, at any hour, any day."""
    with serve_process(
        slack,
        database_url,
        cwd,
        LOG_LEVEL="INFO",
        SCHEDULER_INTERVAL_SECONDS="0.2",
        WORKING_HOURS="00:00-24:00",  # the test must not depend on when it runs
        WORKING_DAYS="mon-sun",
    ) as served:
        yield served


def server_logs(folder: Path) -> list[str]:
    return [path.read_text() for path in sorted(folder.glob("serve-*.log"))]


async def overdue_nudges(
    database: Database, slack: Sandbox, channel: str, people: list[str]
) -> int:
    """A running workshop whose participants all owe answers, each with a nudge two days
    overdue: created at once, in one unit of work, through the repository functions."""
    now = datetime.now(UTC)
    long_ago = now - timedelta(days=3)
    bank = load_question_bank()
    plan = plan_workshop(
        StartRequest(
            team_id=slack.team_id,
            channel_id=channel,
            user_id=people[0],
            title="Hundred",
            roles=(RoleRequest(word="eng", user_ids=tuple(people)),),
            mode=InterviewMode.ALL_AT_ONCE,
        ),
        load_path_template(),
    )
    async with database.transaction() as session:
        workshop = await workshops.create_workshop(session, plan=plan, now=long_ago)
        created = await interviews.create_interviews(
            session, workshop_id=workshop.id, assignments=plan.assignments
        )
        await interviews.activate_interviews(
            session, interview_ids=[i.id for i in created], now=long_ago
        )
        first = bank.questions_for(workshop, "engineering")[0].key
        for interview in created:  # their first question went out three days ago
            await interviews.claim_prompt(session, interview_id=interview.id, key=first)
        return await jobs.schedule_jobs(
            session,
            jobs=[
                nudge_job(i, anchor=long_ago, zone="UTC").model_copy(
                    update={"due_at": now - timedelta(days=2)}
                )
                for i in created
            ],
            now=long_ago,
        )


async def test_two_serve_processes_send_each_of_a_hundred_due_reminders_exactly_once(
    database: Database, database_url: str, tmp_path: Path
) -> None:
    slack = Sandbox(SandboxSettings(signing_secret=SIGNING_SECRET, bot_token=BOT_TOKEN))
    await slack.start()
    try:
        people = [slack.add_user(f"person{n:03d}", tz="UTC") for n in range(PEOPLE)]
        channel = slack.add_channel("path-to-prod", members=people)
        with ExitStack() as stack:
            servers = [stack.enter_context(serving(slack, database_url, tmp_path)) for _ in "ab"]
            for process, port in servers:
                await wait_healthy(port, process)
            assert await overdue_nudges(database, slack, channel, people) == PEOPLE
            await slack.wait_for(
                lambda: sum(nudges_in(slack, p) for p in people) >= PEOPLE, timeout=60
            )
            await asyncio.sleep(2.0)  # ten more passes of each process: nothing more is due
            counts = {p: nudges_in(slack, p) for p in people}
            assert all(process.poll() is None for process, _ in servers)

        assert sum(counts.values()) == PEOPLE, "each reminder sent exactly once"
        assert set(counts.values()) == {1}, "each person nudged once: a catch-up, not a burst"
        async with database.transaction() as session:
            nudges = await jobs.list_jobs(session, kind=JobKind.NUDGE)
        assert {(j.state, j.count) for j in nudges} == {(JobState.PENDING, 1)}
        soonest = min(j.due_at for j in nudges)
        assert soonest >= datetime.now(UTC) + timedelta(days=1), "the next counts from now"
        logs = server_logs(tmp_path)
        assert not any("Traceback" in log for log in logs), logs
    finally:
        await slack.stop()
