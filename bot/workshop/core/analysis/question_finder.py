"""The bank's question for a role's answer, looked up once per role and key. Pure.

`QuestionBank.find` binds every question of the role anew on each call; reading a
workshop's answers asks it about the same few keys for every person, so a finder keeps
what it found (and what it did not) for the one workshop it was made for.
"""

from __future__ import annotations

from bot.workshop.core.model import Workshop
from bot.workshop.core.questions import Question, QuestionBank


class QuestionFinder:
    """`bank.find(workshop, role_key, key)`, remembered."""

    def __init__(self, bank: QuestionBank, workshop: Workshop) -> None:
        self._bank, self._workshop = bank, workshop
        self._found: dict[tuple[str, str], Question | None] = {}

    def find(self, role_key: str, key: str) -> Question | None:
        try:
            return self._found[role_key, key]
        except KeyError:
            question = self._bank.find(self._workshop, role_key, key)
            self._found[role_key, key] = question
            return question
