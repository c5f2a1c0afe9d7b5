"""How fast the whole desk pipeline runs: in memory, on SQLite, and with PostgreSQL workers.

    python benchmarks/desk_bench.py [--mentions 20000] [--postgres DSN] [--json]

Synthetic traffic (complaints, questions, praise, replies in threads, private
messages) goes through triage, threading, incident detection and routing:

- in memory (MemoryStore), one core;
- on SQLite, batched (``ingest_many`` of 500 per transaction);
- on PostgreSQL, one worker process against two (each ingesting half),
  when ``--postgres`` is given (or SOCIALCX_TEST_POSTGRES_DSN is set);
- memory per open case (MemoryStore, tracemalloc).

The floor beside them is decoding the same mentions from JSON and nothing else
(``from_json``), so the ratio of the pipeline to plain decoding is visible.
Texts are built from parts (order numbers, products, places, times) so that
few whole texts repeat while words do, as in real traffic.

With ``--json`` it prints one object with ``memory_mentions_per_second``,
``sqlite_mentions_per_second``, ``postgres_one_worker_per_second``,
``postgres_two_workers_per_second`` (null, with the reason on stderr, without a
server), ``bytes_per_open_case`` and ``json_decode_floor_per_second``.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from socialcx import from_json, to_json
from socialcx.desk import Desk
from socialcx.model import Agent, Author, Capacity, ChannelRef, Mention, Visibility
from socialcx.store import MemoryStore, PostgresStore, SQLiteStore

T0 = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
# Traffic is built from parts so that texts vary as real ones do (order numbers,
# times, products, places): few whole texts repeat, while the words do.
OPENINGS = ("@brand", "@brand hi,", "@brand hey", "hey @brand", "@brand @support", "@brand ugh")
PROBLEMS = (
    "my order {n} is {d} days late and nobody answers",
    "still waiting for my refund after {d} weeks, charged twice",
    "how do I change the delivery address on order {n}?",
    "love the new {p}, great job team!",
    "the {p} keeps crashing at checkout",
    "is the store on {s} open on Sundays?",
    "been on hold for {d} hours",
    "thanks for sorting my issue with the {p} so quickly",
    "my {p} arrived damaged, what now?",
    "your support is useless, cancelling my account",
    "can't log in to the {p} since {t}",
    "no signal in {s} since {t}",
    "where is my parcel? tracking {n} has not moved for {d} days",
    "the {p} I bought on {s} does not work",
    "do you ship the {p} to {s}?",
)
ENDINGS = ("", "", "", " terrible service", " so annoying", " please help", " !!!",
           " this is ridiculous", " thanks", " 😡", " 🙏", " #fail", " any news?")  # fmt: skip
PRODUCTS = ("app", "router", "phone", "tablet", "card", "website", "headphones", "charger")
STREETS = ("Main Street", "Oak Avenue", "the high street", "Elm Road", "Station Square")
TIMES = ("this morning", "yesterday", "Monday", "last night", "10am", "the update")
CHANNELS = tuple(ChannelRef(platform=p, account="brand") for p in ("x", "mastodon", "bluesky"))


def text(rng: random.Random) -> str:
    """One customer's post, from the parts above."""
    problem = rng.choice(PROBLEMS).format(
        n=f"#{rng.randrange(10_000, 99_999)}",
        d=rng.randint(2, 14),
        p=rng.choice(PRODUCTS),
        s=rng.choice(STREETS),
        t=rng.choice(TIMES),
    )
    return f"{rng.choice(OPENINGS)} {problem}{rng.choice(ENDINGS)}"


def traffic(count: int, *, seed: int = 1, offset: int = 0) -> list[Mention]:
    """A day's worth of mentions, spread over 24 hours; about a fifth are replies."""
    rng = random.Random(seed)
    out: list[Mention] = []
    step = 86_400 / max(count, 1)
    for n in range(count):
        channel = CHANNELS[n % len(CHANNELS)]
        reply = out[-rng.randint(1, min(50, len(out)))] if out and rng.random() < 0.2 else None
        customer = reply.author.native_id if reply else f"c{offset + n}"
        out.append(
            Mention(
                channel=channel,
                native_id=f"m{offset + n}",
                author=Author(platform=channel.platform, native_id=customer, handle=customer),
                text=text(rng),
                created_at=T0 + timedelta(seconds=n * step),
                visibility=Visibility.PRIVATE if rng.random() < 0.1 else Visibility.PUBLIC,
                in_reply_to=reply.native_id if reply and reply.channel == channel else None,
            )
        )
    return out


def json_floor(mentions: list[Mention]) -> float:
    """Mentions per second for decoding the same mentions from JSON, and nothing else."""
    payloads = [to_json(m) for m in mentions]
    gc.collect()
    start = time.perf_counter()
    for payload in payloads:
        from_json(Mention, payload)
    return len(payloads) / (time.perf_counter() - start)


