"""Triage: combine classifiers into one :class:`Signals` per mention.

How classifiers are combined
----------------------------

Each classifier gives an :class:`Assessment` with some fields filled in and
the rest ``None``. Triage then takes:

- **sentiment, complaint, hostility**: the weighted mean over the classifiers
  that gave a value (weights from ``weights``, 1.0 each by default); with no
  value at all, 0.0.
- **complaint / hostile booleans**: the combined score against
  ``complaint_threshold`` / ``hostility_threshold``.
- **polarity**: negative when sentiment is at or below ``-polarity_band`` or
  the text is a complaint, positive at or above ``+polarity_band`` (and not a
  complaint), else neutral.
- **intent**: a weighted vote of the classifiers that gave one (ties go to
  the earlier classifier); then a complaint whose vote was ``other`` or
  ``praise`` is filed as ``complaint``, and ``complaint`` is never kept for a
  text that is not one.
- **urgency** and **cues**: the union, in classifier order.
- **private data**: :func:`socialcx.pii.find_private_data` on the text.
- **language**: the mention's own tag, else the first guess a classifier
  made, else :func:`guess_language`.
- **reach**: :func:`reach_score` of the author and the engagement counts.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from socialcx.model import Mention
from socialcx.pii import find_private_data
from socialcx.triage._care import CareClassifier, _Reading
from socialcx.triage._language import UNSURE, guess_language
from socialcx.triage._protocol import Classifier
from socialcx.triage._reach import reach_score
from socialcx.triage._signals import (
    Assessment,
    Cue,
    Intent,
    Polarity,
    Signal,
    Signals,
    Urgency,
    clamp,
    trusted_signals,
)
from socialcx.triage._text import as_text

_NO_URGENCY: frozenset[Urgency] = frozenset()
# Enum members for the hot path, looked up once (not through the enum class each time).
_NEGATIVE, _NEUTRAL, _POSITIVE = Polarity.NEGATIVE, Polarity.NEUTRAL, Polarity.POSITIVE
_OTHER, _PRAISE, _COMPLAINT = Intent.OTHER, Intent.PRAISE, Intent.COMPLAINT
_PRIVATE_DATA = Signal.PRIVATE_DATA
_LANGUAGE_CUE = Cue(name="guess", signal=Signal.LANGUAGE, source="language")

#: Characters of a text handed to classifiers by default.
DEFAULT_MAX_CHARS = 2_000


def _default_classifiers() -> tuple[Classifier, ...]:
    return (CareClassifier(),)


def _classifiers(value: Sequence[Classifier] | Classifier) -> tuple[Classifier, ...]:
    items = (value,) if isinstance(value, Classifier) else tuple(value)
    for item in items:
        if not isinstance(item, Classifier):
            raise TypeError(f"{item!r} is not a Classifier (needs .name and .classify(text))")
    if not items:
        raise ValueError("Triage needs at least one classifier")
    return items


def _mean(values: list[tuple[float, float]]) -> float:
    """The weighted mean; 0.0 when nothing was given."""
    total = sum(weight for _, weight in values)
    if not values or total <= 0:
        return 0.0
    return sum(value * weight for value, weight in values) / total


@attrs.frozen(kw_only=True)
class Triage:
    """Reads mentions and says what they are: complaint? hostile? urgent? viral?

    Args:
        classifiers: The classifiers to combine, in order of precedence
            (default: the built-in :class:`CareClassifier` alone).
        weights: One weight per classifier for the weighted means and the
            intent vote (default: 1.0 each).
        complaint_threshold: Complaint score from which ``complaint`` is true.
        hostility_threshold: Hostility score from which ``hostile`` is true.
        polarity_band: Sentiment closer to zero than this is neutral.
        high_reach_threshold: Reach from which ``high_reach`` is true (0.6 is
            about 4,000 followers, or a few hundred reposts).
        max_chars: Only this many characters are handed to the classifiers,
            so the cost per mention stays bounded.
        private_data: Whether to look for private data.
    """

    classifiers: tuple[Classifier, ...] = attrs.field(
        factory=_default_classifiers, converter=_classifiers
    )
    weights: tuple[float, ...] | None = attrs.field(default=None)
    complaint_threshold: float = 0.5
    hostility_threshold: float = 0.5
    polarity_band: float = 0.4
    high_reach_threshold: float = 0.6
    max_chars: int = DEFAULT_MAX_CHARS
    private_data: bool = True
    _care: CareClassifier | None = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        # The built-in classifier alone (the default) takes a shorter path, with
        # the same result: no Assessment in between, no vote, no second check.
        only = self.classifiers[0] if len(self.classifiers) == 1 else None
        care = only if type(only) is CareClassifier else None
        object.__setattr__(self, "_care", care)

    @weights.validator
    def _check_weights(self, _attribute: object, value: tuple[float, ...] | None) -> None:
        if value is None:
            return
        if len(value) != len(self.classifiers):
            raise ValueError(f"got {len(value)} weights for {len(self.classifiers)} classifiers")
        if any(not w >= 0 for w in value):
            raise ValueError("weights must be >= 0")

    def assess_text(self, text: str) -> Signals:
        """Triage a bare text (no author, so no reach; language is guessed)."""
        care = self._care
        if care is not None:
            return self._assess_care(
                care, text if text.__class__ is str else as_text(text), None, 0.0, ()
            )
        return self._assess(text, language=None, reach=0.0, reach_cues=())

    def assess(self, mention: Mention) -> Signals:
        """Triage a mention: its text, its language tag, its author and engagement."""
        reach, reach_cues = reach_score(mention.author, mention.metrics)
        if self._care is not None:
            return self._assess_care(
                self._care, as_text(mention.text), mention.language, reach, reach_cues
            )
        return self._assess(
            mention.text, language=mention.language, reach=reach, reach_cues=reach_cues
        )

    def _assess(
        self,
        text: str,
        *,
        language: str | None,
        reach: float,
        reach_cues: tuple[Cue, ...],
    ) -> Signals:
        text = as_text(text)
        head = text[: self.max_chars]
        classifiers = self.classifiers
        if len(classifiers) == 1:
            only = classifiers[0].classify(head)
            assessments = [(only, 1.0)]
            sentiment = only.sentiment or 0.0
            complaint_score = only.complaint or 0.0
            hostility_score = only.hostility or 0.0
            urgency = only.urgency
            cues = list(only.cues)
        else:
            weights = self.weights or (1.0,) * len(classifiers)
            assessments = [
                (classifier.classify(head), weight)
                for classifier, weight in zip(classifiers, weights, strict=True)
            ]
            sentiment = _mean([(a.sentiment, w) for a, w in assessments if a.sentiment is not None])
            complaint_score = _mean(
                [(a.complaint, w) for a, w in assessments if a.complaint is not None]
            )
            hostility_score = _mean(
                [(a.hostility, w) for a, w in assessments if a.hostility is not None]
            )
            urgency = frozenset().union(*(a.urgency for a, _ in assessments))
            cues = [cue for a, _ in assessments for cue in a.cues]
        if not (
            -1.0 <= sentiment <= 1.0
            and 0.0 <= complaint_score <= 1.0
            and 0.0 <= hostility_score <= 1.0
        ):
            sentiment = clamp(sentiment, -1.0, 1.0)
            complaint_score = clamp(complaint_score)
            hostility_score = clamp(hostility_score)
        complaint = complaint_score >= self.complaint_threshold
        hostile = hostility_score >= self.hostility_threshold
        if sentiment <= -self.polarity_band or complaint:
            polarity = Polarity.NEGATIVE
        elif sentiment >= self.polarity_band:
            polarity = Polarity.POSITIVE
        else:
            polarity = Polarity.NEUTRAL
        intent = self._intent(assessments, complaint=complaint)
        found = find_private_data(text) if self.private_data else ()
        if found:
            cues.extend(
                Cue(
                    name=item.kind.value,
                    signal=Signal.PRIVATE_DATA,
                    span=(item.start, item.end),
                    source="pii",
                )
                for item in found
            )
        if language is None:
            language = next((a.language for a, _ in assessments if a.language), None)
            if language is None:
                language = guess_language(head)
            if language is not None:
                cues.append(_LANGUAGE_CUE)
        if reach_cues:
            cues.extend(reach_cues)
        return Signals(
            sentiment=sentiment,
            polarity=polarity,
            complaint=complaint,
            complaint_score=complaint_score,
            hostile=hostile,
            hostility_score=hostility_score,
            intent=intent,
            urgency=urgency,
            private_data=found,
            language=language,
            reach=reach,
            high_reach=reach >= self.high_reach_threshold,
            cues=tuple(cues),
        )

    def _assess_care(
        self,
        care: CareClassifier,
        text: str,
        language: str | None,
        reach: float,
        reach_cues: tuple[Cue, ...],
    ) -> Signals:
        """:meth:`_assess` for the built-in classifier alone."""
        head = text[: self.max_chars]
        found = _Reading(care, head[: care.max_chars]).read()  # the verdict without an Assessment
        if found is None:
            sentiment = complaint_score = hostility_score = 0.0
            intent = _OTHER
            urgency: frozenset[Urgency] = _NO_URGENCY
            cues: list[Cue] = []
            guess: str | None = UNSURE
        else:
            sentiment, complaint_score, hostility_score, intent, urgency, cues, guess = found
        complaint = complaint_score >= self.complaint_threshold
        if sentiment <= -self.polarity_band or complaint:
            polarity = _NEGATIVE
        elif sentiment >= self.polarity_band:
            polarity = _POSITIVE
        else:
            polarity = _NEUTRAL
        if complaint:
            if intent is _OTHER or intent is _PRAISE:
                intent = _COMPLAINT
        elif intent is _COMPLAINT:
            intent = _OTHER
        found_data = find_private_data(text) if self.private_data else ()
        if found_data:
            cues.extend(
                Cue(
                    name=item.kind.value,
                    signal=_PRIVATE_DATA,
                    span=(item.start, item.end),
                    source="pii",
                )
                for item in found_data
            )
        if language is None:
            if guess:
                language = guess
            elif guess is not None or len(head) > care.max_chars:
                # The reader's guess may be missing what the plainer split finds.
                language = guess_language(head)
            if language is not None:
                cues.append(_LANGUAGE_CUE)
        if reach_cues:
            cues.extend(reach_cues)
        return trusted_signals(
            sentiment,
            polarity,
            complaint,
            complaint_score,
            hostility_score >= self.hostility_threshold,
            hostility_score,
            intent,
            urgency,
            found_data,
            language,
            reach,
            reach >= self.high_reach_threshold,
            tuple(cues),
        )

    @staticmethod
    def _intent(assessments: list[tuple[Assessment, float]], *, complaint: bool) -> Intent:
        votes: dict[Intent, float] = {}
        order: list[Intent] = []
        for assessment, weight in assessments:
            if assessment.intent is None:
                continue
            if assessment.intent not in votes:
                order.append(assessment.intent)
            votes[assessment.intent] = votes.get(assessment.intent, 0.0) + weight
        intent = max(order, key=lambda i: votes[i]) if order else Intent.OTHER
        if complaint and intent in (Intent.OTHER, Intent.PRAISE):
            return Intent.COMPLAINT
        if not complaint and intent is Intent.COMPLAINT:
            return Intent.OTHER
        return intent
