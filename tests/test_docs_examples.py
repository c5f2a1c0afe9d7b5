"""Every Python example in the README and the guides runs as written.

A page's examples run in order in one namespace, as a reader would type them,
given the names the page takes as known (``mention``, ``case``, ``now``…) and
the configuration files of docs/configuration.md in the working directory. A
comment just before an example may say how to take it:

- ``<!-- docs-test: skip (why) -->``: not run (it needs a real account, say);
- ``<!-- docs-test: raises Name -->``: it shows an error, which must be raised;
- ``<!-- docs-test: given name -->``: run ``_given_<name>`` on the namespace first.
"""

from __future__ import annotations

import ast
import asyncio
import inspect
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

import socialcx as sx
from socialcx.gate import CaseContext, KnowledgeBase, NeedsApproval, ReplyGate, capabilities_for
from socialcx.gate import Draft as GateDraft
from socialcx.testing import FakeChannel, FakeClock
from socialcx.triage import Triage

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
EXAMPLE = re.compile(r"(?:<!-- docs-test: ([^\n]*?) -->[ \t]*\n)?```python\n(.*?)```", re.S)
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _examples(path: Path) -> list[tuple[str | None, str]]:
    return [(m.group(1), m.group(2)) for m in EXAMPLE.finditer(path.read_text(encoding="utf-8"))]


def _pages() -> Iterator[Any]:
    """The pages with an example to run."""
    for path in PAGES:
        if any(how is None or not how.startswith("skip") for how, _ in _examples(path)):
            yield pytest.param(path, id=path.relative_to(ROOT).as_posix())


def _configuration_files(directory: Path) -> None:
    """policy.toml, playbooks.toml and answers.toml as docs/configuration.md shows them."""
    text = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    for section in re.split(r"\n## ", text)[1:]:
        name = section.splitlines()[0].strip("` ")
        block = re.search(r"```toml\n(.*?)```", section, re.S)
        if block and name != "socialcx.toml":
            (directory / name).write_text(block.group(1), encoding="utf-8")


class _Model:
    """A stand-in for the reader's own model."""

    def predict_proba(self, text: str) -> float:
        return 0.9 if "late" in text else 0.1


def _scope() -> dict[str, Any]:
    """The names the pages take as known, made fresh for each page."""
    clock = FakeClock(NOW)
    channel = sx.ChannelRef(platform="x", account="acme")
    mention = sx.Mention(
        channel=channel,
        native_id="1001",
        author=sx.Author(platform="x", native_id="42", handle="dana", followers=120),
        text="@acme my flight to Denver was cancelled and nobody answers, awful",
        created_at=NOW,
        visibility="public",
    )
    signals = Triage().assess(mention)
    case = sx.Case.open(
        id="case-1", customer="x:42", channel=channel, mention=mention.key,
        visibility=mention.visibility, at=NOW,
    ).triage(at=NOW, priority="high", labels=signals.labels, language="en")  # fmt: skip
    team = [
        sx.Agent(id="ana", skills={"billing"}, languages={"en"}, certifications={"social"}),
        sx.Agent(id="bo", languages={"en"}, certifications={"social", "hostile"}),
    ]
    fake = FakeChannel(clock=clock)

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"ok": True})

    return {
        "sx": sx,
        "timedelta": timedelta,
        "now": NOW,
        "later": NOW + timedelta(hours=2),
        "clock": clock,
        "mention": mention,
        "signals": signals,
        "case": case,
        "cases": [case],
        "incident": None,
        "incidents": [],
        "team": team,
        "lead": sx.Agent(id="lee", certifications={"social", "social_lead"}),
        "policy": sx.Policy.from_toml("policy.toml"),
        "token": "t0ken",
        "crm_lookup": {("x", "42"): "crm-42"},
        "new_id": lambda: "case-2",
        "my_model": _Model(),
        "client": httpx.AsyncClient(transport=httpx.MockTransport(answer)),
        "url": "https://acme.example/api/mentions",
        "channel": fake,
        "cursor": None,
        "meta_channel": fake,
    }


def _given_needs_approval(scope: dict[str, Any]) -> None:
    """A trainee's public draft: the verdict the approval example starts from."""
    gate = ReplyGate(policy=scope["policy"], knowledge=KnowledgeBase.from_toml("answers.toml"))
    draft = GateDraft(
        text="@dana Sorry your flight was cancelled. DM us and we'll rebook you.",
        visibility=sx.Visibility.PUBLIC,
        capabilities=capabilities_for("x"),
        agent=sx.Agent(id="tia"),
        context=CaseContext.from_case(scope["case"], customer_text=scope["mention"].text),
        now=NOW,
    )
    verdict = gate.check(draft)
    assert isinstance(verdict, NeedsApproval), verdict
    scope["verdict"] = verdict


def _given_desk(scope: dict[str, Any]) -> None:
    scope["desk"] = sx.Desk(policy=scope["policy"], store=sx.MemoryStore())


GIVEN: dict[str, Callable[[dict[str, Any]], None]] = {
    "needs_approval": _given_needs_approval,
    "desk": _given_desk,
}


def _run(code: str, scope: dict[str, Any], where: str) -> None:
    compiled = compile(code, where, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    result = eval(compiled, scope)  # our own documentation's examples
    if inspect.iscoroutine(result):
        asyncio.run(result)


@pytest.mark.parametrize("path", list(_pages()))
def test_the_examples_of_a_page_run(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _configuration_files(tmp_path)
    scope = _scope()
    for number, (how, code) in enumerate(_examples(path), start=1):
        where = f"{path.name}, example {number}"
        if how is not None and how.startswith("skip"):
            continue
        if how is not None and how.startswith("given "):
            GIVEN[how.split()[1]](scope)
        if how is not None and how.startswith("raises "):
            expected = how.split()[1]
            with pytest.raises(Exception) as caught:  # noqa: PT011 - the name is checked
                _run(code, scope, where)
            assert type(caught.value).__name__ == expected, where
        else:
            _run(code, scope, where)


def test_every_marker_is_understood() -> None:
    """A misspelt marker would silently run (or skip) the wrong way."""
    for path in PAGES:
        for how, _ in _examples(path):
            if how is None:
                continue
            word, _, rest = how.partition(" ")
            assert word in {"skip", "raises", "given"}, f"{path.name}: {how!r}"
            if word == "given":
                assert rest in GIVEN, f"{path.name}: no setup {rest!r}"
            if word == "skip":
                assert rest.startswith("(") and rest.endswith(")"), f"{path.name}: say why"
