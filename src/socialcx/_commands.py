"""The ``socialcx`` subcommands that run things: demo, run, report, simulate."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from socialcx.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, register
from socialcx.errors import SocialCXError

# demo ---------------------------------------------------------------------------------------


def _configure_demo(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", default="socialcx-demo", help="folder for the database and report")
    parser.add_argument("--seed", type=int, default=7, help="makes the day reproducible")
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies the traffic")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")


def _bar(err: TextIO) -> object:
    def show(done: int, total: int) -> None:
        width = 30
        filled = round(width * done / total)
        clock = f"{done // 60:02d}:{done % 60:02d}"
        err.write(f"\r  replaying the day [{'#' * filled}{'.' * (width - filled)}] {clock}")
        if done >= total:
            err.write("\n")
        err.flush()

    return show


def _run_demo(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from socialcx.demo import run_demo

    progress = None if args.quiet or args.json else _bar(err)
    summary = run_demo(args.out, seed=args.seed, scale=args.scale, progress=progress)  # type: ignore[arg-type]
    if args.json:
        data = {
            "posts": summary.posts,
            "mentions": summary.mentions,
            "cases": summary.cases,
            "routed": summary.routed,
            "incidents": [list(i) for i in summary.incidents],
            "replies_sent": summary.replies_sent,
            "approvals": summary.approvals,
            "first_response_met": summary.first_response_met,
            "report": str(summary.report),
        }
        out.write(json.dumps(data) + "\n")
        return EXIT_OK
    met = "-" if summary.first_response_met is None else f"{summary.first_response_met:.0%}"
    median = summary.median_first_response_minutes
    rows = [
        ("posts on five networks", f"{summary.posts}"),
        ("mentions stored (with the brand's echoes)", f"{summary.mentions}"),
        ("cases", f"{summary.cases}"),
        ("  assigned to an agent", f"{summary.routed}"),
        ("  needing no agent (praise, chatter, spam)", f"{summary.no_action}"),
        ("incidents", f"{len(summary.incidents)}"),
        *((f"  {start}  {topic}", f"{size} cases") for start, topic, size in summary.incidents),
        ("replies sent (through the gate)", f"{summary.replies_sent}"),
        ("  approved by a lead first", f"{summary.approvals}"),
        ("first responses within the service level", met),
        ("median first response", "-" if median is None else f"{median:.0f} min"),
        (
            "hostile cases per agent",
            ", ".join(f"{a} {n}" for a, n in summary.hostile_by_agent.items()) or "-",
        ),
    ]
    width = max(len(label) for label, _ in rows)
    out.write("\nsocialcx demo: one day at Northwind\n\n")
    for label, value in rows:
        out.write(f"  {label:<{width}}  {value}\n")
    out.write(f"\nreport:   {summary.report}\ndatabase: {summary.database}\n")
    return EXIT_OK


register(
    "demo",
    help="replay a synthetic day through fake networks and write a report",
    configure=_configure_demo,
    run=_run_demo,
)


# run ----------------------------------------------------------------------------------------


def _configure_run(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", default="socialcx.toml", help="the socialcx.toml to run")
    parser.add_argument(
        "--until-idle",
        action="store_true",
        help="stop when a cycle finds nothing new and nothing to send (batch runs)",
    )
    parser.add_argument("--log-level", default="INFO", help="DEBUG, INFO, WARNING…")


def _run_run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from socialcx.runtime import JsonFormatter, RuntimeConfig, run_outpost

    handler = logging.StreamHandler(err)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger("socialcx")
    root.addHandler(handler)
    root.setLevel(args.log_level.upper())
    try:
        config = RuntimeConfig.from_toml(args.config)
        asyncio.run(run_outpost(config, until_idle=args.until_idle))
    except SocialCXError as exc:
        err.write(f"error: {exc}\n")
        return EXIT_FAILED
    finally:
        root.removeHandler(handler)
    out.write("stopped; cursors and outbox are stored\n")
    return EXIT_OK


register(
    "run",
    help="run the outpost: poll the configured channels, ingest, send approved replies",
    configure=_configure_run,
    run=_run_run,
)


# report -------------------------------------------------------------------------------------


def _configure_report(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", required=True, help="a SQLite file, or a postgresql:// DSN")
    parser.add_argument("--out", default="report.html", help="the HTML file to write")
    parser.add_argument(
        "--total-customers",
        type=int,
        default=None,
        help="customers served on every channel in the period (for the social share)",
    )


def _run_report(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from socialcx.reports import compute_metrics, write_report
    from socialcx.store import open_store

    db = args.db
    if not db.startswith(("sqlite:", "postgresql://", "postgres://", "memory:")):
        if not Path(db).is_file():
            err.write(f"error: no database at {db}\n")
            return EXIT_USAGE
        db = f"sqlite:{db}"
    try:
        store = open_store(db)
    except SocialCXError as exc:
        err.write(f"error: {exc}\n")
        return EXIT_FAILED
    try:
        cases = list(store.cases())
        now = max((c.updated_at for c in cases), default=datetime.now(tz=UTC))
        metrics = compute_metrics(
            cases,
            now=now,
            incidents=store.incidents(),
            agents=store.agents(),
            total_customers=args.total_customers,
        )
    finally:
        store.close()
    target = Path(args.out)
    folder = target.parent if target.suffix == ".html" else target
    page = write_report(metrics, folder)
    if target.suffix == ".html" and page != target:
        page = page.replace(target)
    out.write(f"report: {page} ({len(cases)} cases)\n")
    return EXIT_OK


register(
    "report",
    help="write the HTML report (with CSV and JSON beside it) from a database",
    configure=_configure_report,
    run=_run_report,
)


# simulate -----------------------------------------------------------------------------------


def _configure_simulate(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--traffic",
        required=True,
        help="cases per hour: one number, 24 comma-separated numbers, or a file with 24 lines",
    )
    parser.add_argument("--agents", default="1-20", help="staffing levels to try, e.g. 2-12")
    parser.add_argument("--handle", default="12m", help="average handling time per case")
    parser.add_argument("--target", type=float, default=0.8, help="share answered in time")
    parser.add_argument("--within", default="15m", help="the answer time of the service level")
    parser.add_argument("--days", type=int, default=5, help="simulated days per staffing level")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default=None, help="also write the table and chart here (.html)")
    parser.add_argument("--json", action="store_true")


def _run_simulate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from socialcx.model import parse_duration
    from socialcx.reports import plan_staffing, render_staffing

    try:
        traffic = _traffic(args.traffic)
        low, _, high = args.agents.partition("-")
        staffing = range(int(low), int(high or low) + 1)
        handle = parse_duration(args.handle)
        within = parse_duration(args.within)
    except (ValueError, OSError, SocialCXError) as exc:
        err.write(f"error: {exc}\n")
        return EXIT_USAGE
    plan = plan_staffing(
        traffic,
        staffing=staffing,
        handle=handle,
        within=within,
        target=args.target,
        days=args.days,
        seed=args.seed,
    )
    if args.json:
        out.write(json.dumps(plan.to_dict()) + "\n")
    else:
        out.write(plan.table() + "\n")
    if args.out:
        Path(args.out).write_text(render_staffing(plan), encoding="utf-8")
        out.write(f"chart: {args.out}\n")
    return EXIT_OK if plan.recommended is not None else EXIT_FAILED


def _traffic(spec: str) -> list[float]:
    path = Path(spec)
    if path.is_file():
        values = [float(line) for line in path.read_text().split() if line.strip()]
    else:
        values = [float(v) for v in spec.split(",")]
    if len(values) == 1:
        values = values * 24
    if len(values) != 24 or any(v < 0 for v in values):
        raise ValueError("--traffic: give one rate or 24 hourly rates, none negative")
    return values


register(
    "simulate",
    help="capacity planning: agents needed for a traffic profile (Erlang C, then a replay)",
    configure=_configure_simulate,
    run=_run_simulate,
)
