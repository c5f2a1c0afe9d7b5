"""The channel protocol: what every network adapter (and the fake) provides.

A channel is the I/O edge between one brand account on one network and the
sans-I/O core. It turns the network's posts into :class:`~socialcx.Mention`
values, sends :class:`~socialcx.OutboundMessage` values, and reports its
health. It never imports an engine.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self, runtime_checkable

import attrs

from socialcx.errors import AuthError, InvalidPayload, PermanentChannelError, RateLimited
from socialcx.model import ChannelCapabilities, ChannelRef, Mention, OutboundMessage
from socialcx.model import _checks as c

#: A cursor is an opaque string the poller stores and hands back unchanged.
Cursor = str


@attrs.frozen(kw_only=True)
class Page:
    """One answer to :meth:`Channel.fetch`.

    A poller stores ``mentions`` first and ``next_cursor`` second, so a crash
    in between replays the page (deduplicated on the mention key) instead of
    losing it.

    Args:
        mentions: What arrived after the cursor, oldest first where the
            network allows it; may include the brand's own posts (echoes),
            marked with ``author.is_brand``.
        next_cursor: The cursor to pass to the next ``fetch``. It is a
            JSON-serializable string; when nothing arrived it may equal the
            cursor that was passed in.
        has_more: More mentions are available right now; poll again without
            waiting.
        rejected: Items of this page the adapter could not parse, each an
            :class:`~socialcx.errors.InvalidPayload` whose ``raw`` holds the
            item as the network sent it. One bad item never fails the page:
            the runtime keeps these as dead letters (before it stores the
            page), and ``next_cursor`` still advances past them. Like
            ``mentions``, passing the same cursor again returns them again and
            passing ``next_cursor`` does not repeat them.
    """

    mentions: tuple[Mention, ...] = attrs.field(converter=c.to_tuple, validator=c.tuple_of(Mention))
    next_cursor: Cursor = attrs.field(validator=c.text)
    has_more: bool = attrs.field(default=False, validator=c.is_bool)
    rejected: tuple[InvalidPayload, ...] = attrs.field(
        default=(), converter=c.to_tuple, validator=c.tuple_of(InvalidPayload)
    )


@attrs.frozen(kw_only=True)
class Delivery:
    """What the network answered when a message went out.

    Args:
        native_id: The network's id for the sent post or private message.
        url: A link to it, when the network has one.
        sent_at: When the network accepted it, if it says.
        idempotency_key: The key of the message it delivers.
        replayed: The network (or the adapter's read-back) returned an earlier
            send of the same key instead of posting again.
    """

    native_id: str = attrs.field(validator=c.non_empty_str)
    url: str | None = attrs.field(default=None, validator=c.optional_non_empty_str)
    sent_at: datetime | None = attrs.field(default=None, validator=c.optional_aware_datetime)
    idempotency_key: str | None = attrs.field(default=None, validator=c.optional_non_empty_str)
    replayed: bool = attrs.field(default=False, validator=c.is_bool)


class ChannelHealth(enum.Enum):
    """How a channel is doing, as the runtime and dashboards read it.

    An expired token is a state to show and fix, not a crash and not a false
    disconnect.
    """

    HEALTHY = "healthy"
    DEGRADED = "degraded"  # rate limited, timing out or failing, but retrying
    REAUTHORIZATION_NEEDED = "reauthorization_needed"  # a person must renew access


class HealthEvent(enum.Enum):
    """What happened on the last call, as far as health is concerned."""

    SUCCEEDED = "succeeded"
    RATE_LIMITED = "rate_limited"
    FAILED = "failed"  # transient failure, timeout or bad payload
    AUTH_FAILED = "auth_failed"  # expired or rejected credentials
    REAUTHORIZED = "reauthorized"


#: The one table of health transitions: (state, event) -> next state.
#: Only a renewed authorization leaves ``REAUTHORIZATION_NEEDED``: a lucky read
#: with an expired token must not hide that writes will fail.
HEALTH_TRANSITIONS: dict[tuple[ChannelHealth, HealthEvent], ChannelHealth] = {
    (ChannelHealth.HEALTHY, HealthEvent.SUCCEEDED): ChannelHealth.HEALTHY,
    (ChannelHealth.HEALTHY, HealthEvent.RATE_LIMITED): ChannelHealth.DEGRADED,
    (ChannelHealth.HEALTHY, HealthEvent.FAILED): ChannelHealth.DEGRADED,
    (ChannelHealth.HEALTHY, HealthEvent.AUTH_FAILED): ChannelHealth.REAUTHORIZATION_NEEDED,
    (ChannelHealth.HEALTHY, HealthEvent.REAUTHORIZED): ChannelHealth.HEALTHY,
    (ChannelHealth.DEGRADED, HealthEvent.SUCCEEDED): ChannelHealth.HEALTHY,
    (ChannelHealth.DEGRADED, HealthEvent.RATE_LIMITED): ChannelHealth.DEGRADED,
    (ChannelHealth.DEGRADED, HealthEvent.FAILED): ChannelHealth.DEGRADED,
    (ChannelHealth.DEGRADED, HealthEvent.AUTH_FAILED): ChannelHealth.REAUTHORIZATION_NEEDED,
    (ChannelHealth.DEGRADED, HealthEvent.REAUTHORIZED): ChannelHealth.HEALTHY,
    (
        ChannelHealth.REAUTHORIZATION_NEEDED,
        HealthEvent.SUCCEEDED,
    ): ChannelHealth.REAUTHORIZATION_NEEDED,
    (
        ChannelHealth.REAUTHORIZATION_NEEDED,
        HealthEvent.RATE_LIMITED,
    ): ChannelHealth.REAUTHORIZATION_NEEDED,
    (
        ChannelHealth.REAUTHORIZATION_NEEDED,
        HealthEvent.FAILED,
    ): ChannelHealth.REAUTHORIZATION_NEEDED,
    (
        ChannelHealth.REAUTHORIZATION_NEEDED,
        HealthEvent.AUTH_FAILED,
    ): ChannelHealth.REAUTHORIZATION_NEEDED,
    (ChannelHealth.REAUTHORIZATION_NEEDED, HealthEvent.REAUTHORIZED): ChannelHealth.HEALTHY,
}


def health_event(error: BaseException | None) -> HealthEvent:
    """Classify the outcome of a call (``None`` for success) by the error's type.

    A :class:`~socialcx.errors.PermanentChannelError` is about one request
    (text too long, post deleted), not the channel, so it counts as success.
    """
    if error is None or isinstance(error, PermanentChannelError):
        return HealthEvent.SUCCEEDED
    if isinstance(error, AuthError):
        return HealthEvent.AUTH_FAILED
    if isinstance(error, RateLimited):
        return HealthEvent.RATE_LIMITED
    return HealthEvent.FAILED


@attrs.define
class HealthMonitor:
    """Tracks a channel's :class:`ChannelHealth` through :data:`HEALTH_TRANSITIONS`.

    Adapters keep one and report every call to it, so they all agree on what
    "degraded" means.

    Args:
        state: The current health.
    """

    state: ChannelHealth = ChannelHealth.HEALTHY

    def record(self, event: HealthEvent) -> ChannelHealth:
        """Apply ``event`` and return the new state."""
        self.state = HEALTH_TRANSITIONS[(self.state, event)]
        return self.state

    def observe(self, error: BaseException | None) -> ChannelHealth:
        """Record the outcome of one call: ``None`` for success, else the error it raised."""
        return self.record(health_event(error))


@runtime_checkable
class Channel(Protocol):
    """Protocol: one brand account on one network, as the runtime drives it.

    Implementations take an injected ``httpx.AsyncClient`` (tests pass
    ``transport=httpx.MockTransport(...)``), raise only the
    :class:`~socialcx.errors.ChannelError` tree, and pass the contract suite
    in :mod:`socialcx.testing.contract`.
    """

    @property
    def ref(self) -> ChannelRef:
        """The brand account this channel listens on and sends from."""
        ...

    @property
    def capabilities(self) -> ChannelCapabilities:
        """What the network allows; the reply gate checks it before sending."""
        ...

    @property
    def health(self) -> ChannelHealth:
        """The channel's health after its last call."""
        ...

    async def fetch(self, cursor: Cursor | None) -> Page:
        """Mentions that arrived after ``cursor`` (``None``: where the channel starts).

        Passing the same cursor again returns the same mentions again (so a
        poller that crashed before storing the next cursor loses nothing);
        passing ``next_cursor`` never skips and never repeats.

        Raises:
            ChannelError: One of its subclasses, never a bare httpx error.
        """
        ...

    async def send(self, message: OutboundMessage) -> Delivery:
        """Send ``message`` where its visibility says, once per idempotency key.

        A message the capabilities forbid (too long, private where there are no
        private messages) is refused before any request is made.

        Raises:
            PermanentChannelError: The message can never go out as it is.
            ChannelError: Any other failure, mapped to the error tree.
        """
        ...

    async def find_sent(self, message: OutboundMessage) -> Delivery | None:
        """Whether ``message`` already went out, for reconciliation after a crash.

        Returns:
            The delivery when the network holds the message (``replayed=True``),
            else ``None``.
        """
        ...

    async def close(self) -> None:
        """Release connections; the channel is not used afterwards."""
        ...

    async def __aenter__(self) -> Self:
        """Return the channel itself."""
        ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close the channel."""
        ...


@runtime_checkable
class WebhookChannel(Channel, Protocol):
    """Protocol: a channel that can also receive pushed deliveries (webhooks).

    Parsing is sans-I/O: the web framework hands over the raw headers and
    body, the channel verifies the signature over the exact bytes and returns
    mentions.
    """

    def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> Sequence[Mention]:
        """Verify and parse one webhook delivery.

        A resent delivery returns the same mentions (same keys) again; the
        caller deduplicates on :attr:`~socialcx.Mention.key`.

        Raises:
            InvalidPayload: The signature does not match, or the body cannot be
                parsed; the error keeps the raw body.
        """
        ...


class MessageRefused(PermanentChannelError):
    """A message the channel's capabilities forbid, refused before any request.

    Attributes:
        field: The message field at fault (``"text"``, ``"visibility"``, ...).
        reason: A stable code: ``"too_long"``, ``"no_public_reply"``,
            ``"no_private_message"``, ``"no_recipient"``,
            ``"brand_cannot_start_private"``, ``"window_closed"`` or
            ``"wrong_channel"``.
    """

    def __init__(
        self,
        message: str,
        *,
        field: str,
        reason: str,
        platform: str | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message, platform=platform, status=status)
        self.field = field
        self.reason = reason


def check_outbound(
    message: OutboundMessage,
    capabilities: ChannelCapabilities,
    *,
    channel: ChannelRef | None = None,
) -> None:
    """Refuse, before any request, a message the channel cannot send.

    Every adapter calls this first thing in ``send``, so "text too long" never
    costs a request or a rate-limit point.

    Raises:
        MessageRefused: Naming the field and the reason.
    """
    platform = channel.platform if channel is not None else message.channel.platform
    if channel is not None and message.channel != channel:
        raise MessageRefused(
            f"OutboundMessage.channel: {message.channel} is not this channel ({channel})",
            field="channel",
            reason="wrong_channel",
            platform=platform,
        )
    private = not message.is_public
    if private and not capabilities.private_message:
        raise MessageRefused(
            "OutboundMessage.visibility: this channel has no private messages",
            field="visibility",
            reason="no_private_message",
            platform=platform,
        )
    if not private and not capabilities.public_reply:
        raise MessageRefused(
            "OutboundMessage.visibility: this channel cannot reply in public",
            field="visibility",
            reason="no_public_reply",
            platform=platform,
        )
    if private and message.recipient is None:
        raise MessageRefused(
            "OutboundMessage.recipient: a private message needs a recipient",
            field="recipient",
            reason="no_recipient",
            platform=platform,
        )
    if not capabilities.fits(message.text, private=private):
        limit = capabilities.limit(private=private)
        size = capabilities.length(message.text)
        raise MessageRefused(
            f"OutboundMessage.text: {size} {capabilities.length_unit.value} is over the "
            f"limit of {limit}",
            field="text",
            reason="too_long",
            platform=platform,
        )
