"""What the domain needs from the outside world, as protocols the edges implement."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractAsyncContextManager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Protocol, runtime_checkable

from pydantic import Field

from bot.workshop.core.analysis.model import PathAnalysis
from bot.workshop.core.analysis.themes import ThemeBook
from bot.workshop.core.model import Frozen, SummaryPosts, Team, Workshop
from bot.workshop.core.questions import PathTemplate, Question, QuestionBank
from bot.workshop.core.schedule import ReminderPolicy
from bot.workshop.core.transaction import Transaction


class Handover(Frozen):
    """What the role before said it hands on."""

    role: str
    text: str


class QuestionPrompt(Frozen):
    user_id: str
    interview_id: int
    workshop: Workshop
    role: str
    question: Question
    number: int  # 1-based: the step; a follow-up shows the number of the step before it
    total: int  # the role's steps, fixed from the start; follow-ups are never counted
    first: bool  # the interview's first question: introduce the workshop
    upstream: Handover | None = None
    retry: bool = False  # the last reply could not be read; ask again with examples
    extra: bool = False  # an optional follow-up, outside the count
    minutes: int = 0  # with `first`: about how long the role's steps take
    missing: tuple[str, ...] = ()  # a step partly answered: the part keys still wanted
    have: str = ""  # with `missing`: what the step holds so far, in words


class NoticeKind(StrEnum):
    INTERVIEW_DONE = "interview_done"
    STRANGER = "stranger"
    NOTHING_PENDING = "nothing_pending"
    WORKSHOP_STARTED = "workshop_started"
    SUMMARY_POSTED = "summary_posted"
    SUMMARY_UPDATED = "summary_updated"
    WORKSHOP_COMPLETE = "workshop_complete"
    PAUSED = "paused"
    RESUMED = "resumed"
    DM_HELP = "dm_help"
    EXPORTS_SHARED = "exports_shared"
    HANDED_ANSWERED = "handed_answered"
    REVIEW_SAVED = "review_saved"
    REVIEW_OFFER = "review_offer"
    WORKSHOP_CLOSED = "workshop_closed"
    ROLE_SKIPPED = "role_skipped"
    DEADLINE_EXTENDED = "deadline_extended"
    REMINDER = "reminder"
    REMINDED = "reminded"
    WORKSHOP_CANCELLED = "workshop_cancelled"
    FORGOTTEN = "forgotten"
    PERSON_DEACTIVATED = "person_deactivated"
    ANSWER_EDITED = "answer_edited"
    ANSWER_EDIT_REFUSED = "answer_edit_refused"
    ANSWER_WITHDRAWN = "answer_withdrawn"
    ANSWERED_ALREADY = "answered_already"


class Notice(Frozen):
    """Something the bot tells one person; the edge picks the words from prompts/."""

    kind: NoticeKind
    context: dict[str, str | int] = Field(default_factory=dict)


# The workspace whose Slack p2p speaks to in this task: set for each delivery by the Slack
# layer, and for each scheduled job by the scheduler. The messenger and the directory use
# its token where what they are given does not name the workshop itself.
_ACTING_FOR: ContextVar[Team | None] = ContextVar("p2p_acting_for", default=None)


def acting_team() -> Team | None:
    """The workspace the current task acts for, if it was said."""
    return _ACTING_FOR.get()


def act_for(team: Team) -> None:
    """Act for ``team`` from now until the current task ends (and in the tasks it starts
    from now on): for a delivery, whose task is its own."""
    _ACTING_FOR.set(team)


@contextmanager
def acting_for(team: Team | None) -> Iterator[None]:
    """Act for ``team`` within the block (and in the tasks it starts); None changes nothing."""
    if team is None:
        yield
        return
    token = _ACTING_FOR.set(team)
    try:
        yield
    finally:
        _ACTING_FOR.reset(token)


class Messenger(Protocol):
    async def can_post_in(self, channel_id: str) -> bool: ...

    async def announce_workshop(self, workshop: Workshop, people: dict[str, list[str]]) -> str:
        """Post the start of a workshop in its channel; returns the message ts."""
        ...

    async def send_question(self, prompt: QuestionPrompt) -> str:
        """DM the question; returns the message ts."""
        ...

    async def close_question(self, prompt: QuestionPrompt, *, ts: str, answer: str) -> None:
        """Show on the question's message that it is answered, without its buttons."""
        ...

    async def send_notice(self, user_id: str, notice: Notice) -> None: ...

    async def send_handed_question(self, prompt: QuestionPrompt, *, asked_by: str) -> None:
        """DM a colleague a question handed on to them, with a button to answer it."""
        ...

    async def publish_summary(
        self,
        analysis: PathAnalysis,
        *,
        channel_id: str,
        named: bool,
        updated: bool,
        previous: SummaryPosts | None,
    ) -> SummaryPosts:
        """Post the summary and its thread, or update them in place after ``previous``."""
        ...

    async def share_exports(
        self, workshop: Workshop, files: Sequence[SharedFile], *, previous: Sequence[str] = ()
    ) -> tuple[str, ...]:
        """Upload files into the summary's thread and delete the ``previous`` ones (file
        ids); returns the new files' ids."""
        ...

    async def send_nudge(self, nudge: Nudge) -> str:
        """DM a reminder to answer, with its snooze and away buttons; returns the ts."""
        ...

    async def send_reminder_notice(self, user_id: str, notice: ReminderNotice) -> None:
        """DM something the scheduler did or was asked (prompts/messages/reminders.j2)."""
        ...


