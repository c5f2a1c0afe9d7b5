"""A cheap language guess: the script, then the commonest short words.

It is a tie-breaker for posts whose network gave no language tag, good enough
to pick a queue; it abstains (``None``) rather than guess on little evidence.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from socialcx.triage._lexicon import LANGUAGE_WORDS

_WORD = re.compile(r"[^\W\d_]+")
_URLS_AND_HANDLES = re.compile(r"(?:https?://|www\.)\S+|[@#]\w+")
_NON_LATIN = re.compile(r"[^\W\d_\u0000-\u036f\u1e00-\u1eff]")

#: (pattern, language) for scripts used by one main language, most specific first.
_SCRIPTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[\u3040-\u30ff]"), "ja"),
    (re.compile(r"[\uac00-\ud7af\u1100-\u11ff]"), "ko"),
    (re.compile(r"[\u0e00-\u0e7f]"), "th"),
    (re.compile(r"[\u0590-\u05ff]"), "he"),
    (re.compile(r"[\u0370-\u03ff]"), "el"),
    (re.compile(r"[\u0900-\u097f]"), "hi"),
    (re.compile(r"[\u0600-\u06ff]"), "ar"),
    (re.compile(r"[\u0400-\u04ff]"), "ru"),
    (re.compile(r"[\u4e00-\u9fff]"), "zh"),
)

_LANGUAGES = tuple(LANGUAGE_WORDS)
_ALL_WORDS = frozenset().union(*LANGUAGE_WORDS.values())
#: For each function word, a one in the byte of every language using it (the
#: first language in the lowest byte).
_PACKED = {
    word: sum(
        1 << (8 * at) for at, language in enumerate(_LANGUAGES) if word in LANGUAGE_WORDS[language]
    )
    for word in _ALL_WORDS
}
# A byte per language holds its count: no vocabulary may reach 256 words.
assert all(len(words) < 256 for words in LANGUAGE_WORDS.values())
# (Looked up once, not for each text.)
_PACKED_OF = _PACKED.__getitem__
_LANGUAGE_COUNT = len(_LANGUAGES)

#: Characters of a text the guess looks at.
MAX_LANGUAGE_CHARS = 1_000


def _script(text: str) -> str | None:
    others = len(_NON_LATIN.findall(text))
    if not others:
        return None
    letters = len(_WORD.findall(text)) and sum(1 for c in text if c.isalpha())
    counts = {language: len(pattern.findall(text)) for pattern, language in _SCRIPTS}
    if counts["ja"]:
        # Japanese mixes kana with Chinese characters.
        counts["ja"] += counts.pop("zh")
    language, count = max(counts.items(), key=lambda item: item[1])
    return language if count and count >= 0.3 * letters else None


def guess_language(text: str) -> str | None:
    """A BCP 47 language tag for ``text``, or ``None`` when unsure.

    Scripts used by one main language decide at once (kana, Hangul, Thai,
    Hebrew, Greek, Devanagari, Arabic, Cyrillic, Han); Latin-script text is
    scored by how many of the commonest short words of English, Spanish,
    French, German, Portuguese, Italian and Dutch it uses.
    """
    if not isinstance(text, str) or not text:
        return None
    sample = text[:MAX_LANGUAGE_CHARS].lower()
    words = sample.replace(",", " ").replace(".", " ").replace("!", " ").split()
    return guess_from_tokens(words, sample)


def guess_from_tokens(
    tokens: Collection[str], sample: str, *, distinct: int | None = None
) -> str | None:
    """The guess of :func:`guess_language` from a text's lower-case tokens.

    Args:
        tokens: The words (and other tokens) of the text, lower case, repeats allowed.
        sample: The (lower-cased) text itself, for its script.
        distinct: How many distinct tokens there are, when known.
    """
    if not sample.isascii() and _NON_LATIN.search(sample, 0, MAX_LANGUAGE_CHARS):
        # (Links and handles are dropped first; without letters outside the
        # Latin script there is nothing to drop them from.)
        script = _script(_URLS_AND_HANDLES.sub(" ", sample[:MAX_LANGUAGE_CHARS]))
        if script is not None:
            return script
    common = _ALL_WORDS.intersection(tokens)
    if len(common) < 2:
        return None
    # Each function word adds one to the count of every language using it.
    packed = sum(map(_PACKED_OF, common))
    scores = packed.to_bytes(_LANGUAGE_COUNT, "little")
    top = max(scores)
    if top < 2 or scores.count(top) > 1:
        return None
    if top < 0.15 * len(tokens):
        if distinct is None:
            distinct = len(set(tokens))
        if top < 0.15 * distinct:
            return None
    return _LANGUAGES[scores.index(top)]


#: What :func:`guess_for_reader` gives when it has no guess but
#: :func:`guess_language`, which splits words more crudely, might have one.
UNSURE = ""


def guess_for_reader(tokens: Collection[str], norm: str) -> str | None:
    """:func:`guess_from_tokens`, saying whether :func:`guess_language` could do better.

    Returns:
        A language; ``None`` when ``guess_language(norm)`` finds none either
        (plain ASCII text of at most :data:`MAX_LANGUAGE_CHARS` characters
        without links, where fewer than two of the tokens are function words,
        or no language has two: every function word ``guess_language`` splits
        out is one of the tokens, so it counts no more of them for any
        language); else :data:`UNSURE`.
    """
    if norm.isascii():
        # guess_from_tokens, inline: no script to look at.
        common = _ALL_WORDS.intersection(tokens)
        if len(common) >= 2:
            scores = sum(map(_PACKED_OF, common)).to_bytes(_LANGUAGE_COUNT, "little")
            top = max(scores)
            if top >= 2:
                if scores.count(top) > 1 or (
                    top < 0.15 * len(tokens) and top < 0.15 * len(set(tokens))
                ):
                    return UNSURE
                return _LANGUAGES[scores.index(top)]
        if len(norm) <= MAX_LANGUAGE_CHARS and "://" not in norm and "www." not in norm:
            return None
        return UNSURE
    return guess_from_tokens(tokens, norm) or UNSURE
