"""FakeClock: time moves only when told, never backwards."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

import socialcx as sx
from socialcx.errors import ValidationError
from socialcx.testing import FakeClock


def test_is_a_clock_and_advances() -> None:
    """FakeClock satisfies the Clock protocol and moves by seconds or timedeltas."""
    clock = FakeClock(datetime(2026, 1, 1, tzinfo=UTC))
    assert isinstance(clock, sx.Clock)
    clock.advance(30)
    clock.advance(timedelta(minutes=1))
    assert clock.now() == datetime(2026, 1, 1, 0, 1, 30, tzinfo=UTC)


def test_refuses_naive_and_backwards() -> None:
    """Naive starts and backwards moves are errors."""
    with pytest.raises(ValidationError):
        FakeClock(datetime(2026, 1, 1))  # noqa: DTZ001
    clock = FakeClock()
    with pytest.raises(ValidationError):
        clock.advance(-1)
    with pytest.raises(ValidationError):
        clock.set(clock.now() - timedelta(seconds=1))
