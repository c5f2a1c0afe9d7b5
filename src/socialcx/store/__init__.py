"""Stores: where the desk keeps mentions, cases, incidents, agents, cursors and the outbox.

:class:`MemoryStore` for tests and replays, :class:`SQLiteStore` (the default,
one file) and :class:`PostgresStore` (many workers, ``socialcx[postgres]``).
All three pass the same behaviour suite, :mod:`socialcx.testing.store_contract`.
"""

from socialcx.store._memory import MemoryStore
from socialcx.store._postgres import PostgresStore
from socialcx.store._protocol import DeadLetter, Reservation, Store
from socialcx.store._sql import SCHEMA_VERSION
from socialcx.store._sqlite import SQLiteStore

__all__ = [
    "SCHEMA_VERSION",
    "DeadLetter",
    "MemoryStore",
    "PostgresStore",
    "Reservation",
    "SQLiteStore",
    "Store",
    "open_store",
]


def open_store(spec: str) -> Store:
    """A store from its configuration string.

    ``"sqlite:PATH"`` (or a path ending in ``.db``), ``"memory:"``, or a
    ``postgresql://`` DSN.

    Raises:
        StoreError: the string names no kind of store.
    """
    from socialcx.errors import StoreError

    if spec == "memory:":
        return MemoryStore()
    if spec.startswith("sqlite:"):
        return SQLiteStore(spec.removeprefix("sqlite:"))
    if spec.startswith(("postgresql://", "postgres://")):
        return PostgresStore(spec)
    if spec.endswith((".db", ".sqlite", ".sqlite3")):
        return SQLiteStore(spec)
    raise StoreError(
        f"store: {spec.split('://')[0]!r} is not a store; use sqlite:PATH, memory: "
        "or a postgresql:// DSN"
    )
