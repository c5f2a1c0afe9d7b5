"""The Desk: the whole pipeline over a store, in memory and on SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socialcx.desk import Desk, NoAction, Notice, NoticeKind, case_id_for
from socialcx.errors import StoreError
from socialcx.incidents import IncidentDetector
from socialcx.model import (
    Agent,
    Author,
    Capacity,
    Case,
    CaseState,
    ChannelRef,
    Mention,
    MessageState,
    OutboundMessage,
    Policy,
    Presence,
    ReplySent,
    Visibility,
)
from socialcx.routing import Assigned, Queued
from socialcx.store import MemoryStore, SQLiteStore, Store

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CHANNEL = ChannelRef(platform="x", account="acme")
COMPLAINT = "@acme my bag is lost and nobody answers, terrible service"


def mention(
    native_id: str,
    text: str = COMPLAINT,
    *,
    who: str = "u1",
    minute: float = 0,
    reply_to: str | None = None,
    brand: bool = False,
    private: bool = False,
) -> Mention:
    return Mention(
        channel=CHANNEL,
        native_id=native_id,
        author=Author(platform="x", native_id=who, handle=f"h{who}", is_brand=brand),
        text=text,
        created_at=T0 + timedelta(minutes=minute),
        visibility=Visibility.PRIVATE if private else Visibility.PUBLIC,
        in_reply_to=reply_to,
        raw={"id": native_id},
    )


def agent(agent_id: str, public: int = 2) -> Agent:
    return Agent(
        id=agent_id,
        languages={"en"},
        certifications={"social", "hostile"},
        capacity=Capacity(public=public, private=2),
    )


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    s: Store = MemoryStore() if request.param == "memory" else SQLiteStore(tmp_path / "d.db")
    yield s
    s.close()


@pytest.fixture
def desk(store: Store) -> Desk:
    return Desk(store=store)


def test_a_complaint_opens_a_case_and_is_assigned(desk: Desk) -> None:
    desk.agents.add(agent("ana"), now=T0)
    outcome = desk.ingest(mention("m1"), now=T0)
    assert outcome.new
    assert outcome.signals is not None
    assert outcome.signals.complaint
    assert outcome.case is not None
    assert outcome.case.id == case_id_for(mention("m1"))
    assert "complaint" in outcome.case.labels
    assert isinstance(outcome.decision, Assigned)
    assert outcome.decision.agent == "ana"
    assert outcome.case.assignee == "ana"
    assert outcome.case.state is CaseState.ASSIGNED
    assert desk.agents.load("ana") == (1, 0)


def test_the_same_mention_twice_does_nothing_twice(desk: Desk) -> None:
    desk.agents.add(agent("ana"), now=T0)
    first = desk.ingest(mention("m1"), now=T0)
    again = desk.ingest(mention("m1"), now=T0 + timedelta(minutes=5))
    assert not again.new
    assert again.decision == NoAction(reason="duplicate")
    assert again.case is not None
    assert first.case is not None
    assert again.case.id == first.case.id
    assert len(desk.cases()) == 1
    assert desk.agents.load("ana") == (1, 0)
    assert desk.store.count_mentions() == 1


def test_a_reply_joins_the_case_of_its_parent(desk: Desk) -> None:
    first = desk.ingest(mention("m1"), now=T0)
    reply = desk.ingest(mention("m2", "still nothing", minute=3, reply_to="m1"), now=T0)
    assert first.case is not None
    assert reply.case is not None
    assert reply.case.id == first.case.id
    assert len(reply.case.mentions) == 2
    assert len(desk.cases()) == 1


def test_a_private_message_of_the_same_customer_joins_and_stays_private(desk: Desk) -> None:
    desk.ingest(mention("m1"), now=T0)
    dm = desk.ingest(mention("d1", "here are my details", minute=2, private=True), now=T0)
    assert dm.case is not None
    assert dm.case.has_private
    assert len(desk.cases()) == 1
    stored = desk.store.get_mention(dm.case.mentions[-1])
    assert stored is not None
    assert stored.visibility is Visibility.PRIVATE


def test_brand_posts_open_nothing(desk: Desk) -> None:
    outcome = desk.ingest(
        mention("b1", "Thanks for flying with us", who="brand", brand=True), now=T0
    )
    assert outcome.decision == NoAction(reason="brand_post")
    assert outcome.case is None
    assert desk.cases() == []


def test_praise_opens_a_case_that_needs_no_agent(desk: Desk) -> None:
    desk.agents.add(agent("ana"), now=T0)
    outcome = desk.ingest(mention("p1", "@acme love the new app, great job!"), now=T0)
    assert outcome.case is not None
    assert outcome.decision == NoAction(reason="no_action_needed")
    assert desk.agents.load("ana") == (0, 0)


def test_queued_work_goes_out_when_capacity_frees(desk: Desk) -> None:
    desk.agents.add(agent("ana", public=1), now=T0)
    first = desk.ingest(mention("m1", who="u1"), now=T0)
    second = desk.ingest(mention("m2", who="u2", minute=1), now=T0 + timedelta(minutes=1))
    assert isinstance(second.decision, Queued)
    heard: list[Notice] = []
    desk.subscribe(heard.append)
    assert first.case is not None
    assert second.case is not None
    desk.resolve(first.case.id, now=T0 + timedelta(minutes=10))
    assert desk.case(second.case.id).assignee == "ana"
    assert desk.agents.load("ana") == (1, 0)
    assert [n.kind for n in heard] == [NoticeKind.CASE_ASSIGNED]
    assert heard[0].case_id == second.case.id


def test_an_agent_going_available_takes_queued_work(desk: Desk) -> None:
    desk.agents.add(attrs_evolve_presence(agent("ana"), Presence.OFFLINE), now=T0)
    queued = desk.ingest(mention("m1"), now=T0)
    assert isinstance(queued.decision, Queued)
    decisions = desk.agents.set_presence("ana", "available", now=T0 + timedelta(minutes=2))
    assert [type(d) for d in decisions] == [Assigned]
    assert queued.case is not None
    assert desk.case(queued.case.id).assignee == "ana"


def attrs_evolve_presence(a: Agent, presence: Presence) -> Agent:
    import attrs

    return attrs.evolve(a, presence=presence)


def test_a_bad_item_in_a_batch_goes_to_the_dead_letters(desk: Desk) -> None:
    batch = [mention("m1", who="u1"), {"not": "a mention"}, mention("m2", who="u2", minute=1)]
    outcomes = desk.ingest_many(batch, now=T0)
    assert [o.mention.native_id for o in outcomes] == ["m1", "m2"]
    letters = desk.store.dead_letters()
    assert len(letters) == 1
    assert b"not" in letters[0].raw
    assert "Mention" in letters[0].error


def test_a_page_and_its_cursor_commit_together(desk: Desk) -> None:
    new = desk.ingest_page(CHANNEL, [mention("m1"), mention("m1")], "after-m1", now=T0)
    assert new == 1
    assert desk.cursor(CHANNEL) == "after-m1"


def test_service_level_breach_is_announced_once(store: Store) -> None:
    policy = Policy.from_dict({"service_levels": [{"priority": "normal", "first_response": "30m"}]})
    desk = Desk(policy=policy, store=store)
    desk.ingest(mention("m1"), now=T0)
    assert desk.tick(now=T0 + timedelta(minutes=20)) == []
    late = desk.tick(now=T0 + timedelta(minutes=31))
    assert [n.kind for n in late] == [NoticeKind.SLA_BREACHED]
    assert desk.tick(now=T0 + timedelta(minutes=40)) == []


def _answer(desk: Desk, case_id: str, message_id: str, minute: float) -> None:
    """An agent's reply to the case, sent at ``minute``."""
    message = OutboundMessage(
        id=message_id, case_id=case_id, channel=CHANNEL, visibility=Visibility.PUBLIC,
        text=f"So sorry about your bag, Dana ({message_id})", created_at=T0, in_reply_to="m1",
        agent="ana", state=MessageState.APPROVED,
    )  # fmt: skip
    desk.store.enqueue(message)
    sent = T0 + timedelta(minutes=minute)
    desk.record_sent(message_id, native_id=f"n-{message_id}", url=None, now=sent)


