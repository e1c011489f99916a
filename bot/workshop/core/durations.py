"""Read durations and percentages from the free text people type in Slack.

People answer "how long does a change wait for approval?" or "how often is what you receive
complete and accurate?" in their own words, often on a phone. `parse_duration` and
`parse_percent` turn an answer into a range, into `Unknown` when the person says they do not
know, or into None when the text cannot be understood: the caller then asks again with
examples. The parser never makes up a figure that was not written.

Durations
- An amount and a unit: "3d", "1.5 hrs", "90 mins", "2weeks", "1 mo", "a fortnight" (2
  weeks), "a quarter" (3 months), "a year" (12 months). "m" alone is not a unit (minutes or
  months?). A number without a unit is not a duration, except a bare "0".
- Amounts in words: a/an/one 1, half 0.5, quarter 0.25, couple 2, dozen 12, few 2-4,
  several 3-6; "1 1/2", "1½", "one and a half", "a day and a half", "1h30".
- Ranges: "2-3 weeks", "2 to 3 weeks", "3 or 4 days", "between 2 and 4 days", "an hour or
  two". When the ends have different units ("2 days - 1 week"), both are expressed in the
  smaller unit, as is a sum ("1 week and 2 days", "1h30").
- Basis: minutes and hours are working time; days, weeks and months are calendar time,
  unless the text says "working", "business", "work", "man", "person" or "effort" days
  ("3 business days", "5 days of work", "workdays") or "calendar", "elapsed", "real".
  `basis_stated` records whether it did. A range takes the basis stated anywhere in it, else
  the default of its unit. Converting units within one answer uses 60 minutes an hour and,
  for working/calendar time, 8/24 hours a day, 5/7 days a week, 21/30 days a month.
- Hedges: "about", "around", "roughly", "~", "approx", "or so", "-ish" set `approximate`.
  "up to", "under", "less than", "within", "max", "at most" give 0..x. "at least", "more
  than", "over", "min", "x+", "or more" give x..x with `open_ended`: x is a lower bound.
- The first duration in an answer wins ("usually about 2 weeks, sometimes a month" is about
  2 weeks); words around it are ignored ("we wait 2 weeks for the CAB").
- Without a number: "instant", "immediately", "no time" are 0 minutes, as is an answer that
  is only "0", "zero", "none" or "nothing"; "overnight" and "next day" are 1 calendar day,
  "same day" up to 1 calendar day.
- "No idea", "don't know", "idk", "not sure", "n/a", "?" are `Unknown`, unless a duration is
  also given ("not sure, maybe 3 days" is about 3 days). "It depends", "a while", "ages" and
  "soon" give no figure: None, so that the caller asks for one.
- Unit and basis words of 3 letters or more tolerate typos ("wekks", "dyas", "calender").
- Working days: minutes and hours through `hours_per_day` (calendar hours as 24 a day, times
  5/7), working days 1:1, calendar days times 5/7, weeks 5 and months 21 on either basis.

Percentages
- "90%", "90 %", "ninety percent", "90 per cent", "50-70%", "9 out of 10", "9 times out of
  10", "9/10", "1 in 3", "50/50".
  A bare number is a percent ("80") if it is the only number in the answer. A number written
  with a decimal point in 0..1 is a fraction ("0.9" is 90%); "1" is 1%. Over 100 is None.
- Hedges as for durations: "about 80%" is approximate, "at least 90%" is 90-100 and "under
  10%" is 0-10.
- Words, when there is no number (`numbers_in_words.FREQUENCIES`): always 100, almost always
  90-99, most of the time 75-90, often 60-80, half the time 50, sometimes 30-60, rarely 0-20,
  never 0 and so on. A hedged single value widens by 5 each way ("about half" is 45-55).
  A negated word ("not always") is None.
"""

import difflib
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Final, Literal, TypeVar

from pydantic import BaseModel, Field, model_validator

from bot.workshop.core.numbers_in_words import (
    FRACTIONS,
    FREQUENCIES,
    VAGUE_AMOUNTS,
    read_number,
)

Hedge = Literal["about", "at_most", "at_least"]
Phrase = tuple[str, ...]
_T = TypeVar("_T")


