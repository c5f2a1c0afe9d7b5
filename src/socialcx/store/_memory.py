"""MemoryStore: everything in dicts, for tests, demos and one-shot replays."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import attrs

from socialcx.errors import ConcurrentUpdate, StoreError
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
from socialcx.store._protocol import DeadLetter, Reservation

_ABSENT = object()  # the key was not in the table
_APPENDED = object()  # an item was appended to a list


@attrs.define
class MemoryStore:
    """A :class:`Store` in process memory; nothing survives the process.

    Transactions are real: a block that raises leaves the store as it was, and
    an inner block that raises undoes only itself (an undo journal, not copies).
    """

    # (platform, native id) -> (mention, the case it went to)
    _mentions: dict[tuple[str, str], tuple[Mention, str | None]] = attrs.field(
        init=False, factory=dict
    )
    _cases: dict[str, Case] = attrs.field(init=False, factory=dict)
    _incidents: dict[str, Incident] = attrs.field(init=False, factory=dict)
    _agents: dict[str, Agent] = attrs.field(init=False, factory=dict)
    _cursors: dict[ChannelRef, str | None] = attrs.field(init=False, factory=dict)
    _outbox: dict[str, OutboundMessage] = attrs.field(init=False, factory=dict)
    _keys: dict[str, str] = attrs.field(init=False, factory=dict)
    _dead: list[DeadLetter] = attrs.field(init=False, factory=list)
    _leases: dict[str, tuple[str, datetime]] = attrs.field(init=False, factory=dict)
    _reservations: dict[str, Reservation] = attrs.field(init=False, factory=dict)
    _load: dict[tuple[str, WorkKind], int] = attrs.field(init=False, factory=dict)
    _depth: int = attrs.field(init=False, default=0)
    # Undo entries: (table, key, the old value or _ABSENT); (list, None, _APPENDED) for a list.
    _journal: list[tuple[Any, Any, Any]] = attrs.field(init=False, factory=list)
    _closed: bool = attrs.field(init=False, default=False)

    def __repr__(self) -> str:
        return f"MemoryStore(mentions={len(self._mentions)}, cases={len(self._cases)})"

    def _check(self) -> None:
        if self._closed:
            raise StoreError("the store is closed")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Writes inside the block are undone if it raises; blocks nest (savepoints)."""
        self._check()
        mark = len(self._journal)
        self._depth += 1
        try:
            yield
        except BaseException:
            journal = self._journal
            while len(journal) > mark:
                table, key, old = journal.pop()
                if old is _ABSENT:
                    table.pop(key, None)
                elif old is _APPENDED:
                    table.pop()
                else:
                    table[key] = old
            raise
        finally:
            self._depth -= 1
            if not self._depth:
                self._journal.clear()

    def _keep(self, table: dict[Any, Any], key: Any) -> None:
        """Inside a transaction, remember how to put ``table[key]`` back."""
        if self._depth:
            self._journal.append((table, key, table.get(key, _ABSENT)))

    # mentions -----------------------------------------------------------------------------

    def add_mention(self, mention: Mention, *, case_id: str | None = None) -> bool:
        self._check()
        key = (mention.channel.platform, mention.native_id)
        if key in self._mentions:
            return False
        self._keep(self._mentions, key)
        self._mentions[key] = (mention, case_id)
        return True

    def get_mention(self, key: MentionKey) -> Mention | None:
        held = self._mentions.get((key.platform, key.native_id))
        return None if held is None else held[0]

    def mention_case(self, key: MentionKey) -> str | None:
        held = self._mentions.get((key.platform, key.native_id))
        return None if held is None else held[1]

    def set_mention_case(self, key: MentionKey, case_id: str) -> None:
        self._check()
        where = (key.platform, key.native_id)
        held = self._mentions.get(where)
        if held is not None:
            self._keep(self._mentions, where)
            self._mentions[where] = (held[0], case_id)

    def count_mentions(self) -> int:
        return len(self._mentions)

    # cases --------------------------------------------------------------------------------

    def save_case(self, case: Case, *, expected_events: int) -> None:
        self._check()
        stored = self._cases.get(case.id)
        have = 0 if stored is None else len(stored.events)
        if have != expected_events or len(case.events) < have:
            raise ConcurrentUpdate(
                f"case {case.id!r} has {have} stored events, expected {expected_events}",
                key=case.id,
            )
        self._keep(self._cases, case.id)
        self._cases[case.id] = case

    def get_case(self, case_id: str) -> Case | None:
        return self._cases.get(case_id)

    def cases(self, *, open_only: bool = False) -> Iterator[Case]:
        for case in list(self._cases.values()):
            if not open_only or case.is_open:
                yield case

    # incidents and agents -----------------------------------------------------------------

    def save_incident(self, incident: Incident) -> None:
        self._check()
        self._keep(self._incidents, incident.id)
        self._incidents[incident.id] = incident

    def incidents(self) -> list[Incident]:
        return sorted(self._incidents.values(), key=lambda i: (i.first_seen, i.id))

    def save_agent(self, agent: Agent) -> None:
        self._check()
        self._keep(self._agents, agent.id)
        self._agents[agent.id] = agent

    def agents(self) -> list[Agent]:
        return [self._agents[k] for k in sorted(self._agents)]

    # cursors ------------------------------------------------------------------------------

    def get_cursor(self, channel: ChannelRef) -> str | None:
        return self._cursors.get(channel)

    def set_cursor(self, channel: ChannelRef, cursor: str | None) -> None:
        self._check()
        self._keep(self._cursors, channel)
        self._cursors[channel] = cursor

    # outbox -------------------------------------------------------------------------------

    def enqueue(self, message: OutboundMessage) -> OutboundMessage:
        self._check()
        existing = self._keys.get(message.idempotency_key)
        if existing is not None:
            return self._outbox[existing]
        if message.id in self._outbox:
            raise StoreError(f"message id {message.id!r} is taken by another reply")
        self._keep(self._outbox, message.id)
        self._keep(self._keys, message.idempotency_key)
        self._outbox[message.id] = message
        self._keys[message.idempotency_key] = message.id
        return message

    def update_message(self, message: OutboundMessage) -> None:
        self._check()
        old = self._outbox.get(message.id)
        if old is None:
            raise StoreError(f"no message {message.id!r} in the outbox")
        if old.idempotency_key != message.idempotency_key:
            owner = self._keys.get(message.idempotency_key)
            if owner is not None and owner != message.id:
                raise StoreError(f"message {message.id!r}: its new text duplicates {owner!r}")
            self._keep(self._keys, old.idempotency_key)
            self._keep(self._keys, message.idempotency_key)
            del self._keys[old.idempotency_key]
            self._keys[message.idempotency_key] = message.id
        self._keep(self._outbox, message.id)
        self._outbox[message.id] = message

    def get_message(self, message_id: str) -> OutboundMessage | None:
        return self._outbox.get(message_id)

    def messages(
        self, *, channel: ChannelRef | None = None, state: MessageState | None = None
    ) -> list[OutboundMessage]:
        return [
            m
            for m in self._outbox.values()
            if (channel is None or m.channel == channel) and (state is None or m.state is state)
        ]

    # dead letters -------------------------------------------------------------------------

    def add_dead_letter(self, *, source: str, raw: bytes, error: str, at: datetime) -> int:
        self._check()
        letter = DeadLetter(
            id=len(self._dead) + 1, source=source, raw=bytes(raw), error=error, at=at
        )
        if self._depth:
            self._journal.append((self._dead, None, _APPENDED))
        self._dead.append(letter)
        return letter.id

    def dead_letters(self) -> list[DeadLetter]:
        return list(self._dead)

    # sharing ------------------------------------------------------------------------------

    def acquire_lease(self, name: str, owner: str, *, now: datetime, ttl: timedelta) -> bool:
        self._check()
        held = self._leases.get(name)
        if held is not None and held[0] != owner and held[1] > now:
            return False
        self._keep(self._leases, name)
        self._leases[name] = (owner, now + ttl)
        return True

    def release_lease(self, name: str, owner: str) -> None:
        held = self._leases.get(name)
        if held is not None and held[0] == owner:
            self._keep(self._leases, name)
            del self._leases[name]

    def reserve(self, case_id: str, agent_id: str, kind: WorkKind, *, limit: int) -> bool:
        self._check()
        if case_id in self._reservations or self._load.get((agent_id, kind), 0) >= limit:
            return False
        self._keep(self._reservations, case_id)
        self._keep(self._load, (agent_id, kind))
        self._reservations[case_id] = Reservation(case_id=case_id, agent_id=agent_id, kind=kind)
        self._load[(agent_id, kind)] = self._load.get((agent_id, kind), 0) + 1
        return True

    def release(self, case_id: str) -> None:
        self._check()
        held = self._reservations.get(case_id)
        if held is not None:
            self._keep(self._reservations, case_id)
            self._keep(self._load, (held.agent_id, held.kind))
            del self._reservations[case_id]
            self._load[(held.agent_id, held.kind)] -= 1

    def reservations(self, agent_id: str | None = None) -> list[Reservation]:
        return [
            r for r in self._reservations.values() if agent_id is None or r.agent_id == agent_id
        ]

    def close(self) -> None:
        self._closed = True
