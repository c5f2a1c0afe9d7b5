"""The Reddit channel: the contract suite on a fake Reddit, plus Reddit's own rules."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from socialcx.channels import ChannelHealth, MessageRefused, Page
from socialcx.channels.reddit import RedditChannel, RedditCredentials, parse_mentions
from socialcx.errors import (
    AuthError,
    AuthExpired,
    ChannelError,
    InvalidPayload,
    PermanentChannelError,
    RateLimited,
)
from socialcx.model import ChannelRef, Mention, OutboundMessage, Visibility
from socialcx.testing.contract import ChannelContract, ContractFault, drain
from tests.channels._common import (
    JSON,
    assert_all_is_honest,
    assert_entries_or_invalid,
    private_message,
    public_reply,
    run,
)
from tests.channels.fake_reddit import (
    BRAND,
    BRAND_TOKEN,
    CLIENT_SECRET,
    REFRESH_TOKEN,
    RedditHarness,
)

REF = ChannelRef(platform="reddit", account=BRAND)


class TestRedditContract(ChannelContract):
    """The whole conformance suite against the fake Reddit."""

    @pytest.fixture
    def channel_harness(self) -> RedditHarness:
        return RedditHarness()


@pytest.fixture
def harness() -> RedditHarness:
    return RedditHarness()


def reply(target: str, text: str, **extra: Any) -> OutboundMessage:
    return public_reply(REF, target, text, **extra)


def private(text: str, **extra: Any) -> OutboundMessage:
    return private_message(REF, "customer_dana", text, **extra)


def paths(harness: RedditHarness) -> list[str]:
    return [f"{r.method} {r.url.path}" for r in harness.server.requests]


def form(request: httpx.Request) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(request.content.decode()).items()}


# --- secrets ------------------------------------------------------------------------


def test_repr_hides_tokens_and_secrets() -> None:
    """Neither the access token nor the app secret, refresh token or password show."""
    credentials = RedditCredentials(
        client_id="cid", client_secret="app-secret", refresh_token="rt-secret", password="pw"
    )
    channel = RedditChannel(account="brand", token="tok-secret", credentials=credentials)
    for text in (repr(channel), repr(credentials)):
        for secret in ("app-secret", "rt-secret", "tok-secret", "'pw'"):
            assert secret not in text


def test_errors_and_logs_never_show_secrets(
    harness: RedditHarness, caplog: pytest.LogCaptureFixture
) -> None:
    """Refused credentials, an expired token and a timeout mention no secret."""
    caplog.set_level(logging.DEBUG)
    errors: list[BaseException] = []

    async def check() -> None:
        bad = harness.credentials(refresh_token="stolen-refresh-token")
        async with harness.make_channel(token=None, credentials=bad) as channel:
            with pytest.raises(AuthError) as refused:
                await channel.fetch(None)
            errors.append(refused.value)
        async with harness.make_channel() as channel:
            harness.fail_next(ContractFault.AUTH_EXPIRED)
            with pytest.raises(AuthExpired) as expired:
                await channel.fetch(None)
            errors.append(expired.value)
        harness.server.expired.clear()
        async with harness.make_channel() as channel:
            harness.fail_next(ContractFault.TIMEOUT)
            with pytest.raises(ChannelError) as timeout:
                await channel.fetch(None)
            errors.append(timeout.value)

    run(check())
    for error in errors:
        for secret in (BRAND_TOKEN, CLIENT_SECRET, REFRESH_TOKEN, "stolen-refresh-token"):
            assert secret not in str(error)
            assert secret not in repr(error)
            assert secret not in caplog.text


def test_a_channel_needs_a_token_or_credentials() -> None:
    """Without either, the channel cannot start; an unknown inbox is refused too."""
    with pytest.raises(ValueError, match="token"):
        RedditChannel(account="brand")
    with pytest.raises(ValueError, match="inbox"):
        RedditChannel(account="brand", token="t", inbox="everything")


# --- tokens -------------------------------------------------------------------------


def test_credentials_obtain_a_token_and_renew_it_once_on_401(harness: RedditHarness) -> None:
    """A refresh-token grant runs first; a 401 renews the token and retries once."""
    native = harness.customer_post("hello")

    async def check() -> RedditChannel:
        async with harness.make_channel(token=None, credentials=harness.credentials()) as channel:
            await channel.fetch(None)
            harness.server.expired |= set(harness.server.tokens)
            seen, _ = await drain(channel, None)
            assert native in [m.native_id for m in seen]
        return channel

    channel = run(check())
    assert channel.health is ChannelHealth.HEALTHY
    assert harness.server.tokens_issued == 2
    token_request = harness.server.requests[0]
    assert form(token_request) == {"grant_type": "refresh_token", "refresh_token": REFRESH_TOKEN}
    assert token_request.headers["authorization"].startswith("Basic ")


def test_password_grant_errors_inside_a_200_are_auth_errors(harness: RedditHarness) -> None:
    """The token endpoint's ``{"error": "invalid_grant"}`` in a 200 is an AuthError."""
    credentials = harness.credentials(refresh_token=None, username=BRAND, password="wrong")

    async def check() -> RedditChannel:
        async with harness.make_channel(token=None, credentials=credentials) as channel:
            with pytest.raises(AuthError):
                await channel.fetch(None)
        return channel

    assert run(check()).health is ChannelHealth.REAUTHORIZATION_NEEDED


