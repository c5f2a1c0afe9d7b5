"""next_steps: what is done, due, overdue or waiting, and by when, on a fake clock."""

from __future__ import annotations

from datetime import timedelta

import pytest

import socialcx as sx
from socialcx.model import StepKind
from socialcx.playbooks import StepStatus, default_playbooks, next_steps
from socialcx.testing import FakeClock
from tests.conftest import T0

LIBRARY = default_playbooks()
COMPLAINT = LIBRARY.get("isolated_complaint")
INCIDENT = LIBRARY.get("systemic_incident")


@pytest.fixture
def clock() -> FakeClock:
    """A clock at the case's opening."""
    return FakeClock(T0)


@pytest.fixture
def case() -> sx.Case:
    """A complaint assigned at T0."""
    return (
        sx.Case.open(
            id="c-1",
            customer="x:42",
            channel=sx.ChannelRef(platform="x", account="acme"),
            mention=sx.MentionKey(platform="x", native_id="1"),
            visibility="public",
            at=T0,
        )
        .triage(at=T0, priority="normal", labels={"complaint"})
        .assign("ana", at=T0)
    )


def statuses(steps: object) -> list[tuple[str, str]]:
    """``(kind, status)`` of each step."""
    return [(s.kind.value, s.status.value) for s in steps.steps]  # type: ignore[attr-defined]


def test_a_new_complaint(case: sx.Case, clock: FakeClock) -> None:
    """At opening the acknowledgement is due within the hour; follow-ups wait."""
    steps = next_steps(case, COMPLAINT, clock.now())
    assert statuses(steps) == [
        ("acknowledge", "due"),
        ("move_to_private", "due"),
        ("resolve", "due"),
        ("follow_up", "waiting"),
        ("invite_to_share", "waiting"),
    ]
    assert steps.next is not None
    assert steps.next.kind is StepKind.ACKNOWLEDGE
    assert steps.next.due_at == T0 + timedelta(hours=1)
    assert "only after" in steps.waiting[-1].why


def test_overdue_after_the_deadline(case: sx.Case, clock: FakeClock) -> None:
    """Ninety minutes in, without a reply, the acknowledgement is overdue."""
    clock.advance(timedelta(minutes=90))
    steps = next_steps(case, COMPLAINT, clock.now())
    assert [s.kind for s in steps.overdue] == [StepKind.ACKNOWLEDGE]
    assert [s.kind for s in steps.due][:1] == [StepKind.MOVE_TO_PRIVATE]
    assert steps.overdue[0].due_at == T0 + timedelta(hours=1)


def test_replies_complete_steps(case: sx.Case, clock: FakeClock) -> None:
    """A public reply acknowledges, a private one moves to private."""
    t1 = clock.advance(timedelta(minutes=20))
    case = case.record_reply("m-1", visibility="public", at=t1, agent="ana")
    t2 = clock.advance(timedelta(minutes=20))
    case = case.record_reply("m-2", visibility="private", at=t2, agent="ana")
    steps = next_steps(case, COMPLAINT, clock.now())
    assert statuses(steps)[:3] == [
        ("acknowledge", "done"),
        ("move_to_private", "done"),
        ("resolve", "due"),
    ]
    assert steps.steps[0].done_at == t1


def test_follow_up_counts_from_resolution(case: sx.Case, clock: FakeClock) -> None:
    """After resolution the follow-up is due within its window of the resolution."""
    case = case.record_reply("m-1", visibility="public", at=T0)
    case = case.record_reply("m-2", visibility="private", at=T0)
    resolved = clock.advance(timedelta(hours=30))
    case = case.resolve(at=resolved)
    steps = next_steps(case, COMPLAINT, clock.now())
    follow_up = steps.steps[3]
    assert follow_up.status is StepStatus.DUE
    assert follow_up.due_at == resolved + timedelta(days=2)
    clock.advance(timedelta(days=3))
    steps = next_steps(case, COMPLAINT, clock.now())
    assert [s.kind for s in steps.overdue] == [StepKind.FOLLOW_UP]
    assert steps.due[-1].kind is StepKind.INVITE_TO_SHARE


