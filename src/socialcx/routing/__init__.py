"""Routing: which agent takes which case, and why.

The :class:`Router` is sans-I/O and deterministic. It takes cases (as
:class:`RoutingRequest`), agent presence changes, released capacity and time
ticks, and answers with :class:`Assigned`, :class:`Queued`, :class:`Escalated`
or :class:`Unroutable` decisions, each carrying an :class:`Explanation`.
"""

from socialcx.routing._decisions import (
    Assigned,
    Decision,
    Escalated,
    Explanation,
    Queued,
    RoutingRequest,
    Unroutable,
)
from socialcx.routing._router import STICKY_LIMIT, FairnessReport, Router, jain_index

__all__ = [
    "STICKY_LIMIT",
    "Assigned",
    "Decision",
    "Escalated",
    "Explanation",
    "FairnessReport",
    "Queued",
    "Router",
    "RoutingRequest",
    "Unroutable",
    "jain_index",
]
