"""Cases: a customer's conversation with the brand, as a state machine over events.

Everything that affects case transitions lives in this file: the states, the
actions, the one table that joins them, and the events that carry them. A case
never changes except by applying an event that the table allows, and its
history *is* its list of events: ``Case.replay(case.events) == case``.
"""

from __future__ import annotations

import enum
import operator
from datetime import datetime
from typing import Any, ClassVar

import attrs

from socialcx.errors import InvalidTransition
from socialcx.model import _checks as c
from socialcx.model._agent import Priority, to_priority
from socialcx.model._mention import ChannelRef, MentionKey, Visibility, to_visibility


class CaseState(enum.Enum):
    """Where a case is in its life."""

    NEW = "new"
    TRIAGED = "triaged"
    ASSIGNED = "assigned"
    AWAITING_CUSTOMER = "awaiting_customer"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REOPENED = "reopened"


def to_case_state(value: CaseState | str) -> CaseState:
    """Accept the enum or its value; a bad value is reported by the field's validator."""
    return c.coerce(CaseState, value)


class CaseAction(enum.Enum):
    """What an event does to a case, as far as the state table is concerned."""

    TRIAGE = "triage"
    ATTACH = "attach"
    ASSIGN = "assign"
    UNASSIGN = "unassign"
    REPLY = "reply"
    ESCALATE = "escalate"
    ANNOTATE = "annotate"
    AWAIT_CUSTOMER = "await_customer"
    RESOLVE = "resolve"
    REOPEN = "reopen"
    CLOSE = "close"


S = CaseState
A = CaseAction

#: Annotations (priority, deadlines, incident links, approvals) never change the
#: state, and are allowed in every state but ``CLOSED``.
_ANNOTATIONS: dict[tuple[CaseState, CaseAction], CaseState] = {
    (s, A.ANNOTATE): s for s in CaseState if s is not S.CLOSED
}

#: The one table of case transitions: (state, action) -> next state.
#: A pair that is missing is an illegal transition.
TRANSITIONS: dict[tuple[CaseState, CaseAction], CaseState] = {
    **_ANNOTATIONS,
    (S.NEW, A.TRIAGE): S.TRIAGED,
    (S.NEW, A.ATTACH): S.NEW,
    (S.NEW, A.ESCALATE): S.NEW,
    (S.NEW, A.CLOSE): S.CLOSED,
    (S.NEW, A.REPLY): S.NEW,  # an acknowledgement before anyone owns the case
    (S.TRIAGED, A.TRIAGE): S.TRIAGED,
    (S.TRIAGED, A.ATTACH): S.TRIAGED,
    (S.TRIAGED, A.ASSIGN): S.ASSIGNED,
    (S.TRIAGED, A.ESCALATE): S.TRIAGED,
    (S.TRIAGED, A.RESOLVE): S.RESOLVED,
    (S.TRIAGED, A.CLOSE): S.CLOSED,
    (S.TRIAGED, A.REPLY): S.TRIAGED,
    (S.ASSIGNED, A.TRIAGE): S.ASSIGNED,
    (S.ASSIGNED, A.ATTACH): S.ASSIGNED,
    (S.ASSIGNED, A.ASSIGN): S.ASSIGNED,
    (S.ASSIGNED, A.UNASSIGN): S.TRIAGED,
    (S.ASSIGNED, A.REPLY): S.AWAITING_CUSTOMER,
    (S.ASSIGNED, A.ESCALATE): S.ASSIGNED,
    (S.ASSIGNED, A.AWAIT_CUSTOMER): S.AWAITING_CUSTOMER,
    (S.ASSIGNED, A.RESOLVE): S.RESOLVED,
    (S.ASSIGNED, A.CLOSE): S.CLOSED,
    (S.AWAITING_CUSTOMER, A.ATTACH): S.ASSIGNED,
    (S.AWAITING_CUSTOMER, A.ASSIGN): S.AWAITING_CUSTOMER,
    (S.AWAITING_CUSTOMER, A.UNASSIGN): S.TRIAGED,
    (S.AWAITING_CUSTOMER, A.REPLY): S.AWAITING_CUSTOMER,
    (S.AWAITING_CUSTOMER, A.ESCALATE): S.AWAITING_CUSTOMER,
    (S.AWAITING_CUSTOMER, A.RESOLVE): S.RESOLVED,
    (S.AWAITING_CUSTOMER, A.CLOSE): S.CLOSED,
    (S.RESOLVED, A.ATTACH): S.REOPENED,
    (S.RESOLVED, A.REPLY): S.RESOLVED,
    (S.RESOLVED, A.REOPEN): S.REOPENED,
    (S.RESOLVED, A.CLOSE): S.CLOSED,
    (S.REOPENED, A.TRIAGE): S.REOPENED,
    (S.REOPENED, A.ATTACH): S.REOPENED,
    (S.REOPENED, A.ASSIGN): S.ASSIGNED,
    (S.REOPENED, A.ESCALATE): S.REOPENED,
    (S.REOPENED, A.RESOLVE): S.RESOLVED,
    (S.REOPENED, A.CLOSE): S.CLOSED,
    (S.REOPENED, A.REPLY): S.REOPENED,
}

