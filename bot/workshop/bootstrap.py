"""The bootstrap: every use case built once, from one set of dependencies.

The composition root (``bot/app.py``), the command line and the tests all build the
use cases here; tests pass fakes for the ports (messenger, clock, directory).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.workshop.core.analysis.themes import ThemeBook, load_theme_book
from bot.workshop.core.questions import (
    PathTemplate,
    QuestionBank,
    load_path_template,
    load_question_bank,
)
from bot.workshop.core.schedule import ReminderPolicy
from bot.workshop.ports import (
    Clock,
    Database,
    Dependencies,
    Directory,
    Messenger,
    SystemClock,
    UnknownDirectory,
)
from bot.workshop.usecases.answer import AnswerRecorder
from bot.workshop.usecases.archive import WorkshopArchive
from bot.workshop.usecases.ask_next import QuestionSender
from bot.workshop.usecases.deadlines import Deadlines
from bot.workshop.usecases.edits import ReplyEdits
from bot.workshop.usecases.facilitate import FacilitatorDesk
from bot.workshop.usecases.home import HomeDesk
from bot.workshop.usecases.lifecycle import Lifecycle
from bot.workshop.usecases.people import RememberedDirectory
from bot.workshop.usecases.remind import Reminders
from bot.workshop.usecases.revise import Revisions
from bot.workshop.usecases.start import WorkshopStarter
from bot.workshop.usecases.summarise import SummaryDesk


@dataclass(frozen=True)
class Services:
    """The use cases of one process, wired together."""

    deps: Dependencies
    starter: WorkshopStarter
    asking: QuestionSender
    answers: AnswerRecorder
    edits: ReplyEdits
    revisions: Revisions
    controls: FacilitatorDesk
    summaries: SummaryDesk
    archive: WorkshopArchive
    home: HomeDesk
    lifecycle: Lifecycle
    deadlines: Deadlines
    reminders: Reminders

    @property
    def messenger(self) -> Messenger:
        return self.deps.messenger

    @property
    def template(self) -> PathTemplate:
        return self.deps.template


def dependencies(
    database: Database,
    messenger: Messenger,
    *,
    clock: Clock | None = None,
    directory: Directory | None = None,
    policy: ReminderPolicy | None = None,
    bank: QuestionBank | None = None,
    template: PathTemplate | None = None,
    themes: ThemeBook | None = None,
) -> Dependencies:
    """The dependencies, with the project's own question bank, template and theme book
    (from prompts/) and the default policy for whatever is not given. What the directory
    says is remembered in the database (bot.workshop.usecases.people)."""
    clock = clock or SystemClock()
    return Dependencies(
        database=database,
        messenger=messenger,
        clock=clock,
        bank=bank or load_question_bank(),
        template=template or load_path_template(),
        themes=themes or load_theme_book(),
        directory=RememberedDirectory(directory or UnknownDirectory(), database, clock),
        policy=policy or ReminderPolicy(),
    )


def bootstrap(deps: Dependencies) -> Services:
    summaries = SummaryDesk(deps)
    asking = QuestionSender(deps)
    deadlines = Deadlines(deps, asking=asking, summaries=summaries)
    return Services(
        deps=deps,
        starter=WorkshopStarter(deps, asking=asking),
        asking=asking,
        answers=AnswerRecorder(deps, asking=asking, summaries=summaries),
        edits=ReplyEdits(deps, asking=asking, summaries=summaries),
        revisions=Revisions(deps, summaries=summaries),
        controls=FacilitatorDesk(deps, asking=asking, summaries=summaries),
        summaries=summaries,
        archive=WorkshopArchive(deps),
        home=HomeDesk(deps),
        lifecycle=Lifecycle(deps, asking=asking, summaries=summaries),
        deadlines=deadlines,
        reminders=Reminders(deps, deadlines=deadlines, asking=asking),
    )
