"""Hand-written fakes for the domain's ports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.workshop.core.analysis.model import PathAnalysis
from bot.workshop.core.model import SummaryPosts, Workshop
from bot.workshop.ports import (
    Notice,
    Nudge,
    Person,
    QuestionPrompt,
    ReminderNotice,
    SharedFile,
)


@dataclass
class FakeClock:
    current: datetime = field(default_factory=lambda: datetime(2026, 11, 2, 9, 0, tzinfo=UTC))

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


@dataclass
class FakeMessenger:
    """Records what the domain asked to say, as a user of Slack would see it arrive."""

    member_of: set[str] = field(default_factory=lambda: {"C1"})
    announcements: list[tuple[Workshop, dict[str, list[str]]]] = field(default_factory=list)
    questions: list[QuestionPrompt] = field(default_factory=list)
    notices: list[tuple[str, Notice]] = field(default_factory=list)
    summaries: list[tuple[PathAnalysis, SummaryPosts | None]] = field(default_factory=list)
    shared: list[SharedFile] = field(default_factory=list)
    unshared: list[str] = field(default_factory=list)  # ids of shared files deleted since
    handed: list[tuple[QuestionPrompt, str]] = field(default_factory=list)
    closed: list[tuple[str, str]] = field(default_factory=list)
    fail_next_question: bool = False
    nudges: list[tuple[datetime, Nudge]] = field(default_factory=list)  # with the clock's time
    reminder_notices: list[tuple[str, ReminderNotice]] = field(default_factory=list)
    clock: FakeClock | None = None  # to note when each nudge arrived
    fail_next_nudges: int = 0

    async def can_post_in(self, channel_id: str) -> bool:
        return channel_id in self.member_of

    async def announce_workshop(self, workshop: Workshop, people: dict[str, list[str]]) -> str:
        self.announcements.append((workshop, people))
        return f"100.{len(self.announcements)}"

    async def send_question(self, prompt: QuestionPrompt) -> str:
        if self.fail_next_question:
            self.fail_next_question = False
            raise ConnectionError("Slack is unreachable")
        self.questions.append(prompt)
        return f"300.{len(self.questions)}"

    async def close_question(self, prompt: QuestionPrompt, *, ts: str, answer: str) -> None:
        self.closed.append((ts, answer))

    async def send_notice(self, user_id: str, notice: Notice) -> None:
        self.notices.append((user_id, notice))

    async def publish_summary(
        self,
        analysis: PathAnalysis,
        *,
        channel_id: str,
        named: bool,
        updated: bool,
        previous: SummaryPosts | None,
    ) -> SummaryPosts:
        self.summaries.append((analysis, previous))
        return SummaryPosts(
            parent_ts=previous.parent_ts if previous else "200.1",
            export_files=previous.export_files if previous else (),
            complete=analysis.roles_answered >= analysis.roles_total,
        )

    async def share_exports(
        self, workshop: Workshop, files: Sequence[SharedFile], *, previous: Sequence[str] = ()
    ) -> tuple[str, ...]:
        self.unshared.extend(previous)
        self.shared.extend(files)
        return tuple(f"F{len(self.shared) - len(files) + n:05d}" for n in range(len(files)))

    async def send_handed_question(self, prompt: QuestionPrompt, *, asked_by: str) -> None:
        self.handed.append((prompt, asked_by))

    def questions_to(self, user_id: str) -> list[QuestionPrompt]:
        return [q for q in self.questions if q.user_id == user_id]

    async def send_nudge(self, nudge: Nudge) -> str:
        if self.fail_next_nudges:
            self.fail_next_nudges -= 1
            raise ConnectionError("Slack is unreachable")
        when = self.clock.now() if self.clock else datetime.now(UTC)
        self.nudges.append((when, nudge))
        return f"400.{len(self.nudges)}"

    async def send_reminder_notice(self, user_id: str, notice: ReminderNotice) -> None:
        self.reminder_notices.append((user_id, notice))

    def nudges_to(self, user_id: str) -> list[tuple[datetime, Nudge]]:
        return [(when, n) for when, n in self.nudges if n.user_id == user_id]

    def reminder_notices_to(self, user_id: str) -> list[ReminderNotice]:
        return [n for u, n in self.reminder_notices if u == user_id]

    def notices_to(self, user_id: str) -> list[Notice]:
        return [n for u, n in self.notices if u == user_id]


@dataclass
class FakeDirectory:
    """People's time zones and deactivation, as Slack's users.info would tell them."""

    people: dict[str, Person] = field(default_factory=dict)
    lookups: list[str] = field(default_factory=list)

    def add(self, user_id: str, time_zone: str | None = None, *, deactivated: bool = False) -> None:
        self.people[user_id] = Person(user_id=user_id, time_zone=time_zone, deactivated=deactivated)

    async def person(self, user_id: str) -> Person:
        self.lookups.append(user_id)
        return self.people.get(user_id) or Person(user_id=user_id)