def test_a_token_that_expires_by_clock_is_renewed_before_use(harness: RedditHarness) -> None:
    """expires_in is honoured: after it passes a new token is obtained first."""

    async def check() -> None:
        async with harness.make_channel(token=None, credentials=harness.credentials()) as channel:
            await channel.fetch(None)
            harness.clock.advance(timedelta(days=2))
            await channel.fetch(None)

    run(check())
    assert harness.server.tokens_issued == 2
    assert paths(harness).count("GET /message/inbox") == 2


def test_credentials_need_a_grant() -> None:
    """Credentials with neither a refresh token nor a password cannot make a grant."""
    with pytest.raises(ValueError, match="refresh_token"):
        RedditCredentials(client_id="x").grant()


# --- listening ----------------------------------------------------------------------


def test_inbox_items_become_mentions(harness: RedditHarness) -> None:
    """Comment mentions are public with thread ids; messages are private with subjects."""
    comment = harness.customer_post("my order never came")
    message = harness.customer_post("order 1234", private=True)

    async def check() -> dict[str, Mention]:
        async with harness.make_channel() as channel:
            seen, _ = await drain(channel, None)
        return {m.native_id: m for m in seen}

    seen = run(check())
    public, dm = seen[comment], seen[message]
    assert public.visibility is Visibility.PUBLIC
    assert public.text == f"/u/{BRAND} my order never came"
    assert public.in_reply_to == harness.server.submission
    assert public.conversation_id == harness.server.submission
    assert public.author.handle == "customer_dana"
    assert public.url is not None
    assert public.url.startswith("https://www.reddit.com/r/acme/comments/")
    assert "?" not in public.url
    assert dm.visibility is Visibility.PRIVATE
    assert dm.text == "Order question\n\norder 1234"
    assert dm.conversation_id == message
    requested = harness.server.requests[0].url.params
    assert requested["raw_json"] == "1"
    assert harness.server.requests[0].headers["user-agent"].startswith("python:socialcx:")


def test_a_backlog_is_walked_with_after_and_nothing_is_lost(harness: RedditHarness) -> None:
    """Older pages are read with ``after``; items arriving mid-walk come after it."""
    first = [harness.customer_post(f"old {i}") for i in range(7)]

    async def check() -> list[str]:
        async with harness.make_channel() as channel:
            page = await channel.fetch(None)
            assert page.has_more
            late = harness.customer_post("mid-walk")
            rest, cursor = await drain(channel, page.next_cursor)
            after, _ = await drain(channel, cursor)
        ids = [m.native_id for m in [*page.mentions, *rest, *after]]
        assert late in ids
        return ids

    ids = run(check())
    assert set(first) <= set(ids)
    assert len(ids) == len(set(ids)) == 8
    afters = [r.url.params.get("after") for r in harness.server.requests]
    assert any(afters)


