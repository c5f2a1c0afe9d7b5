"""The router's rules, one behaviour per test."""

from __future__ import annotations

from datetime import timedelta

import pytest

import socialcx as sx
from socialcx.errors import ValidationError
from socialcx.routing import Assigned, Escalated, Queued, Router, RoutingRequest, Unroutable
from tests.conftest import T0

PUBLIC = sx.WorkKind.PUBLIC


def _agent(agent_id: str, **kw: object) -> sx.Agent:
    fields: dict[str, object] = {
        "languages": {"en"},
        "certifications": {"social"},
        "capacity": 2,
        "skills": set(),
    }
    return sx.Agent(id=agent_id, **(fields | kw))  # type: ignore[arg-type]


def _req(case_id: str, **kw: object) -> RoutingRequest:
    fields: dict[str, object] = {
        "customer": f"cust-{case_id}",
        "priority": "normal",
        "kind": "public",
        "created_at": T0,
        "language": "en",
    }
    return RoutingRequest(case_id=case_id, **(fields | kw))  # type: ignore[arg-type]


def _router(*agents: sx.Agent, policy: sx.Policy | None = None) -> Router:
    router = Router(policy=policy or sx.Policy())
    for agent in agents:
        router.add_agent(agent, now=T0)
    return router


def test_least_loaded_then_longest_idle() -> None:
    """Work spreads evenly; among equals the one idle longest goes first."""
    router = _router(_agent("ana"), _agent("bo"))
    picks = [router.submit(_req(f"c{i}"), now=T0 + timedelta(minutes=i))[-1] for i in range(4)]
    assert [p.agent for p in picks if isinstance(p, Assigned)] == ["ana", "bo", "ana", "bo"]
    assert picks[0].explanation.rule == "least_loaded"
    assert picks[0].explanation.eligible == 2


def test_requirements_language_skills_certification() -> None:
    """Only agents with the language, skills and public-reply certification qualify."""
    router = _router(
        _agent("uncertified", certifications=set()),
        _agent("german", languages={"de"}),
        _agent("billing", skills={"billing"}),
    )
    (decision,) = router.submit(_req("c1", skills={"billing"}), now=T0)
    assert isinstance(decision, Assigned) and decision.agent == "billing"
    (private,) = router.submit(_req("c2", kind="private", language="de-AT"), now=T0)
    assert isinstance(private, Assigned) and private.agent == "german"


def test_unroutable_says_what_is_missing() -> None:
    """When nobody anywhere qualifies, the reason names the missing requirement."""
    router = _router(_agent("ana"))
    (decision,) = router.submit(_req("c1", language="ja"), now=T0)
    assert isinstance(decision, Unroutable)
    assert "'ja'" in decision.reason
    (decision,) = router.submit(_req("c2", skills={"legal"}), now=T0)
    assert isinstance(decision, Unroutable) and "legal" in decision.reason


def test_queued_work_is_assigned_when_capacity_frees() -> None:
    """A queued case goes to the agent as soon as they release a case."""
    router = _router(_agent("ana", capacity=1))
    router.submit(_req("c1"), now=T0)
    (queued,) = router.submit(_req("c2"), now=T0)
    assert isinstance(queued, Queued) and queued.position == 1
    (assigned,) = router.release("ana", "c1", now=T0 + timedelta(minutes=5))
    assert isinstance(assigned, Assigned) and assigned.case_id == "c2"


def test_priority_then_deadline_then_age_and_aging_prevents_starvation() -> None:
    """Urgent first, nearer deadline first; but old work climbs with aging."""
    policy = sx.Policy(routing=sx.RoutingRules(aging_step=timedelta(minutes=10)))
    router = _router(_agent("ana", capacity=1), policy=policy)
    router.submit(_req("busy"), now=T0)
    router.submit(_req("old-low", priority="low", created_at=T0), now=T0)
    router.submit(_req("late", deadline=T0 + timedelta(hours=2)), now=T0)
    router.submit(_req("soon", deadline=T0 + timedelta(minutes=20)), now=T0)
    assert [r.case_id for r in router.queued(now=T0)] == ["soon", "late", "old-low"]
    later = T0 + timedelta(minutes=25)  # old-low has aged two ranks: low -> high
    router.submit(_req("new-high", priority="high", created_at=later), now=later)
    order = [r.case_id for r in router.queued(now=later)]
    assert order.index("old-low") < order.index("new-high")