def _answered_desk(store: Store) -> tuple[Desk, Case]:
    """A desk whose policy answers first within 30 minutes and next within 20, and
    the case its first mention opened (assigned to ana)."""
    policy = Policy.from_dict(
        {
            "service_levels": [
                {"priority": "normal", "first_response": "30m", "next_response": "20m"}
            ]
        }
    )
    desk = Desk(policy=policy, store=store)
    desk.agents.add(agent("ana"), now=T0)
    case = desk.ingest(mention("m1"), now=T0).case
    assert case is not None
    return desk, case


def test_a_customer_who_writes_again_after_an_answer_starts_the_next_response_clock(
    store: Store,
) -> None:
    """After the first answer, a follow-up waits at most ``next_response``; an answer in
    time stops the clock, a late one is announced once, and a reply with nothing to
    answer (a thank-you) starts no clock."""
    desk, case = _answered_desk(store)
    _answer(desk, case.id, "r1", minute=5)  # first response, in time
    assert desk.case(case.id).deadlines.next_response is None
    follow_up = "@acme still no news about my bag, this is ridiculous"
    desk.ingest(mention("m2", follow_up, minute=10, reply_to="n-r1"), now=T0)
    due = T0 + timedelta(minutes=30)
    assert desk.case(case.id).deadlines.next_response == due
    desk.ingest(mention("m3", follow_up + "!!", minute=15, reply_to="n-r1"), now=T0)
    assert desk.case(case.id).deadlines.next_response == due  # the oldest message's clock
    assert desk.tick(now=T0 + timedelta(minutes=29)) == []
    late = desk.tick(now=T0 + timedelta(minutes=31))
    assert [(n.kind, n.case_id, n.detail) for n in late] == [
        (NoticeKind.SLA_BREACHED, case.id, "next response due 09:30")
    ]
    assert desk.tick(now=T0 + timedelta(minutes=45)) == []
    _answer(desk, case.id, "r2", minute=46)
    assert desk.case(case.id).deadlines.next_response is None
    desk.ingest(mention("m4", "@acme thanks!", minute=50, reply_to="n-r2"), now=T0)
    assert desk.case(case.id).deadlines.next_response is None  # nothing to answer
    desk.ingest(mention("m5", follow_up, minute=60, reply_to="n-r2"), now=T0)
    _answer(desk, case.id, "r3", minute=70)  # answered in time: no notice
    assert desk.tick(now=T0 + timedelta(hours=3)) == []


