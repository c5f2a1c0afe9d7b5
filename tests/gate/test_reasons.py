"""One test per reason code: what triggers it, the verdict it gives, and its span."""

from __future__ import annotations

from datetime import timedelta

import pytest

from socialcx.errors import PolicyViolation
from socialcx.gate import (
    Allowed,
    NeedsApproval,
    Reason,
    ReasonCode,
    Refused,
    ReplyGate,
    lint,
)
from socialcx.model import Policy, ReplyRules
from tests.conftest import T0
from tests.gate.conftest import TRAINEE, draft


def only(verdict: object, code: ReasonCode) -> Reason:
    """The single reason of ``verdict``, which must have ``code``."""
    reasons = verdict.reasons  # type: ignore[attr-defined]
    assert [r.code for r in reasons] == [code], reasons
    return reasons[0]


def test_a_good_reply_is_allowed(gate: ReplyGate) -> None:
    """A specific, polite public reply with no private data passes."""
    verdict = gate.check(
        draft(
            "@dana So sorry your parcel arrived crushed, Dana. DM us and we'll send a new one.",
            customer_text="my parcel arrived crushed",
        )
    )
    assert verdict == Allowed()
    assert verdict.to_dict() == {"verdict": "allowed", "reasons": []}


@pytest.mark.parametrize("text", ["", "   ", "\n\t "])
def test_empty_reply_is_refused(gate: ReplyGate, text: str) -> None:
    """An empty or blank draft is refused, with no span."""
    reason = only(gate.check(draft(text)), ReasonCode.EMPTY_REPLY)
    assert reason.span is None


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("@dana Your booking XKQ7PD is confirmed.", "XKQ7PD"),
        ("@dana We emailed dana.k@example.org the label.", "dana.k@example.org"),
        ("@dana The card 4111 1111 1111 1111 was declined.", "4111 1111 1111 1111"),
        ("@dana The courier will call +44 20 7946 0958 first.", "+44 20 7946 0958"),
        ("@dana It goes to 42 Elm Street tomorrow.", "42 Elm Street"),
    ],
)
def test_private_data_in_public_is_refused_with_its_span(
    gate: ReplyGate, text: str, found: str
) -> None:
    """Private data in a public reply is refused; the span covers exactly the data."""
    verdict = gate.check(draft(text))
    assert isinstance(verdict, Refused)
    reason = only(verdict, ReasonCode.PRIVATE_DATA)
    assert reason.span is not None
    assert text[reason.span[0] : reason.span[1]] == found
    assert "private message" in reason.message


def test_private_data_in_private_is_fine(gate: ReplyGate) -> None:
    """The same details may go in a private message."""
    verdict = gate.check(
        draft("Your booking XKQ7PD is confirmed.", public=False, private_conversation=True)
    )
    assert verdict == Allowed()


def test_without_private_messages_the_advice_is_email(gate: ReplyGate) -> None:
    """On a network without DMs, the reason suggests e-mail or phone instead."""
    reason = only(
        gate.check(draft("Booking XKQ7PD is fine.", channel="youtube")), ReasonCode.PRIVATE_DATA
    )
    assert "e-mail or phone" in reason.message


@pytest.mark.parametrize(
    "text",
    [
        "@raj Call our baggage team on 0800 028 0093, open 24/7.",
        "@raj Please give us a call at 1-800-275-2273.",
        "@raj You can email support@example.com with the receipts.",
    ],
)
def test_published_brand_contacts_are_not_private(gate: ReplyGate, text: str) -> None:
    """The brand's own service lines and mailboxes may be quoted in public."""
    assert gate.check(draft(text)) == Allowed()


def test_configured_brand_contacts_are_allowed() -> None:
    """A number listed in ``brand_contacts`` passes even without a 'call us'."""
    text = "@raj 020 7946 0000 works from 8 to 8."
    assert isinstance(ReplyGate().check(draft(text)), Refused)
    gate = ReplyGate(brand_contacts={"+44 20 7946 0000", "020 7946 0000"})
    assert gate.check(draft(text)) == Allowed()


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("@sally Please take down your review.", "take down your review"),
        ("@greg We'd ask that you delete this tweet now.", "delete this tweet"),
        ("@dmitri Would you mind taking the video down?", "taking the video down"),
        ("@tony This post is misleading and needs to be removed.", None),
    ],
)
def test_retraction_demand_is_refused(gate: ReplyGate, text: str, span: str | None) -> None:
    """Asking a customer to remove or change their post is refused, with the words' span."""
    verdict = gate.check(draft(text))
    assert isinstance(verdict, Refused)
    reason = only(verdict, ReasonCode.RETRACTION_DEMAND)
    assert reason.span is not None
    if span is not None:
        assert text[reason.span[0] : reason.span[1]] == span


