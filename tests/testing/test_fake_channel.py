"""FakeChannel: an in-memory network with real rules and scriptable faults."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable
from datetime import timedelta
from typing import TypeVar

import pytest

from socialcx.channels import BadSignature, ChannelHealth, MessageRefused, WebhookChannel
from socialcx.errors import (
    AuthExpired,
    InvalidPayload,
    PermanentChannelError,
    RateLimited,
    TransientChannelError,
    ValidationError,
)
from socialcx.model import ChannelCapabilities, OutboundMessage, Visibility
from socialcx.testing import FakeChannel, FakeClock, Fault

T = TypeVar("T")


def run(awaitable: Awaitable[T]) -> T:
    async def main() -> T:
        return await awaitable

    return asyncio.run(main())


def reply(fake: FakeChannel, to: str, text: str = "We are on it.") -> OutboundMessage:
    return OutboundMessage(
        id=f"o-{to}-{len(text)}",
        case_id="case",
        channel=fake.ref,
        visibility=Visibility.PUBLIC,
        text=text,
        created_at=fake.clock.now(),
        in_reply_to=to,
    )


def dm(
    fake: FakeChannel, to: str, text: str = "Can you send your order number?"
) -> OutboundMessage:
    return OutboundMessage(
        id=f"d-{to}",
        case_id="case",
        channel=fake.ref,
        visibility=Visibility.PRIVATE,
        text=text,
        created_at=fake.clock.now(),
        recipient=to,
    )


@pytest.fixture
def fake() -> FakeChannel:
    return FakeChannel(clock=FakeClock(), page_size=10)


def test_is_a_webhook_channel(fake: FakeChannel) -> None:
    """The fake implements the full protocol, push included."""
    assert isinstance(fake, WebhookChannel)


def test_posts_follow_the_clock_and_keep_order(fake: FakeChannel) -> None:
    """Posts are stamped by the fake clock and fetched oldest first."""
    first = fake.post("one", author="dana")
    fake.clock.advance(60)
    second = fake.post("two", author="eli")
    page = run(fake.fetch(None))
    assert [m.native_id for m in page.mentions] == [first.native_id, second.native_id]
    assert page.mentions[1].created_at - page.mentions[0].created_at == timedelta(seconds=60)
    assert page.mentions[0].author.handle == "dana"


def test_replies_keep_the_thread_and_visibility(fake: FakeChannel) -> None:
    """A reply in a private conversation stays private and in the same conversation."""
    root = fake.post("hi, private question", author="dana", private=True)
    answer = fake.reply(root.native_id, "and another detail", author="dana")
    assert answer.visibility is Visibility.PRIVATE
    assert answer.in_reply_to == root.native_id
    assert answer.conversation_id == root.conversation_id


def test_edit_comes_back_with_the_same_key(fake: FakeChannel) -> None:
    """An edit is delivered again with the same key and a later edited_at."""
    post = fake.post("typo", author="dana")
    cursor = run(fake.fetch(None)).next_cursor
    fake.clock.advance(30)
    fake.edit(post.native_id, "fixed")
    again = run(fake.fetch(cursor)).mentions
    assert [m.key for m in again] == [post.key]
    assert again[0].text == "fixed"
    assert again[0].edited_at == post.created_at + timedelta(seconds=30)


def test_deleted_posts_are_not_fetched_and_cannot_be_answered(fake: FakeChannel) -> None:
    """A deleted post disappears, and replying to it is a 404."""
    post = fake.post("never mind", author="dana")
    fake.delete(post.native_id)
    assert run(fake.fetch(None)).mentions == ()
    with pytest.raises(PermanentChannelError) as caught:
        run(fake.send(reply(fake, post.native_id)))
    assert caught.value.status == 404


def test_brand_replies_are_echoed_and_marked(fake: FakeChannel) -> None:
    """The brand's reply comes back through the feed with author.is_brand."""
    post = fake.post("help", author="dana")
    delivery = run(fake.send(reply(fake, post.native_id)))
    echoes = [m for m in run(fake.fetch(None)).mentions if m.native_id == delivery.native_id]
    assert len(echoes) == 1
    assert echoes[0].author.is_brand


def test_echoes_can_be_turned_off() -> None:
    """With echo_brand_posts=False the feed holds only customers."""
    fake = FakeChannel(echo_brand_posts=False)
    post = fake.post("help", author="dana")
    run(fake.send(reply(fake, post.native_id)))
    assert [m.native_id for m in run(fake.fetch(None)).mentions] == [post.native_id]


