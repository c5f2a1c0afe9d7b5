"""The HTML report in a real browser: headless Chromium renders its charts.

Skipped, with the reason, where Chromium or matplotlib is not installed.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from socialcx.demo import run_demo
from socialcx.demo._traffic import DAY
from socialcx.reports import compute_metrics, render_html
from socialcx.store import SQLiteStore

CHROMIUM = next(
    (p for p in (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")) if p),
    None,
)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="headless Chromium is not installed (Debian: apt install chromium)"
)
BAR_BLUE = (0x3B, 0x6E, 0xA5)  # the report's bar colour


def _bar_pixels(page: Path, shot: Path) -> Any:
    """Screenshot ``page`` in headless Chromium; the mask of pixels in the bar colour."""
    image = pytest.importorskip("matplotlib.image", reason="charts need socialcx[reports]")
    assert CHROMIUM is not None
    done = subprocess.run(
        [
            CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
            "--window-size=1200,2400", f"--screenshot={shot}", page.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    pixels = image.imread(shot)  # floats in [0, 1], rows x columns x RGB(A)
    red, green, blue = (c / 255 for c in BAR_BLUE)
    return (
        (abs(pixels[..., 0] - red) < 0.03)
        & (abs(pixels[..., 1] - green) < 0.03)
        & (abs(pixels[..., 2] - blue) < 0.03)
    )


def test_the_report_renders_its_charts_in_chromium(tmp_path: Path) -> None:
    summary = run_demo(tmp_path / "demo", scale=0.3)
    bars = _bar_pixels(summary.report, tmp_path / "report.png")
    share = bars.mean()
    assert share > 0.01, f"only {share:.2%} of the page shows chart bars: the charts did not render"
    rows_with_bars = bars.any(axis=1).nonzero()[0]
    assert rows_with_bars.max() - rows_with_bars.min() > 300  # more than one chart down the page

    # The same check on the tables-only report finds no bars: it tells charts apart.
    store = SQLiteStore(summary.database)
    metrics = compute_metrics(list(store.cases()), now=DAY + timedelta(days=1))
    store.close()
    tables_only = tmp_path / "tables.html"
    tables_only.write_text(render_html(metrics, charts=False), encoding="utf-8")
    assert _bar_pixels(tables_only, tmp_path / "tables.png").mean() < 0.001