def test_the_next_response_clock_waits_for_a_first_answer(store: Store) -> None:
    """A new case runs only its first-response clock; the first answer then has no
    next-response clock to stop, so it writes no deadline change."""
    desk, case = _answered_desk(store)
    assert case.deadlines.first_response == T0 + timedelta(minutes=30)
    assert case.deadlines.next_response is None
    before = len(desk.case(case.id).events)
    _answer(desk, case.id, "r1", minute=5)
    added = desk.case(case.id).events[before:]
    assert [type(event) for event in added] == [ReplySent]


def test_a_pending_next_response_clock_survives_a_restart(tmp_path: Path) -> None:
    policy = Policy.from_dict(
        {"service_levels": [{"priority": "normal", "first_response": "1h", "next_response": "20m"}]}
    )
    path = tmp_path / "cases.db"
    desk = Desk(policy=policy, store=SQLiteStore(path))
    desk.agents.add(agent("ana"), now=T0)
    case = desk.ingest(mention("m1"), now=T0).case
    assert case is not None
    _answer(desk, case.id, "r1", minute=5)
    desk.ingest(mention("m2", "@acme still nothing, awful", minute=10, reply_to="n-r1"), now=T0)
    desk.store.close()
    again = Desk(policy=policy, store=SQLiteStore(path))
    late = again.tick(now=T0 + timedelta(minutes=31))
    assert [(n.kind, n.detail) for n in late] == [
        (NoticeKind.SLA_BREACHED, "next response due 09:30")
    ]
    again.store.close()


