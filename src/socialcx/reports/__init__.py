"""Reports: service metrics from cases, as HTML with charts, CSV and JSON; capacity planning.

Charts need the optional extra ``socialcx[reports]`` (matplotlib); without it
the HTML report shows tables only.
"""

from socialcx.reports._erlang import agents_needed, erlang_c, service_level
from socialcx.reports._metrics import (
    AgentLoad,
    Attainment,
    Durations,
    IncidentRow,
    Metrics,
    compute_metrics,
    metrics_to_dict,
)
from socialcx.reports._render import render_html, write_report
from socialcx.reports._staffing import (
    StaffingPlan,
    StaffingRow,
    erlang_day,
    plan_staffing,
    render_staffing,
    replay_day,
)
from socialcx.routing import jain_index

__all__ = [
    "AgentLoad",
    "Attainment",
    "Durations",
    "IncidentRow",
    "Metrics",
    "StaffingPlan",
    "StaffingRow",
    "agents_needed",
    "compute_metrics",
    "erlang_c",
    "erlang_day",
    "jain_index",
    "metrics_to_dict",
    "plan_staffing",
    "render_html",
    "render_staffing",
    "replay_day",
    "service_level",
    "write_report",
]
