"""The outpost: the asyncio loop that drives channels into the desk and sends replies out.

It polls every channel concurrently, each with its own backoff and health; it
stores a page's mentions before the cursor that follows them, so a crash replays
a page instead of losing it; it keeps what a channel could not parse (a whole
body, or the ``rejected`` items of a good page) as dead letters with the raw
bytes; and before sending on a network without idempotency it asks the channel
whether the reply already went out.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import Protocol

import attrs

from socialcx._clock import Clock, SystemClock
from socialcx.channels import Channel, ChannelHealth, Delivery, RetryPolicy
from socialcx.errors import (
    AuthError,
    ChannelError,
    InvalidPayload,
    PermanentChannelError,
    RateLimited,
)
from socialcx.model import ChannelRef, Mention, OutboundMessage

log = logging.getLogger("socialcx.runtime")

Sleep = Callable[[float], Awaitable[None]]


class OutpostDesk(Protocol):
    """Protocol: what the outpost needs from the desk it drives (``socialcx.Desk`` has it)."""

    def cursor(self, channel: ChannelRef) -> str | None:
        """The stored cursor of ``channel``, or ``None`` before its first page."""
        ...

    def ingest_page(
        self,
        channel: ChannelRef,
        mentions: Sequence[Mention],
        next_cursor: str | None,
        *,
        now: datetime,
    ) -> int:
        """Store and process ``mentions``, then store ``next_cursor``; return how many were new."""
        ...

    def due_messages(self, channel: ChannelRef, *, now: datetime) -> Sequence[OutboundMessage]:
        """Approved replies waiting to go out on ``channel``."""
        ...

    def record_sent(
        self, message_id: str, *, native_id: str, url: str | None, now: datetime
    ) -> None:
        """The network accepted (or had already accepted) a reply."""
        ...

    def record_failed(self, message_id: str, *, error: str, now: datetime) -> None:
        """The network refused a reply for good."""
        ...

    def dead_letter(self, *, source: str, raw: bytes, error: str, now: datetime) -> None:
        """Keep something unparseable, with its raw bytes, for a person to look at."""
        ...


@attrs.define
class ChannelState:
    """What the outpost knows about one channel between cycles."""

    channel: Channel
    not_before: datetime | None = None
    failures: int = 0
    polls: int = 0
    received: int = 0
    sent: int = 0
    last_error: str | None = None

    @property
    def health(self) -> ChannelHealth:
        """The channel's own health."""
        return self.channel.health


@attrs.define
class CycleReport:
    """What one cycle did, for logs and for loops that stop when idle."""

    received: int = 0
    sent: int = 0
    more: bool = False

    @property
    def busy(self) -> bool:
        """Whether anything happened or more is waiting."""
        return bool(self.received or self.sent or self.more)


