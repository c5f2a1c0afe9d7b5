"""The Mastodon channel: the contract suite on a fake instance, plus Mastodon's own rules."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from socialcx.channels import ChannelHealth, MessageRefused, Page
from socialcx.channels.mastodon import MastodonChannel, html_to_text, parse_mentions
from socialcx.errors import (
    AuthError,
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
from tests.channels.fake_mastodon import BRAND_TOKEN, HOST, MastodonHarness

REF = ChannelRef(platform="mastodon", account="brand@social.example")


class TestMastodonContract(ChannelContract):
    """The whole conformance suite against the fake instance."""

    @pytest.fixture
    def channel_harness(self) -> MastodonHarness:
        return MastodonHarness()


@pytest.fixture
def harness() -> MastodonHarness:
    return MastodonHarness()


def reply(target: str, text: str, **extra: Any) -> OutboundMessage:
    return public_reply(REF, target, text, **extra)


def status(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "109876543210",
        "created_at": "2026-03-02T08:59:00.000Z",
        "in_reply_to_id": None,
        "visibility": "public",
        "language": "en",
        "url": "https://social.example/@dana/109876543210",
        "replies_count": 2,
        "reblogs_count": 3,
        "favourites_count": 4,
        "edited_at": None,
        "spoiler_text": "",
        "content": "<p>hello</p>",
        "reblog": None,
        "account": {
            "id": "42",
            "username": "dana",
            "acct": "dana@remote.example",
            "display_name": "Dana",
            "followers_count": 120,
        },
    }
    base.update(overrides)
    return base


# --- secrets ------------------------------------------------------------------------


def test_repr_hides_the_token() -> None:
    """The access token never shows in the channel's repr."""
    channel = MastodonChannel(account="brand@social.example", token="very-secret-token")
    assert "very-secret-token" not in repr(channel)
    assert "brand@social.example" in repr(channel)


def test_errors_and_logs_never_show_the_token(
    harness: MastodonHarness, caplog: pytest.LogCaptureFixture
) -> None:
    """Neither a rejected token, a timeout nor a skipped status puts the token in text."""
    caplog.set_level(logging.DEBUG)
    errors: list[BaseException] = []

    async def check() -> None:
        async with harness.make_channel() as channel:
            for fault in (ContractFault.AUTH_EXPIRED, ContractFault.TIMEOUT):
                harness.fail_next(fault)
                with pytest.raises(ChannelError) as caught:
                    await channel.fetch(None)
                errors.append(caught.value)
                harness.server.expired.clear()

    run(check())
    for error in errors:
        assert BRAND_TOKEN not in str(error)
        assert BRAND_TOKEN not in repr(error)
    assert BRAND_TOKEN not in caplog.text


def test_base_url_comes_from_the_account() -> None:
    """``user@instance`` is enough to find the instance; a bare name needs base_url."""
    channel = MastodonChannel(account="@brand@mastodon.example", token="t")
    assert "https://mastodon.example" in repr(channel)
    assert channel.ref.account == "brand@mastodon.example"
    with pytest.raises(ValueError, match="base_url"):
        MastodonChannel(account="brand", token="t")


# --- listening ----------------------------------------------------------------------


def test_fetch_pages_forward_with_min_id_never_since_id(harness: MastodonHarness) -> None:
    """Every notification request moves forward with min_id; since_id is never sent."""
    for i in range(7):
        harness.customer_post(f"post {i}")

    async def check() -> list[Mention]:
        async with harness.make_channel() as channel:
            seen, _ = await drain(channel, None)
        return seen

    seen = run(check())
    assert [m.text for m in seen] == [f"@brand post {i}" for i in range(7)]
    asked = [r for r in harness.server.requests if r.url.path == "/api/v1/notifications"]
    assert asked
    for request in asked:
        assert "since_id" not in request.url.params
        assert "min_id" in request.url.params
        assert request.url.params.get_list("types[]") == ["mention"]


