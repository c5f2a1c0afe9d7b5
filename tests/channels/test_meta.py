"""The Meta adapters: the contract suite on a fake Graph API, plus what is particular to Meta."""

from __future__ import annotations

import contextlib
import json
import logging
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from socialcx.channels import (
    BadSignature,
    ChannelHealth,
    MessageRefused,
    Page,
    WebhookChannel,
    sign_hex,
)
from socialcx.channels.meta import (
    FacebookPageChannel,
    InstagramChannel,
    MessengerChannel,
    parse_mentions,
    verify_subscription,
    verify_webhook,
)
from socialcx.errors import AuthExpired, InvalidPayload, RateLimited
from socialcx.model import ChannelRef, Mention, OutboundMessage, Visibility
from socialcx.testing.contract import ChannelContract, ContractFault, drain
from tests.channels._common import assert_entries_or_invalid, json_with_keys, private_message, run
from tests.channels.fake_meta import (
    APP_SECRET,
    CUSTOMER_PSID,
    PAGE_ID,
    PAGE_TOKEN,
    POST_ID,
    MetaHarness,
)

REF = ChannelRef(platform="facebook", account=PAGE_ID)


class TestFacebookPageContract(ChannelContract):
    """Page comments in public and Messenger in private, as one channel."""

    @pytest.fixture
    def channel_harness(self) -> MetaHarness:
        return MetaHarness("facebook")


class TestInstagramContract(ChannelContract):
    """Instagram comments and replies, with direct messages through the linked Page."""

    @pytest.fixture
    def channel_harness(self) -> MetaHarness:
        return MetaHarness("instagram")


class TestMessengerContract(ChannelContract):
    """Messenger alone: private messages only."""

    @pytest.fixture
    def channel_harness(self) -> MetaHarness:
        return MetaHarness("messenger")

    def test_mentions_belong_to_the_channel(self, channel_harness: MetaHarness) -> None:
        """Messenger has no public posts: the suite's public check does not apply."""
        pytest.skip("Messenger has no public posts to fetch")

    def test_private_messages_stay_private(self, channel_harness: MetaHarness) -> None:
        """Messenger has no public posts: the suite's public half does not apply."""
        pytest.skip("Messenger has no public posts to compare with")


def _private(text: str, recipient: str = CUSTOMER_PSID) -> OutboundMessage:
    return private_message(REF, recipient, text, id="dm", case_id="c")


# --- listening ----------------------------------------------------------------------


def test_comments_come_with_author_and_thread() -> None:
    """A Page comment carries the author, the post as conversation, and a permalink."""
    harness = MetaHarness()
    native_id = harness.customer_post("Where is my order?")

    async def check() -> Mention:
        async with harness.make_channel() as channel:
            seen, _ = await drain(channel, None)
        return next(m for m in seen if m.native_id == native_id)

    mention = run(check())
    assert mention.author.display_name == "Dana Reyes"
    assert mention.author.is_brand is False
    assert mention.conversation_id == POST_ID
    assert mention.in_reply_to == POST_ID
    assert mention.url is not None
    assert mention.metrics.likes == 3


