"""The words of an answer about time or frequency, and what each of them means.

Text is split into lower-case tokens (`tokenize`); the tables below map phrases of tokens to
their meaning: units and their bases ("days", "working", "fortnight"), hedges before and after
a figure ("about", "up to", "or more"), refusals ("no idea"), durations without a number
("overnight"), frequencies ("almost always") and the words that join the two ends of a range.
Numbers themselves are read by `bot.workshop.core.numbers_in_words`. How these words combine
into a duration or a percentage is described in `bot.workshop.core.durations`.
"""

import difflib
import re
from collections.abc import Collection, Mapping, Sequence
from enum import StrEnum
from typing import Final, Literal, TypeVar

from bot.workshop.core.numbers_in_words import FRACTIONS, FREQUENCIES, VAGUE_AMOUNTS, read_number

Hedge = Literal["about", "at_most", "at_least"]
Phrase = tuple[str, ...]
_T = TypeVar("_T")


class Unit(StrEnum):
    """The unit a duration is written in, smallest first."""

    MINUTES = "minutes"
    HOURS = "hours"
    DAYS = "days"
    WEEKS = "weeks"
    MONTHS = "months"


class TimeBasis(StrEnum):
    """Whether a duration counts working time or elapsed calendar time."""

    WORKING = "working"
    CALENDAR = "calendar"


_TOKEN: Final = re.compile(r"\d+/\d+|\d*\.\d+|\d+(?:,\d+)+|\d+|[a-z]+(?:'[a-z]+)*|[^\s.]")
_SPELLING: Final = str.maketrans(
    {"’": "'", "‘": "'", "–": "-", "—": "-", "−": "-", "‑": "-", "≈": "~", "≤": "<=",
     "≥": ">=", "½": " 1/2 ", "¼": " 1/4 ", "¾": " 3/4 ", "⅓": " 1/3 ", "⅔": " 2/3 "}
)  # fmt: skip


def tokenize(text: str) -> list[str]:
    """Lower-case words, numbers ("12", "1.5", "1/2") and single symbols; full stops dropped."""
    return _TOKEN.findall(text.lower().translate(_SPELLING))


MAX_PHRASE_WORDS = 8


def phrase_table(groups: Mapping[_T, Sequence[str]]) -> dict[Phrase, _T]:
    """Each text in `groups`, as tokens, mapped to its meaning."""
    table = {tuple(tokenize(text)): meaning for meaning, texts in groups.items() for text in texts}
    too_long = [" ".join(p) for p in table if not 0 < len(p) <= MAX_PHRASE_WORDS]
    if too_long:
        raise ValueError(f"phrases must have 1 to {MAX_PHRASE_WORDS} words: {too_long}")
    return table


PREFIXES: Final[dict[Phrase, Hedge]] = phrase_table({
    "about": ("about", "around", "roughly", "approx", "approximately", "~", "circa", "ca", "abt",
        "maybe", "probably", "perhaps", "possibly", "like", "nearly", "almost", "close to",
        "more or less", "give or take", "something like", "in the region of", "just under",
        "just over", "just less than", "just more than", "a bit over", "a bit under",
        "a bit more than", "a bit less than", "a little over", "a little under",
        "a little more than", "a little less than", "slightly over", "slightly under"),
    "at_most": ("up to", "upto", "max", "maximum", "a maximum of", "at most", "at the most",
        "no more than", "not more than", "less than", "less then", "fewer than", "under",
        "below", "within", "<", "<=", "no longer than", "not longer than", "shorter than",
        "as long as", "as much as"),
    "at_least": ("at least", "min", "minimum", "a minimum of", "more than", "more then", "over",
        "well over", "above", ">", ">=", "longer than", "no less than", "not less than",
        "upwards of", "in excess of"),
})  # fmt: skip
SUFFIXES: Final[dict[Phrase, Hedge]] = phrase_table({
    "about": ("or so", "ish", "-ish", "approx", "approximately", "roughly", "give or take",
        "or thereabouts"),
    "at_most": ("or less", "or under", "or fewer", "max", "maximum", "at most", "at the most",
        "tops"),
    "at_least": ("+", "or more", "or longer", "or over", "plus", "at least", "minimum", "min"),
})  # fmt: skip
REFUSALS: Final = phrase_table({True: ("no idea", "don't know", "dont know", "do not know", "idk",
    "not sure", "unsure", "n/a", "na", "dunno", "no clue", "not a clue", "haven't a clue",
    "who knows", "nobody knows", "no one knows", "unknown", "not known", "can't say",
    "cant say", "cannot say", "hard to say", "beats me", "can't tell")})  # fmt: skip
