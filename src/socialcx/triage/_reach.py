"""Reach: how many people may see a mention, and how fast it is spreading."""

from __future__ import annotations

import math

from socialcx.model import Author, Engagement
from socialcx.triage._signals import Cue, Signal, clamp


def reach_score(author: Author, metrics: Engagement | None = None) -> tuple[float, tuple[Cue, ...]]:
    """A score in [0, 1] from the author's audience and the post's engagement.

    The audience part grows with the logarithm of followers (1,000 followers
    give 0.5, a million give 1.0) plus 0.1 for a verified account. The
    engagement part grows with the logarithm of a weighted sum of reposts and
    quotes (x3), replies (x2), likes and views (/100): 1,000 weighted
    interactions give 0.75. The two combine like independent chances:
    ``1 - (1 - audience) * (1 - engagement)``.

    Returns:
        The score and the cues that produced it (no text spans).
    """
    cues: list[Cue] = []
    audience = clamp(math.log10(1 + author.followers) / 6.0)
    if author.followers:
        cues.append(Cue(name="followers", signal=Signal.REACH, weight=round(audience, 3)))
    if author.verified:
        audience = clamp(audience + 0.1)
        cues.append(Cue(name="verified", signal=Signal.REACH, weight=0.1))
    engagement = 0.0
    if metrics is not None:
        weighted = (
            3 * (metrics.reposts + metrics.quotes)
            + 2 * metrics.replies
            + metrics.likes
            + metrics.views / 100
        )
        engagement = clamp(math.log10(1 + weighted) / 4.0)
        if weighted:
            cues.append(Cue(name="engagement", signal=Signal.REACH, weight=round(engagement, 3)))
    score = 1.0 - (1.0 - audience) * (1.0 - engagement)
    return round(clamp(score), 4), tuple(cues)
