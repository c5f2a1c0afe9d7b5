"""What a channel can do, as data: the reply gate and the contract suite read it.

Channel rules (reply length, who may start a private conversation, the
messaging window) are checked before sending, not discovered from an error
page after the fact.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from datetime import timedelta
from typing import Any

import attrs

from socialcx.model import _checks as c

_URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
# A remote mention, @user@domain, as Mastodon finds them when it counts a post.
_REMOTE_MENTION = re.compile(r"(?<![=/\w])@([a-z0-9_]+)@[\w.\-]*\w", re.IGNORECASE)


class LengthUnit(enum.Enum):
    """How a network counts the length of a message."""

    CHARACTERS = "characters"  # Unicode code points (Mastodon, most networks)
    GRAPHEMES = "graphemes"  # user-perceived characters (Bluesky)
    WEIGHTED = "weighted"  # X: most scripts 1, CJK and emoji 2
    BYTES = "bytes"  # UTF-8 bytes


def to_length_unit(value: LengthUnit | str) -> LengthUnit:
    """Accept the enum or its value; a bad value is reported by the field's validator."""
    return c.coerce(LengthUnit, value)


def _extends_cluster(ch: str, prev: str | None, ri_run: int) -> bool:
    """Whether ``ch`` continues the grapheme cluster that ``prev`` is in (common cases)."""
    if prev is None:
        return False
    cp = ord(ch)
    if prev == "\u200d" or cp == 0x200D:  # zero-width joiner glues emoji sequences
        return True
    if 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF:  # variation selectors
        return True
    if 0x1F3FB <= cp <= 0x1F3FF or 0xE0020 <= cp <= 0xE007F:  # skin tones, tag sequences
        return True
    if 0x1F1E6 <= cp <= 0x1F1FF:  # regional indicators pair up into flags
        return ri_run % 2 == 1
    if prev == "\r" and ch == "\n":
        return True
    return unicodedata.category(ch) in ("Mn", "Me", "Mc")


def graphemes(text: str) -> list[str]:
    """Split ``text`` into user-perceived characters.

    Covers what social posts contain: combining marks, emoji ZWJ sequences,
    skin-tone modifiers, flags and variation selectors.
    """
    clusters: list[str] = []
    prev: str | None = None
    ri_run = 0
    for ch in text:
        if _extends_cluster(ch, prev, ri_run):
            clusters[-1] += ch
        else:
            clusters.append(ch)
        ri_run = ri_run + 1 if 0x1F1E6 <= ord(ch) <= 0x1F1FF else 0
        prev = ch
    return clusters


def _x_weight(cluster: str) -> int:
    """X's weighting: Latin and common punctuation count 1, everything else 2."""
    cp = ord(cluster[0])
    light = (
        cp <= 0x10FF or 0x2000 <= cp <= 0x200D or 0x2010 <= cp <= 0x201F or 0x2032 <= cp <= 0x2037
    )
    return 1 if light else 2


def _valid_optional_count(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        c.non_negative_int(inst, attribute, value)


@attrs.frozen(kw_only=True)
class ChannelCapabilities:
    """What a channel supports, and its limits.

    Args:
        public_reply: The brand can answer in public.
        private_message: The brand can send private messages.
        brand_can_start_private: The brand may open a private conversation
            (on most networks only the customer can).
        private_window: How long after the customer's last message the brand
            may still write privately (Messenger: 24 h); ``None`` for no window.
        max_length: Longest public message, in ``length_unit``.
        private_max_length: Longest private message (defaults to ``max_length``).
        length_unit: How the network counts length.
        url_length: Every URL counts as this many units, when the network
            shortens links (X and Mastodon: 23).
        mention_domain_free: A remote mention counts without its domain
            (Mastodon counts ``@dana@example.social`` as ``@dana``).
        idempotent_send: The network itself refuses a repeated send with the
            same key (Mastodon's ``Idempotency-Key``, Bluesky's record key).
        edits: Posts can be edited after sending.
        deletes: Posts can be deleted after sending.
    """

    public_reply: bool = attrs.field(default=True, validator=c.is_bool)
    private_message: bool = attrs.field(default=False, validator=c.is_bool)
    brand_can_start_private: bool = attrs.field(default=False, validator=c.is_bool)
    private_window: timedelta | None = attrs.field(
        default=None, validator=c.optional_positive_duration
    )
    max_length: int | None = attrs.field(default=None, validator=_valid_optional_count)
    private_max_length: int | None = attrs.field(default=None, validator=_valid_optional_count)
    length_unit: LengthUnit = attrs.field(
        default=LengthUnit.CHARACTERS, converter=to_length_unit, validator=c.member_of(LengthUnit)
    )
    url_length: int | None = attrs.field(default=None, validator=_valid_optional_count)
    mention_domain_free: bool = attrs.field(default=False, validator=c.is_bool)
    idempotent_send: bool = attrs.field(default=False, validator=c.is_bool)
    edits: bool = attrs.field(default=False, validator=c.is_bool)
    deletes: bool = attrs.field(default=False, validator=c.is_bool)

    def length(self, text: str) -> int:
        """The length of ``text`` as the network counts it."""
        urls = 0
        if self.mention_domain_free and "@" in text:
            text = _REMOTE_MENTION.sub(r"@\1", text)
        if self.url_length is not None:
            text, urls = _URL.subn("", text)
        if self.length_unit is LengthUnit.BYTES:
            size = len(text.encode("utf-8", "surrogatepass"))
        elif self.length_unit is LengthUnit.GRAPHEMES:
            size = len(graphemes(text))
        elif self.length_unit is LengthUnit.WEIGHTED:
            size = sum(_x_weight(g) for g in graphemes(text))
        else:
            size = len(text)
        return size + urls * (self.url_length or 0)

    def limit(self, *, private: bool) -> int | None:
        """The length limit for a public or a private message."""
        if private and self.private_max_length is not None:
            return self.private_max_length
        return self.max_length

    def fits(self, text: str, *, private: bool) -> bool:
        """Whether ``text`` is within the limit for its kind of message."""
        limit = self.limit(private=private)
        return limit is None or self.length(text) <= limit
