"""Router invariants under any sequence of cases, presence changes, releases and ticks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import attrs
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

import socialcx as sx
from socialcx.routing import Assigned, Router, RoutingRequest
from socialcx.routing._router import _speaks
from tests.conftest import T0

POLICY = sx.Policy(
    routing=sx.RoutingRules(
        hostile_cap_per_shift=2,
        hostile_cooldown=timedelta(minutes=5),
        aging_step=timedelta(minutes=15),
    ),
    escalation=(
        sx.EscalationRule(name="overflow", after=timedelta(minutes=10), target="overflow"),
    ),
)
AGENT_IDS = ("a", "b", "c", "d", "e")
SKILLS = ("billing", "tech")
LANGS = ("en", "de")
CERTS = ("social", "hostile")


def _qualifies(agent: sx.Agent, request: RoutingRequest) -> bool:
    certs = set()
    if request.kind is sx.WorkKind.PUBLIC:
        certs.add("social")
    if request.hostile:
        certs.add("hostile")
    return (
        request.skills <= agent.skills
        and certs <= agent.certifications
        and _speaks(agent.languages, request.language)
    )


class RouterMachine(RuleBasedStateMachine):
    """Drives a Router with random inputs and checks it never breaks a rule."""

    def __init__(self) -> None:
        super().__init__()
        self.router = Router(policy=POLICY)
        self.now = T0
        self.agents: dict[str, sx.Agent] = {}
        self.presence: dict[str, sx.Presence] = {}
        self.held: dict[str, tuple[str, RoutingRequest]] = {}
        self.ever_assigned: set[str] = set()
        self.requests: dict[str, RoutingRequest] = {}
        self.ops: list[tuple[str, Any]] = []
        self.decisions: list[Any] = []
        self.counter = 0

    def _record(self, decisions: list[Any]) -> None:
        self.decisions.extend(decisions)
        for decision in decisions:
            if isinstance(decision, Assigned):
                assert decision.case_id not in self.ever_assigned, "assigned twice"
                self.ever_assigned.add(decision.case_id)
                request = self.requests[decision.case_id]
                agent = self.agents[decision.agent]
                assert _qualifies(agent, request), "assigned to an unqualified agent"
                assert self.presence[decision.agent] is sx.Presence.AVAILABLE
                self.held[decision.case_id] = (decision.agent, request)

    @rule(
        agent_id=st.sampled_from(AGENT_IDS),
        skills=st.frozensets(st.sampled_from(SKILLS)),
        langs=st.frozensets(st.sampled_from(LANGS), min_size=1),
        certs=st.frozensets(st.sampled_from(CERTS)),
        public=st.integers(0, 3),
        private=st.integers(0, 3),
        overflow=st.booleans(),
    )
    def add_agent(
        self,
        agent_id: str,
        skills: frozenset[str],
        langs: frozenset[str],
        certs: frozenset[str],
        public: int,
        private: int,
        overflow: bool,
    ) -> None:
        if agent_id in self.agents:
            return
        agent = sx.Agent(
            id=agent_id,
            skills=skills,
            languages=langs,
            certifications=certs,
            capacity=sx.Capacity(public=public, private=private),
            teams={"overflow"} if overflow else set(),
        )
        self.agents[agent_id] = agent
        self.presence[agent_id] = sx.Presence.AVAILABLE
        self.ops.append(("add", agent))
        self._record(self.router.add_agent(agent, now=self.now))

    @precondition(lambda self: bool(self.agents))
    @rule(
        data=st.data(),
        skills=st.frozensets(st.sampled_from(SKILLS)),
        langs=st.frozensets(st.sampled_from(LANGS), min_size=1),
        certs=st.frozensets(st.sampled_from(CERTS)),
        overflow=st.booleans(),
    )
    def update_agent(
        self,
        data: st.DataObject,
        skills: frozenset[str],
        langs: frozenset[str],
        certs: frozenset[str],
        overflow: bool,
    ) -> None:
        """An agent's skills, languages, certifications or teams change (capacity kept)."""
        agent_id = data.draw(st.sampled_from(sorted(self.agents)))
        agent = attrs.evolve(
            self.agents[agent_id],
            skills=skills,
            languages=langs,
            certifications=certs,
            teams={"overflow"} if overflow else set(),
        )
        self.agents[agent_id] = agent
        self.presence[agent_id] = agent.presence
        self.ops.append(("add", agent))
        self._record(self.router.add_agent(agent, now=self.now))

    @precondition(lambda self: bool(self.agents))
    @rule(data=st.data(), presence=st.sampled_from(sx.Presence))
    def set_presence(self, data: st.DataObject, presence: sx.Presence) -> None:
        agent_id = data.draw(st.sampled_from(sorted(self.agents)))
        self.presence[agent_id] = presence
        self.ops.append(("presence", (agent_id, presence)))
        self._record(self.router.set_presence(agent_id, presence, now=self.now))

    @rule(
        priority=st.sampled_from(sx.Priority),
        kind=st.sampled_from(sx.WorkKind),
        skills=st.frozensets(st.sampled_from(SKILLS), max_size=1),
        language=st.sampled_from((*LANGS, None)),
        hostile=st.booleans(),
        customer=st.sampled_from(("x", "y", "z", "w")),
    )
    def submit(
        self,
        priority: sx.Priority,
        kind: sx.WorkKind,
        skills: frozenset[str],
        language: str | None,
        hostile: bool,
        customer: str,
    ) -> None:
        self.counter += 1
        request = RoutingRequest(
            case_id=f"case-{self.counter}",
            customer=customer,
            priority=priority,
            kind=kind,
            created_at=self.now,
            language=language,
            skills=skills,
            hostile=hostile,
        )
        self.requests[request.case_id] = request
        self.ops.append(("submit", request))
        self._record(self.router.submit(request, now=self.now))

    @precondition(lambda self: bool(self.held))
    @rule(data=st.data())
    def release(self, data: st.DataObject) -> None:
        case_id = data.draw(st.sampled_from(sorted(self.held)))
        agent_id, _ = self.held.pop(case_id)
        self.ops.append(("release", (agent_id, case_id)))
        self._record(self.router.release(agent_id, case_id, now=self.now))

    @rule(minutes=st.integers(1, 90))
    def tick(self, minutes: int) -> None:
        self.now += timedelta(minutes=minutes)
        self.ops.append(("tick", self.now))
        self._record(self.router.tick(now=self.now))

    @invariant()
    def capacity_and_hostile_cap_hold(self) -> None:
        """No agent over capacity for either kind; hostile exposure within the cap."""
        for agent_id, agent in self.agents.items():
            public, private = self.router.agent_load(agent_id)
            assert public <= agent.capacity.public
            assert private <= agent.capacity.private
            assert self.router.hostile_exposure(agent_id) <= POLICY.routing.hostile_cap_per_shift

    @invariant()
    def work_conserving(self) -> None:
        """No queued case waits while a qualified agent in its target has room (no starvation)."""
        waiting = {w.request.case_id: w for w in self.router._queue.values()}
        for case_id, entry in waiting.items():
            request = entry.request
            for agent_id, agent in self.agents.items():
                state = self.router._agents[agent_id]
                in_target = state.min_step <= entry.step
                if (
                    in_target
                    and _qualifies(agent, request)
                    and state.has_room(request.kind)
                    and (not request.hostile or self.router._hostile_ok(state, self.now))
                ):
                    raise AssertionError(f"{case_id} waits while {agent_id} could take it")

    def teardown(self) -> None:
        """The same inputs replayed on a fresh router give the same decisions."""
        replay = Router(policy=POLICY)
        decisions: list[Any] = []
        now = T0
        for op, arg in self.ops:
            if op == "add":
                decisions += replay.add_agent(arg, now=now)
            elif op == "presence":
                decisions += replay.set_presence(arg[0], arg[1], now=now)
            elif op == "submit":
                decisions += replay.submit(arg, now=now)
            elif op == "release":
                decisions += replay.release(arg[0], arg[1], now=now)
            else:
                now = arg
                decisions += replay.tick(now=now)
        assert decisions == self.decisions


RouterMachine.TestCase.settings = settings(max_examples=60, stateful_step_count=40, deadline=None)
TestRouterProperties = RouterMachine.TestCase
