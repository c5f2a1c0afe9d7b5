"""The rule language: parsed, never evaluated with eval; errors say where."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import socialcx as sx
from socialcx.errors import ConfigError
from socialcx.model import ROUTING_NAMES, Condition, ConditionError

FACTS = {
    "priority": sx.Priority.HIGH,
    "platform": "x",
    "labels": frozenset({"complaint", "urgent:legal"}),
    "hostile": False,
    "waited_minutes": 12,
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('priority >= "high"', True),
        ('priority > "high"', False),
        ('priority == "high" and platform == "x"', True),
        ('platform in ["bluesky", "mastodon"]', False),
        ('platform not in ["bluesky", "mastodon"]', True),
        ('"urgent:legal" in labels', True),
        ("hostile or waited_minutes > 10", True),
        ("not (hostile or waited_minutes > 20)", True),
        ('language == "en"', False),
        ("true and not false", True),
    ],
)
def test_evaluates_against_facts(text: str, expected: bool) -> None:
    """Comparisons, membership, boolean logic and priority ranks work as written."""
    assert Condition.parse(text, names=ROUTING_NAMES).matches(FACTS) is expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('priority >>= "high"', "expected a value"),
        ('priority >= "high" and', "expected a value"),
        ("(hostile", r"expected '\)'"),
        ("__import__('os')", r"unexpected '\('"),
        ("__import__", "unknown name '__import__'"),
        ("priority; drop", "unexpected character"),
        ("", "empty"),
        ("hostile hostile", "unexpected 'hostile'"),
    ],
)
def test_bad_conditions_are_clear_errors(text: str, fragment: str) -> None:
    """Malformed text or unknown names raise ConditionError saying what and where."""
    with pytest.raises(ConditionError, match=fragment):
        Condition.parse(text, names=ROUTING_NAMES)


def test_policy_refuses_a_bad_escalation_condition_naming_the_key() -> None:
    """A typo in an escalation rule fails when the policy loads, naming the key."""
    text = (
        '[[escalation]]\nname = "o"\nafter = "5m"\ntarget = "overflow"\n'
        "when = 'priorty >= \"high\"'\n"
    )
    with pytest.raises(ConfigError) as info:
        sx.Policy.from_toml_text(text)
    assert info.value.field == "escalation[0].when"
    assert "unknown name 'priorty'" in str(info.value)


@given(st.text(max_size=60))
def test_any_text_parses_or_raises_condition_error(text: str) -> None:
    """Arbitrary input never raises anything but ConditionError."""
    try:
        condition = Condition.parse(text)
    except ConditionError:
        return
    assert isinstance(condition.matches(FACTS), bool)