def test_a_burst_of_one_complaint_becomes_an_incident_and_links_cases(store: Store) -> None:
    detector = IncidentDetector(warmup=timedelta(minutes=30), min_count=5)
    desk = Desk(store=store, incidents=detector)
    words = ["late", "rude", "slow", "dirty", "noisy", "cold", "broken", "lost"]
    for n in range(200):  # ten quiet hours of varied complaints
        text = f"@acme my order was {words[n % len(words)]} and nobody helps, awful"
        desk.ingest(mention(f"q{n}", text, who=f"q{n}", minute=n * 3), now=T0)
    opened: list[Notice] = []
    grew: list[Notice] = []
    desk.subscribe(lambda n: opened.append(n) if n.kind is NoticeKind.INCIDENT_OPENED else None)
    desk.subscribe(lambda n: grew.append(n) if n.kind is NoticeKind.INCIDENT_GREW else None)
    for n in range(20):
        text = "@acme the checkout payment page is down again, terrible"
        desk.ingest(mention(f"w{n}", text, who=f"w{n}", minute=601 + n), now=T0)
    assert len(opened) == 1
    assert grew  # later complaints of the burst join it, and the host hears of each
    assert {n.incident_id for n in grew} == {opened[0].incident_id}
    incidents = desk.store.incidents()
    assert len(incidents) == 1
    linked = [c for c in desk.cases() if c.incident_id == incidents[0].id]
    assert len(linked) >= 15


def test_after_a_restart_an_open_incident_keeps_its_complaints(tmp_path: Path) -> None:
    """The restarted desk watches the stored open incident: no second one for the same problem."""
    path = tmp_path / "d.db"
    detector = IncidentDetector(warmup=timedelta(minutes=30), min_count=5)
    desk = Desk(store=SQLiteStore(path), incidents=detector)
    words = ["late", "rude", "slow", "dirty", "noisy", "cold", "broken", "lost"]
    for n in range(200):
        text = f"@acme my order was {words[n % len(words)]} and nobody helps, awful"
        desk.ingest(mention(f"q{n}", text, who=f"q{n}", minute=n * 3), now=T0)
    outage = "@acme the checkout payment page is down again, terrible"
    for n in range(12):
        desk.ingest(mention(f"w{n}", outage, who=f"w{n}", minute=601 + n), now=T0)
    [before] = desk.store.incidents()
    desk.store.close()

    again = Desk(store=SQLiteStore(path), incidents=IncidentDetector(min_count=5))
    later = again.ingest(mention("w99", outage, who="w99", minute=620), now=T0)
    assert later.case is not None
    assert later.case.incident_id == before.id
    [after] = again.store.incidents()
    assert after.id == before.id
    assert after.mention_count == before.mention_count + 1
    again.store.close()


def test_sent_replies_are_recorded_on_the_case_and_thread_the_answer(desk: Desk) -> None:
    desk.agents.add(agent("ana"), now=T0)
    outcome = desk.ingest(mention("m1"), now=T0)
    assert outcome.case is not None
    message = OutboundMessage(
        id="r1", case_id=outcome.case.id, channel=CHANNEL, visibility=Visibility.PUBLIC,
        text="So sorry about your bag, Dana", created_at=T0, in_reply_to="m1", agent="ana",
        state=MessageState.APPROVED,
    )  # fmt: skip
    desk.store.enqueue(message)
    assert [m.id for m in desk.due_messages(CHANNEL, now=T0)] == ["r1"]
    desk.record_sent("r1", native_id="n-r1", url=None, now=T0 + timedelta(minutes=4))
    desk.record_sent("r1", native_id="n-r1", url=None, now=T0 + timedelta(minutes=5))  # again
    case = desk.case(outcome.case.id)
    assert case.first_response_at == T0 + timedelta(minutes=4)
    assert desk.due_messages(CHANNEL, now=T0) == []
    answer = desk.ingest(mention("m2", "thanks, still waiting", minute=9, reply_to="n-r1"), now=T0)
    assert answer.case is not None
    assert answer.case.id == outcome.case.id