def test_hostile_cases_need_certification_and_respect_the_cap() -> None:
    """Hostile work goes only to certified agents, within the cap and cool-down."""
    policy = sx.Policy(
        routing=sx.RoutingRules(hostile_cap_per_shift=2, hostile_cooldown=timedelta(minutes=10))
    )
    router = _router(
        _agent("plain", capacity=5),
        _agent("tough", capacity=5, certifications={"social", "hostile"}),
        policy=policy,
    )
    (first,) = router.submit(_req("h1", hostile=True), now=T0)
    assert isinstance(first, Assigned) and first.agent == "tough"
    (cooling,) = router.submit(_req("h2", hostile=True), now=T0 + timedelta(minutes=5))
    assert isinstance(cooling, Queued)
    (after,) = router.tick(now=T0 + timedelta(minutes=10))
    assert isinstance(after, Assigned) and after.case_id == "h2"
    (capped,) = router.submit(_req("h3", hostile=True), now=T0 + timedelta(hours=1))
    assert isinstance(capped, Queued)
    assert router.hostile_exposure("tough") == 2
    router.set_presence("tough", sx.Presence.OFFLINE, now=T0 + timedelta(hours=2))
    (next_shift,) = router.set_presence("tough", sx.Presence.AVAILABLE, now=T0 + timedelta(hours=9))
    assert isinstance(next_shift, Assigned) and next_shift.case_id == "h3"


def test_sticky_routing_returns_a_customer_to_their_agent() -> None:
    """A returning customer goes back to the agent who helped them, within the window."""
    router = _router(_agent("ana"), _agent("bo"))
    (first,) = router.submit(_req("c1", customer="dana"), now=T0)
    router.release(first.agent, "c1", now=T0)  # type: ignore[union-attr]
    router.submit(_req("filler", customer="eve"), now=T0)  # would make the other agent next
    (again,) = router.submit(_req("c2", customer="dana"), now=T0 + timedelta(hours=1))
    assert isinstance(again, Assigned)
    assert again.agent == first.agent  # type: ignore[union-attr]
    assert again.explanation.rule == "sticky"
    (late,) = router.submit(_req("c3", customer="dana"), now=T0 + timedelta(days=3))
    assert late.explanation.rule == "least_loaded"


def test_escalation_widens_after_a_timeout_and_skips_empty_steps() -> None:
    """After the timeout the overflow team may take it; an empty step is skipped at once."""
    policy = sx.Policy(
        escalation=(
            sx.EscalationRule(name="overflow", after=timedelta(minutes=10), target="overflow"),
            sx.EscalationRule(name="leads", after=timedelta(minutes=30), target="supervisors"),
        )
    )
    router = _router(_agent("ana", capacity=1), _agent("ozzy", teams={"overflow"}), policy=policy)
    router.submit(_req("c1"), now=T0)
    (queued,) = router.submit(_req("c2"), now=T0)
    assert isinstance(queued, Queued)
    assert router.tick(now=T0 + timedelta(minutes=5)) == []
    escalated, assigned = router.tick(now=T0 + timedelta(minutes=10))
    assert isinstance(escalated, Escalated) and escalated.target == "overflow"
    assert isinstance(assigned, Assigned) and assigned.agent == "ozzy"
    lonely = _router(_agent("ozzy", teams={"overflow"}), policy=policy)
    decisions = lonely.submit(_req("c3"), now=T0)
    assert isinstance(decisions[0], Escalated) and decisions[0].step == 1
    assert isinstance(decisions[-1], Assigned)


