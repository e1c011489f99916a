"""Shared set-up for the reminder and deadline tests: fake Slack edges, a workshop
started through the real use cases, and a loop standing in for the runner."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.workshop.bootstrap import Services, bootstrap, dependencies
from bot.workshop.core.model import InterviewMode, InterviewStatus, WorkshopDetails
from bot.workshop.core.planning import RoleRequest, StartRequest
from storage import interviews, workshops
from storage.db import Database
from tests.fakes import FakeClock, FakeDirectory, FakeMessenger
from tests.replies import reply_for

TEAM, CHANNEL, FACILITATOR = "T1", "C1", "UFAC"
MESSAGE_NUMBERS = itertools.count(1)
TOKYO, LA = ZoneInfo("Asia/Tokyo"), ZoneInfo("America/Los_Angeles")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def thursday_clock() -> FakeClock:
    # Thursday 29 October 2026, 16:15 UTC: 09:15 in Los Angeles (PDT), 01:15 Friday in Tokyo.
    return FakeClock(utc(2026, 10, 29, 16, 15))


def people_directory() -> FakeDirectory:
    people = FakeDirectory()
    people.add("UTOKYO", "Asia/Tokyo")
    people.add("ULA", "America/Los_Angeles")
    for user in ("ULON", "UFAC", "UPO", "UENG", "UOPS"):
        people.add(user, "Europe/London")
    return people


def build_services(
    database: Database, messenger: FakeMessenger, clock: FakeClock, directory: FakeDirectory
) -> Services:
    return bootstrap(dependencies(database, messenger, clock=clock, directory=directory))


async def start(
    services: Services,
    *roles: tuple[str, str],
    mode: InterviewMode = InterviewMode.ALL_AT_ONCE,
    deadline: date | None = None,
) -> int:
    await services.starter.start_workshop(
        StartRequest(
            team_id=TEAM,
            channel_id=CHANNEL,
            user_id=FACILITATOR,
            title="Checkout revamp",
            roles=tuple(RoleRequest(word=word, user_ids=(user,)) for word, user in roles),
            mode=mode,
            details=WorkshopDetails(deadline=deadline),
        )
    )
    async with services.deps.database.transaction() as session:
        workshop = await workshops.get_latest_workshop(session)
    assert workshop is not None
    return workshop.id


async def answer(services: Services, messenger: FakeMessenger, user_id: str, *, count: int) -> None:
    """Answer the user's last step ``count`` times, each reply filling the parts it still
    wants (or until they are asked no more)."""
    for _ in range(count):
        asked = messenger.questions_to(user_id)
        if not asked:
            return
        before = len(asked)
        await services.answers.handle_direct_message(
            team_id=TEAM,
            user_id=user_id,
            text=reply_for(asked[-1].question, missing=asked[-1].missing),
            delivery_key=f"message:{TEAM}:{user_id}:{user_id}.{next(MESSAGE_NUMBERS)}",
        )
        if len(messenger.questions_to(user_id)) == before:
            return


async def run_until(
    services: Services, clock: FakeClock, until: datetime, step: timedelta = timedelta(hours=1)
) -> None:
    while clock.now() <= until:
        await services.reminders.run_due(clock.now())
        clock.current += step


async def status_of(database: Database, workshop_id: int) -> dict[str, InterviewStatus]:
    async with database.transaction() as session:
        everyone = await interviews.list_interviews(session, workshop_id=workshop_id)
    return {i.user_id: i.status for i in everyone}


def local_times(messenger: FakeMessenger, user_id: str, zone: ZoneInfo) -> list[datetime]:
    return [when.astimezone(zone) for when, _ in messenger.nudges_to(user_id)]
