"""The X adapter: the contract suite on a fake X API v2, plus what is particular to X."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import logging
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from socialcx.channels import (
    BadSignature,
    ChannelHealth,
    MessageRefused,
    Page,
    WebhookChannel,
)
from socialcx.channels.x import XChannel, crc_response, parse_mentions, snowflake_time
from socialcx.errors import (
    AuthExpired,
    InvalidPayload,
    PermanentChannelError,
    RateLimited,
    TransientChannelError,
)
from socialcx.model import ChannelRef, Mention, OutboundMessage, Visibility
from socialcx.testing.contract import ChannelContract, ContractFault, drain
from tests.channels._common import (
    assert_entries_or_invalid,
    json_with_keys,
    private_message,
    public_reply,
    run,
)
from tests.channels.fake_x import (
    BEARER,
    BRAND_ID,
    CONSUMER_SECRET,
    CUSTOMER_ID,
    XHarness,
)

REF = ChannelRef(platform="x", account=BRAND_ID)


class TestXContract(ChannelContract):
    """The conformance suite over the mentions timeline."""

    @pytest.fixture
    def channel_harness(self) -> XHarness:
        return XHarness()


class TestXSearchContract(ChannelContract):
    """The conformance suite over recent search."""

    @pytest.fixture
    def channel_harness(self) -> XHarness:
        return XHarness(query="acmebrand")


def _reply(target: str, text: str) -> OutboundMessage:
    return public_reply(REF, target, text)


# --- listening ----------------------------------------------------------------------


def test_polling_follows_since_id_and_tokens() -> None:
    """The first page sets since_id from meta.newest_id; tokens page with since_id fixed."""
    harness = XHarness()
    for i in range(7):
        harness.customer_post(f"post {i}")

    async def check() -> None:
        async with harness.make_channel() as channel:
            seen, cursor = await drain(channel, None)
            harness.server.seen.clear()
            harness.customer_post("one more")
            page = await channel.fetch(cursor)
        assert len([m for m in seen if m.is_public]) == 7
        mention_calls = [r for r in harness.server.seen if r.url.path.endswith("/mentions")]
        assert mention_calls[0].url.params["since_id"] == max(
            (m.native_id for m in seen), key=lambda i: (len(i), i)
        )
        assert [m.text for m in page.mentions] == ["@acmebrand one more"]

    run(check())


def test_mentions_carry_author_metrics_and_url() -> None:
    """includes.users gives the author; public_metrics gives engagement."""
    harness = XHarness()
    native_id = harness.customer_post("my parcel &amp; my refund")

    async def check() -> Mention:
        async with harness.make_channel() as channel:
            seen, _ = await drain(channel, None)
        return next(m for m in seen if m.native_id == native_id)

    mention = run(check())
    assert mention.author.handle == "dana"
    assert mention.author.followers == 120
    assert mention.author.is_brand is False
    assert mention.metrics.likes == 4
    assert mention.metrics.views == 90
    assert mention.text == "@acmebrand my parcel & my refund"
    assert mention.url == f"https://x.com/dana/status/{native_id}"
    assert mention.language == "en"


def test_page_oldest_first() -> None:
    """Within a page, mentions come oldest first though X answers newest first."""
    harness = XHarness()
    ids = [harness.customer_post(f"p{i}") for i in range(3)]

    async def check() -> list[str]:
        async with harness.make_channel() as channel:
            page = await channel.fetch(None)
        return [m.native_id for m in page.mentions if m.is_public]

    assert run(check()) == ids


def test_a_broken_item_rides_in_the_page_and_the_cursor_moves_past_it() -> None:
    """Good posts and messages arrive; the broken ones are in page.rejected with raw data, once."""
    harness = XHarness()
    first = harness.customer_post("first")
    broken = harness.customer_post("broken")
    last = harness.customer_post("last")
    message = harness.customer_post("a private question", private=True)
    broken_message = harness.customer_post("a broken one", private=True)
    for item in [*harness.server.tweets, *harness.server.dm_events]:
        if item["id"] in (broken, broken_message):
            item["text"] = 5

    async def check() -> tuple[Page, Page]:
        async with harness.make_channel() as channel:
            page = await channel.fetch(None)
            assert not page.has_more
            again = await channel.fetch(page.next_cursor)
        return page, again

    page, again = run(check())
    assert [m.native_id for m in page.mentions] == [first, last, message]
    assert sorted(json.loads(r.raw)["id"] for r in page.rejected) == [broken, broken_message]
    assert all("text" in str(r) for r in page.rejected)
    assert not again.mentions and not again.rejected


def test_rate_limit_wait_comes_from_epoch_reset() -> None:
    """x-rate-limit-reset is an epoch; the wait is reset minus now."""
    harness = XHarness()
    harness.fail_next(ContractFault.RATE_LIMITED)

    async def check() -> RateLimited:
        async with harness.make_channel() as channel:
            with pytest.raises(RateLimited) as caught:
                await channel.fetch(None)
        return caught.value

    assert run(check()).retry_after == pytest.approx(17)


def test_rate_limit_budget_is_kept() -> None:
    """A successful answer's x-rate-limit-* headers are exposed as rate_limit."""
    harness = XHarness()

    async def check() -> XChannel:
        async with harness.make_channel() as channel:
            await channel.fetch(None)
        return channel

    channel = run(check())
    assert channel.rate_limit is not None
    assert channel.rate_limit.remaining == 299