@pytest.mark.parametrize("surface", ["facebook", "instagram", "messenger"])
@pytest.mark.parametrize("broken_field", ["text", "time"])
def test_a_broken_item_rides_in_the_page_and_the_cursor_moves_past_it(
    surface: str, broken_field: str
) -> None:
    """Good items arrive; a broken one is in page.rejected with its raw data, and only once."""
    harness = MetaHarness(surface)
    first = harness.customer_post("first")
    broken = harness.customer_post("broken")
    last = harness.customer_post("last")
    item = next(
        i for i in [*harness.server.comments, *harness.server.messages] if i["id"] == broken
    )
    if broken_field == "text":
        item["text" if "text" in item else "message"] = 5
    else:
        # unreadable, yet the Graph API still lists it in its place
        item["timestamp" if "timestamp" in item else "created_time"] += " (unreadable)"

    async def check() -> tuple[list[Mention], list[InvalidPayload], Page, str]:
        mentions: list[Mention] = []
        rejected: list[InvalidPayload] = []
        async with harness.make_channel() as channel:
            cursor = None
            for _ in range(10):
                page = await channel.fetch(cursor)
                mentions.extend(page.mentions)
                rejected.extend(page.rejected)
                cursor = page.next_cursor
                if not page.has_more:
                    break
            later = harness.customer_post("later")
            again = await channel.fetch(cursor)
        return mentions, rejected, again, later

    mentions, rejected, again, later = run(check())
    assert [m.native_id for m in mentions if not m.author.is_brand] == [first, last]
    assert len(rejected) == 1
    assert json.loads(rejected[0].raw)["id"] == broken
    assert [m.native_id for m in again.mentions] == [later]
    assert not again.rejected


def test_messenger_messages_are_private_and_brand_marked() -> None:
    """Messages from the Page are the brand's own; the customer's are private mentions."""
    harness = MetaHarness()
    harness.customer_post("hello", private=True)
    harness.server.add_message("Hi! How can we help?", customer=CUSTOMER_PSID, from_brand=True)

    async def check() -> list[Mention]:
        async with harness.make_channel() as channel:
            seen, _ = await drain(channel, None)
        return [m for m in seen if not m.is_public]

    customer, brand = run(check())
    assert customer.author.is_brand is False
    assert brand.author.is_brand is True
    assert {customer.visibility, brand.visibility} == {Visibility.PRIVATE}


def test_every_call_carries_appsecret_proof_and_bearer() -> None:
    """The token goes in a header, never the URL; appsecret_proof signs each call."""
    harness = MetaHarness()
    harness.customer_post("hi")

    async def check() -> None:
        async with harness.make_channel() as channel:
            await channel.fetch(None)

    run(check())
    for request in harness.server.seen:
        assert PAGE_TOKEN not in str(request.url)
        assert len(request.url.params["appsecret_proof"]) == 64


def test_usage_headers_stop_calls_before_the_limit() -> None:
    """At the usage ceiling the channel waits Meta's regain time without calling."""
    harness = MetaHarness()
    harness.server.usage = {"call_count": 97, "total_cputime": 10, "total_time": 10}

    async def check() -> None:
        async with harness.make_channel() as channel:
            with pytest.raises(RateLimited) as caught:
                await channel.fetch(None)
            assert harness.request_count() == 1, "calls went on after the ceiling"
            assert channel.rate_limit is not None
            assert channel.rate_limit.usage == 97
            assert caught.value.retry_after == pytest.approx(60)
            assert channel.health is ChannelHealth.DEGRADED
            harness.server.usage = None
            harness.clock.advance(timedelta(minutes=2))
            await channel.fetch(None)
            assert channel.health is ChannelHealth.HEALTHY

    run(check())


def test_business_usage_regain_time_is_the_wait() -> None:
    """A throttled answer waits estimated_time_to_regain_access (minutes)."""
    harness = MetaHarness()
    harness.fail_next(ContractFault.RATE_LIMITED)

    async def check() -> RateLimited:
        async with harness.make_channel() as channel:
            with pytest.raises(RateLimited) as caught:
                await channel.fetch(None)
        return caught.value

    assert run(check()).retry_after == pytest.approx(120)


def test_expired_token_code_190() -> None:
    """Code 190 is an expired token: reauthorization needed."""
    harness = MetaHarness()
    harness.server.expired = True

    async def check() -> FacebookPageChannel:
        channel = harness.make_channel()
        assert isinstance(channel, FacebookPageChannel)
        async with channel:
            with pytest.raises(AuthExpired):
                await channel.fetch(None)
        return channel

    assert run(check()).health is ChannelHealth.REAUTHORIZATION_NEEDED


# --- sending ------------------------------------------------------------------------


