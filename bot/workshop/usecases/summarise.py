"""Assembling the path from the answers, and keeping its one summary in the channel
up to date: posted once, then updated in place."""

from __future__ import annotations

import asyncio

from bot.workshop.core.analysis.metrics import analyse_path
from bot.workshop.core.analysis.model import PathAnalysis
from bot.workshop.core.analysis.themes import ThemeBook
from bot.workshop.core.errors import WorkshopNotFound
from bot.workshop.core.model import Answer, Interview, Workshop, WorkshopStatus
from bot.workshop.core.progress import WorkshopProgress, workshop_progress
from bot.workshop.core.questions import QuestionBank
from bot.workshop.ports import Messenger
from storage import interviews, workshops
from storage.db import Database


async def load_workshop(
    database: Database, *, workshop_id: int | None = None, channel_id: str | None = None
) -> tuple[Workshop, list[Interview], list[Answer]]:
    """The workshop with that id, else the latest in that channel, else the latest."""
    async with database.transaction() as session:
        if workshop_id is not None:
            workshop = await workshops.get_workshop(session, workshop_id=workshop_id)
        else:
            workshop = await workshops.get_latest_workshop(session, channel_id=channel_id)
        if workshop is None:
            raise WorkshopNotFound(workshop_id=workshop_id, channel_id=channel_id)
        everyone = await interviews.list_interviews(session, workshop_id=workshop.id)
        answers = await interviews.list_answers(session, workshop_id=workshop.id)
    return workshop, everyone, answers


class SummaryDesk:
    def __init__(
        self, *, database: Database, messenger: Messenger, bank: QuestionBank, themes: ThemeBook
    ) -> None:
        self.database = database
        self.messenger = messenger
        self.bank = bank
        self.themes = themes
        self._locks: dict[int, asyncio.Lock] = {}

    async def _load(self, workshop_id: int) -> tuple[Workshop, list[Interview], list[Answer]]:
        return await load_workshop(self.database, workshop_id=workshop_id)

    async def progress(self, workshop_id: int) -> WorkshopProgress:
        """Who has answered how much: for /p2p status."""
        workshop, everyone, answers = await self._load(workshop_id)
        return workshop_progress(workshop, everyone, answers, self.bank)

    async def analyse(self, workshop_id: int) -> tuple[Workshop, PathAnalysis]:
        workshop, everyone, answers = await self._load(workshop_id)
        analysis = analyse_path(workshop, everyone, answers, self.bank, self.themes)
        return workshop, analysis

    async def publish(self, workshop: Workshop) -> bool:
        """Post the summary, or update the one already posted. True when it was an update."""
        lock = self._locks.setdefault(workshop.id, asyncio.Lock())
        async with lock:
            current, analysis = await self.analyse(workshop.id)
            previous = current.summary_posts
            posts = await self.messenger.publish_summary(
                analysis,
                channel_id=current.channel_id,
                named=current.details.named,
                updated=previous is not None
                and (previous.complete or current.status is WorkshopStatus.CLOSED),
                previous=previous,
            )
            async with self.database.transaction() as session:
                await workshops.set_summary_posts(session, workshop_id=workshop.id, posts=posts)
            return previous is not None