WORD_DURATIONS: Final[dict[Phrase, tuple[float, float, Unit]]] = phrase_table({
    (0.0, 0.0, Unit.MINUTES): ("instant", "instantly", "immediate", "immediately", "no time",
        "straight away", "right away", "no wait", "no waiting", "no delay"),
    (0.0, 1.0, Unit.DAYS): ("same day", "same-day"),
    (1.0, 1.0, Unit.DAYS): ("overnight", "over night", "next day"),
})  # fmt: skip
ZERO_ANSWERS: Final = phrase_table(
    {(0.0, 0.0, Unit.MINUTES): ("0", "zero", "none", "nothing", "nil")}
)
FREQUENCY_WORDS: Final = phrase_table(FREQUENCIES)
NEGATIONS: Final = frozenset({"not", "isn't", "isnt", "aren't", "doesn't", "don't"})
UNIT_WORDS: Final[dict[Phrase, tuple[Unit, float, TimeBasis | None]]] = phrase_table({
    (Unit.MINUTES, 1, None): ("min", "mins", "minute", "minutes"),
    (Unit.HOURS, 1, None): ("h", "hr", "hrs", "hour", "hours"),
    (Unit.DAYS, 1, None): ("d", "day", "days"),
    (Unit.DAYS, 1, TimeBasis.WORKING): ("workday", "workdays", "weekday", "weekdays", "manday",
        "mandays"),
    (Unit.WEEKS, 1, None): ("w", "wk", "wks", "week", "weeks"),
    (Unit.WEEKS, 2, None): ("fortnight", "fortnights"),
    (Unit.MONTHS, 1, None): ("mo", "mos", "mth", "mths", "month", "months"),
    (Unit.MONTHS, 3, None): ("quarter", "quarters"),
    (Unit.MONTHS, 12, None): ("y", "yr", "yrs", "year", "years"),
})  # fmt: skip
BASIS_WORDS: Final[dict[Phrase, TimeBasis]] = phrase_table({
    TimeBasis.WORKING: ("working", "work", "business", "man", "person", "effort"),
    TimeBasis.CALENDAR: ("calendar", "elapsed", "real"),
})  # fmt: skip
PERCENT_WORDS: Final = phrase_table({True: ("%", "percent", "pct", "pc", "percentage")})
FILLERS: Final = frozenset({"full", "whole", "solid", "straight", "long", "more", "extra"})
RANGE_WORDS: Final = frozenset({"-", "to", "or", "till", "til", "until", "through", "thru", "~"})
# The words that join the parts of one duration: "5 weeks and 2 days", "3 weeks plus 2 days".
COMPOUND_WORDS: Final = frozenset({"and", "&", "plus"})


def at(tokens: Sequence[str], index: int) -> str:
    """The token at `index`, or "" outside the text."""
    return tokens[index] if 0 <= index < len(tokens) else ""


def skip(tokens: Sequence[str], index: int, *words: str) -> int:
    """The index after `tokens[index]` if it is one of `words`, else `index`."""
    return index + 1 if at(tokens, index) in words else index


def longest_phrase(tokens: Sequence[str], index: int, phrases: Collection[Phrase]) -> Phrase | None:
    """The longest of `phrases` that starts at `index`: a few look-ups, however many
    phrases there are (`phrase_table` keeps them within MAX_PHRASE_WORDS)."""
    for size in range(min(MAX_PHRASE_WORDS, len(tokens) - index), 0, -1):
        phrase = tuple(tokens[index : index + size])
        if phrase in phrases:
            return phrase
    return None


