"""The YouTube adapter: the contract suite on a fake Data API, quota, ETags, the parser."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given

from socialcx.channels import ChannelHealth, MessageRefused, Page, until_pacific_midnight
from socialcx.channels.youtube import YouTubeChannel, YouTubeQuota, parse_mentions
from socialcx.errors import AuthExpired, InvalidPayload, PermanentChannelError, RateLimited
from socialcx.model import ChannelRef, Mention, OutboundMessage
from socialcx.testing.contract import ChannelContract, ContractFault, drain
from tests.channels._common import (
    assert_entries_or_invalid,
    json_with_keys,
    private_message,
    public_reply,
    run,
)
from tests.channels.fake_youtube import (
    ACCESS_TOKEN,
    API_KEY,
    CHANNEL_ID,
    CUSTOMER_CHANNEL,
    VIDEO_ID,
    YouTubeHarness,
)

REF = ChannelRef(platform="youtube", account=CHANNEL_ID)


class TestYouTubeContract(ChannelContract):
    """The conformance suite (private-message and webhook checks skip themselves)."""

    @pytest.fixture
    def channel_harness(self) -> YouTubeHarness:
        return YouTubeHarness()


def _reply(target: str, text: str = "Thanks for watching!") -> OutboundMessage:
    return public_reply(REF, target, text, id="out-yt", case_id="c")


# --- listening ----------------------------------------------------------------------


@pytest.mark.parametrize("broken_field", ["text", "time"])
def test_a_broken_comment_rides_in_the_page_and_the_cursor_moves_past_it(
    broken_field: str,
) -> None:
    """Good comments arrive; a broken one is in page.rejected with its raw data, only once."""
    harness = YouTubeHarness()
    first = harness.customer_post("first")
    broken = harness.customer_post("broken")
    last = harness.customer_post("last")
    thread = next(t for t in harness.server.threads if t["id"] == broken)
    snippet = thread["snippet"]["topLevelComment"]["snippet"]
    if broken_field == "text":
        snippet["textOriginal"] = snippet["textDisplay"] = 5
    else:
        # unreadable, yet YouTube still lists it in its place
        snippet["publishedAt"] += " (unreadable)"

    async def check() -> tuple[Page, Page]:
        async with harness.make_channel() as channel:
            page = await channel.fetch(None)
            assert not page.has_more
            later = harness.customer_post("later")  # so the next read is not a 304
            again = await channel.fetch(page.next_cursor)
            assert [m.native_id for m in again.mentions] == [later]
        return page, again

    page, again = run(check())
    assert [m.native_id for m in page.mentions] == [first, last]
    assert len(page.rejected) == 1
    assert json.loads(page.rejected[0].raw)["id"] == broken
    assert not again.rejected


def test_comment_fields() -> None:
    """Author channel, display name, likes and the watch URL come through."""
    harness = YouTubeHarness()
    native_id = harness.customer_post("Sound cuts out at 2:31 & after")

    async def check() -> Mention:
        async with harness.make_channel() as channel:
            seen, _ = await drain(channel, None)
        return next(m for m in seen if m.native_id == native_id)

    mention = run(check())
    assert mention.author.native_id == CUSTOMER_CHANNEL
    assert mention.author.handle == "dana"
    assert mention.text == "Sound cuts out at 2:31 & after"
    assert mention.in_reply_to == VIDEO_ID
    assert mention.url == f"https://www.youtube.com/watch?v={VIDEO_ID}&lc={native_id}"
    assert mention.metrics.likes == 6


def test_not_modified_is_an_empty_page_with_the_same_cursor() -> None:
    """With the previous ETag, a 304 answers: no mentions, cursor unchanged, not an error."""
    harness = YouTubeHarness()
    harness.customer_post("first")

    async def check() -> None:
        async with harness.make_channel() as channel:
            _, cursor = await drain(channel, None)
            page = await channel.fetch(cursor)
            assert page.mentions == ()
            assert page.next_cursor == cursor
            assert page.has_more is False
            assert channel.health is ChannelHealth.HEALTHY
        last = harness.server.seen[-1]
        assert last.headers["if-none-match"] == json.loads(cursor)["etag"]

    run(check())


def test_every_call_spends_quota() -> None:
    """list costs 1 unit, insert 50."""
    harness = YouTubeHarness()
    target = harness.customer_post("q")
    quota = YouTubeQuota(daily=1000)

    async def check() -> None:
        async with harness.make_channel(quota=quota) as channel:
            await channel.fetch(None)
            assert quota.used == 1
            await channel.send(_reply(target))
            assert quota.used == 51
            await channel.find_sent(_reply(target))
            assert quota.used == 52

    run(check())


def test_spent_quota_waits_until_pacific_midnight_without_calling() -> None:
    """Out of units: RateLimited until midnight Pacific, no request made; the reset restores it."""
    harness = YouTubeHarness()
    target = harness.customer_post("q")
    quota = YouTubeQuota(daily=60)

    async def check() -> None:
        async with harness.make_channel(quota=quota) as channel:
            await channel.fetch(None)
            await channel.send(_reply(target))
            before = harness.request_count()
            with pytest.raises(RateLimited) as caught:
                await channel.send(_reply(target, "again"))
            now = harness.clock.now()
            assert caught.value.retry_after == pytest.approx(until_pacific_midnight(now))
            assert harness.request_count() == before
            assert channel.health is ChannelHealth.DEGRADED
            harness.clock.advance(caught.value.retry_after + 1)
            assert quota.remaining(harness.clock.now()) == 60
            await channel.fetch(None)

    run(check())


def test_quota_exceeded_from_youtube_parks_the_budget() -> None:
    """YouTube's quotaExceeded waits until midnight Pacific and spends the local budget."""
    harness = YouTubeHarness()
    harness.server.quota_exceeded = True
    quota = YouTubeQuota(daily=10_000)

    async def check() -> None:
        async with harness.make_channel(quota=quota) as channel:
            with pytest.raises(RateLimited) as caught:
                await channel.fetch(None)
            assert caught.value.retry_after > 3600 or caught.value.retry_after == pytest.approx(
                until_pacific_midnight(harness.clock.now())
            )
            assert quota.remaining(harness.clock.now()) == 0
            before = harness.request_count()
            with pytest.raises(RateLimited):
                await channel.fetch(None)
            assert harness.request_count() == before

    run(check())


