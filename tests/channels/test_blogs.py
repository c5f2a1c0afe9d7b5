"""The blog feed adapter: the contract suite on a fake blog, conditional GET, dedupe, parsing."""

from __future__ import annotations

import contextlib
import logging
import sys
from datetime import timedelta
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from socialcx.channels import MessageRefused, Page, WebhookChannel
from socialcx.channels.blogs import BlogFeedChannel, entry_id, parse_mentions
from socialcx.errors import AuthError, InvalidPayload, PermanentChannelError
from socialcx.model import ChannelRef, Mention, Visibility
from socialcx.testing.contract import ChannelContract, drain
from tests.channels._common import SENT_AT, public_reply, run
from tests.channels.fake_blogs import FEED_PASSWORD, FEED_URL, HUB_SECRET, BlogHarness

REF = ChannelRef(platform="blog", account=FEED_URL)


class TestAtomContract(ChannelContract):
    """The conformance suite on an Atom feed (reply checks skip: feeds are read-only)."""

    @pytest.fixture
    def channel_harness(self) -> BlogHarness:
        return BlogHarness("atom")


class TestRssContract(ChannelContract):
    """The conformance suite on an RSS 2.0 feed."""

    @pytest.fixture
    def channel_harness(self) -> BlogHarness:
        return BlogHarness("rss")


# --- conditional GET and dedupe -----------------------------------------------------


def test_not_modified_is_an_empty_page_with_the_same_cursor() -> None:
    """With the stored ETag the blog answers 304: no mentions, cursor unchanged."""
    harness = BlogHarness()
    harness.customer_post("Acme support was great")

    async def check() -> None:
        async with harness.make_channel() as channel:
            first = await channel.fetch(None)
            again = await channel.fetch(first.next_cursor)
        assert len(first.mentions) == 1
        assert again.mentions == ()
        assert again.next_cursor == first.next_cursor
        request = harness.server.seen[-1]
        assert request.headers["if-none-match"].startswith('"')
        assert "if-modified-since" in request.headers

    run(check())


def test_last_modified_alone_is_enough() -> None:
    """A server without ETags is asked If-Modified-Since, and its 304 is honoured."""
    harness = BlogHarness()
    harness.server.etags = False
    harness.customer_post("one")

    async def check() -> None:
        async with harness.make_channel() as channel:
            first = await channel.fetch(None)
            again = await channel.fetch(first.next_cursor)
        assert again.mentions == ()
        assert "if-none-match" not in harness.server.seen[-1].headers

    run(check())


def test_seen_entries_are_not_repeated_when_the_feed_changes() -> None:
    """A changed feed delivers only entries not seen before."""
    harness = BlogHarness()
    first_id = harness.customer_post("first")

    async def check() -> None:
        async with harness.make_channel() as channel:
            page = await channel.fetch(None)
            second_id = harness.customer_post("second")
            later = await channel.fetch(page.next_cursor)
        assert [m.native_id for m in page.mentions] == [first_id]
        assert [m.native_id for m in later.mentions] == [second_id]

    run(check())


def test_a_broken_entry_rides_in_the_page_and_is_reported_once() -> None:
    """Good entries arrive; an entry that cannot be named is in page.rejected, once."""
    document = (
        b'<?xml version="1.0" encoding="utf-8"?>'
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>Example</title><id>tag:f</id>'
        b"<entry><id>tag:a</id><title>first</title><updated>2026-03-01T10:00:00Z</updated></entry>"
        b"<entry><summary>nothing to name it by</summary></entry>"
        b"<entry><id>tag:b</id><title>last</title><updated>2026-03-01T09:00:00Z</updated></entry>"
        b"</feed>"
    )
    client = httpx.AsyncClient(
        transport=httpx.MockTransport(lambda request: httpx.Response(200, content=document))
    )

    async def check() -> tuple[Page, Page]:
        async with BlogFeedChannel(url=FEED_URL, client=client) as channel:
            page = await channel.fetch(None)
            again = await channel.fetch(page.next_cursor)
        return page, again

    page, again = run(check())
    assert sorted(m.native_id for m in page.mentions) == ["tag:a", "tag:b"]
    assert len(page.rejected) == 1
    assert "entry.id" in str(page.rejected[0])
    assert "nothing to name it by" in str(page.rejected[0].raw)
    assert not again.mentions and not again.rejected


def test_edited_entry_comes_back_once_with_edited_at() -> None:
    """An entry whose <updated> moves is delivered again, with the same key and edited_at."""
    harness = BlogHarness()
    native_id = harness.customer_post("Acme outage")

    async def check() -> None:
        async with harness.make_channel() as channel:
            page = await channel.fetch(None)
            harness.clock.advance(600)
            harness.server.entries[0]["updated"] = harness.clock.now()
            harness.server.entries[0]["title"] = "Acme outage (update: fixed)"
            edited = await channel.fetch(page.next_cursor)
            again = await channel.fetch(edited.next_cursor)
        (mention,) = edited.mentions
        assert mention.native_id == native_id
        assert mention.edited_at == harness.clock.now()
        assert again.mentions == ()

    run(check())