class Unit(StrEnum):
    MINUTES = "minutes"
    HOURS = "hours"
    DAYS = "days"
    WEEKS = "weeks"
    MONTHS = "months"


class TimeBasis(StrEnum):
    WORKING = "working"
    CALENDAR = "calendar"


class Unknown(BaseModel, frozen=True):
    """The person said they do not know."""

    kind: Literal["unknown"] = "unknown"


class _Range(BaseModel, frozen=True):
    low: float = Field(ge=0, allow_inf_nan=False)
    high: float = Field(ge=0, allow_inf_nan=False)
    approximate: bool = False

    @model_validator(mode="after")
    def _check_order(self) -> "_Range":
        if self.low > self.high:
            raise ValueError("low must not exceed high")
        return self


def _amount_text(low: float, high: float, places: int) -> str:
    low_text, high_text = (f"{v:.{places}f}".rstrip("0").rstrip(".") for v in (low, high))
    return low_text if low == high else f"{low_text}–{high_text}"


class DurationRange(_Range, frozen=True):
    """A duration from `low` to `high` `unit`s; `low == high` for a single value."""

    kind: Literal["duration"] = "duration"
    unit: Unit
    basis: TimeBasis
    basis_stated: bool
    open_ended: bool = False

    def _working_days_per_unit(self, hours_per_day: float) -> float:
        calendar = self.basis is TimeBasis.CALENDAR
        if self.unit in (Unit.MINUTES, Unit.HOURS):
            per_hour = 5 / (7 * 24) if calendar else 1 / hours_per_day
            return per_hour / 60 if self.unit is Unit.MINUTES else per_hour
        if self.unit is Unit.DAYS:
            return 5 / 7 if calendar else 1.0
        return 5.0 if self.unit is Unit.WEEKS else 21.0

    def low_days(self, hours_per_day: float = 8) -> float:
        """The low end in working days."""
        return self.low * self._working_days_per_unit(hours_per_day)

    def high_days(self, hours_per_day: float = 8) -> float:
        """The high end in working days."""
        return self.high * self._working_days_per_unit(hours_per_day)

    def typical_days(self, hours_per_day: float = 8) -> float:
        """The middle of the range in working days."""
        return (self.low_days(hours_per_day) + self.high_days(hours_per_day)) / 2

    def describe(self) -> str:
        """A short plain form: "2–3 weeks", "about 1 month", "up to 3 working days"."""
        up_to = self.low == 0 < self.high
        low = self.high if up_to else self.low
        unit = self.unit.value[:-1] if low == self.high == 1 else self.unit.value
        basis = f"{self.basis.value} " if self.basis_stated else ""
        words = f"{_amount_text(low, self.high, 2)} {basis}{unit}"
        if self.open_ended or up_to:
            return f"{'at least' if self.open_ended else 'up to'} {words}"
        return f"about {words}" if self.approximate else words


class PercentRange(_Range, frozen=True):
    """A percentage from `low` to `high`, within 0..100."""

    kind: Literal["percent"] = "percent"
    high: float = Field(ge=0, le=100, allow_inf_nan=False)

    def typical(self) -> float:
        return (self.low + self.high) / 2

    def describe(self) -> str:
        """A short plain form: "90%", "50–70%", "about 80%"."""
        return f"{'about ' if self.approximate else ''}{_amount_text(self.low, self.high, 1)}%"


_TOKEN: Final = re.compile(r"\d+/\d+|\d*\.\d+|\d+(?:,\d+)+|\d+|[a-z]+(?:'[a-z]+)*|[^\s.]")
_SPELLING: Final = str.maketrans(
    {"’": "'", "‘": "'", "–": "-", "—": "-", "−": "-", "‑": "-", "≈": "~", "≤": "<=",
     "≥": ">=", "½": " 1/2 ", "¼": " 1/4 ", "¾": " 3/4 ", "⅓": " 1/3 ", "⅔": " 2/3 "}
)  # fmt: skip


def _tokenize(text: str) -> list[str]:
    """Lower-case words, numbers ("12", "1.5", "1/2") and single symbols; full stops dropped."""
    return _TOKEN.findall(text.lower().translate(_SPELLING))