def test_a_deleted_watermark_item_does_not_strand_the_cursor(harness: RedditHarness) -> None:
    """The newest delivered item disappears; new items are still found by time."""

    async def check() -> None:
        async with harness.make_channel() as channel:
            gone = harness.customer_post("soon deleted")
            _, cursor = await drain(channel, None)
            harness.server.inboxes[BRAND.lower()].remove(gone)
            new = harness.customer_post("still here")
            seen, _ = await drain(channel, cursor)
            assert [m.native_id for m in seen] == [new]

    run(check())


def test_mentions_inbox_and_search(harness: RedditHarness) -> None:
    """inbox="mentions" reads /message/mentions; search adds matching submissions."""
    mention = harness.customer_post("hey")
    post = harness.server.submit("someone", "Is Acme down?", "")

    async def check() -> list[str]:
        async with harness.make_channel(inbox="mentions", search="acme") as channel:
            seen, cursor = await drain(channel, None)
            assert set(json.loads(cursor)) == {"inbox", "search"}
        return [m.native_id for m in seen]

    ids = run(check())
    assert mention in ids
    assert post in ids
    assert harness.server.submission in ids
    assert "GET /message/mentions" in paths(harness)
    assert "GET /search" in paths(harness)


def test_backfill_limits_where_a_new_channel_starts(harness: RedditHarness) -> None:
    """With backfill, fetch(None) skips items older than that."""
    harness.customer_post("ancient")
    harness.clock.advance(timedelta(days=30))
    recent = harness.customer_post("recent")

    async def check() -> list[str]:
        async with harness.make_channel(backfill=timedelta(days=7)) as channel:
            seen, _ = await drain(channel, None)
        return [m.native_id for m in seen]

    assert run(check()) == [recent]


def test_a_bad_cursor_is_refused(harness: RedditHarness) -> None:
    """A cursor this channel did not issue raises PermanentChannelError."""

    async def check() -> None:
        async with harness.make_channel() as channel:
            for cursor in ("x", '{"inbox": {"w": ["when", []]}}'):
                with pytest.raises(PermanentChannelError):
                    await channel.fetch(cursor)

    run(check())


def test_rate_limit_headers_are_honoured(harness: RedditHarness) -> None:
    """A 429 waits X-Ratelimit-Reset seconds; an exhausted budget waits without a request."""

    async def check() -> None:
        async with harness.make_channel() as channel:
            harness.fail_next(ContractFault.RATE_LIMITED)
            with pytest.raises(RateLimited) as caught:
                await channel.fetch(None)
            assert caught.value.retry_after == pytest.approx(42)
            harness.server.remaining = 1
            await channel.fetch(None)
            assert channel.rate_limit is not None
            assert channel.rate_limit.remaining == 0
            before = len(harness.server.requests)
            with pytest.raises(RateLimited) as local:
                await channel.fetch(None)
            assert local.value.retry_after == pytest.approx(300)
            assert len(harness.server.requests) == before
            harness.clock.advance(301)
            harness.server.remaining = 600
            await channel.fetch(None)

    run(check())


# --- sending ------------------------------------------------------------------------


def posted(harness: RedditHarness, path: str) -> list[httpx.Request]:
    return [r for r in harness.server.requests if r.method == "POST" and r.url.path == path]


def test_reply_is_a_comment_on_the_thing(harness: RedditHarness) -> None:
    """A public reply posts /api/comment with thing_id and the markdown text."""
    target = harness.customer_post("help")

    async def check() -> None:
        async with harness.make_channel() as channel:
            delivery = await channel.send(reply(target, "We're on it!"))
        assert delivery.native_id.startswith("t1_")
        assert delivery.url is not None
        assert delivery.sent_at is not None

    run(check())
    (request,) = posted(harness, "/api/comment")
    assert form(request) == {"api_type": "json", "thing_id": target, "text": "We're on it!"}


