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
import json
import os
import signal
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from socialcx.channels import Delivery, Page
from socialcx.desk import Desk, Notice, NoticeKind
from socialcx.model import (
    Agent,
    Author,
    Capacity,
    ChannelCapabilities,
    ChannelRef,
    Mention,
    MessageState,
    OutboundMessage,
    Visibility,
)
from socialcx.runtime import Outpost
from socialcx.store import PostgresStore, SQLiteStore
from socialcx.testing import FakeClock

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CHANNEL = ChannelRef(platform="acme", account="brand")
POSTS = 48
TEXTS = (
    "@brand my parcel is lost and nobody answers, terrible",
    "@brand still waiting for my refund, charged twice",
    "@brand the app keeps crashing when I pay, so annoying",
    "@brand why is my order three days late?",
)


def script() -> list[Mention]:
    """The customers' side of the day: some start threads, some answer their own."""
    posts = []
    for n in range(POSTS):
        customer = n % 20
        parent = f"p{n - 20}" if n >= 20 and n % 3 == 0 else None
        posts.append(
            Mention(
                channel=CHANNEL,
                native_id=f"p{n}",
                author=Author(platform="acme", native_id=f"c{customer}", handle=f"cust{customer}"),
                text=TEXTS[n % len(TEXTS)],
                created_at=T0 + timedelta(minutes=n),
                visibility=Visibility.PUBLIC,
                in_reply_to=parent,
                raw={"id": f"p{n}"},
            )
        )
    return posts


class Crash:
    """Counts crash points; kills the process at the chosen one."""

    def __init__(self, die_at: int | None) -> None:
        self.die_at = die_at
        self.seen = 0

    def point(self) -> None:
        self.seen += 1
        if self.die_at is not None and self.seen >= self.die_at:
            os.kill(os.getpid(), signal.SIGKILL)


class FileNetwork:
    """A network without idempotency whose state lives in files."""

    capabilities = ChannelCapabilities(public_reply=True, private_message=False, max_length=500)

    def __init__(self, folder: Path, crash: Crash) -> None:
        self.folder = folder
        self.crash = crash
        self.posts = script()
        self.sent_log = folder / "sent.jsonl"

    @property
    def ref(self) -> ChannelRef:
        return CHANNEL

    @property
    def health(self) -> object:
        from socialcx.channels import ChannelHealth

        return ChannelHealth.HEALTHY

    async def fetch(self, cursor: str | None) -> Page:
        start = int(cursor or 0)
        chunk = self.posts[start : start + 5]
        end = start + len(chunk)
        return Page(mentions=tuple(chunk), next_cursor=str(end), has_more=end < len(self.posts))

    def _sent(self) -> list[dict[str, str]]:
        if not self.sent_log.exists():
            return []
        return [json.loads(line) for line in self.sent_log.read_text().splitlines() if line]

    async def send(self, message: OutboundMessage) -> Delivery:
        native_id = f"s{len(self._sent())}"
        with self.sent_log.open("a") as f:
            f.write(json.dumps({"key": message.idempotency_key, "id": native_id}) + "\n")
            f.flush()
            os.fsync(f.fileno())
        self.crash.point()  # the network has it; the desk does not know yet
        return Delivery(native_id=native_id, url=None)

    async def find_sent(self, message: OutboundMessage) -> Delivery | None:
        for row in self._sent():
            if row["key"] == message.idempotency_key:
                return Delivery(native_id=row["id"], url=None, replayed=True)
        return None

    async def close(self) -> None:
        return None

    async def __aenter__(self) -> FileNetwork:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None


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

    network = FileNetwork(folder, crash)

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
