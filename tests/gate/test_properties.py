"""Properties: the gate is total. Any text gives a verdict, never an exception."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from socialcx.gate import (
    PLATFORM_CAPABILITIES,
    Allowed,
    CaseContext,
    Draft,
    KnowledgeBase,
    NeedsApproval,
    Refused,
    ReplyGate,
    Severity,
)
from socialcx.model import Agent, Visibility
from tests.conftest import T0
from tests.gate.conftest import ANSWERS

GATE = ReplyGate(knowledge=KnowledgeBase.from_toml_text(ANSWERS))

# Text that looks like replies: words the checks look for, digits, emoji, marks.
PIECES = st.sampled_from(
    [
        "please delete your tweet",
        "if you remove the post we will refund you",
        "we are looking into this",
        "sorry for any inconvenience",
        "booking XKQ7PD",
        "call 0800 028 0093",
        "4111 1111 1111 1111",
        "a@b.co",
        "14 days",
        "£25",
        "👩\u200d👩\u200d👧",
        "e\u0301",
        "\n",
        " ",
        "@dana",
        "https://t.co/x",
    ]
)
REPLY_TEXT = st.one_of(
    st.text(),
    st.lists(st.one_of(PIECES, st.text(max_size=8)), max_size=12).map(" ".join),
)


@given(
    text=REPLY_TEXT,
    public=st.booleans(),
    channel=st.sampled_from(sorted(PLATFORM_CAPABILITIES)),
    certified=st.booleans(),
    customer_text=st.text(max_size=40),
    reach=st.integers(min_value=0, max_value=10**7),
    private_conversation=st.booleans(),
    hours=st.integers(min_value=0, max_value=100),
)
def test_any_text_gets_a_verdict_with_spans_inside_it(
    text: str,
    public: bool,
    channel: str,
    certified: bool,
    customer_text: str,
    reach: int,
    private_conversation: bool,
    hours: int,
) -> None:
    """The gate never raises; every span lies within the text; the verdict fits its reasons."""
    draft = Draft(
        text=text,
        visibility=Visibility.PUBLIC if public else Visibility.PRIVATE,
        capabilities=PLATFORM_CAPABILITIES[channel],
        agent=Agent(id="a", certifications={"social"} if certified else set()),
        context=CaseContext(
            customer_text=customer_text,
            topics={"refunds"},
            author_reach=reach,
            last_customer_message_at=T0,
            private_conversation=private_conversation,
        ),
        now=T0 + timedelta(hours=hours),
    )
    verdict = GATE.check(draft)
    assert isinstance(verdict, Allowed | NeedsApproval | Refused)
    for reason in verdict.reasons:
        if reason.span is not None:
            start, end = reason.span
            assert 0 <= start <= end <= len(text)
    severities = {r.severity for r in verdict.reasons}
    if isinstance(verdict, Refused):
        assert Severity.REFUSE in severities
    elif isinstance(verdict, NeedsApproval):
        assert severities and Severity.REFUSE not in severities
    else:
        assert not severities
    assert verdict.to_dict()["verdict"] == verdict.name


@given(text=st.text(min_size=1).filter(lambda t: t.strip()))
def test_private_data_is_never_allowed_in_public_when_appended(text: str) -> None:
    """Appending an e-mail address to any public reply makes it refused."""
    verdict = GATE.check(
        Draft(text=f"{text} write to dana.k@example.org", visibility=Visibility.PUBLIC)
    )
    assert isinstance(verdict, Refused)
    assert "private_data" in verdict.codes
