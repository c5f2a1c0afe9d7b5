"""The Bluesky channel: the contract suite on a fake network, plus Bluesky's own rules."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from socialcx.channels import ChannelHealth, MessageRefused, Page
from socialcx.channels.bluesky import (
    CHAT_PROXY,
    BlueskyChannel,
    BlueskySession,
    parse_mentions,
    record_key,
)
from socialcx.errors import (
    AuthError,
    AuthExpired,
    ChannelError,
    InvalidPayload,
    PermanentChannelError,
    RateLimited,
    TransientChannelError,
)
from socialcx.model import ChannelRef, Mention, OutboundMessage, Visibility
from socialcx.testing.contract import ChannelContract, ContractFault, drain
from tests.channels._common import (
    JSON,
    SENT_AT,
    assert_all_is_honest,
    assert_entries_or_invalid,
    private_message,
    public_reply,
    run,
)
from tests.channels.fake_bluesky import APP_PASSWORD, BRAND_HANDLE, HOST, BlueskyHarness

REF = ChannelRef(platform="bluesky", account=BRAND_HANDLE)
TID_CHARS = set("234567abcdefghijklmnopqrstuvwxyz")


class TestBlueskyContract(ChannelContract):
    """The whole conformance suite against the fake network."""

    @pytest.fixture
    def channel_harness(self) -> BlueskyHarness:
        return BlueskyHarness()


@pytest.fixture
def harness() -> BlueskyHarness:
    return BlueskyHarness()


def reply(target: str, text: str, **extra: Any) -> OutboundMessage:
    return public_reply(REF, target, text, **extra)


def private(recipient: str, text: str) -> OutboundMessage:
    return private_message(REF, recipient, text)


def nsids(harness: BlueskyHarness) -> list[str]:
    return [r.url.path.removeprefix("/xrpc/") for r in harness.server.requests]


# --- secrets ------------------------------------------------------------------------


def test_repr_hides_the_password_and_tokens() -> None:
    """Neither the app password nor the JWTs show in a repr."""
    session = BlueskySession(
        did="did:plc:abc", handle="brand.example.com", access_jwt="jwt-A", refresh_jwt="jwt-R"
    )
    channel = BlueskyChannel(account="brand.example.com", password="pw-secret", session=session)
    for text in (repr(channel), repr(session), repr(channel.session)):
        assert "pw-secret" not in text
        assert "jwt-A" not in text
        assert "jwt-R" not in text


def test_errors_and_logs_never_show_secrets(
    harness: BlueskyHarness, caplog: pytest.LogCaptureFixture
) -> None:
    """A refused login, an expired session and a timeout mention no password or token."""
    caplog.set_level(logging.DEBUG)
    errors: list[BaseException] = []

    async def check() -> None:
        async with harness.make_channel(session=None, password="wrong-password") as channel:
            with pytest.raises(AuthError) as caught:
                await channel.fetch(None)
            errors.append(caught.value)
        async with harness.make_channel() as channel:
            harness.fail_next(ContractFault.AUTH_EXPIRED)
            with pytest.raises(AuthExpired) as expired:
                await channel.fetch(None)
            errors.append(expired.value)
        harness.server.expired.clear()
        async with harness.make_channel() as channel:
            harness.fail_next(ContractFault.TIMEOUT)
            with pytest.raises(TransientChannelError) as timeout:
                await channel.fetch(None)
            errors.append(timeout.value)

    run(check())
    secrets = ["wrong-password", harness.session.access_jwt, harness.session.refresh_jwt]
    for error in errors:
        for secret in secrets:
            assert secret not in str(error)
            assert secret not in repr(error)
            assert secret not in str(getattr(error, "raw", ""))
    for secret in secrets:
        assert secret not in caplog.text


def test_a_channel_needs_a_password_or_a_session() -> None:
    """Without credentials the channel cannot start."""
    with pytest.raises(ValueError, match="password"):
        BlueskyChannel(account="brand.example.com")


# --- sessions -----------------------------------------------------------------------


def test_password_login_creates_one_session_and_reuses_it(harness: BlueskyHarness) -> None:
    """With an app password the first call logs in; later calls reuse the session."""
    saved: list[BlueskySession] = []
    harness.customer_post("hello")

    async def check() -> None:
        async with harness.make_channel(
            session=None, password=APP_PASSWORD, on_session=saved.append
        ) as channel:
            await drain(channel, None)
            await drain(channel, None)
            assert channel.session is not None

    run(check())
    assert harness.server.sessions_created == 1
    assert len(saved) == 1
    assert saved[0].did == harness.server.brand["did"]


def test_expired_access_token_is_refreshed_and_the_call_retried_once(
    harness: BlueskyHarness,
) -> None:
    """ExpiredToken refreshes the session and repeats the call; health stays healthy."""
    native = harness.customer_post("are you there")
    saved: list[BlueskySession] = []

    async def check() -> BlueskyChannel:
        async with harness.make_channel(on_session=saved.append) as channel:
            harness.server.expire_access()
            page = await channel.fetch(None)
            assert [m.native_id for m in page.mentions] == [native]
        return channel

    channel = run(check())
    assert channel.health is ChannelHealth.HEALTHY
    assert nsids(harness)[:3] == [
        "app.bsky.notification.listNotifications",
        "com.atproto.server.refreshSession",
        "app.bsky.notification.listNotifications",
    ]
    assert len(saved) == 1
    assert saved[0].access_jwt != harness.session.access_jwt


def test_expired_refresh_token_logs_in_again_with_the_password(harness: BlueskyHarness) -> None:
    """When the refresh token has expired too, the app password makes a new session."""

    async def check() -> None:
        async with harness.make_channel(password=APP_PASSWORD) as channel:
            harness.server.expire_everything()
            await channel.fetch(None)
            assert channel.health is ChannelHealth.HEALTHY

    run(check())
    assert "com.atproto.server.createSession" in nsids(harness)


def test_expired_session_without_password_needs_reauthorization(harness: BlueskyHarness) -> None:
    """Saved tokens that both expired raise AuthExpired after one refresh attempt."""

    async def check() -> BlueskyChannel:
        async with harness.make_channel() as channel:
            harness.server.expire_everything()
            with pytest.raises(AuthExpired):
                await channel.fetch(None)
        return channel

    channel = run(check())
    assert channel.health is ChannelHealth.REAUTHORIZATION_NEEDED
    assert nsids(harness).count("com.atproto.server.refreshSession") == 1


def test_a_new_login_clears_reauthorization(harness: BlueskyHarness) -> None:
    """After a failed login, a successful one makes the channel healthy again."""

    async def check() -> None:
        async with harness.make_channel(session=None, password=APP_PASSWORD) as channel:
            harness.server.passwords[BRAND_HANDLE] = "revoked"
            with pytest.raises(AuthError):
                await channel.fetch(None)
            assert channel.health is ChannelHealth.REAUTHORIZATION_NEEDED
            harness.server.passwords[BRAND_HANDLE] = APP_PASSWORD
            await channel.fetch(None)
            assert channel.health is ChannelHealth.HEALTHY

    run(check())


# --- listening ----------------------------------------------------------------------


def test_notifications_ask_for_mentions_replies_and_quotes(harness: BlueskyHarness) -> None:
    """The listing asks for the three post reasons, and skips likes it gets anyway."""
    native = harness.customer_post("help")
    harness.server.notify("like", native, harness.customer["did"])

    async def check() -> list[Mention]:
        async with harness.make_channel(chat=False) as channel:
            seen, _ = await drain(channel, None)
        return seen

    seen = run(check())
    assert [m.native_id for m in seen] == [native]
    request = harness.server.requests[0]
    assert request.url.params.get_list("reasons") == ["mention", "reply", "quote"]


def test_a_backlog_is_walked_down_and_nothing_arriving_meanwhile_is_lost(
    harness: BlueskyHarness,
) -> None:
    """A walk over several pages delivers every post once, including those posted mid-walk."""
    first = [harness.customer_post(f"old {i}") for i in range(7)]

    async def check() -> list[str]:
        async with harness.make_channel(chat=False) as channel:
            page = await channel.fetch(None)
            assert page.has_more is True
            assert "walk" in json.loads(page.next_cursor)["notifications"]
            again = await channel.fetch(None)
            assert [m.key for m in again.mentions] == [m.key for m in page.mentions]
            late = harness.customer_post("arrived during the walk")
            rest, cursor = await drain(channel, page.next_cursor)
            assert "walk" not in json.loads(cursor)["notifications"]
            after, _ = await drain(channel, cursor)
            ids = [m.native_id for m in [*page.mentions, *rest, *after]]
            assert late in ids
            return ids

    ids = run(check())
    assert sorted(ids) == sorted({*first, ids[-1]})
    assert len(ids) == len(set(ids))


def test_posts_sharing_a_timestamp_are_neither_skipped_nor_repeated(
    harness: BlueskyHarness,
) -> None:
    """Several notifications indexed in the same millisecond are each delivered once."""

    async def check() -> None:
        async with harness.make_channel(chat=False) as channel:
            _, cursor = await drain(channel, None)
            clock_advance = harness.clock.advance
            harness.clock.advance = lambda delta: harness.clock.now()  # type: ignore[method-assign]
            same = [harness.customer_post(f"same instant {i}") for i in range(5)]
            harness.clock.advance = clock_advance  # type: ignore[method-assign]
            seen, cursor = await drain(channel, cursor)
            assert sorted(m.native_id for m in seen) == sorted(same)
            more = [harness.customer_post("later")]
            seen, _ = await drain(channel, cursor)
            assert [m.native_id for m in seen] == more

    run(check())


def test_backfill_limits_where_a_new_channel_starts(harness: BlueskyHarness) -> None:
    """With backfill, fetch(None) skips notifications older than that."""
    harness.customer_post("ancient")
    harness.clock.advance(timedelta(days=30))
    recent = harness.customer_post("recent")

    async def check() -> list[str]:
        async with harness.make_channel(chat=False, backfill=timedelta(days=7)) as channel:
            seen, _ = await drain(channel, None)
        return [m.native_id for m in seen]

    assert run(check()) == [recent]


def test_fields_of_a_mention(harness: BlueskyHarness) -> None:
    """Text, author, URL, thread and language come from the notification."""
    native = harness.customer_post("my parcel is late")

    async def check() -> Mention:
        async with harness.make_channel(chat=False) as channel:
            (mention,) = (await channel.fetch(None)).mentions
        return mention

    mention = run(check())
    rkey = native.rsplit("/", 1)[-1]
    assert mention.text == f"@{BRAND_HANDLE} my parcel is late"
    assert mention.author.handle == "dana.example.net"
    assert mention.author.native_id == harness.customer["did"]
    assert mention.url == f"https://bsky.app/profile/dana.example.net/post/{rkey}"
    assert mention.conversation_id == native
    assert mention.visibility is Visibility.PUBLIC


def test_chat_messages_arrive_private_and_ours_are_marked_brand(harness: BlueskyHarness) -> None:
    """Chat log messages are private; the brand's own are is_brand; calls carry the proxy."""
    harness.customer_post("order 1234", private=True)
    brand_did = harness.server.brand["did"]
    harness.server.send_chat(brand_did, harness.customer["did"], "Thanks, checking.")

    async def check() -> list[Mention]:
        async with harness.make_channel() as channel:
            seen, _ = await drain(channel, None)
        return seen

    seen = run(check())
    assert [(m.text, m.visibility, m.author.is_brand) for m in seen] == [
        ("order 1234", Visibility.PRIVATE, False),
        ("Thanks, checking.", Visibility.PRIVATE, True),
    ]
    assert seen[0].conversation_id is not None
    chat = [r for r in harness.server.requests if "/xrpc/chat." in r.url.path]
    assert chat
    assert all(r.headers["atproto-proxy"] == CHAT_PROXY for r in chat)


