"""The channel contract suite: pytest mixins that hold any :class:`Channel` to one standard.

A connector vendor writes one harness (how to make a channel, how to make a
customer post on the fake server behind it, how to make the next request
fail) and inherits the suite::

    import pytest
    from socialcx.testing.contract import ChannelContract

    class TestAcmeChannel(ChannelContract):
        @pytest.fixture
        def channel_harness(self):
            return AcmeHarness()          # backed by httpx.MockTransport

Capabilities drive skips: a channel without private messages skips the
private-message checks, one without idempotent send skips the idempotency
check, and a harness that cannot produce a fault skips that fault's check.
The suite needs pytest (``pip install socialcx[testing]``) but no async
plugin: each check runs its own event loop.
"""

from __future__ import annotations

import asyncio
import enum
import hashlib
import json
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar, runtime_checkable

import attrs
import pytest

from socialcx.channels import Channel, ChannelHealth, Cursor, Delivery, WebhookChannel
from socialcx.errors import (
    AuthExpired,
    ChannelError,
    InvalidPayload,
    PermanentChannelError,
    RateLimited,
    TransientChannelError,
)
from socialcx.model import Mention, OutboundMessage, Visibility
from socialcx.testing._fake_channel import FakeChannel, Fault

__all__ = [
    "ChannelContract",
    "ChannelHarness",
    "ContractFault",
    "ErrorContract",
    "FakeChannelHarness",
    "FetchContract",
    "SendContract",
    "WebhookContract",
    "drain",
]

T = TypeVar("T")

#: Most pages :func:`drain` reads before deciding a channel never catches up.
MAX_PAGES = 200

_SENT_AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class ContractFault(enum.Enum):
    """A failure the harness's fake server can produce on the next request."""

    RATE_LIMITED = "rate_limited"  # 429 (or the network's equivalent) with a wait
    SERVER_ERROR = "server_error"  # 5xx
    TIMEOUT = "timeout"  # the transport times out
    AUTH_EXPIRED = "auth_expired"  # the token expired
    MALFORMED = "malformed"  # a success status with a body that is not the network's JSON
    LOST_RESPONSE = "lost_response"  # the server acts on a send, then the answer times out


@runtime_checkable
class ChannelHarness(Protocol):
    """Protocol: what a vendor's ``channel_harness`` fixture provides to the suite.

    The harness owns the fake server (usually an ``httpx.MockTransport``
    handler with in-memory state); every channel it makes talks to that same
    server, as a restarted process would.
    """

    #: Most mentions the fake server returns per page (the suite posts more).
    page_size: int
    #: The faults :meth:`fail_next` can produce; checks for others are skipped.
    faults: frozenset[ContractFault]

    def make_channel(self) -> Channel:
        """A new channel instance on the shared fake server."""
        ...

    def customer_post(self, text: str, *, private: bool = False) -> str:
        """Put a new customer post (or private message to the brand) on the server.

        Returns:
            The post's native id, as the channel will report it.
        """
        ...

    def fail_next(self, fault: ContractFault) -> None:
        """Make the next request to the server fail with ``fault``."""
        ...

    def brand_post_count(self) -> int:
        """How many posts and private messages the brand has made on the server."""
        ...

    def request_count(self) -> int:
        """How many requests reached the server so far."""
        ...

    def webhook(self, native_id: str) -> tuple[Mapping[str, str], bytes] | None:
        """The signed push delivery the server made for post ``native_id``.

        Returns:
            ``(headers, raw body)``, or ``None`` when the network has no push.
        """
        ...


def _run(make: Callable[[], Awaitable[T]]) -> T:
    async def main() -> T:
        return await make()

    return asyncio.run(main())


