"""Starting a workshop: what stands in the way, and the start itself, which announces it in
the channel and asks the first role (or everyone) their first question.

One unit of work creates the workshop and its interviews; Slack is told after the commit.
"""

from __future__ import annotations

import asyncio
import logging

from bot.workshop.core.analysis.quotes import roles_quoted_anonymously
from bot.workshop.core.errors import BotNotInChannel, WorkshopAlreadyActive, WorkshopError
from bot.workshop.core.interview import interviews_to_start
from bot.workshop.core.planning import StartRequest, find_problems, plan_workshop
from bot.workshop.ports import Dependencies, Notice, NoticeKind, UseCase
from bot.workshop.usecases.ask_next import QuestionSender
from bot.workshop.usecases.people import RememberedDirectory
from storage import interviews, workshops

logger = logging.getLogger(__name__)

# From this many people starting at once, their time zones come from one listing of the
# workspace (a page of 200 a call) instead of a lookup each.
LEARN_IN_BULK_FROM = 20


class WorkshopStarter(UseCase):
    def __init__(self, deps: Dependencies, *, asking: QuestionSender) -> None:
        super().__init__(deps)
        self.asking = asking

    def find_problems(self, request: StartRequest) -> list[WorkshopError]:
        """What stands in the way of starting, each naming its form field."""
        return find_problems(request, self.template, today=self.clock.now().date())

    async def check_can_start(self, *, team_id: str, channel_id: str) -> None:
        """Refuse early, while the set-up form opens, what would be refused at the end."""
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
        learning = asyncio.create_task(
            self._learn_people([workshop.facilitator_id, *(i.user_id for i in starting)])
        )
        try:
            await self.asking.prompt_users([i.user_id for i in starting], team_id=workshop.team_id)
        finally:
            await learning
        lone = roles_quoted_anonymously(created, named=workshop.details.named)
        return Notice(
            kind=NoticeKind.WORKSHOP_STARTED,
            context={
                "title": workshop.title,
                "people": len({i.user_id for i in created}),
                "roles": len(workshop.roles),
                "mode": workshop.mode.value,
                # quotes from these roles will read "a participant": told to the facilitator
                "lone_roles": ", ".join(r.name for r in workshop.role_order() if r.key in lone),
            },
        )

    async def _learn_people(self, user_ids: list[str]) -> None:
        """Many people starting at once: learn their time zones from one listing of the
        workspace while their questions go out, rather than one lookup a person when
        their reminders are planned. Fewer are looked up one by one, when needed."""
        if len(set(user_ids)) < LEARN_IN_BULK_FROM or not isinstance(
            self.directory, RememberedDirectory
        ):
            return
        try:
            await self.directory.learn(user_ids)
        except Exception:
            logger.exception("could not list the workspace; people are looked up one by one")
