"""The built-in classifier: a lexicon and a few rules, made for customer care.

How a text is read:

1. Only the first ``max_chars`` characters are read, so the cost per text is
   bounded whatever arrives.
2. The text is lower-cased, split at spaces, and each piece into tokens
   (words, hashtags, @mentions, URLs, emoji, emoticons, punctuation); every
   token keeps its offsets. Mentions and URLs carry no sentiment. What a
   piece or a token means (its tokens, its lexicon entry, the phrases it may
   start, its reading as a hashtag, an elongated word or a possessive) does
   not depend on the text around it, so it is worked out once and remembered
   (``CareClassifier._piece``, ``CareClassifier._token``).
3. Phrases are matched where one of their first words starts a token (or,
   for a phrase that starts with a common word such as "on" or "the", where
   its second word does): sarcasm ("thanks for nothing", "love being on
   hold"), positive idioms ("can't wait", "not bad"), threats, service
   failures ("on hold", "still waiting", "charged twice", "lost my bag"),
   frustration ("yet again"), challenges ("why is it", "how could you").
   Words inside one of these phrases are not scored again. Phrases for
   intent and urgency are matched the same way.
4. Every other word takes its valence from the lexicon, then: a negation in
   the three words before it, in the same clause, flips and damps it; an
   intensifier or diminisher right before it scales it; ALL CAPS (in a text
   that is not all caps) and elongation ("sooo") strengthen it; words before
   a "but" count half and words after it count more; a positive word in a
   question counts less ("any good deals?"), and so do thanks in a text that
   asks or requests something. A compliment that opens a sentence ending in a
   failure ("great, another delay") is read as sarcasm. A hashtag of several
   words ("#badcustomerservice") is split into the words it is made of.
5. Sentiment is the sum, squashed into [-1, 1]. The complaint score is a
   logistic function of the failure vocabulary, negative words, negations
   outside the phrases read ("didn't", "never"), frustration (half as much
   when nothing else is negative), challenges, sarcasm, anger, shouting, hostility and
   urgency (legal threats and threats to leave), minus the positive words.
   Hostility weighs insults, profanity, slurs and threats, more when aimed at
   someone ("you idiot"), and harsh words said of someone ("you are
   pathetic").
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from typing import Literal

import attrs

from socialcx.triage import _lexicon as lx
from socialcx.triage._language import guess_for_reader
from socialcx.triage._signals import Assessment, Cue, Intent, Signal, Urgency, clamp
from socialcx.triage._text import (
    ELONGATED,
    as_text,
    normalize,
    original_span,
    squeeze,
    squeeze_all,
    tokenize,
)

#: Characters read per text by default.
DEFAULT_MAX_CHARS = 2_000

# Enum members, looked up once: reading ``Signal.COMPLAINT`` goes through the
# enum class's attribute hook each time.
_S_SENTIMENT, _S_COMPLAINT, _S_HOSTILITY = Signal.SENTIMENT, Signal.COMPLAINT, Signal.HOSTILITY
_S_INTENT, _S_URGENCY = Signal.INTENT, Signal.URGENCY
_I_COMPLAINT, _I_QUESTION, _I_REQUEST = Intent.COMPLAINT, Intent.QUESTION, Intent.REQUEST
_I_PRAISE, _I_FEEDBACK, _I_SPAM, _I_OTHER = (
    Intent.PRAISE,
    Intent.FEEDBACK,
    Intent.SPAM,
    Intent.OTHER,
)

# Phrase kinds; the consuming kinds claim their words in this order of precedence.
_SARCASM, _POSITIVE, _THREAT, _HARASSMENT, _FAILURE, _FRUSTRATION, _CHALLENGE = range(7)
_REQUEST, _FEEDBACK, _SPAM, _SAFETY, _LEGAL, _CHURN, _TIME = range(7, 14)
_CONSUMING_KINDS = 7
# Urgency is kept as bits while reading (enum members hash slowly).
_SAFETY_BIT, _LEGAL_BIT, _CHURN_BIT, _TIME_BIT = 1, 2, 4, 8
_URGENCY_OF = {
    _SAFETY: (Urgency.SAFETY, _SAFETY_BIT, Urgency.SAFETY.value),
    _LEGAL: (Urgency.LEGAL, _LEGAL_BIT, Urgency.LEGAL.value),
    _CHURN: (Urgency.CHURN, _CHURN_BIT, Urgency.CHURN.value),
    _TIME: (Urgency.TIME, _TIME_BIT, Urgency.TIME.value),
}
#: The set of urgency kinds for each combination of bits.
_URGENCY_SETS = tuple(
    frozenset(kind for kind, bit, _ in _URGENCY_OF.values() if mask & bit) for mask in range(16)
)

_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789'#@")
_MAX_PREFIXES = 5_000
_LINK_STARTS = ("http://", "https://", "www.")
# Marks that are a token of their own after a word (see ``TOKEN``).
_MARKS = frozenset('.,;:()"!?')


def _matching_paren(pattern: str, start: int) -> int:
    depth = 0
    index = start
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    raise ValueError(f"unbalanced parenthesis in {pattern!r}")


def _split_alternatives(body: str) -> list[str]:
    parts: list[str] = []
    depth = 0
    current = 0
    index = 0
    while index < len(body):
        char = body[index]
        if char == "\\":
            index += 2
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(body[current:index])
            current = index + 1
        index += 1
    parts.append(body[current:])
    return parts


def _prefixes(pattern: str, done: tuple[str, ...], word: str, out: set[tuple[str, ...]]) -> None:
    """Collect the first two tokens of every spelling of ``pattern``.

    A tuple of one token means the second is not known (the phrase goes on with
    something other than plain words).
    """
    if len(out) > _MAX_PREFIXES:
        raise ValueError(f"phrase has too many spellings: {pattern!r}")
    while pattern.startswith(("(?<!", "(?<=")) and not word and not done:
        pattern = pattern[_matching_paren(pattern, 0) + 1 :]
    index = 0
    while index < len(pattern):
        char = pattern[index]
        optional = pattern[index + 1 : index + 2] == "?"
        if pattern.startswith(r"\d+", index) and not word:
            word = "<num>"
            index += 3
            continue
        if char in _WORD_CHARS or char == " ":
            if optional:
                _prefixes(pattern[index + 2 :], done, word, out)
                pattern = pattern[: index + 1] + pattern[index + 2 :]
                continue
            if word == "<num>" and char != " ":
                index += 1
                continue
            if char == " ":
                if word:
                    done = (*done, word)
                    word = ""
                    if len(done) == 2:
                        out.add(done)
                        return
            else:
                word += char
            index += 1
            continue
        if pattern.startswith("(?:", index):
            close = _matching_paren(pattern, index)
            after_group = close + 1
            alternatives = _split_alternatives(pattern[index + 3 : close])
            if pattern[after_group : after_group + 1] == "?":
                after_group += 1
                alternatives.append("")
            rest = pattern[after_group:]
            for alternative in alternatives:
                _prefixes(alternative + rest, done, word, out)
            return
        if char == "[" and word and re.search("[a-z]", pattern[index : pattern.find("]", index)]):
            # "replie[sd]": the gate would wait for the token "replie".
            raise ValueError(f"spell out the words of {pattern!r} (no letter classes)")
        break
    if word:
        done = (*done, word)
    if done:
        out.add(done[:2])


def first_words(pattern: str) -> dict[str, frozenset[str] | None]:
    """For each token a phrase can start with, the tokens that can follow it.

    ``None`` means any token can follow (the phrase goes on with something
    that is not a plain word); ``"<num>"`` stands for a number.

    Raises:
        ValueError: The phrase does not start with a word.
    """
    spellings: set[tuple[str, ...]] = set()
    _prefixes(pattern, (), "", spellings)
    if not spellings:
        raise ValueError(f"a phrase must start with a word: {pattern!r}")
    follow: dict[str, set[str] | None] = {}
    for spelling in spellings:
        first = spelling[0]
        if len(spelling) == 1:
            follow[first] = None
        elif first not in follow or follow[first] is not None:
            follow.setdefault(first, set()).add(spelling[1])  # type: ignore[union-attr]
    return {k: None if v is None else frozenset(v) for k, v in follow.items()}


# A phrase to try: (pattern, kind, weight).
_Gate = tuple[re.Pattern[str], int, float]
# The phrases a token may start: those that may go on with any token,
# those that need a given next token (together with the first kind), those
# that need a number next (likewise; ``None`` when there are none), and those
# this token is the second word of, by the token before it.
_Gates = tuple[
    tuple[_Gate, ...],
    dict[str, tuple[_Gate, ...]],
    tuple[_Gate, ...] | None,
    dict[str, tuple[_Gate, ...]],
]


def _phrases() -> list[tuple[str, int, float]]:
    table: list[tuple[str, int, float]] = []
    table.extend((p, _SARCASM, 2.0) for p in lx.SARCASM_PHRASES)
    table.extend((p, _POSITIVE, w) for p, w in lx.POSITIVE_PHRASES)
    for word, weight in {**lx.POSITIVE, **lx.NEGATIVE}.items():
        if "-" in word:
            table.append((re.escape(word).replace(r"\-", "[- ]?"), _POSITIVE, weight))
    table.extend((p, _THREAT, 3.0) for p in lx.THREAT_PHRASES)
    table.extend((p, _HARASSMENT, 2.5) for p in lx.HARASSMENT_PHRASES)
    table.extend((p, _FAILURE, 2.0) for p in lx.FAILURE_PHRASES)
    for word, weight in lx.SERVICE_FAILURE.items():
        if "-" in word:
            table.append((re.escape(word).replace(r"\-", "[- ]?"), _FAILURE, weight))
    table.extend((p, _FRUSTRATION, 1.0) for p in lx.FRUSTRATION_PHRASES)
    table.extend((p, _CHALLENGE, 1.0) for p in lx.CHALLENGE_PHRASES)
    table.extend((p, _REQUEST, 1.0) for p in lx.REQUEST_PHRASES)
    table.extend((p, _FEEDBACK, 1.0) for p in lx.FEEDBACK_PHRASES)
    table.extend((p, _SPAM, 1.0) for p in lx.SPAM_PHRASES)
    table.extend((p, _SAFETY, 1.0) for p in lx.SAFETY_PHRASES)
    table.extend((p, _LEGAL, 1.0) for p in lx.LEGAL_PHRASES)
    table.extend((p, _CHURN, 1.0) for p in lx.CHURN_PHRASES)
    table.extend((p, _TIME, 1.0) for p in lx.TIME_PHRASES)
    return table


def _build_gates(
    phrases: Iterable[tuple[str, int, float]], quiet: frozenset[str] = frozenset()
) -> dict[str, _Gates]:
    """For each word, the phrases it may start, and those it may be the second word of.

    A phrase whose first word is one of ``quiet`` (common words that mean
    nothing else: "the", "i", "on") is looked for from its second word
    instead ("hold" in "on hold"), so that common words need no look-up.
    """
    anywhere: dict[str, list[_Gate]] = {}
    followed: dict[str, dict[str, list[_Gate]]] = {}
    for pattern, kind, weight in phrases:
        gate = (re.compile(f"(?:{pattern})(?!\\w)"), kind, weight)
        for word, follow in first_words(pattern).items():
            if follow is None:
                anywhere.setdefault(word, []).append(gate)
                continue
            after = followed.setdefault(word, {})
            for following in follow:
                after.setdefault(following, []).append(gate)
    backed: dict[str, dict[str, list[_Gate]]] = {}
    for word in sorted(quiet):
        # Only when every phrase the word starts can be found from a word
        # that is not common itself: else the word is looked up anyway.
        found = followed.get(word)
        if found is None or word in anywhere:
            continue
        if any(following == "<num>" or following in quiet for following in found):
            continue
        for following, phrases_after in followed.pop(word).items():
            backed.setdefault(following, {})[word] = phrases_after
    gates: dict[str, _Gates] = {}
    for word in {*anywhere, *followed, *backed}:
        always = tuple(anywhere.get(word, ()))
        by_next = {k: always + tuple(v) for k, v in followed.get(word, {}).items()}
        by_previous = {k: tuple(v) for k, v in backed.get(word, {}).items()}
        gates[word] = (always, by_next, by_next.get("<num>"), by_previous)
    return gates


# Per word: (valence, failure, frustration, hostility); None where it plays no part.
_WordInfo = tuple[float | None, float | None, float | None, float | None]


def inflect(table: Mapping[str, float]) -> dict[str, float]:
    """``table`` with the regular inflections of its words added.

    "-ing" gives "-ed" ("infuriating", "infuriated"), "-ed" gives "-ing", and
    a word not ending in "s" gives its "-s" form; words listed explicitly keep
    their own weight.
    """
    grown: dict[str, float] = {}
    for word, weight in table.items():
        if "-" in word or len(word) < 4:
            continue
        if word.endswith("ing"):
            grown.setdefault(word[:-3] + "ed", weight)
        elif word.endswith("ed"):
            grown.setdefault(word[:-2] + "ing", weight)
        if not word.endswith("s"):
            grown.setdefault(word + "s", weight)
    grown.update(table)
    return grown


def _build_words(
    valence: Mapping[str, float], failures: Mapping[str, float]
) -> dict[str, _WordInfo]:
    valence = inflect(valence)
    failures = inflect(failures)
    valence = {k: v for k, v in valence.items() if k not in failures or k in _EXPLICIT_VALENCE}
    # (A grown form may be a feeling: "disgusting" gives "disgusted".)
    hostile = {
        k: v
        for k, v in inflect(lx.HOSTILE_WORDS).items()
        if k in lx.HOSTILE_WORDS or k not in lx.FEELINGS
    }
    words: dict[str, _WordInfo] = {}
    keys = (
        set(valence)
        | set(failures)
        | set(lx.FRUSTRATION)
        | set(hostile)
        | set(lx.EMOJI)
        | set(lx.EMOTICONS)
        | set(lx.HOSTILE_EMOJI)
    )
    for key in keys:
        if "-" in key:
            continue
        words[key] = (
            valence.get(key, lx.EMOJI.get(key, lx.EMOTICONS.get(key))),
            failures.get(key),
            lx.FRUSTRATION.get(key),
            hostile.get(key, lx.HOSTILE_EMOJI.get(key)),
        )
    return words


_BASE_VALENCE: dict[str, float] = {**lx.POSITIVE, **lx.NEGATIVE}
_EXPLICIT_VALENCE = frozenset(_BASE_VALENCE)
_BASE_WORDS = _build_words(_BASE_VALENCE, lx.SERVICE_FAILURE)

_COMPLAINT_TAG_RE = re.compile("|".join(re.escape(p) for p in lx.COMPLAINT_TAG_PARTS))
_PRAISE_TAG_RE = re.compile("|".join(re.escape(p) for p in lx.PRAISE_TAG_PARTS))
# "\b[A-Z][A-Z']{2,}\b", written to start with a capital so that the search
# skips to capitals at once.
_CAPS_WORD = re.compile(r"[A-Z](?<!\w[A-Z])[A-Z']{2,}\b")
_CAPS_RUN = re.compile(r"[^\W\d_a-z]{2}")
_CASE_TABLE = bytes(0x55 if 65 <= b <= 90 or b == 39 else 0x2E for b in range(256))
_MASKED = re.compile(lx.MASKED_PROFANITY)
_PROFANE_STEM = re.compile(lx.PROFANE_STEMS)
_PROFANE_WORD: _WordInfo = (None, None, None, lx.PROFANE_STEM_WEIGHT)
# "!" or "%" followed by a letter ("sh!t", "a%%hole"): the only way they mask one.
# (An exclamation ends a word; looking for this first spares most texts the pattern.
# One pattern per mark: a pattern that starts with a plain character is searched
# for many times faster than one that starts with a class such as "[!%]".)
_BANG_LETTER = re.compile(r"![a-z]")
_PERCENT_LETTER = re.compile(r"%[a-z]")
_DIGITS = frozenset("0123456789")

_SARCASM_OPENERS = frozenset(
    [
        "great",
        "awesome",
        "love",
        "loving",
        "fantastic",
        "wonderful",
        "perfect",
        "brilliant",
        "nice",
        "lovely",
        "amazing",
        "fun",
        "excellent",
        "super",
        "terrific",
        "yay",
        "woohoo",
        "cool",
        "thrilled",
        "delighted",
        "outstanding",
        "superb",
    ]
)
_SARCASM_LEADS = frozenset(["oh", "ooh", "wow", "so", "just", "yay", "well", "really", "gee"])
_CONTRAST = lx.SCOPE_BREAKERS
# Positive words in a question count this much ("any good deals?" is no praise),
# and thanks in a question or a request this much (it is politeness).
_IN_QUESTION = 0.25
_POLITE_THANKS = 0.35
_THANKS = frozenset(["thanks", "thank", "thx", "ty", "tnx", "thankyou", "cheers"])
# "without question the worst", "without fail": idioms, not negations.
_NOT_NEGATIONS = frozenset([("without", "question"), ("without", "doubt"), ("without", "fail")])
_HAS_NEGATOR, _HAS_MODIFIER, _HAS_PERSON, _HAS_IF, _HAS_CONTRAST = 1, 2, 4, 8, 16
_SENTENCE_END_CHARS = frozenset(".!?\u2026")
_CLAUSE_END_CHARS = frozenset('.!?\u2026,;:()"')
_INQUIRY_OPENERS = lx.QUESTION_OPENERS - {"why"}
_PERSON_IS = frozenset(["he's", "she's", "they're", "hes", "shes", "theyre"])
_COPULAS = frozenset(["is", "are", "was", "were", "r"])
_PEOPLE = frozenset(
    [
        "he",
        "she",
        "they",
        "staff",
        "agent",
        "agents",
        "rep",
        "reps",
        "manager",
        "employees",
        "crew",
        "people",
        "guy",
        "guys",
        "ceo",
        # Groups people are abused as ("liberals are sick").
        *lx.PEOPLE_GROUPS,
    ]
)
_SECOND_PERSON = frozenset(["you", "u", "ya", "ur", "your", "you're", "youre", "yall", "y'all"])
_HARMLESS = lx.HARMLESS_PAIRS
# Words that make what follows a forecast, not a threat, when a thing is the
# subject ("this heat will kill you", "the wait is gonna kill them"); a forecast's
# subject, a thing ("it", "that") or a noun after "the", "this", "a"; and what
# may stand between the two ("the wait is gonna", "it is just going to").
_FORECAST_WORDS = frozenset(["will", "would", "gonna", "might", "may", "could", "can"])
_THINGS = frozenset(["it", "this", "that", "which", "what"])
_DETERMINERS = frozenset(["the", "this", "that", "these", "those", "a", "an"])
_LINKS = frozenset(["is", "are", "was", "just", "really", "literally", "probably"])
# How someone feels or fares, not what they are: no insult when said of them.
_FEELINGS = lx.FEELINGS
# Words for a person: an insult before one is aimed at them ("spiteful woman"),
# an expletive is not ("damn guys, another delay").
_PERSON_NOUNS = lx.PERSON_NOUNS
_EXPLETIVES = lx.EXPLETIVES
_PERSONS = _SECOND_PERSON | _PERSON_IS | _PEOPLE | _PERSON_NOUNS
_YOU = frozenset(["you", "u", "ya", "yall", "y'all"])
_YOU_ARE = frozenset(["you're", "youre", "ur"])
# Words between "you are" and what you are said to be: "you are such a ...".
_ASIDES = lx._words(
    "so such a an really very totally completely absolutely just the most truly utterly being all"
)
_MODIFIERS = frozenset(lx.INTENSIFIERS) | frozenset(lx.DIMINISHERS)
_NEGATORS = lx.NEGATORS
_INTENSIFIERS = lx.INTENSIFIERS
_DIMINISHERS = lx.DIMINISHERS
_ANGRY = lx.ANGRY_SYMBOLS

# Per token: the phrases that may start there, the word's own part, and which
# of the rules the word may switch on (the ``_HAS_*`` bits).
_Entry = tuple[_Gates | None, _WordInfo | None, int]


#: Common words that mean nothing to the reader themselves: phrases that start
#: with one are looked for from their second word.
_QUIET_CANDIDATES = lx._words(
    """
    the a an and of to in on at for from with by as is are was were be been am
    have has had do does did i we it its this that these those my our me us
    what which who when there here get got can will would could should just
    up out about all any some more than then also very one two make go going
    """
)
_GATES = _build_gates(
    _phrases(),
    quiet=frozenset(
        word
        for word in _QUIET_CANDIDATES
        if word not in _BASE_WORDS
        and word not in _NEGATORS
        and word not in _MODIFIERS
        and word not in _PERSONS
        and word not in _CONTRAST
        and word != "if"
    ),
)


def _flags_of(word: str) -> int:
    return (
        (_HAS_NEGATOR if word in _NEGATORS else 0)
        | (_HAS_MODIFIER if word in _MODIFIERS else 0)
        | (_HAS_PERSON if word in _PERSONS else 0)
        | (_HAS_IF if word == "if" else 0)
        | (_HAS_CONTRAST if word in _CONTRAST else 0)
    )


def _build_index(words: Mapping[str, _WordInfo]) -> dict[str, _Entry]:
    """One lookup per token: its phrases, its own part and the rules it switches on."""
    index: dict[str, _Entry] = {
        f"#{key}": (None, info, 0) for key, info in words.items() if key[0].isalpha()
    }
    flagged = {*_NEGATORS, *_MODIFIERS, *_PERSONS, "if", *_CONTRAST}
    index.update(
        {
            key: (_GATES.get(key), words.get(key), _flags_of(key))
            for key in {*_GATES, *words, *flagged}
        }
    )
    return index


_BASE_INDEX = _build_index(_BASE_WORDS)
_NUMBER_GATES = _GATES["<num>"]

_ELONGATED_BIT, _NUMBER_BIT = 32, 64
_COMPLAINT_TAG, _PRAISE_TAG = 1, 2

# Everything a token means, worked out once per distinct token: the phrases it
# may start, its scored parts in reading order (the word itself, then as a
# hashtag, elongated or possessive), the ``_HAS_*`` / ``_ELONGATED_BIT`` /
# ``_NUMBER_BIT`` bits, and whether it is a complaint or praise hashtag.
_Meaning = tuple[_Gates | None, tuple[_WordInfo, ...], int, int]
# (A common word that only starts phrases needing a given next word means its
# phrases by next word: the look-up the reader makes, and nothing else.)
_Token = _Meaning | dict[str, tuple[_Gate, ...]]


#: Hashtags longer than this are not split into words.
_MAX_TAG_CHARS = 40
_LONGEST_WORD = 20


def _tag_prefixes(words: Mapping[str, object]) -> frozenset[str]:
    """Every start of a word a tag may be split into (to stop looking early)."""
    if words is _BASE_WORDS and _BASE_TAG_PREFIXES:
        return _BASE_TAG_PREFIXES
    return frozenset(
        word[:end]
        for word in (*_TAG_WORDS, *words)
        if word.isalpha()
        for end in range(1, min(len(word), _LONGEST_WORD) + 1)
    )


def segment(tag: str, words: Mapping[str, object]) -> tuple[str, ...]:
    """``tag`` split into known words ("badcustomerservice" -> "bad", "customer", "service").

    Known words are those of ``words`` and the small words that glue a tag
    together ("not", "my", "again"); a letter that starts no known word stands
    alone. Of all splits the one whose known words are longest wins (the sum
    of their squared lengths), so "notimpressed" is "not", "impressed".
    """
    count = len(tag)
    # best[j]: the best score of a split of tag[:j], and where its last word starts.
    score = [-1] * (count + 1)
    back = [0] * (count + 1)
    score[0] = 0
    glue = _TAG_WORDS
    prefixes = _tag_prefixes(words)
    for i in range(count):
        here = score[i]
        if here > score[i + 1]:
            # A letter that starts no known word stands alone.
            score[i + 1] = here
            back[i + 1] = i
        for j in range(i + 1, min(count, i + _LONGEST_WORD) + 1):
            piece = tag[i:j]
            if piece not in prefixes:
                break
            if (piece in words or piece in glue) and here + (j - i) * (j - i) > score[j]:
                score[j] = here + (j - i) * (j - i)
                back[j] = i
    parts: list[str] = []
    end = count
    while end > 0:
        start = back[end]
        parts.append(tag[start:end])
        end = start
    return tuple(reversed(parts))


def _segmented(tag: str, words: Mapping[str, _WordInfo]) -> _WordInfo | None:
    """What the words of a compound hashtag add up to ("#notimpressed" is negative)."""
    if not 5 < len(tag) <= _MAX_TAG_CHARS or not tag.isalpha():
        return None
    parts = segment(tag, words)
    known = [len(part) > 1 or part in _TAG_WORDS or part in words for part in parts]
    if not all(known):
        # Three letters or more that make no word (a name) may stand at one end,
        # but nothing unknown in between: "#passion" is not "p", "ass", "i", "on".
        first = known.index(False)
        last = len(known) - 1 - known[::-1].index(False)
        if (
            (first > 0 and last < len(known) - 1)
            or any(known[first : last + 1])
            or last - first < 2
        ):
            return None
        parts = parts[last + 1 :] if first == 0 else parts[:first]
    valence = failure = frustration = hostile = 0.0
    found = False
    negated = -9
    for at, part in enumerate(parts):
        if part in _NEGATORS:
            negated = at
            continue
        info = words.get(part) if len(part) > 2 else None
        if info is None:
            continue
        found = True
        value, fail, frustrated, harsh = info
        if at - negated <= 2:
            if value is not None:
                valence -= value * (0.75 if value > 0 else 0.4)
            continue
        valence += value or 0.0
        failure += fail or 0.0
        frustration += frustrated or 0.0
        hostile += harsh or 0.0
    if not found:
        return None
    return (
        valence or None,
        failure or None,
        frustration or None,
        hostile or None,
    )


def _phrase_words() -> frozenset[str]:
    """The plain words of the phrase tables: the everyday vocabulary of care."""
    found: set[str] = set(lx.TAG_GLUE)
    for pattern, _, _ in _phrases():
        found.update(re.findall(r"(?<![\\a-z])[a-z]{3,}", pattern))
    return frozenset(found)


_TAG_WORDS = _phrase_words()
_BASE_TAG_PREFIXES: frozenset[str] = frozenset()
_BASE_TAG_PREFIXES = _tag_prefixes(_BASE_WORDS)


def _hashtag(tag: str, words: Mapping[str, _WordInfo]) -> tuple[_WordInfo | None, int]:
    """A hashtag's scored part, or whether it is a complaint or praise tag."""
    tag = tag.replace("_", "")
    info = words.get(tag)
    if info is not None:
        return info, 0
    if _COMPLAINT_TAG_RE.search(tag):
        return None, _COMPLAINT_TAG
    if _PRAISE_TAG_RE.search(tag):
        return None, _PRAISE_TAG
    info = _segmented(tag, words)
    if info is not None:
        return info, 0
    for cut in range(len(tag) - 1, 3, -1):
        info = words.get(tag[:cut])
        if info is not None and info[0] is not None:
            return info, 0
    return None, 0


