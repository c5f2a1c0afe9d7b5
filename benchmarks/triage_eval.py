"""Triage quality and speed on public data: socialcx, VADER and a trivial baseline.

Usage:
    python benchmarks/triage_eval.py --data DATA/airline/dev.csv
    python benchmarks/triage_eval.py --data DATA/tweeteval --format tweeteval
    python benchmarks/triage_eval.py --data FILE --format ratings     # id<TAB>mean<TAB>text
    ... [--split all|tune|holdout] [--rounds N] [--offensive-score S] [--json]

Formats:
    airline    CSV with ``text`` (HTML-escaped) and ``airline_sentiment``
               (negative|neutral|positive); rows are keyed by ``tweet_id``.
    tweeteval  A folder (or one ``*_text.txt``) of ``<split>_text.txt`` with
               ``<split>_labels.txt``. The task comes from ``mapping.txt`` or the
               number of labels: 0/1 is "offensive" (not / offensive), 0/1/2 is
               "sentiment" (negative / neutral / positive). A folder may hold
               ``sentiment/`` and ``offensive/`` sub-folders; both are read.
    ratings    Tab-separated ``id, mean rating (-4..4), text`` (the VADER
               authors' tweet ratings): below -0.5 is negative, above 0.5
               positive, the rest neutral.

What is measured, for every system in the same run:
    complaint precision / recall / F1: "negative" against the rest;
    macro-F1 and accuracy over the three classes;
    offensive precision / recall / F1 (offensive sets only; null otherwise);
    texts per second: one text at a time on one core, the best of ``--rounds``
    passes, the systems taking turns so that a busy machine slows them alike;
    ``texts_per_second_first`` is the first pass alone. socialcx remembers
    (up to a bound) what each token and space-separated piece of text it has
    read means, so later passes over the same texts find all of it remembered;
    its first pass starts with nothing remembered, the worst case.

How each system maps to the labels:
    socialcx      ``Triage().assess_text`` with the default classifier.
                  negative = ``Signals.polarity`` is negative, which Triage sets
                  for every complaint and for sentiment <= -0.4 (the default
                  ``polarity_band``); positive = polarity positive; offensive =
                  ``Signals.hostile`` (agent safety: insults, threats,
                  harassment), or with ``--offensive-score S`` the broader
                  ``hostility_score >= S`` (0.4 is one rude or profane word,
                  which TweetEval counts as offensive). The private-data scan is off while timing
                  (VADER does nothing like it); ``texts_per_second_full`` is the
                  rate with it on.
    vader         compound <= -0.05 negative, >= 0.05 positive (the authors'
                  thresholds); no offensive label (null).
    all_negative  everything negative (and everything offensive).

``--split`` keeps a stable part of the rows, chosen by a CRC-32 of the row id:
``tune`` is 60 % of the rows, ``holdout`` the other 40 %. The built-in lexicon's
weights were set looking at the ``tune`` part of the airline file only; the
``holdout`` part and the other sets check that it generalizes.
"""

from __future__ import annotations

import argparse
import csv
import html
import json
import sys
import time
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path

from socialcx.triage import Triage

LABELS = ("negative", "neutral", "positive")
SYSTEMS = ("socialcx", "vader", "all_negative")


# -- reading the data ---------------------------------------------------------


def _keep(row_id: str, split: str) -> bool:
    if split == "all":
        return True
    tune = zlib.crc32(row_id.encode("utf-8")) % 5 < 3
    return tune if split == "tune" else not tune


