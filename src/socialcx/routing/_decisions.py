"""What the router is asked, and what it answers: requests and explained decisions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import attrs

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
            deadline=case.deadlines.first_response or case.deadlines.next_response,
            platform=case.channel.platform,
            labels=case.labels,
        )


@attrs.frozen(kw_only=True, slots=True)
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


@attrs.frozen(kw_only=True, slots=True)
class Assigned:
    """The case goes to ``agent``."""

    case_id: str
    agent: str
    at: datetime
    explanation: Explanation


@attrs.frozen(kw_only=True, slots=True)
class Queued:
    """The case waits; ``position`` is 1 for the next case to be served."""

    case_id: str
    position: int
    reason: str
    at: datetime
    explanation: Explanation


@attrs.frozen(kw_only=True, slots=True)
class Escalated:
    """The case's target widened to ``target`` (step ``step`` of the policy's escalation)."""

    case_id: str
    target: str
    step: int
    at: datetime
    explanation: Explanation


@attrs.frozen(kw_only=True, slots=True)
class Unroutable:
    """No agent anywhere can take the case; ``reason`` says what is missing."""

    case_id: str
    reason: str
    at: datetime
    explanation: Explanation


Decision = Assigned | Queued | Escalated | Unroutable


# Trusted constructors for decisions the router builds on every case. The values
# come from the router itself and these classes have no converters or validators,
# so the objects are equal to the ones ``Assigned(...)`` would build; writing the
# slots directly skips attrs' per-field ``object.__setattr__`` round trips, a
# large share of the cost of a routing decision.

_new = object.__new__


def _slot_setters(cls: type, *names: str) -> tuple[Callable[[Any, Any], None], ...]:
    declared = tuple(a.name for a in attrs.fields(cls))
    if declared != names:  # a field was added or renamed: update the constructor below
        raise TypeError(f"{cls.__name__} fields are {declared}, not {names}")
    return tuple(cls.__dict__[name].__set__ for name in names)


_EXPLANATION = _slot_setters(Explanation, "rule", "eligible", "considered", "why")
_ASSIGNED = _slot_setters(Assigned, "case_id", "agent", "at", "explanation")
_QUEUED = _slot_setters(Queued, "case_id", "position", "reason", "at", "explanation")


def make_explanation(
    rule: str, eligible: int, considered: tuple[str, ...], why: str
) -> Explanation:
    """``Explanation(rule=..., ...)`` for values the router made."""
    explanation = _new(Explanation)
    set_rule, set_eligible, set_considered, set_why = _EXPLANATION
    set_rule(explanation, rule)
    set_eligible(explanation, eligible)
    set_considered(explanation, considered)
    set_why(explanation, why)
    return explanation


def make_assigned(case_id: str, agent: str, at: datetime, explanation: Explanation) -> Assigned:
    """``Assigned(case_id=..., ...)`` for values the router made."""
    assigned = _new(Assigned)
    set_case_id, set_agent, set_at, set_explanation = _ASSIGNED
    set_case_id(assigned, case_id)
    set_agent(assigned, agent)
    set_at(assigned, at)
    set_explanation(assigned, explanation)
    return assigned


def make_queued(
    case_id: str, position: int, reason: str, at: datetime, explanation: Explanation
) -> Queued:
    """``Queued(case_id=..., ...)`` for values the router made."""
    queued = _new(Queued)
    set_case_id, set_position, set_reason, set_at, set_explanation = _QUEUED
    set_case_id(queued, case_id)
    set_position(queued, position)
    set_reason(queued, reason)
    set_at(queued, at)
    set_explanation(queued, explanation)
    return queued