def test_cursor_is_the_highest_notification_id(harness: MastodonHarness) -> None:
    """The cursor stores the newest notification id as an opaque string."""
    harness.customer_post("one")

    async def check() -> str:
        async with harness.make_channel() as channel:
            _, cursor = await drain(channel, None)
        return cursor

    cursor = run(check())
    newest = max((n["id"] for n in harness.server.notifications), key=lambda i: (len(i), i))
    assert json.loads(cursor) == {"notifications": newest}


def test_direct_status_is_private_and_fields_are_read(harness: MastodonHarness) -> None:
    """A direct message arrives private, with author, counts, language and url."""
    native = harness.customer_post("my card number is 1234", private=True)

    async def check() -> list[Mention]:
        async with harness.make_channel() as channel:
            return list((await channel.fetch(None)).mentions)

    (mention,) = run(check())
    assert mention.native_id == native
    assert mention.visibility is Visibility.PRIVATE
    assert mention.author.handle == "dana@remote.example"
    assert mention.author.followers == 12
    assert mention.author.is_brand is False
    assert mention.url == f"{HOST}/@dana@remote.example/{native}"
    assert mention.language == "en"
    assert mention.metrics.likes == 1


def test_brand_mentioning_itself_is_marked_as_brand(harness: MastodonHarness) -> None:
    """A status by the brand account that comes back as a mention is author.is_brand."""
    customer = harness.customer_post("hello")
    own = harness.server.post("@brand a note to ourselves", by=harness.server.brand)
    harness.server.notifications.append(
        {
            "id": "999999999999999999999",
            "type": "mention",
            "created_at": own["created_at"],
            "account": own["account"],
            "status": own,
            "for": harness.server.brand["id"],
        }
    )

    async def check() -> dict[str, bool]:
        async with harness.make_channel() as channel:
            seen, _ = await drain(channel, None)
        return {m.native_id: m.author.is_brand for m in seen}

    assert run(check()) == {customer: False, own["id"]: True}


def test_search_adds_posts_that_do_not_mention_the_account(harness: MastodonHarness) -> None:
    """With a search query, matching public statuses are fetched too, once each."""
    stranger = harness.server.add_account("sam")
    harness.server.post("the Brand app crashed again", by=stranger)
    mention = harness.customer_post("brand please help")

    async def check() -> tuple[list[Mention], str]:
        async with harness.make_channel(search="brand") as channel:
            seen, cursor = await drain(channel, None)
            again = await channel.fetch(cursor)
        assert again.mentions == ()
        return seen, cursor

    seen, cursor = run(check())
    texts = sorted(m.text for m in seen)
    assert texts == ["@brand brand please help", "the Brand app crashed again"]
    assert [m.native_id for m in seen].count(mention) == 1
    assert set(json.loads(cursor)) == {"notifications", "search"}


def test_unparseable_status_is_reported_not_fatal(harness: MastodonHarness) -> None:
    """One broken status in a page also goes to on_invalid; the rest of the page arrives."""
    good = harness.customer_post("fine")
    broken = harness.customer_post("broken")
    harness.server.statuses[broken]["created_at"] = "yesterday"
    rejected: list[InvalidPayload] = []

    async def check() -> list[Mention]:
        async with harness.make_channel(on_invalid=rejected.append) as channel:
            seen, _ = await drain(channel, None)
        return seen

    seen = run(check())
    assert [m.native_id for m in seen] == [good]
    assert len(rejected) == 1
    assert "created_at" in str(rejected[0])
    assert broken in str(rejected[0].raw)


