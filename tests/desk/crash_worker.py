"""A worker that may kill itself (SIGKILL) at a chosen point, for the crash-safety tests.

Usage: python crash_worker.py DB NETWORK_DIR [DIE_AT]

It runs an outpost over a desk on SQLite (or PostgreSQL when DB starts with
``postgresql://``) against a "network" kept in files, so that what was posted
survives the kill like a real network would: customers' posts come from a
fixed script, and every reply the brand sends is appended to ``sent.jsonl``.
The network has no idempotency, so the outpost must look before it sends
again. An agent answers every new case at once (a subscriber enqueues an
approved reply in the same transaction). With ``DIE_AT`` = k, the process
kills itself at the k-th crash point: inside an ingest transaction, right
after the network accepted a reply (before the desk heard of it), or right
after a reply was recorded.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from socialcx.desk import Desk, Notice, NoticeKind
from socialcx.model import (
    Agent,
    Capacity,
    ChannelRef,
    MessageState,
    OutboundMessage,
    Visibility,
)
from socialcx.runtime import Outpost
from socialcx.store import PostgresStore, SQLiteStore
from socialcx.testing import FakeClock
from tests.runtime.file_network import FileNetwork

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CHANNEL = ChannelRef(platform="files", account="brand")
POSTS = 48


class Crash:
    """Counts crash points; kills the process at the chosen one."""

    def __init__(self, die_at: int | None) -> None:
        self.die_at = die_at
        self.seen = 0

    def point(self) -> None:
        self.seen += 1
        if self.die_at is not None and self.seen >= self.die_at:
            os.kill(os.getpid(), signal.SIGKILL)


def main() -> int:
    db, folder = sys.argv[1], Path(sys.argv[2])
    crash = Crash(int(sys.argv[3]) if len(sys.argv) > 3 else None)
    if db.startswith("postgresql"):
        store: SQLiteStore | PostgresStore = PostgresStore(db, schema=os.environ["CRASH_SCHEMA"])
    else:
        store = SQLiteStore(db)
    desk = Desk(store=store)
    if not store.agents():
        for name in ("ana", "ben", "cy"):
            desk.agents.add(
                Agent(
                    id=name,
                    languages={"en"},
                    certifications={"social"},
                    capacity=Capacity(public=50, private=5),
                ),
                now=T0,
            )

    def answer(notice: Notice) -> None:
        if notice.kind is NoticeKind.CASE_OPENED and notice.case_id is not None:
            first = desk.case(notice.case_id).mentions[0].native_id
            store.enqueue(
                OutboundMessage(
                    id=f"r-{notice.case_id}",
                    case_id=notice.case_id,
                    channel=CHANNEL,
                    visibility=Visibility.PUBLIC,
                    text=f"Sorry to hear that - we are on it ({first})",
                    created_at=notice.at,
                    in_reply_to=first,
                    agent="ana",
                    state=MessageState.APPROVED,
                )
            )
            crash.point()  # inside the ingest transaction
        elif notice.kind is NoticeKind.REPLY_SENT:
            crash.point()  # recorded

    desk.subscribe(answer)
    clock = FakeClock(T0 + timedelta(hours=1))

    async def sleep(seconds: float) -> None:
        clock.advance(timedelta(seconds=seconds))

    network = FileNetwork(
        account="brand",
        folder=str(folder),
        posts=POSTS,
        customers=20,
        reply_every=3,
        on_sent=crash.point,
    )

    async def run() -> None:
        outpost = Outpost(desk, channels=[network], clock=clock, sleep=sleep)  # type: ignore[list-item]

        def done() -> bool:
            return desk.cursor(CHANNEL) == str(POSTS) and not desk.due_messages(
                CHANNEL, now=clock.now()
            )

        await outpost.run(until=done, max_cycles=200)

    asyncio.run(run())
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
