"""Turning metrics into something people can look at: HTML (with charts), CSV and JSON.

Charts use matplotlib when it is installed (``pip install 'socialcx[reports]'``)
and are embedded as inline SVG, so the report is one self-contained file that
opens offline. Without matplotlib the report falls back to tables.
"""

from __future__ import annotations

import csv
import html
import importlib
import io
import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from socialcx.reports._metrics import Durations, Metrics, metrics_to_dict

NONE = "-"


def _seconds(value: float | None) -> str:
    if value is None:
        return NONE
    minutes = value / 60
    if minutes < 90:
        return f"{minutes:.1f} min"
    return f"{minutes / 60:.1f} h"


def _pct(value: float | None) -> str:
    return NONE if value is None else f"{value:.0%}"


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(cell))}</td>" for cell in row) + "</tr>"
        for row in rows
    )
    if not rows:
        body = f'<tr><td colspan="{len(headers)}">none</td></tr>'
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _charts_available() -> bool:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def _svg(draw: Callable[[Any], None], *, width: float = 6.4, height: float = 3.0) -> str:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), layout="constrained")
    axes = figure.add_subplot()
    draw(axes)
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _bar(labels: list[str], values: list[float], title: str, ylabel: str) -> Callable[[Any], None]:
    def draw(axes: Any) -> None:
        axes.bar(labels, values, color="#3b6ea5")
        axes.set_title(title)
        axes.set_ylabel(ylabel)
        axes.tick_params(axis="x", labelrotation=30)

    return draw


def _charts(metrics: Metrics) -> list[tuple[str, str]]:
    charts: list[tuple[str, str]] = []
    if metrics.volume_by_channel:
        charts.append(
            (
                "volume",
                _svg(
                    _bar(
                        list(metrics.volume_by_channel),
                        list(metrics.volume_by_channel.values()),
                        "Cases by channel",
                        "cases",
                    )
                ),
            )
        )
    if metrics.attainment:
        keys = [k for k, v in metrics.attainment.items() if v.rate is not None]
        if keys:
            rates = [100 * (metrics.attainment[k].rate or 0.0) for k in keys]
            charts.append(
                ("attainment", _svg(_bar(keys, rates, "First-response service level", "% met")))
            )
    if metrics.backlog:

        def backlog(axes: Any) -> None:
            axes.plot(
                [t for t, _ in metrics.backlog],
                [n for _, n in metrics.backlog],
                "-o",
                color="#a53b3b",
                markersize=3,
            )
            axes.set_title("Open cases over time")
            axes.set_ylabel("open cases")
            axes.tick_params(axis="x", labelrotation=30)

        charts.append(("backlog", _svg(backlog)))
    if metrics.agents:

        def workload(axes: Any) -> None:
            names = [a.agent for a in metrics.agents]
            axes.bar(names, [a.assigned for a in metrics.agents], label="assigned", color="#3b6ea5")
            axes.bar(names, [a.hostile for a in metrics.agents], label="hostile", color="#d08c2c")
            axes.set_title("Agent workload and hostile exposure")
            axes.legend()
            axes.tick_params(axis="x", labelrotation=30)

        charts.append(("workload", _svg(workload)))
    if metrics.incidents:

        def timeline(axes: Any) -> None:
            dates: Any = importlib.import_module("matplotlib.dates")

            for i, row in enumerate(metrics.incidents):
                begin = dates.date2num(row.first_seen)
                width = max(dates.date2num(row.last_seen) - begin, 1 / (24 * 60))
                axes.barh(i, width, left=begin, color="#a53b3b")
            axes.set_yticks(
                range(len(metrics.incidents)), [" ".join(r.topic[:3]) for r in metrics.incidents]
            )
            axes.xaxis_date()
            axes.xaxis.set_major_locator(dates.AutoDateLocator(minticks=3, maxticks=6))
            axes.xaxis.set_major_formatter(dates.DateFormatter("%d %b %H:%M"))
            axes.tick_params(axis="x", labelrotation=30)
            axes.set_title("Incidents (first to last complaint)")

        charts.append(("incidents", _svg(timeline, height=1.2 + 0.4 * len(metrics.incidents))))
    return charts