def test_private_reply_outside_the_window_is_refused() -> None:
    """A customer last seen more than 24 hours ago is not messaged; no request is made."""
    harness = MetaHarness()
    harness.customer_post("help", private=True)

    async def check() -> None:
        async with harness.make_channel() as channel:
            await drain(channel, None)
            harness.clock.advance(timedelta(hours=25))
            before = harness.request_count()
            with pytest.raises(MessageRefused) as caught:
                await channel.send(_private("Sorry for the wait"))
            assert caught.value.reason == "window_closed"
            assert harness.request_count() == before

    run(check())


def test_private_reply_inside_the_window_is_a_response() -> None:
    """Within the window the Send API gets messaging_type RESPONSE."""
    harness = MetaHarness()
    harness.customer_post("help", private=True)

    async def check() -> None:
        async with harness.make_channel() as channel:
            await drain(channel, None)
            harness.clock.advance(timedelta(hours=23))
            await channel.send(_private("Here to help"))
        sent = json.loads(harness.server.seen[-1].content)
        assert sent["messaging_type"] == "RESPONSE"
        assert sent["recipient"] == {"id": CUSTOMER_PSID}

    run(check())


def test_human_agent_tag_extends_the_window() -> None:
    """With human_agent the window is 7 days and the HUMAN_AGENT tag is sent."""
    harness = MetaHarness()
    harness.customer_post("help", private=True)

    async def check() -> None:
        channel = FacebookPageChannel(
            account=PAGE_ID,
            access_token=PAGE_TOKEN,
            app_secret=APP_SECRET,
            client=harness.make_channel()._client,
            clock=harness.clock,
            human_agent=True,
        )
        assert channel.capabilities.private_window == timedelta(days=7)
        async with channel:
            await drain(channel, None)
            harness.clock.advance(timedelta(days=3))
            await channel.send(_private("Following up"))
        sent = json.loads(harness.server.seen[-1].content)
        assert sent["tag"] == "HUMAN_AGENT"
        assert sent["messaging_type"] == "MESSAGE_TAG"

    run(check())


def test_capabilities_per_surface() -> None:
    """Each surface says what it can do, windows included."""
    page = FacebookPageChannel(account=PAGE_ID, access_token="t")
    assert page.capabilities.private_window == timedelta(hours=24)
    assert page.capabilities.private_max_length == 2000
    ig = InstagramChannel(account="1", access_token="t")
    assert ig.capabilities.private_message is False  # no linked Page
    assert ig.capabilities.max_length == 2200
    messenger = MessengerChannel(account=PAGE_ID, access_token="t")
    assert messenger.capabilities.public_reply is False
    for channel in (page, ig, messenger):
        run(channel.close())


# --- webhooks -----------------------------------------------------------------------


def test_hub_challenge_handshake() -> None:
    """The challenge is echoed only for subscribe with the right verify token."""
    good = {"hub.mode": "subscribe", "hub.verify_token": "tok", "hub.challenge": "1158201444"}
    assert verify_subscription(good, "tok") == "1158201444"
    assert verify_subscription({**good, "hub.verify_token": "nope"}, "tok") is None
    assert verify_subscription({**good, "hub.mode": "unsubscribe"}, "tok") is None
    assert verify_subscription({**good, "hub.challenge": ""}, "tok") is None
    assert verify_subscription(good, "") is None


def test_signature_over_raw_bytes() -> None:
    """The signature covers the exact bytes, escapes included; one changed byte fails."""
    body = b'{"object":"page","entry":[],"note":"caf\\u00e9"}'
    headers = {"X-Hub-Signature-256": "sha256=" + sign_hex(APP_SECRET, body)}
    verify_webhook(APP_SECRET, body, headers)
    with pytest.raises(BadSignature):
        verify_webhook(APP_SECRET, body.replace(b"\\u00e9", "é".encode()), headers)
    with pytest.raises(BadSignature):
        verify_webhook(APP_SECRET, body, {"X-Hub-Signature": "sha1=" + "0" * 40})
    with pytest.raises(BadSignature):
        verify_webhook("", body, headers)


