"""What Slack says about people (time zones, deactivation), kept in the database so
that every process shares it and Slack is asked about somebody at most once in a while."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.workshop.ports import Clock, Database, Directory, Person, Roster
from storage import people


class RememberedDirectory:
    """A directory whose answers are kept in the database for ``fresh_for``, shared by
    every process: a reminder asks Slack about somebody at most once in that time, and
    a workshop of many people learns everyone's time zone from one listing (``learn``).
    Deactivation is among what is kept, so it is noticed within ``fresh_for`` at worst."""

    def __init__(
        self,
        directory: Directory,
        database: Database,
        clock: Clock,
        *,
        fresh_for: timedelta = timedelta(minutes=15),
    ) -> None:
        self.directory = directory
        self.database = database
        self.clock = clock
        self.fresh_for = fresh_for

    async def person(self, user_id: str) -> Person:
        now = self.clock.now()
        async with self.database.transaction() as session:
            known = await people.list_known_people(
                session, user_ids=[user_id], checked_since=now - self.fresh_for
            )
        if user_id in known:
            return _person(known[user_id])
        person = await self.directory.person(user_id)
        await self._keep([person], now)
        return person

    async def learn(self, user_ids: Sequence[str]) -> int:
        """Ask Slack once, with its listing, about those of ``user_ids`` not known lately;
        returns how many it told about. A directory that cannot list learns nothing here:
        each person is asked about when first needed."""
        if not isinstance(self.directory, Roster):
            return 0
        now = self.clock.now()
        async with self.database.transaction() as session:
            known = await people.list_known_people(
                session, user_ids=user_ids, checked_since=now - self.fresh_for
            )
        wanted = [u for u in dict.fromkeys(user_ids) if u not in known]
        if not wanted:
            return 0
        listed = await self.directory.people(wanted)
        await self._keep(listed, now)
        return len(listed)

    async def _keep(self, found: Sequence[Person], now: datetime) -> None:
        async with self.database.transaction() as session:
            await people.save_people(
                session,
                people=[
                    people.KnownPerson(
                        user_id=p.user_id,
                        time_zone=p.time_zone,
                        deactivated=p.deactivated,
                        checked_at=now,
                    )
                    for p in found
                ],
            )


def _person(known: people.KnownPerson) -> Person:
    return Person(user_id=known.user_id, time_zone=known.time_zone, deactivated=known.deactivated)