def test_ratelimit_inside_a_200_is_rate_limited(harness: RedditHarness) -> None:
    """json.errors RATELIMIT in a 200 raises RateLimited with the wait from its text."""
    target = harness.customer_post("help")

    async def check() -> RedditChannel:
        async with harness.make_channel() as channel:
            harness.server.fail.append("ratelimit_in_body")
            with pytest.raises(RateLimited) as caught:
                await channel.send(reply(target, "Hello"))
            assert caught.value.retry_after == pytest.approx(360)
        return channel

    assert run(check()).health is ChannelHealth.DEGRADED
    assert harness.server.brand_posts == 0


def test_other_errors_inside_a_200_are_permanent(harness: RedditHarness) -> None:
    """A deleted parent (DELETED_COMMENT in a 200) is a PermanentChannelError."""

    async def check() -> None:
        async with harness.make_channel() as channel:
            with pytest.raises(PermanentChannelError, match="DELETED_COMMENT"):
                await channel.send(reply("t1_zzzzzz", "Hello"))

    run(check())


def test_new_private_message_is_composed_and_read_back(harness: RedditHarness) -> None:
    """A new private message goes to /api/compose; its id is read back from sent."""

    async def check() -> None:
        async with harness.make_channel(subject="About your order") as channel:
            delivery = await channel.send(private("Could you share the order number?"))
            found = await channel.find_sent(private("Could you share the order number?"))
        assert delivery.native_id.startswith("t4_")
        assert delivery.replayed is False
        assert found is not None
        assert found.native_id == delivery.native_id

    run(check())
    (request,) = posted(harness, "/api/compose")
    assert form(request) == {
        "api_type": "json",
        "to": "customer_dana",
        "subject": "About your order",
        "text": "Could you share the order number?",
    }


def test_private_answer_to_a_message_replies_in_its_thread(harness: RedditHarness) -> None:
    """A private answer to a t4 message is a comment on that message, not a new one."""
    message = harness.customer_post("order 1234", private=True)

    async def check() -> None:
        async with harness.make_channel() as channel:
            sent = await channel.send(private("Found it.", in_reply_to=message))
            found = await channel.find_sent(private("Found it.", in_reply_to=message))
        assert found is not None
        assert found.native_id == sent.native_id

    run(check())
    assert posted(harness, "/api/compose") == []
    (request,) = posted(harness, "/api/comment")
    assert form(request)["thing_id"] == message


def test_public_messages_need_something_to_answer(harness: RedditHarness) -> None:
    """A public message without in_reply_to, or answering a private message, is refused."""

    async def check() -> None:
        async with harness.make_channel() as channel:
            with pytest.raises(MessageRefused):
                await channel.send(reply("t4_abc", "Hi"))
            with pytest.raises(MessageRefused):
                await channel.send(reply(None, "Hi", recipient="customer_dana"))

    run(check())
    assert harness.server.requests == []


def test_find_sent_matches_parent_and_text(harness: RedditHarness) -> None:
    """find_sent reads /user/{name}/comments and needs both the parent and the text."""
    one = harness.customer_post("first")
    two = harness.customer_post("second")

    async def check() -> None:
        async with harness.make_channel() as channel:
            await channel.send(reply(one, "Thanks  for\nwaiting"))
            assert await channel.find_sent(reply(one, "Thanks for waiting")) is not None
            assert await channel.find_sent(reply(two, "Thanks for waiting")) is None
            assert await channel.find_sent(reply(one, "Something else")) is None

    run(check())
    assert f"GET /user/{BRAND}/comments" in paths(harness)


# --- parse_mentions -----------------------------------------------------------------


def comment(**extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "abc123",
        "name": "t1_abc123",
        "author": "customer_dana",
        "body": "hello /u/AcmeSupport",
        "created_utc": 1_772_442_000.0,
        "parent_id": "t3_xyz",
        "link_id": "t3_xyz",
        "permalink": "/r/acme/comments/xyz/title/abc123/",
        "score": 5,
        "edited": False,
        "replies": "",
    }
    data.update(extra)
    return {"kind": "t1", "data": data}


