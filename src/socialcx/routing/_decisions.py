"""What the router is asked, and what it answers: requests and explained decisions."""

from __future__ import annotations

from datetime import datetime

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