async def drain(channel: Channel, cursor: Cursor | None) -> tuple[list[Mention], Cursor]:
    """Fetch until the channel is caught up; return everything seen and the last cursor.

    Raises:
        AssertionError: The channel still reports ``has_more`` after
            :data:`MAX_PAGES` pages, or hands out a cursor that is not a
            JSON-serializable string.
    """
    seen: list[Mention] = []
    for _ in range(MAX_PAGES):
        page = await channel.fetch(cursor)
        assert isinstance(page.next_cursor, str), "next_cursor must be a string"
        assert json.loads(json.dumps(page.next_cursor)) == page.next_cursor
        seen.extend(page.mentions)
        cursor = page.next_cursor
        if not page.has_more:
            return seen, cursor
    raise AssertionError(f"fetch still has_more after {MAX_PAGES} pages")


def _customer_ids(mentions: list[Mention]) -> list[str]:
    return [m.native_id for m in mentions if not m.author.is_brand]


def _reply(channel: Channel, in_reply_to: str, text: str, case: str = "case-1") -> OutboundMessage:
    digest = hashlib.sha256(text.encode()).hexdigest()[:8]
    return OutboundMessage(
        id=f"out-{case}-{digest}",
        case_id=case,
        channel=channel.ref,
        visibility=Visibility.PUBLIC,
        text=text,
        created_at=_SENT_AT,
        in_reply_to=in_reply_to,
    )


def _needs_fault(harness: ChannelHarness, fault: ContractFault) -> None:
    if fault not in harness.faults:
        pytest.skip(f"the harness cannot produce {fault.value}")


class _Base:
    """Shared helpers; the fixture ``channel_harness`` comes from the vendor's class."""

    @staticmethod
    def run(make: Callable[[], Awaitable[T]]) -> T:
        """Run one async check in a fresh event loop."""
        return _run(make)


