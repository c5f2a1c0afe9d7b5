"""Choosing a playbook for a case from its triage labels and its incident link."""

from __future__ import annotations

from collections.abc import Iterable

from socialcx.model import Case, ResponsePlaybook
from socialcx.playbooks._library import PlaybookLibrary

#: Case kinds, most pressing first, with the labels that make a case that kind.
#: The first kind a case has that a playbook covers decides its playbook: spam
#: is never answered; a legal or safety threat outranks everything a person can
#: still answer; an employee's chat is advocacy, not a ticket; a case in an
#: incident gets the incident's one consistent message before hostility or a
#: plain complaint is considered.
KIND_LABELS: tuple[tuple[str, frozenset[str]], ...] = (
    ("spam", frozenset({"intent:spam", "spam"})),
    ("legal", frozenset({"urgent:legal", "legal"})),
    ("safety", frozenset({"urgent:safety", "safety"})),
    ("advocacy", frozenset({"advocacy", "employee"})),
    ("incident", frozenset({"incident"})),
    ("hostile", frozenset({"hostile"})),
    ("complaint", frozenset({"complaint", "intent:complaint"})),
    ("question", frozenset({"intent:question", "question"})),
    ("praise", frozenset({"intent:praise", "praise"})),
)


def case_kinds(labels: Iterable[str], *, incident: bool = False) -> tuple[str, ...]:
    """The kinds a case with ``labels`` has, most pressing first.

    Args:
        labels: Triage labels (``"complaint"``, ``"hostile"``, ``"intent:question"``,
            ``"urgent:legal"``, ``"advocacy"``...).
        incident: Whether the case is linked to an incident.
    """
    have = {label.strip().casefold() for label in labels}
    if incident:
        have.add("incident")
    return tuple(kind for kind, names in KIND_LABELS if have & names)


def choose_playbook(
    library: PlaybookLibrary, labels: Iterable[str], *, incident: bool = False
) -> ResponsePlaybook | None:
    """The playbook for a case with ``labels`` (``None``: no playbook applies, no action)."""
    for kind in case_kinds(labels, incident=incident):
        playbook = library.for_kind(kind)
        if playbook is not None:
            return playbook
    return None


def playbook_for_case(library: PlaybookLibrary, case: Case) -> ResponsePlaybook | None:
    """:func:`choose_playbook` with the case's own labels and incident link."""
    return choose_playbook(library, case.labels, incident=case.incident_id is not None)
