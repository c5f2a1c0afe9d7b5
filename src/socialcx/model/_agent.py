"""Agents and the vocabulary of work: priority, presence, kinds of work, capacity."""

from __future__ import annotations

import enum
import functools
from typing import Any

import attrs

from socialcx.model import _checks as c


@functools.total_ordering
class Priority(enum.Enum):
    """How soon a case needs a person. Ordered: ``LOW < NORMAL < HIGH < URGENT``."""

    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"

    @property
    def rank(self) -> int:
        """0 for ``LOW`` up to 3 for ``URGENT``."""
        return _PRIORITY_RANK[self]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Priority):
            return NotImplemented
        return self.rank < other.rank


_PRIORITY_RANK = {p: i for i, p in enumerate(Priority)}


def to_priority(value: Priority | str) -> Priority:
    """Accept the enum or its value; a bad value is reported by the field's validator."""
    return c.coerce(Priority, value)


class Presence(enum.Enum):
    """Whether an agent can take new work right now."""

    AVAILABLE = "available"
    BUSY = "busy"
    AWAY = "away"
    OFFLINE = "offline"


def to_presence(value: Presence | str) -> Presence:
    """Accept the enum or its value; a bad value is reported by the field's validator."""
    return c.coerce(Presence, value)


class WorkKind(enum.Enum):
    """The two kinds of social work, with separate capacity.

    Public replies are seen by everyone and need certification; private
    messaging is one-to-one.
    """

    PUBLIC = "public"
    PRIVATE = "private"


@attrs.frozen(kw_only=True)
class Capacity:
    """How many cases of each kind an agent can hold at once."""

    public: int = attrs.field(default=1, validator=c.non_negative_int)
    private: int = attrs.field(default=1, validator=c.non_negative_int)

    def for_kind(self, kind: WorkKind) -> int:
        """The limit for one kind of work."""
        return self.public if kind is WorkKind.PUBLIC else self.private


def to_capacity(value: Capacity | int | dict[str, int]) -> Capacity:
    """``3`` means three of each kind; a mapping names the kinds.

    A value that cannot become a capacity passes through unchanged so that the
    field's validator reports it with the class and field name.
    """
    if isinstance(value, Capacity | bool):
        return value  # type: ignore[return-value]
    if isinstance(value, int) and value >= 0:
        return Capacity(public=value, private=value)
    if isinstance(value, dict) and set(value) <= {"public", "private"}:
        try:
            return Capacity(**value)
        except ValueError:
            pass
    return value  # type: ignore[return-value]


def _valid_capacity(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, Capacity):
        return
    if isinstance(value, int) and not isinstance(value, bool) and value < 0:
        c.fail(inst, attribute.name, f"must not be negative, got {value}")
    if isinstance(value, dict):
        c.fail(
            inst,
            attribute.name,
            f"{value!r} is not a capacity: use 'public' and 'private', each an integer >= 0",
        )
    c.fail(inst, attribute.name, f"expected an int or a Capacity, got {type(value).__name__}")


@attrs.frozen(kw_only=True)
class Agent:
    """A person who answers customers.

    Args:
        id: Stable id from the host application.
        name: Display name.
        skills: What they know (``"billing"``, ``"baggage"``).
        languages: Languages they answer in (BCP 47 primary tags).
        certifications: What they are cleared for, e.g. ``"social"`` for
            public replies and ``"hostile"`` for abusive customers.
        capacity: Concurrent cases per kind of work; an int sets both kinds.
        presence: Whether they take new work now.
        teams: Teams they belong to, used as escalation targets
            (``"overflow"``, ``"supervisors"``).
    """

    id: str = attrs.field(validator=c.non_empty_str)
    name: str | None = attrs.field(default=None, validator=c.optional_non_empty_str)
    skills: frozenset[str] = attrs.field(
        factory=frozenset, converter=c.to_frozenset, validator=c.names
    )
    languages: frozenset[str] = attrs.field(
        factory=frozenset, converter=c.to_frozenset, validator=c.names
    )
    certifications: frozenset[str] = attrs.field(
        factory=frozenset, converter=c.to_frozenset, validator=c.names
    )
    capacity: Capacity = attrs.field(
        factory=Capacity, converter=to_capacity, validator=_valid_capacity
    )
    presence: Presence = attrs.field(
        default=Presence.AVAILABLE, converter=to_presence, validator=c.member_of(Presence)
    )
    teams: frozenset[str] = attrs.field(
        factory=frozenset, converter=c.to_frozenset, validator=c.names
    )