def test_without_chat_there_are_no_private_messages(harness: BlueskyHarness) -> None:
    """chat=False: no chat calls, and capabilities say there are no private messages."""

    async def check() -> None:
        async with harness.make_channel(chat=False) as channel:
            assert channel.capabilities.private_message is False
            await drain(channel, None)

    run(check())
    assert not [n for n in nsids(harness) if n.startswith("chat.")]


def test_search_adds_posts_that_do_not_mention_the_account(harness: BlueskyHarness) -> None:
    """With a search query, matching posts are fetched too, once each."""
    stranger = harness.server.add_account("sam.example.org")
    other = harness.server.write_post(stranger["did"], "the brandapp crashed again")

    async def check() -> list[str]:
        async with harness.make_channel(chat=False, search="brandapp") as channel:
            seen, cursor = await drain(channel, None)
            later = harness.server.write_post(stranger["did"], "brandapp still down")
            more, _ = await drain(channel, cursor)
        return [m.native_id for m in seen] + [m.native_id for m in more] + [later]

    ids = run(check())
    assert ids[0] == other
    assert ids[1] == ids[2]


def test_rate_limit_waits_until_ratelimit_reset(harness: BlueskyHarness) -> None:
    """A 429 waits until the epoch RateLimit-Reset."""
    harness.fail_next(ContractFault.RATE_LIMITED)

    async def check() -> None:
        async with harness.make_channel() as channel:
            with pytest.raises(RateLimited) as caught:
                await channel.fetch(None)
        assert caught.value.retry_after == pytest.approx(90)

    run(check())