def test_escalation_condition_limits_which_cases_widen() -> None:
    """A step with a condition only widens matching cases."""
    policy = sx.Policy(
        escalation=(
            sx.EscalationRule(
                name="urgent-overflow",
                after=timedelta(minutes=5),
                target="overflow",
                when='priority >= "high"',
            ),
        )
    )
    router = _router(_agent("ana", capacity=1), _agent("ozzy", teams={"overflow"}), policy=policy)
    router.submit(_req("busy"), now=T0)
    router.submit(_req("calm", priority="low"), now=T0)
    router.submit(_req("hot", priority="urgent"), now=T0)
    decisions = router.tick(now=T0 + timedelta(minutes=6))
    assert [(type(d).__name__, d.case_id) for d in decisions] == [
        ("Escalated", "hot"),
        ("Assigned", "hot"),
    ]


def test_fairness_report() -> None:
    """Even work gives Jain's index 1.0."""
    router = _router(_agent("ana"), _agent("bo"))
    for i in range(4):
        router.submit(_req(f"c{i}"), now=T0)
    report = router.fairness(now=T0 + timedelta(hours=2))
    assert report.per_agent == {"ana": 1.0, "bo": 1.0}
    assert report.jain == pytest.approx(1.0)


def test_misuse_is_a_clear_error() -> None:
    """Routing a case twice or releasing someone else's case names the field."""
    router = _router(_agent("ana"))
    router.submit(_req("c1"), now=T0)
    with pytest.raises(ValidationError, match="already routed"):
        router.submit(_req("c1"), now=T0)
    with pytest.raises(ValidationError, match="not assigned"):
        router.release("ana", "c9", now=T0)
    with pytest.raises(ValidationError, match="no agent"):
        router.set_presence("zed", sx.Presence.AWAY, now=T0)


def test_request_from_a_case() -> None:
    """A case's language, labels, deadline and first visibility shape its request."""
    case = sx.Case.open(
        id="c1",
        customer="x:9",
        channel=sx.ChannelRef(platform="x", account="acme"),
        mention=sx.MentionKey(platform="x", native_id="1"),
        visibility="private",
        at=T0,
    ).triage(at=T0, priority="high", labels={"hostile", "complaint"}, language="en")
    case = case.set_deadlines(sx.ServiceDeadlines(first_response=T0 + timedelta(minutes=15)), at=T0)
    request = RoutingRequest.for_case(case, skills={"billing"})
    assert request.kind is sx.WorkKind.PRIVATE
    assert request.hostile and request.language == "en"
    assert request.deadline == T0 + timedelta(minutes=15)
    assert request.priority is sx.Priority.HIGH
    answered = case.record_reply(
        message_id="r1", visibility="private", agent="ana", at=T0 + timedelta(minutes=5)
    ).set_deadlines(
        sx.ServiceDeadlines(
            first_response=T0 + timedelta(minutes=15), next_response=T0 + timedelta(hours=2)
        ),
        at=T0 + timedelta(hours=1),
    )
    # Answered once: the next response's clock orders the queue, not the first's.
    assert RoutingRequest.for_case(answered).deadline == T0 + timedelta(hours=2)


def test_restore_counts_an_earlier_assignment_without_a_decision() -> None:
    """After a restart the desk gives back assignments: the load counts, nothing is decided."""
    router = _router(_agent("ana", capacity=1), _agent("bo", capacity=1))
    router.restore(_req("old"), "ana", now=T0)
    assert router.agent_load("ana") == (1, 0)
    assert router.held("old") == ("ana", PUBLIC)
    assert router.assignment("old") == "ana"
    (decision,) = router.submit(_req("new"), now=T0)
    assert isinstance(decision, Assigned)
    assert decision.agent == "bo"  # ana is full with the restored case
    with pytest.raises(ValidationError):
        router.restore(_req("old"), "bo", now=T0)
    assert router.agent("ana") is not None
    assert router.agent("nobody") is None


