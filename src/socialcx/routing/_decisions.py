"""What the router is asked, and what it answers: requests and explained decisions."""

from __future__ import annotations

from datetime import datetime

import attrs

from socialcx._drafts import check_draft
from socialcx.model import Case, Priority, Visibility, WorkKind
from socialcx.model import _checks as c
from socialcx.model._agent import to_priority
from socialcx.model._case import CaseOpened

_EMPTY: frozenset[str] = frozenset()


def _to_kind(value: WorkKind | str) -> WorkKind:
    return c.coerce(WorkKind, value)


@attrs.frozen(kw_only=True, slots=True)
class RoutingRequest:
    """What a case needs from an agent.

    Args:
        case_id: The case to route.
        customer: The customer's identity, for sticky routing.
        priority: How urgent it is.
        kind: Public replies or private messaging (separate capacity).
        created_at: When the case started waiting; drives aging and escalation.
        language: The language the agent must speak, if known.
        skills: Skills the agent must have (from intent and topic).
        hostile: Only agents certified for hostile customers may take it, and
            only within their exposure limit.
        deadline: The service-level deadline; nearer deadlines go first within a
            priority.
        platform: The network, for rule conditions.
        labels: Triage labels, for rule conditions.
    """

    case_id: str = attrs.field(validator=c.non_empty_str)
    customer: str = attrs.field(validator=c.non_empty_str)
    priority: Priority = attrs.field(converter=to_priority, validator=c.member_of(Priority))
    kind: WorkKind = attrs.field(converter=_to_kind, validator=c.member_of(WorkKind))
    created_at: datetime = attrs.field(validator=c.aware_datetime)
    language: str | None = attrs.field(default=None, validator=c.optional_non_empty_str)
    skills: frozenset[str] = attrs.field(
        default=_EMPTY, converter=c.to_frozenset, validator=c.names
    )
    hostile: bool = attrs.field(default=False, validator=c.is_bool)
    deadline: datetime | None = attrs.field(default=None, validator=c.optional_aware_datetime)
    platform: str | None = attrs.field(default=None, validator=c.optional_non_empty_str)
    labels: frozenset[str] = attrs.field(
        default=_EMPTY, converter=c.to_frozenset, validator=c.names
    )

    @classmethod
    def for_case(
        cls,
        case: Case,
        *,
        skills: frozenset[str] | set[str] = _EMPTY,
        kind: WorkKind | None = None,
        hostile: bool | None = None,
        waiting_since: datetime | None = None,
    ) -> RoutingRequest:
        """Build a request from a case: language, labels, deadline and priority come from it.

        Args:
            case: The case to route.
            skills: Skills the case needs (the desk derives them from intent and topic).
            kind: Defaults to private when the case began with a private message.
            hostile: Defaults to whether triage labelled the case ``hostile``.
            waiting_since: Defaults to when the case opened.
        """
        opened = case.events[0]
        deadlines = case.deadlines
        # Once answered, a case waits for its next response: that clock orders the queue.
        deadline = (
            deadlines.first_response or deadlines.next_response
            if case.first_response_at is None
            else deadlines.next_response or deadlines.first_response
        )
        if kind is None:
            private = isinstance(opened, CaseOpened) and opened.visibility is Visibility.PRIVATE
            kind = WorkKind.PRIVATE if private else WorkKind.PUBLIC
        return cls(
            case_id=case.id,
            customer=case.customer,
            priority=case.priority,
            kind=kind,
            created_at=waiting_since or case.opened_at,
            language=case.language,
            skills=frozenset(skills),
            hostile="hostile" in case.labels if hostile is None else hostile,
            deadline=deadline,
            platform=case.channel.platform,
            labels=case.labels,
        )


@attrs.frozen(kw_only=True, slots=True, weakref_slot=False)
class Explanation:
    """Why the router decided what it did.

    Args:
        rule: The rule that applied (``"sticky"``, ``"least_loaded"``,
            ``"no_capacity"``, ``"escalation:overflow"``, ``"no_qualified_agent"``).
        eligible: How many agents were qualified in the current target.
        considered: The best candidates, best first (at most a few).
        why: One sentence for a person.
    """

    rule: str
    eligible: int
    considered: tuple[str, ...]
    why: str


@attrs.frozen(kw_only=True, slots=True, weakref_slot=False)
class Assigned:
    """The case goes to ``agent``."""

    case_id: str
    agent: str
    at: datetime
    explanation: Explanation


@attrs.frozen(kw_only=True, slots=True, weakref_slot=False)
class Queued:
    """The case waits; ``position`` is 1 for the next case to be served."""

    case_id: str
    position: int
    reason: str
    at: datetime
    explanation: Explanation


@attrs.frozen(kw_only=True, slots=True, weakref_slot=False)
class Escalated:
    """The case's target widened to ``target`` (step ``step`` of the policy's escalation)."""

    case_id: str
    target: str
    step: int
    at: datetime
    explanation: Explanation


@attrs.frozen(kw_only=True, slots=True, weakref_slot=False)
class Unroutable:
    """No agent anywhere can take the case; ``reason`` says what is missing."""

    case_id: str
    reason: str
    at: datetime
    explanation: Explanation


Decision = Assigned | Queued | Escalated | Unroutable


# Trusted constructors for decisions the router builds on every case: drafts (see
# socialcx._drafts), which is why the decision classes have no ``__weakref__``.
# The values come from the router itself and these classes have no converters or
# validators, so the objects are equal to the ones ``Assigned(...)`` would build.


class _ExplanationDraft:
    __slots__ = ("considered", "eligible", "rule", "why")
    rule: str
    eligible: int
    considered: tuple[str, ...]
    why: str


class _AssignedDraft:
    __slots__ = ("agent", "at", "case_id", "explanation")
    case_id: str
    agent: str
    at: datetime
    explanation: Explanation


class _QueuedDraft:
    __slots__ = ("at", "case_id", "explanation", "position", "reason")
    case_id: str
    position: int
    reason: str
    at: datetime
    explanation: Explanation


check_draft(_ExplanationDraft, Explanation)
check_draft(_AssignedDraft, Assigned)
check_draft(_QueuedDraft, Queued)


def make_explanation(
    rule: str, eligible: int, considered: tuple[str, ...], why: str
) -> Explanation:
    """``Explanation(rule=..., ...)`` for values the router made."""
    draft = _ExplanationDraft()
    draft.rule = rule
    draft.eligible = eligible
    draft.considered = considered
    draft.why = why
    draft.__class__ = Explanation  # type: ignore[assignment]  # the draft becomes one
    return draft  # type: ignore[return-value]


def make_assigned(case_id: str, agent: str, at: datetime, explanation: Explanation) -> Assigned:
    """``Assigned(case_id=..., ...)`` for values the router made."""
    draft = _AssignedDraft()
    draft.case_id = case_id
    draft.agent = agent
    draft.at = at
    draft.explanation = explanation
    draft.__class__ = Assigned  # type: ignore[assignment]  # the draft becomes one
    return draft  # type: ignore[return-value]


def make_queued(
    case_id: str, position: int, reason: str, at: datetime, explanation: Explanation
) -> Queued:
    """``Queued(case_id=..., ...)`` for values the router made."""
    draft = _QueuedDraft()
    draft.case_id = case_id
    draft.position = position
    draft.reason = reason
    draft.at = at
    draft.explanation = explanation
    draft.__class__ = Queued  # type: ignore[assignment]  # the draft becomes one
    return draft  # type: ignore[return-value]