def test_a_restarted_desk_remembers_loads_and_threads(tmp_path: Path) -> None:
    path = tmp_path / "cases.db"
    store = SQLiteStore(path)
    desk = Desk(store=store)
    desk.agents.add(agent("ana", public=1), now=T0)
    first = desk.ingest(mention("m1", who="u1"), now=T0)
    store.close()

    again = Desk(store=SQLiteStore(path))
    assert again.agents.load("ana") == (1, 0)  # the assignment survived
    second = again.ingest(mention("m2", who="u2", minute=1), now=T0 + timedelta(minutes=1))
    assert isinstance(second.decision, Queued)  # ana is still full
    reply = again.ingest(mention("m3", "hello?", minute=2, reply_to="m1"), now=T0)
    assert reply.case is not None
    assert first.case is not None
    assert reply.case.id == first.case.id
    again.store.close()


def test_a_subscriber_that_raises_does_not_stop_ingestion(desk: Desk) -> None:
    def broken(_: Notice) -> None:
        raise RuntimeError("subscriber bug")

    desk.subscribe(broken)
    assert desk.ingest(mention("m1"), now=T0).case is not None


def test_an_after_commit_subscriber_hears_only_what_was_stored(desk: Desk) -> None:
    desk.agents.add(agent("ana"), now=T0)
    during: list[tuple[NoticeKind, bool]] = []
    after: list[tuple[NoticeKind, bool]] = []

    def stored(notice: Notice) -> bool:
        return notice.case_id is not None and desk.store.get_case(notice.case_id) is not None

    desk.subscribe(lambda n: during.append((n.kind, stored(n))))
    desk.subscribe(lambda n: after.append((n.kind, stored(n))), after_commit=True)
    desk.ingest(mention("m1"), now=T0)
    kinds = [NoticeKind.CASE_OPENED, NoticeKind.CASE_ASSIGNED]
    # Inside the transaction the new case is not written yet; after the commit it is.
    assert during == [(kind, False) for kind in kinds]
    assert after == [(kind, True) for kind in kinds]


class _FailingCommit(MemoryStore):
    """Refuses to write cases while ``fail`` is set, as a full disk would."""

    fail = True

    def save_case(self, case: Case, *, expected_events: int) -> None:
        if self.fail:
            raise StoreError("disk full")
        super().save_case(case, expected_events=expected_events)


def test_an_after_commit_subscriber_hears_nothing_of_an_undone_transaction() -> None:
    desk = Desk(store=_FailingCommit())
    during: list[Notice] = []
    after: list[Notice] = []
    desk.subscribe(during.append)
    desk.subscribe(after.append, after_commit=True)
    with pytest.raises(StoreError):
        desk.ingest(mention("m1"), now=T0)
    assert NoticeKind.CASE_OPENED in [n.kind for n in during]  # heard, then undone
    assert after == []
    assert desk.store.count_mentions() == 0
    desk.store.fail = False  # type: ignore[attr-defined]
    desk.ingest(mention("m1"), now=T0)
    assert NoticeKind.CASE_OPENED in [n.kind for n in after]


