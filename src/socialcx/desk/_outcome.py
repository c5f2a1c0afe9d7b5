"""What the desk returns and announces."""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import datetime

import attrs

from socialcx.model import Case, Incident, Mention
from socialcx.playbooks import NextSteps
from socialcx.routing import Decision
from socialcx.threading import ThreadDecision
from socialcx.triage import Signals


@attrs.frozen(kw_only=True)
class NoAction:
    """Nothing for a person to do with this mention, and why.

    ``reason``: ``"duplicate"`` (already ingested), ``"brand_post"``,
    ``"employee_advocacy"``, ``"joined_case"`` (it joined a case that is
    already routed) or ``"invalid"`` (it went to the dead letters).
    """

    reason: str


@attrs.frozen(kw_only=True)
class Outcome:
    """Everything the desk did with one mention.

    Args:
        mention: The mention.
        new: ``False`` when it had been ingested before (nothing was done again).
        signals: Triage's verdict (``None`` for a duplicate).
        thread: Where threading placed it.
        case: The case it opened or joined, after this mention.
        incident: The incident it belongs to, when it is part of a systemic problem.
        decision: The routing decision about its case, or :class:`NoAction`.
        decisions: Every routing decision it caused (queued cases of other
            customers may have been assigned too).
        steps: Works out the playbook's next steps (read them as ``next_steps``).
    """

    mention: Mention
    new: bool
    signals: Signals | None = None
    thread: ThreadDecision | None = None
    case: Case | None = None
    incident: Incident | None = None
    decision: Decision | NoAction = NoAction(reason="joined_case")
    decisions: tuple[Decision, ...] = ()
    steps: Callable[[], NextSteps | None] = attrs.field(default=lambda: None, repr=False, eq=False)

    @property
    def next_steps(self) -> NextSteps | None:
        """What the case's playbook says is due now (``None``: no playbook).

        Worked out when asked, so ingestion does not pay for it.
        """
        return self.steps()


class NoticeKind(enum.Enum):
    """What the host application hears about."""

    CASE_OPENED = "case_opened"
    CASE_ASSIGNED = "case_assigned"
    CASE_QUEUED = "case_queued"
    CASE_ESCALATED = "case_escalated"
    CASE_UNROUTABLE = "case_unroutable"
    INCIDENT_OPENED = "incident_opened"
    INCIDENT_GREW = "incident_grew"
    SLA_BREACHED = "sla_breached"
    APPROVAL_NEEDED = "approval_needed"
    REPLY_APPROVED = "reply_approved"
    REPLY_REJECTED = "reply_rejected"
    REPLY_SENT = "reply_sent"
    REPLY_FAILED = "reply_failed"
    DEAD_LETTER = "dead_letter"


@attrs.frozen(kw_only=True)
class Notice:
    """One thing that happened, for subscribers (see :meth:`Desk.subscribe`).

    Args:
        kind: What happened.
        at: When.
        case_id, agent, incident_id, message_id: Who and what it concerns.
        detail: A sentence for people (the routing explanation, the breached deadline…).
    """

    kind: NoticeKind
    at: datetime
    case_id: str | None = None
    agent: str | None = None
    incident_id: str | None = None
    message_id: str | None = None
    detail: str = ""