def describe(
    token: str, index: Mapping[str, _Entry], words: Mapping[str, _WordInfo]
) -> _Token | None:
    """What ``token`` means to the reader, or ``None`` when it plays no part."""
    entry = index.get(token)
    gates, info, bits = entry if entry is not None else (None, None, 0)
    infos = [] if info is None else [info]
    tag = 0
    if token[0] in _DIGITS:
        bits |= _NUMBER_BIT
    if token.endswith("n't"):
        bits |= _HAS_NEGATOR
    if entry is None and token[0] == "#" and len(token) > 1:
        info, tag = _hashtag(token[1:], words)
        if info is not None:
            infos.append(info)
    if ELONGATED.search(token):
        bits |= _ELONGATED_BIT
        if token not in words:
            # A letter held may stand beside a double one ("fuuckkk"): cut every
            # run last.
            info = (
                words.get(squeeze(token, 2))
                or words.get(squeeze(token, 1))
                or words.get(squeeze_all(token))
            )
            if info is not None:
                infos.append(info)
    if token.endswith("'s") and token not in words:
        info = words.get(token[:-2])
        if info is not None:
            infos.append(info)
    if _PROFANE_STEM.search(token) and all(info[3] is None for info in infos):
        # A word made on a profanity ("shittier", "clusterfuck", "bitchass").
        infos.append(_PROFANE_WORD)
    if gates is None and not infos and not bits and not tag:
        return None
    if gates is not None and not infos and not bits and not tag:
        always, by_next, numbers, by_previous = gates
        if not always and numbers is None and not by_previous:
            # Only the start of phrases that need a given next word (most
            # common words): the phrases by next word stand for the whole.
            return by_next
    return gates, tuple(infos), bits, tag