#: States in which the case has an owner. ``assignee`` is set exactly here.
OWNED_STATES = frozenset({S.ASSIGNED, S.AWAITING_CUSTOMER})
#: States that need no more work.
DONE_STATES = frozenset({S.RESOLVED, S.CLOSED})

del S, A


@attrs.frozen(kw_only=True)
class ServiceDeadlines:
    """When the next service-level targets fall due (``None``: no target)."""

    first_response: datetime | None = attrs.field(default=None, validator=c.optional_aware_datetime)
    next_response: datetime | None = attrs.field(default=None, validator=c.optional_aware_datetime)
    resolution: datetime | None = attrs.field(default=None, validator=c.optional_aware_datetime)


# --- events -------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class CaseOpened:
    """The first event of every case."""

    action: ClassVar[CaseAction | None] = None

    at: datetime = attrs.field(validator=c.aware_datetime)
    case_id: str = attrs.field(validator=c.non_empty_str)
    customer: str = attrs.field(validator=c.non_empty_str)
    channel: ChannelRef = attrs.field(validator=c.instance_of(ChannelRef))
    mention: MentionKey = attrs.field(validator=c.instance_of(MentionKey))
    visibility: Visibility = attrs.field(converter=to_visibility, validator=c.member_of(Visibility))
    priority: Priority = attrs.field(
        default=Priority.NORMAL, converter=to_priority, validator=c.member_of(Priority)
    )


@attrs.frozen(kw_only=True)
class Triaged:
    """Triage set the priority, labels (intent, topic, hostility) and language."""

    action: ClassVar[CaseAction | None] = CaseAction.TRIAGE

    at: datetime = attrs.field(validator=c.aware_datetime)
    priority: Priority = attrs.field(converter=to_priority, validator=c.member_of(Priority))
    labels: frozenset[str] = attrs.field(
        factory=frozenset, converter=c.to_frozenset, validator=c.names
    )
    language: str | None = attrs.field(default=None, validator=c.optional_non_empty_str)


@attrs.frozen(kw_only=True)
class MentionAttached:
    """Another message of the same conversation joined the case."""

    action: ClassVar[CaseAction | None] = CaseAction.ATTACH

    at: datetime = attrs.field(validator=c.aware_datetime)
    mention: MentionKey = attrs.field(validator=c.instance_of(MentionKey))
    visibility: Visibility = attrs.field(converter=to_visibility, validator=c.member_of(Visibility))


@attrs.frozen(kw_only=True)
class Assigned:
    """An agent took the case."""

    action: ClassVar[CaseAction | None] = CaseAction.ASSIGN

    at: datetime = attrs.field(validator=c.aware_datetime)
    agent: str = attrs.field(validator=c.non_empty_str)
    reason: str = attrs.field(default="", validator=c.text)


@attrs.frozen(kw_only=True)
class Unassigned:
    """The agent let the case go (went offline, escalated, reassigned)."""

    action: ClassVar[CaseAction | None] = CaseAction.UNASSIGN

    at: datetime = attrs.field(validator=c.aware_datetime)
    reason: str = attrs.field(default="", validator=c.text)


