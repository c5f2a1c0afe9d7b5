"""Loading playbooks: defaults ship for every kind of case; errors name the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from socialcx.errors import ConfigError, ValidationError
from socialcx.gate import ApprovedAnswer, KnowledgeBase, ReasonCode, ReplyGate, lint
from socialcx.model import StepKind, Visibility
from socialcx.playbooks import (
    STANDARD_VARIABLES,
    default_playbooks,
    load_playbooks,
    load_playbooks_text,
    render_template,
)

KINDS = {
    "complaint",
    "incident",
    "question",
    "praise",
    "hostile",
    "legal",
    "safety",
    "advocacy",
    "spam",
}

GOOD = """
variables = ["voucher_code"]

[[playbook]]
name = "late_delivery"
applies_to = ["complaint"]

[[playbook.steps]]
kind = "acknowledge"
within = "30m"
visibility = "public"
template = "Hi {customer}, sorry about {issue}. {answer_delivery_times}"

[[playbook.steps]]
kind = "resolve"
within = "1d"
template = "Here is a voucher: {voucher_code}"
"""

KB = KnowledgeBase(
    answers=[ApprovedAnswer(topic="delivery times", text="Standard delivery takes 3 days.")]
)


def test_defaults_cover_every_kind_of_case() -> None:
    """One shipped playbook per kind: complaint, incident, question, praise, ..."""
    library = default_playbooks()
    assert {kind for p in library for kind in p.applies_to} == KINDS
    assert len(library.names) == len(set(library.names)) == 8


def test_default_templates_use_only_standard_variables() -> None:
    """The shipped templates load without any extra variable."""
    for playbook in default_playbooks():
        for step in playbook.steps:
            assert step.variables <= STANDARD_VARIABLES


def test_default_public_templates_pass_the_gate() -> None:
    """Filled in, every shipped template passes the gate's wording checks on X."""
    values = dict.fromkeys(STANDARD_VARIABLES, "the late parcel")
    values["customer"] = "Dana"
    values["status_url"] = "https://status.example.com"
    gate = ReplyGate()
    wording = {
        ReasonCode.PRIVATE_DATA,
        ReasonCode.RETRACTION_DEMAND,
        ReasonCode.CONDITIONAL_HELP,
        ReasonCode.TOO_LONG,
    }
    for playbook in default_playbooks():
        for step in playbook.steps:
            if step.template is None:
                continue
            text = render_template(step.template, values)
            public = step.visibility is not Visibility.PRIVATE
            verdict = lint(text, public=public, channel="x", gate=gate)
            assert not wording & {r.code for r in verdict.reasons}, (playbook.name, text)


def test_invite_to_share_never_comes_before_resolution() -> None:
    """Every shipped invitation to share follows a resolve step."""
    for playbook in default_playbooks():
        kinds = [s.kind for s in playbook.steps]
        if StepKind.INVITE_TO_SHARE in kinds:
            assert kinds.index(StepKind.RESOLVE) < kinds.index(StepKind.INVITE_TO_SHARE)


def test_load_with_declared_variables_and_answers() -> None:
    """Declared variables and answers of the knowledge base are accepted and rendered."""
    library = load_playbooks_text(GOOD, knowledge=KB)
    step = library.get("late_delivery").steps[0]
    assert step.template is not None
    text = library.render(step.template, {"customer": "Dana", "issue": "the late parcel"})
    assert text == "Hi Dana, sorry about the late parcel. Standard delivery takes 3 days."


def test_missing_variable_is_an_error_at_load_time() -> None:
    """An undeclared variable fails when the playbook loads, naming the key."""
    text = GOOD.replace('variables = ["voucher_code"]', "")
    with pytest.raises(ConfigError, match="voucher_code") as info:
        load_playbooks_text(text)
    assert info.value.field == "playbook[0].steps[1].template"


