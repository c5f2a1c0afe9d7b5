"""Builders for gate tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from socialcx.gate import CaseContext, Draft, KnowledgeBase, ReplyGate, capabilities_for
from socialcx.model import Agent, Visibility

CERTIFIED = Agent(id="ana", certifications={"social"})
TRAINEE = Agent(id="tom")

ANSWERS = """
[[answer]]
topic = "refunds"
text = "Refunds reach the original payment method within 5 business days."
keywords = ["refund"]
forbidden = ["no refunds"]
"""


def draft(text: str, *, public: bool = True, channel: str = "x", **context: Any) -> Draft:
    """A draft by a certified agent on ``channel``; keyword arguments set the case context."""
    now = context.pop("now", None)
    agent = context.pop("agent", CERTIFIED)
    return Draft(
        text=text,
        visibility=Visibility.PUBLIC if public else Visibility.PRIVATE,
        capabilities=capabilities_for(channel),
        agent=agent,
        context=CaseContext(**context),
        now=now,
    )


@pytest.fixture
def gate() -> ReplyGate:
    """The default policy with one approved answer."""
    return ReplyGate(knowledge=KnowledgeBase.from_toml_text(ANSWERS))


DAY = timedelta(days=1)