def test_idempotent_send_replays_the_first_delivery(fake: FakeChannel) -> None:
    """The same key twice posts once; the second answer says it was replayed."""
    post = fake.post("help", author="dana")
    message = reply(fake, post.native_id)
    first = run(fake.send(message))
    second = run(fake.send(message))
    assert second.native_id == first.native_id
    assert second.replayed
    assert len(fake.brand_posts) == 1


def test_non_idempotent_network_posts_twice() -> None:
    """Where the network has no idempotent send, a repeat really posts twice (like X)."""
    fake = FakeChannel(capabilities=ChannelCapabilities(idempotent_send=False))
    post = fake.post("help", author="dana")
    message = reply(fake, post.native_id)
    run(fake.send(message))
    run(fake.send(message))
    assert len(fake.brand_posts) == 2


def test_too_long_is_refused_without_a_request(fake: FakeChannel) -> None:
    """Text over 280 characters never reaches the network."""
    post = fake.post("help", author="dana")
    with pytest.raises(MessageRefused) as caught:
        run(fake.send(reply(fake, post.native_id, "a" * 281)))
    assert caught.value.reason == "too_long"
    assert fake.requests == 0


def test_brand_cannot_start_a_private_conversation(fake: FakeChannel) -> None:
    """A DM to someone who never wrote privately is refused by the network."""
    fake.post("public complaint", author="dana")
    with pytest.raises(MessageRefused) as caught:
        run(fake.send(dm(fake, "u-dana")))
    assert caught.value.reason == "brand_cannot_start_private"
    assert fake.brand_posts == ()


def test_messaging_window_closes_after_24_hours(fake: FakeChannel) -> None:
    """A private reply inside the window goes out; after 24 h it is refused."""
    fake.post("order 1234?", author="dana", private=True)
    run(fake.send(dm(fake, "u-dana", "Looking now.")))
    fake.clock.advance(timedelta(hours=24, seconds=1))
    with pytest.raises(MessageRefused) as caught:
        run(fake.send(dm(fake, "u-dana", "Any news?")))
    assert caught.value.reason == "window_closed"
    assert len(fake.brand_posts) == 1
    assert fake.health is ChannelHealth.HEALTHY


def test_rate_limit_fault_carries_the_wait(fake: FakeChannel) -> None:
    """A scripted 429 raises RateLimited with that wait and degrades health."""
    fake.script(Fault.rate_limited(42))
    with pytest.raises(RateLimited) as caught:
        run(fake.fetch(None))
    assert caught.value.retry_after == 42
    assert fake.health is ChannelHealth.DEGRADED
    run(fake.fetch(None))
    assert fake.health is ChannelHealth.HEALTHY


def test_server_error_keeps_its_status(fake: FakeChannel) -> None:
    """A scripted 502 is transient and reports 502."""
    fake.script(Fault.server_error(502))
    with pytest.raises(TransientChannelError) as caught:
        run(fake.fetch(None))
    assert caught.value.status == 502


def test_faults_hit_only_their_operation(fake: FakeChannel) -> None:
    """A fault scripted for send leaves fetch alone and waits for the send."""
    post = fake.post("help", author="dana")
    fake.script(Fault.timeout(on="send"))
    run(fake.fetch(None))
    with pytest.raises(TransientChannelError):
        run(fake.send(reply(fake, post.native_id)))
    assert fake.pending_faults == ()
    assert fake.brand_posts == ()


def test_expired_token_stays_until_renewed(fake: FakeChannel) -> None:
    """After the token expires every call fails until a person renews it."""
    fake.script(Fault.token_expired())
    for _ in range(2):
        with pytest.raises(AuthExpired):
            run(fake.fetch(None))
    assert fake.health is ChannelHealth.REAUTHORIZATION_NEEDED
    fake.renew_token()
    assert fake.health is ChannelHealth.HEALTHY
    run(fake.fetch(None))


def test_malformed_body_keeps_raw(fake: FakeChannel) -> None:
    """A malformed page raises InvalidPayload with the raw body."""
    fake.script(Fault.malformed())
    with pytest.raises(InvalidPayload) as caught:
        run(fake.fetch(None))
    assert caught.value.raw.startswith(b"<html>")


def test_duplicate_fault_delivers_a_post_twice(fake: FakeChannel) -> None:
    """The duplicate fault repeats a post within the page (a real-world quirk)."""
    fake.post("one", author="dana")
    fake.post("two", author="dana")
    fake.script(Fault.duplicate())
    keys = [m.key for m in run(fake.fetch(None)).mentions]
    assert len(keys) == 3
    assert len(set(keys)) == 2


