"""Approved answers: loading, quantities, and what counts as a contradiction."""

from __future__ import annotations

import pytest

from socialcx.errors import ConfigError
from socialcx.gate import ApprovedAnswer, KnowledgeBase, quantities


def test_quantities_normalise_durations() -> None:
    """Durations compare in hours; money keeps its currency."""
    found = quantities("within 2 days, or 48 hours, for £25 and 10% off")
    assert [(q.dimension, q.size) for q in found] == [
        ("duration", 48.0),
        ("duration", 48.0),
        ("money:gbp", 25.0),
        ("percent", 10.0),
    ]


def test_keyword_relevance_only_counts_numbers_in_topic_sentences() -> None:
    """A number in a sentence that is not about the topic is not a contradiction."""
    kb = KnowledgeBase(
        answers=[ApprovedAnswer(topic="refunds", text="Refunds take 5 days.", keywords={"refund"})]
    )
    assert list(kb.contradictions("Three days without a towel! We'll refund two nights.")) == []
    assert len(list(kb.contradictions("The refund takes 10 days."))) == 1


def test_case_topics_take_precedence_over_keywords() -> None:
    """With a topic that has an answer, only that answer is checked."""
    kb = KnowledgeBase(
        answers=[
            ApprovedAnswer(topic="returns", text="Returns within 30 days."),
            ApprovedAnswer(topic="refunds", text="Refunds within 5 days.", keywords={"refund"}),
        ]
    )
    text = "Return it within 30 days for a refund."
    assert list(kb.contradictions(text, ["returns"])) == []
    assert len(list(kb.contradictions(text, ["refunds"]))) == 1


def test_from_toml_names_the_key() -> None:
    """A wrong key or type in an answers file is a ConfigError naming it."""
    with pytest.raises(ConfigError, match="answer\\[0\\]") as info:
        KnowledgeBase.from_toml_text('[[answer]]\ntopic = "x"\ntext = "y"\nkeyword = ["z"]\n')
    assert info.value.field == "keyword"
    with pytest.raises(ConfigError, match="'answers'"):
        KnowledgeBase.from_toml_text("[[answers]]\n")
    with pytest.raises(ConfigError, match="two answers"):
        KnowledgeBase.from_toml_text(
            '[[answer]]\ntopic = "x"\ntext = "y"\n[[answer]]\ntopic = "x"\ntext = "z"\n'
        )


def test_empty_forbidden_claim_is_refused() -> None:
    """A blank forbidden claim would match everywhere, so it cannot exist."""
    with pytest.raises(ValueError, match="forbidden"):
        ApprovedAnswer(topic="x", text="y", forbidden=[" "])
