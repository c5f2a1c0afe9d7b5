"""Two worker processes share one PostgreSQL store: nothing assigned twice, nobody over capacity."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from socialcx.model import WorkKind
from socialcx.store import PostgresStore

DSN = os.environ.get("SOCIALCX_TEST_POSTGRES_DSN")
WORKER = Path(__file__).with_name("pg_worker.py")
ROOT = Path(__file__).resolve().parents[2]
AGENTS = {"ana": 2, "ben": 3, "cy": 1}

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not DSN, reason="set SOCIALCX_TEST_POSTGRES_DSN to a PostgreSQL server"),
]


def test_two_workers_never_assign_a_case_twice_or_overfill_an_agent() -> None:
    assert DSN is not None
    schema = f"workers_{uuid.uuid4().hex[:10]}"
    setup = PostgresStore(DSN, schema=schema)  # create the schema once, before the race
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    ranges = [("w1", 0, 160), ("w2", 80, 240)]  # overlapping: they race on posts 80-159
    workers = [
        subprocess.Popen(
            [sys.executable, str(WORKER), DSN, schema, name, str(a), str(b)],
            env=env,
            stderr=subprocess.PIPE,
        )
        for name, a, b in ranges
    ]
    for worker in workers:
        _, err = worker.communicate(timeout=180)
        assert worker.returncode == 0, err.decode()[-3000:]
    try:
        assert setup.count_mentions() == 240
        cases = list(setup.cases())
        firsts = [c.mentions[0] for c in cases]
        assert len(firsts) == len(set(firsts))  # no mention opened two cases
        every = [k for c in cases for k in c.mentions]
        assert len(every) == len(set(every)) == 240  # every mention in exactly one case
        held = setup.reservations()
        assert len({r.case_id for r in held}) == len(held)
        for agent_id, limit in AGENTS.items():
            mine = [r for r in held if r.agent_id == agent_id and r.kind is WorkKind.PUBLIC]
            assert len(mine) <= limit
            owned = [c for c in cases if c.is_open and c.assignee == agent_id]
            assert {c.id for c in owned} == {r.case_id for r in mine}
        assert any(c.assignee for c in cases)  # work was actually assigned
    finally:
        setup.drop_everything()
        setup.close()
