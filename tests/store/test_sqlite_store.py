"""SQLiteStore passes the store contract, survives reopening, and refuses bad files."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from socialcx import to_json
from socialcx.errors import StoreError
from socialcx.model import MentionKey
from socialcx.store import SCHEMA_VERSION, SQLiteStore
from socialcx.store._sql import MIGRATIONS, iso
from socialcx.testing.store_contract import (
    CHANNEL,
    T0,
    StoreContract,
    sample_case,
    sample_incident,
    sample_mention,
)


class TestSQLiteStore(StoreContract):
    @pytest.fixture
    def store(self, tmp_path: Path) -> Iterator[SQLiteStore]:
        s = SQLiteStore(tmp_path / "cases.db")
        yield s
        s.close()


def test_everything_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "cases.db"
    store = SQLiteStore(path)
    store.add_mention(sample_mention(), case_id="case-1")
    store.save_case(sample_case(), expected_events=0)
    store.set_cursor(CHANNEL, "c7")
    store.close()
    again = SQLiteStore(path)
    assert again.get_mention(MentionKey(platform="x", native_id="m1")) == sample_mention()
    assert again.get_case("case-1") == sample_case()
    assert again.get_cursor(CHANNEL) == "c7"
    again.close()


def test_the_file_is_in_wal_mode_with_the_schema_version(tmp_path: Path) -> None:
    path = tmp_path / "cases.db"
    SQLiteStore(path).close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    db.close()


def test_a_version_1_file_is_upgraded_and_keeps_its_incidents_cases(tmp_path: Path) -> None:
    """Version 1 kept an incident's case ids in its JSON; they are read, then moved."""
    path = tmp_path / "cases.db"
    db = sqlite3.connect(path)
    for statement in MIGRATIONS[0]:
        db.execute(statement.format(serial="INTEGER", blob="BLOB"))
    incident = sample_incident(case_ids={"case-1", "case-2"})
    db.execute(
        "INSERT INTO incidents (id, first_seen, data) VALUES (?, ?, ?)",
        (incident.id, iso(incident.first_seen), to_json(incident)),
    )
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    store = SQLiteStore(path)
    assert store.incidents() == [incident]
    grown = incident.record(MentionKey(platform="x", native_id="m3"), at=T0, case_id="case-3")
    store.save_incident(grown)
    store.close()
    again = SQLiteStore(path)
    assert again.incidents() == [grown]
    again.close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    rows = db.execute("SELECT case_id FROM incident_cases ORDER BY case_id").fetchall()
    assert rows == [("case-1",), ("case-2",), ("case-3",)]
    db.close()


def test_a_newer_file_is_refused_not_reset(tmp_path: Path) -> None:
    path = tmp_path / "cases.db"
    SQLiteStore(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(StoreError, match="newer"):
        SQLiteStore(path)
    db = sqlite3.connect(path)
    assert db.execute("SELECT COUNT(*) FROM mentions").fetchone()[0] == 0  # still there
    db.close()


def test_a_corrupt_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "cases.db"
    path.write_bytes(b"this is not a database at all" * 200)
    with pytest.raises(StoreError, match="not a usable socialcx database"):
        SQLiteStore(path)


def test_someone_elses_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE invoices (id INTEGER)")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="not a socialcx one"):
        SQLiteStore(path)


def test_an_unknown_synchronous_mode_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="synchronous"):
        SQLiteStore(tmp_path / "x.db", synchronous="sometimes")
