"""What SQLite and PostgreSQL stores share: the schema and every query.

Rows keep the domain values as JSON (the serialization module's format, with
its schema version) beside the few columns queries need. Queries are written
with ``?`` placeholders; a dialect rewrites them where the driver wants ``%s``.
"""

from __future__ import annotations

import abc
import contextlib
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs

from socialcx._serialization import event_from_json, from_json, to_json
from socialcx.errors import ConcurrentUpdate, SerializationError, SocialCXError, StoreError
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
from socialcx.model._case import CASE_EVENT_TYPES
from socialcx.store._protocol import DeadLetter, Reservation

#: Tables, in creation order. ``{blob}`` and ``{serial}`` are filled per dialect.
SCHEMA_V1 = (
    """CREATE TABLE IF NOT EXISTS mentions (
        platform TEXT NOT NULL, native_id TEXT NOT NULL, case_id TEXT,
        created_at TEXT NOT NULL, data TEXT NOT NULL,
        PRIMARY KEY (platform, native_id))""",
    """CREATE TABLE IF NOT EXISTS cases (
        id TEXT PRIMARY KEY, opened_at TEXT NOT NULL, seq {serial},
        state TEXT NOT NULL, is_open INTEGER NOT NULL, assignee TEXT,
        event_count INTEGER NOT NULL, data TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS cases_open ON cases (is_open, seq)",
    """CREATE TABLE IF NOT EXISTS case_events (
        case_id TEXT NOT NULL, n INTEGER NOT NULL, type TEXT NOT NULL,
        at TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (case_id, n))""",
    """CREATE TABLE IF NOT EXISTS incidents (
        id TEXT PRIMARY KEY, first_seen TEXT NOT NULL, data TEXT NOT NULL)""",
    "CREATE TABLE IF NOT EXISTS agents (id TEXT PRIMARY KEY, data TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS cursors (channel TEXT PRIMARY KEY, cursor TEXT)",
    """CREATE TABLE IF NOT EXISTS outbox (
        id TEXT PRIMARY KEY, seq {serial}, idempotency_key TEXT NOT NULL UNIQUE,
        channel TEXT NOT NULL, state TEXT NOT NULL, data TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS outbox_due ON outbox (channel, state, seq)",
    """CREATE TABLE IF NOT EXISTS dead_letters (
        id {serial} PRIMARY KEY, source TEXT NOT NULL, raw {blob} NOT NULL,
        error TEXT NOT NULL, at TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS leases (
        name TEXT PRIMARY KEY, owner TEXT NOT NULL, expires TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS reservations (
        case_id TEXT PRIMARY KEY, agent_id TEXT NOT NULL, kind TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS reservations_agent ON reservations (agent_id, kind)",
)

#: Version 2: an incident's cases are rows of their own, so that a complaint joining a
#: large incident writes one row instead of the whole list. Incidents written by
#: version 1 keep their case ids in ``data``; the first save moves them here.
SCHEMA_V2 = (
    """CREATE TABLE IF NOT EXISTS incident_cases (
        incident_id TEXT NOT NULL, case_id TEXT NOT NULL,
        PRIMARY KEY (incident_id, case_id))""",
)

#: One entry per schema version: the statements that bring the previous version to it.
MIGRATIONS: tuple[tuple[str, ...], ...] = (SCHEMA_V1, SCHEMA_V2)
SCHEMA_VERSION = len(MIGRATIONS)


def channel_key(channel: ChannelRef) -> str:
    """How a channel is keyed in tables."""
    return f"{channel.platform}:{channel.account}"


def iso(at: datetime) -> str:
    """Timestamps sort as text: always UTC, always the same width."""
    if at.tzinfo is not UTC:
        at = at.astimezone(UTC)
    return f"{at.isoformat(timespec='microseconds')[:26]}Z"


class SQLStore(abc.ABC):
    """The queries of a relational store; subclasses bring the connection."""

    _placeholder = "?"
    _order = "seq"
    _incident_cases: dict[str, frozenset[str]]

    # the dialect --------------------------------------------------------------------------

    @abc.abstractmethod
    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run one statement in the current transaction; return the cursor."""

    @abc.abstractmethod
    def transaction(self) -> contextlib.AbstractContextManager[None]:
        """Group writes."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release the connection."""

    def _single(self) -> contextlib.AbstractContextManager[None]:
        """Around one write statement (and the locks it takes first): a savepoint, unless
        the database undoes a failed statement by itself and leaves the transaction
        usable (SQLite does)."""
        return self.transaction()

    def _q(self, sql: str) -> str:
        return sql if self._placeholder == "?" else sql.replace("?", self._placeholder)

    def _run(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self._execute(self._q(sql), params)

    def _run_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """One statement for each row (dialects with a batch call override this)."""
        for params in rows:
            self._run(sql, params)

    def _one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self._run(sql, params).fetchone()
        return None if row is None else row

    @staticmethod
    def _load(cls: type[Any], data: str | bytes, what: str) -> Any:
        try:
            return from_json(cls, data)
        except SerializationError as exc:
            raise StoreError(f"stored {what} cannot be read: {exc}") from exc

    # mentions -----------------------------------------------------------------------------

    def add_mention(self, mention: Mention, *, case_id: str | None = None) -> bool:
        with self._single():
            cur = self._run(
                "INSERT INTO mentions (platform, native_id, case_id, created_at, data) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (platform, native_id) DO NOTHING",
                (
                    mention.channel.platform,
                    mention.native_id,
                    case_id,
                    iso(mention.created_at),
                    to_json(mention),
                ),
            )
            return bool(cur.rowcount == 1)

    def get_mention(self, key: MentionKey) -> Mention | None:
        row = self._one(
            "SELECT data FROM mentions WHERE platform = ? AND native_id = ?",
            (key.platform, key.native_id),
        )
        return None if row is None else self._load(Mention, row[0], f"mention {key}")

    def mention_case(self, key: MentionKey) -> str | None:
        row = self._one(
            "SELECT case_id FROM mentions WHERE platform = ? AND native_id = ?",
            (key.platform, key.native_id),
        )
        return None if row is None else row[0]

    def set_mention_case(self, key: MentionKey, case_id: str) -> None:
        with self._single():
            self._run(
                "UPDATE mentions SET case_id = ? WHERE platform = ? AND native_id = ?",
                (case_id, key.platform, key.native_id),
            )

    def count_mentions(self) -> int:
        return int(self._one("SELECT COUNT(*) FROM mentions")[0])

    # cases --------------------------------------------------------------------------------

    def save_case(self, case: Case, *, expected_events: int) -> None:
        new = case.events[expected_events:]
        with self.transaction():
            row = self._one("SELECT event_count FROM cases WHERE id = ?", (case.id,))
            have = 0 if row is None else int(row[0])
            if have != expected_events:
                raise ConcurrentUpdate(
                    f"case {case.id!r} has {have} stored events, expected {expected_events}",
                    key=case.id,
                )
            self._run_many(
                "INSERT INTO case_events (case_id, n, type, at, data) VALUES (?, ?, ?, ?, ?)",
                [
                    (case.id, n, CASE_EVENT_TYPES[type(event)], iso(event.at), to_json(event))
                    for n, event in enumerate(new, start=expected_events)
                ],
            )
            # The events are the case: it is rebuilt from them, so no snapshot is written.
            values = (case.state.value, int(case.is_open), case.assignee, len(case.events), "")
            if row is None:
                self._run(
                    "INSERT INTO cases (id, opened_at, state, is_open, assignee, event_count, "
                    "data) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (case.id, iso(case.opened_at), *values),
                )
            else:
                cur = self._run(
                    "UPDATE cases SET state = ?, is_open = ?, assignee = ?, event_count = ?, "
                    "data = ? WHERE id = ? AND event_count = ?",
                    (*values, case.id, expected_events),
                )
                if cur.rowcount != 1:
                    raise ConcurrentUpdate(f"case {case.id!r} changed meanwhile", key=case.id)

    def get_case(self, case_id: str) -> Case | None:
        rows = self._run(
            "SELECT data FROM case_events WHERE case_id = ? ORDER BY n", (case_id,)
        ).fetchall()
        return self._replay(case_id, [r[0] for r in rows]) if rows else None

    def cases(self, *, open_only: bool = False) -> Iterator[Case]:
        where = " WHERE c.is_open = 1" if open_only else ""
        rows = self._run(
            f"SELECT e.case_id, e.data FROM cases c JOIN case_events e ON e.case_id = c.id{where} "  # noqa: S608
            f"ORDER BY c.{self._order}, e.n"
        ).fetchall()
        current: str | None = None
        events: list[str] = []
        for case_id, data in rows:
            if case_id != current and current is not None:
                yield self._replay(current, events)
                events = []
            current = case_id
            events.append(data)
        if current is not None:
            yield self._replay(current, events)

    def _replay(self, case_id: str, events: list[str]) -> Case:
        try:
            return Case.replay([event_from_json(data) for data in events])
        except SocialCXError as exc:
            raise StoreError(f"stored case {case_id!r} cannot be read: {exc}") from exc

    # incidents and agents -----------------------------------------------------------------

    def save_incident(self, incident: Incident) -> None:
        ids = incident.case_ids
        cache = self._case_ids_cache()
        known = cache.get(incident.id)
        header = attrs.evolve(incident, case_ids=frozenset()) if ids else incident
        # One statement (a savepoint only where the database needs one) when no case row
        # can change; otherwise the row and its cases are written together.
        with self._single() if known is not None and not ids and not known else self.transaction():
            if known is None:
                known = self._stored_case_ids(incident.id)
            self._run(
                "INSERT INTO incidents (id, first_seen, data) VALUES (?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET first_seen = excluded.first_seen, "
                "data = excluded.data",
                (incident.id, iso(incident.first_seen), to_json(header)),
            )
            gone = known - ids
            if gone:
                self._run_many(
                    "DELETE FROM incident_cases WHERE incident_id = ? AND case_id = ?",
                    [(incident.id, case_id) for case_id in sorted(gone)],
                )
            new = ids - known
            if new:
                self._run_many(
                    "INSERT INTO incident_cases (incident_id, case_id) VALUES (?, ?) "
                    "ON CONFLICT DO NOTHING",
                    [(incident.id, case_id) for case_id in sorted(new)],
                )
        cache[incident.id] = ids

    def _stored_case_ids(self, incident_id: str) -> frozenset[str]:
        """The case ids in an incident's rows (those a version 1 row holds in its JSON are
        not: the save that overwrites the JSON writes them as rows)."""
        rows = self._run(
            "SELECT case_id FROM incident_cases WHERE incident_id = ?", (incident_id,)
        ).fetchall()
        return frozenset(case_id for (case_id,) in rows)

    def _case_ids_cache(self) -> dict[str, frozenset[str]]:
        """The case ids this connection last wrote per incident, so a save writes only the
        difference. Forgotten whenever a transaction or savepoint is undone."""
        return self._incident_cases

    def _forget_written(self) -> None:
        """A transaction or savepoint was undone: what was written may not be there."""
        self._incident_cases.clear()

    def incidents(self) -> list[Incident]:
        rows = self._run("SELECT id, data FROM incidents ORDER BY first_seen, id").fetchall()
        members: dict[str, set[str]] = {}
        for incident_id, case_id in self._run(
            "SELECT incident_id, case_id FROM incident_cases"
        ).fetchall():
            members.setdefault(incident_id, set()).add(case_id)
        out = []
        for incident_id, data in rows:
            incident = self._load(Incident, data, f"incident {incident_id!r}")
            extra = members.get(incident_id)
            if extra:
                incident = attrs.evolve(incident, case_ids=incident.case_ids | extra)
            out.append(incident)
        return out

    def save_agent(self, agent: Agent) -> None:
        with self.transaction():
            self._run(
                "INSERT INTO agents (id, data) VALUES (?, ?) "
                "ON CONFLICT (id) DO UPDATE SET data = excluded.data",
                (agent.id, to_json(agent)),
            )

    def agents(self) -> list[Agent]:
        rows = self._run("SELECT id, data FROM agents ORDER BY id").fetchall()
        return [self._load(Agent, data, f"agent {i!r}") for i, data in rows]

    # cursors ------------------------------------------------------------------------------

    def get_cursor(self, channel: ChannelRef) -> str | None:
        row = self._one("SELECT cursor FROM cursors WHERE channel = ?", (channel_key(channel),))
        return None if row is None else row[0]

    def set_cursor(self, channel: ChannelRef, cursor: str | None) -> None:
        with self.transaction():
            self._run(
                "INSERT INTO cursors (channel, cursor) VALUES (?, ?) "
                "ON CONFLICT (channel) DO UPDATE SET cursor = excluded.cursor",
                (channel_key(channel), cursor),
            )

    # outbox -------------------------------------------------------------------------------

    def enqueue(self, message: OutboundMessage) -> OutboundMessage:
        with self.transaction():
            row = self._one(
                "SELECT data FROM outbox WHERE idempotency_key = ?", (message.idempotency_key,)
            )
            if row is not None:
                stored: OutboundMessage = self._load(OutboundMessage, row[0], "message")
                return stored
            if self._one("SELECT 1 FROM outbox WHERE id = ?", (message.id,)) is not None:
                raise StoreError(f"message id {message.id!r} is taken by another reply")
            self._run(
                "INSERT INTO outbox (id, idempotency_key, channel, state, data) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    message.id,
                    message.idempotency_key,
                    channel_key(message.channel),
                    message.state.value,
                    to_json(message),
                ),
            )
            return message

    def update_message(self, message: OutboundMessage) -> None:
        with self.transaction():
            owner = self._one(
                "SELECT id FROM outbox WHERE idempotency_key = ?", (message.idempotency_key,)
            )
            if owner is not None and owner[0] != message.id:
                raise StoreError(f"message {message.id!r}: its new text duplicates {owner[0]!r}")
            cur = self._run(
                "UPDATE outbox SET idempotency_key = ?, state = ?, data = ? WHERE id = ?",
                (message.idempotency_key, message.state.value, to_json(message), message.id),
            )
            if cur.rowcount != 1:
                raise StoreError(f"no message {message.id!r} in the outbox")

    def get_message(self, message_id: str) -> OutboundMessage | None:
        row = self._one("SELECT data FROM outbox WHERE id = ?", (message_id,))
        return None if row is None else self._load(OutboundMessage, row[0], "message")

    def messages(
        self, *, channel: ChannelRef | None = None, state: MessageState | None = None
    ) -> list[OutboundMessage]:
        clauses, params = [], []
        if channel is not None:
            clauses.append("channel = ?")
            params.append(channel_key(channel))
        if state is not None:
            clauses.append("state = ?")
            params.append(state.value)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        rows = self._run(f"SELECT data FROM outbox{where} ORDER BY {self._order}", params)  # noqa: S608
        rows = rows.fetchall()
        return [self._load(OutboundMessage, r[0], "message") for r in rows]

    # dead letters -------------------------------------------------------------------------

    def add_dead_letter(self, *, source: str, raw: bytes, error: str, at: datetime) -> int:
        with self.transaction():
            row = self._one(
                "INSERT INTO dead_letters (source, raw, error, at) VALUES (?, ?, ?, ?) "
                "RETURNING id",
                (source, bytes(raw), error, iso(at)),
            )
            return int(row[0])

    def dead_letters(self) -> list[DeadLetter]:
        rows = self._run("SELECT id, source, raw, error, at FROM dead_letters ORDER BY id")
        return [
            DeadLetter(
                id=int(i),
                source=s,
                raw=bytes(r),
                error=e,
                at=datetime.fromisoformat(a.replace("Z", "+00:00")),
            )
            for i, s, r, e, a in rows.fetchall()
        ]

    # sharing ------------------------------------------------------------------------------

    def acquire_lease(self, name: str, owner: str, *, now: datetime, ttl: timedelta) -> bool:
        with self.transaction():
            cur = self._run(
                "INSERT INTO leases (name, owner, expires) VALUES (?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, "
                "expires = excluded.expires "
                "WHERE leases.owner = excluded.owner OR leases.expires <= ?",
                (name, owner, iso(now + ttl), iso(now)),
            )
            return bool(cur.rowcount == 1)

    def release_lease(self, name: str, owner: str) -> None:
        with self.transaction():
            self._run("DELETE FROM leases WHERE name = ? AND owner = ?", (name, owner))

    def _lock_agent(self, agent_id: str) -> None:
        """Serialize capacity changes of one agent (a no-op where writes are serial)."""
        del agent_id

    def reserve(self, case_id: str, agent_id: str, kind: WorkKind, *, limit: int) -> bool:
        with self._single():  # the agent's lock (where there is one), then one statement
            self._lock_agent(agent_id)
            cur = self._run(
                "INSERT INTO reservations (case_id, agent_id, kind) SELECT ?, ?, ? "
                "WHERE (SELECT COUNT(*) FROM reservations WHERE agent_id = ? AND kind = ?) < ? "
                "ON CONFLICT (case_id) DO NOTHING",
                (case_id, agent_id, kind.value, agent_id, kind.value, limit),
            )
            return bool(cur.rowcount == 1)

    def release(self, case_id: str) -> None:
        with self._single():
            self._run("DELETE FROM reservations WHERE case_id = ?", (case_id,))

    def reservations(self, agent_id: str | None = None) -> list[Reservation]:
        if agent_id is None:
            rows = self._run("SELECT case_id, agent_id, kind FROM reservations ORDER BY case_id")
        else:
            rows = self._run(
                "SELECT case_id, agent_id, kind FROM reservations WHERE agent_id = ? "
                "ORDER BY case_id",
                (agent_id,),
            )
        return [Reservation(case_id=c, agent_id=a, kind=WorkKind(k)) for c, a, k in rows.fetchall()]
