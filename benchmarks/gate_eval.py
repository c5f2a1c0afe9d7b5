"""Evaluate the reply gate: precision and recall per reason code, and false alarms on real replies.

Two inputs:

* labelled sets of reply texts (``gate_cases.jsonl`` and
  ``gate_cases_holdout.jsonl`` beside this script): one JSON object per line
  with ``text``, the expected reason codes (``expect``) and optional context
  (``visibility``, ``channel``, ``customer_text``, ``topics``, ``reach``,
  ``agent_certs``, ``private_conversation``, ``last_customer_message_at``,
  ``now``). The hold-out set was written after the patterns were tuned on the
  first, and scored once before any further change;
* real agent replies, as a check on false alarms: the ``*-outbound.csv`` files
  of a twcs ``labeled_topics`` folder (``--data``) and, optionally, the brand
  replies of a twcs CSV (``--replies``). Each is linted as a public reply on X
  by a certified agent, with no case context. The corpus stores text
  HTML-escaped (``&amp;``); it is unescaped to what was actually sent.

Usage::

    python benchmarks/gate_eval.py --data DATA/twcs/labeled_topics \\
        [--replies DATA/twcs/twcs_head_5000.csv] [--show]
"""

from __future__ import annotations

import argparse
import csv
import html
import json
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

from socialcx.gate import (
    CaseContext,
    Draft,
    KnowledgeBase,
    ReasonCode,
    ReplyGate,
    Verdict,
    capabilities_for,
)
from socialcx.model import Agent, ChannelCapabilities, Visibility

HERE = Path(__file__).resolve().parent

#: Targets from the specification.
TARGETS = {ReasonCode.PRIVATE_DATA.value: 0.9, ReasonCode.RETRACTION_DEMAND.value: 0.9}
MAX_REAL_REFUSED = 0.05