def test_seen_ids_are_bounded() -> None:
    """The cursor remembers at most max_seen entries."""
    import json

    harness = BlogHarness()
    harness.server.window = 50
    for i in range(40):
        harness.customer_post(f"post {i}")

    async def check() -> None:
        async with harness.make_channel(max_seen=10) as channel:
            page = await channel.fetch(None)
        assert len(page.mentions) == 40
        assert len(json.loads(page.next_cursor)["seen"]) == 10

    run(check())


def test_rss_without_guid_dedupes_on_link() -> None:
    """An RSS item without <guid> is identified by its link."""
    harness = BlogHarness("rss")
    entry = harness.server.add("no guid here", guid=False)

    async def check() -> list[Mention]:
        async with harness.make_channel() as channel:
            seen, _ = await drain(channel, None)
        return seen

    (mention,) = run(check())
    assert mention.native_id == entry["link"]


def test_entry_fields_become_plain_text() -> None:
    """Title and HTML content become plain text; author and link come through."""
    harness = BlogHarness()
    harness.server.add(
        "Review: Acme &amp; friends",
        body="<p>Fast <b>shipping</b>,</p><p>slow &lt;support&gt;.</p><script>x()</script>",
    )

    async def check() -> Mention:
        async with harness.make_channel() as channel:
            page = await channel.fetch(None)
        return page.mentions[0]

    mention = run(check())
    assert mention.text == "Review: Acme & friends\n\nFast shipping,\nslow <support>."
    assert mention.author.handle == "Casey Writer"
    assert mention.author.platform == "blog"
    assert mention.url == "https://blog.example.com/posts/1"
    assert mention.visibility is Visibility.PUBLIC
    assert mention.language == "en"


def test_redirects_are_followed() -> None:
    """A moved feed (301) is followed."""
    harness = BlogHarness()
    harness.customer_post("moved")

    async def check() -> int:
        async with harness.make_channel(url="https://blog.example.com/old-feed") as channel:
            page = await channel.fetch(None)
        return len(page.mentions)

    assert run(check()) == 1


def test_private_feed_with_credentials() -> None:
    """HTTP credentials open a private feed; wrong ones are an AuthError."""
    harness = BlogHarness()
    harness.customer_post("members only")
    url = "https://blog.example.com/private-feed"

    async def check() -> None:
        async with harness.make_channel(url=url, auth=("reader", FEED_PASSWORD)) as channel:
            page = await channel.fetch(None)
            assert len(page.mentions) == 1
        async with harness.make_channel(url=url, auth=("reader", "wrong")) as channel:
            with pytest.raises(AuthError):
                await channel.fetch(None)

    run(check())


# --- read-only ----------------------------------------------------------------------


def test_send_is_refused_clearly() -> None:
    """A reply on a feed is refused before any request, saying feeds are read-only."""
    harness = BlogHarness()
    native_id = harness.customer_post("Acme is slow")
    message = public_reply(REF, native_id, "Sorry!", id="r", case_id="c")

    async def check() -> None:
        async with harness.make_channel() as channel:
            assert channel.capabilities.public_reply is False
            with pytest.raises(MessageRefused, match="read-only") as caught:
                await channel.send(message)
            assert caught.value.reason == "no_public_reply"
            assert isinstance(caught.value, PermanentChannelError)
            assert await channel.find_sent(message) is None
        assert harness.request_count() == 0

    run(check())


def test_websub_delivery_is_verified() -> None:
    """WebSub pushes are verified with the hub secret, whatever sha the hub names."""
    import hashlib
    import hmac

    harness = BlogHarness()
    native_id = harness.customer_post("pushed")
    _, body = harness.server.websub(native_id)
    channel = harness.make_channel()
    assert isinstance(channel, WebhookChannel)
    sha1 = "sha1=" + hmac.new(HUB_SECRET.encode(), body, hashlib.sha1).hexdigest()
    (mention,) = channel.parse_webhook({"X-Hub-Signature": sha1}, body)
    assert mention.native_id == native_id
    unsigned = harness.make_channel(hub_secret="")
    with pytest.raises(InvalidPayload):
        unsigned.parse_webhook({"X-Hub-Signature": sha1}, body)


# --- secrets ------------------------------------------------------------------------


