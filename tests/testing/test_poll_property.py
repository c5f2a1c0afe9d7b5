"""Property: whatever faults are scripted, a simple poll loop gets every customer post once."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from hypothesis import given, settings
from hypothesis import strategies as st

from socialcx.channels import Cursor, RetryPolicy
from socialcx.errors import AuthExpired, ChannelError
from socialcx.model import Mention, MentionKey, OutboundMessage, Visibility
from socialcx.testing import FakeChannel, FakeClock, FakeSleep, Fault

FAULTS = st.sampled_from(
    [
        Fault.rate_limited(30),
        Fault.rate_limited(0),
        Fault.server_error(500),
        Fault.server_error(503),
        Fault.timeout(),
        Fault.token_expired(),
        Fault.malformed(),
        Fault.duplicate(),
        Fault.out_of_order(),
        Fault.lost_response(),
        Fault.webhook_resent(),
    ]
)

ACTIONS = st.one_of(
    st.tuples(st.just("post"), st.sampled_from(["dana", "eli", "fay"]), st.booleans()),
    st.tuples(st.just("fault"), FAULTS),
    st.tuples(st.just("poll")),
    st.tuples(st.just("webhooks")),
    st.tuples(st.just("answer")),
    st.tuples(st.just("edit")),
    st.tuples(st.just("wait"), st.integers(min_value=1, max_value=3600)),
)


@dataclass
class Poller:
    """The simplest honest consumer: store mentions by key, then the cursor; retry errors."""

    channel: FakeChannel
    sleep: FakeSleep
    cursor: Cursor | None = None
    seen: set[MentionKey] = field(default_factory=set)
    received: list[Mention] = field(default_factory=list)
    policy: RetryPolicy = field(default_factory=lambda: RetryPolicy(attempts=3, jitter=0))

    def accept(self, mentions: tuple[Mention, ...] | list[Mention]) -> None:
        for mention in mentions:
            if mention.author.is_brand or mention.key in self.seen:
                continue
            self.seen.add(mention.key)
            self.received.append(mention)

    async def poll(self, *, max_pages: int = 50) -> None:
        for _ in range(max_pages):
            try:
                page = await self.policy.call(
                    lambda: self.channel.fetch(self.cursor), sleep=self.sleep
                )
            except AuthExpired:
                self.channel.renew_token()  # an operator reauthorizes
                continue
            except ChannelError:
                continue  # retries exhausted or bad payload: try again next round
            self.accept(page.mentions)
            self.cursor = page.next_cursor
            if not page.has_more:
                return

    def drain_webhooks(self) -> None:
        for delivery in self.channel.take_webhooks():
            self.accept(list(self.channel.parse_webhook(delivery.headers, delivery.body)))

    async def answer_latest(self) -> None:
        if not self.received:
            return
        latest = self.received[-1]
        message = OutboundMessage(
            id=f"reply-{latest.native_id}",
            case_id=f"case-{latest.native_id}",
            channel=self.channel.ref,
            visibility=latest.visibility,
            text="Thanks, we are looking into it.",
            created_at=self.channel.clock.now(),
            in_reply_to=latest.native_id if latest.is_public else None,
            recipient=None if latest.is_public else latest.author.native_id,
        )
        try:
            await self.policy.call(lambda: self.channel.send(message), sleep=self.sleep)
        except AuthExpired:
            self.channel.renew_token()
        except ChannelError:
            pass  # the outbox would retry later; listening must not suffer


@settings(max_examples=150)
@given(actions=st.lists(ACTIONS, max_size=40), page_size=st.integers(min_value=1, max_value=4))
def test_poll_loop_receives_every_customer_post_exactly_once(
    actions: list[tuple[object, ...]], page_size: int
) -> None:
    """Faults, echoes, edits, duplicates and webhook resends never lose or double a post."""
    clock = FakeClock()
    fake = FakeChannel(clock=clock, page_size=page_size)
    poller = Poller(channel=fake, sleep=FakeSleep(clock=clock))
    deliveries: list[MentionKey] = []
    original = poller.accept

    def counting_accept(mentions: tuple[Mention, ...] | list[Mention]) -> None:
        before = len(poller.received)
        original(mentions)
        deliveries.extend(m.key for m in poller.received[before:])

    poller.accept = counting_accept  # type: ignore[method-assign]

    async def scenario() -> None:
        for action in actions:
            kind = action[0]
            if kind == "post":
                fake.post(
                    f"message from {action[1]}", author=str(action[1]), private=bool(action[2])
                )
            elif kind == "fault":
                assert isinstance(action[1], Fault)
                fake.script(action[1])
            elif kind == "poll":
                await poller.poll()
            elif kind == "webhooks":
                poller.drain_webhooks()
            elif kind == "answer":
                await poller.answer_latest()
            elif kind == "edit" and fake.customer_posts:
                target = fake.customer_posts[0]
                fake.edit(target.native_id, target.text + " (edited)")
            elif kind == "wait":
                clock.advance(int(action[1]))  # type: ignore[call-overload]
        for _ in range(20):  # catch up once the scripted faults are used up
            await poller.poll()
            poller.drain_webhooks()
            if not fake.pending_faults:
                await poller.poll()
                break

    asyncio.run(scenario())

    expected = sorted(m.key for m in fake.customer_posts)
    assert sorted(deliveries) == expected
    assert len(deliveries) == len(set(deliveries))
    assert all(not m.author.is_brand for m in poller.received)
    private = {m.key for m in fake.customer_posts if m.visibility is Visibility.PRIVATE}
    assert {m.key for m in poller.received if not m.is_public} == private
