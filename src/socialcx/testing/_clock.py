"""A clock that moves only when a test says so."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from socialcx.errors import ValidationError

#: Where a :class:`FakeClock` starts unless told otherwise: a fixed, unremarkable Monday.
DEFAULT_START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class FakeClock:
    """A :class:`socialcx.Clock` for tests: deterministic, and it never sleeps.

    Args:
        start: The first "now"; must be timezone-aware.
    """

    def __init__(self, start: datetime = DEFAULT_START) -> None:
        if start.tzinfo is None or start.utcoffset() is None:
            raise ValidationError("FakeClock.start: must be timezone-aware", field="start")
        self._now = start

    def now(self) -> datetime:
        """The current fake time."""
        return self._now

    def advance(self, delta: timedelta | float) -> datetime:
        """Move forward by ``delta`` (a timedelta or seconds) and return the new now."""
        step = delta if isinstance(delta, timedelta) else timedelta(seconds=delta)
        if step < timedelta(0):
            raise ValidationError("FakeClock.advance: time does not go backwards", field="delta")
        self._now += step
        return self._now

    def set(self, moment: datetime) -> None:
        """Jump to ``moment`` (not earlier than now)."""
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValidationError("FakeClock.set: must be timezone-aware", field="moment")
        if moment < self._now:
            raise ValidationError("FakeClock.set: time does not go backwards", field="moment")
        self._now = moment

    def __repr__(self) -> str:
        return f"FakeClock({self._now.isoformat()})"
