"""What the domain needs from the outside world, as protocols the edges implement."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from enum import StrEnum
from typing import Protocol

from pydantic import Field

from bot.workshop.metrics_model import PathAnalysis
from bot.workshop.model import Frozen, SummaryPosts, Workshop
from bot.workshop.questions import Question


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
    number: int  # 1-based
    total: int
    first: bool  # the interview's first question: introduce the workshop
    upstream: Handover | None = None
    retry: bool = False  # the last reply could not be read; ask again with examples


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


class Notice(Frozen):
    """Something the bot tells one person; the edge picks the words from prompts/."""

    kind: NoticeKind
    context: dict[str, str | int] = Field(default_factory=dict)


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

    async def share_exports(self, workshop: Workshop, files: Sequence[SharedFile]) -> None:
        """Upload files into the summary's thread (or the channel, before a summary)."""
        ...


class SharedFile(Frozen):
    name: str  # file name, e.g. "summary.md"
    title: str
    content: bytes


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)
