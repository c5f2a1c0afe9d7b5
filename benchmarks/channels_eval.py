"""Evaluate the channel helpers on recorded real traffic, and time the poll path.

Usage::

    python benchmarks/channels_eval.py --data /path/to/shared/data [--posts 20000]

Checks, on the recorded payloads under ``<data>/payloads``:

1. the real signed Meta webhook verifies with ``verify_signature`` and a
   one-byte change is refused;
2. every recorded response is classified by ``error_for_response``: successes
   must map to no error, failures to the expected class.

Then it times, in the same run (so shared-machine load affects both alike),
draining a FakeChannel directly and through ``RetryPolicy.call``, and the
classification of the recorded responses.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from socialcx.channels import BadSignature, RetryPolicy, error_for_response, verify_signature
from socialcx.testing import FakeChannel, FakeClock

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def check_meta_signature(payloads: Path) -> None:
    vector = json.loads((payloads / "meta/whatsapp_signed/signed_webhook_vector.json").read_text())
    body = (payloads / "meta/whatsapp_signed" / vector["body_file"]).read_bytes()
    verify_signature(vector["app_secret"], body, vector["header_value"])
    tampered = body[:-2] + bytes([body[-2] ^ 1]) + body[-1:]
    try:
        verify_signature(vector["app_secret"], tampered, vector["header_value"])
    except BadSignature:
        refused = True
    else:
        refused = False
    print(
        f"meta signed webhook ({len(body)} bytes): verified=True, one-byte change refused={refused}"
    )


def load_responses(payloads: Path) -> list[tuple[str, str, httpx.Response]]:
    found = []
    for path in sorted(payloads.glob("*/*.decoded.json")):
        for record in json.loads(path.read_text()):
            if "response_json" in record:
                response = httpx.Response(record["status"], json=record["response_json"])
            else:
                response = httpx.Response(record["status"], text=record.get("response_text") or "")
            found.append((path.parent.name, path.name, response))
    return found


def classify(responses: list[tuple[str, str, httpx.Response]]) -> None:
    outcome: collections.Counter[tuple[str, int, str]] = collections.Counter()
    false_alarms = 0
    for platform, _, response in responses:
        error = error_for_response(response, platform=platform, now=NOW)
        name = type(error).__name__ if error else "ok"
        outcome[(platform, response.status_code, name)] += 1
        if 200 <= response.status_code < 300 and error is not None:
            false_alarms += 1
    print(f"recorded responses: {len(responses)}; 2xx classified as errors: {false_alarms}")
    for (platform, status, name), count in sorted(outcome.items()):
        print(f"  {platform:9} {status}  -> {name:24} x{count}")


async def drain(fake: FakeChannel, policy: RetryPolicy | None) -> int:
    cursor = None
    seen = 0
    while True:
        if policy is None:
            page = await fake.fetch(cursor)
        else:
            page = await policy.call(lambda c=cursor: fake.fetch(c))
        seen += len(page.mentions)
        cursor = page.next_cursor
        if not page.has_more:
            return seen


def time_polling(posts: int, page_size: int) -> None:
    fake = FakeChannel(clock=FakeClock(), page_size=page_size)
    for i in range(posts):
        fake.post(f"post {i}", author=f"c{i % 50}")
    rows = []
    for label, policy in (("direct fetch", None), ("RetryPolicy.call", RetryPolicy())):
        start = time.perf_counter()
        seen = asyncio.run(drain(fake, policy))
        elapsed = time.perf_counter() - start
        rows.append((label, seen, elapsed))
    for label, seen, elapsed in rows:
        pages = -(-seen // page_size)
        print(
            f"{label:17} {seen} mentions, {pages} pages in {elapsed * 1000:.1f} ms "
            f"({seen / elapsed:,.0f} mentions/s, {elapsed / pages * 1e6:.1f} us/page)"
        )
    overhead = (rows[1][2] - rows[0][2]) / -(-posts // page_size)
    print(f"RetryPolicy overhead per successful page: {overhead * 1e6:.1f} us")


def time_classification(responses: list[tuple[str, str, httpx.Response]], rounds: int) -> None:
    start = time.perf_counter()
    for _ in range(rounds):
        for platform, _, response in responses:
            error_for_response(response, platform=platform, now=NOW)
    elapsed = time.perf_counter() - start
    count = rounds * len(responses)
    print(
        f"error_for_response: {count} classifications in {elapsed * 1000:.1f} ms "
        f"({elapsed / count * 1e6:.1f} us each)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, type=Path, help="the shared data folder")
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--page-size", type=int, default=40)
    args = parser.parse_args()
    payloads = args.data / "payloads"
    if not payloads.is_dir():
        print(
            f"no recorded payloads at {payloads}: pass --data pointing at the data folder",
            file=sys.stderr,
        )
        return 2
    check_meta_signature(payloads)
    responses = load_responses(payloads)
    classify(responses)
    time_polling(args.posts, args.page_size)
    time_classification(responses, rounds=50)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
