"""Incidents: one root cause behind many complaints."""

from __future__ import annotations

import enum
from datetime import datetime

import attrs

from socialcx.errors import InvalidTransition
from socialcx.model import _checks as c
from socialcx.model._mention import ChannelRef, MentionKey


class IncidentState(enum.Enum):
    """An incident is open until its root cause is fixed, or merged into another."""

    OPEN = "open"
    RESOLVED = "resolved"
    MERGED = "merged"


def to_incident_state(value: IncidentState | str) -> IncidentState:
    """Accept the enum or its value; a bad value is reported by the field's validator."""
    return c.coerce(IncidentState, value)


#: Incidents may only be resolved or merged while open.
INCIDENT_TRANSITIONS: dict[tuple[IncidentState, str], IncidentState] = {
    (IncidentState.OPEN, "resolve"): IncidentState.RESOLVED,
    (IncidentState.OPEN, "merge"): IncidentState.MERGED,
}

#: How many sample mentions an incident keeps; state stays bounded.
MAX_SAMPLES = 20


@attrs.frozen(kw_only=True)
class Incident:
    """A systemic problem that many cases share.

    Fix the root cause first, then answer every linked case with one
    consistent message.

    Args:
        id: Stable id.
        channel: The brand account it was detected on.
        topic: Keywords that describe it, most telling first.
        first_seen: The first complaint in it.
        last_seen: The latest complaint in it.
        mention_count: How many complaints it holds.
        velocity: Complaints per hour in the detection window when it fired.
        samples: Up to ``MAX_SAMPLES`` representative mentions.
        case_ids: The cases linked to it.
        state: Open, resolved or merged.
        merged_into: The surviving incident, when merged.
        resolved_at: When it was resolved.
    """

    id: str = attrs.field(validator=c.non_empty_str)
    channel: ChannelRef = attrs.field(validator=c.instance_of(ChannelRef))
    topic: tuple[str, ...] = attrs.field(converter=c.to_tuple, validator=c.tuple_of(str))
    first_seen: datetime = attrs.field(validator=c.aware_datetime)
    last_seen: datetime = attrs.field(validator=c.aware_datetime)
    mention_count: int = attrs.field(default=0, validator=c.non_negative_int)
    velocity: float = attrs.field(default=0.0, converter=float)
    samples: tuple[MentionKey, ...] = attrs.field(
        default=(), converter=c.to_tuple, validator=c.tuple_of(MentionKey)
    )
    case_ids: frozenset[str] = attrs.field(
        factory=frozenset, converter=c.to_frozenset, validator=c.names
    )
    state: IncidentState = attrs.field(
        default=IncidentState.OPEN,
        converter=to_incident_state,
        validator=c.member_of(IncidentState),
    )
    merged_into: str | None = attrs.field(default=None, validator=c.optional_non_empty_str)
    resolved_at: datetime | None = attrs.field(default=None, validator=c.optional_aware_datetime)

    def __attrs_post_init__(self) -> None:
        if self.last_seen < self.first_seen:
            c.fail(self, "last_seen", "is before first_seen")
        if len(self.samples) > MAX_SAMPLES:
            c.fail(self, "samples", f"holds more than {MAX_SAMPLES} mentions")
        if (self.state is IncidentState.MERGED) != (self.merged_into is not None):
            c.fail(self, "merged_into", "is set exactly when the incident is merged")

    def _move(self, event: str) -> IncidentState:
        try:
            return INCIDENT_TRANSITIONS[(self.state, event)]
        except KeyError:
            raise InvalidTransition(
                f"an incident in state {self.state.value!r} cannot take event {event!r}",
                state=self.state.value,
                event=event,
            ) from None

    def record(self, mention: MentionKey, *, at: datetime, case_id: str | None = None) -> Incident:
        """Add one complaint (and its case) to an open incident."""
        if self.state is not IncidentState.OPEN:
            raise InvalidTransition(
                f"an incident in state {self.state.value!r} cannot take event 'record'",
                state=self.state.value,
                event="record",
            )
        samples = self.samples
        if len(samples) < MAX_SAMPLES and mention not in samples:
            samples = (*samples, mention)
        return attrs.evolve(
            self,
            mention_count=self.mention_count + 1,
            first_seen=min(self.first_seen, at),
            last_seen=max(self.last_seen, at),
            samples=samples,
            case_ids=self.case_ids | {case_id} if case_id else self.case_ids,
        )

    def resolve(self, *, at: datetime) -> Incident:
        """The root cause is fixed."""
        return attrs.evolve(self, state=self._move("resolve"), resolved_at=at)

    def merge_into(self, other: Incident) -> tuple[Incident, Incident]:
        """Fold this incident into ``other``; return (this, merged) after the merge."""
        state = self._move("merge")
        if other.state is not IncidentState.OPEN or other.id == self.id:
            raise InvalidTransition(
                f"cannot merge into incident {other.id!r} in state {other.state.value!r}",
                state=other.state.value,
                event="merge",
            )
        topic = tuple(dict.fromkeys((*other.topic, *self.topic)))
        samples = tuple(dict.fromkeys((*other.samples, *self.samples)))[:MAX_SAMPLES]
        merged = attrs.evolve(
            other,
            topic=topic,
            first_seen=min(self.first_seen, other.first_seen),
            last_seen=max(self.last_seen, other.last_seen),
            mention_count=self.mention_count + other.mention_count,
            velocity=max(self.velocity, other.velocity),
            samples=samples,
            case_ids=self.case_ids | other.case_ids,
        )
        return attrs.evolve(self, state=state, merged_into=other.id), merged
