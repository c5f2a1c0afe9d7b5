"""The desk: the embeddable pipeline from mentions to cases, decisions and replies."""

from socialcx.desk._desk import (
    Desk,
    SkillRule,
    Subscriber,
    case_id_for,
    needs_a_person,
    priority_of,
)
from socialcx.desk._outcome import NoAction, Notice, NoticeKind, Outcome

__all__ = [
    "Desk",
    "NoAction",
    "Notice",
    "NoticeKind",
    "Outcome",
    "SkillRule",
    "Subscriber",
    "case_id_for",
    "needs_a_person",
    "priority_of",
]
