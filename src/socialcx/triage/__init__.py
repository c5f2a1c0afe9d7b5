"""Triage: what is this mention, and how soon does it need a person?

:class:`Triage` combines one or more classifiers into :class:`Signals`:
sentiment and polarity, complaint, hostility, intent, urgency, private data,
language and reach, each backed by the :class:`Cue` objects that fired.
``Signals.labels`` gives the strings routing rules and reports read
(``"complaint"``, ``"hostile"``, ``"intent:question"``, ``"urgent:legal"``,
``"sentiment:negative"``, ``"private_data"``, ``"high_reach"``).

The built-in :class:`CareClassifier` is pure Python and made for customer
care; plug in VADER (:class:`VaderClassifier`, extra ``socialcx[vader]``) or
any model (:class:`CallableClassifier`) through the :class:`Classifier`
protocol.
"""

from socialcx.triage._care import CareClassifier, CareWeights
from socialcx.triage._language import guess_language
from socialcx.triage._plugins import CallableClassifier, MissingExtra, VaderClassifier
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
)
from socialcx.triage._triage import Triage

__all__ = [
    "Assessment",
    "CallableClassifier",
    "CareClassifier",
    "CareWeights",
    "Classifier",
    "Cue",
    "Intent",
    "MissingExtra",
    "Polarity",
    "Signal",
    "Signals",
    "Triage",
    "Urgency",
    "VaderClassifier",
    "guess_language",
    "reach_score",
]
