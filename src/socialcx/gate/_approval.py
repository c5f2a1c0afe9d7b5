"""The approval workflow: a draft that needs approval waits, then is approved or rejected.

Every step is a case event (:class:`~socialcx.model.ApprovalRequested`,
:class:`~socialcx.model.ApprovalDecided`), so who approved what and when is
part of the case's history and survives a restart. The functions here read
and extend that history; they do no I/O.
"""

from __future__ import annotations

import enum
from datetime import datetime

import attrs

from socialcx.errors import InvalidTransition, PolicyViolation
from socialcx.gate._verdict import NeedsApproval
from socialcx.model import Agent, ApprovalDecided, ApprovalRequested, Case


class ApprovalState(enum.Enum):
    """Where a draft is in the approval workflow."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


@attrs.frozen(kw_only=True)
class ApprovalStatus:
    """The latest approval round of one draft, read from the case's events.

    Args:
        message_id: The draft.
        state: Pending, approved or rejected.
        role: Who may approve it.
        reasons: The reason codes that asked for approval.
        requested_at: When approval was asked.
        decided_by: Who approved or rejected it.
        decided_at: When.
        note: What the approver said.
        rounds: How many times approval was asked for this draft.
    """

    message_id: str
    state: ApprovalState
    role: str
    reasons: tuple[str, ...]
    requested_at: datetime
    decided_by: str | None = None
    decided_at: datetime | None = None
    note: str = ""
    rounds: int = 1


def approval_status(case: Case, message_id: str) -> ApprovalStatus | None:
    """The approval state of ``message_id`` on ``case`` (``None``: never submitted)."""
    status: ApprovalStatus | None = None
    for event in case.events:
        if isinstance(event, ApprovalRequested) and event.message_id == message_id:
            status = ApprovalStatus(
                message_id=message_id,
                state=ApprovalState.PENDING,
                role=event.role,
                reasons=event.reasons,
                requested_at=event.at,
                rounds=1 if status is None else status.rounds + 1,
            )
        elif (
            isinstance(event, ApprovalDecided)
            and event.message_id == message_id
            and status is not None
        ):
            status = attrs.evolve(
                status,
                state=ApprovalState.APPROVED if event.approved else ApprovalState.REJECTED,
                decided_by=event.by,
                decided_at=event.at,
                note=event.note,
            )
    return status


def pending_approvals(case: Case) -> tuple[ApprovalStatus, ...]:
    """Drafts of ``case`` waiting for a decision, oldest request first."""
    ids = dict.fromkeys(e.message_id for e in case.events if isinstance(e, ApprovalRequested))
    found = (approval_status(case, message_id) for message_id in ids)
    return tuple(
        sorted(
            (s for s in found if s is not None and s.state is ApprovalState.PENDING),
            key=lambda s: s.requested_at,
        )
    )


def request_approval(case: Case, verdict: NeedsApproval, *, message_id: str, at: datetime) -> Case:
    """Submit a draft for approval; returns the case with an ``ApprovalRequested`` event.

    A rejected draft may be submitted again (after an edit); a pending or
    approved one may not.

    Raises:
        InvalidTransition: the draft is already pending or approved, or the
            case is closed.
    """
    current = approval_status(case, message_id)
    if current is not None and current.state is not ApprovalState.REJECTED:
        raise InvalidTransition(
            f"draft {message_id!r} is already {current.state.value}; it cannot be submitted again",
            state=current.state.value,
            event="approval_requested",
        )
    return case.apply(
        ApprovalRequested(at=at, message_id=message_id, role=verdict.role, reasons=verdict.codes)
    )


def decide_approval(
    case: Case,
    message_id: str,
    *,
    approved: bool,
    by: Agent | str,
    at: datetime,
    note: str = "",
) -> Case:
    """Approve or reject a pending draft; returns the case with an ``ApprovalDecided`` event.

    Args:
        case: The case the draft belongs to.
        message_id: The draft.
        approved: ``True`` to let it out, ``False`` to send it back.
        by: The approver. An :class:`~socialcx.model.Agent` must hold the
            requested role as a certification or team; a plain id is trusted
            (the host checked it).
        at: When.
        note: Why, for the drafting agent.

    Raises:
        InvalidTransition: nothing is pending for ``message_id``.
        PolicyViolation: the approver lacks the role.
    """
    current = approval_status(case, message_id)
    if current is None or current.state is not ApprovalState.PENDING:
        state = "not submitted" if current is None else current.state.value
        raise InvalidTransition(
            f"draft {message_id!r} is {state}; only a pending draft can be decided",
            state=state,
            event="approval_decided",
        )
    if isinstance(by, Agent):
        if current.role not in by.certifications | by.teams:
            raise PolicyViolation(
                f"agent {by.id!r} cannot approve: the draft needs a {current.role!r}",
                codes=("approver_lacks_role",),
            )
        who = by.id
    else:
        who = by
    return case.apply(
        ApprovalDecided(at=at, message_id=message_id, approved=approved, by=who, note=note)
    )