def test_webhook_reactions_and_reads_give_nothing() -> None:
    """Signed deliveries of reactions or reads are accepted with no mentions."""
    body = json.dumps(
        {
            "object": "page",
            "entry": [
                {
                    "id": PAGE_ID,
                    "time": 1458668856451,
                    "messaging": [
                        {
                            "sender": {"id": "1"},
                            "recipient": {"id": PAGE_ID},
                            "timestamp": 1458668856463,
                            "read": {"watermark": 1458668856253},
                        }
                    ],
                }
            ],
        }
    ).encode()
    channel = MetaHarness().make_channel()
    headers = {"x-hub-signature-256": "sha256=" + sign_hex(APP_SECRET, body)}
    assert channel.parse_webhook(headers, body) == []


def test_webhook_message_opens_the_window() -> None:
    """A pushed message counts as the customer's last message for the window."""
    harness = MetaHarness()
    native_id = harness.customer_post("help", private=True)
    headers, body = harness.webhook(native_id) or ({}, b"")
    channel = harness.make_channel()
    (mention,) = channel.parse_webhook(headers, body)
    assert mention.visibility is Visibility.PRIVATE
    harness.clock.advance(timedelta(hours=30))

    async def check() -> None:
        with pytest.raises(MessageRefused):
            await channel.send(_private("late"))
        await channel.close()

    run(check())


def test_channels_are_webhook_channels() -> None:
    """All three surfaces satisfy WebhookChannel."""
    for surface in ("facebook", "instagram", "messenger"):
        assert isinstance(MetaHarness(surface).make_channel(), WebhookChannel)


# --- secrets ------------------------------------------------------------------------


def test_secrets_never_show(caplog: pytest.LogCaptureFixture) -> None:
    """The Page token and App Secret stay out of repr, errors and logs."""
    caplog.set_level(logging.DEBUG)
    harness = MetaHarness()
    channel = harness.make_channel()
    texts = [repr(channel), str(channel)]

    async def check() -> None:
        for fault in ContractFault:
            harness.fail_next(fault)
            try:
                await channel.fetch(None)
            except Exception as exc:
                texts.extend([str(exc), repr(exc), repr(exc.__cause__)])

    run(check())
    with contextlib.suppress(InvalidPayload):
        channel.parse_webhook({"X-Hub-Signature-256": "sha256=00"}, b"{}")
    texts.extend(record.getMessage() for record in caplog.records)
    for secret in (PAGE_TOKEN, APP_SECRET):
        assert not any(secret in text for text in texts)


# --- the parser ---------------------------------------------------------------------


def test_parser_feed_edit_sets_edited_at() -> None:
    """An edited comment keeps its key and says when it was edited."""
    body = {
        "object": "page",
        "entry": [
            {
                "id": PAGE_ID,
                "time": 1448555737,
                "changes": [
                    {
                        "field": "feed",
                        "value": {
                            "item": "comment",
                            "verb": "edited",
                            "comment_id": "9_1",
                            "post_id": "9",
                            "sender_id": 55,
                            "sender_name": "Tester",
                            "created_time": 1448555737,
                            "message": "edited text",
                        },
                    }
                ],
            }
        ],
    }
    (mention,) = parse_mentions(body, ref=REF)
    assert isinstance(mention, Mention)
    assert mention.edited_at is not None
    assert mention.author.native_id == "55"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"error": {"code": 190, "message": "expired"}}, "error object"),
        ({"id": "1"}, "write confirmation"),
        ({"recipient_id": "1", "message_id": "m_1"}, "send confirmation"),
        ({"success": True}, "success confirmation"),
        ({"id": "1", "name": "Acme"}, "profile object"),
        ({"object": "whatsapp_business_account", "entry": []}, "whatsapp"),
        ([], "list"),
    ],
)
def test_parser_refuses_non_posts(body: Any, reason: str) -> None:
    """Bodies that hold no post raise InvalidPayload saying what they are."""
    with pytest.raises(InvalidPayload, match=reason):
        parse_mentions(body, ref=REF)