def test_unauthorized_is_reauthorization() -> None:
    """A 401 is an expired user token: AuthExpired, and health asks for a person."""
    harness = XHarness()
    harness.server.expired = True

    async def check() -> XChannel:
        async with harness.make_channel() as channel:
            with pytest.raises(AuthExpired):
                await channel.fetch(None)
        return channel

    assert run(check()).health is ChannelHealth.REAUTHORIZATION_NEEDED


def test_bad_cursor_is_refused() -> None:
    """A cursor this channel did not write is a permanent error, not a crash."""
    harness = XHarness()

    async def check() -> None:
        async with harness.make_channel() as channel:
            with pytest.raises(PermanentChannelError):
                await channel.fetch("not json")

    run(check())


# --- sending ------------------------------------------------------------------------


def test_reply_posts_in_reply_to() -> None:
    """A public reply is POST /2/tweets with reply.in_reply_to_tweet_id."""
    harness = XHarness()
    target = harness.customer_post("help")

    async def check() -> None:
        async with harness.make_channel() as channel:
            delivery = await channel.send(_reply(target, "On it!"))
        post = next(r for r in harness.server.seen if r.method == "POST")
        assert json.loads(post.content) == {
            "text": "On it!",
            "reply": {"in_reply_to_tweet_id": target},
        }
        assert delivery.url == f"https://x.com/i/web/status/{delivery.native_id}"

    run(check())


def test_weighted_length_is_checked_before_sending() -> None:
    """140 emoji weigh 280 and fit; 141 do not, and no request is made."""
    harness = XHarness()
    target = harness.customer_post("help")

    async def check() -> None:
        async with harness.make_channel() as channel:
            before = harness.request_count()
            with pytest.raises(MessageRefused) as caught:
                await channel.send(_reply(target, "\U0001f600" * 141))
            assert caught.value.reason == "too_long"
            assert harness.request_count() == before
            await channel.send(_reply(target, "\U0001f600" * 140))

    run(check())


def test_find_sent_matches_shortened_links() -> None:
    """X shortens links; find_sent still recognises the reply."""
    harness = XHarness()
    target = harness.customer_post("help")
    harness.server.add_tweet("See https://t.co/abc123", author_id=BRAND_ID, in_reply_to=target)

    async def check() -> None:
        async with harness.make_channel() as channel:
            found = await channel.find_sent(_reply(target, "See https://example.com/help"))
        assert found is not None
        assert found.replayed is True

    run(check())


def test_find_sent_private_reads_the_conversation() -> None:
    """A private message is found in the conversation with the recipient."""
    harness = XHarness()
    harness.server.add_dm("Your order shipped.", sender_id=BRAND_ID, participant_id=CUSTOMER_ID)
    message = private_message(REF, CUSTOMER_ID, "Your order shipped.", id="dm-1", case_id="c")

    async def check() -> None:
        async with harness.make_channel() as channel:
            assert await channel.find_sent(message) is not None
            other = private_message(REF, CUSTOMER_ID, "Something else.", id="dm-2", case_id="c")
            assert await channel.find_sent(other) is None

    run(check())


def test_without_direct_messages_private_is_refused() -> None:
    """direct_messages=False: no DM polling and no private sends."""
    channel = XChannel(account=BRAND_ID, bearer_token=BEARER, direct_messages=False)
    assert channel.capabilities.private_message is False
    run(channel.close())


