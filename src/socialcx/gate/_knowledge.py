"""Approved answers: one knowledge base that every channel answers from.

A separate social team must not give different answers than the phone team.
An :class:`ApprovedAnswer` holds the wording the company stands behind for a
topic; the gate flags a draft about that topic that states a different number
(days, hours, money, percent) or makes a claim the answer lists as wrong.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import attrs

from socialcx.errors import ConfigError
from socialcx.model import _checks as c

_NUMBER_WORDS = {
    "a": 1.0,
    "an": 1.0,
    "one": 1.0,
    "two": 2.0,
    "three": 3.0,
    "four": 4.0,
    "five": 5.0,
    "six": 6.0,
    "seven": 7.0,
    "eight": 8.0,
    "nine": 9.0,
    "ten": 10.0,
    "eleven": 11.0,
    "twelve": 12.0,
    "fourteen": 14.0,
    "fifteen": 15.0,
    "twenty": 20.0,
    "thirty": 30.0,
    "forty-five": 45.0,
    "sixty": 60.0,
    "ninety": 90.0,
}
_NUM = (
    r"(?P<n>\d{1,6}(?:[.,]\d{1,2})?|"
    + "|".join(sorted((w for w in _NUMBER_WORDS if len(w) > 2), key=len, reverse=True))
    + ")"
)
_DURATION = re.compile(
    _NUM + r"[\s-]*(?P<q>business|working|calendar)?[\s-]*"
    r"(?P<u>minute|min|hour|hr|day|week|wk|month|year)s?\b",
    re.IGNORECASE,
)
_MONEY = re.compile(
    r"(?P<cur>[$€£])\s?(?P<n>\d{1,7}(?:,\d{3})*(?:\.\d{1,2})?)"
    r"|(?P<n2>\d{1,7}(?:\.\d{1,2})?)\s?(?P<cur2>usd|eur|gbp|dollars|euros|pounds)\b",
    re.IGNORECASE,
)
_PERCENT = re.compile(r"(?P<n>\d{1,3}(?:\.\d{1,2})?)\s?(?:%|percent\b|per cent\b)", re.IGNORECASE)
_UNIT_NAMES = {"min": "minute", "hr": "hour", "wk": "week"}
_HOURS = {"minute": 1 / 60, "hour": 1.0, "day": 24.0, "week": 168.0, "month": 720.0, "year": 8760.0}
_CURRENCY = {"$": "usd", "€": "eur", "£": "gbp", "dollars": "usd", "euros": "eur", "pounds": "gbp"}


@attrs.frozen
class Quantity:
    """A number with its unit found in a text (``"14 days"``), with its span.

    ``dimension`` and ``size`` make quantities comparable: every duration is a
    ``"duration"`` measured in hours ("2 days" equals "48 hours"; business
    days count as days), money is per currency, percentages are percentages.
    """

    unit: str
    value: float
    start: int
    end: int

    @property
    def dimension(self) -> str:
        """What kind of quantity it is: ``"duration"``, ``"money:gbp"``, ``"percent"``."""
        base = self.unit.rsplit(" ", 1)[-1]
        return "duration" if base in _HOURS else self.unit

    @property
    def size(self) -> float:
        """The value in the dimension's unit (hours for durations)."""
        base = self.unit.rsplit(" ", 1)[-1]
        return round(self.value * _HOURS.get(base, 1.0), 6)


def _number(text: str) -> float:
    word = text.casefold()
    if word in _NUMBER_WORDS:
        return _NUMBER_WORDS[word]
    return float(word.replace(",", ""))


def quantities(text: str) -> tuple[Quantity, ...]:
    """Every duration, amount of money and percentage in ``text``."""
    found: list[Quantity] = []
    for m in _DURATION.finditer(text):
        unit = m.group("u").casefold()
        unit = _UNIT_NAMES.get(unit, unit)
        qualifier = (m.group("q") or "").casefold()
        if qualifier == "working":
            qualifier = "business"
        if qualifier == "calendar":
            qualifier = ""
        name = f"{qualifier} {unit}".strip()
        found.append(Quantity(name, _number(m.group("n")), m.start(), m.end()))
    for m in _MONEY.finditer(text):
        currency = (m.group("cur") or m.group("cur2") or "").casefold()
        amount = m.group("n") or m.group("n2") or "0"
        found.append(
            Quantity(
                f"money:{_CURRENCY.get(currency, currency)}", _number(amount), m.start(), m.end()
            )
        )
    found.extend(
        Quantity("percent", _number(m.group("n")), m.start(), m.end())
        for m in _PERCENT.finditer(text)
    )
    found.sort(key=lambda q: q.start)
    return tuple(found)


def _phrase_pattern(phrase: str, *, plural: bool = False) -> re.Pattern[str]:
    words = [re.escape(w) for w in phrase.split()]
    ending = r"(?:s|es)?(?!\w)" if plural else r"(?!\w)"
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + ending, re.IGNORECASE)