def read_airline(path: Path, split: str) -> list[tuple[str, str]]:
    """(text, label) pairs from the airline CSV."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [
        (html.unescape(row["text"]), row["airline_sentiment"])
        for row in rows
        if row["airline_sentiment"] in LABELS and _keep(row["tweet_id"], split)
    ]


def read_ratings(path: Path, split: str) -> list[tuple[str, str]]:
    """(text, label) pairs from a file of ``id<TAB>mean<TAB>text``."""
    pairs = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.rstrip("\n").split("\t", 2)
            if len(parts) != 3 or not _keep(parts[0], split):
                continue
            mean = float(parts[1])
            label = "negative" if mean < -0.5 else "positive" if mean > 0.5 else "neutral"
            pairs.append((html.unescape(parts[2]), label))
    return pairs


def _tweeteval_task(folder: Path, labels: Sequence[str]) -> str:
    mapping = folder / "mapping.txt"
    if mapping.exists() and "offensive" in mapping.read_text(encoding="utf-8"):
        return "offensive"
    return "offensive" if set(labels) <= {"0", "1"} else "sentiment"


def read_tweeteval(path: Path, split: str) -> dict[str, list[tuple[str, str]]]:
    """Task name -> (text, label) pairs, from a TweetEval folder or text file."""
    if path.is_file():
        text_files = [path]
    else:
        text_files = sorted(path.glob("*_text.txt")) or sorted(path.glob("*/*_text.txt"))
    if not text_files:
        raise SystemExit(f"no *_text.txt files under {path}")
    tasks: dict[str, list[tuple[str, str]]] = {}
    for text_file in text_files:
        label_file = text_file.with_name(text_file.name.replace("_text.txt", "_labels.txt"))
        if not label_file.exists():
            raise SystemExit(f"{text_file} has no {label_file.name} beside it")
        texts = text_file.read_text(encoding="utf-8").split("\n")
        labels = label_file.read_text(encoding="utf-8").split()
        texts = texts[: len(labels)]
        task = _tweeteval_task(text_file.parent, labels)
        names = ("not", "offensive") if task == "offensive" else LABELS
        for index, (text, label) in enumerate(zip(texts, labels, strict=True)):
            if _keep(f"{text_file.name}:{index}", split):
                tasks.setdefault(task, []).append((text, names[int(label)]))
    return tasks


# -- the systems --------------------------------------------------------------


def socialcx_system(
    private_data: bool = False, offensive_score: float | None = None
) -> Callable[[str], tuple[str, bool]]:
    """Three-class label and the hostile flag (or the score from ``offensive_score``)."""
    triage = Triage(private_data=private_data)

    def run(text: str) -> tuple[str, bool]:
        signals = triage.assess_text(text)
        if offensive_score is None:
            return signals.polarity.value, signals.hostile
        return signals.polarity.value, signals.hostility_score >= offensive_score

    return run


def socialcx_full_system() -> Callable[[str], tuple[str, bool]]:
    """socialcx with the private-data scan on, as ``Triage()`` runs by default."""
    return socialcx_system(private_data=True)


def vader_system() -> Callable[[str], tuple[str, bool]] | None:
    """VADER's label with its authors' thresholds, or None when not installed."""
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:
        return None
    analyzer = SentimentIntensityAnalyzer()

    def run(text: str) -> tuple[str, bool]:
        compound = analyzer.polarity_scores(text)["compound"]
        label = "negative" if compound <= -0.05 else "positive" if compound >= 0.05 else "neutral"
        return label, False

    return run


def all_negative_system() -> Callable[[str], tuple[str, bool]]:
    """Everything is negative (and offensive)."""

    def run(_text: str) -> tuple[str, bool]:
        return "negative", True

    return run


# -- metrics ------------------------------------------------------------------


def _prf(gold: Sequence[bool], predicted: Sequence[bool]) -> tuple[float, float, float]:
    tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g and p)
    fp = sum(1 for g, p in zip(gold, predicted, strict=True) if not g and p)
    fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g and not p)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def sentiment_metrics(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, float]:
    """Complaint P/R/F1 (negative vs rest), 3-class macro-F1 and accuracy."""
    precision, recall, f1 = _prf(
        [g == "negative" for g in gold], [p == "negative" for p in predicted]
    )
    per_class = [
        _prf([g == label for g in gold], [p == label for p in predicted])[2] for label in LABELS
    ]
    accuracy = sum(1 for g, p in zip(gold, predicted, strict=True) if g == p) / max(1, len(gold))
    return {
        "complaint_precision": precision,
        "complaint_recall": recall,
        "complaint_f1": f1,
        "macro_f1": sum(per_class) / len(per_class),
        "accuracy": accuracy,
    }


def _rate(system: Callable[[str], tuple[str, bool]], texts: Sequence[str]) -> float:
    started = time.perf_counter()
    for text in texts:
        system(text)
    elapsed = time.perf_counter() - started
    return len(texts) / elapsed if elapsed > 0 else float("inf")


def evaluate(
    sentiment: list[tuple[str, str]] | None,
    offensive: list[tuple[str, str]] | None,
    rounds: int = 3,
    offensive_score: float | None = None,
) -> dict[str, dict[str, float | None] | None]:
    """Every system's metrics on the sets given; None for a system not installed."""
    factories: dict[str, Callable[[], Callable[[str], tuple[str, bool]] | None]] = {
        "socialcx": lambda: socialcx_system(offensive_score=offensive_score),
        "vader": vader_system,
        "all_negative": all_negative_system,
    }
    systems = {name: factory() for name, factory in factories.items()}
    texts = [text for text, _ in (sentiment or [])] + [text for text, _ in (offensive or [])]
    timed = {name: system for name, system in systems.items() if system is not None}
    timed["socialcx_full"] = socialcx_full_system()
    rates: dict[str, float] = dict.fromkeys(timed, 0.0)
    first: dict[str, float] = {}
    for _ in range(max(1, rounds)):
        for name, system in timed.items():
            rate = _rate(system, texts)
            first.setdefault(name, rate)
            rates[name] = max(rates[name], rate)
    report: dict[str, dict[str, float | None] | None] = {}
    for name, system in systems.items():
        if system is None:
            report[name] = None
            continue
        metrics: dict[str, float | None] = dict.fromkeys(
            (
                "complaint_precision",
                "complaint_recall",
                "complaint_f1",
                "macro_f1",
                "accuracy",
                "offensive_precision",
                "offensive_recall",
                "offensive_f1",
            )
        )
        if sentiment:
            predicted = [system(text)[0] for text, _ in sentiment]
            metrics.update(sentiment_metrics([label for _, label in sentiment], predicted))
        if offensive and name != "vader":
            precision, recall, f1 = _prf(
                [label == "offensive" for _, label in offensive],
                [system(text)[1] for text, _ in offensive],
            )
            metrics.update(offensive_precision=precision, offensive_recall=recall, offensive_f1=f1)
        metrics["texts_per_second"] = rates[name]
        metrics["texts_per_second_first"] = first[name]
        if name == "socialcx":
            metrics["texts_per_second_full"] = rates["socialcx_full"]
        report[name] = metrics
    return report


