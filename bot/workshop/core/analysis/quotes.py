"""Quotes counted, not repeated. Pure.

Two answers say the same when their words match once case, punctuation and spacing are
set aside ("A slot on somebody else's calendar" and "a slot on somebody else’s calendar.").
`merge` keeps the first of each wording with how many people said it and their roles, so
a quick-answer pick chosen by six people reads as one line, "6 people". `Shown` remembers
what a document has quoted already, so that no quote appears twice in it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.workshop.core.analysis.model import Quote
from bot.workshop.core.model import Frozen

_NOT_A_WORD = re.compile(r"[\W_]+")


def wording(text: str) -> str:
    """The words of a text, for telling whether two answers say the same."""
    return _NOT_A_WORD.sub(" ", text.casefold().replace("’", "'")).strip()


class Said(Frozen):
    """One wording, the first quote that used it, and everyone who said it."""

    quote: Quote
    people: int
    roles: tuple[str, ...]  # in the order they said it, each once


def merge(quotes: Iterable[Quote]) -> tuple[Said, ...]:
    """The quotes with the same wording merged, in the order each wording first appears."""
    found: dict[str, tuple[Quote, set[str], list[str]]] = {}
    for quote in quotes:
        _, people, roles = found.setdefault(wording(quote.text), (quote, set(), []))
        people.add(quote.user_id)
        if quote.role not in roles:
            roles.append(quote.role)
    return tuple(
        Said(quote=first, people=len(people), roles=tuple(roles))
        for first, people, roles in found.values()
    )


class Shown:
    """The wordings a document has quoted so far."""

    def __init__(self) -> None:
        self._seen: set[str] = set()

    def fresh(self, said: Iterable[Said]) -> list[Said]:
        """The ones not quoted yet, now marked as quoted."""
        kept = [s for s in said if wording(s.quote.text) not in self._seen]
        self._seen.update(wording(s.quote.text) for s in kept)
        return kept