def test_a_bad_cursor_is_refused(harness: BlueskyHarness) -> None:
    """A cursor this channel did not issue raises PermanentChannelError."""

    async def check() -> None:
        async with harness.make_channel() as channel:
            for cursor in ("nope", '{"notifications": {"w": 3}}', "[]"):
                with pytest.raises(PermanentChannelError):
                    await channel.fetch(cursor)

    run(check())


# --- sending ------------------------------------------------------------------------


def created_records(harness: BlueskyHarness) -> list[dict[str, Any]]:
    return [
        json.loads(r.content)
        for r in harness.server.requests
        if r.url.path.endswith("com.atproto.repo.createRecord")
    ]


def test_record_key_is_a_stable_tid() -> None:
    """The record key is TID-shaped and the same for the same message."""
    key = record_key("abc", SENT_AT)
    assert len(key) == 13
    assert set(key) <= TID_CHARS
    assert key[0] in "234567abcdefghij"
    assert key == record_key("abc", SENT_AT)
    assert key != record_key("abd", SENT_AT)


def test_reply_references_root_and_parent(harness: BlueskyHarness) -> None:
    """A reply to a reply points at the thread's root and at its parent, with cids."""
    root = harness.customer_post("first")
    child = harness.server.write_post(harness.customer["did"], "follow-up", reply_to=root)
    message = reply(child, "We are on it.")

    async def check() -> None:
        async with harness.make_channel() as channel:
            delivery = await channel.send(message)
        assert delivery.native_id.endswith(record_key(message.idempotency_key, SENT_AT))
        assert delivery.url is not None
        assert delivery.url.startswith(f"https://bsky.app/profile/{BRAND_HANDLE}/post/")

    run(check())
    (created,) = created_records(harness)
    assert created["rkey"] == record_key(message.idempotency_key, SENT_AT)
    assert created["repo"] == harness.server.brand["did"]
    refs = created["record"]["reply"]
    assert refs["root"] == {"uri": root, "cid": harness.server.records[root]["cid"]}
    assert refs["parent"] == {"uri": child, "cid": harness.server.records[child]["cid"]}


