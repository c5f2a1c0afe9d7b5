"""Whether ingestion slows down as an incident or a conversation grows.

    python benchmarks/growth_bench.py [--mentions 4000] [--json]

Two stress runs, one mention at a time (each its own transaction), on a desk in
memory and on SQLite:

- ``outage``: after a day of ordinary complaints, two thirds of the traffic is
  one broadband outage told in varied words, so a few incidents grow to
  thousands of complaints;
- ``thread``: one customer writes thousands of messages, each a reply to the
  last, so one case grows to thousands of messages.

It prints mentions per second for each quarter of the run. A cost that grows
with the size of the incident or the case shows as falling rates; flat rates
mean every mention costs the same however large its incident or case is.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from desk_bench import team  # the same team (run as benchmarks/growth_bench.py)

from socialcx.desk import Desk
from socialcx.model import Author, ChannelRef, Mention, Visibility
from socialcx.store import MemoryStore, SQLiteStore, Store

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
CHANNEL = ChannelRef(platform="x", account="brand")
GRIPES = (
    "my bill is wrong",
    "refund still missing",
    "cannot log in to the app",
    "delivery late again",
    "charged twice",
)


def _mention(
    native_id: str, customer: str, text: str, at: datetime, parent: str | None = None
) -> Mention:
    return Mention(
        channel=CHANNEL,
        native_id=native_id,
        author=Author(platform="x", native_id=customer, handle=customer),
        text=text,
        created_at=at,
        visibility=Visibility.PUBLIC,
        in_reply_to=parent,
    )


def outage(count: int) -> Iterator[Mention]:
    """A quiet day of complaints, then an outage: two posts in three are about it."""
    for i in range(300):
        at = T0 - timedelta(hours=24) + timedelta(minutes=4 * i)
        yield _mention(f"b{i}", f"u{i}", f"@brand {GRIPES[i % 5]} terrible, order {i}", at)
    rng = random.Random(1)
    for i in range(count):
        if i % 3 == 0:
            text = f"@brand {rng.choice(GRIPES)} order {i}"
        else:
            text = (
                f"@brand {rng.choice(['internet', 'broadband', 'wifi'])} "
                f"{rng.choice(['outage', 'down', 'not working'])} in "
                f"{rng.choice(['Leeds', 'York', 'Hull', 'Bath'])} since "
                f"{rng.choice(['noon', '1pm', 'lunch'])} "
                f"{rng.choice(['!!', 'please fix', 'ugh', ''])}"
            )
        yield _mention(f"o{i}", f"c{i}", text, T0 + timedelta(seconds=2 * i))


def thread(count: int) -> Iterator[Mention]:
    """One customer's conversation: a complaint, then ``count`` replies, each to the last."""
    yield _mention("root", "c0", "@brand my flight was cancelled and nobody helps", T0)
    for i in range(count):
        parent = "root" if i == 0 else f"r{i - 1}"
        at = T0 + timedelta(seconds=i + 1)
        yield _mention(f"r{i}", "c0", f"@brand still waiting, update {i}?", at, parent)


def quarters(store: Store, mentions: list[Mention], timed: int) -> list[float]:
    """Mentions per second over each quarter of the last ``timed`` mentions."""
    desk = Desk(store=store)
    team(desk, now=T0 - timedelta(days=1))
    untimed = len(mentions) - timed
    for m in mentions[:untimed]:
        desk.ingest(m, now=m.created_at)
    rates = []
    size = timed // 4
    for q in range(4):
        chunk = mentions[untimed + q * size : untimed + (q + 1) * size]
        start = time.perf_counter()
        for m in chunk:
            desk.ingest(m, now=m.created_at)
        rates.append(len(chunk) / (time.perf_counter() - start))
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=4000, help="mentions timed per run")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    scenarios: dict[str, Callable[[int], Iterator[Mention]]] = {"outage": outage, "thread": thread}
    result: dict[str, dict[str, list[float]]] = {}
    for name, make in scenarios.items():
        mentions = list(make(args.mentions))
        result[name] = {"memory": quarters(MemoryStore(), mentions, args.mentions)}
        with tempfile.TemporaryDirectory() as folder:
            store = SQLiteStore(Path(folder) / "growth.db")
            result[name]["sqlite"] = quarters(store, mentions, args.mentions)
            store.close()
    if args.json:
        print(json.dumps(result))
        return
    print(f"mentions per second in each quarter of {args.mentions:,} mentions, one at a time")
    for name, stores in result.items():
        for store_name, rates in stores.items():
            shown = "  ".join(f"{rate:>7,.0f}" for rate in rates)
            print(f"{name:<7} {store_name:<7} {shown}   last/first {rates[-1] / rates[0]:.2f}")


if __name__ == "__main__":
    main()
