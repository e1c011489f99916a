"""Workshop use cases: start one, see how it is going, post its summary.

Each opens its own unit of work and talks to Slack only after the commit.
"""

from __future__ import annotations

import logging

from bot.workshop.analysis import Summary
from bot.workshop.errors import (
    BotNotInChannel,
    NoActiveWorkshop,
    NoParticipants,
    UnknownRole,
    WorkshopAlreadyActive,
)
from bot.workshop.interview import interviews_to_start
from bot.workshop.interviewing import Interviewer
from bot.workshop.model import Assignment, Frozen, InterviewMode, Workshop, WorkshopPlan
from bot.workshop.ports import Clock, Messenger, Notice, NoticeKind
from bot.workshop.questions import PathTemplate, QuestionBank
from bot.workshop.summaries import SummaryDesk
from storage import interviews, workshops
from storage.db import Database

logger = logging.getLogger(__name__)


class RoleRequest(Frozen):
    word: str  # as the facilitator typed it: "eng", "product", …
    user_ids: tuple[str, ...]


class StartRequest(Frozen):
    team_id: str
    channel_id: str
    user_id: str
    title: str
    roles: tuple[RoleRequest, ...]
    mode: InterviewMode = InterviewMode.IN_TURN


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
    ) -> None:
        self.database = database
        self.messenger = messenger
        self.clock = clock
        self.template = template
        self.interviewer = interviewer
        self.summaries = summaries

    # -- starting -------------------------------------------------------------------------

    def plan_workshop(self, request: StartRequest) -> WorkshopPlan:
        assignments: list[Assignment] = []
        for role_request in request.roles:
            role = self.template.find_role(role_request.word)
            if role is None:
                known = ", ".join(r.key for r in self.template.roles)
                raise UnknownRole(word=role_request.word, known=known)
            for user_id in role_request.user_ids:
                assignment = Assignment(user_id=user_id, role_key=role.key)
                if assignment not in assignments:
                    assignments.append(assignment)
        if not assignments:
            raise NoParticipants()
        assigned = {a.role_key for a in assignments}
        roles = tuple(r.as_role() for r in self.template.roles if r.key in assigned)
        stages = tuple(
            s.as_stage().model_copy(update={"roles": tuple(k for k in s.owners if k in assigned)})
            for s in self.template.stages
        )
        return WorkshopPlan(
            team_id=request.team_id,
            channel_id=request.channel_id,
            facilitator_id=request.user_id,
            title=request.title,
            mode=request.mode,
            stages=stages,
            roles=roles,
            assignments=tuple(assignments),
        )

    async def start_workshop(self, request: StartRequest) -> Notice:
        plan = self.plan_workshop(request)
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

    async def status(self, *, team_id: str, channel_id: str) -> Summary:
        workshop = await self._channel_workshop(team_id=team_id, channel_id=channel_id)
        return await self.summaries.summarise(workshop.id)

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
    ) -> None:
        self.summaries = SummaryDesk(database=database, messenger=messenger, bank=bank)
        self.interviews = Interviewer(
            database=database,
            messenger=messenger,
            clock=clock,
            bank=bank,
            summaries=self.summaries,
        )
        self.workshops = WorkshopService(
            database=database,
            messenger=messenger,
            clock=clock,
            template=template,
            interviewer=self.interviews,
            summaries=self.summaries,
        )
