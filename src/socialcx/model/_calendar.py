"""Durations and business hours: the arithmetic behind service-level deadlines."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from socialcx.errors import ValidationError
from socialcx.model import _checks as c

_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(d|h|m|s)", re.IGNORECASE)
_UNITS = {"d": 86400.0, "h": 3600.0, "m": 60.0, "s": 1.0}


def parse_duration(value: str | int | float | timedelta) -> timedelta:
    """``"15m"``, ``"1h30m"``, ``"2d"``, ``"90s"`` or a number of seconds.

    Raises:
        ValidationError: the text is not a duration.
    """
    if isinstance(value, timedelta):
        return value
    if isinstance(value, bool):
        raise ValidationError(f"expected a duration, got {value!r}")
    if isinstance(value, int | float):
        return timedelta(seconds=value)
    if not isinstance(value, str):
        raise ValidationError(f"expected a duration, got {type(value).__name__}")
    compact = value.replace(" ", "")
    parts = _DURATION.findall(compact)
    if not parts or "".join(n + u for n, u in parts).lower() != compact.lower():
        raise ValidationError(f"{value!r} is not a duration like '90s', '15m', '1h30m' or '2d'")
    return timedelta(seconds=sum(float(n) * _UNITS[u.lower()] for n, u in parts))


def format_duration(value: timedelta) -> str:
    """The inverse of :func:`parse_duration`: ``timedelta(minutes=90)`` -> ``"1h30m"``."""
    seconds = value.total_seconds()
    if seconds == 0:
        return "0s"
    out = []
    for unit in ("d", "h", "m"):
        n, seconds = divmod(seconds, _UNITS[unit])
        if n:
            out.append(f"{int(n)}{unit}")
    if seconds:
        out.append(f"{seconds:g}s")
    return "".join(out)


class Weekday(enum.Enum):
    """Days of the week, as written in policy files."""

    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"

    @property
    def index(self) -> int:
        """0 for Monday, as :meth:`datetime.weekday` counts."""
        return list(Weekday).index(self)


def to_weekday(value: Weekday | str) -> Weekday:
    """Accept the enum or its value; a bad value is reported by the field's validator."""
    return c.coerce(Weekday, value)


def _valid_zone(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    c.non_empty_str(inst, attribute, value)
    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        c.fail(inst, attribute.name, f"{value!r} is not a known time zone")


@attrs.frozen(kw_only=True)
class OpeningHours:
    """When the team works on one day of the week (``end`` after ``start``)."""

    day: Weekday = attrs.field(converter=to_weekday, validator=c.member_of(Weekday))
    start: time = attrs.field(validator=c.instance_of(time))
    end: time = attrs.field(validator=c.instance_of(time))

    def __attrs_post_init__(self) -> None:
        if self.end <= self.start:
            c.fail(self, "end", f"{self.end} is not after {self.start}")


def _to_dates(value: Iterable[date]) -> frozenset[date]:
    return frozenset(value)


def _valid_dates(inst: object, attribute: attrs.Attribute[Any], value: frozenset[object]) -> None:
    for item in value:
        if not isinstance(item, date) or isinstance(item, datetime):
            c.fail(inst, attribute.name, f"{item!r} is not a date")


@attrs.frozen(kw_only=True)
class BusinessCalendar:
    """Working hours in one time zone; service-level clocks run only while open.

    With no ``hours`` the team works around the clock, and holidays are ignored.
    """

    timezone: str = attrs.field(default="UTC", validator=_valid_zone)
    hours: tuple[OpeningHours, ...] = attrs.field(
        default=(), converter=c.to_tuple, validator=c.tuple_of(OpeningHours)
    )
    holidays: frozenset[date] = attrs.field(
        factory=frozenset, converter=_to_dates, validator=_valid_dates
    )

    @property
    def always_open(self) -> bool:
        """Whether the team works around the clock."""
        return not self.hours

    def _windows(self, day: date, zone: ZoneInfo) -> list[tuple[datetime, datetime]]:
        if day in self.holidays:
            return []
        return sorted(
            (datetime.combine(day, h.start, zone), datetime.combine(day, h.end, zone))
            for h in self.hours
            if h.day.index == day.weekday()
        )

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The moment ``duration`` of open time has passed after ``start``."""
        if self.always_open:
            return start + duration
        zone = ZoneInfo(self.timezone)
        remaining = duration
        cursor = start.astimezone(zone)
        day = cursor.date()
        for _ in range(3660):  # ten years of days: a calendar with no hours left is a bug
            for open_at, close_at in self._windows(day, zone):
                if close_at <= cursor:
                    continue
                begin = max(open_at, cursor)
                available = close_at - begin
                if remaining <= available:
                    return (begin + remaining).astimezone(start.tzinfo)
                remaining -= available
                cursor = close_at
            day += timedelta(days=1)
        raise ValidationError("the business calendar has no open hours left", field="hours")

    def is_open(self, moment: datetime) -> bool:
        """Whether the team is working at ``moment``."""
        if self.always_open:
            return True
        zone = ZoneInfo(self.timezone)
        local = moment.astimezone(zone)
        return any(a <= local < b for a, b in self._windows(local.date(), zone))