def team(desk: Desk, *, now: datetime = T0, size: int = 50) -> None:
    """Agents who take anything: the benchmark measures the pipeline, not a shortage."""
    for n in range(size):
        desk.agents.add(
            Agent(
                id=f"agent-{n}",
                languages={"en"},
                certifications={"social", "hostile"},
                capacity=Capacity(public=10_000, private=10_000),
            ),
            now=now,
        )


def run_desk(desk: Desk, mentions: list[Mention], batch: int = 500) -> float:
    team(desk)
    gc.collect()
    start = time.perf_counter()
    if batch == 1:
        for mention in mentions:
            desk.ingest(mention, now=mention.created_at)
        return len(mentions) / (time.perf_counter() - start)
    for i in range(0, len(mentions), batch):
        chunk = mentions[i : i + batch]
        desk.ingest_many(chunk, now=chunk[-1].created_at)
    return len(mentions) / (time.perf_counter() - start)


def bytes_per_open_case(count: int) -> float:
    mentions = [m for m in traffic(count, seed=5) if m.in_reply_to is None]
    desk = Desk(store=MemoryStore(), cache_size=10)
    team(desk)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for m in mentions:
        desk.ingest(m, now=m.created_at)
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    open_cases = sum(1 for _ in desk.store.cases(open_only=True))
    return (after - before) / max(open_cases, 1)


def postgres_worker(dsn: str, schema: str, first: int, count: int) -> None:
    """Run inside a child process: ingest ``count`` mentions starting at ``first``.

    Each mention is its own transaction, as a worker taking mentions off a shared
    queue would commit them: a batch transaction would hold the agents' capacity
    locks for the whole batch and make the workers take turns.
    """
    store = PostgresStore(dsn, schema=schema)
    desk = Desk(store=store, worker=f"worker-{first}")
    mentions = traffic(count, seed=first + 1, offset=first)
    rate = run_desk(desk, mentions, batch=1)
    store.close()
    print(json.dumps({"rate": rate}))


def postgres(dsn: str, count: int) -> dict[str, float]:
    results = {}
    for workers in (1, 2):
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        PostgresStore(dsn, schema=schema).close()
        share = count // workers
        start = time.perf_counter()
        procs = [
            subprocess.Popen(
                [sys.executable, __file__, "--worker", dsn, schema, str(w * share), str(share)],
                stdout=subprocess.PIPE,
            )
            for w in range(workers)
        ]
        for p in procs:
            p.communicate()
        elapsed = time.perf_counter() - start
        results[str(workers)] = share * workers / elapsed
        store = PostgresStore(dsn, schema=schema)
        store.drop_everything()
        store.close()
    results["ratio"] = results["2"] / results["1"]
    return results


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        postgres_worker(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=20_000)
    parser.add_argument("--postgres", default=os.environ.get("SOCIALCX_TEST_POSTGRES_DSN"))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    mentions = traffic(args.mentions)
    floor = json_floor(mentions)
    memory = run_desk(Desk(store=MemoryStore()), mentions)
    with tempfile.TemporaryDirectory() as folder:
        store = SQLiteStore(Path(folder) / "bench.db")
        sqlite = run_desk(Desk(store=store), mentions)
        store.close()
    per_case = bytes_per_open_case(min(args.mentions, 10_000))
    pg = postgres(args.postgres, args.mentions) if args.postgres else None
    if pg is None:
        print("PostgreSQL skipped: pass --postgres DSN or set SOCIALCX_TEST_POSTGRES_DSN",
              file=sys.stderr)  # fmt: skip
    result = {
        "mentions": args.mentions,
        "memory_mentions_per_second": round(memory),
        "sqlite_mentions_per_second": round(sqlite),
        "postgres_one_worker_per_second": None if pg is None else round(pg["1"]),
        "postgres_two_workers_per_second": None if pg is None else round(pg["2"]),
        "bytes_per_open_case": round(per_case),
        "json_decode_floor_per_second": round(floor),
    }
    if args.json:
        print(json.dumps(result))
        return
    distinct = len({m.text for m in mentions})
    print(f"mentions:                 {args.mentions:,} ({distinct:,} distinct texts)")
    print(f"floor, JSON -> Mention:   {floor:,.0f} mentions/s   (decoding alone, no pipeline)")
    print(f"memory, one core:         {memory:,.0f} mentions/s   (target >= 50,000; "
          f"{floor / memory:.1f}x the floor's time)")  # fmt: skip
    print(f"SQLite, batched:          {sqlite:,.0f} mentions/s   (target >= 10,000)")
    if pg is not None:
        print(f"PostgreSQL, 1 worker:     {pg['1']:,.0f} mentions/s")
        print(f"PostgreSQL, 2 workers:    {pg['2']:,.0f} mentions/s   ratio {pg['ratio']:.2f}"
              "   (target >= 1.7)")  # fmt: skip
    print(f"memory per open case:     {per_case:,.0f} bytes   (target <= 2,048)")


if __name__ == "__main__":
    main()