def listing(*children: Any) -> dict[str, Any]:
    return {"kind": "Listing", "data": {"children": list(children), "after": None, "before": None}}


def test_parse_every_shape_that_holds_posts() -> None:
    """Listings, comment trees with replies, single things and /api/comment answers parse."""
    nested = comment(
        name="t1_parent",
        replies=listing(comment(name="t1_child"), {"kind": "more", "data": {"name": "t1__"}}),
    )
    submission = {
        "kind": "t3",
        "data": {
            "name": "t3_xyz",
            "author": "op",
            "title": "Title",
            "selftext": "Body",
            "created_utc": 1_772_442_000,
            "num_comments": 4,
            "score": -2,
            "permalink": "/r/acme/comments/xyz/title/",
        },
    }
    shapes: list[tuple[Any, list[str]]] = [
        (listing(comment(), comment(name="t1_two")), ["t1_abc123", "t1_two"]),
        ([listing(submission), listing(nested)], ["t3_xyz", "t1_parent", "t1_child"]),
        (comment(), ["t1_abc123"]),
        ({"json": {"errors": [], "data": {"things": [comment()]}}}, ["t1_abc123"]),
        (listing(), []),
    ]
    for payload, names in shapes:
        parsed = parse_mentions(payload, ref=REF)
        assert [m.native_id for m in parsed if isinstance(m, Mention)] == names
        assert all(isinstance(m, Mention) for m in parsed)
    (post,) = parse_mentions(submission, ref=REF)
    assert isinstance(post, Mention)
    assert post.text == "Title\n\nBody"
    assert (post.metrics.likes, post.metrics.replies) == (0, 4)


def test_parse_authorless_and_brand_items() -> None:
    """A message without an author (sent as a subreddit) parses; the brand is is_brand."""
    modmail = {
        "kind": "t4",
        "data": {
            "name": "t4_1",
            "author": None,
            "subreddit_name_prefixed": "r/acme",
            "body": "Bot!",
            "subject": "re: removed",
            "parent_id": "t4_0",
            "created_utc": 1_703_350_915.0,
        },
    }
    (mention,) = parse_mentions(listing(modmail), ref=REF)
    assert isinstance(mention, Mention)
    assert mention.author.handle == "r/acme"
    assert mention.text == "Bot!"
    assert mention.visibility is Visibility.PRIVATE
    (own,) = parse_mentions(comment(author="acmesupport", edited=1_772_442_100.5), ref=REF)
    assert isinstance(own, Mention)
    assert own.author.is_brand is True
    assert own.edited_at is not None


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ({"access_token": "SECRET", "token_type": "bearer", "expires_in": 3600}, "token"),
        ({"kind": "t2", "data": {"name": "t2_x"}}, "account"),
        (listing({"kind": "t5", "data": {}}), "subreddit"),
        ({"json": {"errors": [["RATELIMIT", "try again in 6 minutes", "ratelimit"]]}}, "RATELIMIT"),
        ({"message": "Forbidden", "error": 403}, "error"),
        ("text", "str"),
        (None, "NoneType"),
    ],
)
def test_parse_refuses_bodies_without_posts(payload: Any, reason: str) -> None:
    """A body that holds no posts raises InvalidPayload saying what it is; tokens are dropped."""
    with pytest.raises(InvalidPayload, match=f"not a post: .*{reason}") as caught:
        parse_mentions(payload, ref=REF)
    assert "SECRET" not in str(caught.value.raw)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("created_utc", "yesterday"),
        ("body", None),
        ("created_utc", float("nan")),
        ("created_utc", 1e20),
    ],
)
def test_parse_names_the_broken_field(field: str, value: Any) -> None:
    """A thing that cannot be read becomes an InvalidPayload naming the field."""
    good, bad = parse_mentions(listing(comment(), comment(**{field: value})), ref=REF)
    assert isinstance(good, Mention)
    assert isinstance(bad, InvalidPayload)
    assert field in str(bad)
    assert json.loads(bad.raw)["data"]["name"] == "t1_abc123"


