"""Service metrics computed from cases: what a contact-center lead asks after a day.

Everything here is a pure function of case values (their events carry the
history), incidents and agents, plus ``now``; the same cases always give the
same report.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

import attrs

from socialcx.model import (
    Agent,
    Assigned,
    Case,
    CaseState,
    Incident,
    ReplySent,
    StateChanged,
)
from socialcx.routing import jain_index

#: Labels written by triage that the report groups by.
INTENT_PREFIX = "intent:"
SENTIMENT_PREFIX = "sentiment:"
HOSTILE_LABEL = "hostile"


def _percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (``q`` in 0..100); ``None`` for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


@attrs.frozen(kw_only=True)
class Durations:
    """Summary of a set of durations, in seconds."""

    count: int
    mean: float | None
    median: float | None
    p90: float | None

    @classmethod
    def of(cls, seconds: list[float]) -> Durations:
        """Summarize ``seconds``."""
        return cls(
            count=len(seconds),
            mean=sum(seconds) / len(seconds) if seconds else None,
            median=_percentile(seconds, 50),
            p90=_percentile(seconds, 90),
        )


@attrs.frozen(kw_only=True)
class Attainment:
    """Service-level attainment for one slice (platform, priority).

    ``met`` answered before the deadline; ``missed`` answered late or still
    unanswered past it; cases still inside their deadline are ``pending`` and
    count for neither.
    """

    met: int
    missed: int
    pending: int

    @property
    def rate(self) -> float | None:
        """Share of decided cases that met the target."""
        decided = self.met + self.missed
        return self.met / decided if decided else None


@attrs.frozen(kw_only=True)
class AgentLoad:
    """What one agent carried."""

    agent: str
    assigned: int
    hostile: int
    replies: int
    available_hours: float | None

    @property
    def per_hour(self) -> float | None:
        """Assignments per available hour, when hours are known."""
        if not self.available_hours:
            return None
        return self.assigned / self.available_hours


@attrs.frozen(kw_only=True)
class IncidentRow:
    """One incident on the timeline."""

    id: str
    platform: str
    topic: tuple[str, ...]
    first_seen: datetime
    last_seen: datetime
    mentions: int
    cases: int
    state: str


@attrs.frozen(kw_only=True)
class Metrics:
    """The numbers behind a report.

    Times are seconds. ``social_share`` is the share of the host application's
    customers who reached the brand through social channels, when the host
    reported its total.
    """

    generated_at: datetime
    period_start: datetime | None
    period_end: datetime | None
    cases: int
    open_cases: int
    customers: int
    total_customers: int | None
    volume_by_channel: dict[str, int]
    volume_by_intent: dict[str, int]
    volume_by_sentiment: dict[str, int]
    first_response: Durations
    resolution: Durations
    first_response_by_channel: dict[str, Durations]
    attainment: dict[str, Attainment]
    backlog: tuple[tuple[datetime, int], ...]
    incidents: tuple[IncidentRow, ...]
    agents: tuple[AgentLoad, ...]
    fairness: float | None

    @property
    def social_share(self) -> float | None:
        """Customers on social channels over all customers the host reported."""
        if not self.total_customers:
            return None
        return self.customers / self.total_customers


def _resolved_at(case: Case) -> datetime | None:
    for event in case.events:
        if isinstance(event, StateChanged) and event.to in (CaseState.RESOLVED, CaseState.CLOSED):
            return event.at
    return None


def _backlog(
    spans: list[tuple[datetime, datetime | None]], start: datetime, end: datetime, step: timedelta
) -> tuple[tuple[datetime, int], ...]:
    points = []
    moment = start
    while moment <= end:
        open_now = sum(1 for o, r in spans if o <= moment and (r is None or r > moment))
        points.append((moment, open_now))
        moment += step
    return tuple(points)


def compute_metrics(
    cases: Iterable[Case],
    *,
    now: datetime,
    incidents: Iterable[Incident] = (),
    agents: Iterable[Agent] = (),
    available_hours: Mapping[str, float] | None = None,
    total_customers: int | None = None,
    backlog_step: timedelta = timedelta(hours=1),
) -> Metrics:
    """Compute the report's numbers.

    Args:
        cases: The cases of the period, in any order.
        now: The moment of the report; open cases past a deadline count as missed.
        incidents: Incidents of the period, for the timeline.
        agents: The team, so agents with no work still count for fairness.
        available_hours: Hours each agent was available, for per-hour fairness.
        total_customers: All customers the host application served in the
            period, on every channel, for the social-share question.
        backlog_step: Spacing of the backlog series.
    """
    cases = list(cases)
    by_channel: Counter[str] = Counter()
    by_intent: Counter[str] = Counter()
    by_sentiment: Counter[str] = Counter()
    first: list[float] = []
    first_by_channel: dict[str, list[float]] = defaultdict(list)
    resolution: list[float] = []
    attainment: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    assigned: Counter[str] = Counter()
    hostile: Counter[str] = Counter()
    replies: Counter[str] = Counter()
    spans: list[tuple[datetime, datetime | None]] = []
    customers = set()

    for case in cases:
        platform = case.channel.platform
        customers.add(case.customer)
        by_channel[platform] += 1
        for label in case.labels:
            if label.startswith(INTENT_PREFIX):
                by_intent[label.removeprefix(INTENT_PREFIX)] += 1
            elif label.startswith(SENTIMENT_PREFIX):
                by_sentiment[label.removeprefix(SENTIMENT_PREFIX)] += 1
        if case.first_response_at is not None:
            seconds = (case.first_response_at - case.opened_at).total_seconds()
            first.append(seconds)
            first_by_channel[platform].append(seconds)
        resolved = _resolved_at(case)
        if resolved is not None:
            resolution.append((resolved - case.opened_at).total_seconds())
        spans.append((case.opened_at, resolved))

        due = case.deadlines.first_response
        if due is not None:
            slot = attainment[f"{platform}/{case.priority.value}"]
            answered = case.first_response_at
            if answered is not None:
                slot[0 if answered <= due else 1] += 1
            elif now > due:
                slot[1] += 1
            else:
                slot[2] += 1

        for event in case.events:
            if isinstance(event, Assigned):
                assigned[event.agent] += 1
                if HOSTILE_LABEL in case.labels:
                    hostile[event.agent] += 1
            elif isinstance(event, ReplySent) and event.agent:
                replies[event.agent] += 1

    team = {a.id for a in agents} | set(assigned) | set(replies)
    hours = dict(available_hours or {})
    loads = tuple(
        AgentLoad(
            agent=agent,
            assigned=assigned[agent],
            hostile=hostile[agent],
            replies=replies[agent],
            available_hours=hours.get(agent),
        )
        for agent in sorted(team)
    )
    if hours:
        fairness = jain_index(load.per_hour or 0.0 for load in loads if load.available_hours)
    else:
        fairness = jain_index(load.assigned for load in loads)

    start = min((c.opened_at for c in cases), default=None)
    end = max((c.updated_at for c in cases), default=None)
    backlog: tuple[tuple[datetime, int], ...] = ()
    if start is not None and end is not None:
        backlog = _backlog(spans, start, max(end, start), backlog_step)

    rows = tuple(
        sorted(
            (
                IncidentRow(
                    id=i.id,
                    platform=i.channel.platform,
                    topic=i.topic,
                    first_seen=i.first_seen,
                    last_seen=i.last_seen,
                    mentions=i.mention_count,
                    cases=len(i.case_ids),
                    state=i.state.value,
                )
                for i in incidents
            ),
            key=lambda r: r.first_seen,
        )
    )
    return Metrics(
        generated_at=now,
        period_start=start,
        period_end=end,
        cases=len(cases),
        open_cases=sum(1 for c in cases if c.is_open),
        customers=len(customers),
        total_customers=total_customers,
        volume_by_channel=dict(by_channel.most_common()),
        volume_by_intent=dict(by_intent.most_common()),
        volume_by_sentiment=dict(by_sentiment.most_common()),
        first_response=Durations.of(first),
        resolution=Durations.of(resolution),
        first_response_by_channel={k: Durations.of(v) for k, v in sorted(first_by_channel.items())},
        attainment={
            k: Attainment(met=v[0], missed=v[1], pending=v[2])
            for k, v in sorted(attainment.items())
        },
        backlog=backlog,
        incidents=rows,
        agents=loads,
        fairness=fairness,
    )


def metrics_to_dict(metrics: Metrics) -> dict[str, Any]:
    """Plain JSON-able data (ISO datetimes), for export and dashboards."""

    def plain(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.isoformat()
        if attrs.has(type(value)):
            data = {f.name: plain(getattr(value, f.name)) for f in attrs.fields(type(value))}
            for prop in ("rate", "per_hour", "social_share"):
                if hasattr(type(value), prop):
                    data[prop] = getattr(value, prop)
            return data
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        return value

    result: dict[str, Any] = plain(metrics)
    return result
