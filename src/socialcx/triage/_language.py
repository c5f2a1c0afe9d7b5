"""A cheap language guess: the script, then the commonest short words.

It is a tie-breaker for posts whose network gave no language tag, good enough
to pick a queue; it abstains (``None``) rather than guess on little evidence.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet

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
    words = set(sample.replace(",", " ").replace(".", " ").replace("!", " ").split())
    return guess_from_words(words, sample)


def guess_from_words(distinct: AbstractSet[str], sample: str) -> str | None:
    """The guess of :func:`guess_language` from a text's distinct lower-case words.

    Args:
        distinct: The distinct words of the text, lower case.
        sample: The (lower-cased) text itself, for its script.
    """
    if not sample.isascii():
        script = _script(_URLS_AND_HANDLES.sub(" ", sample[:MAX_LANGUAGE_CHARS]))
        if script is not None:
            return script
    if len(distinct) < 2:
        return None
    best, top, runner_up = "", 0, 0
    for language, vocabulary in LANGUAGE_WORDS.items():
        score = len(distinct & vocabulary)
        if score > top:
            best, top, runner_up = language, score, top
        elif score > runner_up:
            runner_up = score
    if top < 2 or top <= runner_up or top < 0.15 * len(distinct):
        return None
    return best
