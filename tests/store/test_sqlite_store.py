"""SQLiteStore passes the store contract, survives reopening, and refuses bad files."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from socialcx.errors import StoreError
from socialcx.model import MentionKey
from socialcx.store import SCHEMA_VERSION, SQLiteStore
from socialcx.testing.store_contract import CHANNEL, StoreContract, sample_case, sample_mention


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
