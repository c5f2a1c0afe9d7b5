"""A network whose state lives in files, so it outlives the process that polls it.

Used by the restart tests through ``socialcx run``: ``type =
"tests.runtime.file_network:FileNetwork"`` in ``socialcx.toml``. Customers'
posts come from a fixed script; replies the brand sends are appended to
``sent.jsonl``. It has no idempotency, so the outpost must look before it sends
again. ``stop_after_fetches`` / ``stop_after_sends`` make it send SIGTERM to its
own process at that point, the way an operator stops a running outpost;
``on_sent`` is called right after the network has taken a reply (the crash
tests kill the process there).
"""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from socialcx.channels import ChannelHealth, Delivery, Page
from socialcx.model import Author, ChannelCapabilities, ChannelRef, Mention, OutboundMessage

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TEXTS = (
    "@brand my parcel is lost and nobody answers, terrible",
    "@brand still waiting for my refund, charged twice",
    "@brand why is my order three days late?",
)


def script(posts: int, *, customers: int = 9, reply_every: int = 4) -> list[Mention]:
    """The customers' posts: every ``reply_every``-th one answers its author's earlier post."""
    out = []
    for n in range(posts):
        customer = n % customers
        answers = n >= customers and n % reply_every == 0
        out.append(
            Mention(
                channel=ChannelRef(platform="files", account="brand"),
                native_id=f"p{n}",
                author=Author(platform="files", native_id=f"c{customer}", handle=f"c{customer}"),
                text=TEXTS[n % len(TEXTS)],
                created_at=T0 + timedelta(minutes=n),
                visibility="public",
                in_reply_to=f"p{n - customers}" if answers else None,
            )
        )
    return out


class FileNetwork:
    """See the module docstring."""

    capabilities = ChannelCapabilities(public_reply=True, private_message=False, max_length=500)

    def __init__(
        self,
        *,
        account: str,
        folder: str,
        posts: int = 40,
        page: int = 5,
        customers: int = 9,
        reply_every: int = 4,
        stop_after_fetches: int = 0,
        stop_after_sends: int = 0,
        on_sent: Callable[[], object] | None = None,
        **_: Any,
    ) -> None:
        self._ref = ChannelRef(platform="files", account=account)
        self._folder = Path(folder)
        self._posts = script(posts, customers=customers, reply_every=reply_every)
        self._on_sent = on_sent
        self._page = page
        self._stop_fetch = stop_after_fetches
        self._stop_send = stop_after_sends
        self._fetches = 0
        self._sends = 0

    @property
    def ref(self) -> ChannelRef:
        return self._ref

    @property
    def health(self) -> ChannelHealth:
        return ChannelHealth.HEALTHY

    def _stop(self) -> None:
        os.kill(os.getpid(), signal.SIGTERM)

    async def fetch(self, cursor: str | None) -> Page:
        self._fetches += 1
        if self._fetches == self._stop_fetch:
            self._stop()
        start = int(cursor or 0)
        chunk = self._posts[start : start + self._page]
        end = start + len(chunk)
        return Page(mentions=chunk, next_cursor=str(end), has_more=end < len(self._posts))

    def sent(self) -> list[dict[str, str]]:
        path = self._folder / "sent.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines() if line]

    async def send(self, message: OutboundMessage) -> Delivery:
        native_id = f"s{len(self.sent())}"
        with (self._folder / "sent.jsonl").open("a") as f:
            f.write(json.dumps({"key": message.idempotency_key, "id": native_id}) + "\n")
            f.flush()
            os.fsync(f.fileno())
        if self._on_sent is not None:
            self._on_sent()  # the network has it; the desk does not know yet
        self._sends += 1
        if self._sends == self._stop_send:
            self._stop()
        return Delivery(native_id=native_id)

    async def find_sent(self, message: OutboundMessage) -> Delivery | None:
        for row in self.sent():
            if row["key"] == message.idempotency_key:
                return Delivery(native_id=row["id"], replayed=True)
        return None

    async def close(self) -> None:
        return None

    async def __aenter__(self) -> FileNetwork:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None
