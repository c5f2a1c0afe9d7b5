"""The values triage produces: cues, the per-classifier assessment, and Signals."""

from __future__ import annotations

import enum
import math
from typing import Any, NamedTuple

import attrs

from socialcx._drafts import check_draft
from socialcx.pii import PrivateData


class Signal(enum.Enum):
    """Which signal a cue fed."""

    SENTIMENT = "sentiment"
    COMPLAINT = "complaint"
    HOSTILITY = "hostility"
    INTENT = "intent"
    URGENCY = "urgency"
    PRIVATE_DATA = "private_data"
    LANGUAGE = "language"
    REACH = "reach"


class Polarity(enum.Enum):
    """The coarse direction of the sentiment."""

    NEGATIVE = "negative"
    NEUTRAL = "neutral"
    POSITIVE = "positive"


class Intent(enum.Enum):
    """What the author wants, as a care team would file it."""

    COMPLAINT = "complaint"
    QUESTION = "question"
    REQUEST = "request"
    PRAISE = "praise"
    FEEDBACK = "feedback"
    SPAM = "spam"
    OTHER = "other"


class Urgency(enum.Enum):
    """Why a mention cannot wait in the ordinary queue.

    ``SAFETY``: someone may be hurt or in danger. ``LEGAL``: a lawyer, a
    lawsuit or a regulator is named. ``CHURN``: the customer says they are
    leaving. ``TIME``: the problem gets worse by the hour (a stranded
    traveller, a missed connection, an outage).
    """

    SAFETY = "safety"
    LEGAL = "legal"
    CHURN = "churn"
    TIME = "time"


def _in_range(value: object, low: float, high: float) -> bool:
    return isinstance(value, float | int) and not isinstance(value, bool) and low <= value <= high


def _check(owner: object, name: str, value: object, low: float, high: float) -> None:
    if not _in_range(value, low, high):
        raise ValueError(
            f"{type(owner).__name__}.{name} must be a number in [{low:g}, {high:g}], got {value!r}"
        )


def _freeze(owner: object, name: str, kind: type[frozenset[Any]] | type[tuple[Any, ...]]) -> None:
    """Accept any iterable for a collection field and store it as ``kind``."""
    value = getattr(owner, name)
    if not isinstance(value, kind):
        object.__setattr__(owner, name, kind(value))


def clamp(value: float, low: float = 0.0, high: float = 1.0) -> float:
    """``value`` forced into ``[low, high]``; NaN becomes ``low``."""
    if math.isnan(value):
        return low
    return low if value < low else high if value > high else float(value)


class Cue(NamedTuple):
    """One piece of evidence: what fired, for which signal, and where.

    A named tuple rather than an attrs class: a text can have dozens of cues
    and they are made on the hot path.

    Args:
        name: What fired, e.g. ``"negation"``, ``"service_failure"``,
            ``"sarcasm"``, ``"insult"``, ``"legal"``, ``"followers"``.
        signal: The signal it fed.
        span: ``(start, end)`` offsets into the assessed text (slice it to see
            the words), or ``None`` when the cue is not in the text (followers,
            engagement, a model's overall verdict).
        weight: How much it moved the signal, signed (negative pulls sentiment
            down); ``0.0`` for cues that only switch something on.
        source: The name of the classifier that produced it.
    """

    name: str
    signal: Signal
    span: tuple[int, int] | None = None
    weight: float = 0.0
    source: str = "care"

    def text(self, text: str) -> str:
        """The words this cue points at in ``text`` (empty without a span)."""
        if self.span is None:
            return ""
        return text[self.span[0] : self.span[1]]


@attrs.frozen(kw_only=True)
class Assessment:
    """What one classifier says about one text; ``None`` means "no opinion".

    Triage combines the assessments of all its classifiers; a classifier that
    only knows sentiment leaves the other fields as ``None`` and empty.

    Args:
        sentiment: From -1 (very negative) to 1 (very positive).
        complaint: Probability-like score in [0, 1] that the text is a complaint.
        hostility: Score in [0, 1] for insults, threats or harassment.
        intent: The most likely intent.
        urgency: Urgency kinds found.
        cues: The evidence behind the verdicts.
        language: A BCP 47 tag, for a classifier that can tell (the first
            classifier's guess is used when the mention has no tag).
    """

    sentiment: float | None = None
    complaint: float | None = None
    hostility: float | None = None
    intent: Intent | None = None
    urgency: frozenset[Urgency] = frozenset()
    cues: tuple[Cue, ...] = ()
    language: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.sentiment is not None:
            _check(self, "sentiment", self.sentiment, -1.0, 1.0)
        if self.complaint is not None:
            _check(self, "complaint", self.complaint, 0.0, 1.0)
        if self.hostility is not None:
            _check(self, "hostility", self.hostility, 0.0, 1.0)
        _freeze(self, "urgency", frozenset)
        _freeze(self, "cues", tuple)


