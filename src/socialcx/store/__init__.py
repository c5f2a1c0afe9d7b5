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
]
