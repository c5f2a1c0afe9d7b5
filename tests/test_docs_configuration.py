"""The configuration guide's examples load: the docs stay true."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from socialcx.gate import KnowledgeBase
from socialcx.model import Policy
from socialcx.playbooks import load_playbooks_text
from socialcx.runtime import RuntimeConfig

DOC = Path(__file__).resolve().parents[1] / "docs" / "configuration.md"


def _blocks() -> dict[str, str]:
    """The TOML blocks of the guide, by the section they are in."""
    text = DOC.read_text(encoding="utf-8")
    found = {}
    for section in re.split(r"\n## ", text)[1:]:
        title = section.splitlines()[0].strip("` ")
        match = re.search(r"```toml\n(.*?)```", section, re.S)
        if match:
            found[title] = match.group(1)
    return found


def test_every_file_of_the_guide_has_an_example() -> None:
    assert set(_blocks()) == {"socialcx.toml", "policy.toml", "playbooks.toml", "answers.toml"}


def test_the_socialcx_toml_example_loads_and_builds(tmp_path: Path) -> None:
    path = tmp_path / "socialcx.toml"
    path.write_text(_blocks()["socialcx.toml"])
    config = RuntimeConfig.from_toml(path)
    assert [c.type for c in config.channels] == ["mastodon", "bluesky", "blog"]
    assert [a.id for a in config.agents] == ["ana", "sam"]
    environ = {
        "MASTODON_TOKEN": "t-secret",
        "BLUESKY_APP_PASSWORD": "p-secret",
        "MASTODON_VERIFY_TOKEN": "v",
    }
    channels = config.build_channels(environ=environ)
    assert str(channels[0].ref) == "mastodon:northwind@social.example"
    assert all("secret" not in repr(c) for c in channels)


def test_the_policy_example_loads() -> None:
    policy = Policy.from_toml_text(_blocks()["policy.toml"])
    assert policy.replies.approver_role == "social_lead"
    assert len(policy.service_levels) == 3


def test_the_playbook_and_answers_examples_load() -> None:
    (playbook,) = load_playbooks_text(_blocks()["playbooks.toml"])
    assert playbook.name == "isolated_complaint"
    knowledge = KnowledgeBase.from_toml_text(_blocks()["answers.toml"])
    assert [a.topic for a in knowledge.answers] == ["refunds"]


@pytest.mark.parametrize("name", ["socialcx.toml", "policy.toml"])
def test_check_config_accepts_the_examples(tmp_path: Path, name: str) -> None:
    import io

    from socialcx import cli

    path = tmp_path / name
    path.write_text(_blocks()[name])
    (tmp_path / "policy.toml").write_text(_blocks()["policy.toml"])
    (tmp_path / "playbooks.toml").write_text(_blocks()["playbooks.toml"])
    out, err = io.StringIO(), io.StringIO()
    assert cli.main(["check-config", str(path)], stdout=out, stderr=err) == 0, err.getvalue()
