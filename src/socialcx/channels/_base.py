"""What every built-in adapter shares: its account, health, HTTP client and lifecycle.

:class:`HttpChannelBase` holds the parts of the :class:`~socialcx.channels.Channel`
protocol that do not depend on the network: the ``ref``, ``capabilities`` and
``health`` properties, ``close`` and ``async with``, and a repr that shows only
the fields an adapter names (never a token, password or secret). Adapters
subclass it and add ``fetch``, ``send`` and ``find_sent``.

The functions are the adapters' shared bookkeeping: :func:`collect_page`
assembles a page from what its sources delivered, :func:`raw_text` and
:func:`raw_dump` keep an unreadable item's data for its dead letter.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any, Self

import httpx

from socialcx._clock import Clock, SystemClock
from socialcx.channels._http import json_body
from socialcx.channels._protocol import ChannelHealth, Cursor, HealthEvent, HealthMonitor, Page
from socialcx.errors import InvalidPayload
from socialcx.model import ChannelCapabilities, ChannelRef, Mention

__all__ = ["MAX_RAW", "HttpChannelBase", "collect_page", "raw_dump", "raw_text"]

#: How much of an unreadable item :func:`raw_text` keeps, in characters.
MAX_RAW = 1 << 16


class HttpChannelBase:
    """The network-independent half of a channel on an ``httpx.AsyncClient``.

    Args:
        ref: The brand account the channel listens on and sends from.
        client: The HTTP client; a new one (30 s timeout) when ``None``.
        clock: Where "now" comes from; the system clock when ``None``.

    Subclasses set ``self._capabilities`` (or override ``capabilities``) and
    override :meth:`_repr_fields` to show more than the account.
    """

    _capabilities: ChannelCapabilities

    def __init__(
        self,
        *,
        ref: ChannelRef,
        client: httpx.AsyncClient | None = None,
        clock: Clock | None = None,
    ) -> None:
        self._ref = ref
        self._client = client or httpx.AsyncClient(timeout=30.0)
        self._clock = clock or SystemClock()
        self._health = HealthMonitor()

    def _repr_fields(self) -> dict[str, object]:
        """The fields the repr shows, in order; never a token, password or secret."""
        return {"account": self._ref.account}

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in self._repr_fields().items())
        return f"{type(self).__name__}({fields})"

    @property
    def ref(self) -> ChannelRef:
        """The brand account this channel listens on and sends from."""
        return self._ref

    @property
    def capabilities(self) -> ChannelCapabilities:
        """What the network allows this channel to send."""
        return self._capabilities

    @property
    def health(self) -> ChannelHealth:
        """The health after the last call."""
        return self._health.state

    def _json(self, response: httpx.Response, *, platform: str | None = None) -> Any:
        """The decoded JSON body; one that cannot be decoded also counts against health.

        Args:
            response: A response :func:`~socialcx.channels.checked_request` let through.
            platform: The name errors carry; ``ref.platform`` by default.

        Raises:
            InvalidPayload: The body is not JSON.
        """
        try:
            return json_body(response, platform=platform or self._ref.platform)
        except InvalidPayload as exc:
            self._health.observe(exc)
            raise

    def _succeeded(self, *, renewed: bool = False) -> None:
        """Report a call that succeeded to health.

        Args:
            renewed: The call obtained new credentials on the way (a new token
                or session), which ends ``REAUTHORIZATION_NEEDED``; a success
                with the old credentials does not.
        """
        if renewed and self._health.state is ChannelHealth.REAUTHORIZATION_NEEDED:
            self._health.record(HealthEvent.REAUTHORIZED)
        self._health.observe(None)

    async def close(self) -> None:
        """Close the HTTP client."""
        await self._client.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


def collect_page(
    entries: Iterable[Mention | InvalidPayload],
    *,
    next_cursor: Cursor,
    has_more: bool,
    log: Callable[[InvalidPayload], None],
    on_invalid: Callable[[InvalidPayload], None] | None = None,
) -> Page:
    """A page of ``entries``: each mention once (by native id), the unreadable ones rejected.

    Args:
        entries: What the page's sources delivered, in delivery order.
        next_cursor: The page's next cursor.
        has_more: More is available right now.
        log: Logs one rejected item (without its raw data).
        on_invalid: Also called with each rejected item, when given.
    """
    mentions: list[Mention] = []
    rejected: list[InvalidPayload] = []
    seen: set[str] = set()
    for entry in entries:
        if isinstance(entry, InvalidPayload):
            log(entry)
            if on_invalid is not None:
                on_invalid(entry)
            rejected.append(entry)
        elif entry.native_id not in seen:
            seen.add(entry.native_id)
            mentions.append(entry)
    return Page(mentions=mentions, next_cursor=next_cursor, has_more=has_more, rejected=rejected)


def raw_text(value: Any) -> str:
    """A decoded item as ASCII JSON (its repr if not JSON), cut at :data:`MAX_RAW`.

    The ``raw`` of an :class:`~socialcx.errors.InvalidPayload` for the X, Meta,
    YouTube and blog adapters.
    """
    try:
        text = json.dumps(value, ensure_ascii=True, default=str)
    except (TypeError, ValueError, RecursionError):
        text = repr(value)
    return text if len(text) <= MAX_RAW else text[:MAX_RAW]


def raw_dump(value: Any) -> str:
    """A decoded item as JSON, whole (its repr if not JSON).

    The ``raw`` of an :class:`~socialcx.errors.InvalidPayload` for the
    Mastodon, Bluesky and Reddit adapters.
    """
    try:
        return json.dumps(value, default=repr, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        return repr(value)
