"""What facilitators (and the co-facilitators they name) can do to a running workshop:
close it, skip a role, extend the deadline, remind people, cancel it. And what anyone can
ask for themselves: to be forgotten."""

from __future__ import annotations

from datetime import timedelta

from bot.workshop.core.durations import DurationRange, parse_duration
from bot.workshop.core.errors import (
    BadDuration,
    NoActiveWorkshop,
    NotFacilitator,
    NotInWorkshop,
    UnknownRole,
)
from bot.workshop.core.interview import working_days
from bot.workshop.core.model import InterviewStatus, Workshop, WorkshopStatus
from bot.workshop.ports import Notice, NoticeKind
from bot.workshop.usecases.ask_next import advance_workshop
from bot.workshop.usecases.moving_on import WorkshopMover
from storage import interviews, workshops


class FacilitatorDesk(WorkshopMover):
    async def workshop_to_change(self, *, team_id: str, channel_id: str, user_id: str) -> Workshop:
        """The channel's running workshop, if this person may change it."""
        async with self.database.transaction() as session:
            workshop = await workshops.get_active_workshop(
                session, team_id=team_id, channel_id=channel_id
            )
        if workshop is None:
            raise NoActiveWorkshop()
        if not workshop.can_be_changed_by(user_id):
            raise NotFacilitator(facilitator_id=workshop.facilitator_id)
        return workshop

    async def close(self, *, team_id: str, channel_id: str, user_id: str) -> Notice:
        """Close now: the summary is posted with its gaps. People already answering may
        still finish, and their answers update the summary in place."""
        workshop = await self.workshop_to_change(
            team_id=team_id, channel_id=channel_id, user_id=user_id
        )
        now = self.clock.now()
        async with self.database.transaction() as session:
            await interviews.skip_unfinished(
                session, workshop_id=workshop.id, now=now, statuses=(InterviewStatus.WAITING,)
            )
            await workshops.close_workshop(session, workshop_id=workshop.id, now=now)
        await self.summaries.publish(workshop)
        return Notice(kind=NoticeKind.WORKSHOP_CLOSED, context={"title": workshop.title})

    async def skip_role(
        self, *, team_id: str, channel_id: str, user_id: str, role_word: str
    ) -> Notice:
        workshop = await self.workshop_to_change(
            team_id=team_id, channel_id=channel_id, user_id=user_id
        )
        found = self.template.find_role(role_word)
        role = next((r for r in workshop.roles if found and r.key == found.key), None)
        if role is None:
            known = ", ".join(f"`{r.key}`" for r in workshop.roles)
            raise UnknownRole(word=role_word, known=known)
        now = self.clock.now()
        async with self.database.transaction() as session:
            skipped = await interviews.skip_unfinished(
                session, workshop_id=workshop.id, now=now, role_key=role.key
            )
            started, finished = await advance_workshop(session, workshop, now)
        await self.asking.prompt_users([i.user_id for i in started], team_id=team_id)
        if finished is not None:
            await self.summaries.publish(finished)
        return Notice(
            kind=NoticeKind.ROLE_SKIPPED,
            context={"role": role.name, "people": len(skipped), "title": workshop.title},
        )

    async def extend(self, *, team_id: str, channel_id: str, user_id: str, text: str) -> Notice:
        workshop = await self.workshop_to_change(
            team_id=team_id, channel_id=channel_id, user_id=user_id
        )
        duration = parse_duration(text)
        if not isinstance(duration, DurationRange) or duration.high <= 0:
            raise BadDuration(text=text[:60])
        days = max(1, round(working_days(duration) * 7 / 5))  # calendar days for a date
        start = workshop.details.deadline or self.clock.now().date()
        deadline = start + timedelta(days=days)
        async with self.database.transaction() as session:
            await workshops.set_details(
                session,
                workshop_id=workshop.id,
                details=workshop.details.model_copy(update={"deadline": deadline}),
            )
        return Notice(
            kind=NoticeKind.DEADLINE_EXTENDED,
            context={"title": workshop.title, "deadline": deadline.isoformat()},
        )

    async def remind(
        self, *, team_id: str, channel_id: str, user_id: str, target: str | None
    ) -> Notice:
        """Remind everyone who owes answers now (or one person), with their question."""
        workshop = await self.workshop_to_change(
            team_id=team_id, channel_id=channel_id, user_id=user_id
        )
        async with self.database.transaction() as session:
            everyone = await interviews.list_interviews(session, workshop_id=workshop.id)
        due = [
            i
            for i in everyone
            if i.status is InterviewStatus.ACTIVE and (target is None or i.user_id == target)
        ]
        if target is not None and not due:
            raise NotInWorkshop(user_id=target)
        for interview in due:
            await self.messenger.send_notice(
                interview.user_id,
                Notice(
                    kind=NoticeKind.REMINDER,
                    context={"facilitator_id": user_id, "title": workshop.title},
                ),
            )
            await self.asking.ask_again(interview, team_id=team_id)
        return Notice(kind=NoticeKind.REMINDED, context={"people": len(due)})

    async def cancel(self, *, team_id: str, channel_id: str, user_id: str) -> Notice:
        """Stop the workshop; nothing is deleted (answers stay, and can be exported)."""
        workshop = await self.workshop_to_change(
            team_id=team_id, channel_id=channel_id, user_id=user_id
        )
        now = self.clock.now()
        async with self.database.transaction() as session:
            # interviews before the workshop, as everywhere (see advance_workshop)
            await interviews.skip_unfinished(session, workshop_id=workshop.id, now=now)
            await workshops.cancel_workshop(session, workshop_id=workshop.id, now=now)
        return Notice(kind=NoticeKind.WORKSHOP_CANCELLED, context={"title": workshop.title})

    async def forget(self, *, team_id: str, user_id: str) -> Notice:
        """Delete a person's answers everywhere in the team, those given for a colleague
        included; summaries are updated, and files shared from them replaced."""
        async with self.database.transaction() as session:
            touched = await interviews.forget_user(
                session, team_id=team_id, user_id=user_id, now=self.clock.now()
            )
            affected = [
                w
                for wid in touched
                if (w := await workshops.get_workshop(session, workshop_id=wid)) is not None
            ]
        for workshop in affected:
            if (
                workshop.summary_posts is not None
                and workshop.status is not WorkshopStatus.CANCELLED
            ):
                await self.summaries.publish(workshop)
                await self.summaries.reshare_exports(workshop.id)
        return Notice(kind=NoticeKind.FORGOTTEN, context={"workshops": len(affected)})