_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#222;max-width:70rem}
h1{margin-bottom:.2rem} .muted{color:#666}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}
td,th{border:1px solid #ccc;padding:.25rem .6rem;text-align:left}
th{background:#f3f3f3} .kpis{display:flex;gap:1rem;flex-wrap:wrap}
.kpi{border:1px solid #ddd;border-radius:.4rem;padding:.6rem 1rem;min-width:9rem}
.kpi b{display:block;font-size:1.4rem} figure{margin:0 0 1.5rem}
figure svg{max-width:100%;height:auto}
"""


def _incident_rows(metrics: Metrics) -> list[list[Any]]:
    """One row per incident, shared by the HTML table and the CSV export."""
    return [
        [
            r.id,
            r.platform,
            " ".join(r.topic),
            r.first_seen.isoformat(),
            r.last_seen.isoformat(),
            r.mentions,
            r.cases,
            r.state,
        ]
        for r in metrics.incidents
    ]


def _durations_rows(name: str, d: Durations) -> list[Any]:
    return [name, d.count, _seconds(d.median), _seconds(d.p90), _seconds(d.mean)]


def render_html(metrics: Metrics, *, title: str = "socialcx report", charts: bool = True) -> str:
    """A self-contained HTML page: key figures, charts (when available) and tables."""
    use_charts = charts and _charts_available()
    kpis = [
        ("cases", str(metrics.cases)),
        ("still open", str(metrics.open_cases)),
        ("customers", str(metrics.customers)),
        ("median first response", _seconds(metrics.first_response.median)),
        ("incidents", str(len(metrics.incidents))),
        ("social share", _pct(metrics.social_share)),
        ("fairness (Jain)", NONE if metrics.fairness is None else f"{metrics.fairness:.2f}"),
    ]
    parts = [
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}"
        f"</title><style>{_STYLE}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f"<p class='muted'>{_period(metrics)} · generated {metrics.generated_at.isoformat()}</p>",
        "<div class='kpis'>"
        + "".join(
            f"<div class='kpi'><b>{html.escape(v)}</b>{html.escape(k)}</div>" for k, v in kpis
        )
        + "</div>",
    ]
    if use_charts:
        parts.append("<h2>Charts</h2>")
        parts.extend(
            f"<figure class='chart' data-chart='{name}'>{svg}</figure>"
            for name, svg in _charts(metrics)
        )
    else:
        parts.append(
            "<p class='muted'>Charts need matplotlib (pip install 'socialcx[reports]'); "
            "showing tables only.</p>"
        )
    parts += [
        "<h2>Response times</h2>",
        _table(
            ["scope", "cases", "median", "p90", "mean"],
            [_durations_rows("first response, all", metrics.first_response)]
            + [
                _durations_rows(f"first response, {k}", d)
                for k, d in metrics.first_response_by_channel.items()
            ]
            + [_durations_rows("resolution, all", metrics.resolution)],
        ),
        "<h2>Service levels (first response)</h2>",
        _table(
            ["channel/priority", "met", "missed", "pending", "attainment"],
            [[k, a.met, a.missed, a.pending, _pct(a.rate)] for k, a in metrics.attainment.items()],
        ),
        "<h2>Volume</h2>",
        _table(["channel", "cases"], [[k, v] for k, v in metrics.volume_by_channel.items()]),
        _table(["intent", "cases"], [[k, v] for k, v in metrics.volume_by_intent.items()]),
        _table(["sentiment", "cases"], [[k, v] for k, v in metrics.volume_by_sentiment.items()]),
        "<h2>Is social big enough for us yet?</h2>",
        f"<p>{metrics.customers} customers reached us on social channels"
        + (
            f", out of {metrics.total_customers} served on all channels "
            f"({_pct(metrics.social_share)})."
            if metrics.total_customers
            else "; the host application reported no total to compare with."
        )
        + "</p>",
        "<h2>Incidents</h2>",
        _table(
            ["id", "channel", "topic", "first seen", "last seen", "mentions", "cases", "state"],
            _incident_rows(metrics),
        ),
        "<h2>Agents</h2>",
        _table(
            ["agent", "assigned", "hostile", "replies", "available h", "per hour"],
            [
                [
                    a.agent,
                    a.assigned,
                    a.hostile,
                    a.replies,
                    NONE if a.available_hours is None else f"{a.available_hours:.1f}",
                    NONE if a.per_hour is None else f"{a.per_hour:.2f}",
                ]
                for a in metrics.agents
            ],
        ),
        "<h2>Backlog</h2>",
        _table(["time", "open cases"], [[t.isoformat(), n] for t, n in metrics.backlog]),
        "</body></html>",
    ]
    return "\n".join(parts)


def _period(metrics: Metrics) -> str:
    def fmt(value: datetime | None) -> str:
        return value.isoformat() if value else NONE

    return f"{fmt(metrics.period_start)} to {fmt(metrics.period_end)}"


def write_report(
    metrics: Metrics, directory: str | Path, *, title: str = "socialcx report"
) -> Path:
    """Write ``report.html``, ``metrics.json`` and CSV tables into ``directory``.

    Returns:
        The path of the HTML report.
    """
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    page = out / "report.html"
    page.write_text(render_html(metrics, title=title), encoding="utf-8")
    (out / "metrics.json").write_text(
        json.dumps(metrics_to_dict(metrics), indent=2, ensure_ascii=False), encoding="utf-8"
    )
    tables: dict[str, tuple[list[str], list[list[Any]]]] = {
        "attainment.csv": (
            ["slice", "met", "missed", "pending", "rate"],
            [[k, a.met, a.missed, a.pending, a.rate] for k, a in metrics.attainment.items()],
        ),
        "agents.csv": (
            ["agent", "assigned", "hostile", "replies", "available_hours"],
            [
                [a.agent, a.assigned, a.hostile, a.replies, a.available_hours]
                for a in metrics.agents
            ],
        ),
        "backlog.csv": (["time", "open_cases"], [[t.isoformat(), n] for t, n in metrics.backlog]),
        "volume.csv": (
            ["dimension", "value", "cases"],
            [["channel", k, v] for k, v in metrics.volume_by_channel.items()]
            + [["intent", k, v] for k, v in metrics.volume_by_intent.items()]
            + [["sentiment", k, v] for k, v in metrics.volume_by_sentiment.items()],
        ),
        "incidents.csv": (
            ["id", "platform", "topic", "first_seen", "last_seen", "mentions", "cases", "state"],
            _incident_rows(metrics),
        ),
    }
    for name, (headers, rows) in tables.items():
        with (out / name).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(headers)
            writer.writerows(rows)
    return page