@attrs.frozen(kw_only=True)
class ReplySent:
    """A reply went out; ``visibility`` says where it was seen."""

    action: ClassVar[CaseAction | None] = CaseAction.REPLY

    at: datetime = attrs.field(validator=c.aware_datetime)
    message_id: str = attrs.field(validator=c.non_empty_str)
    visibility: Visibility = attrs.field(converter=to_visibility, validator=c.member_of(Visibility))
    agent: str | None = attrs.field(default=None, validator=c.optional_non_empty_str)


@attrs.frozen(kw_only=True)
class Escalated:
    """The case was widened to another target (overflow team, supervisors)."""

    action: ClassVar[CaseAction | None] = CaseAction.ESCALATE

    at: datetime = attrs.field(validator=c.aware_datetime)
    target: str = attrs.field(validator=c.non_empty_str)
    reason: str = attrs.field(default="", validator=c.text)


@attrs.frozen(kw_only=True)
class PriorityChanged:
    """The priority was raised or lowered."""

    action: ClassVar[CaseAction | None] = CaseAction.ANNOTATE

    at: datetime = attrs.field(validator=c.aware_datetime)
    priority: Priority = attrs.field(converter=to_priority, validator=c.member_of(Priority))
    reason: str = attrs.field(default="", validator=c.text)


@attrs.frozen(kw_only=True)
class DeadlinesSet:
    """Service-level deadlines were set or moved."""

    action: ClassVar[CaseAction | None] = CaseAction.ANNOTATE

    at: datetime = attrs.field(validator=c.aware_datetime)
    deadlines: ServiceDeadlines = attrs.field(validator=c.instance_of(ServiceDeadlines))


@attrs.frozen(kw_only=True)
class IncidentLinked:
    """The case is part of a systemic incident and follows its playbook."""

    action: ClassVar[CaseAction | None] = CaseAction.ANNOTATE

    at: datetime = attrs.field(validator=c.aware_datetime)
    incident_id: str = attrs.field(validator=c.non_empty_str)


@attrs.frozen(kw_only=True)
class ApprovalRequested:
    """A draft reply waits for someone with ``role`` to approve it."""

    action: ClassVar[CaseAction | None] = CaseAction.ANNOTATE

    at: datetime = attrs.field(validator=c.aware_datetime)
    message_id: str = attrs.field(validator=c.non_empty_str)
    role: str = attrs.field(validator=c.non_empty_str)
    reasons: tuple[str, ...] = attrs.field(
        default=(), converter=c.to_tuple, validator=c.tuple_of(str)
    )


@attrs.frozen(kw_only=True)
class ApprovalDecided:
    """Someone approved or rejected a draft reply."""

    action: ClassVar[CaseAction | None] = CaseAction.ANNOTATE

    at: datetime = attrs.field(validator=c.aware_datetime)
    message_id: str = attrs.field(validator=c.non_empty_str)
    approved: bool = attrs.field(validator=c.is_bool)
    by: str = attrs.field(validator=c.non_empty_str)
    note: str = attrs.field(default="", validator=c.text)


@attrs.frozen(kw_only=True)
class StateChanged:
    """An explicit move: resolve, reopen, close, or wait for the customer."""

    action: ClassVar[CaseAction | None] = None

    at: datetime = attrs.field(validator=c.aware_datetime)
    to: CaseState = attrs.field(converter=to_case_state, validator=c.member_of(CaseState))
    reason: str = attrs.field(default="", validator=c.text)

    def __attrs_post_init__(self) -> None:
        if self.to not in _STATE_CHANGE_ACTIONS:
            allowed = ", ".join(s.value for s in _STATE_CHANGE_ACTIONS)
            c.fail(
                self, "to", f"{self.to.value!r} is reached by other events; use one of {allowed}"
            )


_STATE_CHANGE_ACTIONS = {
    CaseState.RESOLVED: CaseAction.RESOLVE,
    CaseState.REOPENED: CaseAction.REOPEN,
    CaseState.CLOSED: CaseAction.CLOSE,
    CaseState.AWAITING_CUSTOMER: CaseAction.AWAIT_CUSTOMER,
}

CaseEvent = (
    CaseOpened
    | Triaged
    | MentionAttached
    | Assigned
    | Unassigned
    | ReplySent
    | Escalated
    | PriorityChanged
    | DeadlinesSet
    | IncidentLinked
    | ApprovalRequested
    | ApprovalDecided
    | StateChanged
)

