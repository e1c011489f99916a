"""A workshop of hundreds starting all at once: every question goes out exactly once, a
failed send gives its claim back and is sent later, and time zones come from one listing
of the workspace, not a lookup a person (counts of calls, not timings)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from bot.workshop.bootstrap import Services, bootstrap, dependencies
from bot.workshop.core.model import InterviewMode
from bot.workshop.ports import Person, QuestionPrompt
from bot.workshop.usecases.ask_next import CLAIMED_TOGETHER
from bot.workshop.usecases.people import RememberedDirectory
from bot.workshop.usecases.start import LEARN_IN_BULK_FROM
from storage import interviews
from storage.db import Database
from tests.fakes import FakeClock, FakeDirectory, FakeMessenger
from tests.usecases.test_service import FACILITATOR, TEAM, start_request

PEOPLE = 150  # more than two groups claimed together


def everyone(count: int) -> list[str]:
    return [f"U{n:04d}" for n in range(count)]


def team_of(user_ids: Sequence[str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    words = ("product", "eng", "qa", "ops", "support", "mgmt", "shared")
    groups: dict[str, list[str]] = {}
    for n, user_id in enumerate(user_ids):
        groups.setdefault(words[n % len(words)], []).append(user_id)
    return tuple((word, tuple(ids)) for word, ids in groups.items())


@dataclass
class ListingDirectory:
    """A directory that can also list people, as users.list does: one listing a call."""

    lookups: list[str] = field(default_factory=list)
    listings: list[list[str]] = field(default_factory=list)

    async def person(self, user_id: str) -> Person:
        self.lookups.append(user_id)
        return Person(user_id=user_id, time_zone="Asia/Tokyo")

    async def people(self, user_ids: Sequence[str]) -> list[Person]:
        self.listings.append(list(user_ids))
        return [Person(user_id=u, time_zone="Asia/Tokyo") for u in user_ids]


@dataclass
class FlakyMessenger(FakeMessenger):
    """Slack refuses the DMs to some people, once each."""

    refuse: set[str] = field(default_factory=set)
    attempts: list[str] = field(default_factory=list)

    async def send_question(self, prompt: QuestionPrompt) -> str:
        self.attempts.append(prompt.user_id)
        if prompt.user_id in self.refuse:
            self.refuse.discard(prompt.user_id)
            raise ConnectionError("Slack is unreachable")
        return await super().send_question(prompt)


@pytest.fixture
def listing() -> ListingDirectory:
    return ListingDirectory()


@pytest.fixture
def flaky(clock: FakeClock) -> FlakyMessenger:
    return FlakyMessenger(clock=clock)


def services_with(
    database: Database, messenger: FakeMessenger, clock: FakeClock, directory: ListingDirectory
) -> Services:
    return bootstrap(dependencies(database, messenger, clock=clock, directory=directory))


async def test_everyone_is_asked_once_and_time_zones_come_from_one_listing(
    database: Database, flaky: FlakyMessenger, clock: FakeClock, listing: ListingDirectory
) -> None:
    services = services_with(database, flaky, clock, listing)
    people = everyone(PEOPLE)
    await services.starter.start_workshop(
        start_request(*team_of(people), mode=InterviewMode.ALL_AT_ONCE)
    )
    assert sorted(q.user_id for q in flaky.questions) == people
    assert all(q.first for q in flaky.questions)
    assert listing.lookups == [], "nobody looked up one by one"
    assert len(listing.listings) == 1
    assert set(listing.listings[0]) == {*people, FACILITATOR}

    # the first pass of the scheduler plans everyone's nudge from what was listed
    await services.reminders.run_due(clock.now())
    assert listing.lookups == []
    assert len(listing.listings) == 1


async def test_a_small_workshop_looks_people_up_when_needed(
    database: Database, flaky: FlakyMessenger, clock: FakeClock, listing: ListingDirectory
) -> None:
    services = services_with(database, flaky, clock, listing)
    people = everyone(LEARN_IN_BULK_FROM - 2)  # with the facilitator: one short
    await services.starter.start_workshop(
        start_request(*team_of(people), mode=InterviewMode.ALL_AT_ONCE)
    )
    assert listing.listings == []
    await services.reminders.run_due(clock.now())
    assert sorted(set(listing.lookups)) == people
    looked_up = len(listing.lookups)
    await services.reminders.run_due(clock.now())
    assert len(listing.lookups) == looked_up, "kept in the database, not asked again"


async def test_failed_sends_give_their_claims_back_and_go_out_later_exactly_once(
    database: Database, flaky: FlakyMessenger, clock: FakeClock, listing: ListingDirectory
) -> None:
    services = services_with(database, flaky, clock, listing)
    people = everyone(PEOPLE)
    refused = {people[3], people[CLAIMED_TOGETHER + 5]}
    flaky.refuse = set(refused)
    with pytest.raises(ConnectionError):
        await services.starter.start_workshop(
            start_request(*team_of(people), mode=InterviewMode.ALL_AT_ONCE)
        )
    # the first group went out whole but for the refused one; the groups after it wait
    asked = {q.user_id for q in flaky.questions}
    assert len(asked) == CLAIMED_TOGETHER - 1
    assert len(refused & set(flaky.attempts)) == 1
    async with database.transaction() as session:
        for user_id in people:
            (interview,) = await interviews.list_active_interviews_of_user(
                session, team_id=TEAM, user_id=user_id
            )
            if user_id in asked:
                assert interview.prompted_key is not None
                assert interview.prompt_ts is not None
            else:
                assert interview.prompted_key is None, f"{user_id}'s claim was given back"

    flaky.refuse.clear()  # Slack answers again
    resent = await services.asking.resume_unsent_prompts()
    assert resent == PEOPLE - len(asked)
    assert sorted(q.user_id for q in flaky.questions) == people, "each asked exactly once"
    assert await services.asking.prompt_users(people, team_id=TEAM) == 0
    assert len(flaky.questions) == PEOPLE


async def test_many_sends_count_only_what_went_out(
    database: Database, flaky: FlakyMessenger, clock: FakeClock, listing: ListingDirectory
) -> None:
    services = services_with(database, flaky, clock, listing)
    people = everyone(40)
    await services.starter.start_workshop(
        start_request(*team_of(people), mode=InterviewMode.ALL_AT_ONCE)
    )
    assert len(flaky.questions) == 40
    # asked again, with repeats and a stranger: nothing is due, nothing is sent twice
    assert await services.asking.prompt_users([*people, *people, "USTRANGER"], team_id=TEAM) == 0
    assert len(flaky.attempts) == 40


async def test_what_slack_said_is_asked_again_once_it_is_old(
    database: Database, clock: FakeClock
) -> None:
    inner = FakeDirectory()
    inner.add("UENG", "Europe/London")
    remembered = RememberedDirectory(inner, database, clock, fresh_for=timedelta(minutes=15))
    assert (await remembered.person("UENG")).time_zone == "Europe/London"
    inner.add("UENG", "Europe/London", deactivated=True)
    assert not (await remembered.person("UENG")).deactivated  # remembered
    assert inner.lookups == ["UENG"]
    clock.advance(minutes=16)
    assert (await remembered.person("UENG")).deactivated, "deactivation is noticed"
    assert inner.lookups == ["UENG", "UENG"]
