"""Capacity planning: how many certified agents a traffic profile needs.

Erlang C gives a first estimate hour by hour; a discrete-event replay through
the real :class:`~socialcx.routing.Router` checks it (the router's queueing,
not a formula's). Both are reported per staffing level, so a planner sees where
the formula and the replay part ways.
"""

from __future__ import annotations

import heapq
import html
import random
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs

from socialcx.errors import ValidationError
from socialcx.model import Agent, Capacity, Priority, WorkKind
from socialcx.reports._erlang import service_level
from socialcx.reports._render import _charts_available, _svg
from socialcx.routing import Assigned, Router, RoutingRequest

_DAY0 = datetime(2026, 1, 5, tzinfo=UTC)


@attrs.frozen(kw_only=True)
class StaffingRow:
    """One staffing level.

    Args:
        agents: Agents on duty all day.
        erlang_service_level: Share answered in time by Erlang C, weighted by
            each hour's traffic.
        simulated_service_level: The same share in the replay through the router.
        mean_wait_minutes: Average wait in the replay.
        occupancy: Share of agent time spent on cases in the replay.
    """

    agents: int
    erlang_service_level: float
    simulated_service_level: float
    mean_wait_minutes: float
    occupancy: float


@attrs.frozen(kw_only=True)
class StaffingPlan:
    """The answer of :func:`plan_staffing`."""

    traffic: tuple[float, ...]
    handle: timedelta
    within: timedelta
    target: float
    rows: tuple[StaffingRow, ...]

    @property
    def recommended(self) -> int | None:
        """Fewest agents meeting the target both by Erlang C and in the replay."""
        for row in self.rows:
            if min(row.erlang_service_level, row.simulated_service_level) >= self.target:
                return row.agents
        return None

    @property
    def erlang_estimate(self) -> int | None:
        """Fewest agents meeting the target by Erlang C alone."""
        return next((r.agents for r in self.rows if r.erlang_service_level >= self.target), None)

    def table(self) -> str:
        """The plan as a text table."""
        lines = [
            f"traffic {sum(self.traffic):.0f} cases/day (peak {max(self.traffic):.0f}/h), "
            f"handling {_minutes(self.handle)} min, target {self.target:.0%} within "
            f"{_minutes(self.within)} min",
            "",
            "agents  Erlang C  replay  mean wait  occupancy",
        ]
        for row in self.rows:
            mark = "  <- recommended" if row.agents == self.recommended else ""
            lines.append(
                f"{row.agents:>6}  {row.erlang_service_level:>8.1%}  "
                f"{row.simulated_service_level:>6.1%}  {row.mean_wait_minutes:>7.1f} m  "
                f"{row.occupancy:>9.0%}{mark}"
            )
        if self.recommended is None:
            lines.append("\nno staffing level tried meets the target")
        else:
            lines.append(
                f"\nrecommended: {self.recommended} agents "
                f"(Erlang C alone says {self.erlang_estimate})"
            )
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return {
            "traffic_per_hour": list(self.traffic),
            "handle_minutes": _minutes(self.handle),
            "within_minutes": _minutes(self.within),
            "target": self.target,
            "recommended": self.recommended,
            "erlang_estimate": self.erlang_estimate,
            "rows": [attrs.asdict(r) for r in self.rows],
        }


def _minutes(span: timedelta) -> float:
    return round(span.total_seconds() / 60, 2)


def erlang_day(traffic: Sequence[float], agents: int, *, handle: float, within: float) -> float:
    """Erlang C's share answered in time over a day, hours weighted by their traffic."""
    total = sum(traffic)
    if total == 0:
        return 1.0
    answered = 0.0
    for rate in traffic:
        load = rate * handle / 3600
        answered += rate * service_level(agents, load, target=within, handle_time=handle)
    return answered / total


