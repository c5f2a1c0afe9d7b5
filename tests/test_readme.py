"""The README's desk example runs as written (given a policy file, a mention and a time)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

import socialcx as sx

README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_desk_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("The desk is what an application embeds") :]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code is not None
    monkeypatch.chdir(tmp_path)
    (tmp_path / "policy.toml").write_text('[[service_levels]]\nfirst_response = "1h"\n')
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    mention = sx.Mention(
        channel=sx.ChannelRef(platform="x", account="northwind"),
        native_id="1",
        author=sx.Author(platform="x", native_id="42", handle="dana"),
        text="@northwind my router is down since this morning and nobody answers",
        created_at=now,
        visibility="public",
    )
    scope: dict[str, object] = {"now": now, "mention": mention}
    exec(compile(code.group(1), "README.md", "exec"), scope)  # our own README
    outcome = scope["outcome"]
    assert isinstance(outcome, sx.Outcome)
    assert outcome.case is not None
    message, verdict = scope["message"], scope["verdict"]  # type: ignore[misc]
    assert isinstance(message, sx.OutboundMessage)
    assert type(verdict).__name__ in {"Allowed", "NeedsApproval"}


def test_the_readme_shows_what_the_demo_prints(tmp_path: Path) -> None:
    """The quickstart's summary table is a real run's, not an old one's."""
    import io

    from socialcx import cli

    text = README.read_text(encoding="utf-8")
    shown = re.search(r"```text\n(socialcx demo: one day at Northwind\n.*?)```", text, re.S)
    assert shown is not None, "the README lost its demo output block"
    out, err = io.StringIO(), io.StringIO()
    assert cli.main(["demo", "--out", str(tmp_path / "socialcx-demo")], stdout=out, stderr=err) == 0
    printed = out.getvalue().replace(str(tmp_path / "socialcx-demo"), "socialcx-demo")
    assert printed.strip() == shown.group(1).strip()
