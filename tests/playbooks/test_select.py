"""Choosing the playbook for a case from its triage labels and incident link."""

from __future__ import annotations

import pytest

import socialcx as sx
from socialcx.playbooks import case_kinds, choose_playbook, default_playbooks, playbook_for_case
from tests.conftest import T0

LIBRARY = default_playbooks()


@pytest.mark.parametrize(
    ("labels", "incident", "expected"),
    [
        ({"complaint"}, False, "isolated_complaint"),
        ({"complaint"}, True, "systemic_incident"),
        ({"intent:question"}, False, "question"),
        ({"intent:praise"}, False, "praise"),
        ({"complaint", "hostile"}, False, "hostile_author"),
        ({"complaint", "hostile"}, True, "systemic_incident"),
        ({"complaint", "urgent:legal"}, True, "legal_or_safety"),
        ({"urgent:safety", "hostile"}, False, "legal_or_safety"),
        ({"advocacy", "intent:praise"}, False, "employee_advocacy"),
        ({"intent:spam", "complaint"}, False, "spam"),
        ({"Complaint"}, False, "isolated_complaint"),
    ],
)
def test_choose_playbook(labels: set[str], incident: bool, expected: str) -> None:
    """The most pressing kind wins: spam, legal/safety, advocacy, incident, hostility..."""
    playbook = choose_playbook(LIBRARY, labels, incident=incident)
    assert playbook is not None
    assert playbook.name == expected


def test_no_playbook_for_unlabelled_case() -> None:
    """A case with no actionable label has no playbook."""
    assert choose_playbook(LIBRARY, {"lang:en"}) is None
    assert case_kinds(set()) == ()


def test_playbook_for_case_reads_labels_and_incident() -> None:
    """The case's own labels and incident link choose its playbook."""
    case = sx.Case.open(
        id="c",
        customer="x:1",
        channel=sx.ChannelRef(platform="x", account="acme"),
        mention=sx.MentionKey(platform="x", native_id="1"),
        visibility="public",
        at=T0,
    ).triage(at=T0, priority="high", labels={"complaint"})
    chosen = playbook_for_case(LIBRARY, case)
    assert chosen is not None and chosen.name == "isolated_complaint"
    linked = case.link_incident("inc-1", at=T0)
    chosen = playbook_for_case(LIBRARY, linked)
    assert chosen is not None and chosen.name == "systemic_incident"
