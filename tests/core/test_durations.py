"""What the bot understands from the durations and percentages people type."""

from typing import Annotated

import pytest
from pydantic import Field, TypeAdapter

from bot.workshop.core.durations import (
    DurationRange,
    PercentRange,
    TimeBasis,
    Unit,
    Unknown,
    parse_duration,
    parse_percent,
)

MIN, H, D, WK, MO = Unit.MINUTES, Unit.HOURS, Unit.DAYS, Unit.WEEKS, Unit.MONTHS
WORK, CAL = TimeBasis.WORKING, TimeBasis.CALENDAR


def dur(
    low: float,
    high: float,
    unit: Unit,
    basis: TimeBasis,
    *,
    stated: bool = False,
    about: bool = False,
    at_least: bool = False,
) -> DurationRange:
    return DurationRange(
        low=low,
        high=high,
        unit=unit,
        basis=basis,
        basis_stated=stated,
        approximate=about,
        open_ended=at_least,
    )


def pct(low: float, high: float, *, about: bool = False) -> PercentRange:
    return PercentRange(low=low, high=high, approximate=about)


DURATIONS: list[tuple[str, DurationRange | Unknown | None]] = [
    # numbers with units and abbreviations
    ("3d", dur(3, 3, D, CAL)),
    ("3 days", dur(3, 3, D, CAL)),
    ("1.5 hrs", dur(1.5, 1.5, H, WORK)),
    ("90 mins", dur(90, 90, MIN, WORK)),
    ("2h", dur(2, 2, H, WORK)),
    ("4 hours", dur(4, 4, H, WORK)),
    ("1 wk", dur(1, 1, WK, CAL)),
    ("2 weeks", dur(2, 2, WK, CAL)),
    ("6 months", dur(6, 6, MO, CAL)),
    ("1 mo", dur(1, 1, MO, CAL)),
    ("3 business days", dur(3, 3, D, WORK, stated=True)),
    ("5 working days", dur(5, 5, D, WORK, stated=True)),
    ("10 calendar days", dur(10, 10, D, CAL, stated=True)),
    ("3 man-days", dur(3, 3, D, WORK, stated=True)),
    ("5 workdays", dur(5, 5, D, WORK, stated=True)),
    ("2 weeks elapsed", dur(2, 2, WK, CAL, stated=True)),
    ("3 days (working)", dur(3, 3, D, WORK, stated=True)),
    ("2 calendar hours", dur(2, 2, H, CAL, stated=True)),
    ("a fortnight", dur(2, 2, WK, CAL)),
    ("a quarter", dur(3, 3, MO, CAL)),
    ("a year", dur(12, 12, MO, CAL)),
    ("overnight", dur(1, 1, D, CAL)),
    ("next day", dur(1, 1, D, CAL)),
    ("same day", dur(0, 1, D, CAL)),
    # ranges
    ("2-3 weeks", dur(2, 3, WK, CAL)),
    ("2 to 3 weeks", dur(2, 3, WK, CAL)),
    ("2–3 weeks", dur(2, 3, WK, CAL)),
    ("between 2 and 4 days", dur(2, 4, D, CAL)),
    ("3 or 4 days", dur(3, 4, D, CAL)),
    ("1-2h", dur(1, 2, H, WORK)),
    ("2 days - 1 week", dur(2, 5, D, CAL)),
    ("2 working days to 2 weeks", dur(2, 10, D, WORK, stated=True)),
    ("4 hours to 2 days", dur(4, 16, H, WORK)),
    ("30 mins to an hour", dur(30, 60, MIN, WORK)),
    ("between a day and a week", dur(1, 5, D, CAL)),
    ("a day or two", dur(1, 2, D, CAL)),
    ("2 weeks - 3", dur(2, 3, WK, CAL)),
    # words and fractions
    ("half a day", dur(0.5, 0.5, D, CAL)),
    ("half an hour", dur(0.5, 0.5, H, WORK)),
    ("a day", dur(1, 1, D, CAL)),
    ("a couple of days", dur(2, 2, D, CAL)),
    ("a few weeks", dur(2, 4, WK, CAL)),
    ("several weeks", dur(3, 6, WK, CAL)),
    ("one week", dur(1, 1, WK, CAL)),
    ("two weeks", dur(2, 2, WK, CAL)),
    ("twelve days", dur(12, 12, D, CAL)),
    ("twenty-five minutes", dur(25, 25, MIN, WORK)),
    ("quarter of an hour", dur(0.25, 0.25, H, WORK)),
    ("three quarters of an hour", dur(0.75, 0.75, H, WORK)),
    ("½ day", dur(0.5, 0.5, D, CAL)),
    ("1/2 day", dur(0.5, 0.5, D, CAL)),
    ("a day and a half", dur(1.5, 1.5, D, CAL)),
    ("1 1/2 days", dur(1.5, 1.5, D, CAL)),
    ("1½ days", dur(1.5, 1.5, D, CAL)),
    ("two and a half hours", dur(2.5, 2.5, H, WORK)),
    ("an hour or two", dur(1, 2, H, WORK)),
    ("1h30", dur(90, 90, MIN, WORK)),
    ("1 hour 30 minutes", dur(90, 90, MIN, WORK)),
    ("1 week and 2 days", dur(7, 7, D, CAL)),
    # hedges
    ("about a month", dur(1, 1, MO, CAL, about=True)),
    ("around 3 days", dur(3, 3, D, CAL, about=True)),
    ("roughly 2 weeks", dur(2, 2, WK, CAL, about=True)),
    ("~2 weeks", dur(2, 2, WK, CAL, about=True)),
    ("approx 5 days", dur(5, 5, D, CAL, about=True)),
    ("a week or so", dur(1, 1, WK, CAL, about=True)),
    ("2ish weeks", dur(2, 2, WK, CAL, about=True)),
    ("up to 2 weeks", dur(0, 2, WK, CAL)),
    ("less than an hour", dur(0, 1, H, WORK)),
    ("under a day", dur(0, 1, D, CAL)),
    ("max 3 days", dur(0, 3, D, CAL)),
    ("3 days max", dur(0, 3, D, CAL)),
    ("at least a week", dur(1, 1, WK, CAL, at_least=True)),
    ("more than a month", dur(1, 1, MO, CAL, at_least=True)),
    ("2 weeks+", dur(2, 2, WK, CAL, at_least=True)),
    ("a month or more", dur(1, 1, MO, CAL, at_least=True)),
    ("a little over a week", dur(1, 1, WK, CAL, about=True)),
    # typos and casing
    ("2 wekks", dur(2, 2, WK, CAL)),
    ("3 dyas", dur(3, 3, D, CAL)),
    ("4 hrs.", dur(4, 4, H, WORK)),
    ("2 Weeks", dur(2, 2, WK, CAL)),
    ("a montth", dur(1, 1, MO, CAL)),
    ("2weeks", dur(2, 2, WK, CAL)),
    ("3days", dur(3, 3, D, CAL)),
    ("3 buisness days", dur(3, 3, D, WORK, stated=True)),
    ("10 calender days", dur(10, 10, D, CAL, stated=True)),
    # with other words
    ("usually about 2 weeks, sometimes a month", dur(2, 2, WK, CAL, about=True)),
    ("it takes 3 days of work", dur(3, 3, D, WORK, stated=True)),
    ("we wait 2 weeks for the CAB", dur(2, 2, WK, CAL)),
    ("for 3 teams it is 2 weeks", dur(2, 2, WK, CAL)),
    ("not sure, maybe 3 days", dur(3, 3, D, CAL, about=True)),
    ("2 weeks of waiting", dur(2, 2, WK, CAL)),
    # zero
    ("0", dur(0, 0, MIN, WORK)),
    ("none", dur(0, 0, MIN, WORK)),
    ("no time", dur(0, 0, MIN, WORK)),
    ("instant", dur(0, 0, MIN, WORK)),
    ("immediately", dur(0, 0, MIN, WORK)),
    ("0 days", dur(0, 0, D, CAL)),
    # the person does not know
    ("no idea", Unknown()),
    ("don't know", Unknown()),
    ("don’t know", Unknown()),
    ("dont know", Unknown()),
    ("idk", Unknown()),
    ("not sure", Unknown()),
    ("?", Unknown()),
    ("n/a", Unknown()),
    ("dunno", Unknown()),
    ("no clue", Unknown()),
    # no figure to be had: ask again
    ("depends", None),
    ("it depends", None),
    ("", None),
    ("soon", None),
    ("blue", None),
    ("fast", None),
    ("a while", None),
    ("ages", None),
    ("3", None),
    ("2-3", None),
    ("30m", None),
    ("2 sprints", None),
    ("1,5 days", None),
    ("none of it is quick", None),
]