@pytest.mark.parametrize(
    "text",
    [
        "@greg Delete the app, reinstall it and sign in again.",
        "@greg For your security, please delete the tweet with your order number and DM us.",
        "@greg We can't remove reviews, but we've replied to yours.",
        "@greg You can edit or delete your review any time from your profile.",
        "@greg We'll refund you whether or not you change your review.",
    ],
)
def test_troubleshooting_and_privacy_advice_are_not_retraction_demands(
    gate: ReplyGate, text: str
) -> None:
    """Deleting an app, a privacy warning, or an explanation is not a demand."""
    assert ReasonCode.RETRACTION_DEMAND.value not in gate.check(draft(text)).codes


@pytest.mark.parametrize(
    "text",
    [
        "@greg If you delete your tweet, we'll refund the full amount today.",
        "@greg In exchange for removing the video, we can offer you a full refund.",
        "@greg Leave us a 5-star review and we'll add a free month.",
        "@greg We'll only process the refund after the tweet is deleted.",
    ],
)
def test_conditional_help_is_refused(gate: ReplyGate, text: str) -> None:
    """Help that depends on the customer's post is refused."""
    verdict = gate.check(draft(text))
    assert isinstance(verdict, Refused)
    assert ReasonCode.CONDITIONAL_HELP in {r.code for r in verdict.reasons}
    reason = next(r for r in verdict.reasons if r.code is ReasonCode.CONDITIONAL_HELP)
    assert reason.span is not None and reason.span[0] < reason.span[1]


@pytest.mark.parametrize(
    "text",
    [
        "@greg If you DM us your order number, we'll look into it right away.",
        "@greg If you update the app to 8.4, we'll be able to fix it faster.",
        "@greg Glad it's sorted! If you ever feel like sharing how it went, we'd love that.",
    ],
)
def test_ordinary_conditions_are_not_conditional_help(gate: ReplyGate, text: str) -> None:
    """A condition on anything but the customer's post is fine."""
    assert ReasonCode.CONDITIONAL_HELP.value not in gate.check(draft(text)).codes


def test_robotic_placeholder_is_flagged_for_approval(gate: ReplyGate) -> None:
    """Stock wording that ignores the customer's problem needs a reviewer."""
    text = "@dana We are looking into this. Thanks for your patience."
    verdict = gate.check(draft(text, customer_text="my flight to Denver was cancelled"))
    assert isinstance(verdict, NeedsApproval)
    assert verdict.role == "social_lead"
    reason = only(verdict, ReasonCode.ROBOTIC_PLACEHOLDER)
    assert reason.span is not None
    assert text[reason.span[0] : reason.span[1]] == "We are looking into this"


def test_an_acknowledgement_that_names_the_issue_is_not_a_placeholder(gate: ReplyGate) -> None:
    """Stock wording is fine when the reply addresses the actual problem."""
    verdict = gate.check(
        draft(
            "@dana Sorry for the inconvenience, Dana. Your Denver flight was cancelled by "
            "the storm; DM us and we'll rebook you.",
            customer_text="my flight to Denver was cancelled",
        )
    )
    assert verdict == Allowed()


def test_placeholder_check_is_only_for_public_replies(gate: ReplyGate) -> None:
    """A private holding message is not flagged."""
    verdict = gate.check(draft("We're looking into this.", public=False, private_conversation=True))
    assert verdict == Allowed()


def test_too_long_counts_as_the_network_counts(gate: ReplyGate) -> None:
    """X counts CJK as 2; the span starts where the limit is passed."""
    text = "ご" * 141
    verdict = gate.check(draft(text))
    reason = only(verdict, ReasonCode.TOO_LONG)
    assert reason.span == (140, 141)
    assert "282 weighted" in reason.message
    assert gate.check(draft("ご" * 140)) == Allowed()


def test_links_count_as_23_on_x(gate: ReplyGate) -> None:
    """A long URL counts as 23 on X, so a long link does not make a reply too long."""
    text = "@dana Steps here: https://example.com/" + "a" * 400
    assert ReasonCode.TOO_LONG.value not in gate.check(draft(text)).codes


def test_bluesky_counts_graphemes(gate: ReplyGate) -> None:
    """A family emoji is one grapheme on Bluesky."""
    family = "👩\u200d👩\u200d👧\u200d👦"
    assert gate.check(draft(family * 300, channel="bluesky")) == Allowed()
    assert ReasonCode.TOO_LONG.value in gate.check(draft(family * 301, channel="bluesky")).codes


def test_private_message_the_brand_may_not_start_is_refused(gate: ReplyGate) -> None:
    """On X the customer must write first; the reason says to invite them publicly."""
    reason = only(gate.check(draft("Hi Dana!", public=False)), ReasonCode.PRIVATE_START_NOT_ALLOWED)
    assert "invite" in reason.message


def test_brand_may_start_on_mastodon(gate: ReplyGate) -> None:
    """Mastodon lets the brand send a direct post first."""
    assert gate.check(draft("Hi Dana!", public=False, channel="mastodon")) == Allowed()


def test_private_window(gate: ReplyGate) -> None:
    """Messenger's 24 h window: inside is fine, outside is refused."""
    inside = draft(
        "Hi Sam, the refund went through.",
        public=False,
        channel="facebook",
        private_conversation=True,
        last_customer_message_at=T0,
        now=T0 + timedelta(hours=23),
    )
    assert gate.check(inside) == Allowed()
    outside = draft(
        "Hi Sam, the refund went through.",
        public=False,
        channel="facebook",
        private_conversation=True,
        last_customer_message_at=T0,
        now=T0 + timedelta(hours=25),
    )
    reason = only(gate.check(outside), ReasonCode.PRIVATE_WINDOW_CLOSED)
    assert "24 hours" in reason.message


