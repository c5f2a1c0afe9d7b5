"""The reply gate: check a draft against policy, case and channel before it goes out.

Sans-I/O: build a :class:`Draft` (text, visibility, channel capabilities,
agent, :class:`CaseContext`), ask :meth:`ReplyGate.check`, and get
:class:`Allowed`, :class:`NeedsApproval` (by which role, why) or
:class:`Refused` (with reasons). Every :class:`Reason` has a stable
:class:`ReasonCode` and the span of text it concerns. Drafts that need approval
go through :func:`request_approval` and :func:`decide_approval`, which record
case events.
"""

from socialcx.gate._approval import (
    ApprovalState,
    ApprovalStatus,
    approval_status,
    decide_approval,
    pending_approvals,
    request_approval,
)
from socialcx.gate._draft import CaseContext, Draft, topics_from_labels
from socialcx.gate._gate import ReplyGate, lint
from socialcx.gate._knowledge import ApprovedAnswer, KnowledgeBase, Quantity, quantities
from socialcx.gate._platforms import PLATFORM_CAPABILITIES, capabilities_for
from socialcx.gate._verdict import (
    SEVERITY,
    Allowed,
    NeedsApproval,
    Reason,
    ReasonCode,
    Refused,
    Severity,
    Verdict,
    verdict_from,
)

__all__ = [
    "PLATFORM_CAPABILITIES",
    "SEVERITY",
    "Allowed",
    "ApprovalState",
    "ApprovalStatus",
    "ApprovedAnswer",
    "CaseContext",
    "Draft",
    "KnowledgeBase",
    "NeedsApproval",
    "Quantity",
    "Reason",
    "ReasonCode",
    "Refused",
    "ReplyGate",
    "Severity",
    "Verdict",
    "approval_status",
    "capabilities_for",
    "decide_approval",
    "lint",
    "pending_approvals",
    "quantities",
    "request_approval",
    "topics_from_labels",
    "verdict_from",
]