@attrs.frozen(kw_only=True)
class ApprovedAnswer:
    """The company's answer for one topic.

    Args:
        topic: The topic it answers (``"refunds"``); matches case topics.
        text: The approved wording; templates can quote it.
        keywords: Words that show a draft is about this topic even when the
            case was not labelled with it (default: the topic's own words).
        forbidden: Claims that contradict the answer (``"no refunds"``); a draft
            that makes one is flagged.
    """

    topic: str = attrs.field(validator=c.non_empty_str)
    text: str = attrs.field(validator=c.non_empty_str)
    keywords: frozenset[str] = attrs.field(
        factory=frozenset, converter=c.to_frozenset, validator=c.names
    )
    forbidden: tuple[str, ...] = attrs.field(
        default=(), converter=c.to_tuple, validator=c.tuple_of(str)
    )

    def __attrs_post_init__(self) -> None:
        for i, claim in enumerate(self.forbidden):
            if not claim.strip():
                c.fail(self, f"forbidden[{i}]", "must not be empty")

    @property
    def words(self) -> frozenset[str]:
        """The keywords, or the topic's own words when none are given."""
        if self.keywords:
            return frozenset(k.casefold() for k in self.keywords)
        return frozenset(w for w in re.split(r"[\s_:-]+", self.topic.casefold()) if w)

    def is_about(self, text: str, topics: Iterable[str] = ()) -> bool:
        """Whether a reply in a case with ``topics`` is about this answer's topic."""
        if self.topic.casefold() in {t.casefold() for t in topics}:
            return True
        return any(_phrase_pattern(word, plural=True).search(text) for word in self.words)

    def forbidden_claims(self, text: str) -> Iterator[tuple[int, int, str]]:
        """``(start, end, why)`` for every claim in ``text`` that this answer rules out."""
        for claim in self.forbidden:
            for m in _phrase_pattern(claim).finditer(text):
                yield (
                    m.start(),
                    m.end(),
                    f"says {m.group()!r}, which the approved answer for {self.topic!r} rules out",
                )


_SENTENCE = re.compile(r"[^.!?\n]+")


def _mentions_topic(text: str, q: Quantity, answers: Iterable[ApprovedAnswer]) -> bool:
    """Whether the sentence holding ``q`` uses a keyword of one of ``answers``."""
    for m in _SENTENCE.finditer(text):
        if m.start() <= q.start < m.end():
            return any(a.is_about(m.group()) for a in answers)
    return False


@attrs.frozen(kw_only=True)
class KnowledgeBase:
    """The approved answers, shared by every channel (and by the phone team).

    Args:
        answers: One answer per topic.
    """

    answers: tuple[ApprovedAnswer, ...] = attrs.field(
        default=(), converter=c.to_tuple, validator=c.tuple_of(ApprovedAnswer)
    )

    def __attrs_post_init__(self) -> None:
        seen: set[str] = set()
        for i, answer in enumerate(self.answers):
            if answer.topic in seen:
                c.fail(self, f"answers[{i}].topic", f"two answers for topic {answer.topic!r}")
            seen.add(answer.topic)

    @property
    def topics(self) -> frozenset[str]:
        """The topics that have an approved answer."""
        return frozenset(a.topic for a in self.answers)

    def answer(self, topic: str) -> ApprovedAnswer | None:
        """The approved answer for ``topic``, if there is one."""
        return next((a for a in self.answers if a.topic == topic), None)

    def relevant(self, text: str, topics: Iterable[str] = ()) -> tuple[ApprovedAnswer, ...]:
        """The answers a reply with ``text`` in a case with ``topics`` must agree with.

        When the case's topics have approved answers, those are the ones;
        otherwise the answers whose keywords the reply uses.
        """
        wanted = {t.casefold() for t in topics}
        by_topic = tuple(a for a in self.answers if a.topic.casefold() in wanted)
        if by_topic:
            return by_topic
        return tuple(a for a in self.answers if a.is_about(text))

    def contradictions(
        self, text: str, topics: Iterable[str] = ()
    ) -> Iterator[tuple[int, int, str]]:
        """``(start, end, why)`` for every place ``text`` disagrees with the approved answers.

        A number (a duration, an amount, a percentage) disagrees when the
        relevant answers state numbers of that kind but never this one; a
        claim disagrees when an answer lists it as forbidden.
        """
        wanted = {t.casefold() for t in topics}
        answers = self.relevant(text, topics)
        if not answers:
            return
        by_topic = any(a.topic.casefold() in wanted for a in answers)
        approved: dict[str, list[tuple[float, ApprovedAnswer, str]]] = {}
        for answer in answers:
            for q in quantities(answer.text):
                approved.setdefault(q.dimension, []).append(
                    (q.size, answer, answer.text[q.start : q.end])
                )
        for q in quantities(text):
            stated = approved.get(q.dimension)
            if not stated or any(size == q.size for size, _, _ in stated):
                continue
            if not by_topic and not _mentions_topic(text, q, answers):
                continue  # found by keyword: only numbers said about the topic count
            said = "; ".join(f"{a.topic!r} says {words!r}" for _, a, words in stated)
            yield (
                q.start,
                q.end,
                f"says {text[q.start : q.end]!r} where the approved answer {said}",
            )
        for answer in answers:
            yield from answer.forbidden_claims(text)

    @classmethod
    def from_toml(cls, path: str | os.PathLike[str]) -> KnowledgeBase:
        """Load the ``[[answer]]`` tables of a TOML file; errors name the key."""
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read answers file: {exc.strerror}") from exc
        return cls.from_toml_text(text, source=str(path))

    @classmethod
    def from_toml_text(cls, text: str, *, source: str = "answers") -> KnowledgeBase:
        """Load the ``[[answer]]`` tables of TOML text; errors name the key."""
        from socialcx._serialization import structure_config

        try:
            data: dict[str, Any] = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{source}: not valid TOML: {exc}") from exc
        unknown = sorted(set(data) - {"answer"})
        if unknown:
            raise ConfigError(
                f"{source}: unknown key {unknown[0]!r} (expected [[answer]] tables)",
                field=unknown[0],
            )
        tables = data.get("answer", [])
        if not isinstance(tables, list):
            raise ConfigError(f"{source}: 'answer' must be [[answer]] tables", field="answer")
        answers = tuple(
            structure_config(table, ApprovedAnswer, source=f"{source}: answer[{i}]")
            for i, table in enumerate(tables)
        )
        try:
            return cls(answers=answers)
        except ValueError as exc:
            raise ConfigError(f"{source}: {exc}", field="answer") from exc