class FetchContract(_Base):
    """Listening: cursors never skip or repeat, keys are stable, visibility is kept."""

    def test_implements_the_channel_protocol(self, channel_harness: ChannelHarness) -> None:
        """The channel has a ref, capabilities and a health that starts healthy."""
        from socialcx.model import ChannelCapabilities, ChannelRef

        channel = channel_harness.make_channel()
        assert isinstance(channel, Channel)
        assert isinstance(channel.ref, ChannelRef)
        assert isinstance(channel.capabilities, ChannelCapabilities)
        assert channel.health is ChannelHealth.HEALTHY
        self.run(channel.close)

    def test_poll_never_skips_or_repeats(self, channel_harness: ChannelHarness) -> None:
        """Following next_cursor over several pages yields every new post exactly once."""
        count = 2 * channel_harness.page_size + 1

        async def check() -> None:
            async with channel_harness.make_channel() as channel:
                _, cursor = await drain(channel, None)
                posted = [channel_harness.customer_post(f"post number {i}") for i in range(count)]
                seen, _ = await drain(channel, cursor)
            ids = _customer_ids(seen)
            repeated = sorted({i for i in ids if ids.count(i) > 1})
            assert not repeated, f"posts delivered more than once: {repeated}"
            missing = sorted(set(posted) - set(ids))
            assert not missing, f"posts skipped: {missing}"

        self.run(check)

    def test_same_cursor_gives_same_mentions(self, channel_harness: ChannelHarness) -> None:
        """Fetching again with an unstored cursor replays the page: nothing lost after a crash."""

        async def check() -> None:
            async with channel_harness.make_channel() as channel:
                _, cursor = await drain(channel, None)
                posted = [channel_harness.customer_post(f"replay {i}") for i in range(2)]
                first = await channel.fetch(cursor)
                again = await channel.fetch(cursor)
            assert [m.key for m in first.mentions] == [m.key for m in again.mentions]
            delivered = set(_customer_ids(list(first.mentions)))
            assert delivered, "the new posts were not fetched"
            assert delivered <= set(posted)

        self.run(check)

    def test_stored_cursor_resumes_in_a_new_instance(self, channel_harness: ChannelHarness) -> None:
        """A cursor stored as JSON resumes in a new channel without skipping or repeating."""

        async def check() -> None:
            async with channel_harness.make_channel() as first:
                _, cursor = await drain(first, None)
                early = [channel_harness.customer_post(f"before restart {i}") for i in range(2)]
                seen_first, cursor = await drain(first, cursor)
            stored = json.dumps({"cursor": cursor})
            late = [channel_harness.customer_post(f"after restart {i}") for i in range(2)]
            async with channel_harness.make_channel() as second:
                seen_second, _ = await drain(second, json.loads(stored)["cursor"])
            assert set(early) <= set(_customer_ids(seen_first))
            assert _customer_ids(seen_second) == [
                i for i in _customer_ids(seen_second) if i in late
            ]
            assert sorted(_customer_ids(seen_second)) == sorted(late)

        self.run(check)

    def test_caught_up_poll_is_empty(self, channel_harness: ChannelHarness) -> None:
        """Once caught up, fetching with the latest cursor returns no customer posts."""

        async def check() -> None:
            async with channel_harness.make_channel() as channel:
                channel_harness.customer_post("only one")
                _, cursor = await drain(channel, None)
                page = await channel.fetch(cursor)
            assert _customer_ids(list(page.mentions)) == []
            assert page.has_more is False

        self.run(check)

    def test_mentions_belong_to_the_channel(self, channel_harness: ChannelHarness) -> None:
        """Every mention names this channel, and its author lives on the same network."""

        async def check() -> None:
            async with channel_harness.make_channel() as channel:
                native_id = channel_harness.customer_post("whose mention is this")
                seen, _ = await drain(channel, None)
                ref = channel.ref
            mine = [m for m in seen if m.native_id == native_id]
            assert mine, "the post was not fetched"
            for mention in mine:
                assert mention.channel == ref
                assert mention.author.platform == ref.platform
                assert mention.visibility is Visibility.PUBLIC

        self.run(check)

    def test_dedupe_keys_are_stable(self, channel_harness: ChannelHarness) -> None:
        """The same post fetched by two instances has the same key and content."""

        async def check() -> None:
            native_id = channel_harness.customer_post("the same post twice")
            async with channel_harness.make_channel() as one:
                seen_one, _ = await drain(one, None)
            async with channel_harness.make_channel() as two:
                seen_two, _ = await drain(two, None)
            a = [m for m in seen_one if m.native_id == native_id]
            b = [m for m in seen_two if m.native_id == native_id]
            assert a
            assert b
            assert a[0].key == b[0].key
            assert (a[0].text, a[0].created_at, a[0].author) == (
                b[0].text,
                b[0].created_at,
                b[0].author,
            )

        self.run(check)

    def test_private_messages_stay_private(self, channel_harness: ChannelHarness) -> None:
        """A customer's private message arrives marked private, a public post public."""

        async def check() -> None:
            async with channel_harness.make_channel() as channel:
                if not channel.capabilities.private_message:
                    pytest.skip("the channel has no private messages")
                secret = channel_harness.customer_post("my account number is 1234", private=True)
                public = channel_harness.customer_post("public complaint")
                seen, _ = await drain(channel, None)
            by_id = {m.native_id: m for m in seen}
            assert by_id[secret].visibility is Visibility.PRIVATE
            assert by_id[public].visibility is Visibility.PUBLIC

        self.run(check)

    def test_brand_echoes_are_marked_as_brand(self, channel_harness: ChannelHarness) -> None:
        """The brand's own reply, if the feed returns it, carries author.is_brand."""

        async def check() -> None:
            async with channel_harness.make_channel() as channel:
                if not channel.capabilities.public_reply:
                    pytest.skip("the channel cannot reply in public")
                _, cursor = await drain(channel, None)
                target = channel_harness.customer_post("please answer me")
                delivery = await channel.send(_reply(channel, target, "We are on it."))
                seen, _ = await drain(channel, cursor)
            echoes = [m for m in seen if m.native_id == delivery.native_id]
            assert all(m.author.is_brand for m in echoes), "an echo of our reply is not is_brand"
            assert target in _customer_ids(seen)

        self.run(check)


