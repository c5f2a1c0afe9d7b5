"""The ``socialcx`` command: lint and check-config, run through ``main(argv)``."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from socialcx import cli


def run(*argv: str) -> tuple[int, str, str]:
    """Run the command; return the exit code, standard output and standard error."""
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_lint_allowed_json() -> None:
    """A good reply: verdict allowed, exit 0."""
    code, out, _ = run(
        "lint",
        "@dana Sorry your parcel arrived crushed. DM us and we'll send a new one.",
        "--channel",
        "x",
        "--public",
        "--json",
    )
    assert code == 0
    assert json.loads(out) == {"verdict": "allowed", "reasons": []}


def test_lint_refused_json_has_codes_and_spans() -> None:
    """A refused reply prints codes, messages and spans, and exits non-zero."""
    text = "@dana Please delete your tweet. Your booking XKQ7PD is fine."
    code, out, _ = run("lint", text, "--channel", "x", "--json")
    assert code == 1
    data = json.loads(out)
    assert data["verdict"] == "refused"
    assert [r["code"] for r in data["reasons"]] == ["retraction_demand", "private_data"]
    start, end = data["reasons"][1]["span"]
    assert text[start:end] == "XKQ7PD"
    assert all(r["message"] for r in data["reasons"])


def test_lint_needs_approval_exits_zero_and_names_the_role() -> None:
    """Needing approval is not a failure; the role is printed."""
    code, out, _ = run("lint", "Thanks!", "--agent", "tom", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["verdict"] == "needs_approval"
    assert data["role"] == "social_lead"
    assert data["reasons"][0]["code"] == "uncertified_agent"
    assert data["reasons"][0]["span"] is None


def test_lint_text_output() -> None:
    """Without --json the verdict and each reason are printed on lines."""
    code, out, _ = run("lint", "@x Booking XKQ7PD", "--channel", "x")
    assert code == 1
    assert out.splitlines()[0] == "refused"
    assert "private_data: [11:17] 'XKQ7PD'" in out


def test_lint_private_and_context_options() -> None:
    """--private, --private-conversation, the window and --topic reach the gate."""
    code, out, _ = run(
        "lint",
        "Hi Sam, the refund is done.",
        "--channel",
        "facebook",
        "--private",
        "--private-conversation",
        "--last-customer-message",
        "2026-03-02T09:00:00+00:00",
        "--now",
        "2026-03-04T09:00:00+00:00",
        "--json",
    )
    assert code == 1
    assert json.loads(out)["reasons"][0]["code"] == "private_window_closed"
    code, out, _ = run("lint", "We have passed this on.", "--topic", "legal", "--json")
    assert json.loads(out)["reasons"][0]["code"] == "sensitive_topic"


def test_lint_reads_standard_input(monkeypatch: pytest.MonkeyPatch) -> None:
    """'-' reads the reply from standard input."""
    monkeypatch.setattr("sys.stdin", io.StringIO("   "))
    code, out, _ = run("lint", "-", "--json")
    assert code == 1
    assert json.loads(out)["reasons"][0]["code"] == "empty_reply"


def test_lint_with_answers_file(tmp_path: Path) -> None:
    """--answers loads approved answers for the contradiction check."""
    answers = tmp_path / "answers.toml"
    answers.write_text(
        '[[answer]]\ntopic = "refunds"\ntext = "Refunds take 5 days."\nkeywords = ["refund"]\n',
        encoding="utf-8",
    )
    code, out, _ = run("lint", "Your refund takes 9 days.", "--answers", str(answers), "--json")
    assert code == 0
    assert json.loads(out)["reasons"][0]["code"] == "contradicts_approved_answer"


def test_lint_unknown_channel_is_a_usage_error() -> None:
    """An unknown network exits 2 with a message naming the known ones."""
    code, _, err = run("lint", "hi", "--channel", "myspace")
    assert code == 2
    assert "mastodon" in err


def test_usage_errors() -> None:
    """No subcommand, or a bad option, exits 2."""
    assert run()[0] == 2
    assert run("lint")[0] == 2
    assert run("lint", "x", "--public", "--private")[0] == 2


POLICY = """
[replies]
approver_role = "duty_manager"
approval_reach = 5000
"""

PLAYBOOK = """
[[playbook]]
name = "late"
applies_to = ["complaint"]
[[playbook.steps]]
kind = "acknowledge"
within = "1h"
template = "Hi {customer}"
"""


def test_check_config_policy_and_playbooks(tmp_path: Path) -> None:
    """Valid files print ok lines and exit 0; the kind is recognised from the keys."""
    policy = tmp_path / "policy.toml"
    policy.write_text(POLICY, encoding="utf-8")
    playbooks = tmp_path / "playbooks.toml"
    playbooks.write_text(PLAYBOOK, encoding="utf-8")
    code, out, err = run("check-config", str(policy), str(playbooks))
    assert code == 0, err
    assert "ok: " in out and "policy:" in out and "playbooks: late" in out


def test_check_config_names_the_key(tmp_path: Path) -> None:
    """An error names the key and exits 1."""
    policy = tmp_path / "policy.toml"
    policy.write_text(POLICY.replace("approval_reach", "approval_rech"), encoding="utf-8")
    playbooks = tmp_path / "playbooks.toml"
    playbooks.write_text(PLAYBOOK.replace("{customer}", "{custmer}"), encoding="utf-8")
    code, _, err = run("check-config", str(policy), str(playbooks))
    assert code == 1
    assert "approval_rech" in err
    assert "(key: playbook[0].steps[0].template)" in err
    assert "custmer" in err


def test_check_config_runtime_file_checks_what_it_points_to(tmp_path: Path) -> None:
    """A socialcx.toml is checked, and so are the policy and playbooks it names."""
    (tmp_path / "policy.toml").write_text(POLICY, encoding="utf-8")
    (tmp_path / "playbooks.toml").write_text(PLAYBOOK.replace('kind = "ack', 'kind = "akc'))
    config = tmp_path / "socialcx.toml"
    config.write_text(
        'policy = "policy.toml"\nplaybooks = "playbooks.toml"\nstore = "memory:"\n',
        encoding="utf-8",
    )
    code, _, err = run("check-config", str(config))
    assert code == 1
    assert "playbooks = 'playbooks.toml'" in err
    assert "akcnowledge" in err
    (tmp_path / "playbooks.toml").write_text(PLAYBOOK, encoding="utf-8")
    code, out, _ = run("check-config", str(config))
    assert code == 0
    assert "policy ok; playbooks ok" in out


def test_check_config_missing_file_and_bad_toml(tmp_path: Path) -> None:
    """Unreadable and malformed files are reported, not raised."""
    bad = tmp_path / "bad.toml"
    bad.write_text("[replies\n", encoding="utf-8")
    code, _, err = run("check-config", str(tmp_path / "nope.toml"), str(bad))
    assert code == 1
    assert "cannot read" in err
    assert "not valid TOML" in err


def test_check_config_answers_and_explicit_kind(tmp_path: Path) -> None:
    """An answers file is recognised; --kind forces how a file is read."""
    answers = tmp_path / "answers.toml"
    answers.write_text('[[answer]]\ntopic = "x"\ntext = "y"\n', encoding="utf-8")
    code, out, _ = run("check-config", str(answers))
    assert code == 0 and "approved answers: 1" in out
    code, _, err = run("check-config", "--kind", "policy", str(answers))
    assert code == 1 and "answer" in err


def test_subcommands_are_registered_and_extensible() -> None:
    """Subcommands come from a registry; a new one is one register() call."""
    assert [s.name for s in cli.subcommands()][:2] == ["lint", "check-config"]
    seen: list[str] = []

    def configure(parser: object) -> None:
        parser.add_argument("who")  # type: ignore[attr-defined]

    def hello(args: object, out: io.StringIO, err: io.StringIO) -> int:
        seen.append(args.who)  # type: ignore[attr-defined]
        out.write("hi\n")
        return 0

    try:
        cli.register("hello", help="say hi", configure=configure, run=hello)  # type: ignore[arg-type]
        assert run("hello", "dana") == (0, "hi\n", "")
        assert seen == ["dana"]
    finally:
        cli._SUBCOMMANDS.pop("hello", None)
