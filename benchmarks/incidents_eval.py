"""Incident detection on the airline tweets: are the waves found, early and on topic?

Usage:
    python benchmarks/incidents_eval.py --data DATA/airline/dev.csv [--json]

Tweets are replayed in time order, per airline; complaints are the tweets people
labelled negative (``--complaints labels``). For each incident it prints the
start and end, size, topic words, the count of each ``negativereason`` among its
complaints (purity = the largest share) and the delay (complaints in the topic's
window after onset before the incident fired).
"""

from __future__ import annotations

import argparse
import csv
import html
import json
import sys
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path

import socialcx as sx
from socialcx.incidents import IncidentDetector


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def evaluate(path: Path, detector: IncidentDetector | None = None) -> list[dict[str, object]]:
    """Replay the file; one dict per incident."""
    detector = detector or IncidentDetector()
    rows = _rows(path)
    when = {
        r["tweet_id"]: datetime.strptime(r["tweet_created"], "%Y-%m-%d %H:%M:%S %z") for r in rows
    }
    reason = {r["tweet_id"]: r["negativereason"] or "(none)" for r in rows}
    delays: dict[str, int] = {}
    members: dict[str, list[str]] = defaultdict(list)
    airline_of: dict[str, str] = {}
    for row in sorted(rows, key=lambda r: (when[r["tweet_id"]], r["tweet_id"])):
        channel = sx.ChannelRef(platform="x", account=row["airline"].replace(" ", "_"))
        author = sx.Author(
            platform="x", native_id=row["name"] or "unknown", handle=row["name"] or "unknown"
        )
        mention = sx.Mention(
            channel=channel,
            native_id=row["tweet_id"],
            author=author,
            text=html.unescape(row["text"]),
            created_at=when[row["tweet_id"]],
            visibility="public",
        )
        update = detector.observe(
            mention, complaint=row["airline_sentiment"] == "negative", now=mention.created_at
        )
        if update is not None:
            members[update.incident.id].extend(k.native_id for k in update.joined)
            if update.opened:
                delays[update.incident.id] = update.window_count - 1
                airline_of[update.incident.id] = row["airline"]
    out = []
    for incident in detector.incidents:
        counted = Counter(reason[n] for n in members[incident.id])
        out.append(
            {
                "airline": airline_of[incident.id],
                "start": incident.first_seen.isoformat(),
                "end": incident.last_seen.isoformat(),
                "size": incident.mention_count,
                "topic": list(incident.topic),
                "reasons": dict(counted.most_common()),
                "delay": delays[incident.id],
            }
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, type=Path, help="the airline CSV")
    parser.add_argument(
        "--complaints",
        choices=["labels"],
        default="labels",
        help="where complaints come from (the people's labels)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    if not args.data.is_file():
        sys.exit(f"incidents_eval: no such file {args.data} (pass --data PATH to the airline CSV)")
    incidents = evaluate(args.data)
    if args.json:
        print(json.dumps({"incidents": incidents}))
        return
    print(f"complaints from: {args.complaints}")
    for i in incidents:
        reasons = i["reasons"]
        assert isinstance(reasons, dict)
        purity = max(reasons.values()) / sum(reasons.values())
        print(
            f"{i['airline']:15} {str(i['start'])[:16]} -> {str(i['end'])[:16]} size {i['size']:4} "
            f"delay {i['delay']:3} purity {purity:.2f} {' '.join(i['topic'])[:40]:40} {reasons}"
        )
    summary(incidents)


def _purity(incident: dict[str, object]) -> float:
    reasons = incident["reasons"]
    assert isinstance(reasons, dict)
    total = sum(reasons.values())
    return max(reasons.values()) / total if total else 0.0


def summary(incidents: list[dict[str, object]]) -> None:
    """Counts, purity, delay, and incidents per airline per day (the quiet-day check)."""
    if not incidents:
        print("no incidents")
        return
    purities = [_purity(i) for i in incidents]
    sizes = [int(i["size"]) for i in incidents]  # type: ignore[call-overload]
    weighted = sum(p * n for p, n in zip(purities, sizes, strict=True)) / sum(sizes)
    print(
        f"\n{len(incidents)} incidents; purity mean {sum(purities) / len(purities):.2f}, "
        f"size-weighted {weighted:.2f}; max delay {max(int(i['delay']) for i in incidents)}"  # type: ignore[call-overload]
    )
    per_day: Counter[tuple[str, str]] = Counter(
        (str(i["airline"]), str(i["start"])[:10]) for i in incidents
    )
    print("incidents per airline per day:")
    for (airline, day), count in sorted(per_day.items()):
        print(f"  {airline:15} {day}  {count}")


if __name__ == "__main__":
    main()
