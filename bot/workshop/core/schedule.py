"""What the scheduler does and when: jobs as values, and the pure rules that plan them.

A job is a row in the database with a UTC due time. Its due time is planned in the
time zone of the person it concerns (the participant for a nudge, the facilitator for
deadlines). A job created without knowing that zone carries a provisional due time
(``zone`` is None); the runner plans it properly the first time it picks it up.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta, tzinfo
from enum import StrEnum
from typing import Any

from bot.workshop.core.calendar import (
    WorkingHours,
    add_working_days,
    end_of_day,
    last_working_start_before,
    next_working_moment,
)
from bot.workshop.core.model import Frozen, Interview, InterviewStatus, Workshop, WorkshopStatus


class JobKind(StrEnum):
    NUDGE = "nudge"  # remind a participant whose interview is waiting for answers
    ROLE_DEADLINE = "role_deadline"  # in turn: the role's time is up, the next one starts
    WORKSHOP_DEADLINE_WARNING = "workshop_deadline_warning"  # tell the facilitator
    WORKSHOP_DEADLINE = "workshop_deadline"  # close the workshop and post the summary


class JobState(StrEnum):
    PENDING = "pending"
    DONE = "done"


class Job(Frozen):
    id: int
    key: str  # unique: at most one nudge per interview, one deadline per workshop or role
    kind: JobKind
    workshop_id: int
    user_id: str  # whose calendar plans it, and who is told
    interview_id: int | None = None
    role_key: str | None = None
    state: JobState = JobState.PENDING
    due_at: datetime
    anchor_at: datetime  # what the due time counts from (invitation, answer, last nudge)
    count: int = 0  # nudges sent since the cadence last started
    zone: str | None = None  # the zone due_at was planned in; None while provisional
    attempts: int = 0  # failed attempts in a row
    outcome: dict[str, Any] | None = None  # what a deadline did, for (re)delivery
    claim_token: str | None = None
    claimed_until: datetime | None = None
    created_at: datetime
    finished_at: datetime | None = None


class NewJob(Frozen):
    key: str
    kind: JobKind
    workshop_id: int
    user_id: str
    interview_id: int | None = None
    role_key: str | None = None
    due_at: datetime
    anchor_at: datetime
    count: int = 0
    zone: str | None = None


def nudge_job(interview: Interview, *, anchor: datetime, zone: str | None = None) -> NewJob:
    """The one nudge job of an interview; provisional (due at once) unless ``zone`` is given."""
    return NewJob(
        key=f"{JobKind.NUDGE}:{interview.id}",
        kind=JobKind.NUDGE,
        workshop_id=interview.workshop_id,
        user_id=interview.user_id,
        interview_id=interview.id,
        due_at=anchor,
        anchor_at=anchor,
        zone=zone,
    )


def role_deadline_job(workshop: Workshop, role_key: str, *, started: datetime) -> NewJob:
    return NewJob(
        key=f"{JobKind.ROLE_DEADLINE}:{workshop.id}:{role_key}",
        kind=JobKind.ROLE_DEADLINE,
        workshop_id=workshop.id,
        user_id=workshop.facilitator_id,
        role_key=role_key,
        due_at=started,
        anchor_at=started,
    )


def workshop_deadline_jobs(workshop: Workshop) -> list[NewJob]:
    """The warning and the deadline itself; none for a workshop without a deadline."""
    if workshop.details.deadline is None:
        return []
    return [
        NewJob(
            key=f"{kind}:{workshop.id}",
            kind=kind,
            workshop_id=workshop.id,
            user_id=workshop.facilitator_id,
            due_at=workshop.created_at,
            anchor_at=workshop.created_at,
        )
        for kind in (JobKind.WORKSHOP_DEADLINE_WARNING, JobKind.WORKSHOP_DEADLINE)
    ]


class ReminderPolicy(Frozen):
    """The cadence and limits of reminders; every duration in working days is counted in
    the working hours of the person concerned."""

    hours: WorkingHours = WorkingHours()
    first_nudge_after_days: float = 1  # after the invitation, or after their last answer
    nudge_every_days: float = 2
    max_nudges: int = 3  # in a row without an answer
    role_allowance_days: float = 3  # in turn: how long each role has
    warn_before: timedelta = timedelta(days=1)
    lease: timedelta = timedelta(minutes=5)  # how long a claimed job is held
    batch: int = 20
    retry_after: timedelta = timedelta(minutes=1)  # doubled per failed attempt…
    retry_at_most: timedelta = timedelta(hours=1)  # …up to this

    def nudge_due(self, anchor: datetime, count: int, zone: tzinfo) -> datetime:
        """When nudge number ``count + 1`` is due, inside working hours."""
        days = self.first_nudge_after_days if count == 0 else self.nudge_every_days
        return next_working_moment(
            add_working_days(anchor, days, zone, self.hours), zone, self.hours
        )

    def retry_at(self, now: datetime, attempts: int) -> datetime:
        delay = self.retry_after * (1 << min(attempts, 16))
        return now + min(delay, self.retry_at_most)


def workshop_deadline_at(workshop: Workshop, zone: tzinfo) -> datetime | None:
    """The end of the deadline day in the facilitator's zone."""
    deadline: date | None = workshop.details.deadline
    return end_of_day(deadline, zone) if deadline is not None else None


