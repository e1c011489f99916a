"""Working hours in each person's own time zone: tables of moments and what they mean."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.workshop.core.calendar import (
    WorkingHours,
    add_working_days,
    end_of_day,
    is_working_time,
    last_working_start_before,
    next_working_moment,
    parse_working_days,
    parse_working_hours,
    window_on,
    working_start_on,
    zone_named,
)

LONDON = ZoneInfo("Europe/London")
TOKYO = ZoneInfo("Asia/Tokyo")
LA = ZoneInfo("America/Los_Angeles")  # PDT (UTC-7) until 2026-11-01 02:00, then PST (UTC-8)
OFFICE = WorkingHours()  # 09:00-17:00, Monday to Friday
ALL_DAY = WorkingHours(start=time(0), end=time(0), days=frozenset(range(7)))


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def local(zone: ZoneInfo, *parts: int) -> datetime:
    return datetime(*parts, tzinfo=zone).astimezone(UTC)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("moment", "zone", "working"),
    [
        (utc(2026, 11, 2, 9, 0), LONDON, True),  # Monday 09:00 GMT: the window opens
        (utc(2026, 11, 2, 8, 59, 59), LONDON, False),
        (utc(2026, 11, 2, 16, 59, 59), LONDON, True),
        (utc(2026, 11, 2, 17, 0), LONDON, False),  # 17:00 is already outside
        (utc(2026, 10, 31, 12, 0), LONDON, False),  # Saturday
        (utc(2026, 11, 1, 12, 0), LONDON, False),  # Sunday
        (utc(2026, 11, 2, 0, 0), TOKYO, True),  # Monday 09:00 JST
        (utc(2026, 11, 1, 23, 59), TOKYO, False),  # Monday 08:59 JST
        (utc(2026, 11, 2, 8, 0), TOKYO, False),  # Monday 17:00 JST
        (utc(2026, 10, 30, 16, 0), LA, True),  # Friday 09:00 PDT
        (utc(2026, 10, 30, 15, 59), LA, False),
        (utc(2026, 11, 2, 16, 30), LA, False),  # Monday 08:30 PST: same UTC hour, now too early
        (utc(2026, 11, 2, 17, 0), LA, True),  # Monday 09:00 PST
        (utc(2026, 11, 3, 0, 59), LA, True),  # Monday 16:59 PST
        (utc(2026, 11, 3, 1, 0), LA, False),  # Monday 17:00 PST
    ],
)
def test_working_time_is_local_and_half_open(
    moment: datetime, zone: ZoneInfo, working: bool
) -> None:
    assert is_working_time(moment, zone, OFFICE) is working


@pytest.mark.parametrize(
    ("moment", "zone", "expected"),
    [
        (utc(2026, 11, 2, 11, 30), LONDON, utc(2026, 11, 2, 11, 30)),  # inside: itself
        (utc(2026, 11, 2, 7, 0), LONDON, utc(2026, 11, 2, 9, 0)),  # early: today's start
        (utc(2026, 11, 6, 17, 0), LONDON, utc(2026, 11, 9, 9, 0)),  # Friday 17:00: Monday
        (utc(2026, 10, 31, 3, 0), TOKYO, utc(2026, 11, 2, 0, 0)),  # Saturday noon JST: Monday
        # Friday 17:30 PDT → Monday 09:00 PST, an hour later in UTC than a week before
        (local(LA, 2026, 10, 30, 17, 30), LA, utc(2026, 11, 2, 17, 0)),
        (local(LA, 2026, 10, 23, 17, 30), LA, utc(2026, 10, 26, 16, 0)),
    ],
)
def test_next_working_moment(moment: datetime, zone: ZoneInfo, expected: datetime) -> None:
    assert next_working_moment(moment, zone, OFFICE) == expected


@pytest.mark.parametrize(
    ("moment", "days", "zone", "expected"),
    [
        (utc(2026, 11, 2, 10, 0), 1, LONDON, utc(2026, 11, 3, 10, 0)),  # Monday → Tuesday
        (utc(2026, 11, 6, 10, 0), 1, LONDON, utc(2026, 11, 9, 10, 0)),  # Friday → Monday
        (utc(2026, 11, 6, 10, 0), 2, LONDON, utc(2026, 11, 10, 10, 0)),
        (utc(2026, 11, 7, 10, 0), 1, LONDON, utc(2026, 11, 9, 17, 0)),  # Saturday: all Monday
        (utc(2026, 11, 2, 15, 0), 0.5, LONDON, utc(2026, 11, 3, 11, 0)),  # 4 working hours
        (utc(2026, 11, 2, 20, 0), 1, LONDON, utc(2026, 11, 3, 17, 0)),  # evening: from 09:00
        # Thursday 09:15 PDT + 2 working days = Monday 09:15 PST (17:15 UTC, not 16:15)
        (local(LA, 2026, 10, 29, 9, 15), 2, LA, utc(2026, 11, 2, 17, 15)),
        (local(LA, 2026, 10, 30, 9, 15), 2, LA, local(LA, 2026, 11, 3, 9, 15)),
        # Friday 01:15 JST (outside hours): a working day is the whole of Friday
        (utc(2026, 10, 29, 16, 15), 1, TOKYO, local(TOKYO, 2026, 10, 30, 17, 0)),
    ],
)
def test_add_working_days(
    moment: datetime, days: float, zone: ZoneInfo, expected: datetime
) -> None:
    assert add_working_days(moment, days, zone, OFFICE) == expected


def test_working_days_on_both_sides_of_daylight_saving_are_the_same_local_hours() -> None:
    before = window_on(date(2026, 10, 30), LA, OFFICE)
    after = window_on(date(2026, 11, 2), LA, OFFICE)
    assert before == (utc(2026, 10, 30, 16, 0), utc(2026, 10, 31, 0, 0))
    assert after == (utc(2026, 11, 2, 17, 0), utc(2026, 11, 3, 1, 0))
    # The day the clocks go back is 25 hours long.
    start, end = window_on(date(2026, 11, 1), LA, ALL_DAY) or (utc(2000, 1, 1),) * 2
    assert end - start == timedelta(hours=25)


@pytest.mark.parametrize(
    ("day", "zone", "expected"),
    [
        (date(2026, 11, 4), LONDON, utc(2026, 11, 4, 9, 0)),
        (date(2026, 11, 7), LONDON, utc(2026, 11, 9, 9, 0)),  # a Saturday: Monday's start
        (date(2026, 11, 1), LA, utc(2026, 11, 2, 17, 0)),  # the DST Sunday: Monday, PST
        (date(2026, 11, 4), TOKYO, utc(2026, 11, 4, 0, 0)),
    ],
)
def test_working_start_on(day: date, zone: ZoneInfo, expected: datetime) -> None:
    assert working_start_on(day, zone, OFFICE) == expected


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (utc(2026, 11, 4, 0, 0), utc(2026, 11, 3, 9, 0)),  # Wednesday midnight: Tuesday 09:00
        (utc(2026, 11, 9, 0, 0), utc(2026, 11, 6, 9, 0)),  # Monday midnight: Friday 09:00
        (utc(2026, 11, 4, 9, 0), utc(2026, 11, 4, 9, 0)),  # exactly a start
    ],
)
def test_last_working_start_before(moment: datetime, expected: datetime) -> None:
    assert last_working_start_before(moment, LONDON, OFFICE) == expected


@pytest.mark.parametrize(
    ("day", "zone", "expected"),
    [
        (date(2026, 11, 13), LONDON, utc(2026, 11, 14, 0, 0)),
        (date(2026, 11, 13), TOKYO, utc(2026, 11, 13, 15, 0)),
        (date(2026, 10, 31), LA, utc(2026, 11, 1, 7, 0)),  # still PDT at that midnight
        (date(2026, 11, 1), LA, utc(2026, 11, 2, 8, 0)),  # PST by then
    ],
)
def test_end_of_day(day: date, zone: ZoneInfo, expected: datetime) -> None:
    assert end_of_day(day, zone) == expected


@pytest.mark.parametrize(
    ("hours", "length"),
    [
        (OFFICE, timedelta(hours=8)),
        (ALL_DAY, timedelta(hours=24)),
        (WorkingHours(start=time(8, 30), end=time(12)), timedelta(hours=3, minutes=30)),
    ],
)
def test_a_working_day_is_as_long_as_its_window(hours: WorkingHours, length: timedelta) -> None:
    assert hours.length == length


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09:00-17:00", (time(9), time(17))),
        (" 08:30 - 16:30 ", (time(8, 30), time(16, 30))),
        ("00:00-24:00", (time(0), time(0))),
    ],
)
def test_parse_working_hours(text: str, expected: tuple[time, time]) -> None:
    assert parse_working_hours(text) == expected


@pytest.mark.parametrize("text", ["9-5", "17:00-09:00", "09:00", "nine to five", "10:00-10:00"])
def test_working_hours_that_make_no_sense_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="09:00-17:00"):
        parse_working_hours(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mon-fri", {0, 1, 2, 3, 4}),
        ("Sun-Thu", {6, 0, 1, 2, 3}),
        ("mon,wed, friday", {0, 2, 4}),
        ("sat-sun", {5, 6}),
        ("mon-sun", set(range(7))),
    ],
)
def test_parse_working_days(text: str, expected: set[int]) -> None:
    assert parse_working_days(text) == expected


@pytest.mark.parametrize("text", ["", "weekdays", "mon-funday"])
def test_working_days_that_make_no_sense_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="mon-fri"):
        parse_working_days(text)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Asia/Tokyo", TOKYO), (None, UTC), ("", UTC), ("Mars/Olympus_Mons", UTC), ("../etc", UTC)],
)
def test_an_unknown_time_zone_is_utc(name: str | None, expected: object) -> None:
    assert zone_named(name) == expected