PERCENTS: list[tuple[str, PercentRange | Unknown | None]] = [
    ("90%", pct(90, 90)),
    ("90 %", pct(90, 90)),
    ("ninety percent", pct(90, 90)),
    ("ninety-five percent", pct(95, 95)),
    ("90 per cent", pct(90, 90)),
    ("90 precent", pct(90, 90)),
    ("99.5%", pct(99.5, 99.5)),
    ("0.5%", pct(0.5, 0.5)),
    ("80", pct(80, 80)),
    ("0", pct(0, 0)),
    ("1", pct(1, 1)),
    ("0.9", pct(90, 90)),
    ("0.55", pct(55, 55)),
    ("1.0", pct(100, 100)),
    ("50-70%", pct(50, 70)),
    ("50% to 70%", pct(50, 70)),
    ("between 50 and 70 percent", pct(50, 70)),
    ("about 80%", pct(80, 80, about=True)),
    ("at least 90%", pct(90, 100)),
    ("90%+", pct(90, 100)),
    ("under 10%", pct(0, 10)),
    ("9 out of 10", pct(90, 90)),
    ("9 times out of 10", pct(90, 90)),
    ("nine out of ten", pct(90, 90)),
    ("9/10", pct(90, 90)),
    ("1 in 3", pct(100 / 3, 100 / 3)),
    ("50/50", pct(50, 50)),
    ("a hundred percent", pct(100, 100)),
    ("only 3 of our 5 steps, so 60%", pct(60, 60)),
    ("most of the time", pct(75, 90)),
    ("almost always", pct(90, 99)),
    ("always", pct(100, 100)),
    ("never", pct(0, 0)),
    ("rarely", pct(0, 20)),
    ("sometimes", pct(30, 60)),
    ("half the time", pct(50, 50)),
    ("about half", pct(45, 55, about=True)),
    ("more than half", pct(50, 100)),
    ("no idea", Unknown()),
    ("idk", Unknown()),
    ("lots", None),
    ("150%", None),
    ("120", None),
    ("not always", None),
    ("3 steps 80", None),
    ("", None),
]