def test_a_broken_status_rides_in_the_page_and_the_cursor_moves_past_it(
    harness: MastodonHarness,
) -> None:
    """The good statuses arrive, the broken one is in page.rejected with its raw data, once."""
    first = harness.customer_post("first")
    broken = harness.customer_post("broken")
    last = harness.customer_post("last")
    harness.server.statuses[broken]["created_at"] = "yesterday"

    async def check() -> tuple[Page, Page]:
        async with harness.make_channel() as channel:
            page = await channel.fetch(None)
            again = await channel.fetch(page.next_cursor)
        return page, again

    page, again = run(check())
    assert [m.native_id for m in page.mentions] == [first, last]
    assert len(page.rejected) == 1
    assert isinstance(page.rejected[0], InvalidPayload)
    assert "created_at" in str(page.rejected[0])
    assert broken in str(page.rejected[0].raw)
    assert "yesterday" in str(page.rejected[0].raw)
    assert not again.mentions and not again.rejected


def test_a_bad_cursor_is_refused(harness: MastodonHarness) -> None:
    """A cursor this channel did not issue raises PermanentChannelError."""

    async def check() -> None:
        async with harness.make_channel() as channel:
            with pytest.raises(PermanentChannelError):
                await channel.fetch("not json")

    run(check())


def test_rate_limit_waits_until_the_iso_reset(harness: MastodonHarness) -> None:
    """A 429 waits until the ISO 8601 X-RateLimit-Reset (five minutes here)."""
    harness.fail_next(ContractFault.RATE_LIMITED)

    async def check() -> MastodonChannel:
        async with harness.make_channel() as channel:
            with pytest.raises(RateLimited) as caught:
                await channel.fetch(None)
            assert caught.value.retry_after == pytest.approx(300)
        return channel

    assert run(check()).health is ChannelHealth.DEGRADED


def test_an_invalid_token_is_an_auth_error(harness: MastodonHarness) -> None:
    """A token the instance does not know raises AuthError (not AuthExpired)."""

    async def check() -> None:
        client = httpx.AsyncClient(transport=httpx.MockTransport(harness.server.handler))
        async with MastodonChannel(
            account="brand", token="wrong", client=client, base_url=HOST
        ) as channel:
            with pytest.raises(AuthError) as caught:
                await channel.fetch(None)
            assert type(caught.value) is AuthError
            assert channel.health is ChannelHealth.REAUTHORIZATION_NEEDED

    run(check())


# --- sending ------------------------------------------------------------------------


def _posted(harness: MastodonHarness) -> list[httpx.Request]:
    return [
        r
        for r in harness.server.requests
        if r.method == "POST" and r.url.path == "/api/v1/statuses"
    ]


def test_reply_mentions_the_author_and_sends_the_idempotency_key(
    harness: MastodonHarness,
) -> None:
    """A public reply answers in_reply_to_id, mentions the author and carries the key."""
    target = harness.customer_post("where is my parcel")
    message = reply(target, "Sorry! Checking now.")

    async def check() -> None:
        async with harness.make_channel() as channel:
            delivery = await channel.send(message)
        assert delivery.idempotency_key == message.idempotency_key
        assert delivery.sent_at is not None

    run(check())
    (request,) = _posted(harness)
    form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
    assert form == {
        "status": "@dana@remote.example Sorry! Checking now.",
        "visibility": "public",
        "in_reply_to_id": target,
    }
    assert request.headers["Idempotency-Key"] == message.idempotency_key


def test_reply_without_author_mention_when_disabled(harness: MastodonHarness) -> None:
    """mention_author=False sends the text as written."""
    target = harness.customer_post("hi")

    async def check() -> None:
        async with harness.make_channel(mention_author=False) as channel:
            await channel.send(reply(target, "Hello!"))

    run(check())
    (request,) = _posted(harness)
    assert parse_qs(request.content.decode())["status"] == ["Hello!"]


