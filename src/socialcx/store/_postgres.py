"""PostgresStore: one database shared by many workers (psycopg 3, pooled).

Needs the ``postgres`` extra (``pip install 'socialcx[postgres]'``).

What makes many workers safe:

- mentions are unique on (platform, native id): two workers that both
  receive a mention store it once, and only the one whose insert won
  processes it;
- case events are appended under the case's event count: a worker that read
  an old version gets :class:`ConcurrentUpdate` instead of overwriting;
- capacity reservations lock the agent's row (``SELECT … FOR UPDATE``) inside
  the transaction, so two workers cannot both take an agent's last slot;
- one poller per channel holds a lease, an advisory lock
  (``pg_try_advisory_lock``) on its own pooled connection;
- outbox claims skip rows another worker has locked (``FOR UPDATE SKIP LOCKED``).
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from socialcx.errors import ConcurrentUpdate, StoreError
from socialcx.model import ChannelRef, MessageState, OutboundMessage
from socialcx.store._sql import MIGRATIONS, SCHEMA_VERSION, SQLStore, channel_key


def _require_psycopg() -> Any:
    try:
        import psycopg
        import psycopg_pool
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise StoreError(
            "PostgresStore needs psycopg 3 and psycopg-pool: pip install 'socialcx[postgres]'"
        ) from exc
    return psycopg, psycopg_pool


def _redact(dsn: str) -> str:
    """A DSN without its password, for messages."""
    import re

    dsn = re.sub(r"(://[^:/@]*):[^@]*@", r"\1:***@", dsn)
    return re.sub(r"(password\s*=\s*)\S+", r"\1***", dsn)


def _lock_key(name: str) -> int:
    return int.from_bytes(
        hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True
    )


class PostgresStore(SQLStore):
    """A :class:`Store` in PostgreSQL, safe for many worker processes.

    Args:
        dsn: A libpq connection string or URL; its password never appears in
            errors or reprs.
        schema: The schema (namespace) to keep the tables in; created if missing.
        min_size, max_size: Pool bounds.
        timeout: Seconds to wait for a connection.
    """

    _placeholder = "%s"
    _order = "seq"

    def __init__(
        self,
        dsn: str,
        *,
        schema: str = "socialcx",
        min_size: int = 1,
        max_size: int = 4,
        timeout: float = 10.0,
    ) -> None:
        psycopg, psycopg_pool = _require_psycopg()
        if not schema.isidentifier():
            raise StoreError(f"PostgresStore.schema: {schema!r} is not a plain identifier")
        self._psycopg = psycopg
        self._safe_dsn = _redact(dsn)
        self.schema = schema
        self._local = threading.local()
        self._leases: dict[str, Any] = {}
        try:
            self._pool = psycopg_pool.ConnectionPool(
                dsn,
                min_size=min_size,
                max_size=max_size,
                kwargs={"autocommit": True, "options": f"-c search_path={schema}"},
                open=True,
                timeout=timeout,
            )
            self._migrate()
        except StoreError:
            self._pool.close()
            raise
        except Exception as exc:
            with contextlib.suppress(Exception):
                self._pool.close()
            raise StoreError(
                f"PostgreSQL at {self._safe_dsn}: cannot connect ({type(exc).__name__})"
            ) from None

    def __repr__(self) -> str:
        return f"PostgresStore({self._safe_dsn!r}, schema={self.schema!r})"

    # connections and transactions ---------------------------------------------------------

    def _migrate(self) -> None:
        with self._pool.connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_lock_key("socialcx-migrate"),))
            conn.execute(f"CREATE SCHEMA IF NOT EXISTS {self.schema}")
            conn.execute(f"SET LOCAL search_path = {self.schema}")
            conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = conn.execute("SELECT version FROM schema_version").fetchone()
            version = 0 if row is None else int(row[0])
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"schema {self.schema!r} is at version {version}, newer than this socialcx "
                    f"understands ({SCHEMA_VERSION}); upgrade socialcx"
                )
            for target in range(version, SCHEMA_VERSION):
                for statement in MIGRATIONS[target]:
                    conn.execute(statement.format(serial="BIGSERIAL", blob="BYTEA"))
            if row is None:
                conn.execute("INSERT INTO schema_version VALUES (%s)", (SCHEMA_VERSION,))
            else:
                conn.execute("UPDATE schema_version SET version = %s", (SCHEMA_VERSION,))

    @property
    def _conn(self) -> Any:
        return getattr(self._local, "conn", None)

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        """PostgreSQL's errors as the store's."""
        try:
            yield
        except (self._psycopg.errors.DeadlockDetected, self._psycopg.errors.SerializationFailure):
            # Another worker's transaction won: the caller reads again and retries.
            raise ConcurrentUpdate("PostgreSQL: conflicting transaction", key="") from None
        except self._psycopg.Error as exc:
            raise StoreError(f"PostgreSQL: {type(exc).__name__}: {exc}") from exc

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        conn = self._conn
        with self._errors():
            if conn is not None:
                return conn.execute(sql, params)
            with self._pool.connection() as fresh:
                cur = fresh.execute(sql, params)
                # Materialize results before the connection goes back to the pool.
                rows = cur.fetchall() if cur.description is not None else []
                return _Result(rows, cur.rowcount)

    def _run_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """All rows in one go (psycopg pipelines them): one round trip, not one per row."""
        if not rows:
            return
        sql = self._q(sql)
        conn = self._conn
        with self._errors():
            if conn is not None:
                with conn.cursor() as cur:
                    cur.executemany(sql, rows)
                return
            with self._pool.connection() as fresh, fresh.cursor() as cur:
                cur.executemany(sql, rows)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        if self._conn is not None:
            try:
                with self._conn.transaction():  # a savepoint: a failing inner block undoes itself
                    yield
            except BaseException:
                self._forget_written()
                raise
            return
        with self._pool.connection() as conn:
            self._local.conn = conn
            try:
                with conn.transaction():
                    yield
            except BaseException as exc:
                self._forget_written()
                if isinstance(exc, self._psycopg.Error):
                    raise StoreError(f"PostgreSQL: {type(exc).__name__}: {exc}") from exc
                raise
            finally:
                self._local.conn = None

    def _case_ids_cache(self) -> dict[str, frozenset[str]]:
        cache: dict[str, frozenset[str]] | None = getattr(self._local, "incident_cases", None)
        if cache is None:
            cache = self._local.incident_cases = {}
        return cache

    def _forget_written(self) -> None:
        self._case_ids_cache().clear()

    def close(self) -> None:
        for conn in self._leases.values():
            with contextlib.suppress(Exception):
                self._pool.putconn(conn)
        self._leases.clear()
        self._pool.close()

    def drop_everything(self) -> None:
        """Remove the schema and its tables (for tests and resets)."""
        with self._pool.connection() as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE")

    # what PostgreSQL does differently --------------------------------------------------------

    def _lock_agent(self, agent_id: str) -> None:
        self._run("SELECT pg_advisory_xact_lock(?)", (_lock_key(f"agent:{agent_id}"),))

    def acquire_lease(self, name: str, owner: str, *, now: datetime, ttl: timedelta) -> bool:
        """An advisory lock held on a pooled connection of this process.

        The lock lasts until :meth:`release_lease` or until the process dies
        (PostgreSQL frees it with the session), so a crashed poller's channel is
        taken over at once; ``ttl`` is not needed for that and is ignored.
        """
        if name in self._leases:
            return True
        conn = self._pool.getconn()
        try:
            got = conn.execute("SELECT pg_try_advisory_lock(%s)", (_lock_key(name),)).fetchone()[0]
        except Exception:
            self._pool.putconn(conn)
            raise
        if not got:
            self._pool.putconn(conn)
            return False
        self._leases[name] = conn
        return True

    def release_lease(self, name: str, owner: str) -> None:
        conn = self._leases.pop(name, None)
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.execute("SELECT pg_advisory_unlock(%s)", (_lock_key(name),))
            self._pool.putconn(conn)

    def claim_messages(self, channel: ChannelRef, *, limit: int = 10) -> list[OutboundMessage]:
        """Approved messages of ``channel`` that no other worker holds, locked until commit.

        Call inside :meth:`transaction`; the rows stay claimed until it ends.
        """
        rows = self._run(
            "SELECT data FROM outbox WHERE channel = ? AND state = ? ORDER BY seq "
            "LIMIT ? FOR UPDATE SKIP LOCKED",
            (channel_key(channel), MessageState.APPROVED.value, limit),
        ).fetchall()
        return [self._load(OutboundMessage, r[0], "message") for r in rows]


class _Result:
    """Rows fetched before a pooled connection was returned."""

    def __init__(self, rows: list[Any], rowcount: int) -> None:
        self._rows = rows
        self.rowcount = rowcount

    def fetchone(self) -> Any:
        return self._rows[0] if self._rows else None

    def fetchall(self) -> list[Any]:
        return self._rows