@attrs.frozen(kw_only=True, weakref_slot=False)  # (no __weakref__: see trusted_signals)
class Signals:
    """Triage's verdict on one mention, with the cues behind every part of it.

    Args:
        sentiment: From -1 (very negative) to 1 (very positive).
        polarity: ``sentiment`` put in one of three bins.
        complaint: Whether it is a complaint (``complaint_score`` reached the threshold).
        complaint_score: In [0, 1].
        hostile: Whether it insults, threatens or harasses (agent safety).
        hostility_score: In [0, 1].
        intent: What the author wants.
        urgency: Why it cannot wait, if it cannot.
        private_data: Private data found in the text, with spans; the mention
            should move to a private channel.
        language: A BCP 47 tag: the mention's own when it has one, else a
            cheap guess, else ``None``.
        reach: In [0, 1]: audience and engagement, for virality risk.
        high_reach: Whether ``reach`` reached the threshold.
        cues: Every cue that fired, from every classifier.
    """

    sentiment: float = 0.0
    polarity: Polarity = Polarity.NEUTRAL
    complaint: bool = False
    complaint_score: float = 0.0
    hostile: bool = False
    hostility_score: float = 0.0
    intent: Intent = Intent.OTHER
    urgency: frozenset[Urgency] = frozenset()
    private_data: tuple[PrivateData, ...] = ()
    language: str | None = None
    reach: float = 0.0
    high_reach: bool = False
    cues: tuple[Cue, ...] = attrs.field(default=(), repr=False)

    def __attrs_post_init__(self) -> None:
        try:
            valid = (
                -1.0 <= self.sentiment <= 1.0
                and 0.0 <= self.complaint_score <= 1.0
                and 0.0 <= self.hostility_score <= 1.0
                and 0.0 <= self.reach <= 1.0
            )
        except TypeError:
            valid = False
        if not valid:
            _check(self, "sentiment", self.sentiment, -1.0, 1.0)
            _check(self, "complaint_score", self.complaint_score, 0.0, 1.0)
            _check(self, "hostility_score", self.hostility_score, 0.0, 1.0)
            _check(self, "reach", self.reach, 0.0, 1.0)
        if type(self.urgency) is not frozenset:
            _freeze(self, "urgency", frozenset)
        if type(self.private_data) is not tuple:
            _freeze(self, "private_data", tuple)
        if type(self.cues) is not tuple:
            _freeze(self, "cues", tuple)

    @property
    def labels(self) -> frozenset[str]:
        """The labels downstream rules read.

        ``"complaint"``, ``"hostile"``, ``"intent:<intent>"``,
        ``"urgent:<kind>"`` (``safety``, ``legal``, ``churn``, ``time``),
        ``"sentiment:<polarity>"``, ``"private_data"`` and ``"high_reach"``.
        """
        labels = {f"intent:{self.intent.value}", f"sentiment:{self.polarity.value}"}
        labels.update(f"urgent:{kind.value}" for kind in self.urgency)
        if self.complaint:
            labels.add("complaint")
        if self.hostile:
            labels.add("hostile")
        if self.private_data:
            labels.add("private_data")
        if self.high_reach:
            labels.add("high_reach")
        frozen = frozenset(labels)
        # Few distinct label sets exist; sharing one object per set keeps cases small.
        return _LABEL_SETS.setdefault(frozen, frozen) if len(_LABEL_SETS) < 4096 else frozen

    @property
    def urgent(self) -> bool:
        """Whether any kind of urgency was found."""
        return bool(self.urgency)

    def cues_for(self, signal: Signal | str) -> tuple[Cue, ...]:
        """The cues that fed ``signal``."""
        wanted = Signal(signal)
        return tuple(cue for cue in self.cues if cue.signal is wanted)


class _SignalsDraft:
    # Signals' slots, written with plain stores (see socialcx._drafts).
    __slots__ = (
        "complaint",
        "complaint_score",
        "cues",
        "high_reach",
        "hostile",
        "hostility_score",
        "intent",
        "language",
        "polarity",
        "private_data",
        "reach",
        "sentiment",
        "urgency",
    )
    sentiment: float
    polarity: Polarity
    complaint: bool
    complaint_score: float
    hostile: bool
    hostility_score: float
    intent: Intent
    urgency: frozenset[Urgency]
    private_data: tuple[PrivateData, ...]
    language: str | None
    reach: float
    high_reach: bool
    cues: tuple[Cue, ...]


check_draft(_SignalsDraft, Signals)


def trusted_signals(
    sentiment: float,
    polarity: Polarity,
    complaint: bool,
    complaint_score: float,
    hostile: bool,
    hostility_score: float,
    intent: Intent,
    urgency: frozenset[Urgency],
    private_data: tuple[PrivateData, ...],
    language: str | None,
    reach: float,
    high_reach: bool,
    cues: tuple[Cue, ...],
) -> Signals:
    """:class:`Signals` from values already known to be valid, without checking them again.

    For :class:`~socialcx.triage.Triage`'s hot path: every value must already
    be of the field's type and in its range. Built as a draft (see
    ``socialcx._drafts``), which is why ``Signals`` has no ``__weakref__`` slot.
    """
    signals = _SignalsDraft()
    signals.sentiment = sentiment
    signals.polarity = polarity
    signals.complaint = complaint
    signals.complaint_score = complaint_score
    signals.hostile = hostile
    signals.hostility_score = hostility_score
    signals.intent = intent
    signals.urgency = urgency
    signals.private_data = private_data
    signals.language = language
    signals.reach = reach
    signals.high_reach = high_reach
    signals.cues = cues
    signals.__class__ = Signals  # type: ignore[assignment]  # the draft becomes one
    return signals  # type: ignore[return-value]


#: The label sets seen so far, each kept once (bounded).
_LABEL_SETS: dict[frozenset[str], frozenset[str]] = {}