def test_a_retry_after_a_lost_answer_resolves_to_the_first_post(harness: BlueskyHarness) -> None:
    """The second create with the same record key fails; the existing post is returned."""
    target = harness.customer_post("hello?")
    message = reply(target, "Hello! How can we help?")

    async def check() -> None:
        async with harness.make_channel() as channel:
            harness.fail_next(ContractFault.LOST_RESPONSE)
            with pytest.raises(TransientChannelError):
                await channel.send(message)
            again = await channel.send(message)
        assert again.replayed is True

    run(check())
    assert harness.server.brand_posts == 1
    assert len(created_records(harness)) == 2


def test_a_record_key_holding_another_post_is_refused(harness: BlueskyHarness) -> None:
    """If the key already holds a different post, the send fails instead of claiming it."""
    target = harness.customer_post("hi")
    message = reply(target, "Our answer.")
    rkey = record_key(message.idempotency_key, SENT_AT)
    harness.server.write_post(harness.server.brand["did"], "Something else", rkey=rkey)

    async def check() -> None:
        async with harness.make_channel() as channel:
            with pytest.raises(PermanentChannelError, match="different post"):
                await channel.send(message)
            assert await channel.find_sent(message) is None

    run(check())


def test_links_get_facets_in_utf8_bytes(harness: BlueskyHarness) -> None:
    """A link after an emoji is indexed in bytes, not characters."""
    target = harness.customer_post("hi")

    async def check() -> None:
        async with harness.make_channel() as channel:
            await channel.send(reply(target, "🎉 see https://help.example/a."))

    run(check())
    (created,) = created_records(harness)
    (facet,) = created["record"]["facets"]
    assert facet["index"] == {"byteStart": 9, "byteEnd": 31}
    assert facet["features"][0]["uri"] == "https://help.example/a"