#: Every event class, with the stable name it has in serialized form.
CASE_EVENT_TYPES: dict[type[Any], str] = {
    CaseOpened: "case_opened",
    Triaged: "triaged",
    MentionAttached: "mention_attached",
    Assigned: "assigned",
    Unassigned: "unassigned",
    ReplySent: "reply_sent",
    Escalated: "escalated",
    PriorityChanged: "priority_changed",
    DeadlinesSet: "deadlines_set",
    IncidentLinked: "incident_linked",
    ApprovalRequested: "approval_requested",
    ApprovalDecided: "approval_decided",
    StateChanged: "state_changed",
}


def action_of(event: CaseEvent) -> CaseAction:
    """The table action an event performs."""
    if isinstance(event, StateChanged):
        return _STATE_CHANGE_ACTIONS[event.to]
    if event.action is None:
        raise InvalidTransition(
            "case_opened can only start a case", state="(open case)", event="case_opened"
        )
    return event.action


def next_state(state: CaseState, event: CaseEvent) -> CaseState:
    """Look up the table; raise :class:`InvalidTransition` naming state and event."""
    action = action_of(event)
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        name = CASE_EVENT_TYPES[type(event)]
        raise InvalidTransition(
            f"a case in state {state.value!r} cannot take event {name!r} (action {action.value!r})",
            state=state.value,
            event=name,
        ) from None


