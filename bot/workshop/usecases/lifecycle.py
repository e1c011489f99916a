"""What happens when Slack tells p2p that the app was removed, or that a person left."""

from __future__ import annotations

import logging

from bot.workshop.core.model import Team
from bot.workshop.ports import Notice, NoticeKind
from bot.workshop.usecases.ask_next import advance_workshop
from bot.workshop.usecases.moving_on import WorkshopMover
from storage import interviews, jobs, workshops

logger = logging.getLogger(__name__)


class Lifecycle(WorkshopMover):
    async def app_removed(self, team: Team, *, enterprise_wide: bool = False) -> int:
        """The app was uninstalled or its tokens revoked: every running workshop of the
        team (of its whole Enterprise Grid org when it was installed org-wide) stops, with
        all its reminders and deadlines. Nothing is deleted."""
        now = self.clock.now()
        team_id = team.team_id
        async with self.database.transaction() as session:
            if enterprise_wide and team.enterprise_id:
                team_id = team.enterprise_id
                running = await workshops.list_collecting_workshops(
                    session, enterprise_id=team.enterprise_id
                )
            else:
                running = await workshops.list_collecting_workshops(session, team_id=team.team_id)
            for workshop in running:
                # interviews before the workshop, as everywhere (see advance_workshop)
                await interviews.skip_unfinished(session, workshop_id=workshop.id, now=now)
                await workshops.cancel_workshop(session, workshop_id=workshop.id, now=now)
                await jobs.finish_workshop_jobs(session, workshop_id=workshop.id, now=now)
        if running:
            logger.info("app removed from %s: stopped %d workshop(s)", team_id, len(running))
        return len(running)

    async def person_deactivated(self, *, team_id: str, user_id: str) -> int:
        """A deactivated person is asked nothing more; their part shows as a gap, the next
        role starts, and the facilitator is told."""
        now = self.clock.now()
        told: list[tuple[str, Notice]] = []
        started_users: list[str] = []
        finished = []
        async with self.database.transaction() as session:
            for workshop in await workshops.list_collecting_workshops(session, team_id=team_id):
                everyone = await interviews.list_interviews(session, workshop_id=workshop.id)
                theirs = [i for i in everyone if i.user_id == user_id and not i.status.finished]
                for interview in theirs:
                    await interviews.skip_interview(session, interview_id=interview.id, now=now)
                    told.append(
                        (
                            workshop.facilitator_id,
                            Notice(
                                kind=NoticeKind.PERSON_DEACTIVATED,
                                context={
                                    "user_id": user_id,
                                    "role": workshop.role(interview.role_key).name,
                                    "title": workshop.title,
                                },
                            ),
                        )
                    )
                if theirs:
                    started, done = await advance_workshop(session, workshop, now)
                    started_users.extend(i.user_id for i in started)
                    if done is not None:
                        finished.append(done)
        for facilitator, notice in told:
            await self.messenger.send_notice(facilitator, notice)
        await self.asking.prompt_users(started_users, team_id=team_id)
        for workshop in finished:
            await self.summaries.publish(workshop)
        return len(told)
