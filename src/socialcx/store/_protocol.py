"""The Store protocol: what the desk keeps, and the promises every store makes.

A store holds mentions (unique on platform and native id, raw payload kept),
cases with their append-only events, incidents, agents, channel cursors, the
outbox of replies (unique on idempotency key), dead letters, and the two things
many workers need to share one database safely: leases (one poller per
channel) and capacity reservations (no agent over capacity, no case assigned
twice).

Every method is synchronous and safe to call outside a transaction; inside
``with store.transaction():`` everything commits together or not at all.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable

import attrs

from socialcx.model import (
    Agent,
    Case,
    ChannelRef,
    Incident,
    Mention,
    MentionKey,
    MessageState,
    OutboundMessage,
    WorkKind,
)


@attrs.frozen(kw_only=True)
class DeadLetter:
    """Something that could not be processed, kept for a person to look at.

    Args:
        id: Assigned by the store.
        source: Where it came from (``"mastodon:@brand"``, ``"webhook:meta"``).
        raw: The bytes exactly as received.
        error: Why it was rejected (names the field).
        at: When.
    """

    id: int
    source: str
    raw: bytes = attrs.field(repr=False)
    error: str
    at: datetime


@attrs.frozen(kw_only=True)
class Reservation:
    """One unit of an agent's capacity held by one case."""

    case_id: str
    agent_id: str
    kind: WorkKind


@runtime_checkable
class Store(Protocol):
    """Protocol: durable state for a :class:`socialcx.Desk`.

    Implementations: :class:`MemoryStore`, :class:`SQLiteStore` (the default)
    and :class:`PostgresStore`. ``socialcx.testing.store_contract`` holds them
    all to the same behaviour.
    """

    def transaction(self) -> contextlib.AbstractContextManager[None]:
        """Group writes: all commit at the end of the outermost block, or none do."""
        ...

    # mentions -----------------------------------------------------------------------------

    def add_mention(self, mention: Mention, *, case_id: str | None = None) -> bool:
        """Store a mention; ``False`` when one with the same key is already stored."""
        ...

    def get_mention(self, key: MentionKey) -> Mention | None:
        """A stored mention, raw payload included."""
        ...

    def mention_case(self, key: MentionKey) -> str | None:
        """The case a stored mention went to, if any."""
        ...

    def set_mention_case(self, key: MentionKey, case_id: str) -> None:
        """Record which case a stored mention went to."""
        ...

    def count_mentions(self) -> int:
        """How many mentions are stored."""
        ...

    # cases --------------------------------------------------------------------------------

    def save_case(self, case: Case, *, expected_events: int) -> None:
        """Store ``case``, appending the events after the first ``expected_events``.

        Raises:
            ConcurrentUpdate: the stored case does not have exactly
                ``expected_events`` events (someone else changed it).
        """
        ...

    def get_case(self, case_id: str) -> Case | None:
        """A stored case, rebuilt from its events."""
        ...

    def cases(self, *, open_only: bool = False) -> Iterator[Case]:
        """Every stored case (or the open ones), in the order they opened."""
        ...

    # incidents and agents -----------------------------------------------------------------

    def save_incident(self, incident: Incident) -> None:
        """Insert or replace an incident."""
        ...

    def incidents(self) -> list[Incident]:
        """Every incident, in the order they were first seen."""
        ...

    def save_agent(self, agent: Agent) -> None:
        """Insert or replace an agent."""
        ...

    def agents(self) -> list[Agent]:
        """Every agent, by id."""
        ...

    # cursors ------------------------------------------------------------------------------

    def get_cursor(self, channel: ChannelRef) -> str | None:
        """The stored cursor of a channel."""
        ...

    def set_cursor(self, channel: ChannelRef, cursor: str | None) -> None:
        """Store a channel's cursor (only after its mentions are stored)."""
        ...

    # outbox -------------------------------------------------------------------------------

    def enqueue(self, message: OutboundMessage) -> OutboundMessage:
        """Add a reply to the outbox; the stored one if its idempotency key is taken."""
        ...

    def update_message(self, message: OutboundMessage) -> None:
        """Replace a stored message (same id) with its new state."""
        ...

    def get_message(self, message_id: str) -> OutboundMessage | None:
        """A message by id."""
        ...

    def messages(
        self, *, channel: ChannelRef | None = None, state: MessageState | None = None
    ) -> list[OutboundMessage]:
        """Messages, oldest first, optionally only one channel's or one state's."""
        ...

    # dead letters -------------------------------------------------------------------------

    def add_dead_letter(self, *, source: str, raw: bytes, error: str, at: datetime) -> int:
        """Keep something unparseable; returns its id."""
        ...

    def dead_letters(self) -> list[DeadLetter]:
        """Every dead letter, oldest first."""
        ...

    # sharing one database between workers ---------------------------------------------------

    def acquire_lease(self, name: str, owner: str, *, now: datetime, ttl: timedelta) -> bool:
        """Take or renew the lease ``name`` for ``owner``; ``False`` if someone else holds it."""
        ...

    def release_lease(self, name: str, owner: str) -> None:
        """Give a lease up (no effect if ``owner`` does not hold it)."""
        ...

    def reserve(self, case_id: str, agent_id: str, kind: WorkKind, *, limit: int) -> bool:
        """Hold one unit of ``agent_id``'s ``kind`` capacity for ``case_id``.

        Atomic: ``False`` when the case already holds a reservation or the agent
        already holds ``limit`` of that kind.
        """
        ...

    def release(self, case_id: str) -> None:
        """Free the case's reservation, if any."""
        ...

    def reservations(self, agent_id: str | None = None) -> list[Reservation]:
        """Current reservations (of one agent, or all)."""
        ...

    def close(self) -> None:
        """Release connections and files."""
        ...