def test_private_message_on_a_network_without_them(gate: ReplyGate) -> None:
    """YouTube has no DMs."""
    only(gate.check(draft("Hi!", public=False, channel="youtube")), ReasonCode.PRIVATE_UNSUPPORTED)


def test_public_reply_on_a_private_only_channel() -> None:
    """A channel without public replies refuses a public draft."""
    from socialcx.model import ChannelCapabilities

    verdict = lint("Hello", channel=ChannelCapabilities(public_reply=False, private_message=True))
    only(verdict, ReasonCode.PUBLIC_REPLY_UNSUPPORTED)


def test_uncertified_agent_needs_approval(gate: ReplyGate) -> None:
    """A trainee's public reply waits for the approver role; their DMs do not."""
    text = "@jo Sorry your bag arrived damaged, Jo. DM us a photo and we'll repair it."
    verdict = gate.check(draft(text, agent=TRAINEE, customer_text="my bag arrived damaged"))
    assert isinstance(verdict, NeedsApproval)
    assert verdict.role == "social_lead"
    assert only(verdict, ReasonCode.UNCERTIFIED_AGENT).span is None
    private = draft("The repair is booked.", public=False, agent=TRAINEE, private_conversation=True)
    assert gate.check(private) == Allowed()


def test_high_reach_author_needs_approval(gate: ReplyGate) -> None:
    """Above the policy's reach threshold, a public reply needs approval."""
    text = "@chef Sorry the Soho booking was lost; the manager will call you today."
    verdict = gate.check(draft(text, author_reach=50_000, customer_text="soho booking lost"))
    only(verdict, ReasonCode.HIGH_REACH_AUTHOR)
    assert (
        gate.check(draft(text, author_reach=10_000, customer_text="soho booking lost")) == Allowed()
    )


def test_sensitive_topic_needs_approval_by_the_configured_role() -> None:
    """Legal and safety cases need the policy's approver, in public and in private."""
    policy = Policy(replies=ReplyRules(approver_role="duty_manager"))
    gate = ReplyGate(policy=policy)
    verdict = gate.check(
        draft(
            "We've passed this to our legal team.",
            public=False,
            topics={"legal"},
            private_conversation=True,
        )
    )
    assert isinstance(verdict, NeedsApproval)
    assert verdict.role == "duty_manager"
    only(verdict, ReasonCode.SENSITIVE_TOPIC)


def test_contradicting_the_approved_answer_is_flagged(gate: ReplyGate) -> None:
    """A different number of days than the approved answer is flagged, with its span."""
    text = "@wes Refunds reach your card within 14 days."
    verdict = gate.check(draft(text, topics={"refunds"}))
    reason = only(verdict, ReasonCode.CONTRADICTS_APPROVED_ANSWER)
    assert reason.span is not None
    assert text[reason.span[0] : reason.span[1]] == "14 days"
    assert gate.check(draft("@wes Refunds take 5 business days.", topics={"refunds"})) == Allowed()


def test_forbidden_claims_are_flagged(gate: ReplyGate) -> None:
    """A claim the approved answer rules out is flagged, found by keyword."""
    text = "@wes Sorry, no refunds on sale items."
    reason = only(gate.check(draft(text)), ReasonCode.CONTRADICTS_APPROVED_ANSWER)
    assert reason.span is not None
    assert text[reason.span[0] : reason.span[1]] == "no refunds"


def test_refusal_keeps_every_reason_and_raises_policy_violation(gate: ReplyGate) -> None:
    """A refused verdict lists all findings, and converts to PolicyViolation."""
    verdict = gate.check(draft("@x Please delete your tweet. Booking XKQ7PD.", agent=TRAINEE))
    assert isinstance(verdict, Refused)
    assert verdict.codes == ("retraction_demand", "private_data", "uncertified_agent")
    error = verdict.error()
    assert isinstance(error, PolicyViolation)
    assert "retraction_demand" in error.codes
    assert "uncertified_agent" not in str(error)


def test_to_dict_shape(gate: ReplyGate) -> None:
    """The JSON shape that ``socialcx lint --json`` prints."""
    data = gate.check(draft("@x Booking XKQ7PD")).to_dict()
    assert data["verdict"] == "refused"
    assert data["reasons"][0]["code"] == "private_data"
    assert data["reasons"][0]["span"] == [11, 17]


def test_every_code_has_a_severity() -> None:
    """The severity table covers every reason code."""
    from socialcx.gate import SEVERITY

    assert set(SEVERITY) == set(ReasonCode)


def test_lint_with_unknown_channel_names_it() -> None:
    """An unknown network is a ValidationError naming the known ones."""
    from socialcx.errors import ValidationError

    with pytest.raises(ValidationError, match="mastodon"):
        lint("hi", channel="myspace")
