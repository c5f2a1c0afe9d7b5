"""Report metrics: response times, service levels, backlog, workload and fairness."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import socialcx as sx
from socialcx.reports import compute_metrics, jain_index, render_html, write_report
from tests.conftest import T0

X = sx.ChannelRef(platform="x", account="acme")
MASTO = sx.ChannelRef(platform="mastodon", account="acme")


def _case(
    n: int,
    channel: sx.ChannelRef,
    *,
    reply_after: timedelta | None,
    due_after: timedelta = timedelta(minutes=30),
    agent: str = "ana",
    labels: frozenset[str] = frozenset({"complaint", "intent:complaint"}),
    resolve_after: timedelta | None = None,
) -> sx.Case:
    opened = T0 + timedelta(minutes=n)
    case = sx.Case.open(
        id=f"c{n}",
        customer=f"cust{n % 3}",
        channel=channel,
        mention=sx.MentionKey(platform=channel.platform, native_id=str(n)),
        visibility="public",
        at=opened,
    )
    case = case.triage(at=opened, priority="high", labels=labels)
    case = case.set_deadlines(sx.ServiceDeadlines(first_response=opened + due_after), at=opened)
    case = case.assign(agent, at=opened)
    if reply_after is not None:
        case = case.record_reply(f"m{n}", visibility="public", at=opened + reply_after, agent=agent)
    if resolve_after is not None:
        case = case.resolve(at=opened + resolve_after)
    return case


def test_response_times_and_attainment() -> None:
    """Met, missed and pending are told apart; medians come from first replies."""
    cases = [
        _case(0, X, reply_after=timedelta(minutes=10)),  # met
        _case(1, X, reply_after=timedelta(minutes=50)),  # missed (late)
        _case(2, X, reply_after=None),  # unanswered: missed if now is past due
        _case(3, MASTO, reply_after=timedelta(minutes=20), resolve_after=timedelta(hours=2)),
    ]
    now = T0 + timedelta(minutes=45)
    metrics = compute_metrics(cases, now=now)
    assert metrics.first_response.count == 3
    assert metrics.first_response.median == 20 * 60
    att = metrics.attainment["x/high"]
    assert (att.met, att.missed, att.pending) == (1, 2, 0)
    assert att.rate == pytest.approx(1 / 3)
    early = compute_metrics(cases, now=T0 + timedelta(minutes=5))
    assert early.attainment["x/high"].pending == 1
    assert metrics.resolution.count == 1
    assert metrics.volume_by_channel == {"x": 3, "mastodon": 1}
    assert metrics.volume_by_intent == {"complaint": 4}
    assert metrics.open_cases == 3


def test_backlog_counts_open_cases_over_time() -> None:
    """The backlog rises as cases open and falls as they resolve."""
    cases = [
        _case(0, X, reply_after=timedelta(minutes=1), resolve_after=timedelta(minutes=90)),
        _case(60, X, reply_after=timedelta(minutes=1), resolve_after=timedelta(minutes=200)),
    ]
    metrics = compute_metrics(cases, now=T0 + timedelta(hours=6))
    series = dict(metrics.backlog)
    assert series[T0] == 1
    assert series[T0 + timedelta(hours=1)] == 2
    assert series[T0 + timedelta(hours=2)] == 1


def test_workload_hostile_exposure_and_social_share() -> None:
    """Agents' assignments and hostile cases are counted; social share uses the host's total."""
    hostile = frozenset({"hostile", "complaint"})
    cases = [
        _case(0, X, reply_after=None, agent="ana", labels=hostile),
        _case(1, X, reply_after=None, agent="ana"),
        _case(2, X, reply_after=None, agent="bo"),
    ]
    team = [sx.Agent(id="ana"), sx.Agent(id="bo"), sx.Agent(id="cy")]
    metrics = compute_metrics(cases, now=T0, agents=team, total_customers=30)
    loads = {a.agent: a for a in metrics.agents}
    assert (loads["ana"].assigned, loads["ana"].hostile) == (2, 1)
    assert loads["cy"].assigned == 0
    assert metrics.social_share == pytest.approx(3 / 30)
    assert metrics.fairness == pytest.approx(jain_index([2, 1, 0]))


@given(st.lists(st.integers(min_value=0, max_value=100), min_size=1, max_size=20))
def test_jain_index_is_between_one_over_n_and_one(loads: list[int]) -> None:
    """Jain's index lies in [1/n, 1] and is 1 exactly when all loads are equal."""
    index = jain_index(loads)
    if not any(loads):
        assert index is None
        return
    assert index is not None
    assert 1 / len(loads) - 1e-9 <= index <= 1 + 1e-9
    assert (index == pytest.approx(1.0)) == (len(set(loads)) == 1)


def test_html_report_has_charts_and_tables(tmp_path: Path) -> None:
    """The report embeds SVG charts when matplotlib is present, and writes CSV and JSON too."""
    pytest.importorskip("matplotlib", reason="charts need the reports extra")
    cases = [_case(i, X if i % 2 else MASTO, reply_after=timedelta(minutes=i)) for i in range(6)]
    metrics = compute_metrics(cases, now=T0 + timedelta(hours=1), agents=[sx.Agent(id="ana")])
    page = write_report(metrics, tmp_path)
    text = page.read_text()
    assert text.count("<svg") >= 3
    assert "data-chart='backlog'" in text
    data = json.loads((tmp_path / "metrics.json").read_text())
    assert data["cases"] == 6
    assert (tmp_path / "attainment.csv").read_text().startswith("slice,met,missed")


def test_html_falls_back_to_tables() -> None:
    """Without charts the report still holds every table and says why."""
    metrics = compute_metrics([_case(0, X, reply_after=timedelta(minutes=3))], now=T0)
    text = render_html(metrics, charts=False)
    assert "<svg" not in text
    assert "showing tables only" in text
    assert "<h2>Service levels (first response)</h2>" in text
