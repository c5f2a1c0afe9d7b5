"""Mentions: what customers say about a brand, on any network, as one value type."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any, ClassVar

import attrs

from socialcx.errors import InvalidMention, ValidationError
from socialcx.model import _checks as c


class Visibility(enum.Enum):
    """Where a message can be seen.

    A case may hold both kinds; every message keeps its own, and nothing private
    is ever echoed in public.
    """

    PUBLIC = "public"
    PRIVATE = "private"


def to_visibility(value: Visibility | str) -> Visibility:
    """Accept the enum or its value; a bad value is reported by the field's validator."""
    return c.coerce(Visibility, value)


@attrs.frozen(kw_only=True)
class ChannelRef:
    """A brand account on one network: where mentions are heard and replies go out.

    Args:
        platform: The network, lower case (``"mastodon"``, ``"x"``, ``"bluesky"``).
        account: The brand's account on it (handle, page id, DID, feed URL).
    """

    __validation_error__: ClassVar[type[ValidationError]] = InvalidMention

    platform: str = attrs.field(validator=c.platform_name)
    account: str = attrs.field(validator=c.non_empty_str)

    def __str__(self) -> str:
        return f"{self.platform}:{self.account}"


@attrs.frozen(kw_only=True, order=True)
class MentionKey:
    """The identity of a mention: the network and the network's own id.

    Ingestion is idempotent on this key: one post is one mention, however many
    times a webhook, a backfill and a stream deliver it.
    """

    __validation_error__: ClassVar[type[ValidationError]] = InvalidMention

    platform: str = attrs.field(validator=c.platform_name)
    native_id: str = attrs.field(validator=c.non_empty_str)

    def __str__(self) -> str:
        return f"{self.platform}:{self.native_id}"


@attrs.frozen(kw_only=True)
class Author:
    """Who wrote a mention.

    Args:
        platform: The network the account lives on.
        native_id: The network's stable id for the account (not the handle,
            which can change).
        handle: The current handle, without a leading ``@``.
        display_name: The name shown on the profile, if any.
        followers: Audience size, for reach and virality risk.
        verified: Whether the network marks the account as verified.
        is_brand: The brand's own account: its posts and echoes never open cases.
        is_employee: A known employee's personal account: policy decides what
            happens (by default, recorded as advocacy, not funnelled).
    """

    __validation_error__: ClassVar[type[ValidationError]] = InvalidMention

    platform: str = attrs.field(validator=c.platform_name)
    native_id: str = attrs.field(validator=c.non_empty_str)
    handle: str = attrs.field(validator=c.non_empty_str)
    display_name: str | None = attrs.field(default=None, validator=c.optional_non_empty_str)
    followers: int = attrs.field(default=0, validator=c.non_negative_int)
    verified: bool = attrs.field(default=False, validator=c.is_bool)
    is_brand: bool = attrs.field(default=False, validator=c.is_bool)
    is_employee: bool = attrs.field(default=False, validator=c.is_bool)


@attrs.frozen(kw_only=True)
class Engagement:
    """How far a post has travelled so far (all counts >= 0)."""

    __validation_error__: ClassVar[type[ValidationError]] = InvalidMention

    likes: int = attrs.field(default=0, validator=c.non_negative_int)
    reposts: int = attrs.field(default=0, validator=c.non_negative_int)
    replies: int = attrs.field(default=0, validator=c.non_negative_int)
    quotes: int = attrs.field(default=0, validator=c.non_negative_int)
    views: int = attrs.field(default=0, validator=c.non_negative_int)


@attrs.frozen(kw_only=True)
class Mention:
    """One post, comment, review or private message that concerns the brand.

    Args:
        channel: The brand account it was heard on.
        native_id: The network's id for the post; with the platform, the key.
        author: Who wrote it; must live on the same network as the channel.
        text: Plain text (adapters convert HTML and facets).
        created_at: When it was posted; must be timezone-aware.
        visibility: ``PUBLIC`` or ``PRIVATE``; required, never guessed.
        url: A link to the post, if the network has one.
        in_reply_to: Native id of the post it answers, if any.
        conversation_id: The network's thread or conversation id, if any.
        language: A BCP 47 tag when known (``"en"``, ``"pt-BR"``).
        metrics: Engagement counts at the time it was fetched.
        edited_at: When it was last edited; the same key with a later edit
            replaces the earlier text.
        raw: The payload as the network sent it, kept for audit and re-parsing;
            not shown in ``repr`` and not part of equality.
    """

    __validation_error__: ClassVar[type[ValidationError]] = InvalidMention

    channel: ChannelRef = attrs.field(validator=c.instance_of(ChannelRef))
    native_id: str = attrs.field(validator=c.non_empty_str)
    author: Author = attrs.field(validator=c.instance_of(Author))
    text: str = attrs.field(validator=c.text)
    created_at: datetime = attrs.field(validator=c.aware_datetime)
    visibility: Visibility = attrs.field(converter=to_visibility, validator=c.member_of(Visibility))
    url: str | None = attrs.field(default=None, validator=c.optional_non_empty_str)
    in_reply_to: str | None = attrs.field(default=None, validator=c.optional_non_empty_str)
    conversation_id: str | None = attrs.field(default=None, validator=c.optional_non_empty_str)
    language: str | None = attrs.field(default=None, validator=c.optional_non_empty_str)
    metrics: Engagement = attrs.field(factory=Engagement, validator=c.instance_of(Engagement))
    edited_at: datetime | None = attrs.field(default=None, validator=c.optional_aware_datetime)
    raw: dict[str, Any] | None = attrs.field(default=None, repr=False, eq=False)
    # ``key``, made once on first use: the engines ask for it many times per mention.
    _key: MentionKey | None = attrs.field(init=False, default=None, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        if self.author.platform != self.channel.platform:
            c.fail(
                self,
                "author",
                f"author is on {self.author.platform!r} but the channel is on "
                f"{self.channel.platform!r}",
            )

    @property
    def platform(self) -> str:
        """The network this mention came from."""
        return self.channel.platform

    @property
    def key(self) -> MentionKey:
        """The dedupe key: (platform, native id)."""
        key = self._key
        if key is None:
            # Both parts were validated when this mention was built: skip validating again.
            key = object.__new__(MentionKey)
            object.__setattr__(key, "platform", self.channel.platform)
            object.__setattr__(key, "native_id", self.native_id)
            object.__setattr__(self, "_key", key)
        return key

    @property
    def is_public(self) -> bool:
        """Whether anyone can see it."""
        return self.visibility is Visibility.PUBLIC
