"""Clocks: the only way time enters socialcx.

The core never reads the wall clock; it takes ``now`` as an argument. The edges
(runtime, CLI) read it through a :class:`Clock`, so tests swap in
:class:`socialcx.testing.FakeClock` and never sleep.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol, runtime_checkable


@runtime_checkable
class Clock(Protocol):
    """Protocol: a source of timezone-aware "now"."""

    def now(self) -> datetime:
        """The current time, timezone-aware."""
        ...


class SystemClock:
    """The real wall clock, in UTC."""

    def now(self) -> datetime:
        """The current UTC time."""
        return datetime.now(UTC)

    def __repr__(self) -> str:
        return "SystemClock()"