# --- the case -----------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Case:
    """A customer's conversation with the brand, public and private messages alike.

    Build one with :meth:`Case.open` and change it only through its methods,
    each of which returns a new ``Case`` with one more event. Fields other than
    ``events`` are derived from the events and kept for fast reads.
    """

    id: str = attrs.field(validator=c.non_empty_str)
    customer: str = attrs.field(validator=c.non_empty_str)
    channel: ChannelRef = attrs.field(validator=c.instance_of(ChannelRef))
    opened_at: datetime = attrs.field(validator=c.aware_datetime)
    state: CaseState = attrs.field(converter=to_case_state, validator=c.member_of(CaseState))
    priority: Priority = attrs.field(converter=to_priority, validator=c.member_of(Priority))
    mentions: tuple[MentionKey, ...] = attrs.field(validator=c.tuple_of(MentionKey))
    events: tuple[CaseEvent, ...] = attrs.field(repr=False)
    assignee: str | None = attrs.field(default=None, validator=c.optional_non_empty_str)
    incident_id: str | None = attrs.field(default=None, validator=c.optional_non_empty_str)
    labels: frozenset[str] = attrs.field(
        factory=frozenset, converter=c.to_frozenset, validator=c.names
    )
    language: str | None = attrs.field(default=None, validator=c.optional_non_empty_str)
    deadlines: ServiceDeadlines = attrs.field(factory=ServiceDeadlines)
    first_response_at: datetime | None = attrs.field(
        default=None, validator=c.optional_aware_datetime
    )
    last_customer_message_at: datetime | None = attrs.field(
        default=None, validator=c.optional_aware_datetime
    )
    has_private: bool = attrs.field(default=False, validator=c.is_bool)
    # The mentions as a set, once a case has many (None until then): attaching one
    # checks it is new, and a scan of a long conversation made that quadratic.
    _mention_set: frozenset[MentionKey] | None = attrs.field(
        default=None, init=False, eq=False, repr=False
    )

    def __attrs_post_init__(self) -> None:
        if not self.events or not isinstance(self.events[0], CaseOpened):
            c.fail(self, "events", "a case's history must start with case_opened")
        if (self.assignee is not None) != (self.state in OWNED_STATES):
            c.fail(self, "assignee", f"state {self.state.value!r} and assignee disagree")

    # construction ------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        *,
        id: str,
        customer: str,
        channel: ChannelRef,
        mention: MentionKey,
        visibility: Visibility | str,
        at: datetime,
        priority: Priority | str = Priority.NORMAL,
    ) -> Case:
        """Open a case from its first mention."""
        return cls.replay(
            (
                CaseOpened(
                    at=at,
                    case_id=id,
                    customer=customer,
                    channel=channel,
                    mention=mention,
                    visibility=visibility,
                    priority=priority,
                ),
            )
        )

    @classmethod
    def replay(cls, events: tuple[CaseEvent, ...] | list[CaseEvent]) -> Case:
        """Rebuild a case from its history; every step is checked against the table."""
        if not events:
            raise InvalidTransition("a case needs at least case_opened", state="", event="")
        first = events[0]
        if not isinstance(first, CaseOpened):
            raise InvalidTransition(
                f"a case's history must start with case_opened, not "
                f"{CASE_EVENT_TYPES.get(type(first), type(first).__name__)}",
                state="(none)",
                event=CASE_EVENT_TYPES.get(type(first), type(first).__name__),
            )
        # The event was validated when it was made, so its fields need no second check.
        case = object.__new__(Case)
        put = object.__setattr__
        for name, value in _OPENED_DEFAULTS:
            put(case, name, value)
        put(case, "id", first.case_id)
        put(case, "customer", first.customer)
        put(case, "channel", first.channel)
        put(case, "opened_at", first.at)
        put(case, "state", CaseState.NEW)
        put(case, "priority", first.priority)
        put(case, "mentions", (first.mention,))
        put(case, "events", (first,))
        put(case, "last_customer_message_at", first.at)
        put(case, "has_private", first.visibility is Visibility.PRIVATE)
        for event in events[1:]:
            case = case.apply(event)
        return case

    # the one place a case changes --------------------------------------------------------

    def apply(self, event: CaseEvent) -> Case:
        """Return the case after ``event``, or raise :class:`InvalidTransition`."""
        state = next_state(self.state, event)
        # Every change comes from a validated event through the state table, so the
        # fields need no second validation; only the cross-field invariant is checked.
        values = list(_ALL_FIELDS(self))
        values[_F_STATE] = state
        values[_F_EVENTS] = (*self.events, event)
        if isinstance(event, Triaged):
            values[_F_PRIORITY] = event.priority
            values[_F_LABELS] = event.labels
            values[_F_LANGUAGE] = event.language
        elif isinstance(event, MentionAttached):
            mentions = self.mentions
            if len(mentions) < _SCAN_LIMIT:
                if event.mention not in mentions:
                    values[_F_MENTIONS] = (*mentions, event.mention)
            else:
                known = self._mention_set
                if known is None:
                    known = frozenset(mentions)
                if event.mention not in known:
                    values[_F_MENTIONS] = (*mentions, event.mention)
                    known = known | {event.mention}
                values[_F_MENTION_SET] = known
            values[_F_LAST_CUSTOMER] = event.at
            values[_F_PRIVATE] = self.has_private or event.visibility is Visibility.PRIVATE
        elif isinstance(event, Assigned):
            values[_F_ASSIGNEE] = event.agent
        elif isinstance(event, Unassigned):
            values[_F_ASSIGNEE] = None
        elif isinstance(event, ReplySent):
            if self.first_response_at is None:
                values[_F_FIRST_RESPONSE] = event.at
        elif isinstance(event, PriorityChanged):
            values[_F_PRIORITY] = event.priority
        elif isinstance(event, DeadlinesSet):
            values[_F_DEADLINES] = event.deadlines
        elif isinstance(event, IncidentLinked):
            values[_F_INCIDENT] = event.incident_id
        elif isinstance(event, StateChanged) and event.to is CaseState.REOPENED:
            values[_F_ASSIGNEE] = None
        owned = state in OWNED_STATES
        if not owned:
            values[_F_ASSIGNEE] = None
        case = object.__new__(Case)
        for put, value in zip(_SETTERS, values, strict=True):
            put(case, value)
        if (values[_F_ASSIGNEE] is not None) != owned:
            c.fail(case, "assignee", f"state {state.value!r} and assignee disagree")
        return case

    # named changes -----------------------------------------------------------------------

    def triage(
        self,
        *,
        at: datetime,
        priority: Priority | str,
        labels: frozenset[str] | set[str] = frozenset(),
        language: str | None = None,
    ) -> Case:
        """Record triage's verdict."""
        return self.apply(Triaged(at=at, priority=priority, labels=labels, language=language))

    def attach(self, mention: MentionKey, *, visibility: Visibility | str, at: datetime) -> Case:
        """Add another message of this conversation."""
        return self.apply(MentionAttached(at=at, mention=mention, visibility=visibility))

    def assign(self, agent: str, *, at: datetime, reason: str = "") -> Case:
        """Give the case to ``agent``."""
        return self.apply(Assigned(at=at, agent=agent, reason=reason))

    def unassign(self, *, at: datetime, reason: str = "") -> Case:
        """Take the case back from its agent."""
        return self.apply(Unassigned(at=at, reason=reason))

    def record_reply(
        self,
        message_id: str,
        *,
        visibility: Visibility | str,
        at: datetime,
        agent: str | None = None,
    ) -> Case:
        """Note that a reply went out."""
        return self.apply(
            ReplySent(at=at, message_id=message_id, visibility=visibility, agent=agent)
        )

    def escalate(self, target: str, *, at: datetime, reason: str = "") -> Case:
        """Widen the case to ``target``."""
        return self.apply(Escalated(at=at, target=target, reason=reason))

    def set_priority(self, priority: Priority | str, *, at: datetime, reason: str = "") -> Case:
        """Change the priority."""
        return self.apply(PriorityChanged(at=at, priority=priority, reason=reason))

    def set_deadlines(self, deadlines: ServiceDeadlines, *, at: datetime) -> Case:
        """Set the service-level deadlines."""
        return self.apply(DeadlinesSet(at=at, deadlines=deadlines))

    def link_incident(self, incident_id: str, *, at: datetime) -> Case:
        """Make the case part of an incident."""
        return self.apply(IncidentLinked(at=at, incident_id=incident_id))

    def await_customer(self, *, at: datetime, reason: str = "") -> Case:
        """Wait for the customer (for example after moving to private)."""
        return self.apply(StateChanged(at=at, to=CaseState.AWAITING_CUSTOMER, reason=reason))

    def resolve(self, *, at: datetime, reason: str = "") -> Case:
        """Mark the customer's problem solved."""
        return self.apply(StateChanged(at=at, to=CaseState.RESOLVED, reason=reason))

    def reopen(self, *, at: datetime, reason: str = "") -> Case:
        """Reopen a resolved case."""
        return self.apply(StateChanged(at=at, to=CaseState.REOPENED, reason=reason))

    def close(self, *, at: datetime, reason: str = "") -> Case:
        """Close the case for good."""
        return self.apply(StateChanged(at=at, to=CaseState.CLOSED, reason=reason))

    # reads -------------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        """Whether the case still needs work."""
        return self.state not in DONE_STATES

    @property
    def updated_at(self) -> datetime:
        """When the last event happened."""
        return self.events[-1].at


