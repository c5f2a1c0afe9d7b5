"""Normalizing and splitting text, with every offset kept.

The classifier works on a lower-cased copy of the text. For ASCII text (most
posts) the copy has the same length as the original, so offsets carry over as
they are. Otherwise zero-width and bidi control characters are dropped, curly
apostrophes become straight ones, and a map takes each offset of the copy
back to the original, so cues always point into the text the caller gave.
Lone surrogates and other odd code points are kept as they are: they are not
words and match nothing.
"""

from __future__ import annotations

import re
from itertools import accumulate

#: Invisible characters (zero-width, soft hyphen, bidi controls, byte-order mark).
INVISIBLE = frozenset(
    "\u00ad\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff"
)
_INVISIBLE_RE = re.compile("[" + "".join(sorted(INVISIBLE)) + "]")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})

_EMOJI_RANGES = "\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff"

#: Tokens of lower-cased text: URLs, words, @mentions and #hashtags, emoticons,
#: punctuation that matters, emoji.
TOKEN = re.compile(
    r"(?:https?://|www\.)\S+"
    r"|[^\W_]+(?:'[^\W_]+)*"
    r"|[@#]\w+"
    r"|[:;=]'?-?[()\[\]dp/\\|@3*](?![a-z0-9])|</?3|>:-?\(|\^_?\^|-_-"
    r"|[!?]+|\.\.+|\u2026|[.,;:()\"]"
    rf"|[{_EMOJI_RANGES}]"
)
# TOKEN as a separator, kept in the result; no token starts with a space.
_SPLIT = re.compile(rf"(?=\S)({TOKEN.pattern})")
ELONGATED = re.compile(r"([^\W\d_])\1\1")
_SQUEEZE = re.compile(r"([^\W\d_])\1{2,}")
_REPEATS = re.compile(r"([^\W\d_])\1+")


def as_text(value: object) -> str:
    """``value`` if it is a string, else the empty string: odd input is not an error."""
    return value if isinstance(value, str) else ""


def normalize(text: str) -> tuple[str, list[int] | None]:
    """The lower-cased text and, when its offsets differ, a map back to ``text``.

    Returns:
        ``(norm, where)``: ``where`` is ``None`` when offsets are the same in
        both; otherwise ``where[i]`` is the offset in ``text`` of ``norm[i]``
        (with one extra entry, ``len(text)``, at the end).
    """
    lower = text.lower()
    if text.isascii():
        return lower, None
    if "\u2019" in lower or "\u2018" in lower or "\u02bc" in lower:
        lower = lower.translate(_QUOTES)
    if len(lower) == len(text) and (lower.isprintable() or _INVISIBLE_RE.search(lower) is None):
        # (Invisible characters are not printable.)
        return lower, None
    chars: list[str] = []
    where: list[int] = []
    for index, char in enumerate(text):
        if char in INVISIBLE:
            continue
        for low in char.lower().translate(_QUOTES):
            chars.append(low)
            where.append(index)
    where.append(len(text))
    return "".join(chars), where


def tokenize(norm: str) -> tuple[list[str], list[int]]:
    """The tokens of ``norm`` (see :data:`TOKEN`) and where each one starts."""
    parts = _SPLIT.split(norm)  # gap, token, gap, token, ..., gap
    ends = list(accumulate(map(len, parts)))
    return parts[1::2], ends[:-1:2]


def original_span(where: list[int] | None, start: int, end: int) -> tuple[int, int]:
    """The span in the original text of ``norm[start:end]``."""
    if where is None:
        return start, end
    if end <= start:
        return where[start], where[start]
    return where[start], where[end - 1] + 1


def squeeze(word: str, keep: int = 2) -> str:
    """``word`` with every run of three or more equal letters cut to ``keep``."""
    return _SQUEEZE.sub(lambda m: m.group(1) * keep, word)


def squeeze_all(word: str) -> str:
    """``word`` with every run of equal letters cut to one ("fuuckkk": "fuck")."""
    return _REPEATS.sub(r"\1", word)
