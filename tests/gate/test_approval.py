"""The approval workflow: pending, approved or rejected, by whom and when, as case events."""

from __future__ import annotations

from datetime import timedelta

import pytest

import socialcx as sx
from socialcx.errors import InvalidTransition, PolicyViolation
from socialcx.gate import (
    ApprovalState,
    NeedsApproval,
    Reason,
    ReasonCode,
    approval_status,
    decide_approval,
    pending_approvals,
    request_approval,
)
from socialcx.model import ApprovalDecided, ApprovalRequested
from tests.conftest import T0

LEAD = sx.Agent(id="lea", certifications={"social", "social_lead"})
PEER = sx.Agent(id="pat", certifications={"social"})
VERDICT = NeedsApproval(
    role="social_lead",
    reasons=(Reason(code=ReasonCode.UNCERTIFIED_AGENT, message="trainee"),),
)


@pytest.fixture
def case() -> sx.Case:
    """An assigned case."""
    opened = sx.Case.open(
        id="c-1",
        customer="x:42",
        channel=sx.ChannelRef(platform="x", account="acme"),
        mention=sx.MentionKey(platform="x", native_id="1"),
        visibility="public",
        at=T0,
    )
    return opened.triage(at=T0, priority="normal").assign("tom", at=T0)


def test_request_records_a_pending_approval(case: sx.Case) -> None:
    """Submitting adds ApprovalRequested with the role and the reason codes."""
    pending = request_approval(case, VERDICT, message_id="m-1", at=T0 + timedelta(minutes=1))
    event = pending.events[-1]
    assert isinstance(event, ApprovalRequested)
    assert event.reasons == ("uncertified_agent",)
    status = approval_status(pending, "m-1")
    assert status is not None
    assert status.state is ApprovalState.PENDING
    assert status.role == "social_lead"
    assert pending_approvals(pending) == (status,)


def test_approve_records_who_and_when(case: sx.Case) -> None:
    """Approval by a lead is an ApprovalDecided event naming them."""
    pending = request_approval(case, VERDICT, message_id="m-1", at=T0)
    decided = decide_approval(
        pending, "m-1", approved=True, by=LEAD, at=T0 + timedelta(minutes=5), note="fine"
    )
    event = decided.events[-1]
    assert isinstance(event, ApprovalDecided)
    status = approval_status(decided, "m-1")
    assert status is not None
    assert status.state is ApprovalState.APPROVED
    assert (status.decided_by, status.decided_at, status.note) == (
        "lea",
        T0 + timedelta(minutes=5),
        "fine",
    )
    assert pending_approvals(decided) == ()
    assert sx.Case.replay(decided.events) == decided


def test_reject_then_resubmit(case: sx.Case) -> None:
    """A rejected draft can be submitted again; it becomes pending in a new round."""
    pending = request_approval(case, VERDICT, message_id="m-1", at=T0)
    rejected = decide_approval(pending, "m-1", approved=False, by="lea", at=T0, note="too curt")
    status = approval_status(rejected, "m-1")
    assert status is not None and status.state is ApprovalState.REJECTED
    again = request_approval(rejected, VERDICT, message_id="m-1", at=T0 + timedelta(minutes=9))
    status = approval_status(again, "m-1")
    assert status is not None
    assert status.state is ApprovalState.PENDING
    assert status.rounds == 2
    assert status.decided_by is None


def test_cannot_decide_twice_or_without_request(case: sx.Case) -> None:
    """Deciding needs a pending request."""
    with pytest.raises(InvalidTransition, match="not submitted"):
        decide_approval(case, "m-1", approved=True, by=LEAD, at=T0)
    approved = decide_approval(
        request_approval(case, VERDICT, message_id="m-1", at=T0),
        "m-1",
        approved=True,
        by=LEAD,
        at=T0,
    )
    with pytest.raises(InvalidTransition, match="approved"):
        decide_approval(approved, "m-1", approved=False, by=LEAD, at=T0)
    with pytest.raises(InvalidTransition):
        request_approval(approved, VERDICT, message_id="m-1", at=T0)


def test_approver_must_hold_the_role(case: sx.Case) -> None:
    """An agent without the requested role cannot approve."""
    pending = request_approval(case, VERDICT, message_id="m-1", at=T0)
    with pytest.raises(PolicyViolation, match="social_lead"):
        decide_approval(pending, "m-1", approved=True, by=PEER, at=T0)
    team_lead = sx.Agent(id="tl", teams={"social_lead"})
    assert decide_approval(pending, "m-1", approved=True, by=team_lead, at=T0)


def test_closed_case_takes_no_approvals(case: sx.Case) -> None:
    """Annotations are refused on a closed case, by the case's own table."""
    closed = case.close(at=T0)
    with pytest.raises(InvalidTransition):
        request_approval(closed, VERDICT, message_id="m-1", at=T0)


def test_unknown_message_has_no_status(case: sx.Case) -> None:
    """A message never submitted has no approval status."""
    assert approval_status(case, "nope") is None