def test_private_message_is_direct_and_mentions_the_recipient(harness: MastodonHarness) -> None:
    """A private message is a direct status that starts with the recipient's @acct."""
    message = private_message(REF, harness.customer["id"], "Could you send us your order number?")

    async def check() -> None:
        async with harness.make_channel() as channel:
            await channel.send(message)
            found = await channel.find_sent(message)
        assert found is not None
        assert found.replayed is True

    run(check())
    (request,) = _posted(harness)
    form = parse_qs(request.content.decode())
    assert form["visibility"] == ["direct"]
    assert form["status"] == ["@dana@remote.example Could you send us your order number?"]


def test_text_that_overflows_with_the_mention_is_refused_before_posting(
    harness: MastodonHarness,
) -> None:
    """499 characters plus '@dana ' is too long: refused without a POST."""
    target = harness.customer_post("hi")

    async def check() -> None:
        async with harness.make_channel() as channel:
            with pytest.raises(MessageRefused) as caught:
                await channel.send(reply(target, "x" * 499))
            assert caught.value.reason == "too_long"

    run(check())
    assert _posted(harness) == []


def test_urls_count_as_23_characters(harness: MastodonHarness) -> None:
    """A long URL counts 23, as Mastodon counts it."""
    channel = harness.make_channel()
    url = "https://example.com/" + "a" * 200
    assert channel.capabilities.fits(f"see {url}", private=False)
    run(channel.close())


def test_replying_to_a_deleted_status_is_permanent(harness: MastodonHarness) -> None:
    """A 404 for the status answered is a PermanentChannelError."""

    async def check() -> None:
        async with harness.make_channel() as channel:
            with pytest.raises(PermanentChannelError):
                await channel.send(reply("999", "Hello"))

    run(check())


# --- HTML ---------------------------------------------------------------------------


def test_html_to_text_keeps_line_breaks_and_unescapes() -> None:
    """Paragraphs, <br>, entities, mention spans and shortened links come out as text."""
    content = (
        '<p><span class="h-card"><a href="https://x.example/@brand" class="u-url mention">'
        "@<span>brand</span></a></span> my order &amp; refund &lt;3<br />still waiting</p>"
        '<p>see <a href="https://example.com/a/very/long/path"><span class="invisible">'
        'https://</span><span class="ellipsis">example.com/a/very</span>'
        '<span class="invisible">/long/path</span></a></p>'
    )
    assert html_to_text(content) == (
        "@brand my order & refund <3\nstill waiting\n\nsee https://example.com/a/very/long/path"
    )


@given(st.text())
def test_html_to_text_never_raises(text: str) -> None:
    """Any string converts to some text."""
    assert isinstance(html_to_text(text), str)


# --- parse_mentions -----------------------------------------------------------------


def test_parse_a_status_and_its_fields() -> None:
    """A status gives one mention with counts, edit time and spoiler text."""
    (mention,) = parse_mentions(
        status(spoiler_text="delivery", edited_at="2026-03-02T09:01:00Z"), ref=REF
    )
    assert isinstance(mention, Mention)
    assert mention.text == "delivery\n\nhello"
    assert (mention.metrics.likes, mention.metrics.reposts, mention.metrics.replies) == (4, 3, 2)
    assert mention.edited_at == datetime(2026, 3, 2, 9, 1, tzinfo=UTC)
    assert mention.raw is not None


def test_parse_a_boost_gives_the_boosted_status() -> None:
    """A reblog wrapper is read as the status it boosts."""
    inner = status(id="7", content="<p>original</p>")
    (mention,) = parse_mentions(status(id="8", content="", reblog=inner), ref=REF)
    assert isinstance(mention, Mention)
    assert (mention.native_id, mention.text) == ("7", "original")