@attrs.define
class Outpost:
    """Runs the desk against real (or fake) channels.

    Use it as an async context manager so the channels are closed::

        async with Outpost(desk, channels=[mastodon, fake]) as outpost:
            outpost.install_signal_handlers()   # SIGTERM/SIGINT stop it gracefully
            await outpost.run()

    Args:
        desk: What mentions go into and replies come out of.
        channels: The channels to poll; each is served independently.
        clock: Where "now" comes from.
        sleep: How to wait (tests pass a fake that advances a fake clock).
        retry: How each call is retried, honouring the server's wait.
        poll_interval: Seconds between polls of a channel with nothing new.
        max_backoff: Longest pause for a channel that keeps failing.
    """

    desk: OutpostDesk
    channels: Sequence[Channel]
    clock: Clock = attrs.field(factory=SystemClock)
    sleep: Sleep = attrs.field(default=asyncio.sleep)
    retry: RetryPolicy = attrs.field(factory=lambda: RetryPolicy(attempts=3))
    poll_interval: float = 30.0
    max_backoff: float = 900.0
    _states: dict[ChannelRef, ChannelState] = attrs.field(init=False, factory=dict)
    _stop: asyncio.Event | None = attrs.field(init=False, default=None)

    def __attrs_post_init__(self) -> None:
        for channel in self.channels:
            self._states[channel.ref] = ChannelState(channel=channel)

    # lifecycle -------------------------------------------------------------------------------

    async def __aenter__(self) -> Outpost:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Close every channel, even if one of them fails to close."""
        for state in self._states.values():
            try:
                await state.channel.close()
            except Exception:  # closing must not stop the others from closing
                log.exception("closing channel failed", extra={"channel": str(state.channel.ref)})

    def stop(self) -> None:
        """Ask :meth:`run` to finish the current cycle and return (safe from a signal handler)."""
        if self._stop is not None:
            self._stop.set()

    @property
    def stopping(self) -> bool:
        """Whether :meth:`stop` was called."""
        return self._stop is not None and self._stop.is_set()

    def install_signal_handlers(self) -> None:
        """Stop gracefully on SIGTERM and SIGINT (drain the cycle, keep the cursors)."""
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stop)

    @property
    def health(self) -> dict[ChannelRef, ChannelHealth]:
        """Each channel's health, for dashboards."""
        return {ref: state.health for ref, state in self._states.items()}

    @property
    def states(self) -> dict[ChannelRef, ChannelState]:
        """Per-channel counters and backoff."""
        return dict(self._states)

    # the loop --------------------------------------------------------------------------------

    async def run(
        self,
        *,
        until: Callable[[], bool] | None = None,
        max_cycles: int | None = None,
    ) -> None:
        """Poll and send until stopped, ``until()`` is true, or ``max_cycles`` have run."""
        self._stop = asyncio.Event()
        cycles = 0
        while not self._stop.is_set():
            report = await self.cycle()
            cycles += 1
            if (until is not None and until()) or (max_cycles is not None and cycles >= max_cycles):
                break
            if not report.more and not self._stop.is_set():
                await self.sleep(self._idle_wait())
        log.info("outpost stopped", extra={"event": "stopped", "cycles": cycles})

    def _idle_wait(self) -> float:
        now = self.clock.now()
        waits = [self.poll_interval]
        waits.extend(
            (state.not_before - now).total_seconds()
            for state in self._states.values()
            if state.not_before is not None and state.not_before > now
        )
        return max(0.0, min(waits))

    async def cycle(self) -> CycleReport:
        """One pass over every channel: poll once, then send what is due."""
        reports = await asyncio.gather(*(self._serve(s) for s in self._states.values()))
        total = CycleReport()
        for report in reports:
            total.received += report.received
            total.sent += report.sent
            total.more = total.more or report.more
        return total

    async def _serve(self, state: ChannelState) -> CycleReport:
        report = CycleReport()
        now = self.clock.now()
        if state.not_before is not None and now < state.not_before:
            return report
        try:
            report.received, report.more = await self._poll(state)
            report.sent = await self._send_due(state)
        except ChannelError as error:
            self._back_off(state, error)
        else:
            state.failures = 0
            state.not_before = None
            state.last_error = None
        return report

    def _back_off(self, state: ChannelState, error: ChannelError) -> None:
        state.failures += 1
        state.last_error = f"{type(error).__name__}: {error}"
        if isinstance(error, RateLimited):
            wait = error.retry_after
        elif isinstance(error, AuthError):
            wait = self.max_backoff  # a person must renew the token; don't hammer meanwhile
        else:
            wait = min(self.max_backoff, self.poll_interval * 2 ** min(state.failures, 10))
        state.not_before = self.clock.now() + timedelta(seconds=wait)
        log.warning(
            "channel backing off",
            extra={
                "event": "backoff",
                "channel": str(state.channel.ref),
                "error": type(error).__name__,
                "wait_seconds": wait,
                "health": state.health.value,
            },
        )

    async def _poll(self, state: ChannelState) -> tuple[int, bool]:
        channel = state.channel
        cursor = self.desk.cursor(channel.ref)
        try:
            page = await self.retry.call(lambda: channel.fetch(cursor), sleep=self.sleep)
        except InvalidPayload as error:
            self._dead_letter(channel, error)
            raise
        state.polls += 1
        # One bad item never costs the rest of the page: keep it before the page
        # (and the cursor that moves past it) is stored.
        for rejected in page.rejected:
            self._dead_letter(channel, rejected)
        new = self.desk.ingest_page(
            channel.ref, page.mentions, page.next_cursor, now=self.clock.now()
        )
        state.received += new
        if page.mentions or page.rejected:
            log.info(
                "page ingested",
                extra={
                    "event": "ingested",
                    "channel": str(channel.ref),
                    "mentions": len(page.mentions),
                    "new": new,
                    "rejected": len(page.rejected),
                },
            )
        return new, page.has_more

    def _dead_letter(self, channel: Channel, error: InvalidPayload) -> None:
        raw = error.raw.encode("utf-8", "replace") if isinstance(error.raw, str) else error.raw
        self.desk.dead_letter(
            source=f"fetch:{channel.ref}", raw=raw, error=str(error), now=self.clock.now()
        )

    async def _deliver(self, channel: Channel, message: OutboundMessage) -> Delivery:
        look_first = not channel.capabilities.idempotent_send

        async def attempt() -> Delivery:
            # Every attempt may follow a send whose answer was lost (or a crash):
            # where the network has no idempotency, look before sending again.
            if look_first:
                found = await channel.find_sent(message)
                if found is not None:
                    return found
            return await channel.send(message)

        return await self.retry.call(attempt, sleep=self.sleep)

    async def _send_due(self, state: ChannelState) -> int:
        channel = state.channel
        sent = 0
        for message in self.desk.due_messages(channel.ref, now=self.clock.now()):
            if self.stopping:
                break
            try:
                delivery = await self._deliver(channel, message)
            except PermanentChannelError as error:
                self.desk.record_failed(message.id, error=str(error), now=self.clock.now())
                log.warning(
                    "reply refused",
                    extra={
                        "event": "refused",
                        "channel": str(channel.ref),
                        "message_id": message.id,
                    },
                )
                continue
            self.desk.record_sent(
                message.id, native_id=delivery.native_id, url=delivery.url, now=self.clock.now()
            )
            sent += 1
            state.sent += 1
            log.info(
                "reply sent",
                extra={
                    "event": "sent",
                    "channel": str(channel.ref),
                    "message_id": message.id,
                    "replayed": delivery.replayed,
                },
            )
        return sent