class Nudge(Frozen):
    """A reminder to somebody whose interview is waiting for their answers."""

    user_id: str
    interview_id: int
    workshop: Workshop
    role: str
    number: int  # 1-based
    limit: int  # the last nudge in a row has no snooze: there is no next one
    roles_answered: int
    roles_total: int


class ReminderNoticeKind(StrEnum):
    ROLE_DEADLINE_PASSED = "role_deadline_passed"
    DEADLINE_WARNING = "deadline_warning"
    DEADLINE_PASSED = "deadline_passed"
    SNOOZED = "snoozed"
    AWAY = "away"
    AWAY_DATE_PASSED = "away_date_passed"
    NOTHING_TO_SNOOZE = "nothing_to_snooze"


class ReminderNotice(Frozen):
    """Words about reminders and deadlines; the edge picks them from reminders.j2."""

    kind: ReminderNoticeKind
    context: dict[str, str | int] = Field(default_factory=dict)


class Person(Frozen):
    """What the workspace says about somebody (Slack's users.info)."""

    user_id: str
    time_zone: str | None = None  # IANA name, e.g. "Asia/Tokyo"; None when unknown
    deactivated: bool = False


class Directory(Protocol):
    async def person(self, user_id: str) -> Person: ...


@runtime_checkable
class Roster(Protocol):
    """A directory that can also tell about many people at once (Slack's users.list)."""

    async def people(self, user_ids: Sequence[str]) -> list[Person]:
        """Everyone of ``user_ids`` the workspace lists; those it does not are left out."""
        ...


class UnknownDirectory:
    """A directory that knows nobody: everyone in UTC, nobody deactivated."""

    async def person(self, user_id: str) -> Person:
        return Person(user_id=user_id)


class SharedFile(Frozen):
    name: str  # file name, e.g. "summary.md"
    title: str
    content: bytes


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class Database(Protocol):
    def transaction(self) -> AbstractAsyncContextManager[Transaction]:
        """One unit of work: commits when the block ends, rolls back on error."""
        ...


@dataclass(frozen=True)
class Dependencies:
    """What every use case is given, built once by the bootstrap: the ports, the question
    bank and template, the theme book, and the reminder policy."""

    database: Database
    messenger: Messenger
    clock: Clock
    bank: QuestionBank
    template: PathTemplate
    themes: ThemeBook
    directory: Directory
    policy: ReminderPolicy


class UseCase:
    """The base of every use case: it keeps the dependencies it was built with and reads
    its ports from them, so no use case repeats the same wiring."""

    def __init__(self, deps: Dependencies) -> None:
        self.deps = deps
        self.database = deps.database
        self.messenger = deps.messenger
        self.clock = deps.clock
        self.bank = deps.bank
        self.template = deps.template
        self.themes = deps.themes
        self.directory = deps.directory
        self.policy = deps.policy
