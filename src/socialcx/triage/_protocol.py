"""The extension point: anything that turns a text into an :class:`Assessment`."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from socialcx.triage._signals import Assessment


@runtime_checkable
class Classifier(Protocol):
    """Protocol: a classifier that reads one text and gives its opinion.

    A classifier fills in what it knows (sentiment, complaint, hostility,
    intent, urgency) and leaves the rest ``None``; :class:`Triage` combines the
    opinions of all its classifiers. It must not do I/O per call beyond its own
    model, and should not raise on odd text (empty, very long, emoji only).
    """

    @property
    def name(self) -> str:
        """A short name; cues it produces carry it as their ``source``."""
        ...

    def classify(self, text: str) -> Assessment:
        """Assess one text."""
        ...