def replay_day(
    traffic: Sequence[float],
    agents: int,
    *,
    handle: float,
    within: float,
    days: int = 1,
    seed: int = 1,
) -> tuple[float, float, float]:
    """Replay ``days`` of Poisson arrivals through the router with ``agents`` agents.

    Returns:
        (share answered within ``within``, mean wait in seconds, occupancy).
    """
    rng = random.Random(seed)  # noqa: S311 - simulation, not security
    router = Router()
    for n in range(agents):
        router.add_agent(
            Agent(
                id=f"a{n:03d}", certifications={"social"}, capacity=Capacity(public=1, private=1)
            ),
            now=_DAY0,
        )
    events: list[tuple[float, int, str, str]] = []
    seq = 0
    for day in range(days):
        for hour, rate in enumerate(traffic):
            t = day * 86_400 + hour * 3600.0
            end = t + 3600
            while rate > 0:
                t += rng.expovariate(rate / 3600)
                if t >= end:
                    break
                seq += 1
                heapq.heappush(events, (t, seq, "arrive", f"c{seq}"))
    waits: list[float] = []
    arrived: dict[str, float] = {}
    busy = 0.0
    horizon = days * 86_400.0

    def started(decisions: Iterable[Any], now: float) -> None:
        nonlocal seq, busy
        for d in decisions:
            if isinstance(d, Assigned):
                waits.append(now - arrived.pop(d.case_id))
                duration = rng.expovariate(1 / handle)
                busy += min(duration, max(horizon - now, 0.0))
                seq += 1
                heapq.heappush(events, (now + duration, seq, f"done:{d.agent}", d.case_id))

    while events:
        t, _, kind, case_id = heapq.heappop(events)
        at = _DAY0 + timedelta(seconds=t)
        if kind == "arrive":
            arrived[case_id] = t
            request = RoutingRequest(
                case_id=case_id,
                customer=case_id,
                priority=Priority.NORMAL,
                kind=WorkKind.PUBLIC,
                created_at=at,
            )
            started(router.submit(request, now=at), t)
        else:
            started(router.release(kind.removeprefix("done:"), case_id, now=at), t)
    answered = sum(1 for w in waits if w <= within)
    share = answered / len(waits) if waits else 1.0
    mean = sum(waits) / len(waits) if waits else 0.0
    return share, mean, busy / (agents * horizon) if agents else 0.0


def plan_staffing(
    traffic: Sequence[float],
    *,
    staffing: Iterable[int],
    handle: timedelta,
    within: timedelta,
    target: float = 0.8,
    days: int = 5,
    seed: int = 1,
) -> StaffingPlan:
    """Service level against staffing for a daily traffic profile.

    Args:
        traffic: New cases per hour, 24 values (hour 0 first).
        staffing: Agent counts to try.
        handle: Mean handling time of a case.
        within: The service level's answer time.
        target: The share that must be answered within ``within``.
        days: Days replayed per staffing level (more: steadier numbers).
        seed: Makes the replay reproducible.
    """
    if len(traffic) != 24:
        raise ValidationError("traffic: give 24 hourly rates", field="traffic")
    if not 0 < target < 1:
        raise ValidationError("target: must be between 0 and 1", field="target")
    h, w = handle.total_seconds(), within.total_seconds()
    if h <= 0 or w < 0:
        raise ValidationError("handle must be positive and within not negative", field="handle")
    rows = []
    for agents in staffing:
        if agents < 1:
            continue
        share, mean, occupancy = replay_day(
            traffic, agents, handle=h, within=w, days=days, seed=seed
        )
        rows.append(
            StaffingRow(
                agents=agents,
                erlang_service_level=erlang_day(traffic, agents, handle=h, within=w),
                simulated_service_level=share,
                mean_wait_minutes=mean / 60,
                occupancy=occupancy,
            )
        )
    return StaffingPlan(
        traffic=tuple(float(t) for t in traffic),
        handle=handle,
        within=within,
        target=target,
        rows=tuple(rows),
    )


def render_staffing(plan: StaffingPlan) -> str:
    """A self-contained HTML page: the table, and a chart when matplotlib is installed."""
    chart = ""
    if _charts_available() and plan.rows:
        agents = [r.agents for r in plan.rows]

        def draw(axes: Any) -> None:
            axes.plot(agents, [r.erlang_service_level for r in plan.rows], "o-", label="Erlang C")
            axes.plot(agents, [r.simulated_service_level for r in plan.rows], "s-", label="replay")
            axes.axhline(plan.target, color="#aa3333", linestyle="--", label="target")
            axes.set_xlabel("agents")
            axes.set_ylabel(f"answered within {_minutes(plan.within):g} min")
            axes.set_ylim(0, 1.05)
            axes.legend()

        chart = _svg(draw)
    body = html.escape(plan.table())
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>socialcx staffing</title>"
        "<style>body{font-family:sans-serif;margin:2em}pre{background:#f6f6f6;padding:1em}"
        f"</style></head><body><h1>Staffing plan</h1>{chart}<pre>{body}</pre></body></html>"
    )