def test_shared_quota_across_channels() -> None:
    """One project quota shared by two channels is spent by both."""
    quota = YouTubeQuota(daily=2)
    harness = YouTubeHarness()

    async def check() -> None:
        async with (
            harness.make_channel(quota=quota) as one,
            harness.make_channel(quota=quota) as two,
        ):
            await one.fetch(None)
            await two.fetch(None)
            with pytest.raises(RateLimited):
                await one.fetch(None)

    run(check())


def test_expired_token_asks_for_reauthorization() -> None:
    """A 401 authError with an OAuth token is AuthExpired."""
    harness = YouTubeHarness()
    harness.server.expired = True

    async def check() -> YouTubeChannel:
        async with harness.make_channel() as channel:
            with pytest.raises(AuthExpired):
                await channel.fetch(None)
        return channel

    assert run(check()).health is ChannelHealth.REAUTHORIZATION_NEEDED


def test_api_key_reads_but_cannot_reply() -> None:
    """An API key reads public comments; replying needs OAuth and is refused first."""
    harness = YouTubeHarness()
    target = harness.customer_post("public")

    async def check() -> None:
        import httpx

        client = httpx.AsyncClient(transport=httpx.MockTransport(harness.server.handler))
        async with YouTubeChannel(
            account=CHANNEL_ID, api_key=API_KEY, client=client, clock=harness.clock
        ) as channel:
            seen, _ = await drain(channel, None)
            assert [m.native_id for m in seen] == [target]
            before = harness.request_count()
            with pytest.raises(PermanentChannelError):
                await channel.send(_reply(target))
            assert harness.request_count() == before

    run(check())


# --- sending ------------------------------------------------------------------------


def test_reply_goes_to_the_top_level_comment() -> None:
    """Answering a reply threads under its top-level comment (parentId)."""
    harness = YouTubeHarness()
    target = harness.customer_post("q")

    async def check() -> None:
        async with harness.make_channel() as channel:
            first = await channel.send(_reply(target, "one"))
            await channel.send(_reply(first.native_id, "two"))
        posts = [json.loads(r.content) for r in harness.server.seen if r.method == "POST"]
        assert [p["snippet"]["parentId"] for p in posts] == [target, target]

    run(check())


def test_private_is_refused() -> None:
    """YouTube has no private messages."""
    message = private_message(REF, CUSTOMER_CHANNEL, "hi", id="p", case_id="c")
    channel = YouTubeHarness().make_channel()
    with pytest.raises(MessageRefused):
        run(channel.send(message))


def test_comments_disabled_is_permanent() -> None:
    """commentsDisabled is a permanent error for that message, not the channel."""
    harness = YouTubeHarness()
    target = harness.customer_post("q")
    harness.server.comments_disabled = True

    async def check() -> YouTubeChannel:
        async with harness.make_channel() as channel:
            with pytest.raises(PermanentChannelError):
                await channel.send(_reply(target))
        return channel

    assert run(check()).health is ChannelHealth.HEALTHY