def test_follow_up_and_invite_are_done_by_replies_after_resolution(
    case: sx.Case, clock: FakeClock
) -> None:
    """The first reply after resolution follows up, the next one invites to share."""
    case = case.record_reply("m-1", visibility="public", at=T0)
    case = case.record_reply("m-2", visibility="private", at=T0)
    case = case.resolve(at=clock.advance(timedelta(hours=2)))
    case = case.record_reply("m-3", visibility="private", at=clock.advance(timedelta(days=1)))
    steps = next_steps(case, COMPLAINT, clock.now())
    assert statuses(steps)[3:] == [("follow_up", "done"), ("invite_to_share", "due")]
    case = case.record_reply("m-4", visibility="private", at=clock.advance(timedelta(hours=1)))
    assert next_steps(case, COMPLAINT, clock.now()).complete


def test_reopening_undoes_the_resolution(case: sx.Case, clock: FakeClock) -> None:
    """A reopened case needs resolving again; follow-ups wait again."""
    case = case.resolve(at=clock.advance(timedelta(hours=1)))
    case = case.reopen(at=clock.advance(timedelta(hours=1)))
    steps = next_steps(case, COMPLAINT, clock.now())
    assert statuses(steps)[2:] == [
        ("resolve", "due"),
        ("follow_up", "waiting"),
        ("invite_to_share", "waiting"),
    ]


def test_hold_for_incident(case: sx.Case, clock: FakeClock) -> None:
    """While the incident is open the case holds; after it resolves, deadlines run from then."""
    case = case.link_incident("inc-1", at=T0)
    case = case.record_reply("m-1", visibility="public", at=clock.advance(timedelta(minutes=10)))
    steps = next_steps(case, INCIDENT, clock.advance(timedelta(hours=5)))
    assert statuses(steps) == [
        ("acknowledge", "done"),
        ("hold_for_incident", "waiting"),
        ("resolve", "waiting"),
        ("follow_up", "waiting"),
    ]
    assert "incident" in steps.steps[1].why
    fixed_at = clock.now()
    incident = sx.Incident(
        id="inc-1",
        channel=sx.ChannelRef(platform="x", account="acme"),
        topic=("wifi",),
        first_seen=T0,
        last_seen=fixed_at,
        state="resolved",
        resolved_at=fixed_at,
    )
    steps = next_steps(case, INCIDENT, clock.advance(timedelta(hours=3)), incident=incident)
    assert statuses(steps)[1:3] == [("hold_for_incident", "done"), ("resolve", "overdue")]
    assert steps.steps[2].due_at == fixed_at + timedelta(hours=2)


def test_hold_without_incident_is_done(case: sx.Case, clock: FakeClock) -> None:
    """A case not linked to an incident has nothing to hold for."""
    steps = next_steps(case, INCIDENT, clock.now())
    assert steps.steps[1].status is StepStatus.DONE


def test_escalation_and_explicit_completion(case: sx.Case, clock: FakeClock) -> None:
    """An Escalated event completes an escalate step; ``completed`` marks others."""
    legal = LIBRARY.get("legal_or_safety")
    steps = next_steps(case, legal, clock.advance(timedelta(minutes=20)))
    assert steps.overdue[0].kind is StepKind.ESCALATE
    case = case.escalate("legal", at=clock.now())
    steps = next_steps(case, legal, clock.now(), completed={StepKind.MOVE_TO_PRIVATE})
    assert steps.steps[0].status is StepStatus.DONE
    assert steps.steps[2].status is StepStatus.DONE
    steps = next_steps(case, legal, clock.now(), completed={1})
    assert steps.steps[1].status is StepStatus.DONE


def test_no_deadline_steps_are_due_without_a_date(case: sx.Case, clock: FakeClock) -> None:
    """A step without ``within`` is due but has no date and is never overdue."""
    advocacy = LIBRARY.get("employee_advocacy")
    steps = next_steps(case, advocacy, clock.advance(timedelta(days=30)))
    assert steps.steps[0].status is StepStatus.DUE
    assert steps.steps[0].due_at is None