@pytest.mark.parametrize(("text", "expected"), DURATIONS)
def test_parse_duration(text: str, expected: DurationRange | Unknown | None) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(("text", "expected"), PERCENTS)
def test_parse_percent(text: str, expected: PercentRange | Unknown | None) -> None:
    assert parse_percent(text) == expected


def test_the_duration_table_covers_sixty_phrasings_or_more() -> None:
    assert len(DURATIONS) >= 60


@pytest.mark.parametrize(
    ("text", "low_days", "high_days", "typical_days"),
    [
        ("2-3 weeks", 10, 15, 12.5),
        ("3 calendar days", 15 / 7, 15 / 7, 15 / 7),
        ("3 working days", 3, 3, 3),
        ("4 hours", 0.5, 0.5, 0.5),
        ("90 mins", 0.1875, 0.1875, 0.1875),
        ("about a month", 21, 21, 21),
        ("2 calendar weeks", 10, 10, 10),
        ("48 elapsed hours", 10 / 7, 10 / 7, 10 / 7),
        ("up to 2 weeks", 0, 10, 5),
        ("a few days", 10 / 7, 20 / 7, 15 / 7),
    ],
)
def test_working_days(text: str, low_days: float, high_days: float, typical_days: float) -> None:
    found = parse_duration(text)
    assert isinstance(found, DurationRange)
    assert found.low_days() == pytest.approx(low_days)
    assert found.high_days() == pytest.approx(high_days)
    assert found.typical_days() == pytest.approx(typical_days)


def test_working_days_follow_the_length_of_a_working_day() -> None:
    found = parse_duration("6 hours")
    assert isinstance(found, DurationRange)
    assert found.low_days(hours_per_day=6) == pytest.approx(1)
    assert found.high_days(hours_per_day=7.5) == pytest.approx(0.8)


