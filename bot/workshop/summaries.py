"""Assembling the summary and keeping its one channel message up to date."""

from __future__ import annotations

import asyncio

from bot.workshop.analysis import Summary, build_summary
from bot.workshop.errors import NoActiveWorkshop
from bot.workshop.model import Workshop
from bot.workshop.ports import Messenger
from bot.workshop.questions import QuestionBank
from storage import interviews, workshops
from storage.db import Database


class SummaryDesk:
    def __init__(self, *, database: Database, messenger: Messenger, bank: QuestionBank) -> None:
        self.database = database
        self.messenger = messenger
        self.bank = bank
        self._locks: dict[int, asyncio.Lock] = {}

    async def summarise(self, workshop_id: int) -> Summary:
        async with self.database.transaction() as session:
            workshop = await workshops.get_workshop(session, workshop_id=workshop_id)
            if workshop is None:
                raise NoActiveWorkshop()
            everyone = await interviews.list_interviews(session, workshop_id=workshop.id)
            answers = await interviews.list_answers(session, workshop_id=workshop.id)
        return build_summary(workshop, everyone, answers, self.bank)

    async def publish(self, workshop: Workshop) -> bool:
        """Post the summary, or update the one already posted. True when it was an update."""
        lock = self._locks.setdefault(workshop.id, asyncio.Lock())
        async with lock:
            async with self.database.transaction() as session:
                current = await workshops.get_workshop(session, workshop_id=workshop.id)
            existing = current.summary_ts if current is not None else None
            summary = await self.summarise(workshop.id)
            ts = await self.messenger.publish_summary(summary, existing_ts=existing)
            if ts != existing:
                async with self.database.transaction() as session:
                    await workshops.set_summary_ts(session, workshop_id=workshop.id, ts=ts)
            return existing is not None
