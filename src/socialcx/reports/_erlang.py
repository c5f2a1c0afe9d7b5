"""Erlang C: a first estimate of how many agents a traffic profile needs.

Erlang C assumes Poisson arrivals, exponential handling times and a queue that
callers never abandon; social work roughly fits when replies are handled as
they arrive. Its answer is a starting point that a replay through the real
router then checks.
"""

from __future__ import annotations

import math

from socialcx.errors import ValidationError


def erlang_c(agents: int, traffic: float) -> float:
    """Probability that a new case has to wait (Erlang C formula).

    Args:
        agents: Number of agents (servers).
        traffic: Offered load in Erlangs (arrival rate x mean handling time).

    Returns:
        1.0 when the team cannot keep up (``agents <= traffic``).
    """
    if agents < 0 or traffic < 0:
        raise ValidationError("agents and traffic must not be negative")
    if traffic == 0:
        return 0.0
    if agents <= traffic:
        return 1.0
    # Erlang B by its stable recurrence, then convert to C.
    b = 1.0
    for k in range(1, agents + 1):
        b = traffic * b / (k + traffic * b)
    rho = traffic / agents
    return b / (1 - rho + rho * b)


def service_level(agents: int, traffic: float, *, target: float, handle_time: float) -> float:
    """Share of cases answered within ``target`` seconds.

    Args:
        agents: Number of agents.
        traffic: Offered load in Erlangs.
        target: The service-level target, in seconds.
        handle_time: Mean handling time per case, in seconds.
    """
    if handle_time <= 0:
        raise ValidationError("handle_time must be positive", field="handle_time")
    if agents <= traffic:
        return 0.0
    wait = erlang_c(agents, traffic)
    return 1 - wait * math.exp(-(agents - traffic) * target / handle_time)


def agents_needed(
    *,
    arrivals_per_hour: float,
    handle_time: float,
    target: float,
    goal: float,
    max_agents: int = 10_000,
) -> int:
    """Fewest agents that answer ``goal`` of cases within ``target`` seconds.

    Args:
        arrivals_per_hour: New cases per hour.
        handle_time: Mean handling time per case, in seconds.
        target: Service-level target in seconds (e.g. 900 for 15 minutes).
        goal: Required share answered within target (e.g. 0.8).
        max_agents: Give up above this many.
    """
    if not 0 < goal < 1:
        raise ValidationError("goal must be between 0 and 1", field="goal")
    traffic = arrivals_per_hour * handle_time / 3600
    agents = max(1, math.floor(traffic) + 1)
    while agents <= max_agents:
        if service_level(agents, traffic, target=target, handle_time=handle_time) >= goal:
            return agents
        agents += 1
    raise ValidationError(f"more than {max_agents} agents would be needed", field="max_agents")