# -- output -------------------------------------------------------------------


def _cell(value: float | None, key: str) -> str:
    if value is None:
        return "-"
    if key.startswith("texts_per_second"):
        return f"{value:,.0f}"
    return f"{value:.3f}"


def render(report: dict[str, dict[str, float | None] | None], header: str) -> str:
    """A plain-text table, one column per system."""
    keys = [
        "complaint_precision",
        "complaint_recall",
        "complaint_f1",
        "macro_f1",
        "accuracy",
        "offensive_precision",
        "offensive_recall",
        "offensive_f1",
        "texts_per_second",
        "texts_per_second_first",
        "texts_per_second_full",
    ]
    lines = [header, f"{'':22}" + "".join(f"{name:>14}" for name in SYSTEMS)]
    for key in keys:
        cells = []
        for name in SYSTEMS:
            metrics = report.get(name)
            cells.append(
                f"{_cell(None if metrics is None else metrics.get(key), key):>14}"
                if metrics is not None
                else f"{'(not installed)':>14}"
            )
        lines.append(f"{key:22}" + "".join(cells))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--data", type=Path, required=True, help="file or folder to read")
    parser.add_argument("--format", choices=("airline", "tweeteval", "ratings"), default="airline")
    parser.add_argument("--split", choices=("all", "tune", "holdout"), default="all")
    parser.add_argument("--rounds", type=int, default=3, help="timing passes (best is kept)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--offensive-score",
        type=float,
        metavar="S",
        help="read socialcx's offensive as hostility_score >= S (default: the hostile flag)",
    )
    args = parser.parse_args(argv)
    if not args.data.exists():
        print(f"--data {args.data} does not exist", file=sys.stderr)
        return 2
    sentiment: list[tuple[str, str]] | None = None
    offensive: list[tuple[str, str]] | None = None
    if args.format == "airline":
        sentiment = read_airline(args.data, args.split)
    elif args.format == "ratings":
        sentiment = read_ratings(args.data, args.split)
    else:
        tasks = read_tweeteval(args.data, args.split)
        sentiment = tasks.get("sentiment")
        offensive = tasks.get("offensive")
    if not sentiment and not offensive:
        print(f"no labelled texts found in {args.data}", file=sys.stderr)
        return 2
    report = evaluate(
        sentiment, offensive, rounds=args.rounds, offensive_score=args.offensive_score
    )
    if args.json:
        print(json.dumps({"systems": report}, indent=2))
    else:
        sizes = []
        if sentiment:
            sizes.append(f"{len(sentiment)} sentiment texts")
        if offensive:
            sizes.append(f"{len(offensive)} offensive texts")
        header = f"{args.data} ({args.format}, split={args.split}): {', '.join(sizes)}"
        print(render(report, header))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
