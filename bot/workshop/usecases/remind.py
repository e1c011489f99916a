"""The scheduler's use cases: nudging people who owe answers, snoozing and "away until",
and the runner that does whatever is due.

Jobs live in the database (storage.jobs), so they survive restarts and several
processes can share them. One pass (:meth:`Reminders.run_due`):

1. adds the jobs that running workshops lack (a nudge per active interview, the
   deadlines), with provisional due times;
2. claims due jobs for a few minutes (a lease), so no other process takes them;
3. for each job, asks Slack who it concerns (time zone, deactivated), then in one unit
   of work either plans it (due later: stored, no message) or acts and records that it
   did; Slack is told after the commit. A failed message puts the job back, due again
   a little later. A nudge long overdue is sent once, and the next one counts from then.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from datetime import date, datetime, timedelta, tzinfo

from bot.workshop.core.calendar import local_date, next_working_moment, working_start_on, zone_named
from bot.workshop.core.model import Interview, InterviewStatus
from bot.workshop.core.schedule import (
    Job,
    JobKind,
    NewJob,
    Step,
    after_nudge,
    nudge_job,
    plan_nudge,
    role_deadline_job,
    roles_answered,
    workshop_deadline_jobs,
)
from bot.workshop.ports import (
    Dependencies,
    Nudge,
    Person,
    ReminderNotice,
    ReminderNoticeKind,
    UseCase,
    acting_for,
)
from bot.workshop.usecases.ask_next import QuestionSender
from bot.workshop.usecases.deadlines import Deadlines
from storage import inbound, interviews, jobs, workshops

logger = logging.getLogger(__name__)

SNOOZE = timedelta(hours=24)


class Reminders(UseCase):
    def __init__(self, deps: Dependencies, *, deadlines: Deadlines, asking: QuestionSender) -> None:
        super().__init__(deps)
        self.deadlines = deadlines
        self.asking = asking

    # -- the runner's pass -----------------------------------------------------------------

    async def run_due(self, now: datetime | None = None) -> int:
        """Add missing jobs, then do every job due by ``now``. Returns how many acted."""
        now = now or self.clock.now()
        await self.schedule_missing(now)
        acted = 0
        while True:
            async with self.database.transaction() as session:
                claimed = await jobs.claim_due_jobs(
                    session,
                    now=now,
                    lease=self.policy.lease,
                    limit=self.policy.batch,
                    token=secrets.token_hex(8),
                )
            for job in claimed:
                acted += await self._run(job, now)
            if len(claimed) < self.policy.batch:
                return acted

    async def schedule_missing(self, now: datetime) -> int:
        """Give running workshops the jobs they lack; returns how many were added."""
        async with self.database.transaction() as session:
            missing = await jobs.find_unscheduled(session)
            new: list[NewJob] = [
                nudge_job(i, anchor=i.started_at or now) for i in missing.interviews
            ]
            for workshop_id in missing.workshop_ids:
                workshop = await workshops.get_workshop(session, workshop_id=workshop_id)
                new.extend(workshop_deadline_jobs(workshop) if workshop is not None else [])
            for workshop_id, role_key in missing.roles:
                workshop = await workshops.get_workshop(session, workshop_id=workshop_id)
                started = await jobs.role_started_at(
                    session, workshop_id=workshop_id, role_key=role_key
                )
                if workshop is not None:
                    new.append(role_deadline_job(workshop, role_key, started=started or now))
            return await jobs.schedule_jobs(session, jobs=new, now=now) if new else 0

    async def _run(self, job: Job, now: datetime) -> int:
        try:
            async with self.database.transaction() as session:
                workshop = await workshops.get_workshop(session, workshop_id=job.workshop_id)
            # whatever the job says in Slack, it says in the workshop's own workspace
            with acting_for(workshop.team if workshop is not None else None):
                person = await self.directory.person(job.user_id)
                if job.kind is JobKind.NUDGE:
                    return int(await self._nudge(job, person, now))
                return int(await self.deadlines.run(job, person, now))
        except Exception:
            logger.exception("%s job %d failed; it is tried again later", job.kind, job.id)
            async with self.database.transaction() as session:
                await jobs.retry_job(
                    session,
                    job_id=job.id,
                    due_at=self.policy.retry_at(now, job.attempts),
                    token=job.claim_token,
                )
            return 0

    # -- nudges ----------------------------------------------------------------------------

    async def _nudge(self, job: Job, person: Person, now: datetime) -> bool:
        zone = zone_named(person.time_zone)
        zone_name = person.time_zone or "UTC"
        async with self.database.transaction() as session:
            current = await jobs.lock_claimed_job(session, job_id=job.id, token=job.claim_token)
            if current is None:
                return False
            if current.interview_id is None:
                await jobs.finish_job(session, job_id=current.id, now=now)
                return False
            interview = await interviews.get_interview(session, interview_id=current.interview_id)
            workshop = (
                await workshops.get_workshop(session, workshop_id=interview.workshop_id)
                if interview is not None
                else None
            )
            plan = plan_nudge(current, interview, workshop, now=now, zone=zone, policy=self.policy)
            if person.deactivated or plan.step is Step.DROP:
                await jobs.finish_job(session, job_id=current.id, now=now)
                return False
            assert plan.anchor_at is not None
            if plan.step is Step.WAIT:
                assert plan.due_at is not None
                await jobs.reschedule_job(
                    session,
                    job_id=current.id,
                    due_at=plan.due_at,
                    anchor_at=plan.anchor_at,
                    count=plan.count,
                    zone=zone_name,
                )
                return False
            assert interview is not None
            assert workshop is not None
            everyone = await interviews.list_interviews(session, workshop_id=workshop.id)
            # Recorded as sent before it is sent: done at most once, undone if it fails.
            after = after_nudge(plan.count, now=now, zone=zone, policy=self.policy)
            assert after.anchor_at is not None
            if after.due_at is None:
                await jobs.finish_job(
                    session, job_id=current.id, now=now, anchor_at=now, count=after.count
                )
            else:
                await jobs.reschedule_job(
                    session,
                    job_id=current.id,
                    due_at=after.due_at,
                    anchor_at=after.anchor_at,
                    count=after.count,
                    zone=zone_name,
                )
            nudge = Nudge(
                user_id=interview.user_id,
                interview_id=interview.id,
                workshop=workshop,
                role=workshop.role(interview.role_key).name,
                number=plan.count + 1,
                limit=self.policy.max_nudges,
                roles_answered=roles_answered(workshop, everyone),
                roles_total=len(workshop.roles),
            )
        try:
            await self.messenger.send_nudge(nudge)
        except Exception:
            logger.exception("could not nudge %s; trying again later", nudge.user_id)
            async with self.database.transaction() as session:
                await jobs.undo_nudge(
                    session,
                    job_id=current.id,
                    sent_at=now,
                    anchor_at=plan.anchor_at,
                    count=plan.count,
                    due_at=self.policy.retry_at(now, current.attempts),
                )
            return False
        if interview.prompt_ts is None:
            await self._send_unsent_question(interview, workshop.team_id)
        return True

    async def _send_unsent_question(self, interview: Interview, team_id: str) -> None:
        """The question they are due was never recorded as sent (the process sending it
        stopped, or Slack kept failing): it comes with the nudge."""
        try:
            await self.asking.send_unsent(interview, team_id=team_id)
        except Exception:
            logger.exception(
                "could not send %s their question; the next nudge tries again", interview.user_id
            )

    # -- what people ask for -----------------------------------------------------------------

    async def snooze(
        self, *, team_id: str, user_id: str, interview_id: int, delivery_key: str
    ) -> ReminderNotice:
        """Snooze until tomorrow: the nudge comes again 24 hours from now, or at the next
        start of their working hours after that."""
        person = await self.directory.person(user_id)
        zone = zone_named(person.time_zone)
        now = self.clock.now()
        until = next_working_moment(now + SNOOZE, zone, self.policy.hours)
        moved = await self._move(
            team_id=team_id,
            user_id=user_id,
            interview_id=interview_id,
            until=until,
            zone_name=person.time_zone or "UTC",
            key=delivery_key,
        )
        if not moved:
            return ReminderNotice(kind=ReminderNoticeKind.NOTHING_TO_SNOOZE)
        return _moved_notice(ReminderNoticeKind.SNOOZED, until, zone)

    async def away_until(
        self, *, team_id: str, user_id: str, day: date, delivery_key: str
    ) -> ReminderNotice:
        """Away until ``day``: no nudge before the start of their working hours that day."""
        person = await self.directory.person(user_id)
        zone = zone_named(person.time_zone)
        now = self.clock.now()
        if day <= local_date(now, zone):
            return ReminderNotice(kind=ReminderNoticeKind.AWAY_DATE_PASSED)
        until = working_start_on(day, zone, self.policy.hours)
        moved = await self._move(
            team_id=team_id,
            user_id=user_id,
            interview_id=None,
            until=until,
            zone_name=person.time_zone or "UTC",
            key=delivery_key,
        )
        if not moved:
            return ReminderNotice(kind=ReminderNoticeKind.NOTHING_TO_SNOOZE)
        return _moved_notice(ReminderNoticeKind.AWAY, until, zone)

    async def _move(
        self,
        *,
        team_id: str,
        user_id: str,
        interview_id: int | None,
        until: datetime,
        zone_name: str,
        key: str,
    ) -> bool:
        """Move the person's pending nudges (of one interview, or all) to ``until``."""
        now = self.clock.now()
        async with self.database.transaction() as session:
            active = [
                i
                for i in await interviews.list_active_interviews_of_user(
                    session, team_id=team_id, user_id=user_id
                )
                if interview_id is None or i.id == interview_id
            ]
            if not await inbound.claim_inbound_event(session, key=key, now=now):
                return bool(active)  # the same click again: already done
            await jobs.schedule_jobs(  # before the runner first got to them
                session, jobs=[nudge_job(i, anchor=i.started_at or now) for i in active], now=now
            )
            moved = await jobs.move_nudges(
                session,
                interview_ids=[i.id for i in active if i.status is InterviewStatus.ACTIVE],
                due_at=until,
                zone=zone_name,
            )
        return moved > 0


def _moved_notice(kind: ReminderNoticeKind, until: datetime, zone: tzinfo) -> ReminderNotice:
    return ReminderNotice(
        kind=kind,
        context={
            "until_ts": int(until.timestamp()),
            "until_text": until.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
        },
    )


class ReminderRunner:
    """Runs :meth:`Reminders.run_due` every ``interval`` seconds until stopped."""

    def __init__(self, reminders: Reminders, *, interval: float) -> None:
        self.reminders = reminders
        self.interval = interval
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._loop(), name="p2p-reminders")

    async def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                acted = await self.reminders.run_due()
            except Exception:
                logger.exception("the reminder pass failed; trying again in %ss", self.interval)
            else:
                if acted:
                    logger.info("reminders: %d job(s) done", acted)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), timeout=self.interval)

    async def stop(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Finish the job in hand (up to ``timeout`` seconds), then stop."""
        self._stopping.set()
        if self._task is None:
            return
        try:
            await asyncio.wait_for(asyncio.shield(self._task), timeout=timeout)
        except TimeoutError:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._task = None