def test_parse_every_shape_that_holds_statuses() -> None:
    """Notifications, context, search, conversations and grouped notifications all parse."""
    one, two = status(id="1"), status(id="2", visibility="direct")
    follow = {"id": "9", "type": "follow", "account": one["account"], "status": None}
    shapes: list[tuple[Any, list[str]]] = [
        ([{"id": "5", "type": "mention", "account": one["account"], "status": one}, follow], ["1"]),
        ({"ancestors": [one], "descendants": [two]}, ["1", "2"]),
        ({"accounts": [], "statuses": [one, two], "hashtags": []}, ["1", "2"]),
        ([{"id": "c1", "unread": False, "accounts": [], "last_status": two}], ["2"]),
        ({"accounts": [], "statuses": [two], "notification_groups": []}, ["2"]),
        ([one, two], ["1", "2"]),
        ([], []),
    ]
    for payload, ids in shapes:
        parsed = parse_mentions(payload, ref=REF)
        assert [m.native_id for m in parsed if isinstance(m, Mention)] == ids
        assert all(isinstance(m, Mention) for m in parsed)
    (conversation,) = parse_mentions(shapes[3][0], ref=REF)
    assert isinstance(conversation, Mention)
    assert conversation.conversation_id == "c1"
    assert conversation.visibility is Visibility.PRIVATE


def test_parse_a_deleted_status_uses_its_source_text() -> None:
    """DELETE answers with ``text`` instead of ``content``."""
    deleted = status()
    del deleted["content"]
    deleted["text"] = "@brand gone now"
    (mention,) = parse_mentions(deleted, ref=REF)
    assert isinstance(mention, Mention)
    assert mention.text == "@brand gone now"


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ({"id": "1", "username": "dana", "acct": "dana"}, "account"),
        ({"error": "Record not found"}, "error"),
        ([{"id": "1", "username": "dana", "acct": "dana"}], "account"),
        ({"domain": "social.example", "title": "Social"}, "instance"),
        ({"id": "1", "text": "source", "spoiler_text": ""}, "status source"),
        ("a string", "str"),
        (None, "NoneType"),
        ({}, "unknown"),
    ],
)
def test_parse_refuses_bodies_without_posts(payload: Any, reason: str) -> None:
    """A body that holds no statuses raises InvalidPayload saying what it is."""
    with pytest.raises(InvalidPayload, match=f"not a post: .*{reason}"):
        parse_mentions(payload, ref=REF)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("created_at", "last tuesday"),
        ("created_at", None),
        ("account", "dana"),
        ("visibility", 3),
        ("id", ""),
    ],
)
def test_parse_names_the_broken_field(field: str, value: Any) -> None:
    """A status that cannot be read becomes an InvalidPayload naming the field, raw kept."""
    broken = status(**{field: value})
    parsed = parse_mentions([status(id="1"), broken], ref=REF)
    assert isinstance(parsed[0], Mention)
    error = parsed[1]
    assert isinstance(error, InvalidPayload)
    assert field in str(error)
    assert json.loads(error.raw)[field] == value


STATUS_KEYS = [*status(), "account", "reblog", "text", "statuses", "ancestors", "last_status"]


def mutated_status() -> st.SearchStrategy[Any]:
    return st.builds(
        lambda base, changes, drop: {
            **{k: v for k, v in base.items() if k not in drop},
            **changes,
        },
        st.just(status()),
        st.dictionaries(st.sampled_from(STATUS_KEYS), JSON, max_size=3),
        st.sets(st.sampled_from(STATUS_KEYS), max_size=3),
    )


@given(
    st.one_of(
        JSON,
        mutated_status(),
        st.lists(mutated_status(), max_size=3),
        st.builds(
            lambda s: {"type": "mention", "id": "1", "account": {}, "status": s}, mutated_status()
        ),
        st.builds(lambda s: {"ancestors": s, "descendants": []}, JSON),
    )
)
def test_parse_mentions_never_raises_anything_else(payload: Any) -> None:
    """Any decoded JSON gives entries or InvalidPayload, nothing else."""
    assert_entries_or_invalid(parse_mentions, payload, ref=REF)


def test_module_all_matches_public_names() -> None:
    """The module exports exactly its public names, sorted constants, classes, functions."""
    import socialcx.channels.mastodon as module

    assert_all_is_honest(module)
