"""The ``socialcx`` commands that run things: demo, report, simulate."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from socialcx import cli


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    folder = tmp_path_factory.mktemp("demo")
    code, out, _ = run("demo", "--out", str(folder), "--json")
    assert code == 0
    return folder, json.loads(out)


def test_the_demo_does_the_whole_job(demo: tuple[Path, dict[str, object]]) -> None:
    folder, summary = demo
    assert summary["posts"] > 250  # type: ignore[operator]
    assert summary["cases"] > 150  # type: ignore[operator]
    assert summary["routed"] > 100  # type: ignore[operator]
    assert summary["replies_sent"] > 100  # type: ignore[operator]
    assert summary["approvals"] >= 1  # type: ignore[operator]
    incidents = summary["incidents"]
    assert isinstance(incidents, list)
    assert incidents, "the outage around noon must be found"
    assert any("11:" in start or "10:" in start or "12:" in start for start, _, _ in incidents)
    report = Path(str(summary["report"]))
    assert report.is_file()
    assert (folder / "demo.db").is_file()
    assert (report.parent / "metrics.json").is_file()


def test_the_demo_prints_a_summary_table(tmp_path: Path) -> None:
    code, out, err = run("demo", "--out", str(tmp_path), "--scale", "0.3")
    assert code == 0
    assert "cases" in out
    assert "report:" in out
    assert "replaying the day" in err  # the progress bar


def test_report_from_a_database(demo: tuple[Path, dict[str, object]], tmp_path: Path) -> None:
    folder, _ = demo
    target = tmp_path / "day.html"
    code, out, _ = run("report", "--db", str(folder / "demo.db"), "--out", str(target))
    assert code == 0
    assert target.is_file()
    assert "cases" in out
    page = target.read_text()
    assert "Service level" in page or "service level" in page


def test_report_without_a_database_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run("report", "--db", str(tmp_path / "missing.db"))
    assert code == 2
    assert "no database" in err


def test_simulate_recommends_a_staffing_level(tmp_path: Path) -> None:
    chart = tmp_path / "plan.html"
    code, out, _ = run(
        "simulate", "--traffic", "12", "--agents", "1-6", "--days", "2", "--json",
        "--out", str(chart),
    )  # fmt: skip
    assert code == 0
    plan = json.loads(out.splitlines()[0])
    rows = plan["rows"]
    assert [r["agents"] for r in rows] == [1, 2, 3, 4, 5, 6]
    erlang = [r["erlang_service_level"] for r in rows]
    assert erlang == sorted(erlang)  # more agents never answer fewer in time
    assert plan["recommended"] in range(2, 7)
    chosen = next(r for r in rows if r["agents"] == plan["recommended"])
    assert chosen["simulated_service_level"] >= 0.8
    assert chart.is_file()


def test_simulate_refuses_a_bad_traffic_profile() -> None:
    code, _, err = run("simulate", "--traffic", "1,2,3")
    assert code == 2
    assert "24" in err


def test_the_demo_is_the_same_whatever_the_hash_seed(tmp_path: Path) -> None:
    """Replays are deterministic: nothing depends on the order of a set of strings."""
    import os
    import subprocess
    import sys

    outputs = []
    for seed in ("1", "2"):
        done = subprocess.run(
            [sys.executable, "-m", "socialcx", "demo", "--out", str(tmp_path), "--json"],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True, text=True, check=True, timeout=120,
        )  # fmt: skip
        outputs.append(json.loads(done.stdout))
    assert outputs[0] == outputs[1]
