"""Protocol values: Page and Delivery validate; health follows its table; outbound checks."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from socialcx.channels import (
    HEALTH_TRANSITIONS,
    ChannelHealth,
    Delivery,
    HealthEvent,
    HealthMonitor,
    MessageRefused,
    Page,
    check_outbound,
    health_event,
)
from socialcx.errors import (
    AuthError,
    AuthExpired,
    InvalidPayload,
    PermanentChannelError,
    RateLimited,
    TransientChannelError,
    ValidationError,
)
from socialcx.model import ChannelCapabilities, ChannelRef, LengthUnit, OutboundMessage

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
REF = ChannelRef(platform="x", account="acme")


def _message(
    text: str = "Hello", *, private: bool = False, channel: ChannelRef = REF
) -> OutboundMessage:
    return OutboundMessage(
        id="m1",
        case_id="c1",
        channel=channel,
        visibility="private" if private else "public",
        text=text,
        created_at=T0,
        in_reply_to=None if private else "123",
        recipient="u-1" if private else None,
    )


def test_page_requires_a_string_cursor() -> None:
    """A Page without a string cursor is refused, naming next_cursor."""
    with pytest.raises(ValidationError) as caught:
        Page(mentions=(), next_cursor=None)  # type: ignore[arg-type]
    assert caught.value.field == "next_cursor"


def test_page_refuses_non_mentions() -> None:
    """Every item of a page must be a Mention; the bad index is named."""
    with pytest.raises(ValidationError) as caught:
        Page(mentions=["not a mention"], next_cursor="c")  # type: ignore[list-item]
    assert caught.value.field == "mentions[0]"


def test_page_accepts_a_list() -> None:
    """Mentions given as a list are stored as a tuple."""
    assert Page(mentions=[], next_cursor="c").mentions == ()


def test_page_carries_rejected_items_with_their_raw_data() -> None:
    """Rejected items default to none, are stored as a tuple and keep their raw payload."""
    assert Page(mentions=[], next_cursor="c").rejected == ()
    broken = InvalidPayload("x: tweet.text: not a string", raw='{"id": "1", "text": 5}')
    page = Page(mentions=[], next_cursor="c", rejected=[broken])
    assert page.rejected == (broken,)
    assert page.rejected[0].raw == '{"id": "1", "text": 5}'


def test_page_refuses_rejected_items_that_are_not_invalid_payloads() -> None:
    """Only InvalidPayload errors (which keep the raw data) may be rejected items."""
    with pytest.raises(ValidationError) as caught:
        Page(mentions=[], next_cursor="c", rejected=[ValueError("bad")])  # type: ignore[list-item]
    assert caught.value.field == "rejected[0]"


def test_delivery_requires_a_native_id() -> None:
    """A delivery without the network's id is refused."""
    with pytest.raises(ValidationError) as caught:
        Delivery(native_id=" ")
    assert caught.value.field == "native_id"


def test_delivery_refuses_naive_times() -> None:
    """sent_at must be timezone-aware."""
    with pytest.raises(ValidationError):
        Delivery(native_id="1", sent_at=datetime(2026, 1, 1))  # noqa: DTZ001


def test_health_table_is_complete() -> None:
    """Every (state, event) pair has a transition."""
    assert len(HEALTH_TRANSITIONS) == len(ChannelHealth) * len(HealthEvent)


@pytest.mark.parametrize(
    ("error", "event"),
    [
        (None, HealthEvent.SUCCEEDED),
        (PermanentChannelError("404"), HealthEvent.SUCCEEDED),
        (RateLimited("x", retry_after=1), HealthEvent.RATE_LIMITED),
        (TransientChannelError("503"), HealthEvent.FAILED),
        (InvalidPayload("bad", raw=b""), HealthEvent.FAILED),
        (AuthExpired("expired"), HealthEvent.AUTH_FAILED),
        (AuthError("revoked"), HealthEvent.AUTH_FAILED),
    ],
)
def test_errors_classify_by_type(error: Exception | None, event: HealthEvent) -> None:
    """The health event is chosen by the error's class."""
    assert health_event(error) is event


def test_health_degrades_and_recovers() -> None:
    """Failures degrade a channel and the next success heals it."""
    monitor = HealthMonitor()
    assert monitor.observe(TransientChannelError("503")) is ChannelHealth.DEGRADED
    assert monitor.observe(None) is ChannelHealth.HEALTHY


def test_expired_token_needs_reauthorization_until_renewed() -> None:
    """After an auth failure, successes do not hide it; only reauthorization clears it."""
    monitor = HealthMonitor()
    monitor.observe(AuthExpired("expired"))
    assert monitor.observe(None) is ChannelHealth.REAUTHORIZATION_NEEDED
    assert monitor.record(HealthEvent.REAUTHORIZED) is ChannelHealth.HEALTHY


def test_check_outbound_passes_a_fitting_reply() -> None:
    """A public reply within the limit passes."""
    check_outbound(_message("x" * 280), ChannelCapabilities(max_length=280), channel=REF)


def test_check_outbound_refuses_too_long_naming_text() -> None:
    """Too-long text is refused naming the field, the reason and the count."""
    caps = ChannelCapabilities(max_length=280, length_unit=LengthUnit.WEIGHTED)
    with pytest.raises(MessageRefused) as caught:
        check_outbound(_message("日" * 141), caps, channel=REF)
    assert isinstance(caught.value, PermanentChannelError)
    assert (caught.value.field, caught.value.reason) == ("text", "too_long")
    assert "282" in str(caught.value)


def test_check_outbound_uses_the_private_limit() -> None:
    """A private message is measured against the private limit."""
    caps = ChannelCapabilities(max_length=10, private_max_length=100, private_message=True)
    check_outbound(_message("y" * 50, private=True), caps, channel=REF)


def test_check_outbound_refuses_private_without_support() -> None:
    """A private message on a public-only channel is refused."""
    with pytest.raises(MessageRefused) as caught:
        check_outbound(_message(private=True), ChannelCapabilities(), channel=REF)
    assert caught.value.reason == "no_private_message"


def test_check_outbound_refuses_public_without_support() -> None:
    """A public reply where the channel has none is refused."""
    caps = ChannelCapabilities(public_reply=False, private_message=True)
    with pytest.raises(MessageRefused) as caught:
        check_outbound(_message(), caps, channel=REF)
    assert caught.value.reason == "no_public_reply"


def test_check_outbound_refuses_another_channels_message() -> None:
    """A message for another brand account is refused rather than sent from the wrong one."""
    other = ChannelRef(platform="x", account="other-brand")
    with pytest.raises(MessageRefused) as caught:
        check_outbound(_message(channel=other), ChannelCapabilities(), channel=REF)
    assert caught.value.field == "channel"
