"""Deadline jobs: a role's time running out (in turn), the facilitator's warning a day
before the workshop deadline, and the workshop deadline itself.

Each is one unit of work that changes the workshop and records what it did on the job
(``outcome``), then tells Slack after the commit. If telling Slack fails, the job is
pending again with its outcome, and the next attempt only tells Slack again: asking
the next role's questions and posting the summary are safe to repeat, and the
facilitator's message goes last.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, tzinfo

from bot.workshop.core.calendar import zone_named
from bot.workshop.core.model import Frozen, Interview, Workshop
from bot.workshop.core.schedule import (
    Job,
    JobKind,
    Plan,
    Step,
    plan_deadline_warning,
    plan_role_deadline,
    plan_workshop_deadline,
    roles_answered,
)
from bot.workshop.core.transaction import Transaction
from bot.workshop.ports import Person, ReminderNotice, ReminderNoticeKind
from bot.workshop.usecases.ask_next import advance_workshop
from bot.workshop.usecases.moving_on import WorkshopMover
from storage import interviews, jobs, workshops

logger = logging.getLogger(__name__)


class DeadlineOutcome(Frozen):
    """What a deadline job did, kept on the job so that delivery can be repeated."""

    role: str | None = None  # the role whose time ran out
    skipped: tuple[str, ...] = ()  # people whose interviews were skipped
    started: tuple[str, ...] = ()  # people whose turn has come
    next_role: str | None = None
    closed: bool = False  # the workshop is closed: its summary is due
    answered: int = 0  # roles that have answered, of…
    total: int = 0


class Deadlines(WorkshopMover):
    async def run(self, job: Job, facilitator: Person, now: datetime) -> bool:
        """Act on a claimed deadline job if its time has come. True when it acted."""
        zone = zone_named(facilitator.time_zone)
        async with self.database.transaction() as session:
            current = await jobs.lock_claimed_job(session, job_id=job.id, token=job.claim_token)
            if current is None:
                return False  # our claim lapsed and somebody else has it
            workshop = await workshops.get_workshop(session, workshop_id=current.workshop_id)
            if current.outcome is not None:  # done before; only the telling failed
                outcome = DeadlineOutcome.model_validate(current.outcome)
            else:
                everyone = await interviews.list_interviews(session, workshop_id=job.workshop_id)
                plan = self._plan(current, workshop, everyone, now=now, zone=zone)
                if plan.step is Step.DROP:
                    await jobs.finish_job(session, job_id=current.id, now=now)
                    return False
                if plan.step is Step.WAIT:
                    assert plan.due_at is not None
                    await jobs.reschedule_job(
                        session,
                        job_id=current.id,
                        due_at=plan.due_at,
                        anchor_at=current.anchor_at,
                        count=0,
                        zone=facilitator.time_zone or "UTC",
                    )
                    return False
                assert workshop is not None
                outcome = await self._apply(session, current, workshop, now)
            await jobs.finish_job(
                session, job_id=current.id, now=now, outcome=outcome.model_dump(mode="json")
            )
        assert workshop is not None
        try:
            await self._deliver(current, workshop, outcome, facilitator)
        except Exception:
            logger.exception("could not tell Slack about %s job %d; retrying", job.kind, job.id)
            async with self.database.transaction() as session:
                await jobs.retry_job(
                    session, job_id=current.id, due_at=self.policy.retry_at(now, current.attempts)
                )
            return False
        return True

    def _plan(
        self,
        job: Job,
        workshop: Workshop | None,
        everyone: Sequence[Interview],
        *,
        now: datetime,
        zone: tzinfo,
    ) -> Plan:
        if job.kind is JobKind.ROLE_DEADLINE:
            return plan_role_deadline(
                job, workshop, everyone, now=now, zone=zone, policy=self.policy
            )
        if job.kind is JobKind.WORKSHOP_DEADLINE_WARNING:
            return plan_deadline_warning(workshop, now=now, zone=zone, policy=self.policy)
        return plan_workshop_deadline(workshop, now=now, zone=zone)

    async def _apply(
        self, session: Transaction, job: Job, workshop: Workshop, now: datetime
    ) -> DeadlineOutcome:
        outcome = DeadlineOutcome()
        if job.kind is JobKind.ROLE_DEADLINE:
            assert job.role_key is not None
            skipped = await interviews.skip_unfinished(
                session, workshop_id=workshop.id, now=now, role_key=job.role_key
            )
            started, finished = await advance_workshop(session, workshop, now)
            outcome = DeadlineOutcome(
                role=workshop.role(job.role_key).name,
                skipped=tuple(i.user_id for i in skipped),
                started=tuple(i.user_id for i in started),
                next_role=workshop.role(started[0].role_key).name if started else None,
                closed=finished is not None,
            )
        elif job.kind is JobKind.WORKSHOP_DEADLINE:
            skipped = await interviews.skip_unfinished(session, workshop_id=workshop.id, now=now)
            closed = await workshops.close_workshop(session, workshop_id=workshop.id, now=now)
            outcome = DeadlineOutcome(skipped=tuple(i.user_id for i in skipped), closed=closed)
        if outcome.closed:
            await jobs.finish_workshop_jobs(session, workshop_id=workshop.id, now=now, but=job.id)
        everyone = await interviews.list_interviews(session, workshop_id=workshop.id)
        return outcome.model_copy(
            update={"answered": roles_answered(workshop, everyone), "total": len(workshop.roles)}
        )

    async def _deliver(
        self,
        job: Job,
        workshop: Workshop,
        outcome: DeadlineOutcome,
        facilitator: Person,
    ) -> None:
        if outcome.started:
            await self.asking.prompt_users(list(outcome.started), team_id=workshop.team_id)
        if outcome.closed:
            await self.summaries.publish(workshop)
        if facilitator.deactivated:
            return
        await self.messenger.send_reminder_notice(job.user_id, self._notice(job, workshop, outcome))

    def _notice(self, job: Job, workshop: Workshop, outcome: DeadlineOutcome) -> ReminderNotice:
        common: dict[str, str | int] = {
            "title": workshop.title,
            "channel_id": workshop.channel_id,
            "answered": outcome.answered,
            "total": outcome.total,
            "skipped": len(outcome.skipped),
        }
        if job.kind is JobKind.ROLE_DEADLINE:
            return ReminderNotice(
                kind=ReminderNoticeKind.ROLE_DEADLINE_PASSED,
                context={
                    **common,
                    "role": outcome.role or "",
                    "next_role": outcome.next_role or "",
                    "closed": int(outcome.closed),
                },
            )
        if job.kind is JobKind.WORKSHOP_DEADLINE_WARNING:
            assert workshop.details.deadline is not None
            return ReminderNotice(
                kind=ReminderNoticeKind.DEADLINE_WARNING,
                context={**common, "deadline": workshop.details.deadline.isoformat()},
            )
        return ReminderNotice(kind=ReminderNoticeKind.DEADLINE_PASSED, context=common)
