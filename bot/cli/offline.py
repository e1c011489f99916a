"""The use cases for commands that read and write the database but never talk to Slack
(`p2p export`, `p2p import`): built by the same bootstrap, with a messenger that refuses."""

from __future__ import annotations

from collections.abc import Sequence

from bot.workshop.bootstrap import Services, bootstrap, dependencies
from bot.workshop.core.analysis.model import PathAnalysis
from bot.workshop.core.model import SummaryPosts, Workshop
from bot.workshop.ports import (
    Database,
    Notice,
    Nudge,
    QuestionPrompt,
    ReminderNotice,
    SharedFile,
)


class SlackNotConnected(RuntimeError):
    """An offline command tried to post to Slack."""


class OfflineMessenger:
    """A messenger for the command line: it reaches no Slack and says so if asked to."""

    def _refuse(self) -> SlackNotConnected:
        return SlackNotConnected("this command works on the database only; p2p serve posts")

    async def can_post_in(self, channel_id: str) -> bool:
        return False

    async def announce_workshop(self, workshop: Workshop, people: dict[str, list[str]]) -> str:
        raise self._refuse()

    async def send_question(self, prompt: QuestionPrompt) -> str:
        raise self._refuse()

    async def close_question(self, prompt: QuestionPrompt, *, ts: str, answer: str) -> None:
        raise self._refuse()

    async def send_notice(self, user_id: str, notice: Notice) -> None:
        raise self._refuse()

    async def send_handed_question(self, prompt: QuestionPrompt, *, asked_by: str) -> None:
        raise self._refuse()

    async def publish_summary(
        self,
        analysis: PathAnalysis,
        *,
        channel_id: str,
        named: bool,
        updated: bool,
        previous: SummaryPosts | None,
    ) -> SummaryPosts:
        raise self._refuse()

    async def share_exports(
        self, workshop: Workshop, files: Sequence[SharedFile], *, previous: Sequence[str] = ()
    ) -> tuple[str, ...]:
        raise self._refuse()

    async def send_nudge(self, nudge: Nudge) -> str:
        raise self._refuse()

    async def send_reminder_notice(self, user_id: str, notice: ReminderNotice) -> None:
        raise self._refuse()


def offline_services(database: Database) -> Services:
    return bootstrap(dependencies(database, OfflineMessenger()))