def test_unknown_answer_topic_is_an_error_when_answers_are_known() -> None:
    """``{answer_x}`` must name a topic of the knowledge base that was given."""
    load_playbooks_text(GOOD)  # without a knowledge base, answers are checked later
    with pytest.raises(ConfigError, match="no approved answer for topic 'delivery_times'"):
        load_playbooks_text(GOOD, knowledge=KnowledgeBase())
    library = load_playbooks_text(GOOD)
    with pytest.raises(ConfigError, match="steps\\[0\\]"):
        library.with_knowledge(KnowledgeBase())


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (('kind = "resolve"', 'kind = "solve"'), "playbook[0].steps[1].kind", "'solve'"),
        (('within = "1d"', 'within = "one day"'), "playbook[0].steps[1].within", "duration"),
        (('template = "Here', 'templat = "Here'), "playbook[0].steps[1].templat", "unknown"),
        (("{voucher_code}", "{voucher_code"), "playbook[0].steps[1].template", "malformed"),
        (('name = "late_delivery"', 'name = ""'), "playbook[0].name", "empty"),
        (('variables = ["voucher_code"]', 'variables = "x"'), "variables", "list"),
        (("[[playbook]]", "[[playbooks]]"), "playbooks", "unknown key"),
    ],
)
def test_errors_name_the_key(change: tuple[str, str], field: str, words: str) -> None:
    """Each kind of mistake is a ConfigError whose field is the key path."""
    text = GOOD.replace(*change)
    with pytest.raises(ConfigError, match=words) as info:
        load_playbooks_text(text, knowledge=KB)
    assert info.value.field == field


def test_invite_before_resolve_is_refused() -> None:
    """The model refuses an invitation to share before any resolution."""
    text = """
[[playbook]]
name = "bad"
applies_to = ["complaint"]
[[playbook.steps]]
kind = "invite_to_share"
[[playbook.steps]]
kind = "resolve"
"""
    with pytest.raises(ConfigError, match="after a resolve") as info:
        load_playbooks_text(text)
    assert info.value.field == "playbook[0].steps"


def test_invalid_toml_and_empty_files() -> None:
    """Bad TOML and a file without playbooks are ConfigErrors."""
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_playbooks_text("[[playbook]\n")
    with pytest.raises(ConfigError, match="no \\[\\[playbook\\]\\]"):
        load_playbooks_text("")


def test_duplicate_names_are_refused() -> None:
    """Two playbooks with one name are a ConfigError naming the second."""
    text = GOOD.replace('variables = ["voucher_code"]', "").replace(
        'template = "Here is a voucher: {voucher_code}"', ""
    )
    with pytest.raises(ConfigError, match="two playbooks") as info:
        load_playbooks_text(text + text.replace("late_delivery", "late_delivery"))
    assert info.value.field == "playbook[1].name"


def test_load_from_a_file_and_a_folder(tmp_path: Path) -> None:
    """A file, or every TOML file in a folder, loads; a missing file names itself."""
    (tmp_path / "a.toml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.toml").write_text(GOOD.replace("late_delivery", "other"), encoding="utf-8")
    assert load_playbooks(tmp_path / "a.toml").names == ("late_delivery",)
    assert load_playbooks(tmp_path).names == ("late_delivery", "other")
    with pytest.raises(ConfigError, match="cannot read"):
        load_playbooks(tmp_path / "missing.toml")


def test_merged_replaces_by_name() -> None:
    """A custom playbook replaces the default of the same name."""
    custom = load_playbooks_text(GOOD.replace("late_delivery", "spam"))
    library = default_playbooks().merged(custom)
    assert library.get("spam").steps[0].kind is StepKind.ACKNOWLEDGE
    assert len(library) == 8


def test_render_names_a_missing_value() -> None:
    """Rendering without a value is a ValidationError naming the variable."""
    with pytest.raises(ValidationError, match="\\{issue\\}") as info:
        render_template("Sorry about {issue}, {customer}", {"customer": "Dana"})
    assert info.value.field == "issue"
