"""SQLiteStore: the default store, one file, WAL, versioned migrations."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from socialcx.errors import StoreError
from socialcx.store._sql import MIGRATIONS, SCHEMA_VERSION, SQLStore


class SQLiteStore(SQLStore):
    """A :class:`Store` in one SQLite file (``":memory:"`` for a throwaway one).

    The file is opened in WAL mode, so readers (a report) never block the
    writer. The schema version lives in ``PRAGMA user_version``; an older file
    is migrated on open, a newer one is refused rather than silently reset,
    and a file that is not a database is a clear :class:`StoreError`.

    Writes outside ``with store.transaction():`` commit one by one; batch them
    in a transaction for speed (the desk's ``ingest_many`` does).

    Args:
        path: The database file; created if missing.
        synchronous: SQLite's ``synchronous`` pragma: ``"NORMAL"`` (the default
            with WAL: durable across a process crash, may lose the last commits
            on power loss) or ``"FULL"``.
    """

    _order = "rowid"

    def __init__(
        self, path: str | os.PathLike[str] = "socialcx.db", *, synchronous: str = "NORMAL"
    ):
        if synchronous.upper() not in {"OFF", "NORMAL", "FULL", "EXTRA"}:
            raise StoreError(f"SQLiteStore.synchronous: unknown mode {synchronous!r}")
        self.path = str(path)
        self._depth = 0
        self._incident_cases: dict[str, frozenset[str]] = {}
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA busy_timeout = 10000")
            if self.path != ":memory:":
                self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute(f"PRAGMA synchronous = {synchronous.upper()}")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            with contextlib.suppress(Exception):
                self._db.close()
            raise StoreError(f"{self.path}: not a usable socialcx database ({exc})") from exc

    def __repr__(self) -> str:
        return f"SQLiteStore({self.path!r})"

    def _migrate(self) -> None:
        version = int(self._db.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            self._db.close()
            raise StoreError(
                f"{self.path}: schema version {version} is newer than this socialcx "
                f"understands ({SCHEMA_VERSION}); upgrade socialcx"
            )
        if version == 0:
            tables = self._db.execute(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'"
            ).fetchone()[0]
            if tables:
                self._db.close()
                raise StoreError(f"{self.path}: a database, but not a socialcx one")
        for target in range(version, SCHEMA_VERSION):
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for statement in MIGRATIONS[target]:
                    self._db.execute(statement.format(serial="INTEGER", blob="BLOB"))
                self._db.execute(f"PRAGMA user_version = {target + 1}")
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        try:
            return self._db.execute(sql, params)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: {exc}") from exc

    def _run_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        try:
            self._db.executemany(sql, rows)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: {exc}") from exc

    def _single(self) -> contextlib.AbstractContextManager[None]:
        # A failed statement undoes only itself; outside a transaction it commits alone.
        return contextlib.nullcontext()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        if self._depth:
            name = f"sp{self._depth}"
            self._depth += 1
            self._db.execute(f"SAVEPOINT {name}")
            try:
                yield
            except BaseException:
                self._forget_written()
                self._db.execute(f"ROLLBACK TO {name}")
                self._db.execute(f"RELEASE {name}")
                raise
            else:
                self._db.execute(f"RELEASE {name}")
            finally:
                self._depth -= 1
            return
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: {exc}") from exc
        self._depth = 1
        try:
            yield
        except BaseException:
            self._depth = 0
            self._forget_written()
            self._db.execute("ROLLBACK")
            raise
        self._depth = 0
        try:
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            self._forget_written()
            raise StoreError(f"{self.path}: {exc}") from exc

    def close(self) -> None:
        self._db.close()

    @classmethod
    def file(cls, path: str | os.PathLike[str]) -> SQLiteStore:
        """Open ``path``, creating its folder if needed."""
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return cls(path)