# A piece of text between spaces: its tokens, where they start in it, and the
# tokens that play a part (their indices in the piece, and what they mean).
_Piece = tuple[tuple[str, ...], tuple[int, ...], tuple[int, ...], tuple[_Token, ...]]

#: How many distinct tokens, and pieces of text between spaces, a lexicon
#: remembers; when full, the memory starts again. Longer strings and links are
#: never remembered.
MAX_REMEMBERED = 50_000
_MAX_REMEMBERED_CHARS = 40
# Token -> what it means, ``False`` for a token that plays no part.
_BASE_SEEN: dict[str, _Token | Literal[False]] = {}
_BASE_PIECES: dict[str, _Piece] = {}


def _rememberable(text: str) -> bool:
    return len(text) <= _MAX_REMEMBERED_CHARS and "://" not in text and "www." not in text


@attrs.frozen(kw_only=True)
class CareWeights:
    """How evidence adds up to scores.

    The defaults were set on a part of one public data set (by hand, then by
    a coordinate search over these numbers), and checked on data they had not
    seen; change them to trade precision for recall.

    Args:
        complaint_bias: Log-odds of a complaint with no evidence at all.
        failure: Weight of the service-failure vocabulary (per unit).
        negative: Weight of negative words (per unit of valence).
        negation: Weight of each negation that is not part of a phrase read
            ("didn't", "never", "no one"): complaints deny more than other
            posts do.
        positive: Weight of positive words, against a complaint.
        frustration: Weight of frustration markers ("still", "again", "why is
            it"); half of it when nothing else in the text is negative.
        sarcasm: Weight of a sarcasm cue.
        anger: Weight of angry emoji, shouting and "?!".
        hostility: Weight of hostility, for a complaint.
        urgency: Weight of a legal threat or a threat to leave, for a complaint
            (half of it for the other kinds of urgency).
        inquiry: Factor on the failure vocabulary in a plain question ("is my
            flight delayed?"), which asks about a failure more than it
            complains of one.
        sentiment_failure: Valence each unit of failure takes off sentiment.
        sentiment_alpha: Squashing constant: sentiment = s / sqrt(s^2 + alpha).
        hostility_scale: Hostility score = 1 - exp(-evidence / scale).
    """

    complaint_bias: float = -0.5
    failure: float = 1.0
    negative: float = 0.42
    positive: float = 0.28
    frustration: float = 0.8
    sarcasm: float = 2.4
    anger: float = 0.72
    hostility: float = 1.25
    urgency: float = 0.46
    inquiry: float = 0.8
    sentiment_failure: float = 0.42
    sentiment_alpha: float = 9.4
    hostility_scale: float = 1.6
    negation: float = 0.69