def first_phrase(tokens: Sequence[str], phrases: Collection[Phrase]) -> Phrase | None:
    """The first of `phrases` to occur in `tokens`."""
    found = (longest_phrase(tokens, i, phrases) for i in range(len(tokens)))
    return next((phrase for phrase in found if phrase is not None), None)


MAX_HEDGES = 4  # hedges in a row ("maybe about"); more are read from a later start


def read_hedges(
    tokens: Sequence[str], index: int, table: Mapping[Phrase, Hedge]
) -> tuple[set[Hedge], int]:
    """The hedges of `table` in a row from `index` (at most MAX_HEDGES, so that reading
    from every start stays linear in a long text), and the index after them."""
    found: set[Hedge] = set()
    for _ in range(MAX_HEDGES):
        phrase = longest_phrase(tokens, index, table)
        if phrase is None:
            break
        found.add(table[phrase])
        index += len(phrase)
    return found, index


def lookup(word: str, words: Mapping[Phrase, _T]) -> _T | None:
    """The meaning of `word`, forgiving a typo in words of 3 letters or more."""
    if (word,) in words or len(word) < 3 or not word.isalpha():
        return words.get((word,))
    close = difflib.get_close_matches(word, [w for (w,) in words if len(w) >= 3], 1, 0.75)
    return words[(close[0],)] if close else None


def read_amount(tokens: Sequence[str], index: int) -> tuple[float, float, int] | None:
    """An amount of some unit: "3", "1 1/2", "two and a half", "a", "half a", "a few"."""
    number = read_number(tokens, index)
    if number is not None:
        value, end = number
        part = FRACTIONS.get(at(tokens, end + 2), 0)
        if at(tokens, end) in ("and", "&") and at(tokens, end + 1) in ("a", "an") and part:
            value, end = value + part, end + 3
        elif at(tokens, end) in ("quarter", "quarters") and at(tokens, end + 1) == "of":
            value, end = value / 4, skip(tokens, end + 2, "a", "an")  # "three quarters of an"
        return value, value, end
    start = skip(tokens, index, "a", "an")
    word = at(tokens, start)
    if word in VAGUE_AMOUNTS:
        return (*VAGUE_AMOUNTS[word], skip(tokens, start + 1, "of"))
    if word in FRACTIONS:
        end = skip(tokens, skip(tokens, start + 1, "of"), "a", "an")
        if word == "half" or unit_at(tokens, end) is not None:  # "a quarter" is 3 months
            return FRACTIONS[word], FRACTIONS[word], end
    return (1.0, 1.0, index + 1) if start > index else None


def unit_at(tokens: Sequence[str], index: int) -> tuple[Unit, float, TimeBasis | None, int] | None:
    """A unit word, perhaps after a basis word: "days", "working days", "man-days"."""
    while at(tokens, index) in FILLERS:
        index += 1
    basis = None
    if lookup(at(tokens, index), UNIT_WORDS) is None:
        basis = lookup(at(tokens, index), BASIS_WORDS)
        index = index if basis is None else skip(tokens, index + 1, "-")
    found = lookup(at(tokens, index), UNIT_WORDS)
    if found is None:
        return None
    unit, scale, unit_basis = found
    return unit, scale, basis or unit_basis, index + 1


def separator(tokens: Sequence[str], index: int, between: bool) -> int | None:
    """The index after the "-", "to", "or" (or "and" after "between") of a range, or None."""
    word = at(tokens, index)
    return index + 1 if word in RANGE_WORDS or (between and word in ("and", "&")) else None


def is_refusal(tokens: Sequence[str]) -> bool:
    """Whether the person says they do not know: "no idea", "not sure", "?"."""
    return first_phrase(tokens, REFUSALS) is not None or (
        bool(tokens) and set(tokens) <= {"?", "!"}
    )
