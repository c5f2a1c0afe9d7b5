"""One of several workers sharing a PostgreSQL store (for the many-workers test).

Usage: python pg_worker.py DSN SCHEMA WORKER_NAME FIRST LAST

Ingests posts FIRST..LAST-1 of a shared script (the workers' ranges overlap,
so they race on the same mentions and the same cases), resolving every third
case it owns to free capacity, and ticking so retries happen.
"""

from __future__ import annotations

import contextlib
import sys
from datetime import UTC, datetime, timedelta

from socialcx.desk import Desk
from socialcx.errors import ConcurrentUpdate
from socialcx.model import Agent, Author, Capacity, ChannelRef, Mention, Visibility
from socialcx.store import PostgresStore

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CHANNEL = ChannelRef(platform="acme", account="brand")
AGENTS = {"ana": 2, "ben": 3, "cy": 1}


def post(n: int) -> Mention:
    return Mention(
        channel=CHANNEL,
        native_id=f"p{n}",
        author=Author(platform="acme", native_id=f"c{n}", handle=f"cust{n}"),
        text="@brand my parcel is lost and nobody answers, terrible",
        created_at=T0 + timedelta(seconds=n),
        visibility=Visibility.PUBLIC,
        in_reply_to=f"p{n - 37}" if n >= 37 and n % 4 == 0 else None,
    )


def main() -> int:
    dsn, schema, name, first, last = sys.argv[1:6]
    store = PostgresStore(dsn, schema=schema)
    desk = Desk(store=store, worker=name)
    for agent_id, public in AGENTS.items():
        desk.agents.add(
            Agent(id=agent_id, languages={"en"}, certifications={"social"},
                  capacity=Capacity(public=public, private=1)),
            now=T0,
        )  # fmt: skip
    for n in range(int(first), int(last)):
        now = T0 + timedelta(seconds=n)
        outcome = desk.ingest(post(n), now=now)
        if n % 3 == 0 and outcome.case is not None:
            case = store.get_case(outcome.case.id)
            if case is not None and case.assignee is not None and case.is_open:
                # The other worker may change the case meanwhile; then it stays open.
                with contextlib.suppress(ConcurrentUpdate):
                    desk.resolve(case.id, now=now)
        if n % 10 == 0:
            desk.tick(now=now)
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