@attrs.frozen(kw_only=True)
class CareClassifier:
    """The built-in, pure-Python classifier for customer care.

    It gives every signal triage needs: sentiment, complaint, hostility,
    intent and urgency, each with the cues that fired. It needs no model file
    and reads a short post in a few tens of microseconds.

    Args:
        name: How its cues are attributed.
        max_chars: Only this many characters of each text are read.
        weights: How evidence adds up (see :class:`CareWeights`).
        extra_valence: More words (lower case, one token) and their valence
            (-3..3), e.g. product names customers love or hate; they override
            the built-in lexicon.
        extra_failures: More service-failure words and their weight (0..3).
    """

    name: str = "care"
    max_chars: int = DEFAULT_MAX_CHARS
    weights: CareWeights = attrs.field(factory=CareWeights)
    extra_valence: Mapping[str, float] = attrs.field(factory=dict)
    extra_failures: Mapping[str, float] = attrs.field(factory=dict)
    _words: dict[str, _WordInfo] = attrs.field(init=False, repr=False, eq=False)
    _index: dict[str, _Entry] = attrs.field(init=False, repr=False, eq=False)
    _seen: dict[str, _Token | Literal[False]] = attrs.field(init=False, repr=False, eq=False)
    _pieces: dict[str, _Piece] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.max_chars, int) or self.max_chars < 1:
            raise ValueError("max_chars must be a positive integer")
        words = _BASE_WORDS
        if self.extra_valence or self.extra_failures:
            valence = dict(_BASE_VALENCE)
            valence.update({k.lower(): float(v) for k, v in self.extra_valence.items()})
            failures = dict(lx.SERVICE_FAILURE)
            failures.update({k.lower(): float(v) for k, v in self.extra_failures.items()})
            words = _build_words(valence, failures)
        object.__setattr__(self, "_words", words)
        object.__setattr__(
            self, "_index", _BASE_INDEX if words is _BASE_WORDS else _build_index(words)
        )
        # Tokens already described: a pure function of the token and the
        # lexicon, so classifiers with the built-in lexicon share one memory.
        base = words is _BASE_WORDS
        object.__setattr__(self, "_seen", _BASE_SEEN if base else {})
        object.__setattr__(self, "_pieces", _BASE_PIECES if base else {})

    def _token(self, token: str) -> _Token | None:
        """What ``token`` (lower case) means to the reader."""
        seen = self._seen
        known = seen.get(token)
        if known is not None:
            return known or None
        found = describe(token, self._index, self._words)
        if _rememberable(token):
            if len(seen) >= MAX_REMEMBERED:
                seen.clear()
            seen[token] = found or False
        return found

    def _piece(self, piece: str) -> _Piece:
        """The tokens of ``piece`` (lower case, no spaces), their offsets and meanings."""
        if piece.isalnum():
            # One word (what [^\W_]+ matches), remembered as a token.
            entry = self._token(piece)
            return ((piece,), (0,), (0,), (entry,)) if entry else ((piece,), (0,), (), ())
        if (
            piece.startswith(_LINK_STARTS)
            and piece.isprintable()
            and not piece.endswith(_LINK_STARTS)
        ):
            # A link runs to the next space and means nothing: no need to read it.
            # ("www." alone is no link: a word and a full stop.)
            return (piece,), (0,), (), ()
        word = piece[:-1]
        if piece[-1] in _MARKS and word.isalnum():
            # A word and one mark ("delayed." "why?"): what tokenize() gives, more cheaply.
            tokens, starts = [word, piece[-1]], [0, len(word)]
        else:
            tokens, starts = tokenize(piece)
        at: list[int] = []
        meanings: list[_Token] = []
        for j, token in enumerate(tokens):
            entry = self._token(token)
            if entry is not None:
                at.append(j)
                meanings.append(entry)
        parts = (tuple(tokens), tuple(starts), tuple(at), tuple(meanings))
        if _rememberable(piece) and not (len(tokens) == 1 and tokens[0] == piece):
            # (A piece that is one token is remembered as that token.)
            pieces = self._pieces
            if len(pieces) >= MAX_REMEMBERED:
                pieces.clear()
            pieces[piece] = parts
        return parts

    def classify(self, text: str) -> Assessment:
        """Read ``text`` (only its first ``max_chars`` characters) and assess it."""
        return _Reading(self, as_text(text)[: self.max_chars]).assess()


