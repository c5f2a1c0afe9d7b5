"""Routing throughput and memory: decisions per second at 100, 1,000 and 15,000 agents.

Usage:
    python benchmarks/routing_bench.py [--seconds 2] [--json]

Each decision is one case submitted and routed (the Assigned or Queued answer
to ``submit``) while the team runs at steady load: after each submit, the oldest
assignments are released until the team holds as many cases as after warming
up (about 2/3 of its capacity). The releases' cost is included; queued work a
release assigns is not counted as a decision. The load stays the same for every
team size: a submit that is queued (hostile cases once every certified agent
reached the cap) releases nothing, so a small team is not drained idle. Requests
are built before timing starts. Agents have realistic, overlapping profiles: a
few skills out of eight, one or two languages, most certified for public
replies, some for hostile customers. Memory per queued case is measured with
tracemalloc while every agent is busy.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import sys
import time
import tracemalloc
from collections import deque
from datetime import UTC, datetime, timedelta

import socialcx as sx
from socialcx.routing import Assigned, Router, RoutingRequest

SKILLS = ("billing", "tech", "delivery", "refunds", "roaming", "tv", "mobile", "broadband")
LANGS = ("en", "es", "de", "fr")
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _team(n: int, rng: random.Random) -> list[sx.Agent]:
    agents = []
    for i in range(n):
        certs = {"social"} if rng.random() < 0.85 else set()
        if rng.random() < 0.3:
            certs.add("hostile")
        agents.append(
            sx.Agent(
                id=f"agent-{i:05d}",
                skills=set(rng.sample(SKILLS, rng.randint(2, 4))),
                languages={"en"} | ({rng.choice(LANGS)} if rng.random() < 0.4 else set()),
                certifications=certs,
                capacity=3,
            )
        )
    return agents


def _requests(count: int, rng: random.Random) -> list[RoutingRequest]:
    return [
        RoutingRequest(
            case_id=f"case-{i}",
            customer=f"customer-{rng.randrange(10 * count)}",
            priority=rng.choice(list(sx.Priority)),
            kind=sx.WorkKind.PUBLIC if rng.random() < 0.7 else sx.WorkKind.PRIVATE,
            created_at=T0,
            language="en",
            skills={rng.choice(SKILLS)},
            hostile=rng.random() < 0.05,
            platform="x",
        )
        for i in range(count)
    ]


def decisions_per_second(agents: int, seconds: float, seed: int = 1) -> float:
    """Steady-state routing rate with ``agents`` agents, all at about 2/3 load."""
    rng = random.Random(seed)
    router = Router()
    for agent in _team(agents, rng):
        router.add_agent(agent, now=T0)
    held: deque[Assigned] = deque()  # assignments in the order made, oldest first
    warm = _requests(2 * agents, rng)
    for request in warm:  # fill the team to steady load first
        held.extend(d for d in router.submit(request, now=T0) if isinstance(d, Assigned))
    steady = len(held)
    pool = _requests(200_000, random.Random(seed + 1))
    pool = [RoutingRequest(**{**_fields(r), "case_id": f"run-{i}"}) for i, r in enumerate(pool)]
    submit, release = router.submit, router.release
    done = 0
    now = T0
    tick = timedelta(milliseconds=10)
    start = time.perf_counter()
    deadline = start + seconds
    while time.perf_counter() < deadline and done < len(pool):
        for request in pool[done : done + 500]:
            now += tick
            for d in submit(request, now=now):
                if d.__class__ is Assigned:
                    held.append(d)
            # Back to steady load: release the oldest work while the team holds more
            # than it did after warming up (a release may assign a queued case).
            for _ in range(3):
                if len(held) <= steady:
                    break
                oldest = held.popleft()
                for d in release(oldest.agent, oldest.case_id, now=now):
                    if d.__class__ is Assigned:
                        held.append(d)
        done = min(done + 500, len(pool))
    elapsed = time.perf_counter() - start
    return done / elapsed


def _fields(request: RoutingRequest) -> dict[str, object]:
    return {a.name: getattr(request, a.name) for a in RoutingRequest.__attrs_attrs__}


def bytes_per_queued_case(count: int = 20_000) -> float:
    """Memory the router holds per waiting case (requests built outside the measurement)."""
    rng = random.Random(3)
    router = Router()
    for agent in _team(100, rng):
        router.add_agent(attrs_evolve_offline(agent), now=T0)
    requests = _requests(count, rng)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    for request in requests:
        router.submit(request, now=T0)
    gc.collect()
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    grown = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    queued = len(router.queued(now=T0))
    if queued != count:
        raise SystemExit(f"expected {count} queued cases, found {queued}")
    request_size = _deep_size_of_request(requests[0])
    return grown / count + request_size


def _deep_size_of_request(request: RoutingRequest) -> float:
    """The request itself is held by the queue: count its own memory too."""
    size = sys.getsizeof(request)
    for a in RoutingRequest.__attrs_attrs__:
        value = getattr(request, a.name)
        if isinstance(value, str | frozenset) and value:
            size += sys.getsizeof(value)
    return float(size)


def attrs_evolve_offline(agent: sx.Agent) -> sx.Agent:
    import attrs

    return attrs.evolve(agent, presence=sx.Presence.OFFLINE)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="time per team size")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    rates = {str(n): decisions_per_second(n, args.seconds) for n in (100, 1000, 15000)}
    memory = bytes_per_queued_case()
    if args.json:
        print(json.dumps({"decisions_per_second": rates, "bytes_per_queued_case": round(memory)}))
        return
    for n, rate in rates.items():
        print(f"{int(n):>6} agents: {rate:>10,.0f} decisions/s  ({1e6 / rate:.1f} us each)")
    print(f"cost growth 100 -> 15000 agents: {rates['100'] / rates['15000']:.2f}x (target <= 2x)")
    print(f"memory per queued case: {memory:,.0f} bytes (target <= 1024)")


if __name__ == "__main__":
    main()
