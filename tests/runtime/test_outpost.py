"""The outpost: every mention once, cursors after mentions, replies once, bad channels parked."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import attrs
import pytest

from socialcx.channels import ChannelHealth, Page, RetryPolicy
from socialcx.errors import InvalidPayload
from socialcx.model import ChannelCapabilities, OutboundMessage, Visibility
from socialcx.runtime import JsonFormatter, Outpost
from socialcx.testing import FakeChannel, FakeClock, FakeSleep, Fault
from tests.runtime.conftest import RecordingDesk

NO_JITTER = RetryPolicy(attempts=3, jitter=0.0)


def _outpost(desk: RecordingDesk, clock: FakeClock, *channels: FakeChannel) -> Outpost:
    return Outpost(
        desk,
        channels=list(channels),
        clock=clock,
        sleep=FakeSleep(clock=clock),
        retry=NO_JITTER,
        poll_interval=10.0,
    )


def test_every_post_arrives_once_despite_faults(desk: RecordingDesk) -> None:
    """Duplicates, out-of-order pages, a 429 and a 503 still yield each post exactly once."""
    clock = FakeClock()
    a = FakeChannel(clock=clock, platform="x", page_size=3)
    b = FakeChannel(clock=clock, platform="mastodon", page_size=2)
    posted = [a.post(f"post {i}", author=f"c{i}") for i in range(10)]
    posted += [b.post(f"toot {i}", author=f"d{i}") for i in range(7)]
    a.script(Fault.duplicate(), Fault.rate_limited(20), Fault.out_of_order())
    b.script(Fault.server_error(503))
    outpost = _outpost(desk, clock, a, b)
    asyncio.run(outpost.run(max_cycles=20))
    customer = {k: m for k, m in desk.mentions.items() if not m.author.is_brand}
    assert set(customer) == {m.key for m in posted}
    assert desk.cursors[a.ref] and desk.cursors[b.ref]


def test_stop_and_restart_loses_and_repeats_nothing(desk: RecordingDesk) -> None:
    """Stopping after one cycle keeps the cursor; a new outpost picks up exactly where it left."""
    clock = FakeClock()
    channel = FakeChannel(clock=clock, page_size=4)
    posted = [channel.post(f"p{i}", author=f"c{i}") for i in range(15)]
    first = _outpost(desk, clock, channel)
    asyncio.run(first.run(max_cycles=1))
    assert 0 < len(desk.mentions) < 15
    second = _outpost(desk, clock, channel)
    asyncio.run(second.run(until=lambda: len(desk.mentions) == 15, max_cycles=50))
    assert {m.key for m in posted} == set(desk.mentions)
    assert len(desk.deliveries) == len(set(desk.deliveries)), "a page was ingested twice"


def test_stop_from_inside_finishes_the_cycle(desk: RecordingDesk) -> None:
    """stop() ends run() after the current cycle; the cursor is stored."""
    clock = FakeClock()
    channel = FakeChannel(clock=clock, page_size=2)
    for i in range(6):
        channel.post(f"p{i}", author=f"c{i}")
    outpost = _outpost(desk, clock, channel)

    async def main() -> None:
        task = asyncio.create_task(outpost.run())
        await asyncio.sleep(0)
        outpost.stop()
        await asyncio.wait_for(task, timeout=5)

    asyncio.run(main())
    assert outpost.stopping
    assert desk.cursors.get(channel.ref) is not None


def _reply(channel: FakeChannel, parent: str, n: int = 1) -> OutboundMessage:
    return OutboundMessage(
        id=f"m{n}",
        case_id="c1",
        channel=channel.ref,
        visibility=Visibility.PUBLIC,
        text=f"Sorry about that, we're on it ({n})",
        created_at=channel.clock.now(),
        in_reply_to=parent,
    ).approve()


def test_replies_go_out_once_even_when_the_answer_is_lost(desk: RecordingDesk) -> None:
    """On a network without idempotency, a lost response is found by find_sent, not resent."""
    clock = FakeClock()
    caps = ChannelCapabilities(public_reply=True, max_length=280, idempotent_send=False)
    channel = FakeChannel(clock=clock, capabilities=caps)
    post = channel.post("where is my order?", author="dana")
    desk.outbox["m1"] = _reply(channel, post.native_id)
    channel.script(Fault.lost_response())
    outpost = _outpost(desk, clock, channel)
    asyncio.run(outpost.run(until=lambda: "m1" in desk.sent, max_cycles=10))
    assert "m1" in desk.sent
    assert len(channel.brand_posts) == 1


def test_refused_reply_is_recorded_not_retried(desk: RecordingDesk) -> None:
    """A reply the channel refuses for good (too long) is marked failed and not sent."""
    clock = FakeClock()
    channel = FakeChannel(clock=clock)
    post = channel.post("hello", author="dana")
    message = OutboundMessage(
        id="long",
        case_id="c1",
        channel=channel.ref,
        visibility="public",
        text="x" * 400,
        created_at=clock.now(),
        in_reply_to=post.native_id,
    ).approve()
    desk.outbox["long"] = message
    asyncio.run(_outpost(desk, clock, channel).run(max_cycles=2))
    assert "long" in desk.failed
    assert channel.brand_posts == ()


def test_expired_token_parks_one_channel_and_the_others_go_on(desk: RecordingDesk) -> None:
    """An expired token is a health state; the healthy channel keeps delivering."""
    clock = FakeClock()
    broken = FakeChannel(clock=clock, platform="x")
    healthy = FakeChannel(clock=clock, platform="mastodon")
    broken.post("lost", author="a")
    good = healthy.post("fine", author="b")
    broken.script(Fault.token_expired())
    outpost = _outpost(desk, clock, broken, healthy)
    asyncio.run(outpost.run(max_cycles=3))
    assert outpost.health[broken.ref] is ChannelHealth.REAUTHORIZATION_NEEDED
    assert good.key in desk.mentions
    state = outpost.states[broken.ref]
    assert (
        state.not_before is not None
        and state.not_before > clock.now() - state.not_before.resolution
    )
    assert "AuthExpired" in (state.last_error or "")


def test_unparseable_page_goes_to_dead_letters(desk: RecordingDesk) -> None:
    """A malformed body is kept with its raw bytes, and polling resumes afterwards."""
    clock = FakeClock()
    channel = FakeChannel(clock=clock)
    post = channel.post("hi", author="a")
    channel.script(Fault.malformed(), Fault.malformed(), Fault.malformed())
    outpost = _outpost(desk, clock, channel)
    asyncio.run(outpost.run(until=lambda: post.key in desk.mentions, max_cycles=60))
    assert desk.dead
    source, raw, _ = desk.dead[0]
    assert source.startswith("fetch:")
    assert b"maintenance" in raw
    assert post.key in desk.mentions


class _ChannelWithABrokenItem(FakeChannel):
    """A fake whose first page also carries one item it could not parse."""

    async def fetch(self, cursor: str | None) -> Page:
        page = await super().fetch(cursor)
        if cursor is not None:
            return page
        broken = InvalidPayload(
            "fake: status.created_at: not a timestamp", raw='{"id": "7", "created_at": "soon"}'
        )
        return attrs.evolve(page, rejected=[broken])


class _DeskNotingDeadLetters(RecordingDesk):
    """Notes, at each ingest, whether the dead letters were kept before it."""

    dead_before_page: list[bool]

    def __init__(self) -> None:
        super().__init__()
        self.dead_before_page = []

    def ingest_page(self, *args: Any, **kwargs: Any) -> int:
        self.dead_before_page.append(bool(self.dead))
        return super().ingest_page(*args, **kwargs)


def test_rejected_items_become_dead_letters_and_the_cursor_advances() -> None:
    """An item the channel could not parse is kept with its raw bytes; the page still counts."""
    clock = FakeClock()
    channel = _ChannelWithABrokenItem(clock=clock, page_size=5)
    posted = [channel.post(f"p{i}", author=f"c{i}") for i in range(3)]
    desk = _DeskNotingDeadLetters()
    outpost = _outpost(desk, clock, channel)
    asyncio.run(outpost.run(max_cycles=1))
    assert desk.dead_before_page == [True]
    assert [(source, raw) for source, raw, _ in desk.dead] == [
        (f"fetch:{channel.ref}", b'{"id": "7", "created_at": "soon"}')
    ]
    assert "created_at" in desk.dead[0][2]
    assert {m.key for m in posted} == set(desk.mentions)
    first_cursor = desk.cursors[channel.ref]
    assert first_cursor is not None
    later = channel.post("later", author="c9")
    asyncio.run(outpost.run(max_cycles=1))
    assert later.key in desk.mentions
    assert len(desk.dead) == 1, "the rejected item was fetched again"
    assert desk.cursors[channel.ref] != first_cursor


def test_json_logs_carry_the_extra_fields(
    desk: RecordingDesk, caplog: pytest.LogCaptureFixture
) -> None:
    """Log records carry event and channel fields, and format as one JSON object per line."""
    clock = FakeClock()
    channel = FakeChannel(clock=clock)
    channel.post("hello", author="a")
    with caplog.at_level(logging.INFO, logger="socialcx.runtime"):
        asyncio.run(_outpost(desk, clock, channel).run(max_cycles=1))
    record = next(r for r in caplog.records if getattr(r, "event", None) == "ingested")
    line = json.loads(JsonFormatter().format(record))
    assert line["event"] == "ingested"
    assert line["channel"] == str(channel.ref)
    assert line["level"] == "info"
