"""Mentions, authors and channels: validation at the boundary."""

from __future__ import annotations

from datetime import datetime

import attrs
import pytest

import socialcx as sx
from socialcx.errors import InvalidMention, ValidationError
from tests.conftest import T0


def _kwargs(channel: sx.ChannelRef, author: sx.Author) -> dict[str, object]:
    return {
        "channel": channel,
        "native_id": "7",
        "author": author,
        "text": "hello",
        "created_at": T0,
        "visibility": "public",
    }


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("created_at", datetime(2026, 1, 1, 12, 0), "timezone-aware"),  # noqa: DTZ001
        ("native_id", "", "must not be empty"),
        ("native_id", "   ", "must not be empty"),
        ("visibility", "publik", "is not one of"),
        ("text", None, "expected a string"),
        ("url", "", "must not be empty"),
    ],
)
def test_bad_field_is_named(
    channel: sx.ChannelRef, author: sx.Author, field: str, value: object, expected: str
) -> None:
    """Each bad field raises InvalidMention naming the field."""
    kwargs = _kwargs(channel, author) | {field: value}
    with pytest.raises(InvalidMention, match=expected) as info:
        sx.Mention(**kwargs)  # type: ignore[arg-type]
    assert info.value.field == field
    assert f"Mention.{field}" in str(info.value)


def test_invalid_mention_is_a_value_error() -> None:
    """Callers that catch ValueError also catch validation failures."""
    assert issubclass(InvalidMention, ValidationError)
    assert issubclass(InvalidMention, ValueError)


def test_author_must_share_the_channel_network(channel: sx.ChannelRef) -> None:
    """An author from another network cannot post on this channel."""
    other = sx.Author(platform="mastodon", native_id="1", handle="x")
    with pytest.raises(InvalidMention, match="author"):
        sx.Mention(**_kwargs(channel, other))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("field", "value"),
    [("followers", -1), ("followers", True), ("platform", "Mastodon"), ("handle", "")],
)
def test_author_validation(field: str, value: object) -> None:
    """Author fields are validated and named."""
    kwargs: dict[str, object] = {"platform": "x", "native_id": "1", "handle": "dana"}
    kwargs[field] = value
    with pytest.raises(InvalidMention) as info:
        sx.Author(**kwargs)  # type: ignore[arg-type]
    assert info.value.field == field


def test_key_and_visibility(mention: sx.Mention) -> None:
    """The key is (platform, native id); visibility converts from its value."""
    assert mention.key == sx.MentionKey(platform="x", native_id="1001")
    assert str(mention.key) == "x:1001"
    assert mention.visibility is sx.Visibility.PUBLIC
    assert mention.is_public
    assert mention.platform == "x"


def test_raw_payload_is_kept_but_not_shown(mention: sx.Mention) -> None:
    """The raw payload stays on the value, out of repr and equality."""
    assert mention.raw == {"id": "1001", "text": "..."}
    assert "raw" not in repr(mention)
    assert attrs.evolve(mention, raw=None) == mention


def test_mentions_are_frozen(mention: sx.Mention) -> None:
    """Values cannot be changed in place."""
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        mention.text = "changed"  # type: ignore[misc]


def test_positional_arguments_are_refused(channel: sx.ChannelRef) -> None:
    """Fields are keyword-only, so argument order can never be confused."""
    with pytest.raises(TypeError):
        sx.ChannelRef("x", "acme")  # type: ignore[misc]