@pytest.mark.parametrize(
    ("text", "described"),
    [
        ("2-3 weeks", "2–3 weeks"),
        ("½ day", "0.5 days"),
        ("about a month", "about 1 month"),
        ("a day", "1 day"),
        ("3 business days", "3 working days"),
        ("10 calendar days", "10 calendar days"),
        ("up to 2 weeks", "up to 2 weeks"),
        ("less than an hour", "up to 1 hour"),
        ("at least a week", "at least 1 week"),
        ("a week to a month", "1–4.2 weeks"),
        ("instant", "0 minutes"),
    ],
)
def test_describe_duration(text: str, described: str) -> None:
    found = parse_duration(text)
    assert isinstance(found, DurationRange)
    assert found.describe() == described


@pytest.mark.parametrize(
    ("text", "described", "typical"),
    [
        ("90%", "90%", 90),
        ("50-70%", "50–70%", 60),
        ("about 80%", "about 80%", 80),
        ("1 in 3", "33.3%", 100 / 3),
        ("about half the time", "about 45–55%", 50),
    ],
)
def test_describe_percent(text: str, described: str, typical: float) -> None:
    found = parse_percent(text)
    assert isinstance(found, PercentRange)
    assert found.describe() == described
    assert found.typical() == pytest.approx(typical)


def test_a_parsed_answer_survives_a_json_round_trip() -> None:
    answer = TypeAdapter(
        Annotated[DurationRange | PercentRange | Unknown, Field(discriminator="kind")]
    )
    for value in (parse_duration("2-3 working days"), parse_percent("~90%"), Unknown()):
        assert value is not None
        assert answer.validate_json(answer.dump_json(value)) == value


def test_a_range_must_not_run_backwards() -> None:
    with pytest.raises(ValueError, match="low must not exceed high"):
        PercentRange(low=70, high=50)


# Compound durations are the sum of their parts, each part read by the rule the simple
# form uses (working time unless "calendar" is said: 8 hours a day, 5 days a week, 21 days
# a month), and so are both ends of a range. Expected: low and high in working days.
COMPOUNDS = [
    ("5 weeks and 2 days", 27, 27),
    ("5 weeks and 0 days", 25, 25),
    ("3 weeks plus 2 days", 17, 17),
    ("1 day and 4 hours", 1.5, 1.5),
    ("a month and a week", 26, 26),
    ("2 weeks 3 days", 13, 13),
    ("2 weeks, 3 days", 13, 13),
    ("1 week & 2 days", 7, 7),
    ("two weeks and two days", 12, 12),
    ("a week plus a day", 6, 6),
    ("2-3 weeks and a day", 11, 16),
    ("1-2 weeks and 3 days", 8, 13),
    ("1h30", 0.1875, 0.1875),
    ("an hour and a half", 0.1875, 0.1875),
    ("half a day and an hour", 0.625, 0.625),
    ("about 3 weeks and 2 days", 17, 17),
    ("2 days - 1 week", 2, 5),
    ("between a day and a week", 1, 5),
]


def _working_range(text: str) -> tuple[float, float]:
    found = parse_duration(text)
    assert isinstance(found, DurationRange), text
    if not found.basis_stated:
        found = found.model_copy(update={"basis": WORK})
    return found.low_days(), found.high_days()


@pytest.mark.parametrize(("text", "low", "high"), COMPOUNDS)
def test_a_compound_is_the_sum_of_its_parts(text: str, low: float, high: float) -> None:
    assert _working_range(text) == pytest.approx((low, high))


def test_5_weeks_and_5_weeks_and_0_days_agree() -> None:
    assert _working_range("5 weeks") == _working_range("5 weeks and 0 days")


PARTS = ["2 days", "3 weeks", "a month", "4 hours", "half a day", "1 week", "90 minutes", "a day"]


@pytest.mark.parametrize("first", PARTS)
@pytest.mark.parametrize("second", PARTS)
def test_a_and_b_reads_as_a_plus_b(first: str, second: str) -> None:
    (a, _), (b, _) = _working_range(first), _working_range(second)
    assert _working_range(f"{first} and {second}")[0] == pytest.approx(a + b)