def test_parser_graph_lists_include_nested_replies() -> None:
    """Instagram comments carry replies one level down; both parse."""
    body = {
        "data": [
            {
                "id": "1",
                "text": "nice",
                "timestamp": "2026-03-02T09:00:00+0000",
                "from": {"id": "7", "username": "dana"},
                "replies": {
                    "data": [
                        {
                            "id": "2",
                            "text": "thanks",
                            "timestamp": "2026-03-02T09:01:00+0000",
                            "from": {"id": PAGE_ID, "username": "acme"},
                            "parent_id": "1",
                        }
                    ]
                },
            }
        ]
    }
    first, second = parse_mentions(body, ref=REF)
    assert isinstance(first, Mention)
    assert isinstance(second, Mention)
    assert second.in_reply_to == "1"
    assert second.author.is_brand is True


def test_parser_bad_item_names_the_field() -> None:
    """A comment with a bad time is an InvalidPayload naming the field."""
    body = {"data": [{"id": "1", "message": "hi", "created_time": "yesterday"}]}
    (bad,) = parse_mentions(body, ref=REF)
    assert isinstance(bad, InvalidPayload)
    assert "created_time" in str(bad)


_FIELDS = [
    "object",
    "entry",
    "changes",
    "messaging",
    "field",
    "value",
    "item",
    "verb",
    "comment_id",
    "post_id",
    "message",
    "from",
    "id",
    "created_time",
    "time",
    "sender",
    "timestamp",
    "mid",
    "text",
    "data",
    "replies",
    "error",
]


@given(json_with_keys(_FIELDS))
def test_parser_never_raises_anything_else(payload: Any) -> None:
    """Random JSON gives mentions, InvalidPayload items, or raises InvalidPayload only."""
    assert_entries_or_invalid(parse_mentions, payload, ref=REF)


@given(st.binary(max_size=300))
def test_parse_webhook_never_raises_anything_else(body: bytes) -> None:
    """Any signed bytes give mentions or InvalidPayload, nothing else."""
    channel = MetaHarness().make_channel()
    headers = {"X-Hub-Signature-256": "sha256=" + sign_hex(APP_SECRET, body)}
    with contextlib.suppress(InvalidPayload):
        channel.parse_webhook(headers, body)


def test_parser_huge_payload() -> None:
    """Many thousands of messaging events parse."""
    events = [
        {
            "sender": {"id": str(i)},
            "recipient": {"id": PAGE_ID},
            "timestamp": 1457764197627 + i,
            "message": {"mid": f"m_{i}", "text": "x" * 50},
        }
        for i in range(20_000)
    ]
    body = {"object": "page", "entry": [{"id": PAGE_ID, "time": 1, "messaging": events}]}
    result = parse_mentions(body, ref=REF)
    assert len(result) == 20_000
    assert all(isinstance(m, Mention) for m in result)


def test_webhook_entries_for_other_pages_are_left_out() -> None:
    """An app receives every subscribed Page's deliveries; a channel keeps its own."""
    harness = MetaHarness()
    native_id = harness.customer_post("mine")
    _, body = harness.webhook(native_id) or ({}, b"")
    payload = json.loads(body)
    other = json.loads(json.dumps(payload["entry"][0]))
    other["id"] = "999"
    other["changes"][0]["value"]["comment_id"] = "999_1"
    payload["entry"].append(other)
    mixed = json.dumps(payload).encode()
    headers = {"X-Hub-Signature-256": "sha256=" + sign_hex(APP_SECRET, mixed)}
    mentions = harness.make_channel().parse_webhook(headers, mixed)
    assert [m.native_id for m in mentions] == [native_id]