class Step(StrEnum):
    ACT = "act"  # do it now
    WAIT = "wait"  # look again at ``due_at``
    DROP = "drop"  # nothing left to do: the job is done


class Plan(Frozen):
    step: Step
    due_at: datetime | None = None
    anchor_at: datetime | None = None
    count: int = 0


def plan_nudge(
    job: Job,
    interview: Interview | None,
    workshop: Workshop | None,
    *,
    now: datetime,
    zone: tzinfo,
    policy: ReminderPolicy,
) -> Plan:
    """Whether to nudge now, and otherwise when to look again.

    Activity after the job's anchor (an answer, a pause or a resume) starts the cadence
    again from that activity. A nudge due outside working hours (the runner was down, or
    late) waits for the next working-hours start, and is sent once.
    """
    if (
        interview is None
        or workshop is None
        or workshop.status is not WorkshopStatus.COLLECTING
        or interview.status is not InterviewStatus.ACTIVE
    ):
        return Plan(step=Step.DROP)
    anchor, count, due = job.anchor_at, job.count, job.due_at
    activity = interview.last_activity_at
    if activity is not None and activity > anchor:
        anchor, count = activity, 0
        due = policy.nudge_due(anchor, count, zone)
    elif job.zone is None:
        due = policy.nudge_due(anchor, count, zone)
    if count >= policy.max_nudges:
        return Plan(step=Step.DROP, anchor_at=anchor, count=count)
    if interview.paused and due <= now:  # look again later; resuming restarts the cadence
        due = policy.nudge_due(now, 1, zone)
    when = next_working_moment(max(due, now), zone, policy.hours)
    if when > now or interview.paused:
        return Plan(step=Step.WAIT, due_at=when, anchor_at=anchor, count=count)
    return Plan(step=Step.ACT, anchor_at=anchor, count=count)


def after_nudge(count: int, *, now: datetime, zone: tzinfo, policy: ReminderPolicy) -> Plan:
    """Where the cadence stands once nudge number ``count + 1`` went out at ``now``."""
    sent = count + 1
    if sent >= policy.max_nudges:
        return Plan(step=Step.DROP, anchor_at=now, count=sent)
    return Plan(step=Step.WAIT, due_at=policy.nudge_due(now, sent, zone), anchor_at=now, count=sent)


def plan_role_deadline(
    job: Job,
    workshop: Workshop | None,
    everyone: Sequence[Interview],
    *,
    now: datetime,
    zone: tzinfo,
    policy: ReminderPolicy,
) -> Plan:
    """A role's deadline: its start plus its allowance, never after the workshop's.

    A role deadline that would fall at or after the workshop deadline is left to the
    workshop deadline, which closes everything at once.
    """
    if workshop is None or workshop.status is not WorkshopStatus.COLLECTING:
        return Plan(step=Step.DROP)
    if not any(i.role_key == job.role_key and i.status is InterviewStatus.ACTIVE for i in everyone):
        return Plan(step=Step.DROP)  # the role finished in time
    due = add_working_days(job.anchor_at, policy.role_allowance_days, zone, policy.hours)
    closing = workshop_deadline_at(workshop, zone)
    if closing is not None and due >= closing:
        return Plan(step=Step.DROP)
    return Plan(step=Step.WAIT, due_at=due) if due > now else Plan(step=Step.ACT)


def plan_deadline_warning(
    workshop: Workshop | None, *, now: datetime, zone: tzinfo, policy: ReminderPolicy
) -> Plan:
    """Warn at the start of the last working day that begins a day or more before the
    deadline; not at all if the workshop started after that, or the deadline has passed."""
    if workshop is None or workshop.status is not WorkshopStatus.COLLECTING:
        return Plan(step=Step.DROP)
    closing = workshop_deadline_at(workshop, zone)
    if closing is None or now >= closing:
        return Plan(step=Step.DROP)
    warn_at = last_working_start_before(closing - policy.warn_before, zone, policy.hours)
    if warn_at < workshop.created_at:
        return Plan(step=Step.DROP)
    return Plan(step=Step.WAIT, due_at=warn_at) if warn_at > now else Plan(step=Step.ACT)


def plan_workshop_deadline(workshop: Workshop | None, *, now: datetime, zone: tzinfo) -> Plan:
    if workshop is None or workshop.status is not WorkshopStatus.COLLECTING:
        return Plan(step=Step.DROP)
    closing = workshop_deadline_at(workshop, zone)
    if closing is None:
        return Plan(step=Step.DROP)
    return Plan(step=Step.WAIT, due_at=closing) if closing > now else Plan(step=Step.ACT)


def roles_answered(workshop: Workshop, everyone: Sequence[Interview]) -> int:
    """Roles whose people have all finished, at least one of them by answering."""
    answered = 0
    for role in workshop.roles:
        theirs = [i for i in everyone if i.role_key == role.key]
        if (
            theirs
            and all(i.status.finished for i in theirs)
            and any(i.status is InterviewStatus.DONE for i in theirs)
        ):
            answered += 1
    return answered
