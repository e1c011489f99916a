"""Workshop use cases: start one, see how it is going, post its summary.

Each opens its own unit of work and talks to Slack only after the commit.
"""

from __future__ import annotations

import logging

from bot.documents.export import render
from bot.documents.summary import render_summary_markdown
from bot.rendering import Renderer
from bot.workshop.core.analysis.themes import ThemeBook
from bot.workshop.core.errors import (
    BotNotInChannel,
    NoActiveWorkshop,
    WorkshopAlreadyActive,
    WorkshopError,
)
from bot.workshop.core.export import ExportFormat
from bot.workshop.core.interview import interviews_to_start
from bot.workshop.core.model import Workshop
from bot.workshop.core.planning import StartRequest, find_problems, plan_workshop
from bot.workshop.core.progress import WorkshopProgress
from bot.workshop.core.questions import PathTemplate, QuestionBank
from bot.workshop.core.schedule import ReminderPolicy
from bot.workshop.ports import Clock, Directory, Messenger, Notice, NoticeKind, SharedFile
from bot.workshop.usecases.answer import Interviewer
from bot.workshop.usecases.archive import WorkshopArchive
from bot.workshop.usecases.facilitate import FacilitatorDesk
from bot.workshop.usecases.home import HomeOverview, home_overview
from bot.workshop.usecases.lifecycle import Lifecycle
from bot.workshop.usecases.remind import Reminders, UnknownDirectory
from bot.workshop.usecases.revise import Revisions
from bot.workshop.usecases.summarise import SummaryDesk
from storage import interviews, workshops
from storage.db import Database

logger = logging.getLogger(__name__)


class WorkshopService:
    def __init__(
        self,
        *,
        database: Database,
        messenger: Messenger,
        clock: Clock,
        template: PathTemplate,
        interviewer: Interviewer,
        summaries: SummaryDesk,
        archive: WorkshopArchive,
    ) -> None:
        self.database = database
        self.messenger = messenger
        self.clock = clock
        self.template = template
        self.interviewer = interviewer
        self.summaries = summaries
        self.archive = archive

    # -- starting -------------------------------------------------------------------------

    def find_problems(self, request: StartRequest) -> list[WorkshopError]:
        """What stands in the way of starting, each naming its form field."""
        return find_problems(request, self.template, today=self.clock.now().date())

    async def check_can_start(self, *, team_id: str, channel_id: str) -> None:
        """Refuse early, before the set-up form opens, what would be refused at the end."""
        if not await self.messenger.can_post_in(channel_id):
            raise BotNotInChannel(channel_id=channel_id)
        async with self.database.transaction() as session:
            active = await workshops.get_active_workshop(
                session, team_id=team_id, channel_id=channel_id
            )
        if active is not None:
            raise WorkshopAlreadyActive(title=active.title)

    async def start_workshop(self, request: StartRequest) -> Notice:
        plan = plan_workshop(request, self.template)
        if not await self.messenger.can_post_in(request.channel_id):
            raise BotNotInChannel(channel_id=request.channel_id)
        now = self.clock.now()
        async with self.database.transaction() as session:
            active = await workshops.get_active_workshop(
                session, team_id=plan.team_id, channel_id=plan.channel_id
            )
            if active is not None:
                raise WorkshopAlreadyActive(title=active.title)
            workshop = await workshops.create_workshop(session, plan=plan, now=now)
            order = {role.key: index for index, role in enumerate(workshop.role_order())}
            created = await interviews.create_interviews(
                session,
                workshop_id=workshop.id,
                assignments=sorted(plan.assignments, key=lambda a: order[a.role_key]),
            )
            starting = interviews_to_start(workshop, created)
            await interviews.activate_interviews(
                session, interview_ids=[i.id for i in starting], now=now
            )
        people: dict[str, list[str]] = {}
        for interview in created:
            people.setdefault(workshop.role(interview.role_key).name, []).append(interview.user_id)
        ts = await self.messenger.announce_workshop(workshop, people)
        async with self.database.transaction() as session:
            await workshops.set_announcement_ts(session, workshop_id=workshop.id, ts=ts)
        await self.interviewer.prompt_users([i.user_id for i in starting], team_id=workshop.team_id)
        return Notice(
            kind=NoticeKind.WORKSHOP_STARTED,
            context={
                "title": workshop.title,
                "people": len({i.user_id for i in created}),
                "roles": len(workshop.roles),
                "mode": workshop.mode.value,
            },
        )

    # -- the summary ----------------------------------------------------------------------

    async def _channel_workshop(self, *, team_id: str, channel_id: str) -> Workshop:
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
        workshop = await self._channel_workshop(team_id=team_id, channel_id=channel_id)
        return await self.summaries.progress(workshop.id)

    async def home(self, *, team_id: str, user_id: str) -> HomeOverview:
        return await home_overview(
            self.database, self.summaries.bank, team_id=team_id, user_id=user_id
        )

    async def share_exports(self, *, team_id: str, channel_id: str) -> Notice:
        """The workshop as files in the summary's thread: Markdown, CSV and JSON."""
        workshop = await self._channel_workshop(team_id=team_id, channel_id=channel_id)
        current, analysis = await self.summaries.analyse(workshop.id)
        document = await self.archive.export_workshop(workshop_id=workshop.id)
        named = current.details.named
        markdown = render_summary_markdown(analysis, Renderer(for_slack=False), named=named)
        files = [
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
        await self.messenger.share_exports(current, files)
        return Notice(kind=NoticeKind.EXPORTS_SHARED, context={"title": current.title})

    async def publish_summary(self, *, team_id: str, channel_id: str) -> Notice:
        workshop = await self._channel_workshop(team_id=team_id, channel_id=channel_id)
        updated = await self.summaries.publish(workshop)
        kind = NoticeKind.SUMMARY_UPDATED if updated else NoticeKind.SUMMARY_POSTED
        return Notice(kind=kind, context={"title": workshop.title})


class Services:
    """The use cases, wired together once per process."""

    def __init__(
        self,
        *,
        database: Database,
        messenger: Messenger,
        clock: Clock,
        bank: QuestionBank,
        template: PathTemplate,
        themes: ThemeBook,
        directory: Directory | None = None,
        reminder_policy: ReminderPolicy | None = None,
    ) -> None:
        self.messenger = messenger
        self.summaries = SummaryDesk(
            database=database, messenger=messenger, bank=bank, themes=themes
        )
        self.interviews = Interviewer(
            database=database,
            messenger=messenger,
            clock=clock,
            bank=bank,
            summaries=self.summaries,
        )
        self.revisions = Revisions(
            database=database,
            messenger=messenger,
            clock=clock,
            bank=bank,
            summaries=self.summaries,
        )
        self.controls = FacilitatorDesk(
            database=database,
            messenger=messenger,
            clock=clock,
            template=template,
            interviewer=self.interviews,
            summaries=self.summaries,
        )
        self.lifecycle = Lifecycle(
            database=database,
            messenger=messenger,
            clock=clock,
            interviewer=self.interviews,
            summaries=self.summaries,
        )
        self.workshops = WorkshopService(
            database=database,
            messenger=messenger,
            clock=clock,
            template=template,
            interviewer=self.interviews,
            summaries=self.summaries,
            archive=WorkshopArchive(database=database, bank=bank),
        )
        self.reminders = Reminders(
            database=database,
            messenger=messenger,
            directory=directory or UnknownDirectory(),
            clock=clock,
            interviewer=self.interviews,
            summaries=self.summaries,
            policy=reminder_policy or ReminderPolicy(),
        )