# --- webhooks -----------------------------------------------------------------------


def test_crc_response_matches_the_documented_formula() -> None:
    """response_token is sha256= + base64 HMAC-SHA256(consumer_secret, crc_token)."""
    digest = hmac.new(b"secret", b"challenge-123", hashlib.sha256).digest()
    expected = "sha256=" + base64.b64encode(digest).decode()
    assert crc_response("secret", "challenge-123") == {"response_token": expected}
    channel = XChannel(account=BRAND_ID, bearer_token=BEARER, consumer_secret="secret")
    assert channel.crc_response("challenge-123") == {"response_token": expected}
    run(channel.close())


def test_webhook_without_consumer_secret_is_refused() -> None:
    """With no consumer secret nothing can be verified, so nothing is accepted."""
    harness = XHarness()
    native_id = harness.customer_post("hi")
    headers, body = harness.webhook(native_id) or ({}, b"")
    channel = XChannel(account=BRAND_ID, bearer_token=BEARER)
    with pytest.raises(BadSignature):
        channel.parse_webhook(headers, body)
    run(channel.close())


def test_webhook_for_another_user_is_refused() -> None:
    """A delivery for another subscribed account is not this channel's."""
    body = json.dumps({"for_user_id": "42", "tweet_create_events": []}).encode()
    headers = {
        "x-twitter-webhooks-signature": "sha256="
        + base64.b64encode(
            hmac.new(CONSUMER_SECRET.encode(), body, hashlib.sha256).digest()
        ).decode()
    }
    channel = XHarness().make_channel()
    with pytest.raises(InvalidPayload):
        channel.parse_webhook(headers, body)


def test_webhook_non_post_events_give_nothing() -> None:
    """Likes and follows are valid deliveries without mentions."""
    body = json.dumps({"for_user_id": BRAND_ID, "favorite_events": [{"id": "1"}]}).encode()
    headers = {
        "x-twitter-webhooks-signature": "sha256="
        + base64.b64encode(
            hmac.new(CONSUMER_SECRET.encode(), body, hashlib.sha256).digest()
        ).decode()
    }
    assert XHarness().make_channel().parse_webhook(headers, body) == []


def test_webhook_direct_message_is_private() -> None:
    """direct_message_events parse as private mentions with the same key as polling."""
    harness = XHarness()
    native_id = harness.customer_post("account 1234", private=True)
    headers, body = harness.webhook(native_id) or ({}, b"")
    channel = harness.make_channel()
    (mention,) = channel.parse_webhook(headers, body)
    assert mention.visibility is Visibility.PRIVATE
    assert mention.native_id == native_id
    assert mention.author.handle == "dana"


def test_webhook_is_a_webhook_channel() -> None:
    """XChannel satisfies the WebhookChannel protocol."""
    assert isinstance(XHarness().make_channel(), WebhookChannel)


# --- secrets ------------------------------------------------------------------------


def test_secrets_never_show(caplog: pytest.LogCaptureFixture) -> None:
    """Bearer token and consumer secret stay out of repr, errors and logs."""
    caplog.set_level(logging.DEBUG)
    harness = XHarness()
    harness.fail_next(ContractFault.SERVER_ERROR)
    channel = harness.make_channel()
    texts = [repr(channel), str(channel)]

    async def check() -> None:
        for fault in (
            ContractFault.SERVER_ERROR,
            ContractFault.TIMEOUT,
            ContractFault.AUTH_EXPIRED,
        ):
            harness.fail_next(fault)
            try:
                await channel.fetch(None)
            except Exception as exc:
                texts.extend([str(exc), repr(exc), repr(exc.__cause__)])

    run(check())
    try:
        channel.parse_webhook({}, b"{}")
    except InvalidPayload as exc:
        texts.append(str(exc))
    texts.extend(record.getMessage() for record in caplog.records)
    for secret in (BEARER, CONSUMER_SECRET):
        assert not any(secret in text for text in texts)


# --- the parser ---------------------------------------------------------------------