def test_an_updated_agent_never_gets_work_it_no_longer_qualifies_for() -> None:
    """After losing a skill, an agent stays out of that skill's work, however long the churn."""
    router = _router(
        _agent("ana", skills={"billing"}), _agent("bo", skills={"billing"}, capacity=9)
    )
    router.submit(_req("first", skills={"billing"}), now=T0)
    router.add_agent(_agent("ana", skills=set()), now=T0)
    for i in range(300):  # every pool's heap is swept of stale entries many times over
        at = T0 + timedelta(seconds=i)
        (decision,) = router.submit(_req(f"c{i}", skills={"billing"}), now=at)
        assert isinstance(decision, Assigned) and decision.agent == "bo"
        router.release("bo", f"c{i}", now=at)
    router.set_presence("bo", sx.Presence.AWAY, now=T0 + timedelta(hours=1))
    (last,) = router.submit(_req("last", skills={"billing"}), now=T0 + timedelta(hours=1))
    assert isinstance(last, Queued)
    assert last.explanation.eligible == 1


def test_ties_go_to_the_agent_id_first_in_order_whatever_order_agents_arrive() -> None:
    """Among equally loaded agents idle equally long, the id that sorts first wins."""
    ids = ["b", *("a" * n for n in range(1, 80)), *(f"z{n:03d}" for n in range(80, 0, -1))]
    router = _router(*(_agent(agent_id, capacity=1) for agent_id in ids))
    picks = [router.submit(_req(f"c{i}"), now=T0)[0] for i in range(len(ids))]
    assert [p.agent for p in picks if isinstance(p, Assigned)] == sorted(ids)


def test_an_agent_whose_hostile_cool_down_ended_takes_waiting_hostile_work() -> None:
    """Cool-down over: the agent takes queued hostile work on its next release or tick."""
    policy = sx.Policy(routing=sx.RoutingRules(hostile_cooldown=timedelta(minutes=10)))
    router = _router(
        _agent("plain", capacity=5),
        _agent("tough", capacity=5, certifications={"social", "hostile"}),
        policy=policy,
    )
    minute = timedelta(minutes=1)
    (first,) = router.submit(_req("h1", hostile=True), now=T0)
    assert isinstance(first, Assigned) and first.agent == "tough"
    (waiting,) = router.submit(_req("h2", hostile=True), now=T0 + minute)
    assert isinstance(waiting, Queued)
    router.submit(_req("p1"), now=T0 + minute)
    assert router.release("plain", "p1", now=T0 + 12 * minute) == []  # not plain's work
    (second,) = router.release("tough", "h1", now=T0 + 12 * minute)
    assert isinstance(second, Assigned) and (second.case_id, second.agent) == ("h2", "tough")
    (third,) = router.submit(_req("h3", hostile=True), now=T0 + 15 * minute)
    assert isinstance(third, Queued)  # cooling again after h2
    assert router.tick(now=T0 + 21 * minute) == []
    (fourth,) = router.tick(now=T0 + 22 * minute)
    assert isinstance(fourth, Assigned) and (fourth.case_id, fourth.agent) == ("h3", "tough")


def test_decisions_built_by_the_router_equal_their_public_constructors() -> None:
    """The router's fast constructors give values equal to (and hashing like) the attrs ones."""
    from socialcx.routing import Explanation
    from socialcx.routing._decisions import make_assigned, make_explanation, make_queued

    why = make_explanation("least_loaded", 3, ("ana",), "because")
    assert why == Explanation(rule="least_loaded", eligible=3, considered=("ana",), why="because")
    assert hash(why) == hash(
        Explanation(rule="least_loaded", eligible=3, considered=("ana",), why="because")
    )
    assert make_assigned("c1", "ana", T0, why) == Assigned(
        case_id="c1", agent="ana", at=T0, explanation=why
    )
    assert make_queued("c1", 2, "busy", T0, why) == Queued(
        case_id="c1", position=2, reason="busy", at=T0, explanation=why
    )
    assert repr(make_assigned("c1", "ana", T0, why)).startswith("Assigned(case_id='c1'")


