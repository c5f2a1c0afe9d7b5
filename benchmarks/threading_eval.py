"""How well threading keeps conversations together, on the Customer Support on Twitter format.

Usage:
    python benchmarks/threading_eval.py --data DATA/twcs/twcs_head_5000.csv [--json]

Every tweet is replayed in time order through :class:`socialcx.threading.Threader`
as a mention (brand tweets, ``inbound == False``, are the brand's own posts). A
reply link is a tweet whose ``in_response_to_tweet_id`` is in the file; it is
right when the reply lands in the same case as the tweet it answers (a brand
tweet belongs to the case of the thread it answers). Also printed: how many
distinct threads (by their root tweet) were merged into one case, the price of
joining a customer's later messages to their open case.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import socialcx as sx
from socialcx.threading import JoinCase, OpenCase, Threader

_HANDLE = re.compile(r"@(\w+)")


def _rows(path: Path) -> list[dict[str, str]]:
    """Rows of the CSV; a bare carriage return inside a text must not split its row."""
    text = path.read_bytes().decode("utf-8").replace("\r\n", "\n").replace("\r", " ")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    complete = [r for r in rows if r.get("created_at") and r.get("author_id")]
    if len(complete) != len(rows):
        print(
            f"threading_eval: skipped {len(rows) - len(complete)} incomplete row(s)",
            file=sys.stderr,
        )
    return complete


def evaluate(path: Path) -> dict[str, float | int]:
    """Replay the file and score the reply links."""
    rows = _rows(path)
    brands = {r["author_id"] for r in rows if r["inbound"] == "False"}
    by_id = {r["tweet_id"]: r for r in rows}

    def when(row: dict[str, str]) -> datetime:
        return datetime.strptime(row["created_at"], "%a %b %d %H:%M:%S %z %Y")

    def parent_of(row: dict[str, str]) -> str | None:
        raw = row.get("in_response_to_tweet_id") or ""
        return str(int(float(raw))) if raw else None

    def brand_of(row: dict[str, str]) -> str:
        if row["author_id"] in brands:
            return row["author_id"]
        named = [h for h in _HANDLE.findall(row["text"]) if h in brands]
        if named:
            return named[0]
        parent = parent_of(row)
        if parent and parent in by_id and by_id[parent]["author_id"] in brands:
            return by_id[parent]["author_id"]
        return "unknown"

    threader = Threader()
    case_of: dict[str, str | None] = {}
    opened = 0
    for row in sorted(rows, key=lambda r: (when(r), int(r["tweet_id"]))):
        is_brand = row["author_id"] in brands
        author = sx.Author(
            platform="x", native_id=row["author_id"], handle=row["author_id"], is_brand=is_brand
        )
        mention = sx.Mention(
            channel=sx.ChannelRef(platform="x", account=brand_of(row)),
            native_id=row["tweet_id"],
            author=author,
            text=row["text"],
            created_at=when(row),
            visibility="public",
            in_reply_to=parent_of(row),
        )
        decision = threader.place(mention, now=mention.created_at)
        if isinstance(decision, OpenCase):
            opened += 1
            case_id: str | None = f"case-{opened}"
            threader.record(mention, case_id)  # type: ignore[arg-type]
        elif isinstance(decision, JoinCase):
            case_id = decision.case_id
            threader.record(mention, case_id)
        else:
            case_id = decision.case_id
        case_of[row["tweet_id"]] = case_id

    links = correct = 0
    for row in rows:
        parent = parent_of(row)
        if parent is None or parent not in by_id:
            continue
        links += 1
        mine, theirs = case_of.get(row["tweet_id"]), case_of.get(parent)
        correct += mine is not None and mine == theirs

    def root(tweet: str) -> str:
        seen = set()
        while (p := parent_of(by_id[tweet])) and p in by_id and tweet not in seen:
            seen.add(tweet)
            tweet = p
        return tweet

    roots_per_case: dict[str, set[str]] = defaultdict(set)
    for tweet, case_id in case_of.items():
        if case_id is not None:
            roots_per_case[case_id].add(root(tweet))
    merged = sum(len(r) - 1 for r in roots_per_case.values())
    return {
        "links": links,
        "correct": correct,
        "accuracy": correct / links if links else 0.0,
        "cases": opened,
        "threads_merged": merged,
        "index_entries": threader.size,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, type=Path, help="a twcs-format CSV file")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    if not args.data.is_file():
        sys.exit(f"threading_eval: no such file {args.data} (pass --data PATH to a twcs CSV)")
    result = evaluate(args.data)
    if args.json:
        keys = ("links", "correct", "accuracy")
        print(json.dumps({k: result[k] for k in keys} | {"details": result}))
        return
    print(f"reply links:     {result['links']}")
    print(f"threaded right:  {result['correct']} ({result['accuracy']:.4f}; target >= 0.98)")
    print(f"cases opened:    {result['cases']}")
    print(f"threads merged:  {result['threads_merged']} (distinct root threads sharing a case)")


if __name__ == "__main__":
    main()