class SendContract(_Base):
    """Replying: deliveries, idempotency by key, reconciliation, capabilities before requests."""

    def test_public_reply_is_delivered(self, channel_harness: ChannelHarness) -> None:
        """A public reply returns a delivery with the network's id and makes one post."""

        async def check() -> None:
            async with channel_harness.make_channel() as channel:
                if not channel.capabilities.public_reply:
                    pytest.skip("the channel cannot reply in public")
                target = channel_harness.customer_post("where is my parcel")
                before = channel_harness.brand_post_count()
                delivery = await channel.send(_reply(channel, target, "Sorry! Checking now."))
            assert isinstance(delivery, Delivery)
            assert delivery.native_id
            assert delivery.replayed is False
            assert channel_harness.brand_post_count() == before + 1

        self.run(check)

    def test_send_is_idempotent_by_key(self, channel_harness: ChannelHarness) -> None:
        """Sending the same message twice posts once and returns the same delivery."""

        async def check() -> None:
            async with channel_harness.make_channel() as channel:
                if not channel.capabilities.idempotent_send:
                    pytest.skip("the network has no idempotent send")
                target = channel_harness.customer_post("double trouble")
                message = _reply(channel, target, "One answer only.")
                before = channel_harness.brand_post_count()
                first = await channel.send(message)
                second = await channel.send(message)
            assert second.native_id == first.native_id
            assert channel_harness.brand_post_count() == before + 1

        self.run(check)

    def test_find_sent_finds_a_sent_message(self, channel_harness: ChannelHarness) -> None:
        """After a send, find_sent reports the same native id (reconciliation after a crash)."""

        async def check() -> None:
            async with channel_harness.make_channel() as channel:
                if not channel.capabilities.public_reply:
                    pytest.skip("the channel cannot reply in public")
                target = channel_harness.customer_post("did you answer?")
                message = _reply(channel, target, "Yes, we did.")
                delivery = await channel.send(message)
            async with channel_harness.make_channel() as restarted:
                found = await restarted.find_sent(message)
            assert found is not None, "find_sent did not find a message that went out"
            assert found.native_id == delivery.native_id

        self.run(check)

    def test_find_sent_is_none_for_unsent(self, channel_harness: ChannelHarness) -> None:
        """find_sent returns None for a message that never went out."""

        async def check() -> None:
            async with channel_harness.make_channel() as channel:
                if not channel.capabilities.public_reply:
                    pytest.skip("the channel cannot reply in public")
                target = channel_harness.customer_post("still waiting")
                await channel.send(_reply(channel, target, "A different reply."))
                found = await channel.find_sent(_reply(channel, target, "Never sent."))
            assert found is None

        self.run(check)

    def test_too_long_is_refused_before_any_request(self, channel_harness: ChannelHarness) -> None:
        """Text over the limit raises PermanentChannelError without touching the server."""

        async def check() -> None:
            async with channel_harness.make_channel() as channel:
                limit = channel.capabilities.limit(private=False)
                if limit is None or not channel.capabilities.public_reply:
                    pytest.skip("no public length limit")
                target = channel_harness.customer_post("short question")
                requests, posts = (
                    channel_harness.request_count(),
                    channel_harness.brand_post_count(),
                )
                with pytest.raises(PermanentChannelError):
                    await channel.send(_reply(channel, target, "x" * (limit + 1)))
            assert channel_harness.request_count() == requests, "a request was made"
            assert channel_harness.brand_post_count() == posts

        self.run(check)

    def test_private_without_support_is_refused(self, channel_harness: ChannelHarness) -> None:
        """A private message on a channel without them is refused before any request."""

        async def check() -> None:
            async with channel_harness.make_channel() as channel:
                if channel.capabilities.private_message:
                    pytest.skip("the channel has private messages")
                requests = channel_harness.request_count()
                message = OutboundMessage(
                    id="out-private",
                    case_id="case-1",
                    channel=channel.ref,
                    visibility=Visibility.PRIVATE,
                    text="Please send us your order number.",
                    created_at=_SENT_AT,
                    recipient="someone",
                )
                with pytest.raises(PermanentChannelError):
                    await channel.send(message)
            assert channel_harness.request_count() == requests

        self.run(check)

    def test_private_reply_reaches_the_customer(self, channel_harness: ChannelHarness) -> None:
        """A private answer to a customer who wrote privately is delivered once."""

        async def check() -> None:
            async with channel_harness.make_channel() as channel:
                if not channel.capabilities.private_message:
                    pytest.skip("the channel has no private messages")
                native_id = channel_harness.customer_post("my order 1234 is late", private=True)
                seen, _ = await drain(channel, None)
                author = next(m.author for m in seen if m.native_id == native_id)
                before = channel_harness.brand_post_count()
                message = OutboundMessage(
                    id="out-dm",
                    case_id="case-dm",
                    channel=channel.ref,
                    visibility=Visibility.PRIVATE,
                    text="Thanks, we found order 1234.",
                    created_at=_SENT_AT,
                    recipient=author.native_id,
                )
                delivery = await channel.send(message)
            assert delivery.native_id
            assert channel_harness.brand_post_count() == before + 1

        self.run(check)

    def test_async_context_manager_returns_the_channel(
        self, channel_harness: ChannelHarness
    ) -> None:
        """``async with channel`` yields the channel itself."""

        async def check() -> None:
            channel = channel_harness.make_channel()
            async with channel as entered:
                assert entered is channel

        self.run(check)