def test_length_is_counted_in_graphemes(harness: BlueskyHarness) -> None:
    """300 family emoji fit in a post; 301 are refused before any request."""
    family = "👨‍👩‍👧"
    target = harness.customer_post("hi")

    async def check() -> None:
        async with harness.make_channel() as channel:
            assert channel.capabilities.fits(family * 300, private=False)
            before = len(harness.server.requests)
            with pytest.raises(MessageRefused):
                await channel.send(reply(target, family * 301))
            assert len(harness.server.requests) == before
            assert channel.capabilities.fits(family * 1000, private=True)

    run(check())


def test_replying_to_a_missing_post_is_permanent(harness: BlueskyHarness) -> None:
    """A post that is gone cannot be answered."""

    async def check() -> None:
        async with harness.make_channel() as channel:
            with pytest.raises(PermanentChannelError):
                await channel.send(reply("at://did:plc:x/app.bsky.feed.post/3kabc", "Hi"))

    run(check())


def test_private_message_goes_through_the_chat_service_once(harness: BlueskyHarness) -> None:
    """A private message finds the conversation, sends once, and a resend finds it."""
    message = private(harness.customer["did"], "Could you share your order number?")

    async def check() -> None:
        async with harness.make_channel() as channel:
            first = await channel.send(message)
            second = await channel.send(message)
            found = await channel.find_sent(message)
        assert second.native_id == first.native_id
        assert second.replayed is True
        assert found is not None
        assert found.native_id == first.native_id

    run(check())
    assert harness.server.brand_posts == 1
    sends = [n for n in nsids(harness) if n == "chat.bsky.convo.sendMessage"]
    assert len(sends) == 1