def _table(groups: Mapping[_T, Sequence[str]]) -> dict[Phrase, _T]:
    return {tuple(_tokenize(text)): meaning for meaning, texts in groups.items() for text in texts}


_PREFIXES: Final[dict[Phrase, Hedge]] = _table({
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
_SUFFIXES: Final[dict[Phrase, Hedge]] = _table({
    "about": ("or so", "ish", "-ish", "approx", "approximately", "roughly", "give or take",
        "or thereabouts"),
    "at_most": ("or less", "or under", "or fewer", "max", "maximum", "at most", "at the most",
        "tops"),
    "at_least": ("+", "or more", "or longer", "or over", "plus", "at least", "minimum", "min"),
})  # fmt: skip
_REFUSALS: Final = _table({True: ("no idea", "don't know", "dont know", "do not know", "idk",
    "not sure", "unsure", "n/a", "na", "dunno", "no clue", "not a clue", "haven't a clue",
    "who knows", "nobody knows", "no one knows", "unknown", "not known", "can't say",
    "cant say", "cannot say", "hard to say", "beats me", "can't tell")})  # fmt: skip
_WORD_DURATIONS: Final[dict[Phrase, tuple[float, float, Unit]]] = _table({
    (0.0, 0.0, Unit.MINUTES): ("instant", "instantly", "immediate", "immediately", "no time",
        "straight away", "right away", "no wait", "no waiting", "no delay"),
    (0.0, 1.0, Unit.DAYS): ("same day", "same-day"),
    (1.0, 1.0, Unit.DAYS): ("overnight", "over night", "next day"),
})  # fmt: skip
_ZERO_ANSWERS: Final = _table({(0.0, 0.0, Unit.MINUTES): ("0", "zero", "none", "nothing", "nil")})
_FREQUENCY_WORDS: Final = _table(FREQUENCIES)
_NEGATIONS: Final = frozenset({"not", "isn't", "isnt", "aren't", "doesn't", "don't"})
_UNIT_WORDS: Final[dict[Phrase, tuple[Unit, float, TimeBasis | None]]] = _table({
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
_BASIS_WORDS: Final[dict[Phrase, TimeBasis]] = _table({
    TimeBasis.WORKING: ("working", "work", "business", "man", "person", "effort"),
    TimeBasis.CALENDAR: ("calendar", "elapsed", "real"),
})  # fmt: skip
_PERCENT_WORDS: Final = _table({True: ("%", "percent", "pct", "pc", "percentage")})
_FILLERS: Final = frozenset({"full", "whole", "solid", "straight", "long", "more", "extra"})
_RANGE_WORDS: Final = frozenset({"-", "to", "or", "till", "til", "until", "through", "thru", "~"})
_ORDER: Final = tuple(Unit)
_DEFAULT_BASIS: Final = {
    u: TimeBasis.WORKING if u in _ORDER[:2] else TimeBasis.CALENDAR for u in Unit
}
_MINUTES_IN: Final = {
    basis: dict(zip(_ORDER, (1, 60, 60 * day, 60 * day * week, 60 * day * month), strict=True))
    for basis, day, week, month in ((TimeBasis.WORKING, 8, 5, 21), (TimeBasis.CALENDAR, 24, 7, 30))
}  # fmt: skip


def _at(tokens: Sequence[str], index: int) -> str:
    return tokens[index] if 0 <= index < len(tokens) else ""


def _skip(tokens: Sequence[str], index: int, *words: str) -> int:
    return index + 1 if _at(tokens, index) in words else index


def _longest(tokens: Sequence[str], index: int, phrases: Collection[Phrase]) -> Phrase | None:
    matches = [p for p in phrases if tuple(tokens[index : index + len(p)]) == p]
    return max(matches, key=len, default=None)


def _first(tokens: Sequence[str], phrases: Collection[Phrase]) -> Phrase | None:
    """The first of `phrases` to occur in `tokens`."""
    found = (_longest(tokens, i, phrases) for i in range(len(tokens)))
    return next((phrase for phrase in found if phrase is not None), None)


def _hedges(
    tokens: Sequence[str], index: int, table: Mapping[Phrase, Hedge]
) -> tuple[set[Hedge], int]:
    found: set[Hedge] = set()
    while (phrase := _longest(tokens, index, table)) is not None:
        found.add(table[phrase])
        index += len(phrase)
    return found, index


def _lookup(word: str, words: Mapping[Phrase, _T]) -> _T | None:
    """The meaning of `word`, forgiving a typo in words of 3 letters or more."""
    if (word,) in words or len(word) < 3 or not word.isalpha():
        return words.get((word,))
    close = difflib.get_close_matches(word, [w for (w,) in words if len(w) >= 3], 1, 0.75)
    return words[(close[0],)] if close else None


def _amount(tokens: Sequence[str], index: int) -> tuple[float, float, int] | None:
    """An amount of some unit: "3", "1 1/2", "two and a half", "a", "half a", "a few"."""
    number = read_number(tokens, index)
    if number is not None:
        value, end = number
        part = FRACTIONS.get(_at(tokens, end + 2), 0)
        if _at(tokens, end) in ("and", "&") and _at(tokens, end + 1) in ("a", "an") and part:
            value, end = value + part, end + 3
        elif _at(tokens, end) in ("quarter", "quarters") and _at(tokens, end + 1) == "of":
            value, end = value / 4, _skip(tokens, end + 2, "a", "an")  # "three quarters of an"
        return value, value, end
    start = _skip(tokens, index, "a", "an")
    word = _at(tokens, start)
    if word in VAGUE_AMOUNTS:
        return (*VAGUE_AMOUNTS[word], _skip(tokens, start + 1, "of"))
    if word in FRACTIONS:
        end = _skip(tokens, _skip(tokens, start + 1, "of"), "a", "an")
        if word == "half" or _unit_at(tokens, end) is not None:  # "a quarter" is 3 months
            return FRACTIONS[word], FRACTIONS[word], end
    return (1.0, 1.0, index + 1) if start > index else None


def _unit_at(tokens: Sequence[str], index: int) -> tuple[Unit, float, TimeBasis | None, int] | None:
    """A unit word, perhaps after a basis word: "days", "working days", "man-days"."""
    while _at(tokens, index) in _FILLERS:
        index += 1
    basis = None
    if _lookup(_at(tokens, index), _UNIT_WORDS) is None:
        basis = _lookup(_at(tokens, index), _BASIS_WORDS)
        index = index if basis is None else _skip(tokens, index + 1, "-")
    found = _lookup(_at(tokens, index), _UNIT_WORDS)
    if found is None:
        return None
    unit, scale, unit_basis = found
    return unit, scale, basis or unit_basis, index + 1


@dataclass(frozen=True)
class _Span:
    """An amount with its unit, already scaled ("a fortnight" is 2 weeks)."""

    low: float
    high: float
    unit: Unit
    scale: float
    basis: TimeBasis | None
    hedge: Hedge | None
    end: int


def _span(tokens: Sequence[str], index: int) -> _Span | None:
    amount = _amount(tokens, index)
    if amount is None:
        return None
    low, high, end = amount
    hedge: Hedge | None = None
    if _at(tokens, end) in ("+", "ish"):  # "2+ weeks", "2ish weeks"
        hedge, end = ("at_least" if tokens[end] == "+" else "about"), end + 1
    found = _unit_at(tokens, end)
    if found is None:
        return None
    unit, scale, basis, end = found
    part = FRACTIONS.get(_at(tokens, end + 2), 0)  # "a day and a half"
    if _at(tokens, end) in ("and", "&") and _at(tokens, end + 1) in ("a", "an") and part:
        low, high, end = low + part, high + part, end + 3
    after = _skip(tokens, _skip(tokens, end, "of", "("), "of")  # "3 days of work"
    if basis is None and (basis := _lookup(_at(tokens, after), _BASIS_WORDS)) is not None:
        end = _skip(tokens, after + 1, "time", ")")
    return _Span(low * scale, high * scale, unit, scale, basis, hedge, end)


def _separator(tokens: Sequence[str], index: int, between: bool) -> int | None:
    word = _at(tokens, index)
    return index + 1 if word in _RANGE_WORDS or (between and word in ("and", "&")) else None


def _join(
    spans: Sequence[_Span],
    lows: Sequence[tuple[float, Unit]],
    highs: Sequence[tuple[float, Unit]],
    end: int,
) -> tuple[DurationRange, set[Hedge], int]:
    """The sums of `lows` and of `highs`, in the smallest unit among them."""
    unit = min((u for _, u in (*lows, *highs)), key=_ORDER.index)
    stated = next((s.basis for s in spans if s.basis is not None), None)
    basis = stated or _DEFAULT_BASIS[unit]
    size = _MINUTES_IN[basis]
    low, high = (sum(v * (size[u] / size[unit]) for v, u in ends) for ends in (lows, highs))
    found = DurationRange(
        low=min(low, high), high=max(low, high), unit=unit, basis=basis, basis_stated=bool(stated)
    )
    return found, {s.hedge for s in spans if s.hedge is not None}, end


def _core_at(
    tokens: Sequence[str], index: int, between: bool
) -> tuple[DurationRange, set[Hedge], int] | None:
    first = _span(tokens, index)
    if first is None:  # "2-3 weeks": only the second amount has a unit
        amount = _amount(tokens, index)
        sep = None if amount is None else _separator(tokens, amount[2], between)
        last = None if sep is None else _span(tokens, sep)
        if amount is None or last is None:
            return None
        first = replace(last, low=amount[0] * last.scale, high=amount[1] * last.scale)
        return _join((first, last), [(first.low, first.unit)], [(last.high, last.unit)], last.end)
    sep = _separator(tokens, first.end, between)
    last = None if sep is None else _span(tokens, sep)
    if last is not None:  # "2 days - 1 week"
        return _join((first, last), [(first.low, first.unit)], [(last.high, last.unit)], last.end)
    more = None if sep is None else _amount(tokens, sep)
    if more is not None and more[1] * first.scale > first.high:  # "an hour or two"
        return _join(
            (first,), [(first.low, first.unit)], [(more[1] * first.scale, first.unit)], more[2]
        )
    lows, highs = [(first.low, first.unit)], [(first.high, first.unit)]
    extra = _span(tokens, _skip(tokens, first.end, "and"))
    minutes = _at(tokens, first.end)
    if extra is not None and _ORDER.index(extra.unit) < _ORDER.index(first.unit):  # "1 week 2 days"
        lows, highs = [*lows, (extra.low, extra.unit)], [*highs, (extra.high, extra.unit)]
        return _join((first, extra), lows, highs, extra.end)
    if first.unit is Unit.HOURS and first.low == first.high and re.fullmatch(r"[0-5]\d", minutes):
        added = (int(minutes), Unit.MINUTES)  # "1h30"
        return _join((first,), [*lows, added], [*highs, added], first.end + 1)
    return _join((first,), lows, highs, first.end)


def _duration_at(tokens: Sequence[str], index: int) -> DurationRange | None:
    hedges, index = _hedges(tokens, index, _PREFIXES)
    between = _at(tokens, index) in ("between", "from")
    core = _core_at(tokens, index + between, between)
    if core is None:
        return None
    found, more, end = core
    hedges |= more | _hedges(tokens, end, _SUFFIXES)[0]
    at_least = "at_least" in hedges and "at_most" not in hedges
    low = 0.0 if "at_most" in hedges else found.low
    high = found.low if at_least else found.high
    update = {"low": low, "high": high, "approximate": "about" in hedges, "open_ended": at_least}
    return found.model_copy(update=update)


def _is_refusal(tokens: Sequence[str]) -> bool:
    return _first(tokens, _REFUSALS) is not None or (bool(tokens) and set(tokens) <= {"?", "!"})


def parse_duration(text: str) -> DurationRange | Unknown | None:
    """The first duration in `text`; `Unknown` for "don't know"; None if there is none."""
    tokens = _tokenize(text)
    for index in range(len(tokens)):
        if (found := _duration_at(tokens, index)) is not None:
            return found
    if _is_refusal(tokens):
        return Unknown()
    words = tuple(token for token in tokens if token.isalnum())
    phrase = words if words in _ZERO_ANSWERS else _first(tokens, _WORD_DURATIONS)
    if phrase is None:
        return None
    low, high, unit = (_ZERO_ANSWERS | _WORD_DURATIONS)[phrase]
    basis = _DEFAULT_BASIS[unit]
    return DurationRange(low=low, high=high, unit=unit, basis=basis, basis_stated=False)


@dataclass(frozen=True)
class _Percent:
    low: float
    high: float
    explicit: bool  # written with "%", as a ratio or as a fraction, not as a bare number
    hedges: set[Hedge]
    end: int


def _percent_end(tokens: Sequence[str], index: int) -> tuple[float, bool, int] | None:
    """One percentage: "90%", "ninety percent", "9 out of 10", "9/10", "0.9", "90"."""
    if _at(tokens, index) == "50/50":
        return 50.0, True, index + 1
    number = read_number(tokens, index)
    if number is None:
        return None
    (value, end), token = number, tokens[index]
    times = _skip(tokens, end, "times")  # "9 times out of 10"
    of = (
        times + 2
        if tokens[times : times + 2] == ["out", "of"]
        else _skip(tokens, times, "in", "of")
    )
    whole = read_number(tokens, of) if of > times else None
    if whole is not None and whole[0] > 0:
        return 100 * value / whole[0], True, whole[1]
    if (_at(tokens, end), _at(tokens, end + 1)) == ("per", "cent"):
        return value, True, end + 2
    if _lookup(_at(tokens, end), _PERCENT_WORDS):
        return value, True, end + 1
    if "/" in token or ("." in token and 0 < value <= 1):
        return round(100 * value, 10), True, end
    return value, False, end


def _percent_at(tokens: Sequence[str], index: int) -> _Percent | None:
    hedges, index = _hedges(tokens, index, _PREFIXES)
    between = _at(tokens, index) in ("between", "from")
    first = _percent_end(tokens, index + between)
    if first is None:
        return None
    low, explicit, end = first
    sep = _separator(tokens, end, between)
    second = None if sep is None else _percent_end(tokens, sep)
    high, explicit_high, end = second or first
    more, end = _hedges(tokens, end, _SUFFIXES)
    return _Percent(min(low, high), max(low, high), explicit or explicit_high, hedges | more, end)


def _bounded(low: float, high: float, hedges: set[Hedge]) -> PercentRange | None:
    low = 0.0 if "at_most" in hedges else low
    high = 100.0 if "at_least" in hedges and "at_most" not in hedges else high
    if not low <= high <= 100:
        return None
    return PercentRange(low=low, high=high, approximate="about" in hedges)


def _frequency(tokens: Sequence[str]) -> PercentRange | None:
    """A frequency in words: "almost always", "about half the time", "rarely"."""
    for index in range(len(tokens)):
        hedges: set[Hedge] = set()
        start = index
        # "almost" is a hedge, except in "almost always"
        if _longest(tokens, index, _FREQUENCY_WORDS) is None:
            hedges, start = _hedges(tokens, index, _PREFIXES)
        phrase = _longest(tokens, start, _FREQUENCY_WORDS)
        if phrase is None:
            continue
        if _at(tokens, index - 1) in _NEGATIONS:
            return None
        low, high = _FREQUENCY_WORDS[phrase]
        if "about" in hedges and low == high:
            low, high = max(0.0, low - 5), min(100.0, high + 5)
        return _bounded(low, high, hedges)
    return None


def parse_percent(text: str) -> PercentRange | Unknown | None:
    """The percentage in `text`; `Unknown` for "don't know"; None if there is none."""
    tokens = _tokenize(text)
    found: list[_Percent] = []
    index = 0
    while index < len(tokens):
        hit = _percent_at(tokens, index)
        found += [hit] if hit is not None else []
        index = index + 1 if hit is None else max(hit.end, index + 1)
    chosen = next((hit for hit in found if hit.explicit), found[0] if len(found) == 1 else None)
    if chosen is not None:
        return _bounded(chosen.low, chosen.high, chosen.hedges)
    if found:  # several bare numbers: which one is the answer?
        return None
    return Unknown() if _is_refusal(tokens) else _frequency(tokens)