class ErrorContract(_Base):
    """Failures: every error is a mapped type, health follows, and nothing is lost."""

    def _fetch_error(self, harness: ChannelHarness, fault: ContractFault) -> tuple[Any, Channel]:
        _needs_fault(harness, fault)

        async def check() -> tuple[Any, Channel]:
            async with harness.make_channel() as channel:
                harness.customer_post("something to fetch")
                harness.fail_next(fault)
                try:
                    await channel.fetch(None)
                except Exception as exc:  # the point is to see which type comes out
                    return exc, channel
                return None, channel

        return self.run(check)

    def test_rate_limit_raises_rate_limited(self, channel_harness: ChannelHarness) -> None:
        """A rate limit raises RateLimited with a positive wait and degrades health."""
        error, channel = self._fetch_error(channel_harness, ContractFault.RATE_LIMITED)
        assert isinstance(error, RateLimited), f"got {error!r}"
        assert error.retry_after > 0
        assert channel.health is ChannelHealth.DEGRADED

    def test_server_error_raises_transient(self, channel_harness: ChannelHarness) -> None:
        """A 5xx raises TransientChannelError and degrades health."""
        error, channel = self._fetch_error(channel_harness, ContractFault.SERVER_ERROR)
        assert isinstance(error, TransientChannelError), f"got {error!r}"
        assert channel.health is ChannelHealth.DEGRADED

    def test_timeout_raises_transient(self, channel_harness: ChannelHarness) -> None:
        """A transport timeout raises TransientChannelError, never a bare httpx error."""
        error, _ = self._fetch_error(channel_harness, ContractFault.TIMEOUT)
        assert isinstance(error, TransientChannelError), f"got {error!r}"

    def test_expired_token_raises_auth_expired(self, channel_harness: ChannelHarness) -> None:
        """An expired token raises AuthExpired and the channel asks for reauthorization."""
        error, channel = self._fetch_error(channel_harness, ContractFault.AUTH_EXPIRED)
        assert isinstance(error, AuthExpired), f"got {error!r}"
        assert channel.health is ChannelHealth.REAUTHORIZATION_NEEDED

    def test_malformed_body_raises_invalid_payload(self, channel_harness: ChannelHarness) -> None:
        """A body that is not the network's JSON raises InvalidPayload and keeps the raw body."""
        error, _ = self._fetch_error(channel_harness, ContractFault.MALFORMED)
        assert isinstance(error, InvalidPayload), f"got {error!r}"
        assert error.raw, "the raw body was not kept"

    def test_failed_fetch_loses_nothing(self, channel_harness: ChannelHarness) -> None:
        """After a failed fetch, retrying the same cursor delivers every post."""
        retryable = {ContractFault.RATE_LIMITED, ContractFault.SERVER_ERROR, ContractFault.TIMEOUT}
        faults = sorted(channel_harness.faults & retryable, key=str)
        if not faults:
            pytest.skip("the harness cannot produce a retryable fault")

        async def check() -> None:
            async with channel_harness.make_channel() as channel:
                channel_harness.customer_post("before the outage")
                _, cursor = await drain(channel, None)
                posted = [channel_harness.customer_post(f"during outage {i}") for i in range(2)]
                channel_harness.fail_next(faults[0])
                with pytest.raises(ChannelError):
                    await channel.fetch(cursor)
                seen, _ = await drain(channel, cursor)
            assert sorted(_customer_ids(seen)) == sorted(posted)

        self.run(check)

    def test_failed_send_is_mapped_and_reconcilable(self, channel_harness: ChannelHarness) -> None:
        """A send that fails raises a ChannelError; find_sent then decides, and one post results."""
        _needs_fault(channel_harness, ContractFault.SERVER_ERROR)

        async def check() -> None:
            async with channel_harness.make_channel() as channel:
                if not channel.capabilities.public_reply:
                    pytest.skip("the channel cannot reply in public")
                target = channel_harness.customer_post("answer me please")
                message = _reply(channel, target, "Answered once.")
                before = channel_harness.brand_post_count()
                channel_harness.fail_next(ContractFault.SERVER_ERROR)
                with pytest.raises(ChannelError):
                    await channel.send(message)
                if await channel.find_sent(message) is None:
                    await channel.send(message)
            assert channel_harness.brand_post_count() == before + 1

        self.run(check)

    def test_lost_response_is_found_not_resent(self, channel_harness: ChannelHarness) -> None:
        """A send whose answer was lost raises TransientChannelError; find_sent then finds it."""
        _needs_fault(channel_harness, ContractFault.LOST_RESPONSE)

        async def check() -> None:
            async with channel_harness.make_channel() as channel:
                if not channel.capabilities.public_reply:
                    pytest.skip("the channel cannot reply in public")
                target = channel_harness.customer_post("hello?")
                message = _reply(channel, target, "Hello! How can we help?")
                before = channel_harness.brand_post_count()
                channel_harness.fail_next(ContractFault.LOST_RESPONSE)
                with pytest.raises(TransientChannelError):
                    await channel.send(message)
            async with channel_harness.make_channel() as restarted:
                found = await restarted.find_sent(message)
            assert found is not None, "the message went out but find_sent did not find it"
            assert channel_harness.brand_post_count() == before + 1

        self.run(check)