def test_chat_refusals_are_permanent(harness: BlueskyHarness) -> None:
    """A recipient who does not accept messages is a PermanentChannelError."""

    def refuse(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("getConvoForMembers"):
            return httpx.Response(400, json={"error": "MessagesDisabled", "message": "no"})
        return harness.server.handler(request)

    async def check() -> None:
        client = httpx.AsyncClient(transport=httpx.MockTransport(refuse))
        async with BlueskyChannel(
            account=BRAND_HANDLE, session=harness.session, client=client, base_url=HOST
        ) as channel:
            with pytest.raises(PermanentChannelError):
                await channel.send(private(harness.customer["did"], "Hello"))

    run(check())


# --- parse_mentions -----------------------------------------------------------------

AUTHOR = {"did": "did:plc:dana", "handle": "dana.example.net", "displayName": "Dana"}


def post_view(uri: str = "at://did:plc:dana/app.bsky.feed.post/3kaaa", **extra: Any) -> dict:
    view: dict[str, Any] = {
        "uri": uri,
        "cid": "bafyreiabc",
        "author": AUTHOR,
        "record": {
            "$type": "app.bsky.feed.post",
            "text": "hello @brand",
            "createdAt": "2026-03-02T08:00:00.000Z",
            "langs": ["en"],
        },
        "likeCount": 3,
        "replyCount": 1,
        "repostCount": 2,
        "quoteCount": 0,
        "indexedAt": "2026-03-02T08:00:01.000Z",
    }
    view.update(extra)
    return view


def test_parse_every_shape_that_holds_posts() -> None:
    """Notifications, search, threads, feeds, records and chat all parse."""
    one = post_view()
    two = post_view("at://did:plc:dana/app.bsky.feed.post/3kbbb")
    notification = {k: one[k] for k in ("uri", "cid", "author", "record", "indexedAt")}
    like = {**notification, "reason": "like", "record": {"$type": "app.bsky.feed.like"}}
    message = {
        "$type": "chat.bsky.convo.defs#messageView",
        "id": "m1",
        "rev": "1",
        "text": "dm",
        "sender": {"did": "did:plc:dana"},
        "sentAt": "2026-03-02T08:00:00Z",
    }
    shapes: list[tuple[Any, int]] = [
        ({"notifications": [{**notification, "reason": "mention"}, like]}, 1),
        ({"posts": [one, two], "cursor": "x"}, 2),
        (
            {
                "thread": {
                    "$type": "app.bsky.feed.defs#threadViewPost",
                    "post": one,
                    "parent": {"$type": "app.bsky.feed.defs#threadViewPost", "post": two},
                    "replies": [{"$type": "app.bsky.feed.defs#notFoundPost", "uri": "x"}],
                }
            },
            2,
        ),
        ({"feed": [{"post": one}, {"post": two, "reason": {}}]}, 2),
        ({"uri": one["uri"], "cid": "c", "value": one["record"]}, 1),
        ({"records": [{"uri": one["uri"], "cid": "c", "value": one["record"]}]}, 1),
        ({"messages": [message, {"$type": "chat.bsky.convo.defs#deletedMessageView"}]}, 1),
        (
            {
                "logs": [
                    {
                        "$type": "chat.bsky.convo.defs#logCreateMessage",
                        "convoId": "c1",
                        "rev": "1",
                        "message": message,
                    }
                ]
            },
            1,
        ),
        (message, 1),
        (one, 1),
        ({"notifications": []}, 0),
    ]
    for payload, count in shapes:
        parsed = parse_mentions(payload, ref=REF)
        assert len(parsed) == count, payload
        assert all(isinstance(m, Mention) for m in parsed)
    (dm,) = parse_mentions(message, ref=REF)
    assert isinstance(dm, Mention)
    assert dm.visibility is Visibility.PRIVATE


def test_parse_reads_post_fields() -> None:
    """Counts, language, thread ids, and a createdAt without a zone taken as UTC."""
    view = post_view()
    view["record"]["createdAt"] = "2023-07-21T01:33:51.481951"
    view["record"]["reply"] = {
        "root": {"uri": "at://r/app.bsky.feed.post/1", "cid": "a"},
        "parent": {"uri": "at://p/app.bsky.feed.post/2", "cid": "b"},
    }
    (mention,) = parse_mentions(view, ref=REF)
    assert isinstance(mention, Mention)
    assert mention.created_at == datetime(2023, 7, 21, 1, 33, 51, 481951, tzinfo=UTC)
    assert (mention.in_reply_to, mention.conversation_id) == (
        "at://p/app.bsky.feed.post/2",
        "at://r/app.bsky.feed.post/1",
    )
    assert (mention.metrics.likes, mention.metrics.reposts, mention.metrics.replies) == (3, 2, 1)
    assert mention.language == "en"
    brand = post_view(author={"did": "did:plc:b", "handle": BRAND_HANDLE})
    (own,) = parse_mentions(brand, ref=REF)
    assert isinstance(own, Mention)
    assert own.author.is_brand is True


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ({"did": "did:plc:abc"}, "identity"),
        ({"profiles": [AUTHOR]}, "profile"),
        ({"error": "InvalidRequest", "message": "bad"}, "error"),
        ({"uri": "at://x/app.bsky.feed.post/1", "cid": "c", "commit": {}}, "write result"),
        (
            {
                "uri": "at://x/app.bsky.feed.like/1",
                "cid": "c",
                "value": {"$type": "app.bsky.feed.like"},
            },
            "app.bsky.feed.like record",
        ),
        ({"blob": {}}, "blob"),
        ({"did": "did:plc:a", "handle": "h", "accessJwt": "SECRET", "refreshJwt": "S2"}, "profile"),
        (42, "int"),
        ([], "list"),
    ],
)
def test_parse_refuses_bodies_without_posts(payload: Any, reason: str) -> None:
    """A body that holds no posts raises InvalidPayload saying what it is."""
    if payload == []:
        assert parse_mentions(payload, ref=REF) == []
        return
    with pytest.raises(InvalidPayload, match=f"not a post: .*{reason}") as caught:
        parse_mentions(payload, ref=REF)
    assert "SECRET" not in str(caught.value.raw)


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (("record", "text"), 5, "record.text"),
        (("record", "createdAt"), "nope", "indexedAt"),
        (("author",), "dana", "author"),
        (("uri",), None, "uri"),
    ],
)
def test_parse_names_the_broken_field(path: tuple[str, ...], value: Any, field: str) -> None:
    """A post that cannot be read becomes an InvalidPayload naming the field, raw kept."""
    broken = post_view()
    target = broken
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    if field == "indexedAt":
        broken["indexedAt"] = "never"
    good, bad = parse_mentions({"posts": [post_view(), broken]}, ref=REF)
    assert isinstance(good, Mention)
    assert isinstance(bad, InvalidPayload)
    assert field in str(bad)
    assert json.loads(bad.raw)["cid"] == "bafyreiabc"


KEYS = [
    "uri",
    "cid",
    "author",
    "record",
    "indexedAt",
    "post",
    "value",
    "reason",
    "text",
    "sender",
    "sentAt",
    "id",
    "$type",
    "thread",
    "replies",
    "parent",
]