_CASE_FIELDS = tuple(f.name for f in attrs.fields(Case))
# For Case.apply: read every field at once, write each through its slot.
_ALL_FIELDS = operator.attrgetter(*_CASE_FIELDS)
_SETTERS = tuple(getattr(Case, name).__set__ for name in _CASE_FIELDS)
(
    _F_STATE,
    _F_EVENTS,
    _F_PRIORITY,
    _F_LABELS,
    _F_LANGUAGE,
    _F_MENTIONS,
    _F_LAST_CUSTOMER,
    _F_PRIVATE,
    _F_ASSIGNEE,
    _F_FIRST_RESPONSE,
    _F_DEADLINES,
    _F_INCIDENT,
    _F_MENTION_SET,
) = (
    _CASE_FIELDS.index(name)
    for name in (
        "state",
        "events",
        "priority",
        "labels",
        "language",
        "mentions",
        "last_customer_message_at",
        "has_private",
        "assignee",
        "first_response_at",
        "deadlines",
        "incident_id",
        "_mention_set",
    )
)
# Up to this many mentions, a case looks a new one up by scanning them.
_SCAN_LIMIT = 16
# A new case's fields that its first event does not set.
_OPENED_DEFAULTS: tuple[tuple[str, object], ...] = (
    ("assignee", None),
    ("incident_id", None),
    ("labels", frozenset()),
    ("language", None),
    ("deadlines", ServiceDeadlines()),
    ("first_response_at", None),
    ("_mention_set", None),
)