class WebhookContract(_Base):
    """Push: signatures are verified over raw bytes; resends give the same keys."""

    def _delivery(
        self, harness: ChannelHarness
    ) -> tuple[WebhookChannel, str, Mapping[str, str], bytes]:
        channel = harness.make_channel()
        if not isinstance(channel, WebhookChannel):
            pytest.skip("the channel has no webhooks")
        native_id = harness.customer_post("pushed to us")
        pushed = harness.webhook(native_id)
        if pushed is None:
            pytest.skip("the harness made no webhook delivery")
        headers, body = pushed
        return channel, native_id, headers, body

    def test_webhook_delivers_the_post(self, channel_harness: ChannelHarness) -> None:
        """A signed delivery parses into the mention with the key fetch would give."""
        channel, native_id, headers, body = self._delivery(channel_harness)
        pushed = [m for m in channel.parse_webhook(headers, body) if m.native_id == native_id]
        fetched, _ = self.run(lambda: drain(channel, None))
        polled = [m for m in fetched if m.native_id == native_id]
        assert pushed
        assert polled
        assert pushed[0].key == polled[0].key
        assert pushed[0].channel == channel.ref

    def test_resent_webhook_gives_the_same_keys(self, channel_harness: ChannelHarness) -> None:
        """A webhook delivered twice parses to the same keys both times."""
        channel, _, headers, body = self._delivery(channel_harness)
        first = [m.key for m in channel.parse_webhook(headers, body)]
        second = [m.key for m in channel.parse_webhook(dict(headers), bytes(body))]
        assert first
        assert first == second

    def test_tampered_webhook_is_refused(self, channel_harness: ChannelHarness) -> None:
        """A body changed after signing raises InvalidPayload, keeping the raw body."""
        channel, _, headers, body = self._delivery(channel_harness)
        tampered = body.replace(b"pushed", b"PUSHED") if b"pushed" in body else body + b" "
        with pytest.raises(InvalidPayload) as caught:
            channel.parse_webhook(headers, tampered)
        assert caught.value.raw == tampered

    def test_unsigned_webhook_is_refused(self, channel_harness: ChannelHarness) -> None:
        """A delivery without its signature header raises InvalidPayload."""
        channel, _, headers, body = self._delivery(channel_harness)
        unsigned = {
            k: v
            for k, v in headers.items()
            if "signature" not in k.lower() and "hub" not in k.lower()
        }
        with pytest.raises(InvalidPayload):
            channel.parse_webhook(unsigned, body)


