"""The base of the use cases that move a workshop on: after they change it, they ask
whoever's turn has come and keep the channel's summary current."""

from __future__ import annotations

from bot.workshop.ports import Dependencies, UseCase
from bot.workshop.usecases.ask_next import QuestionSender
from bot.workshop.usecases.summarise import SummaryDesk


class WorkshopMover(UseCase):
    def __init__(
        self, deps: Dependencies, *, asking: QuestionSender, summaries: SummaryDesk
    ) -> None:
        super().__init__(deps)
        self.asking = asking
        self.summaries = summaries
