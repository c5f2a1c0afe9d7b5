"""The built-in adapters are installed as entry points and load by name."""

from __future__ import annotations

import pytest

from socialcx.channels import available_channels, load_channel

BUILT_IN = {
    "blog": "BlogFeedChannel",
    "bluesky": "BlueskyChannel",
    "facebook": "FacebookPageChannel",
    "instagram": "InstagramChannel",
    "mastodon": "MastodonChannel",
    "messenger": "MessengerChannel",
    "reddit": "RedditChannel",
    "x": "XChannel",
    "youtube": "YouTubeChannel",
}


def test_every_built_in_adapter_is_available() -> None:
    assert set(BUILT_IN) <= set(available_channels())


@pytest.mark.parametrize(("name", "cls"), sorted(BUILT_IN.items()))
def test_loads_by_name(name: str, cls: str) -> None:
    factory = load_channel(name)
    assert factory.__name__ == cls
    for method in ("fetch", "send", "find_sent", "close"):
        assert callable(getattr(factory, method))