def _when(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def draft_for(case: dict[str, Any]) -> Draft:
    """The draft a labelled case describes."""
    channel = case.get("channel", "x")
    certs = case.get("agent_certs", ["social"])
    return Draft(
        text=case["text"],
        visibility=Visibility(case.get("visibility", "public")),
        capabilities=capabilities_for(channel) if channel else ChannelCapabilities(),
        agent=Agent(id="agent", certifications=frozenset(certs)),
        context=CaseContext(
            customer_text=case.get("customer_text", ""),
            topics=frozenset(case.get("topics", [])),
            author_reach=case.get("reach", 0),
            private_conversation=case.get("private_conversation", False),
            last_customer_message_at=_when(case.get("last_customer_message_at")),
        ),
        now=_when(case.get("now")),
    )


def load_cases(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def evaluate_cases(gate: ReplyGate, cases: list[dict[str, Any]], *, show: bool) -> bool:
    """Print per-code precision and recall; return whether the targets are met."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    exact = 0
    for case in cases:
        expected = set(case["expect"])
        verdict = gate.check(draft_for(case))
        got = set(verdict.codes)
        exact += got == expected
        for code in got & expected:
            tp[code] += 1
        for code in got - expected:
            fp[code] += 1
        for code in expected - got:
            fn[code] += 1
        if show and got != expected:
            print(
                f"  {case['id']}: expected {sorted(expected)}, got {sorted(got)}: {case['text']!r}"
            )
    print(f"labelled set: {len(cases)} replies, {exact} with exactly the expected codes")
    print(f"{'code':<30} {'support':>7} {'precision':>9} {'recall':>7}")
    ok = True
    for code in [c.value for c in ReasonCode]:
        support = tp[code] + fn[code]
        if support == 0 and fp[code] == 0:
            continue
        precision = tp[code] / (tp[code] + fp[code]) if tp[code] + fp[code] else 1.0
        recall = tp[code] / support if support else 1.0
        target = TARGETS.get(code)
        mark = ""
        if target is not None:
            met = precision >= target and recall >= target
            ok = ok and met
            mark = f"  (target {target}: {'met' if met else 'NOT met'})"
        print(f"{code:<30} {support:>7} {precision:>9.3f} {recall:>7.3f}{mark}")
    return ok


def real_replies(data: Path | None, replies: Path | None) -> list[tuple[str, str]]:
    """``(source, text)`` of the brand replies in the given files."""
    found: list[tuple[str, str]] = []
    if data is not None:
        files = sorted(data.glob("*-outbound.csv")) if data.is_dir() else [data]
        for file in files:
            with file.open(encoding="utf-8", newline="") as handle:
                found.extend(
                    (file.name, html.unescape(row["text"])) for row in csv.DictReader(handle)
                )
    if replies is not None:
        with replies.open(encoding="utf-8", newline="") as handle:
            found.extend(
                (replies.name, html.unescape(row["text"]))
                for row in csv.DictReader(handle)
                if (row.get("inbound") or "").strip() == "False"
            )
    return found


def evaluate_real(gate: ReplyGate, texts: list[tuple[str, str]], *, show: bool) -> bool:
    """Print the share of real replies refused (and flagged); return whether within target."""
    caps = capabilities_for("x")
    agent = Agent(id="agent", certifications=frozenset({"social"}))
    verdicts: Counter[str] = Counter()
    codes: Counter[str] = Counter()
    by_source: dict[str, Counter[str]] = {}
    for source, text in texts:
        verdict: Verdict = gate.check(
            Draft(text=text, visibility=Visibility.PUBLIC, capabilities=caps, agent=agent)
        )
        verdicts[verdict.name] += 1
        by_source.setdefault(source, Counter())[verdict.name] += 1
        codes.update(verdict.codes)
        if show and verdict.name == "refused":
            print(f"  refused {verdict.codes}: {text!r}")
    total = len(texts)
    refused = verdicts["refused"] / total if total else 0.0
    print(f"\nreal agent replies: {total}")
    for source, counts in sorted(by_source.items()):
        n = sum(counts.values())
        print(
            f"  {source:<45} {n:>5} replies, {counts['refused']:>3} refused "
            f"({counts['refused'] / n:.1%}), {counts['needs_approval']:>3} flagged"
        )
    print(
        f"refused: {verdicts['refused']} ({refused:.1%}); "
        f"needs approval (flagged): {verdicts['needs_approval']} "
        f"({verdicts['needs_approval'] / total if total else 0:.1%})"
    )
    for code, count in codes.most_common():
        print(f"  {code:<30} {count:>5}")
    within = refused <= MAX_REAL_REFUSED
    print(f"target: at most {MAX_REAL_REFUSED:.0%} refused: {'met' if within else 'NOT met'}")
    return within


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cases",
        type=Path,
        nargs="+",
        default=[HERE / "gate_cases.jsonl", HERE / "gate_cases_holdout.jsonl"],
        help="labelled sets, each scored on its own",
    )
    parser.add_argument("--answers", type=Path, default=HERE / "gate_answers.toml")
    parser.add_argument("--data", type=Path, help="a twcs labeled_topics folder (real replies)")
    parser.add_argument("--replies", type=Path, help="a twcs CSV; its brand replies are linted")
    parser.add_argument("--show", action="store_true", help="print every miss and refusal")
    args = parser.parse_args(argv)

    for path in (*args.cases, args.answers, args.data, args.replies):
        if path is not None and not path.exists():
            print(f"error: {path} does not exist", file=sys.stderr)
            return 2
    gate = ReplyGate(knowledge=KnowledgeBase.from_toml(args.answers))
    ok = True
    for path in args.cases:
        print(f"\n== {path.name}")
        ok = evaluate_cases(gate, load_cases(path), show=args.show) and ok
    if args.data is None and args.replies is None:
        print("\nno --data or --replies given: skipping the real agent replies")
    else:
        ok = evaluate_real(gate, real_replies(args.data, args.replies), show=args.show) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
