"""Bring your own model: the VADER adapter and a wrapper for any callable."""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

from socialcx.errors import ValidationError
from socialcx.triage._signals import Assessment, Cue, Intent, Signal, Urgency, clamp

#: The labels a callable may return for polarity probabilities.
_POLARITY_KEYS = {
    "negative": -1.0,
    "neg": -1.0,
    "label_0": -1.0,
    "neutral": 0.0,
    "neu": 0.0,
    "label_1": 0.0,
    "positive": 1.0,
    "pos": 1.0,
    "label_2": 1.0,
}
_SCORE_KEYS = ("sentiment", "complaint", "hostility", "intent", "urgency")


class MissingExtra(ImportError):
    """An optional dependency is not installed; the message names the extra to install."""


@attrs.define
class VaderClassifier:
    """Sentiment from VADER (``pip install 'socialcx[vader]'``).

    VADER gives sentiment only; triage takes complaint, hostility, intent and
    urgency from the other classifiers. Its compound score is used as is, and a
    cue records it (without a span).

    Raises:
        MissingExtra: On construction, when ``vaderSentiment`` is not installed.
    """

    name: str = "vader"
    _analyzer: Any = attrs.field(init=False, repr=False, default=None)

    def __attrs_post_init__(self) -> None:
        try:
            module = importlib.import_module("vaderSentiment.vaderSentiment")
        except ImportError as exc:
            raise MissingExtra(
                "VaderClassifier needs the optional dependency vaderSentiment: "
                "pip install 'socialcx[vader]'"
            ) from exc
        self._analyzer = module.SentimentIntensityAnalyzer()

    def classify(self, text: str) -> Assessment:
        """VADER's compound score as the sentiment."""
        if not isinstance(text, str) or not text.strip():
            return Assessment(sentiment=0.0)
        try:
            compound = float(self._analyzer.polarity_scores(text)["compound"])
        except (ValueError, KeyError, IndexError, UnicodeError):
            return Assessment(sentiment=0.0)
        compound = clamp(compound, -1.0, 1.0)
        cue = Cue(
            name="compound", signal=Signal.SENTIMENT, weight=round(compound, 4), source=self.name
        )
        return Assessment(sentiment=compound, cues=(cue,))


def _number(key: str, value: object, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise ValidationError(f"{key} must be a number, got {value!r}", field=key)
    return clamp(float(value), low, high)


def _urgency(raw: object) -> set[Urgency]:
    if raw is None:
        return set()
    items: Iterable[object]
    if isinstance(raw, str | Urgency):
        items = [raw]
    elif isinstance(raw, Iterable):
        items = raw
    else:
        raise ValidationError(
            f"urgency must be a kind or a list of kinds, got {raw!r}", field="urgency"
        )
    found: set[Urgency] = set()
    for item in items:
        try:
            found.add(item if isinstance(item, Urgency) else Urgency(str(item).lower()))
        except ValueError as exc:
            raise ValidationError(
                f"unknown urgency {item!r}; one of {[u.value for u in Urgency]}", field="urgency"
            ) from exc
    return found


def _as_assessment(result: object, source: str) -> Assessment:
    if isinstance(result, Assessment):
        return result
    if isinstance(result, int | float) and not isinstance(result, bool):
        return Assessment(sentiment=_number("sentiment", result, -1.0, 1.0))
    if not isinstance(result, Mapping):
        raise ValidationError(
            f"a classifier callable must return a number, a mapping or an Assessment, "
            f"got {type(result).__name__}"
        )
    scores = {str(k).lower(): v for k, v in result.items()}
    unknown = sorted(k for k in scores if k not in _SCORE_KEYS and k not in _POLARITY_KEYS)
    if unknown:
        raise ValidationError(
            f"unknown keys {unknown} from the classifier callable; use "
            f"{list(_SCORE_KEYS)} or polarity probabilities (negative, neutral, positive)",
            field=unknown[0],
        )
    sentiment: float | None = None
    if "sentiment" in scores:
        sentiment = _number("sentiment", scores["sentiment"], -1.0, 1.0)
    else:
        probabilities = [
            (_POLARITY_KEYS[k], _number(k, v, 0.0, 1.0))
            for k, v in scores.items()
            if k in _POLARITY_KEYS
        ]
        total = sum(p for _, p in probabilities)
        if probabilities and total > 0:
            sentiment = clamp(sum(d * p for d, p in probabilities) / total, -1.0, 1.0)
    intent: Intent | None = None
    if scores.get("intent") is not None:
        try:
            intent = Intent(str(scores["intent"]).lower())
        except ValueError as exc:
            raise ValidationError(
                f"unknown intent {scores['intent']!r}; one of {[i.value for i in Intent]}",
                field="intent",
            ) from exc
    urgency = _urgency(scores.get("urgency"))
    complaint = (
        None
        if scores.get("complaint") is None
        else _number("complaint", scores["complaint"], 0.0, 1.0)
    )
    hostility = (
        None
        if scores.get("hostility") is None
        else _number("hostility", scores["hostility"], 0.0, 1.0)
    )
    cues = tuple(
        Cue(name=signal.value, signal=signal, weight=value, source=source)
        for signal, value in (
            (Signal.SENTIMENT, sentiment),
            (Signal.COMPLAINT, complaint),
            (Signal.HOSTILITY, hostility),
        )
        if value is not None
    )
    return Assessment(
        sentiment=sentiment,
        complaint=complaint,
        hostility=hostility,
        intent=intent,
        urgency=frozenset(urgency),
        cues=cues,
    )


@attrs.frozen
class CallableClassifier:
    """Any model as a classifier: wrap a function of the text.

    The function may return:

    - a number: the sentiment, from -1 to 1;
    - a mapping with any of ``sentiment`` (-1..1), ``complaint`` and
      ``hostility`` (0..1), ``intent`` (an :class:`Intent` value such as
      ``"question"``) and ``urgency`` (a kind or a list of kinds);
    - a mapping of polarity probabilities (``negative``/``neutral``/
      ``positive``, as text-classification pipelines return them), turned
      into sentiment as ``P(positive) - P(negative)``;
    - an :class:`Assessment`.

    Scores outside their range are clipped; unknown keys, intents or urgency
    kinds raise :class:`~socialcx.errors.ValidationError`, so a mistake in the
    wrapper shows at once.

    Args:
        fn: The model, ``fn(text) -> result``.
        name: How its cues are attributed.
    """

    fn: Callable[[str], object]
    name: str = "model"

    def classify(self, text: str) -> Assessment:
        """Call the model and translate its answer."""
        return _as_assessment(self.fn(text), self.name)
