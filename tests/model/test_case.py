"""Cases: one transition table, checked on every event; history is the events."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given

import socialcx as sx
from socialcx.errors import InvalidTransition
from socialcx.model import TRANSITIONS, CaseAction, CaseState, ReplySent, StateChanged
from socialcx.model._case import OWNED_STATES, action_of
from socialcx.testing import strategies as sxst
from tests.conftest import T0


@pytest.fixture
def case(mention: sx.Mention) -> sx.Case:
    """A freshly opened case."""
    return sx.Case.open(
        id="c-1",
        customer="x:42",
        channel=mention.channel,
        mention=mention.key,
        visibility=mention.visibility,
        at=T0,
    )


def test_open_records_case_opened(case: sx.Case) -> None:
    """A case starts NEW, with its first mention and one event."""
    assert case.state is CaseState.NEW
    assert len(case.events) == 1
    assert case.mentions == (sx.MentionKey(platform="x", native_id="1001"),)


def test_a_normal_life(case: sx.Case) -> None:
    """Triage, assign, reply, customer answers, resolve, close."""
    t = T0
    case = case.triage(at=t, priority="high", labels={"complaint"})
    case = case.assign("ana", at=t + timedelta(minutes=1))
    case = case.record_reply("m-1", visibility="public", at=t + timedelta(minutes=5), agent="ana")
    assert case.state is CaseState.AWAITING_CUSTOMER
    assert case.first_response_at == t + timedelta(minutes=5)
    dm = sx.MentionKey(platform="x", native_id="dm-1")
    case = case.attach(dm, visibility="private", at=t + timedelta(minutes=9))
    assert case.state is CaseState.ASSIGNED
    assert case.has_private
    case = case.resolve(at=t + timedelta(hours=1))
    case = case.close(at=t + timedelta(days=1))
    assert case.state is CaseState.CLOSED
    assert not case.is_open
    assert case.assignee is None


def test_illegal_transition_names_state_and_event(case: sx.Case) -> None:
    """Assigning a case before triage is refused with the state and event named."""
    with pytest.raises(InvalidTransition) as info:
        case.assign("ana", at=T0)
    assert info.value.state == "new"
    assert info.value.event == "assigned"
    assert "'new'" in str(info.value) and "'assigned'" in str(info.value)


def test_an_unowned_case_can_be_acknowledged(case: sx.Case) -> None:
    """A reply before anyone owns the case (an acknowledgement) keeps it in the queue."""
    acknowledged = case.record_reply("m-1", visibility="public", at=T0)
    assert acknowledged.state is sx.CaseState.NEW
    assert acknowledged.first_response_at == T0


def test_closed_is_terminal(case: sx.Case) -> None:
    """A closed case takes no more events; a new message opens a new case."""
    closed = case.close(at=T0)
    for action in CaseAction:
        assert (CaseState.CLOSED, action) not in TRANSITIONS
    with pytest.raises(InvalidTransition, match="closed"):
        closed.attach(sx.MentionKey(platform="x", native_id="9"), visibility="public", at=T0)


def test_new_message_reopens_a_resolved_case(case: sx.Case) -> None:
    """A customer writing after resolution reopens the case, with no owner."""
    case = case.triage(at=T0, priority="normal").assign("ana", at=T0).resolve(at=T0)
    case = case.attach(sx.MentionKey(platform="x", native_id="2"), visibility="public", at=T0)
    assert case.state is CaseState.REOPENED
    assert case.assignee is None


def test_state_changed_only_for_explicit_moves() -> None:
    """StateChanged cannot jump to states that other events own."""
    with pytest.raises(sx.errors.ValidationError, match="to"):
        StateChanged(at=T0, to=CaseState.ASSIGNED)


def test_history_must_start_with_case_opened() -> None:
    """Replaying a history that does not start with case_opened is refused."""
    with pytest.raises(InvalidTransition, match="case_opened"):
        sx.Case.replay([ReplySent(at=T0, message_id="m", visibility="public")])


@given(sxst.case_event_sequences())
def test_any_event_sequence_stays_inside_the_table(events: list[sx.CaseEvent]) -> None:
    """For any events, each step is either allowed by the table or refused, never half-done."""
    case = sx.Case.replay(events[:1])
    for event in events[1:]:
        expected = TRANSITIONS.get((case.state, action_of(event)))
        if expected is None:
            with pytest.raises(InvalidTransition) as info:
                case.apply(event)
            assert info.value.state == case.state.value
            break
        after = case.apply(event)
        assert after.state is expected
        assert after.events == (*case.events, event)
        case = after
    assert (case.assignee is not None) == (case.state in OWNED_STATES)


@given(sxst.case_event_sequences(legal_only=True))
def test_replay_rebuilds_the_same_case(events: list[sx.CaseEvent]) -> None:
    """A case is its history: replaying its events gives the same case."""
    case = sx.Case.replay(events)
    assert sx.Case.replay(case.events) == case
    assert case.updated_at == events[-1].at


def test_every_state_is_reachable_and_every_state_but_closed_has_a_way_out() -> None:
    """The table has no dead states except CLOSED, and every state can be reached."""
    reached = {CaseState.NEW}
    frontier = [CaseState.NEW]
    while frontier:
        state = frontier.pop()
        for (src, _), dst in TRANSITIONS.items():
            if src is state and dst not in reached:
                reached.add(dst)
                frontier.append(dst)
    assert reached == set(CaseState)
    for state in CaseState:
        exits = {dst for (src, _), dst in TRANSITIONS.items() if src is state and dst is not src}
        assert bool(exits) == (state is not CaseState.CLOSED), state


def test_a_long_conversation_attaches_each_message_once_at_a_steady_cost(
    case: sx.Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A repeated message is not attached twice, however long the case; and attaching
    does not compare the new message with every earlier one (that was quadratic)."""
    comparisons = 0
    equal = sx.MentionKey.__eq__

    def counted(self: sx.MentionKey, other: object) -> bool:
        nonlocal comparisons
        comparisons += 1
        return equal(self, other)  # type: ignore[no-any-return]

    monkeypatch.setattr(sx.MentionKey, "__eq__", counted)
    keys = [sx.MentionKey(platform="x", native_id=f"r{n}") for n in range(2000)]
    for n, key in enumerate(keys):
        case = case.attach(key, visibility="public", at=T0 + timedelta(seconds=n))
    assert len(case.mentions) == 2001
    assert comparisons < 20 * 2000
    again = case.attach(keys[5], visibility="public", at=T0 + timedelta(hours=1))
    early = case.attach(case.mentions[0], visibility="public", at=T0 + timedelta(hours=1))
    assert again.mentions == case.mentions == early.mentions
    assert len(again.events) == len(case.events) + 1  # the message is still an event
    assert sx.Case.replay(again.events) == again