def test_unsubscribing_an_after_commit_subscriber(desk: Desk) -> None:
    after: list[Notice] = []
    stop = desk.subscribe(after.append, after_commit=True)
    desk.ingest(mention("m1"), now=T0)
    stop()
    desk.ingest(mention("m2", who="u2"), now=T0)
    assert after
    assert {n.case_id for n in after} == {case_id_for(mention("m1"))}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.sampled_from(["ingest", "resolve", "tick"]), st.integers(0, 11)),
        min_size=1,
        max_size=40,
    )
)
def test_nothing_lost_nothing_doubled_nobody_over_capacity(ops: list[tuple[str, int]]) -> None:
    desk = Desk(store=MemoryStore())
    for name in ("ana", "ben"):
        desk.agents.add(agent(name, public=2), now=T0)
    seen: set[str] = set()
    for step, (op, n) in enumerate(ops):
        now = T0 + timedelta(minutes=step)
        if op == "ingest":
            desk.ingest(mention(f"m{n}", who=f"u{n % 5}", minute=step), now=now)
            seen.add(f"m{n}")
        elif op == "resolve":
            open_cases = desk.cases(open_only=True)
            if open_cases:
                desk.resolve(open_cases[n % len(open_cases)].id, now=now)
        else:
            desk.tick(now=now)
        for name in ("ana", "ben"):
            assert desk.agents.load(name)[0] <= 2
            held = [c for c in desk.cases(open_only=True) if c.assignee == name]
            assert len(held) == desk.agents.load(name)[0]
    assert desk.store.count_mentions() == len(seen)
    cases_of = [k for c in desk.cases() for k in c.mentions]
    assert len(cases_of) == len(set(cases_of)) == len(seen)


# replies through the gate -------------------------------------------------------------------


def test_an_allowed_reply_goes_to_the_outbox_approved(desk: Desk) -> None:
    desk.agents.add(agent("ana"), now=T0)
    case = desk.ingest(mention("m1"), now=T0).case
    assert case is not None
    text = "So sorry your bag is lost, Dana. Could you DM us so we can trace it?"
    message, verdict = desk.reply(case.id, agent="ana", text=text, now=T0)
    assert type(verdict).__name__ == "Allowed"
    assert message.state is MessageState.APPROVED
    assert message.in_reply_to == "m1"
    assert [m.id for m in desk.due_messages(CHANNEL, now=T0)] == [message.id]
    again, _ = desk.reply(case.id, agent="ana", text=text, now=T0)  # the same reply twice
    assert again.id == message.id
    assert len(desk.store.messages()) == 1


def test_private_data_in_public_is_refused_and_nothing_is_stored(desk: Desk) -> None:
    from socialcx.errors import PolicyViolation

    desk.agents.add(agent("ana"), now=T0)
    case = desk.ingest(mention("m1"), now=T0).case
    assert case is not None
    with pytest.raises(PolicyViolation) as info:
        desk.reply(case.id, agent="ana", text="Dana, we found booking ABC123 for you", now=T0)
    assert "private_data" in info.value.codes
    assert desk.store.messages() == []


def test_an_uncertified_agent_needs_approval_then_a_lead_approves(desk: Desk) -> None:
    rookie = Agent(id="rookie", languages={"en"}, capacity=2)
    desk.agents.add(rookie, now=T0)
    case = desk.ingest(mention("m1"), now=T0).case
    assert case is not None
    heard: list[Notice] = []
    desk.subscribe(heard.append)
    text = "So sorry your bag is lost, Dana. Could you DM us so we can trace it?"
    message, verdict = desk.reply(case.id, agent="rookie", text=text, now=T0)
    assert type(verdict).__name__ == "NeedsApproval"
    assert message.state is MessageState.PENDING_APPROVAL
    assert desk.due_messages(CHANNEL, now=T0) == []
    assert [n.kind for n in heard] == [NoticeKind.APPROVAL_NEEDED]
    approved = desk.approve(message.id, by="lead-1", now=T0 + timedelta(minutes=3))
    assert approved.state is MessageState.APPROVED
    events = [type(e).__name__ for e in desk.case(case.id).events]
    assert events[-2:] == ["ApprovalRequested", "ApprovalDecided"]
    assert [m.id for m in desk.due_messages(CHANNEL, now=T0)] == [message.id]


