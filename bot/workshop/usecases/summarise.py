"""Assembling the path from the answers, and keeping its one summary in the channel
up to date: posted once, then updated in place. Also /p2p status and /p2p export, which
read the same assembled workshop."""

from __future__ import annotations

import asyncio

from bot.documents.export import render
from bot.documents.summary import render_summary_markdown
from bot.rendering import Renderer
from bot.workshop.core.analysis.metrics import analyse_path
from bot.workshop.core.analysis.model import PathAnalysis
from bot.workshop.core.errors import NoActiveWorkshop, NotFacilitator, WorkshopNotFound
from bot.workshop.core.export import ExportFormat, build_export, without_names
from bot.workshop.core.model import Answer, Interview, Workshop, WorkshopStatus
from bot.workshop.core.progress import WorkshopProgress, workshop_progress
from bot.workshop.ports import Database, Dependencies, Notice, NoticeKind, SharedFile, UseCase
from storage import interviews, workshops


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


class SummaryDesk(UseCase):
    def __init__(self, deps: Dependencies) -> None:
        super().__init__(deps)
        self._locks: dict[int, asyncio.Lock] = {}

    async def channel_workshop(self, *, team_id: str, channel_id: str) -> Workshop:
        """The channel's running workshop, else its latest one."""
        async with self.database.transaction() as session:
            workshop = await workshops.get_active_workshop(
                session, team_id=team_id, channel_id=channel_id
            ) or await workshops.get_latest_workshop(
                session, team_id=team_id, channel_id=channel_id
            )
        if workshop is None:
            raise NoActiveWorkshop()
        return workshop

    async def status(self, *, team_id: str, channel_id: str) -> WorkshopProgress:
        """/p2p status: how far the channel's workshop has got, person by person."""
        workshop = await self.channel_workshop(team_id=team_id, channel_id=channel_id)
        return await self.progress(workshop.id)

    async def publish_in_channel(self, *, team_id: str, channel_id: str) -> Notice:
        """/p2p summary: post the channel's summary now, or update the one posted."""
        workshop = await self.channel_workshop(team_id=team_id, channel_id=channel_id)
        updated = await self.publish(workshop)
        kind = NoticeKind.SUMMARY_UPDATED if updated else NoticeKind.SUMMARY_POSTED
        return Notice(kind=kind, context={"title": workshop.title})

    async def share_exports(self, *, team_id: str, channel_id: str, user_id: str) -> Notice:
        """/p2p export, for the facilitator and co-facilitators: the workshop as files in
        the summary's thread (posted first if need be): Markdown, CSV and JSON, naming
        people only when the workshop's quotes do. Shared again, they replace the last."""
        workshop = await self.channel_workshop(team_id=team_id, channel_id=channel_id)
        if not workshop.can_be_changed_by(user_id):
            raise NotFacilitator(facilitator_id=workshop.facilitator_id, doing="export")
        if workshop.summary_posts is None:
            await self.publish(workshop)
        await self.reshare_exports(workshop.id, always=True)
        return Notice(kind=NoticeKind.EXPORTS_SHARED, context={"title": workshop.title})

    async def reshare_exports(self, workshop_id: int, *, always: bool = False) -> None:
        """Share the files again from what is stored now, deleting the ones shared before;
        unless ``always``, only where files were shared (after forget-me, say)."""
        lock = self._locks.setdefault(workshop_id, asyncio.Lock())
        async with lock:
            current, everyone, answers = await self._load(workshop_id)
            posts = current.summary_posts
            if posts is None or not (always or posts.export_files):
                return
            shared = await self.messenger.share_exports(
                current, self._exports(current, everyone, answers), previous=posts.export_files
            )
            async with self.database.transaction() as session:
                await workshops.set_summary_posts(
                    session,
                    workshop_id=workshop_id,
                    posts=posts.model_copy(update={"export_files": shared}),
                )

    def _exports(
        self, workshop: Workshop, everyone: list[Interview], answers: list[Answer]
    ) -> list[SharedFile]:
        analysis = analyse_path(workshop, everyone, answers, self.bank, self.themes)
        document = build_export(workshop, everyone, answers, self.bank)
        named = workshop.details.named
        if not named:
            document = without_names(document)
        markdown = render_summary_markdown(analysis, Renderer(for_slack=False), named=named)
        return [
            SharedFile(name="summary.md", title="Summary", content=markdown.encode()),
            SharedFile(
                name="answers.csv",
                title="Every answer",
                content=render(document, ExportFormat.CSV).encode(),
            ),
            SharedFile(
                name="workshop.json",
                title="The whole workshop (p2p import reads it)",
                content=render(document, ExportFormat.JSON).encode(),
            ),
        ]

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

    async def stage_detail(
        self, *, team_id: str, workshop_id: int
    ) -> tuple[Workshop, PathAnalysis]:
        """The summary's stage-by-stage view, for anyone in the workshop's workspace."""
        workshop, analysis = await self.analyse(workshop_id)
        if workshop.team_id != team_id:
            raise WorkshopNotFound(workshop_id=workshop_id)
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