class _Reading:
    """The state of reading one text; used once."""

    __slots__ = (
        "anger",
        "asking",
        "caps",
        "challenge",
        "consumed",
        "cues",
        "elongated",
        "failure",
        "failure_negative",
        "failure_tokens",
        "flags",
        "frustration",
        "harsh_aimed",
        "hits",
        "hostility",
        "intents",
        "loud",
        "negations",
        "negative",
        "negators",
        "norm",
        "owner",
        "positive",
        "sarcasm",
        "source",
        "starts",
        "text",
        "thanked",
        "tokens",
        "urgency",
        "valence",
        "w",
        "where",
    )

    def __init__(self, owner: CareClassifier, text: str) -> None:
        self.owner = owner
        self.w = owner.weights
        self.source = owner.name
        self.text = text
        is_ascii = text.isascii()
        if is_ascii:
            # normalize(), inline for the common case: lower case, same offsets.
            norm = text.lower()
            self.where = None
        else:
            norm, self.where = normalize(text)
        self.norm = norm
        # Split at spaces, then into tokens: no token spans a space, so these
        # are the tokens of the whole text. Most pieces are one known token,
        # found in one look-up (False when it plays no part); the split of
        # other pieces is remembered too. ``hits``: the tokens that play a part.
        tokens: list[str] = []
        starts: list[int] = []
        hits: list[tuple[int, _Token]] = []
        # (Plain ``tokens.append(x)``, ``len(x)`` and ``seen.get(x)`` calls:
        # the interpreter has fast paths for them that bound methods miss.)
        seen = owner._seen
        remembered = owner._pieces
        at = 0
        for piece in norm.split(" "):
            entry = seen.get(piece)
            if entry:
                hits.append((len(tokens), entry))
            elif entry is None:
                if piece:
                    piece_tokens, piece_starts, at_hits, piece_hits = remembered.get(
                        piece
                    ) or owner._piece(piece)
                    # Most such pieces are a word and a mark ("delayed."): two
                    # tokens, at most one of them in ``hits``. Plain appends
                    # for those cost less than building maps and zips.
                    if at_hits:
                        if len(at_hits) == 1:
                            hits.append((len(tokens) + at_hits[0], piece_hits[0]))
                        else:
                            hits += zip(map(len(tokens).__add__, at_hits), piece_hits, strict=True)
                    tokens += piece_tokens
                    if len(piece_starts) == 2:
                        starts.append(at + piece_starts[0])
                        starts.append(at + piece_starts[1])
                    else:
                        starts += map(at.__add__, piece_starts)
                at += len(piece) + 1
                continue
            tokens.append(piece)
            starts.append(at)
            at += len(piece) + 1
        self.tokens = tokens
        self.starts = starts
        self.hits = hits
        self.flags = 0
        self.cues: list[Cue] = []
        self.consumed: set[int] = set()
        self.failure_tokens: set[int] = set()
        self.intents: dict[int, tuple[int, int]] = {}
        self.urgency = 0
        if is_ascii:
            # Capitals as "U" (and apostrophes, which all-caps words may hold):
            # a run of two is a word in capitals, a run of three starts one
            # that may count towards shouting.
            cased = text.encode("ascii").translate(_CASE_TABLE)
            loud = self.loud = cased.count(b"UUU")
            # (A run of three holds one of two, so most texts need no search;
            # not "in": that tries an int first.)
            self.caps = loud > 0 or cased.find(b"UU") >= 0
        else:
            self.caps = not text.islower() and _CAPS_RUN.search(text) is not None
            self.loud = 3
        self.negators: list[int] = []
        self.elongated = self.thanked = self.harsh_aimed = False
        self.asking = "?" in norm
        self.valence = self.positive = self.negative = 0.0
        self.failure = self.frustration = self.sarcasm = self.anger = self.hostility = 0.0
        self.negations = self.failure_negative = self.challenge = 0.0

    # -- helpers ---------------------------------------------------------

    def cue(self, name: str, signal: Signal, start: int, end: int, weight: float = 0.0) -> None:
        where = self.where
        span = (start, end) if where is None else original_span(where, start, end)
        self.cues.append(_new_tuple(Cue, (name, signal, span, weight, self.source)))

    def token_cue(self, name: str, signal: Signal, i: int, weight: float = 0.0) -> None:
        start = self.starts[i]
        end = start + len(self.tokens[i])
        where = self.where
        span = (start, end) if where is None else original_span(where, start, end)
        self.cues.append(_new_tuple(Cue, (name, signal, span, weight, self.source)))

    def add_valence(self, value: float) -> None:
        self.valence += value
        if value > 0.0:
            self.positive += value
        else:
            self.negative -= value

    def covered(self, first: int, end: int) -> range:
        """Token indices from ``first`` whose tokens end by ``end``."""
        last = first
        starts = self.starts
        tokens = self.tokens
        count = len(tokens)
        while last < count and starts[last] + len(tokens[last]) <= end:
            last += 1
        return range(first, last)

    def negated(self, index: int) -> bool:
        """Whether a negation in the three tokens before ``index`` reaches it."""
        if not self.flags & _HAS_NEGATOR:
            return False
        tokens = self.tokens
        negators = self.negators
        for j in range(index - 1, index - 4 if index > 3 else -1, -1):
            token = tokens[j]
            if token[0] in _CLAUSE_END_CHARS or token in _CONTRAST:
                return False
            if j in negators:
                after = tokens[j + 1 : j + 3]
                return after != ["be", "more"] and (token, *after[:1]) not in _NOT_NEGATIONS
        return False

    def scale(self, index: int) -> tuple[float, int]:
        """The intensifier or diminisher factor before ``index``, and where it starts."""
        if not self.flags & _HAS_MODIFIER:
            return 1.0, -1
        tokens = self.tokens
        factor = 1.0
        at = -1
        for j, damp in ((index - 1, 1.0), (index - 2, 0.6)):
            if j < 0:
                break
            token = tokens[j]
            found = _INTENSIFIERS.get(token)
            if found is None:
                found = _DIMINISHERS.get(token)
            if found is None and self.elongated and ELONGATED.search(token):
                found = _INTENSIFIERS.get(squeeze(token, 1))
                if found is not None:
                    found += 0.2
            if found is None:
                if token[0] in _CLAUSE_END_CHARS:
                    break
                continue
            factor *= 1.0 + (found - 1.0) * damp
            at = j
        return factor, at

    def is_caps(self, i: int) -> bool:
        if not self.caps:
            return False
        start = self.starts[i]
        end = start + len(self.tokens[i])
        if self.where is not None:
            start, end = original_span(self.where, start, end)
        raw = self.text[start:end]
        return len(raw) > 1 and raw.isupper()

    # -- phrases ---------------------------------------------------------

    def match_phrases(self, found: list[_Found], i: int, gates: _Gates) -> None:
        """Add to ``found`` the phrases in ``gates`` that match at token ``i``."""
        entries, by_next, numbers, by_previous = gates
        tokens = self.tokens
        if by_next and i + 1 < len(tokens):
            following = tokens[i + 1]
            if numbers is not None and following[0] in _DIGITS:
                entries = numbers
            else:
                entries = by_next.get(following, entries)
        norm = self.norm
        if entries:
            start = self.starts[i]
            for pattern, kind, weight in entries:
                match = pattern.match(norm, start)
                if match is not None:
                    found.append((kind, i, start, match.end(), weight))
        if by_previous and i:
            before = by_previous.get(tokens[i - 1])
            if before:
                start = self.starts[i - 1]
                for pattern, kind, weight in before:
                    match = pattern.match(norm, start)
                    if match is not None:
                        found.append((kind, i - 1, start, match.end(), weight))

    def read_phrases(self, found: list[_Found]) -> None:
        """Apply the phrases found, by kind, each word claimed by one phrase at most."""
        found.sort()
        consumed = self.consumed
        for kind, i, start, end, weight in found:
            if kind >= _CONSUMING_KINDS:
                self.note(kind, start, end)
                continue
            span = self.covered(i, end)
            if not consumed.isdisjoint(span):
                continue
            if kind == _FAILURE:
                self.failure_tokens.update(span)
                if self.negated(i):
                    continue
            consumed.update(span)
            self.apply(kind, i, start, end, weight)

    def read_negators(self, negators: list[int]) -> None:
        """Negations outside the phrases read ("didn't", "never", "no one"): complaints deny."""
        consumed = self.consumed
        weight = self.w.negation
        for i in negators:
            if i not in consumed:
                self.negations += weight
                self.token_cue("negative_phrasing", _S_COMPLAINT, i, weight)

    def note(self, kind: int, start: int, end: int) -> None:
        urgency = _URGENCY_OF.get(kind)
        if urgency is not None:
            self.urgency |= urgency[1]
            self.cue(urgency[2], _S_URGENCY, start, end)
        elif kind not in self.intents:
            self.intents[kind] = (start, end)

    def apply(self, kind: int, i: int, start: int, end: int, weight: float) -> None:
        w = self.w
        if kind == _SARCASM:
            self.sarcasm += 1.0
            self.add_valence(-weight)
            self.cue("sarcasm", _S_COMPLAINT, start, end, -weight)
        elif kind == _POSITIVE:
            if weight > 0.0 and self.negated(i):
                weight = -weight * 0.75
                self.cue("negation", _S_SENTIMENT, start, end, weight)
            else:
                self.cue("phrase", _S_SENTIMENT, start, end, weight)
                if weight >= 2.5:
                    self.thanked = True
            self.add_valence(weight)
        elif kind == _THREAT:
            if self.forecast(i):
                self.cue("forecast", _S_HOSTILITY, start, end)
                return
            self.hostility += weight
            self.cue("threat", _S_HOSTILITY, start, end, weight)
            self.urgency |= _SAFETY_BIT
            self.cue("threat", _S_URGENCY, start, end)
        elif kind == _HARASSMENT:
            self.hostility += weight
            self.cue("harassment", _S_HOSTILITY, start, end, weight)
        elif kind == _FAILURE:
            self.failure += weight
            self.add_valence(-weight * w.sentiment_failure)
            self.failure_negative += weight * w.sentiment_failure
            self.cue("service_failure", _S_COMPLAINT, start, end, -weight)
        elif kind == _FRUSTRATION:
            self.frustration += weight
            self.cue("frustration", _S_COMPLAINT, start, end, weight)
        else:
            self.challenge += weight
            self.cue("challenge", _S_COMPLAINT, start, end, weight)

    # -- words -----------------------------------------------------------

    def shouting(self) -> bool:
        """Whether the text is written (almost) all in capitals."""
        if not self.caps or self.loud < 3:
            # (Each word in capitals holds a run of three capitals.)
            return False
        caps_words = len(_CAPS_WORD.findall(self.text))
        if caps_words < 3:
            return False
        words = sum(1 for t in self.tokens if len(t) > 2 and t[0].isalpha())
        if caps_words < 0.7 * words:
            return False
        self.anger += 1.0
        self.cue("shouting", _S_COMPLAINT, 0, len(self.norm), 1.0)
        return True

    def read_words(
        self, scored: list[tuple[int, _WordInfo]], shouting: bool, contrast_at: int
    ) -> None:
        consumed = self.consumed
        for i, info in scored:
            if i in consumed:
                continue
            valence, failure, frustration, hostile = info
            if hostile is not None:
                self.read_hostile(i, hostile)
            if failure is not None:
                self.read_failure(i, failure, shouting)
            elif frustration is not None:
                self.frustration += frustration
                self.token_cue("frustration", _S_COMPLAINT, i, frustration)
            elif valence is not None:
                self.read_valence(i, valence, shouting, contrast_at)
            if (
                valence is not None
                and hostile is None
                and valence < 0.0
                and self.tokens[i][0].isalpha()
            ):
                # (Said of someone: words, not emoji.)
                self.read_directed_negative(i, valence)

    def read_failure(self, i: int, failure: float, shouting: bool) -> None:
        if self.negated(i):
            self.token_cue("negated_failure", _S_COMPLAINT, i)
            return
        if not shouting and self.is_caps(i):
            failure *= 1.25
        self.failure_tokens.add(i)
        self.failure += failure
        self.add_valence(-failure * self.w.sentiment_failure)
        self.failure_negative += failure * self.w.sentiment_failure
        self.token_cue("service_failure", _S_COMPLAINT, i, -failure)

    def read_valence(self, i: int, value: float, shouting: bool, contrast_at: int) -> None:
        token = self.tokens[i]
        flags = self.flags
        name = "lexicon"
        start = self.starts[i]
        end = start + len(token)
        if token[0].isalpha():
            if flags & _HAS_MODIFIER:
                factor, modifier = self.scale(i)
                if modifier >= 0 and factor != 1.0:
                    name = "intensifier" if factor > 1.0 else "diminisher"
                    start = self.starts[modifier]
                value *= factor
            if self.caps and not shouting and self.is_caps(i):
                value *= 1.3
                name = "caps"
            if self.elongated and ELONGATED.search(token):
                value *= 1.2
                name = "elongation"
        if flags & _HAS_NEGATOR and self.negated(i):
            value = -value * (0.75 if value > 0.0 else 0.4)
            name = "negation"
            start = self.negation_start(i)
        elif value > 0.0 and token in _SARCASM_OPENERS and self.sarcastic_opener(i):
            value = -value
            self.sarcasm += 1.0
            name = "sarcasm"
        if contrast_at >= 0:
            value *= 0.5 if i < contrast_at else 1.5
        if value > 0.0 and flags & _HAS_IF and self.hypothetical(i):
            value *= 0.4
        if value > 0.0 and self.asking and self.in_question(i):
            value *= _IN_QUESTION
        elif token in _THANKS and (self.asking or _REQUEST in self.intents):
            value *= _POLITE_THANKS
        if token in _ANGRY:
            self.anger += 0.7
        signal = _S_COMPLAINT if name == "sarcasm" else _S_SENTIMENT
        self.cue(name, signal, start, end, value)
        self.valence += value
        if value > 0.0:
            self.positive += value
        else:
            self.negative -= value

    def in_question(self, i: int) -> bool:
        """Whether the token at ``i`` is in a sentence that ends with a question mark."""
        tokens = self.tokens
        for j in range(i + 1, len(tokens)):
            token = tokens[j]
            if token[0] in _SENTENCE_END_CHARS:
                if "?" in token:
                    return True
                if token[0] != "." or len(token) == 1:
                    return False
        return False

    def hypothetical(self, i: int) -> bool:
        """Whether the word sits in an "if" clause ("if you can fix it, all will be good")."""
        if not self.flags & _HAS_IF:
            return False
        tokens = self.tokens
        for j in range(i - 1, i - 12 if i > 11 else -1, -1):
            word = tokens[j]
            if word == "if":
                return True
            if word[0] in _SENTENCE_END_CHARS:
                return False
        return False

    def negation_start(self, i: int) -> int:
        negators = self.negators
        for j in range(i - 1, i - 4 if i > 3 else -1, -1):
            if j in negators:
                return self.starts[j]
        return self.starts[i]

    def sarcastic_opener(self, i: int) -> bool:
        """A compliment that opens its sentence and is followed there by a failure."""
        tokens = self.tokens
        j = i - 1
        while j >= 0 and tokens[j][0] in "@h" and (tokens[j][0] == "@" or "://" in tokens[j]):
            j -= 1
        while j >= 0 and tokens[j] in _SARCASM_LEADS:
            j -= 1
        if j >= 0 and tokens[j][0] not in _SENTENCE_END_CHARS:
            return False
        failures = self.failure_tokens
        for k in range(i + 1, i + 9 if i + 9 < len(tokens) else len(tokens)):
            token = tokens[k]
            if k in failures:
                return True
            if (token[0] in _SENTENCE_END_CHARS and k > i + 1) or token in _CONTRAST:
                return False
        return False

    def read_hostile(self, i: int, weight: float) -> None:
        tokens = self.tokens
        token = tokens[i]
        if (i + 1 < len(tokens) and (token, tokens[i + 1]) in _HARMLESS) or (
            i and (tokens[i - 1], token) in _HARMLESS
        ):
            # "dumb question", "guinea pigs".
            return
        if token in _INTENSIFIERS and i + 1 < len(tokens):
            following = self.owner._words.get(tokens[i + 1])
            if following is not None and (following[0] or 0.0) > 0.0:
                return
        name = "profanity" if weight >= 2.0 else "insult"
        if token[0].isalpha():
            if self.directed(i):
                weight *= 1.5
                name = "directed_insult"
            if self.is_caps(i):
                weight *= 1.2
        elif token[0] != "#":
            name = "hostile_emoji"
        self.hostility += weight
        self.token_cue(name, _S_HOSTILITY, i, weight)

    def forecast(self, i: int) -> bool:
        """Whether the threat at ``i`` is what a thing will do: "this heat will kill you".

        The verb follows "will", "gonna", "could" (or "it'll") and the subject
        is a thing ("it", "that", "the wait", "this app"). A person's threat
        ("i will", "they will", "my brother will") stays a threat, as does a
        wish ("someone should shoot him").
        """
        if i == 0:
            return False
        tokens = self.tokens
        before = tokens[i - 1]
        if before.endswith("'ll"):
            return before[:-3] in _THINGS
        if i == 1:
            return False
        j = i - 2
        if before == "to" and tokens[j] == "going":
            j -= 1
        elif before not in _FORECAST_WORDS:
            return False
        while j > 0 and tokens[j] in _LINKS:
            j -= 1
        return tokens[j] in _THINGS or (j > 0 and tokens[j - 1] in _DETERMINERS)

    def read_directed_negative(self, i: int, valence: float) -> None:
        """A strongly negative word aimed at someone ("you are useless") is an insult too.

        Not a feeling or a state: "they are worried", "he is hurt".
        """
        if self.tokens[i] in _FEELINGS:
            return
        if valence <= -3.0 and self.said_of_someone(i):
            self.hostility += 1.4
            self.token_cue("directed_insult", _S_HOSTILITY, i, 1.4)
        elif valence <= -2.2 and not self.harsh_aimed and self.directed(i):
            # Counted once: "will you address my complaint, or ignore it?" is
            # no insult for holding two negative words near "you".
            self.harsh_aimed = True
            self.hostility += 0.8
            self.token_cue("directed_insult", _S_HOSTILITY, i, 0.8)

    def said_of_someone(self, i: int) -> bool:
        """Whether the word at ``i`` is said of someone: "you are pathetic", "he's a joke"."""
        if not self.flags & _HAS_PERSON:
            return False
        tokens = self.tokens
        j = i - 1
        while j >= 0 and tokens[j] in _ASIDES:
            j -= 1
        if j < 0:
            return False
        token = tokens[j]
        if token in _PERSON_IS or token in _YOU_ARE:
            return True
        return token in _COPULAS and j > 0 and (tokens[j - 1] in _PEOPLE or tokens[j - 1] in _YOU)

    def directed(self, i: int) -> bool:
        """Whether the word at ``i`` is aimed at someone.

        "you idiot", "your staff are useless", "she is a liar", "they're clowns".
        """
        if not self.flags & _HAS_PERSON:
            return False
        tokens = self.tokens
        for j in range(i - 1, i - 5 if i > 4 else -1, -1):
            token = tokens[j]
            if token[0] in _SENTENCE_END_CHARS:
                return False
            if token in _SECOND_PERSON or token in _PERSON_IS:
                return True
            if token in _COPULAS and j > 0 and tokens[j - 1] in _PEOPLE:
                return True
        # Or it names them: "spiteful woman", "stupid freaking liberals".
        if tokens[i] in _EXPLETIVES:
            return False
        for j in range(i + 1, min(i + 3, len(tokens))):
            token = tokens[j]
            if token in _PEOPLE or token in _PERSON_NOUNS:
                return True
            if token not in _MODIFIERS:
                break
        return False

    # -- intent ----------------------------------------------------------

    def intent(self, complaint: float, sentiment: float) -> Intent:
        intents = self.intents
        spam = intents.get(_SPAM)
        if spam is not None and complaint < 0.5:
            self.cue("advertising", _S_INTENT, *spam)
            return _I_SPAM
        if complaint >= 0.5:
            return _I_COMPLAINT
        request = intents.get(_REQUEST)
        if request is not None:
            self.cue("request", _S_INTENT, *request)
            return _I_REQUEST
        question = self.question()
        if question >= 0:
            self.token_cue("question", _S_INTENT, question)
            return _I_QUESTION
        feedback = intents.get(_FEEDBACK)
        if feedback is not None:
            self.cue("suggestion", _S_INTENT, *feedback)
            return _I_FEEDBACK
        if sentiment >= 0.3 and self.positive >= 1.5:
            return _I_PRAISE
        return _I_OTHER

    def grateful(self) -> bool:
        """Thanks for a fix ("thank you for rebooking me after the delay"), not sarcasm."""
        return self.thanked and not self.sarcasm

    def is_inquiry(self) -> bool:
        """A plain question ("is my flight delayed?") with no other sign of discontent."""
        if (
            not self.asking
            or self.negative > self.failure_negative + 1e-9
            or self.sarcasm
            or self.frustration
            or self.challenge
        ):
            return False
        tokens = self.tokens
        for token in reversed(tokens):
            # It ends with a question ("delayed - any chance of an earlier flight?").
            if token[0] in _SENTENCE_END_CHARS:
                if "?" in token:
                    return True
                break
            if token[0] != "@" and token[0] != "#" and "://" not in token:
                break
        for token in tokens:
            if token[0] == "@" or "://" in token:
                continue
            return token in _INQUIRY_OPENERS
        return False

    def question(self) -> int:
        tokens = self.tokens
        if self.asking:
            # The first token that starts with "?": look where the marks are.
            norm = self.norm
            starts = self.starts
            at = norm.find("?")
            while at >= 0:
                i = bisect_right(starts, at) - 1
                if i >= 0 and starts[i] == at and tokens[i][0] == "?":
                    return i
                at = norm.find("?", at + 1)
        for i, token in enumerate(tokens):
            if token[0] == "@" or "://" in token:
                continue
            return i if token in lx.QUESTION_OPENERS else -1
        return -1

    # -- the verdict -----------------------------------------------------

    def assess(self) -> Assessment:
        found = self.read()
        if found is None:
            return _NOTHING
        sentiment, complaint, hostility, intent, urgency, cues, language = found
        return Assessment(
            language=language or None,
            sentiment=sentiment,
            complaint=complaint,
            hostility=hostility,
            intent=intent,
            urgency=urgency,
            cues=tuple(cues),
        )

    def read(self) -> _Verdict | None:
        """The verdict, or ``None`` for a text without tokens."""
        tokens = self.tokens
        if not tokens:
            return None
        norm = self.norm
        flags = _HAS_NEGATOR if "n't" in norm else 0
        scored: list[tuple[int, _WordInfo]] = []
        tags: list[tuple[int, int]] = []
        found: list[_Found] = []
        negators = self.negators
        contrast_at = -1  # the last "but"
        starts = self.starts
        following_at = len(tokens) - 1
        gates: _Gates | None
        infos: tuple[_WordInfo, ...]
        bits: int
        tag: int
        entries: tuple[_Gate, ...] | None
        for i, entry in self.hits:
            if entry.__class__ is dict:
                # The start of phrases that need a given next word, and nothing else.
                if i < following_at:
                    entries = entry.get(tokens[i + 1])
                    if entries:
                        start = starts[i]
                        for pattern, kind, weight in entries:
                            match = pattern.match(norm, start)
                            if match is not None:
                                found.append((kind, i, start, match.end(), weight))
                continue
            gates, infos, bits, tag = entry  # type: ignore[assignment]
            if bits:
                flags |= bits
                if bits & _HAS_NEGATOR:
                    negators.append(i)
                if bits & _HAS_CONTRAST:
                    contrast_at = i
                if bits & _NUMBER_BIT:
                    if gates is not None:
                        self.match_phrases(found, i, gates)
                    gates = _NUMBER_GATES
            if gates is not None:
                # match_phrases, inline: most tokens here start no phrase after all.
                entries, by_next, numbers, by_previous = gates
                if by_next and i < following_at:
                    following = tokens[i + 1]
                    if numbers is not None and following[0] in _DIGITS:
                        entries = numbers
                    else:
                        entries = by_next.get(following, entries)
                if entries:
                    start = starts[i]
                    for pattern, kind, weight in entries:
                        match = pattern.match(norm, start)
                        if match is not None:
                            found.append((kind, i, start, match.end(), weight))
                if by_previous and i:
                    # A phrase that starts with a common word, from its second word.
                    before = by_previous.get(tokens[i - 1])
                    if before:
                        start = starts[i - 1]
                        for pattern, kind, weight in before:
                            match = pattern.match(norm, start)
                            if match is not None:
                                found.append((kind, i - 1, start, match.end(), weight))
            if infos:
                if len(infos) == 1:
                    scored.append((i, infos[0]))
                else:
                    scored.extend([(i, info) for info in infos])
            if tag:
                tags.append((i, tag))
        if flags & _ELONGATED_BIT:
            self.elongated = True
            flags |= _HAS_MODIFIER
        self.flags = flags
        if found:
            self.read_phrases(found)
        if negators:
            self.read_negators(negators)
        for i, tag in tags:
            if tag == _COMPLAINT_TAG:
                self.failure += 1.5
                self.failure_tokens.add(i)
                self.add_valence(-1.5)
                self.failure_negative += 1.5
                self.token_cue("complaint_hashtag", _S_COMPLAINT, i, -1.5)
            else:
                self.add_valence(1.5)
                self.token_cue("praise_hashtag", _S_SENTIMENT, i, 1.5)
        if (
            "*" in norm
            or "$" in norm
            or ("!" in norm and _BANG_LETTER.search(norm) is not None)
            or ("%" in norm and _PERCENT_LETTER.search(norm) is not None)
        ):
            for match in _MASKED.finditer(norm):
                self.hostility += 2.2
                self.cue("profanity", _S_HOSTILITY, match.start(), match.end(), 2.2)
        shouting = self.caps and self.loud >= 3 and self.shouting()
        if scored:
            self.read_words(scored, shouting, contrast_at)
        w = self.w
        if "?" in norm:
            for mark in ("?!", "!?", "??"):
                # ("in" first: it costs less than a find() that finds nothing.)
                if mark in norm:
                    at = norm.find(mark)
                    self.anger += 0.5
                    self.cue("exasperation", _S_COMPLAINT, at, at + 2, 0.5)
                    break
        failure = self.failure
        if failure and (self.is_inquiry() or self.grateful()):
            failure *= w.inquiry
            eased = self.failure_negative * (1.0 - w.inquiry)
            self.valence += eased
            self.negative -= eased
        urgency = self.urgency
        if urgency:
            failure += w.urgency * (
                (urgency & _CHURN_BIT != 0)
                + (urgency & _LEGAL_BIT != 0)
                + 0.5 * (urgency & _TIME_BIT != 0)
                + 0.5 * (urgency & _SAFETY_BIT != 0)
            )
        valence = self.valence
        if valence and "!" in norm:
            marks = norm.count("!")
            valence += math.copysign((marks if marks < 4 else 4) * 0.3, valence)
        sentiment = valence / math.sqrt(valence * valence + w.sentiment_alpha)
        negative = self.negative
        sarcasm = self.sarcasm
        anger = self.anger
        frustration = self.frustration
        if not failure + negative + sarcasm + anger > 0.0:
            frustration *= 0.5
        frustration += self.challenge
        x = (
            w.complaint_bias
            + w.failure * failure
            + w.negative * negative
            - w.positive * self.positive
            + w.frustration * frustration
            + w.sarcasm * sarcasm
            + w.anger * anger
            + w.hostility * self.hostility
            + self.negations
        )
        x = 30.0 if not x <= 30.0 else -30.0 if x < -30.0 else x  # (NaN too)
        complaint = 1.0 / (1.0 + math.exp(-x))
        hostility = self.hostility
        if hostility:
            hostility = 1.0 - math.exp(-hostility / w.hostility_scale)
        intent = self.intent(complaint, sentiment)
        if not (-1.0 <= sentiment <= 1.0 and 0.0 <= complaint <= 1.0 and 0.0 <= hostility <= 1.0):
            # Only odd weights (infinite, NaN) get here.
            sentiment = clamp(sentiment, -1.0, 1.0)
            complaint = clamp(complaint)
            hostility = clamp(hostility)
        return (
            # round(x, 4), without the trip through decimal digits.
            (sentiment * 1e4 + 0.5) // 1.0 / 1e4,
            (complaint * 1e4 + 0.5) // 1.0 / 1e4,
            (hostility * 1e4 + 0.5) // 1.0 / 1e4,
            intent,
            _URGENCY_SETS[urgency],
            self.cues,
            guess_for_reader(tokens, norm),
        )


# A phrase found: (kind, token index, start, end, weight).
_Found = tuple[int, int, int, int, float]

# What a reading finds: sentiment, complaint, hostility, intent, urgency, cues,
# language (see guess_for_reader: a tag, None, or UNSURE).
_Verdict = tuple[float, float, float, Intent, frozenset[Urgency], list[Cue], str | None]

_new_tuple = tuple.__new__
_NOTHING = Assessment(sentiment=0.0, complaint=0.0, hostility=0.0, intent=_I_OTHER)
