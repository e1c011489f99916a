"""Quotes attributed, counted, not repeated. Pure.

Whose role a quote shows: with anonymous quotes (the workshop's `details.named` off), a
role that one person holds would name them, so `roles_quoted_anonymously` picks those
roles out and their quotes carry no role (`Quote.role` is None): every rendering reads
them as "a participant". Roles of two people or more keep their name; with named quotes
every role is shown, beside the person.

Two answers say the same when their words match once case, punctuation and spacing are
set aside ("A slot on somebody else's calendar" and "a slot on somebody else’s calendar.").
`merge` keeps the first of each wording with how many people said it and their roles, so
a quick-answer pick chosen by six people reads as one line, "6 people". `Shown` remembers
what a document has quoted already, so that no quote appears twice in it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Protocol

from bot.workshop.core.analysis.model import Quote
from bot.workshop.core.model import Frozen

_NOT_A_WORD = re.compile(r"[\W_]+")


class RoleHolder(Protocol):
    """Someone holding a role: an interview, or an assignment at set-up."""

    @property
    def user_id(self) -> str: ...

    @property
    def role_key(self) -> str: ...


def roles_quoted_anonymously(holders: Iterable[RoleHolder], *, named: bool) -> frozenset[str]:
    """The keys of the roles whose quotes read "a participant" rather than the role: with
    anonymous quotes, those one person holds. None when quotes name people."""
    if named:
        return frozenset()
    people: dict[str, set[str]] = {}
    for holder in holders:
        people.setdefault(holder.role_key, set()).add(holder.user_id)
    return frozenset(key for key, who in people.items() if len(who) == 1)


def wording(text: str) -> str:
    """The words of a text, for telling whether two answers say the same."""
    return _NOT_A_WORD.sub(" ", text.casefold().replace("’", "'")).strip()


class Said(Frozen):
    """One wording, the first quote that used it, and everyone who said it."""

    quote: Quote
    people: int
    roles: tuple[str, ...]  # the roles shown, in the order they said it, each once
    unnamed: int = 0  # people who said it in no shown role (Quote.role None)


def merge(quotes: Iterable[Quote]) -> tuple[Said, ...]:
    """The quotes with the same wording merged, in the order each wording first appears."""
    found: dict[str, tuple[Quote, dict[str, bool], list[str]]] = {}
    for quote in quotes:
        _, people, roles = found.setdefault(wording(quote.text), (quote, {}, []))
        people[quote.user_id] = people.get(quote.user_id, False) or quote.role is not None
        if quote.role is not None and quote.role not in roles:
            roles.append(quote.role)
    return tuple(
        Said(
            quote=first,
            people=len(people),
            roles=tuple(roles),
            unnamed=sum(not shown for shown in people.values()),
        )
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