def test_parser_without_expansions_uses_placeholders() -> None:
    """A bare post (id, text) parses: time from the snowflake id, a placeholder author."""
    body = {"data": {"id": "1293593516040269825", "text": "hello", "edit_history_tweet_ids": []}}
    (mention,) = parse_mentions(body, ref=REF)
    assert isinstance(mention, Mention)
    assert mention.created_at == snowflake_time("1293593516040269825")
    assert mention.created_at.year == 2020
    assert mention.author.native_id == "unknown"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"data": {"id": "1", "name": "X", "username": "x"}}, "user object"),
        ({"data": {"deleted": True}}, "delete confirmation"),
        ({"data": {"hidden": True}}, "hide confirmation"),
        ({"data": {"dm_conversation_id": "1-2", "dm_event_id": "3"}}, "send confirmation"),
        ({"title": "Unauthorized", "type": "about:blank", "status": 401}, "error object"),
        ({"errors": [{"message": "bad"}]}, "error object"),
        ([1, 2], "list"),
        ("text", "str"),
    ],
)
def test_parser_refuses_non_posts(body: Any, reason: str) -> None:
    """Bodies that hold no post raise InvalidPayload saying what they are."""
    with pytest.raises(InvalidPayload, match=reason):
        parse_mentions(body, ref=REF)


def test_parser_empty_result_is_empty() -> None:
    """{"meta": {"result_count": 0}} is a page with nothing on it."""
    assert parse_mentions({"meta": {"result_count": 0}}, ref=REF) == []


def test_parser_reports_bad_items_by_field() -> None:
    """A post-like item with a bad field becomes an InvalidPayload naming it, keeping the item."""
    body = {
        "data": [
            {"id": "1293593516040269825", "text": 5},
            {"id": "1293593516040269826", "text": "ok"},
        ]
    }
    bad, good = parse_mentions(body, ref=REF)
    assert isinstance(bad, InvalidPayload)
    assert "tweet.text" in str(bad)
    assert json.loads(bad.raw)["text"] == 5
    assert isinstance(good, Mention)


def test_parser_dm_events_are_private() -> None:
    """MessageCreate events parse as private; other event types are not posts."""
    body = {
        "data": [
            {"event_type": "MessageCreate", "id": "1585800613752881156", "text": "Testing 2"},
            {"event_type": "ParticipantsJoin", "id": "1585800613752881157"},
        ]
    }
    (mention,) = parse_mentions(body, ref=REF)
    assert isinstance(mention, Mention)
    assert mention.visibility is Visibility.PRIVATE


_FIELDS = [
    "id",
    "text",
    "author_id",
    "created_at",
    "data",
    "includes",
    "users",
    "meta",
    "event_type",
    "public_metrics",
    "referenced_tweets",
    "edit_history_tweet_ids",
    "note_tweet",
    "sender_id",
    "tweet_create_events",
    "direct_message_events",
    "user",
    "id_str",
    "message_create",
]


@given(json_with_keys(_FIELDS))
def test_parser_never_raises_anything_else(payload: Any) -> None:
    """Random JSON gives mentions, InvalidPayload items, or raises InvalidPayload only."""
    assert_entries_or_invalid(parse_mentions, payload, ref=REF)


@given(st.text(max_size=200))
def test_parser_survives_truncated_bodies(text: str) -> None:
    """A truncated JSON document, decoded as far as possible, never crashes the parser."""
    body = json.dumps({"data": [{"id": "1293593516040269825", "text": text}]})
    for cut in (len(body) // 3, len(body) // 2):
        try:
            payload = json.loads(body[:cut])
        except ValueError:
            payload = body[:cut]
        with contextlib.suppress(InvalidPayload):
            parse_mentions(payload, ref=REF)


def test_parser_huge_payload() -> None:
    """Ten thousand posts parse; a megabyte of text is kept as is."""
    base = 1293593516040269825
    data = [{"id": str(base + i), "text": "x" * 100} for i in range(10_000)]
    data.append({"id": str(base - 1), "text": "y" * 1_000_000})
    result = parse_mentions({"data": data, "includes": {"users": ["junk"] * 100}}, ref=REF)
    assert len(result) == 10_001
    assert all(isinstance(m, Mention) for m in result)


def test_client_errors_never_escape_raw() -> None:
    """A transport failure comes out as a ChannelError, never an httpx error."""

    def boom(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    async def check() -> None:
        client = httpx.AsyncClient(transport=httpx.MockTransport(boom))
        async with XChannel(account=BRAND_ID, bearer_token=BEARER, client=client) as channel:
            with pytest.raises(TransientChannelError) as caught:
                await channel.fetch(None)
        assert isinstance(caught.value.__cause__, httpx.ConnectError)

    run(check())