def test_secrets_never_show(caplog: pytest.LogCaptureFixture) -> None:
    """The feed password and hub secret stay out of repr, errors and logs."""
    caplog.set_level(logging.DEBUG)
    harness = BlogHarness()
    url = "https://blog.example.com/private-feed"
    channel = harness.make_channel(url=url, auth=("reader", "not-the-" + FEED_PASSWORD))
    texts = [repr(channel), str(channel)]

    async def check() -> None:
        try:
            await channel.fetch(None)
        except AuthError as exc:
            texts.extend([str(exc), repr(exc)])
        await channel.close()

    run(check())
    with contextlib.suppress(InvalidPayload):
        channel.parse_webhook({"X-Hub-Signature": "sha256=00"}, b"<feed/>")
    texts.extend(record.getMessage() for record in caplog.records)
    for secret in (FEED_PASSWORD, HUB_SECRET):
        assert not any(secret in text for text in texts)


# --- the parser ---------------------------------------------------------------------


def test_parser_never_reads_urls_or_files(tmp_path: Any) -> None:
    """A string that looks like a URL or a path is parsed as a document, not opened."""
    path = tmp_path / "feed.xml"
    path.write_bytes(BlogHarness().server.document())
    for text in (str(path), "https://blog.example.com/feed"):
        with pytest.raises(InvalidPayload, match="not a feed"):
            parse_mentions(text, ref=REF)


def test_parser_undated_entries_need_seen_at() -> None:
    """An entry with no date is invalid unless the caller says when it was seen."""
    doc = (
        b'<rss version="2.0"><channel><title>t</title>'
        b"<item><title>undated</title><link>https://b.example/1</link></item>"
        b"</channel></rss>"
    )
    (bad,) = parse_mentions(doc, ref=REF)
    assert isinstance(bad, InvalidPayload)
    assert "entry.published" in str(bad)
    (good,) = parse_mentions(doc, ref=REF, seen_at=SENT_AT)
    assert isinstance(good, Mention)
    assert good.created_at == SENT_AT


def test_entry_id_falls_back_to_a_hash() -> None:
    """Without id, guid or link, the identity is a hash of title and date."""
    assert entry_id({"id": "x", "link": "y"}) == "x"
    assert entry_id({"link": "y"}) == "y"
    hashed = entry_id({"title": "t", "published": "Mon, 02 Mar 2026 09:00:00 GMT"})
    assert hashed is not None
    assert hashed.startswith("sha256:")
    assert entry_id({}) is None


@pytest.mark.parametrize(
    "payload",
    [b"<html><body>not a feed</body></html>", b"", b'{"data": []}', {"a": 1}, None, 42],
)
def test_parser_refuses_non_feeds(payload: Any) -> None:
    """HTML, JSON and other values raise InvalidPayload saying they are not a feed."""
    with pytest.raises(InvalidPayload, match="not a feed"):
        parse_mentions(payload, ref=REF)


def test_missing_feedparser_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without feedparser, the error names the socialcx[feeds] extra."""
    monkeypatch.setitem(sys.modules, "feedparser", None)
    with pytest.raises(ImportError, match=r"socialcx\[feeds\]"):
        BlogFeedChannel(url=FEED_URL)
    with pytest.raises(ImportError, match=r"socialcx\[feeds\]"):
        parse_mentions(b"<feed/>", ref=REF)


@given(st.binary(max_size=400))
def test_parser_never_raises_anything_else_on_bytes(data: bytes) -> None:
    """Random bytes give entries or InvalidPayload, nothing else."""
    with contextlib.suppress(InvalidPayload):
        result = parse_mentions(data, ref=REF)
        assert all(isinstance(item, Mention | InvalidPayload) for item in result)


@given(st.text(max_size=200), st.integers(min_value=0, max_value=400))
def test_parser_survives_truncated_feeds(title: str, cut: int) -> None:
    """A feed cut anywhere, with any title, never crashes the parser."""
    harness = BlogHarness()
    harness.server.add(title)
    document = harness.server.document()
    with contextlib.suppress(InvalidPayload):
        parse_mentions(document[: len(document) - cut], ref=REF, seen_at=SENT_AT)


def test_parser_huge_feed() -> None:
    """A feed of two thousand entries parses."""
    harness = BlogHarness()
    harness.server.window = 5000
    for i in range(2000):
        harness.clock.advance(timedelta(seconds=1))
        harness.server.add(f"post {i}")
    result = parse_mentions(harness.server.document(), ref=REF)
    assert len(result) == 2000
    assert all(isinstance(m, Mention) for m in result)


def test_the_account_names_the_channel_as_socialcx_toml_passes_it() -> None:
    """``socialcx.toml`` passes ``account``; without it the feed URL is the account."""
    named = BlogFeedChannel(url="https://blog.example/feed.xml", account="northwind-blog")
    plain = BlogFeedChannel(url="https://blog.example/feed.xml")
    assert named.ref.account == "northwind-blog"
    assert plain.ref.account == "https://blog.example/feed.xml"
