"""``socialcx run`` stopped with SIGTERM mid-stream and restarted: every mention and reply once."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from socialcx.demo import issue_of
from socialcx.desk import Desk
from socialcx.model import MessageState
from socialcx.store import SQLiteStore
from tests.runtime.file_network import FileNetwork

ROOT = Path(__file__).resolve().parents[2]
POSTS = 40
CONFIG = """
store = "sqlite:cases.db"

[runtime]
poll_interval = "1s"

[[channels]]
name = "files"
type = "tests.runtime.file_network:FileNetwork"
account = "brand"

[channels.options]
folder = "{folder}"
posts = {posts}
page = 5
stop_after_fetches = {fetches}
stop_after_sends = {sends}

[[agents]]
id = "ana"
languages = ["en"]
certifications = ["social"]
capacity = {{ public = 100, private = 5 }}
"""


def run(folder: Path, *, fetches: int = 0, sends: int = 0) -> subprocess.CompletedProcess[str]:
    config = folder / "socialcx.toml"
    config.write_text(CONFIG.format(folder=folder, posts=POSTS, fetches=fetches, sends=sends))
    done = subprocess.run(
        [sys.executable, "-m", "socialcx", "run", "--config", str(config), "--until-idle"],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def answer_every_open_case(folder: Path) -> int:
    """What the agents do between runs: reply once to every case not yet answered."""
    store = SQLiteStore(folder / "cases.db")
    desk = Desk(store=store)
    now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    replied = {m.case_id for m in store.messages()}
    count = 0
    for case in desk.cases(open_only=True):
        if case.id not in replied:
            first = store.get_mention(case.mentions[0])
            assert first is not None
            text = f"Sorry to hear that: {issue_of(first.text)}. Could you DM us the details?"
            message, _ = desk.reply(case.id, agent="ana", text=text, now=now)
            if message.state is MessageState.PENDING_APPROVAL:
                desk.approve(message.id, by="lead", now=now)
            count += 1
    store.close()
    return count


def test_sigterm_mid_stream_then_restart_counts_everything_once(tmp_path: Path) -> None:
    first = run(tmp_path, fetches=3)  # stopped by SIGTERM while reading the third page
    assert "stopped" in first.stdout
    store = SQLiteStore(tmp_path / "cases.db")
    partial = store.count_mentions()
    store.close()
    assert 0 < partial < POSTS

    queued = answer_every_open_case(tmp_path)
    run(tmp_path, sends=2)  # stopped by SIGTERM right after the network took a reply
    run(tmp_path)  # the rest, until idle
    queued += answer_every_open_case(tmp_path)
    run(tmp_path)

    store = SQLiteStore(tmp_path / "cases.db")
    try:
        assert store.count_mentions() == POSTS
        cases = list(store.cases())
        keys = [k for c in cases for k in c.mentions]
        assert len(keys) == len(set(keys)) == POSTS  # every mention in exactly one case
        sent = FileNetwork(account="brand", folder=str(tmp_path)).sent()
        sent_keys = [row["key"] for row in sent]
        assert len(sent_keys) == len(set(sent_keys)) == queued  # every reply exactly once
        messages = store.messages()
        assert {m.state.value for m in messages} == {"sent"}
        assert all(c.first_response_at is not None for c in cases)
    finally:
        store.close()