def test_idle_order_holds_when_time_goes_back() -> None:
    """Assignment times are kept as order-keeping stamps; an earlier ``now`` renumbers them."""
    router = _router(_agent("a", capacity=1), _agent("b", capacity=1), _agent("c", capacity=1))
    late, early = T0 + timedelta(minutes=10), T0 + timedelta(minutes=5)
    picks = []
    for i, at in enumerate([late, early, late + timedelta(minutes=10)]):
        (decision,) = router.submit(_req(f"c{i}"), now=at)
        assert isinstance(decision, Assigned)
        picks.append(decision.agent)
        router.release(decision.agent, f"c{i}", now=at)
    assert picks == ["a", "b", "c"]  # never assigned first, in id order
    # b was last assigned at 9:05, a at 9:10, c at 9:20: idle longest first.
    later = T0 + timedelta(hours=1)
    again = [router.submit(_req(f"d{i}"), now=later)[0] for i in range(3)]
    assert [d.agent for d in again if isinstance(d, Assigned)] == ["b", "a", "c"]


def test_large_capacities_and_restored_loads_keep_least_loaded_first() -> None:
    """Loads past the precomputed heads (16 per kind) still order agents by load."""
    router = _router(_agent("big", capacity=40), _agent("other", capacity=40))
    for i in range(20):
        router.restore(_req(f"old{i}"), "big", now=T0)
    picks = [router.submit(_req(f"c{i}"), now=T0)[0] for i in range(24)]
    agents = [p.agent for p in picks if isinstance(p, Assigned)]
    assert agents[:20] == ["other"] * 20  # until both hold 20
    assert sorted(agents[20:]) == ["big", "big", "other", "other"]
    assert router.agent_load("big") == (22, 0) and router.agent_load("other") == (22, 0)


def test_release_after_the_agent_was_updated() -> None:
    """A case held before an update is released from the updated agent."""
    router = _router(_agent("ana", capacity=1, skills={"billing"}))
    (first,) = router.submit(_req("c1", skills={"billing"}), now=T0)
    assert isinstance(first, Assigned)
    router.add_agent(_agent("ana", capacity=1, skills={"billing", "tech"}), now=T0)
    assert router.held("c1") == ("ana", PUBLIC)
    assert router.agent_load("ana") == (1, 0)
    router.release("ana", "c1", now=T0)
    assert router.agent_load("ana") == (0, 0)
    (second,) = router.submit(_req("c2", skills={"tech"}), now=T0)
    assert isinstance(second, Assigned) and second.agent == "ana"


def test_sticky_links_forget_the_least_recently_served_customer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Past the limit, the customer served longest ago is forgotten first."""
    import socialcx.routing._router as router_module

    monkeypatch.setattr(router_module, "STICKY_LIMIT", 2)
    router = _router(*(_agent(name, capacity=5) for name in ("a", "b", "c", "d")))
    for i, customer in enumerate(("x", "y", "x", "z")):  # x again: y is now the least recent
        (decision,) = router.submit(_req(f"c{i}", customer=customer), now=T0)
        assert isinstance(decision, Assigned)
    (again_x,) = router.submit(_req("x-last", customer="x"), now=T0)
    (again_y,) = router.submit(_req("y-last", customer="y"), now=T0)
    assert again_x.explanation.rule == "sticky"
    assert again_y.explanation.rule == "least_loaded"


def test_queue_keys_sort_like_the_floats_they_pack() -> None:
    """A queued case's key packs floats into ints that keep their order."""
    from socialcx.routing._router import _ordered

    values = [float("-inf"), -1e12, -2.5, -1.0, -1e-300, 0.0, 1e-300, 1.0, 2.5, 1.7e9, 1e12]
    values.append(float("inf"))
    packed = [_ordered(v) for v in values]
    assert packed == sorted(packed) and len(set(packed)) == len(packed)
    assert _ordered(-0.0) == _ordered(0.0)
    assert all(0 <= p < 2**64 for p in packed)


def test_fast_built_decisions_are_frozen_instances_of_the_public_classes() -> None:
    """Decisions built from drafts are exactly the public (frozen) types."""
    import attrs

    router = _router(_agent("ana"))
    (decision,) = router.submit(_req("c1"), now=T0)
    assert type(decision) is Assigned and type(decision.explanation).__name__ == "Explanation"
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        decision.agent = "bo"  # type: ignore[misc]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        decision.explanation.why = "x"  # type: ignore[misc]
    assert attrs.evolve(decision, agent="bo").agent == "bo"