def test_a_rejected_reply_never_goes_out(desk: Desk) -> None:
    desk.agents.add(Agent(id="rookie", languages={"en"}, capacity=2), now=T0)
    case = desk.ingest(mention("m1"), now=T0).case
    assert case is not None
    message, _ = desk.reply(case.id, agent="rookie", text="Sorry your bag is lost, DM us", now=T0)
    rejected = desk.reject(message.id, by="lead-1", now=T0, note="add an apology for the wait")
    assert rejected.state is MessageState.REJECTED
    assert desk.due_messages(CHANNEL, now=T0) == []


def test_a_complaint_comes_with_its_playbook_steps(desk: Desk) -> None:
    outcome = desk.ingest(mention("m1"), now=T0)
    assert outcome.next_steps is not None
    assert outcome.next_steps.due or outcome.next_steps.waiting


def test_a_webhook_delivery_leaves_the_poll_cursor_alone(desk: Desk) -> None:
    desk.ingest_page(CHANNEL, [mention("m1")], "after-m1", now=T0)
    assert desk.ingest_page(CHANNEL, [mention("m2", who="u2")], None, now=T0) == 1
    assert desk.cursor(CHANNEL) == "after-m1"


def test_a_message_after_the_case_closed_opens_a_new_case(desk: Desk) -> None:
    first = desk.ingest(mention("m1"), now=T0)
    assert first.case is not None
    desk.close(first.case.id, now=T0 + timedelta(minutes=1), reason="spam")
    again = desk.ingest(mention("m2", "hello again?", minute=2), now=T0 + timedelta(minutes=2))
    reply = desk.ingest(mention("m3", "anyone?", minute=3, reply_to="m1"), now=T0)
    assert again.case is not None
    assert reply.case is not None
    assert again.case.id != first.case.id
    assert reply.case.id != first.case.id
    assert desk.case(first.case.id).state is CaseState.CLOSED
    assert desk.store.dead_letters() == []


def test_a_message_after_the_case_resolved_reopens_it(desk: Desk) -> None:
    desk.agents.add(agent("ana"), now=T0)
    first = desk.ingest(mention("m1"), now=T0)
    assert first.case is not None
    desk.resolve(first.case.id, now=T0 + timedelta(minutes=1))
    again = desk.ingest(mention("m2", "it broke again", minute=2, reply_to="m1"), now=T0)
    assert again.case is not None
    assert again.case.id == first.case.id
    assert again.case.state in (CaseState.REOPENED, CaseState.ASSIGNED)


def test_a_reply_that_went_out_as_its_case_closed_is_still_recorded_sent(desk: Desk) -> None:
    from socialcx.errors import ValidationError

    desk.agents.add(agent("ana"), now=T0)
    case = desk.ingest(mention("m1"), now=T0).case
    assert case is not None
    message, _ = desk.reply(case.id, agent="ana", text="Sorry your bag is lost, DM us?", now=T0)
    desk.close(case.id, now=T0 + timedelta(minutes=1))
    desk.record_sent(message.id, native_id="n1", url=None, now=T0 + timedelta(minutes=2))
    assert desk.store.get_message(message.id).state is MessageState.SENT  # type: ignore[union-attr]
    with pytest.raises(ValidationError, match="closed"):
        desk.reply(case.id, agent="ana", text="One more thing about your bag", now=T0)


def test_a_public_reply_to_a_customer_who_wrote_only_privately_is_refused(desk: Desk) -> None:
    from socialcx.errors import PolicyViolation

    desk.agents.add(agent("ana"), now=T0)
    case = desk.ingest(mention("d1", "my bag is lost, help", private=True), now=T0).case
    assert case is not None
    with pytest.raises(PolicyViolation) as info:
        desk.reply(case.id, agent="ana", text="Sorry your bag is lost, we are on it", now=T0)
    assert info.value.codes == ("no_public_post",)
    message, _ = desk.reply(
        case.id, agent="ana", text="Sorry your bag is lost, we are on it", private=True, now=T0
    )
    assert message.recipient == "u1"