KEYS = [
    "name",
    "id",
    "author",
    "body",
    "title",
    "selftext",
    "created_utc",
    "parent_id",
    "replies",
    "edited",
    "score",
    "permalink",
    "context",
    "subject",
]


def mutated() -> st.SearchStrategy[Any]:
    return st.builds(
        lambda kind, changes, drop: {
            "kind": kind,
            "data": {**{k: v for k, v in comment()["data"].items() if k not in drop}, **changes},
        },
        st.sampled_from(["t1", "t3", "t4", "more", "t2", "Listing"]),
        st.dictionaries(st.sampled_from(KEYS), JSON, max_size=3),
        st.sets(st.sampled_from(KEYS), max_size=3),
    )


@given(
    st.one_of(
        JSON,
        mutated(),
        st.builds(lambda t: listing(t), mutated()),
        st.builds(lambda ts: [listing(*ts)], st.lists(mutated(), max_size=3)),
        st.builds(lambda t: {"json": {"errors": [], "data": {"things": t}}}, JSON),
        st.builds(lambda d: {"kind": "Listing", "data": d}, JSON),
    )
)
def test_parse_mentions_never_raises_anything_else(payload: Any) -> None:
    """Any decoded JSON gives entries or InvalidPayload, nothing else."""
    assert_entries_or_invalid(parse_mentions, payload, ref=REF)


def test_unparseable_item_is_reported_not_fatal(harness: RedditHarness) -> None:
    """One broken inbox item goes to on_invalid; the others arrive."""
    good = harness.customer_post("fine")
    broken = harness.customer_post("broken")
    harness.server.things[f"inbox:{BRAND.lower()}:{broken}"]["data"]["body"] = None
    rejected: list[InvalidPayload] = []

    async def check() -> list[str]:
        async with harness.make_channel(on_invalid=rejected.append) as channel:
            seen, _ = await drain(channel, None)
        return [m.native_id for m in seen]

    assert run(check()) == [good]
    assert len(rejected) == 1
    assert "body" in str(rejected[0])


def _page_and_next(harness: RedditHarness) -> tuple[Page, Page]:
    async def check() -> tuple[Page, Page]:
        async with harness.make_channel() as channel:
            page = await channel.fetch(None)
            assert not page.has_more
            again = await channel.fetch(page.next_cursor)
        return page, again

    return run(check())


def test_a_broken_item_rides_in_the_page_and_the_cursor_moves_past_it(
    harness: RedditHarness,
) -> None:
    """The good items arrive, the broken one is in page.rejected with its raw data, once."""
    first = harness.customer_post("first")
    broken = harness.customer_post("broken")
    last = harness.customer_post("last")
    harness.server.things[f"inbox:{BRAND.lower()}:{broken}"]["data"]["body"] = None

    page, again = _page_and_next(harness)
    assert [m.native_id for m in page.mentions] == [first, last]
    assert len(page.rejected) == 1
    assert "body" in str(page.rejected[0])
    assert broken in str(page.rejected[0].raw)
    assert not again.mentions and not again.rejected


def test_an_item_without_a_time_is_rejected_once(harness: RedditHarness) -> None:
    """A broken created_utc takes its neighbour's place, so the next poll does not repeat it."""
    first = harness.customer_post("first")
    broken = harness.customer_post("broken")
    last = harness.customer_post("last")
    data = harness.server.things[f"inbox:{BRAND.lower()}:{broken}"]["data"]
    data["created_utc"] = "soon"

    page, again = _page_and_next(harness)
    assert [m.native_id for m in page.mentions] == [first, last]
    assert len(page.rejected) == 1
    assert broken in str(page.rejected[0].raw)
    assert not again.mentions and not again.rejected


def test_module_all_matches_public_names() -> None:
    """The module exports exactly its public names, sorted constants, classes, functions."""
    import socialcx.channels.reddit as module

    assert_all_is_honest(module)