def mutated(base: dict[str, Any]) -> st.SearchStrategy[Any]:
    return st.builds(
        lambda changes, drop: {**{k: v for k, v in base.items() if k not in drop}, **changes},
        st.dictionaries(st.sampled_from(KEYS), JSON, max_size=3),
        st.sets(st.sampled_from(KEYS), max_size=3),
    )


@given(
    st.one_of(
        JSON,
        mutated(post_view()),
        st.builds(lambda p: {"posts": [p]}, mutated(post_view())),
        st.builds(lambda p: {"notifications": [p]}, mutated({**post_view(), "reason": "reply"})),
        st.builds(lambda p: {"thread": p}, mutated({"post": post_view(), "replies": []})),
        st.builds(lambda p: {"logs": [p]}, mutated({"$type": "x#logCreateMessage", "message": {}})),
        st.builds(
            lambda k, v: {k: v},
            st.sampled_from(
                ["posts", "feed", "messages", "records", "logs", "notifications", "thread"]
            ),
            JSON,
        ),
    )
)
def test_parse_mentions_never_raises_anything_else(payload: Any) -> None:
    """Any decoded JSON gives entries or InvalidPayload, nothing else."""
    assert_entries_or_invalid(parse_mentions, payload, ref=REF)


def test_unparseable_notification_is_reported_not_fatal(harness: BlueskyHarness) -> None:
    """One broken notification goes to on_invalid; the others arrive."""
    good = harness.customer_post("fine")
    broken = harness.customer_post("broken")
    next(n for n in harness.server.notifications if n["uri"] == broken)["record"]["text"] = 7
    rejected: list[InvalidPayload] = []

    async def check() -> list[str]:
        async with harness.make_channel(chat=False, on_invalid=rejected.append) as channel:
            seen, _ = await drain(channel, None)
        return [m.native_id for m in seen]

    assert run(check()) == [good]
    assert len(rejected) == 1
    assert "record.text" in str(rejected[0])


def _page_and_next(harness: BlueskyHarness) -> tuple[Page, Page]:
    async def check() -> tuple[Page, Page]:
        async with harness.make_channel(chat=False) as channel:
            page = await channel.fetch(None)
            assert not page.has_more
            again = await channel.fetch(page.next_cursor)
        return page, again

    return run(check())


def test_a_broken_notification_rides_in_the_page_and_the_cursor_moves_past_it(
    harness: BlueskyHarness,
) -> None:
    """The good posts arrive, the broken one is in page.rejected with its raw data, once."""
    first = harness.customer_post("first")
    broken = harness.customer_post("broken")
    last = harness.customer_post("last")
    next(n for n in harness.server.notifications if n["uri"] == broken)["record"]["text"] = 7

    page, again = _page_and_next(harness)
    assert [m.native_id for m in page.mentions] == [first, last]
    assert len(page.rejected) == 1
    assert "record.text" in str(page.rejected[0])
    assert broken in str(page.rejected[0].raw)
    assert not again.mentions and not again.rejected


def test_a_notification_without_a_time_is_rejected_once(harness: BlueskyHarness) -> None:
    """A broken indexedAt takes its neighbour's place, so the next poll does not repeat it."""
    first = harness.customer_post("first")
    broken = harness.customer_post("broken")
    last = harness.customer_post("last")
    item = next(n for n in harness.server.notifications if n["uri"] == broken)
    item["indexedAt"] = "not a time"
    item["record"]["text"] = 7

    page, again = _page_and_next(harness)
    assert [m.native_id for m in page.mentions] == [first, last]
    assert len(page.rejected) == 1
    assert broken in str(page.rejected[0].raw)
    assert not again.mentions and not again.rejected


def test_errors_are_channel_errors(harness: BlueskyHarness) -> None:
    """Every fault comes out as a ChannelError."""

    async def check() -> None:
        for fault in ContractFault:
            if fault is ContractFault.LOST_RESPONSE:
                continue
            async with harness.make_channel() as channel:
                harness.fail_next(fault)
                with pytest.raises(ChannelError):
                    await channel.fetch(None)
            harness.server.expired.clear()

    run(check())


def test_module_all_matches_public_names() -> None:
    """The module exports exactly its public names, sorted constants, classes, functions."""
    import socialcx.channels.bluesky as module

    assert_all_is_honest(module)