def test_out_of_order_fault_reverses_the_page(fake: FakeChannel) -> None:
    """The out-of-order fault serves the page newest first, cursor unchanged."""
    ids = [fake.post(str(i), author="dana").native_id for i in range(3)]
    fake.script(Fault.out_of_order())
    page = run(fake.fetch(None))
    assert [m.native_id for m in page.mentions] == list(reversed(ids))
    assert run(fake.fetch(page.next_cursor)).mentions == ()


def test_lost_response_is_reconciled_by_find_sent(fake: FakeChannel) -> None:
    """The post goes out, the answer is lost; find_sent finds it, a resend replays it."""
    post = fake.post("help", author="dana")
    message = reply(fake, post.native_id)
    fake.script(Fault.lost_response())
    with pytest.raises(TransientChannelError):
        run(fake.send(message))
    found = run(fake.find_sent(message))
    assert found is not None
    assert found.replayed
    assert run(fake.send(message)).native_id == found.native_id
    assert len(fake.brand_posts) == 1


def test_webhooks_are_signed_and_parse(fake: FakeChannel) -> None:
    """Each customer post makes a signed delivery that parses to the same mention."""
    post = fake.post("pushed", author="dana")
    [delivery] = fake.take_webhooks()
    [parsed] = fake.parse_webhook(delivery.headers, delivery.body)
    assert parsed == post
    assert fake.take_webhooks() == []


def test_webhook_resent_fault_delivers_twice(fake: FakeChannel) -> None:
    """The resend fault delivers the same bytes twice."""
    fake.script(Fault.webhook_resent())
    fake.post("pushed", author="dana")
    first, second = fake.take_webhooks()
    assert first.body == second.body


def test_tampered_webhook_is_refused(fake: FakeChannel) -> None:
    """A body changed after signing raises BadSignature."""
    fake.post("pushed", author="dana")
    [delivery] = fake.take_webhooks()
    with pytest.raises(BadSignature):
        fake.parse_webhook(delivery.headers, delivery.body.replace(b"pushed", b"pwned!"))


def test_signed_garbage_is_invalid_payload(fake: FakeChannel) -> None:
    """A correctly signed body that is not a delivery raises InvalidPayload with the raw body."""
    from socialcx.channels import sign_hex

    body = json.dumps({"mentions": [{"native_id": 1}]}).encode()
    headers = {"X-Fake-Signature": "sha256=" + sign_hex(fake.webhook_secret, body)}
    with pytest.raises(InvalidPayload) as caught:
        fake.parse_webhook(headers, body)
    assert caught.value.raw == body


def test_closed_channel_refuses_calls(fake: FakeChannel) -> None:
    """After close() calls fail; reopen() reconnects to the same network."""
    fake.post("kept", author="dana")
    run(fake.close())
    with pytest.raises(PermanentChannelError):
        run(fake.fetch(None))
    assert len(run(fake.reopen().fetch(None)).mentions) == 1


def test_bad_cursor_names_the_field(fake: FakeChannel) -> None:
    """A cursor the fake never issued is refused, naming cursor."""
    with pytest.raises(ValidationError) as caught:
        run(fake.fetch("garbage"))
    assert caught.value.field == "cursor"


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: Fault(kind="duplicate", on="send"), "on"),
        (lambda: Fault.server_error(404), "status"),
        (lambda: Fault.rate_limited(-1), "retry_after"),
        (lambda: Fault(kind="explode"), "kind"),
    ],
)
def test_bad_faults_name_the_field(build: object, field: str) -> None:
    """An impossible fault is refused, naming the field."""
    with pytest.raises(ValidationError) as caught:
        build()  # type: ignore[operator]
    assert caught.value.field == field


def test_script_refuses_non_faults(fake: FakeChannel) -> None:
    """Only Fault values can be scripted."""
    with pytest.raises(ValidationError):
        fake.script("rate limit")  # type: ignore[arg-type]


def test_repr_hides_the_webhook_secret() -> None:
    """The webhook secret never appears in the repr."""
    fake = FakeChannel(webhook_secret="s3cr3t-value")
    assert "s3cr3t-value" not in repr(fake)


def test_bad_page_size_names_the_field() -> None:
    """A page size below one is refused."""
    with pytest.raises(ValidationError) as caught:
        FakeChannel(page_size=0)
    assert caught.value.field == "page_size"
