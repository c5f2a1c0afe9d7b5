"""Erlang C capacity estimates."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from socialcx.errors import ValidationError
from socialcx.reports import agents_needed, erlang_c, service_level


def _erlang_c_textbook(n: int, a: float) -> float:
    """The formula as printed in textbooks, with factorials."""
    top = a**n / math.factorial(n) * n / (n - a)
    bottom = sum(a**k / math.factorial(k) for k in range(n)) + top
    return top / bottom


@given(st.integers(min_value=1, max_value=60), st.floats(min_value=0.1, max_value=0.95))
def test_matches_the_textbook_formula(agents: int, load: float) -> None:
    """The stable recurrence equals the factorial formula wherever both are defined."""
    traffic = agents * load
    assert erlang_c(agents, traffic) == pytest.approx(_erlang_c_textbook(agents, traffic), rel=1e-9)


def test_overloaded_team_always_waits() -> None:
    """With no more agents than Erlangs, every case waits and the service level is 0."""
    assert erlang_c(5, 5.0) == 1.0
    assert service_level(5, 6.0, target=60, handle_time=300) == 0.0


def test_agents_needed_meets_the_goal_and_one_less_does_not() -> None:
    """The answer is the smallest team that reaches the goal."""
    kwargs = {"arrivals_per_hour": 120, "handle_time": 360, "target": 900}
    n = agents_needed(goal=0.8, **kwargs)
    traffic = 120 * 360 / 3600
    assert service_level(n, traffic, target=900, handle_time=360) >= 0.8
    assert service_level(n - 1, traffic, target=900, handle_time=360) < 0.8
    assert agents_needed(goal=0.95, **kwargs) >= n


def test_bad_inputs() -> None:
    """Impossible goals and negative loads are clear errors."""
    with pytest.raises(ValidationError, match="goal"):
        agents_needed(arrivals_per_hour=10, handle_time=60, target=60, goal=1.5)
    with pytest.raises(ValidationError):
        erlang_c(-1, 2.0)
