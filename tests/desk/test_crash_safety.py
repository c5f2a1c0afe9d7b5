"""Kill a worker with SIGKILL at random points while it ingests and sends; restart it.

After every crash-and-restart sequence the store and the network must look
exactly as after a run that never crashed: every mention stored once, every
case once, every reply sent once.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from socialcx.store import PostgresStore, SQLiteStore

WORKER = Path(__file__).with_name("crash_worker.py")
ROOT = Path(__file__).resolve().parents[2]


def run_worker(db: str, folder: Path, die_at: int | None, schema: str = "") -> int:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CRASH_SCHEMA": schema}
    args = [sys.executable, str(WORKER), db, str(folder)]
    if die_at is not None:
        args.append(str(die_at))
    done = subprocess.run(args, env=env, capture_output=True, timeout=120, check=False)
    if done.returncode not in (0, -signal.SIGKILL):
        raise AssertionError(done.stderr.decode()[-3000:])
    return done.returncode


def crash_until_done(db: str, folder: Path, seed: int, schema: str = "") -> int:
    """Kill the worker at random crash points until a run completes; returns the kills."""
    rng = random.Random(seed)
    kills = 0
    for _ in range(40):
        code = run_worker(db, folder, rng.randint(1, 40), schema)
        if code == 0:
            return kills
        kills += 1
    return kills if run_worker(db, folder, None, schema) == 0 else -1


def snapshot(store: SQLiteStore | PostgresStore, folder: Path) -> dict[str, object]:
    sent = [json.loads(line) for line in (folder / "sent.jsonl").read_text().splitlines()]
    cases = sorted(
        (c.id, tuple(k.native_id for k in c.mentions), c.state.value) for c in store.cases()
    )
    replies = sorted((m.id, m.state.value) for m in store.messages())
    return {
        "mentions": store.count_mentions(),
        "cases": cases,
        "replies": replies,
        "sent_keys": sorted(row["key"] for row in sent),
        "sent_count": len(sent),
    }


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("clean")
    db = str(folder / "cases.db")
    assert run_worker(db, folder, None) == 0
    store = SQLiteStore(db)
    shot = snapshot(store, folder)
    store.close()
    return shot


def test_the_clean_run_did_the_whole_job(clean: dict[str, object]) -> None:
    assert clean["mentions"] == 48
    assert len(clean["cases"]) >= 20  # type: ignore[arg-type]
    assert clean["sent_count"] == len(clean["cases"])  # type: ignore[arg-type]
    assert all(state == "sent" for _, state in clean["replies"])  # type: ignore[attr-defined]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sqlite_worker_killed_at_random_points_loses_and_doubles_nothing(
    tmp_path: Path, seed: int, clean: dict[str, object]
) -> None:
    db = str(tmp_path / "cases.db")
    kills = crash_until_done(db, tmp_path, seed)
    assert kills > 0, "the worker was never killed: the test would prove nothing"
    store = SQLiteStore(db)
    shot = snapshot(store, tmp_path)
    store.close()
    assert shot == clean
    keys = shot["sent_keys"]
    assert len(keys) == len(set(keys))  # type: ignore[arg-type]


DSN = os.environ.get("SOCIALCX_TEST_POSTGRES_DSN")


@pytest.mark.postgres
@pytest.mark.skipif(not DSN, reason="set SOCIALCX_TEST_POSTGRES_DSN to a PostgreSQL server")
def test_postgres_worker_killed_at_random_points_loses_and_doubles_nothing(
    tmp_path: Path, clean: dict[str, object]
) -> None:
    assert DSN is not None
    schema = f"crash_{uuid.uuid4().hex[:10]}"
    kills = crash_until_done(DSN, tmp_path, 7, schema)
    assert kills > 0
    store = PostgresStore(DSN, schema=schema)
    try:
        assert snapshot(store, tmp_path) == clean
    finally:
        store.drop_everything()
        store.close()
