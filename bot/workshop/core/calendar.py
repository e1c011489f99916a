"""Working hours in a person's own time zone: pure arithmetic on aware datetimes.

Every function takes and returns aware datetimes in UTC, and does its wall-clock work
in the zone it is given, so a working day is 09:00-17:00 local time on both sides of a
daylight-saving change. Working windows are half-open: 09:00 is inside, 17:00 is not.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import model_validator

from bot.workshop.core.model import Frozen

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MIDNIGHT = time(0)
# Far enough ahead to cross any run of non-working days a valid WorkingHours allows.
_SEARCH_DAYS = 14


class WorkingHours(Frozen):
    """When people may be nudged: ``start``-``end`` local time on ``days`` (Monday is 0).

    ``end`` of 00:00 means midnight at the end of the day, so 00:00-00:00 is all day.
    """

    start: time = time(9)
    end: time = time(17)
    days: frozenset[int] = frozenset(range(5))

    @model_validator(mode="after")
    def _check(self) -> WorkingHours:
        if not self.days or not self.days <= frozenset(range(7)):
            raise ValueError("working days must be some of Monday (0) to Sunday (6)")
        if self.end != MIDNIGHT and self.end <= self.start:
            raise ValueError("working hours must end after they start")
        return self

    @property
    def length(self) -> timedelta:
        """How long one working day is."""
        end_day = date.min + timedelta(days=1 if self.end == MIDNIGHT else 0)
        return datetime.combine(end_day, self.end) - datetime.combine(date.min, self.start)


def zone_named(name: str | None) -> tzinfo:
    """The IANA zone with that name (Slack's ``tz``); UTC when unknown or missing."""
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("pass an aware datetime")
    return moment.astimezone(UTC)


def window_on(day: date, zone: tzinfo, hours: WorkingHours) -> tuple[datetime, datetime] | None:
    """The working window of a local calendar day, in UTC; None on a day off."""
    if day.weekday() not in hours.days:
        return None
    start = datetime.combine(day, hours.start, zone)
    end_day = day + timedelta(days=1) if hours.end == MIDNIGHT else day
    end = datetime.combine(end_day, hours.end, zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def windows_from(
    moment: datetime, zone: tzinfo, hours: WorkingHours
) -> Iterator[tuple[datetime, datetime]]:
    """The working windows that end after ``moment``, in order, for as long as asked."""
    moment = _utc(moment)
    day = moment.astimezone(zone).date() - timedelta(days=1)
    while True:
        window = window_on(day, zone, hours)
        if window is not None and window[1] > moment:
            yield window
        day += timedelta(days=1)


def is_working_time(moment: datetime, zone: tzinfo, hours: WorkingHours) -> bool:
    start, end = next(windows_from(moment, zone, hours))
    return start <= _utc(moment) < end


def next_working_moment(moment: datetime, zone: tzinfo, hours: WorkingHours) -> datetime:
    """``moment`` itself inside working hours; otherwise the start of the next window."""
    start, _ = next(windows_from(moment, zone, hours))
    return max(start, _utc(moment))


def add_working_time(
    moment: datetime, amount: timedelta, zone: tzinfo, hours: WorkingHours
) -> datetime:
    """The moment when ``amount`` of working time has passed since ``moment``.

    Only time inside working windows counts. The result may be the very end of a window
    (17:00); callers that must land inside working hours pass it to
    :func:`next_working_moment`.
    """
    moment = _utc(moment)
    if amount <= timedelta(0):
        return moment
    remaining = amount
    for start, end in windows_from(moment, zone, hours):
        begin = max(start, moment)
        if begin + remaining <= end:
            return begin + remaining
        remaining -= end - begin
    raise AssertionError("unreachable: windows_from never ends")  # pragma: no cover


def add_working_days(moment: datetime, days: float, zone: tzinfo, hours: WorkingHours) -> datetime:
    """``days`` working days later; a working day is one window's length of working time."""
    return add_working_time(moment, hours.length * days, zone, hours)


def working_start_on(day: date, zone: tzinfo, hours: WorkingHours) -> datetime:
    """The start of working hours on ``day``, or on the first working day after it."""
    return next_working_moment(datetime.combine(day, MIDNIGHT, zone), zone, hours)


def last_working_start_before(moment: datetime, zone: tzinfo, hours: WorkingHours) -> datetime:
    """The latest start of a working window at or before ``moment``."""
    moment = _utc(moment)
    day = moment.astimezone(zone).date()
    for back in range(_SEARCH_DAYS):
        window = window_on(day - timedelta(days=back), zone, hours)
        if window is not None and window[0] <= moment:
            return window[0]
    raise AssertionError("unreachable: some day of every week is a working day")


def end_of_day(day: date, zone: tzinfo) -> datetime:
    """Midnight at the end of ``day`` in that zone, in UTC."""
    return datetime.combine(day + timedelta(days=1), MIDNIGHT, zone).astimezone(UTC)


def local_date(moment: datetime, zone: tzinfo) -> date:
    return _utc(moment).astimezone(zone).date()


def parse_working_hours(text: str) -> tuple[time, time]:
    """Working hours as written in settings: "09:00-17:00"; an end of "24:00" is midnight."""
    try:
        first, second = (part.strip() for part in text.split("-"))
        start = time.fromisoformat(first)
        end = MIDNIGHT if second in ("24:00", "24") else time.fromisoformat(second)
        WorkingHours(start=start, end=end)
    except ValueError as error:
        raise ValueError(f"{text!r} is not like 09:00-17:00 ({error})") from None
    return start, end


def parse_working_days(text: str) -> frozenset[int]:
    """Working days as written in settings, "mon-fri" or "sun,mon,tue", as weekday numbers
    (Monday is 0)."""
    days: set[int] = set()
    for part in text.replace(" ", "").casefold().split(","):
        first, _, last = part.partition("-")
        first, last = first[:3], (last or first)[:3]
        if first not in DAY_NAMES or last not in DAY_NAMES:
            raise ValueError(f"{text!r} is not like mon-fri or mon,tue,wed")
        begin, end = DAY_NAMES.index(first), DAY_NAMES.index(last)
        days.update((begin + step) % 7 for step in range((end - begin) % 7 + 1))
    return frozenset(days)
