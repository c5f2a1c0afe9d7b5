"""What the well-known networks allow, as :class:`~socialcx.model.ChannelCapabilities`.

These are the published limits (see each network's API reference). An adapter
that knows better (a Mastodon instance with a longer limit) declares its own
capabilities; these are for linting a text before any channel is connected.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from types import MappingProxyType

from socialcx.errors import ValidationError
from socialcx.model import ChannelCapabilities, LengthUnit

_DAY = timedelta(hours=24)

#: Network name -> what a brand account on it can do.
PLATFORM_CAPABILITIES: Mapping[str, ChannelCapabilities] = MappingProxyType(
    {
        "x": ChannelCapabilities(
            public_reply=True,
            private_message=True,
            brand_can_start_private=False,
            max_length=280,
            private_max_length=10_000,
            length_unit=LengthUnit.WEIGHTED,
            url_length=23,
        ),
        "mastodon": ChannelCapabilities(
            public_reply=True,
            private_message=True,
            brand_can_start_private=True,
            max_length=500,
            url_length=23,
            mention_domain_free=True,
            idempotent_send=True,
            edits=True,
            deletes=True,
        ),
        "bluesky": ChannelCapabilities(
            public_reply=True,
            private_message=True,
            brand_can_start_private=False,
            max_length=300,
            private_max_length=1000,
            length_unit=LengthUnit.GRAPHEMES,
            idempotent_send=True,
            deletes=True,
        ),
        "facebook": ChannelCapabilities(
            public_reply=True,
            private_message=True,
            brand_can_start_private=False,
            private_window=_DAY,
            max_length=8000,
            private_max_length=2000,
            edits=True,
            deletes=True,
        ),
        "instagram": ChannelCapabilities(
            public_reply=True,
            private_message=True,
            brand_can_start_private=False,
            private_window=_DAY,
            max_length=2200,
            private_max_length=1000,
            deletes=True,
        ),
        "reddit": ChannelCapabilities(
            public_reply=True,
            private_message=True,
            brand_can_start_private=True,
            max_length=10_000,
            edits=True,
            deletes=True,
        ),
        "youtube": ChannelCapabilities(
            public_reply=True,
            private_message=False,
            max_length=10_000,
            edits=True,
            deletes=True,
        ),
        "google_reviews": ChannelCapabilities(
            public_reply=True,
            private_message=False,
            max_length=4096,
            length_unit=LengthUnit.BYTES,
            idempotent_send=True,
            edits=True,
            deletes=True,
        ),
    }
)


def capabilities_for(platform: str) -> ChannelCapabilities:
    """The published capabilities of a network.

    Raises:
        ValidationError: the network is not one of :data:`PLATFORM_CAPABILITIES`.
    """
    try:
        return PLATFORM_CAPABILITIES[platform.strip().casefold()]
    except KeyError:
        known = ", ".join(sorted(PLATFORM_CAPABILITIES))
        raise ValidationError(
            f"unknown channel {platform!r}; known: {known}", field="channel"
        ) from None
