"""Read durations and percentages from the free text people type in Slack.

(A little over the house limit of ~400 lines: most of it is this docstring, the one place
that states what every phrasing means.)

People answer "how long does a change wait for approval?" or "how often is what you receive
complete and accurate?" in their own words, often on a phone. `parse_duration` and
`parse_percent` turn an answer into a range, into `Unknown` when the person says they do not
know, or into None when the text cannot be understood: the caller then asks again with
examples. The parser never makes up a figure that was not written. The words it knows, and
what each means, are listed in `bot.workshop.core.duration_words`.

Durations
- An amount and a unit: "3d", "1.5 hrs", "90 mins", "2weeks", "1 mo", "a fortnight" (2
  weeks), "a quarter" (3 months), "a year" (12 months). "m" alone is not a unit (minutes or
  months?). A number without a unit is not a duration, except a bare "0".
- Amounts in words: a/an/one 1, half 0.5, quarter 0.25, couple 2, dozen 12, few 2-4,
  several 3-6; "1 1/2", "1½", "one and a half", "a day and a half", "1h30".
- Ranges: "2-3 weeks", "2 to 3 weeks", "3 or 4 days", "between 2 and 4 days", "an hour or
  two".
- Compounds and ranges, one rule: a sum ("5 weeks and 2 days", "3 weeks plus 2 days",
  "2 weeks, 3 days", "2 weeks 3 days", "1h30") is the sum of its parts, and the ends of a
  range ("2 days - 1 week") are read alike, each part converted as the simple form is read
  in working days: unless "calendar" is stated, 8 hours a day, 5 days a week, 21 days a
  month. The result is in the smallest unit named and keeps its basis stated or unstated
  as the simple form would, so "5 weeks and 2 days" is 27 working days and "5 weeks and 0
  days" the same as "5 weeks".
- Basis: minutes and hours are working time; days, weeks and months are calendar time,
  unless the text says "working", "business", "work", "man", "person" or "effort" days
  ("3 business days", "5 days of work", "workdays") or "calendar", "elapsed", "real".
  `basis_stated` records whether it did. A range takes the basis stated anywhere in it, else
  the default of its unit.
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

import functools
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from typing import Final, Literal

from pydantic import BaseModel, Field, model_validator

from bot.workshop.core.duration_words import (
    BASIS_WORDS,
    COMPOUND_WORDS,
    FREQUENCY_WORDS,
    NEGATIONS,
    PERCENT_WORDS,
    PREFIXES,
    SUFFIXES,
    WORD_DURATIONS,
    ZERO_ANSWERS,
    Hedge,
    Phrase,
    TimeBasis,
    Unit,
    at,
    first_phrase,
    is_refusal,
    longest_phrase,
    lookup,
    read_amount,
    read_hedges,
    separator,
    skip,
    tokenize,
    unit_at,
)
from bot.workshop.core.numbers_in_words import FRACTIONS, read_number

__all__ = ["DurationRange", "Hedge", "PercentRange", "Phrase", "TimeBasis", "Unit", "Unknown",
    "parse_duration", "parse_percent"]  # fmt: skip


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


_ORDER: Final = tuple(Unit)
_DEFAULT_BASIS: Final = {
    u: TimeBasis.WORKING if u in _ORDER[:2] else TimeBasis.CALENDAR for u in Unit
}
_MINUTES_IN: Final = {
    basis: dict(zip(_ORDER, (1, 60, 60 * day, 60 * day * week, 60 * day * month), strict=True))
    for basis, day, week, month in ((TimeBasis.WORKING, 8, 5, 21), (TimeBasis.CALENDAR, 24, 7, 30))
}  # fmt: skip


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
    amount = read_amount(tokens, index)
    if amount is None:
        return None
    low, high, end = amount
    hedge: Hedge | None = None
    if at(tokens, end) in ("+", "ish"):  # "2+ weeks", "2ish weeks"
        hedge, end = ("at_least" if tokens[end] == "+" else "about"), end + 1
    found = unit_at(tokens, end)
    if found is None:
        return None
    unit, scale, basis, end = found
    part = FRACTIONS.get(at(tokens, end + 2), 0)  # "a day and a half", not "... a half day"
    half_after = at(tokens, end) in ("and", "&") and at(tokens, end + 1) in ("a", "an")
    if half_after and part and unit_at(tokens, end + 3) is None:
        low, high, end = low + part, high + part, end + 3
    after = skip(tokens, skip(tokens, end, "of", "("), "of")  # "3 days of work"
    if basis is None and (basis := lookup(at(tokens, after), BASIS_WORDS)) is not None:
        end = skip(tokens, after + 1, "time", ")")
    return _Span(low * scale, high * scale, unit, scale, basis, hedge, end)


def _parts(
    tokens: Sequence[str], index: int, joiners: Collection[str]
) -> tuple[list[_Span], int] | None:
    """The parts of one end: "5 weeks and 2 days", "2 weeks, 3 days", "2 weeks 3 days", "1h30"."""
    first = _span(tokens, index)
    if first is None:
        return None
    parts = [first]
    while True:
        last, end = parts[-1], parts[-1].end
        joined = _span(tokens, end + 1) if at(tokens, end) in joiners else None
        smaller = _span(tokens, skip(tokens, end, ","))  # after a comma or nothing: descending
        if joined is None and smaller is not None and _rank(smaller) < _rank(last):
            joined = smaller
        minutes = at(tokens, end)
        if joined is None and last.unit is Unit.HOURS and re.fullmatch(r"[0-5]\d", minutes):
            joined = _Span(int(minutes), int(minutes), Unit.MINUTES, 1, None, None, end + 1)
        if joined is None:
            return parts, end
        parts.append(joined)


def _rank(part: _Span) -> int:
    return _ORDER.index(part.unit)


def _lows(parts: Sequence[_Span]) -> list[tuple[float, Unit]]:
    return [(part.low, part.unit) for part in parts]


def _highs(parts: Sequence[_Span]) -> list[tuple[float, Unit]]:
    return [(part.high, part.unit) for part in parts]


def _join(
    parts: Sequence[_Span],
    lows: Sequence[tuple[float, Unit]],
    highs: Sequence[tuple[float, Unit]],
    end: int,
) -> tuple[DurationRange, set[Hedge], int]:
    """The sums of `lows` and of `highs`, in the smallest unit of `parts`, by one unit rule."""
    unit = _ORDER[min(map(_rank, parts))]
    stated = next((part.basis for part in parts if part.basis is not None), None)
    size = _MINUTES_IN[stated or TimeBasis.WORKING]
    low, high = (sum(v * size[u] for v, u in ends) / size[unit] for ends in (lows, highs))
    found = DurationRange(
        low=min(low, high),
        high=max(low, high),
        unit=unit,
        basis=stated or _DEFAULT_BASIS[unit],
        basis_stated=stated is not None,
    )
    return found, {part.hedge for part in parts if part.hedge is not None}, end


def _core_at(
    tokens: Sequence[str], index: int, between: bool
) -> tuple[DurationRange, set[Hedge], int] | None:
    # after "between", "and" joins the two ends, not two parts of the first
    first = _parts(tokens, index, ("plus",) if between else COMPOUND_WORDS)
    if first is None:  # "2-3 weeks": only the second amount has a unit
        amount = read_amount(tokens, index)
        sep = None if amount is None else separator(tokens, amount[2], between)
        last = None if sep is None else _parts(tokens, sep, COMPOUND_WORDS)
        if amount is None or last is None:
            return None
        (head, *rest), end = last  # "2-3 weeks and a day": the day is added to both ends
        low = replace(head, low=amount[0] * head.scale)
        return _join(last[0], _lows([low, *rest]), _highs(last[0]), end)
    parts, end = first
    sep = separator(tokens, end, between)
    last = None if sep is None else _parts(tokens, sep, COMPOUND_WORDS)
    if last is not None:  # "2 days - 1 week"
        return _join([*parts, *last[0]], _lows(parts), _highs(last[0]), last[1])
    more = None if sep is None else read_amount(tokens, sep)
    (one,) = parts if len(parts) == 1 else (None,)
    if one is not None and more is not None and more[1] * one.scale > one.high:  # "a day or two"
        return _join(parts, _lows(parts), [(more[1] * one.scale, one.unit)], more[2])
    return _join(parts, _lows(parts), _highs(parts), end)


def _duration_at(tokens: Sequence[str], index: int) -> DurationRange | None:
    hedges, index = read_hedges(tokens, index, PREFIXES)
    between = at(tokens, index) in ("between", "from")
    core = _core_at(tokens, index + between, between)
    if core is None:
        return None
    found, more, end = core
    hedges |= more | read_hedges(tokens, end, SUFFIXES)[0]
    at_least = "at_least" in hedges and "at_most" not in hedges
    low = 0.0 if "at_most" in hedges else found.low
    high = found.low if at_least else found.high
    update = {"low": low, "high": high, "approximate": "about" in hedges, "open_ended": at_least}
    return found.model_copy(update=update)


# Reading a reply tries many runs of its words, and people give the same short answers:
# each text is read once (the results are frozen, so they can be shared).
READINGS_KEPT = 4096


@functools.lru_cache(maxsize=READINGS_KEPT)
def parse_duration(text: str) -> DurationRange | Unknown | None:
    """The first duration in `text`; `Unknown` for "don't know"; None if there is none."""
    tokens = tokenize(text)
    for index in range(len(tokens)):
        if (found := _duration_at(tokens, index)) is not None:
            return found
    if is_refusal(tokens):
        return Unknown()
    words = tuple(token for token in tokens if token.isalnum())
    phrase = words if words in ZERO_ANSWERS else first_phrase(tokens, WORD_DURATIONS)
    if phrase is None:
        return None
    low, high, unit = (ZERO_ANSWERS | WORD_DURATIONS)[phrase]
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
    if at(tokens, index) == "50/50":
        return 50.0, True, index + 1
    number = read_number(tokens, index)
    if number is None:
        return None
    (value, end), token = number, tokens[index]
    times = skip(tokens, end, "times")  # "9 times out of 10"
    of = (
        times + 2 if tokens[times : times + 2] == ["out", "of"] else skip(tokens, times, "in", "of")
    )
    whole = read_number(tokens, of) if of > times else None
    if whole is not None and whole[0] > 0:
        return 100 * value / whole[0], True, whole[1]
    if (at(tokens, end), at(tokens, end + 1)) == ("per", "cent"):
        return value, True, end + 2
    if lookup(at(tokens, end), PERCENT_WORDS):
        return value, True, end + 1
    if "/" in token or ("." in token and 0 < value <= 1):
        return round(100 * value, 10), True, end
    return value, False, end


def _percent_at(tokens: Sequence[str], index: int) -> _Percent | None:
    hedges, index = read_hedges(tokens, index, PREFIXES)
    between = at(tokens, index) in ("between", "from")
    first = _percent_end(tokens, index + between)
    if first is None:
        return None
    low, explicit, end = first
    sep = separator(tokens, end, between)
    second = None if sep is None else _percent_end(tokens, sep)
    high, explicit_high, end = second or first
    more, end = read_hedges(tokens, end, SUFFIXES)
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
        if longest_phrase(tokens, index, FREQUENCY_WORDS) is None:
            hedges, start = read_hedges(tokens, index, PREFIXES)
        phrase = longest_phrase(tokens, start, FREQUENCY_WORDS)
        if phrase is None:
            continue
        if at(tokens, index - 1) in NEGATIONS:
            return None
        low, high = FREQUENCY_WORDS[phrase]
        if "about" in hedges and low == high:
            low, high = max(0.0, low - 5), min(100.0, high + 5)
        return _bounded(low, high, hedges)
    return None


@functools.lru_cache(maxsize=READINGS_KEPT)
def parse_percent(text: str) -> PercentRange | Unknown | None:
    """The percentage in `text`; `Unknown` for "don't know"; None if there is none."""
    tokens = tokenize(text)
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
    return Unknown() if is_refusal(tokens) else _frequency(tokens)