class ChannelContract(FetchContract, SendContract, ErrorContract, WebhookContract):
    """The whole suite: inherit it and provide a ``channel_harness`` fixture."""


@attrs.define
class FakeChannelHarness:
    """The harness for :class:`~socialcx.testing.FakeChannel` (and channels built on it).

    Args:
        fake: The fake network; every channel the harness makes is this one,
            reopened, as a restarted process would reconnect.
    """

    fake: FakeChannel = attrs.field(factory=lambda: FakeChannel(page_size=3))
    faults: frozenset[ContractFault] = frozenset(ContractFault)
    _webhooks: dict[str, tuple[Mapping[str, str], bytes]] = attrs.field(factory=dict, init=False)

    @property
    def page_size(self) -> int:
        """The fake's page size."""
        return self.fake.page_size

    def make_channel(self) -> Channel:
        """The fake, reopened."""
        return self.fake.reopen()

    def customer_post(self, text: str, *, private: bool = False) -> str:
        """A customer of the fake network posts."""
        return self.fake.post(text, author="contract-customer", private=private).native_id

    def fail_next(self, fault: ContractFault) -> None:
        """Script the matching :class:`Fault`."""
        self.fake.script(
            {
                ContractFault.RATE_LIMITED: Fault.rate_limited(30),
                ContractFault.SERVER_ERROR: Fault.server_error(503),
                ContractFault.TIMEOUT: Fault.timeout(),
                ContractFault.AUTH_EXPIRED: Fault.token_expired(),
                ContractFault.MALFORMED: Fault.malformed(on="any"),
                ContractFault.LOST_RESPONSE: Fault.lost_response(),
            }[fault]
        )

    def brand_post_count(self) -> int:
        """Posts and private messages the brand made."""
        return len(self.fake.brand_posts)

    def request_count(self) -> int:
        """Calls that reached the fake network."""
        return self.fake.requests

    def webhook(self, native_id: str) -> tuple[Mapping[str, str], bytes] | None:
        """The signed delivery the fake made for ``native_id``."""
        for delivery in self.fake.take_webhooks():
            for item in json.loads(delivery.body)["mentions"]:
                self._webhooks[item["native_id"]] = (dict(delivery.headers), delivery.body)
        return self._webhooks.get(native_id)
