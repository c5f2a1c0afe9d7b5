"""A desk that only records, so the outpost can be tested on its own."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import attrs
import pytest

from socialcx.model import ChannelRef, Mention, MentionKey, OutboundMessage


@attrs.define
class RecordingDesk:
    """Implements the outpost's desk protocol with plain dicts."""

    mentions: dict[MentionKey, Mention] = attrs.field(factory=dict)
    deliveries: list[MentionKey] = attrs.field(factory=list)
    cursors: dict[ChannelRef, str] = attrs.field(factory=dict)
    outbox: dict[str, OutboundMessage] = attrs.field(factory=dict)
    sent: dict[str, str] = attrs.field(factory=dict)
    failed: dict[str, str] = attrs.field(factory=dict)
    dead: list[tuple[str, bytes, str]] = attrs.field(factory=list)

    def cursor(self, channel: ChannelRef) -> str | None:
        return self.cursors.get(channel)

    def ingest_page(
        self,
        channel: ChannelRef,
        mentions: Sequence[Mention],
        next_cursor: str | None,
        *,
        now: datetime,
    ) -> int:
        new = 0
        for mention in mentions:
            self.deliveries.append(mention.key)
            if mention.key not in self.mentions:
                new += 1
            self.mentions[mention.key] = mention
        if next_cursor is not None:
            self.cursors[channel] = next_cursor
        return new

    def due_messages(self, channel: ChannelRef, *, now: datetime) -> Sequence[OutboundMessage]:
        return [
            m
            for m in self.outbox.values()
            if m.channel == channel and m.id not in self.sent and m.id not in self.failed
        ]

    def record_sent(
        self, message_id: str, *, native_id: str, url: str | None, now: datetime
    ) -> None:
        assert message_id not in self.sent, "recorded twice"
        self.sent[message_id] = native_id

    def record_failed(self, message_id: str, *, error: str, now: datetime) -> None:
        self.failed[message_id] = error

    def dead_letter(self, *, source: str, raw: bytes, error: str, now: datetime) -> None:
        self.dead.append((source, raw, error))


@pytest.fixture
def desk() -> RecordingDesk:
    """A fresh recording desk."""
    return RecordingDesk()