# --- secrets ------------------------------------------------------------------------


def test_secrets_never_show(caplog: pytest.LogCaptureFixture) -> None:
    """The access token and API key stay out of repr, errors and logs."""
    caplog.set_level(logging.DEBUG)
    harness = YouTubeHarness()
    import httpx

    client = httpx.AsyncClient(transport=httpx.MockTransport(harness.server.handler))
    keyed = YouTubeChannel(account=CHANNEL_ID, api_key=API_KEY, client=client, clock=harness.clock)
    channel = harness.make_channel()
    texts = [repr(channel), repr(keyed), str(channel.quota)]

    async def check() -> None:
        for each in (channel, keyed):
            for fault in ContractFault:
                harness.fail_next(fault)
                try:
                    await each.fetch(None)
                except Exception as exc:
                    texts.extend([str(exc), repr(exc), repr(exc.__cause__)])

    run(check())
    texts.extend(record.getMessage() for record in caplog.records)
    for secret in (ACCESS_TOKEN, API_KEY):
        assert not any(secret in text for text in texts)


# --- the parser ---------------------------------------------------------------------


def test_parser_thread_gives_comment_and_replies() -> None:
    """A thread gives the top-level comment and its embedded replies."""
    harness = YouTubeHarness()
    thread = harness.server.add_thread("q")
    reply = harness.server._comment("a", author=CHANNEL_ID, name="@acme", parent=thread["id"])
    thread["replies"]["comments"].append(reply)
    body = {"kind": "youtube#commentThreadListResponse", "items": [thread]}
    top, answer = parse_mentions(body, ref=REF)
    assert isinstance(top, Mention)
    assert isinstance(answer, Mention)
    assert answer.author.is_brand is True
    assert answer.in_reply_to == thread["id"]
    assert answer.conversation_id == thread["id"]


def test_parser_html_text_is_plain() -> None:
    """Without textOriginal, textDisplay is unescaped and stripped of tags."""
    item = {
        "kind": "youtube#comment",
        "id": "c1",
        "snippet": {
            "textDisplay": "a &amp; b<br><b>c</b>",
            "publishedAt": "2026-03-02T09:00:00Z",
            "updatedAt": "2026-03-02T10:00:00Z",
            "authorChannelId": {"value": "UCx"},
        },
    }
    (mention,) = parse_mentions(item, ref=REF)
    assert isinstance(mention, Mention)
    assert mention.text == "a & b\nc"
    assert mention.edited_at == mention.created_at + timedelta(hours=1)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"error": {"code": 403, "errors": [{"reason": "quotaExceeded"}]}}, "error object"),
        ({"kind": "youtube#channelListResponse", "items": []}, "channelListResponse"),
        ({"kind": "youtube#videoListResponse", "items": []}, "videoListResponse"),
        ({"foo": 1}, "unknown object"),
        (None, "NoneType"),
    ],
)
def test_parser_refuses_non_posts(body: Any, reason: str) -> None:
    """Bodies that hold no comment raise InvalidPayload saying what they are."""
    with pytest.raises(InvalidPayload, match=reason):
        parse_mentions(body, ref=REF)


def test_parser_bad_comment_names_the_field() -> None:
    """A comment without publishedAt is an InvalidPayload naming it."""
    body = {"items": [{"kind": "youtube#comment", "id": "x", "snippet": {"textOriginal": "t"}}]}
    (bad,) = parse_mentions(body, ref=REF)
    assert isinstance(bad, InvalidPayload)
    assert "publishedAt" in str(bad)


_FIELDS = [
    "kind",
    "items",
    "id",
    "snippet",
    "topLevelComment",
    "replies",
    "comments",
    "textOriginal",
    "textDisplay",
    "publishedAt",
    "updatedAt",
    "authorChannelId",
    "value",
    "videoId",
    "parentId",
    "likeCount",
    "error",
]


@given(json_with_keys(_FIELDS))
def test_parser_never_raises_anything_else(payload: Any) -> None:
    """Random JSON gives mentions, InvalidPayload items, or raises InvalidPayload only."""
    assert_entries_or_invalid(parse_mentions, payload, ref=REF)


def test_parser_huge_payload() -> None:
    """Thousands of threads with replies parse."""
    harness = YouTubeHarness()
    for i in range(3000):
        harness.server.add_thread(f"comment {i}")
    body = {"kind": "youtube#commentThreadListResponse", "items": harness.server.threads}
    assert len(parse_mentions(body, ref=REF)) == 3000
