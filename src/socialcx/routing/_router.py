"""The router: who takes which case, decided in-process, deterministically, and explained.

Agents are indexed by what they can do. Every distinct requirement a case can
have — language, skills, kind of work, hostility — gets one *pool* per
escalation level: a heap of the qualified agents ordered by load and idle time,
built the first time such a case arrives and kept current as agents change. A
decision looks at one pool's top instead of scanning the team, so its cost
barely grows with the number of agents.

A heap entry is one integer that sorts exactly like the tuple (load of the
kind of work, total load, time of the last assignment, agent id): the fields are
packed side by side, the time in microseconds and the id as an order-keeping
rank. Integers compare several times faster than tuples. Entries are not
removed when an agent changes; a new one is pushed, and an old one is dropped
when it reaches the top (or in a periodic sweep): an entry is current exactly
when it is in the set of every agent's current entries, one lookup.

Agents who just took hostile work are *parked*: until their cool-down ends they
get no entries in hostile pools, which would only be set aside at every look.

The queue is kept in order instead of being sorted per decision: aging counts
absolute steps (a case gains a rank at every ``aging_step`` boundary it waits
through), which makes the order between two waiting cases independent of the
current time.
"""

from __future__ import annotations

import bisect
import heapq
import sys
from collections import OrderedDict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import attrs

from socialcx.errors import ValidationError
from socialcx.model import Agent, Policy, Presence, Priority, WorkKind
from socialcx.model._conditions import Condition
from socialcx.routing._decisions import (
    Assigned,
    Decision,
    Escalated,
    Explanation,
    Queued,
    RoutingRequest,
    Unroutable,
    make_assigned,
    make_explanation,
    make_queued,
)

_FAR = float("inf")
#: How many sticky customer -> agent links the router remembers.
STICKY_LIMIT = 100_000

# A requirement: (language, skills, kind index (0 public, 1 private), hostile);
# each has one pool per escalation level. Plain ints hash faster than enums.
_Req = tuple[str | None, frozenset[str], int, bool]
# A queued case's place: ((aged priority, deadline, created, seq), case id).
_Place = tuple[tuple[float, float, float, int], str]

# Heap entry layout, most significant first:
#   load of the kind | total load (_TOTAL_BITS) | last assignment (_STAMP_BITS) | id rank
_ID_BITS = 64
_ID_MASK = (1 << _ID_BITS) - 1
_ID_STEP = 1 << 32  # room left between ranks when ids arrive in order
_STAMP_BITS = 62
_STAMP_ZERO = 1 << 61  # microsecond offset that makes every datetime's stamp positive,
# so that a stamp of 0 means "never assigned"
_TAIL_BITS = _STAMP_BITS + _ID_BITS
_TOTAL_BITS = 40
_SWEEP_MIN = 1024  # agent changes between sweeps for stale entries, at least


def _head(load: int, total: int) -> int:
    """The high bits of a heap entry: the load of its kind of work, then the total load."""
    if load < 16 and total < 32:
        return _HEADS[load << 5 | total]  # the usual loads: made once
    return (load << _TOTAL_BITS | total) << _TAIL_BITS


_HEADS = [(load << _TOTAL_BITS | total) << _TAIL_BITS for load in range(16) for total in range(32)]


def jain_index(values: Iterable[float]) -> float | None:
    """Jain's fairness index: 1.0 when everyone carries the same, 1/n when one carries all."""
    xs = list(values)
    if not xs or not any(xs):
        return None
    return sum(xs) ** 2 / (len(xs) * sum(x * x for x in xs))


def _speaks(languages: frozenset[str], wanted: str | None) -> bool:
    if wanted is None:
        return True
    primary = wanted.split("-", 1)[0].lower()
    return wanted in languages or primary in languages


def _requirement(request: RoutingRequest) -> _Req:
    kind = 0 if request.kind is WorkKind.PUBLIC else 1
    return (request.language, request.skills, kind, request.hostile)


@attrs.define(slots=True, eq=False)
class _Pool:
    """The agents qualified for one requirement at one escalation level.

    ``heap`` holds packed entries, some stale; ``cooling`` the entries of agents
    set aside until their hostile cool-down ends; ``queue`` the cases waiting in
    this pool, in order.
    """

    requirement: _Req
    level: int
    kind: int
    heap: list[int] = attrs.field(factory=list)
    cooling: list[tuple[float, int]] = attrs.field(factory=list)
    queue: list[_Place] = attrs.field(factory=list)
    members: int = 0
    online: int = 0


@attrs.define(slots=True, eq=False)
class _AgentState:
    agent: Agent
    presence: Presence
    min_step: int
    rank: int
    id: str = ""
    considered: tuple[str, ...] = ()
    held: tuple[tuple[str, WorkKind], tuple[str, WorkKind]] = (
        ("", WorkKind.PUBLIC),
        ("", WorkKind.PRIVATE),
    )
    load: list[int] = attrs.field(factory=lambda: [0, 0])
    limits: tuple[int, int] = (0, 0)
    pools: list[_Pool] = attrs.field(factory=list)
    # The heaps of ``pools`` by kind of work, for pushing without a lookup; the
    # heaps of hostile pools apart, as they get no entries while the agent is parked.
    heaps: tuple[list[list[int]], list[list[int]]] = attrs.field(factory=lambda: ([], []))
    hostile_heaps: tuple[list[list[int]], list[list[int]]] = attrs.field(factory=lambda: ([], []))
    # Parked: took hostile work so recently (or so often this shift) that it cannot
    # take more before ``parked_until`` (infinity: before the next shift).
    parked: bool = False
    parked_until: float = 0.0
    # The current heap entry per kind of work; None without room or when not available.
    keys: tuple[int | None, int | None] = (None, None)
    # The low bits of every key: the time of the last assignment (in microseconds
    # from _STAMP_ZERO; 0: never), then the id rank.
    tail: int = 0
    hostile_count: int = 0
    last_hostile: datetime | None = None
    available_since: datetime | None = None
    available_seconds: float = 0.0
    assignments: int = 0
    whys: dict[int, str] = attrs.field(factory=dict)

    def __attrs_post_init__(self) -> None:
        self.id = self.agent.id
        self.considered = (self.agent.id,)
        self.held = ((self.agent.id, WorkKind.PUBLIC), (self.agent.id, WorkKind.PRIVATE))
        self.limits = (self.agent.capacity.public, self.agent.capacity.private)
        self.tail = self.rank

    def has_room(self, kind: WorkKind) -> bool:
        index = 0 if kind is WorkKind.PUBLIC else 1
        return self.presence is Presence.AVAILABLE and self.load[index] < self.limits[index]

    def current_keys(self) -> tuple[int | None, int | None]:
        """The heap entry the agent should have now, per kind of work."""
        if self.presence is not Presence.AVAILABLE:
            return None, None
        public, private = self.load
        total = public + private
        limits = self.limits
        return (
            _head(public, total) | self.tail if public < limits[0] else None,
            _head(private, total) | self.tail if private < limits[1] else None,
        )


@attrs.define(slots=True, eq=False)
class _Waiting:
    request: RoutingRequest
    seq: int
    step: int
    step_since: datetime
    key: tuple[float, float, float, int]


@attrs.define(slots=True)
class FairnessReport:
    """How evenly work is spread.

    Args:
        per_agent: Assignments per available hour, by agent (agents with no
            available time are left out).
        jain: Jain's index of those rates: 1.0 is perfectly even.
        spread: Highest minus lowest rate.
    """

    per_agent: dict[str, float]
    jain: float | None
    spread: float | None


@attrs.define
class Router:
    """Sans-I/O routing engine; every input takes ``now`` and returns decisions.

    Inputs: :meth:`add_agent`, :meth:`set_presence`, :meth:`submit`,
    :meth:`reprioritize`, :meth:`release`, :meth:`withdraw`, :meth:`tick`.
    Each returns the decisions it caused (assignments of queued work included),
    each with an :class:`Explanation`. The same inputs always give the same
    decisions.

    Among qualified agents with room the least loaded (for that kind of work,
    then overall) wins, ties going to the one idle longest. Queued work is
    served by priority with aging, then nearest deadline, then age.

    Args:
        policy: Certifications for public replies and hostile cases, the
            hostile-exposure cap and cool-down, the sticky window, aging, and
            the escalation steps (each widening the target to a team).
    """

    policy: Policy = attrs.field(factory=Policy)
    _agents: dict[str, _AgentState] = attrs.field(init=False, factory=dict)
    _by_rank: dict[int, _AgentState] = attrs.field(init=False, factory=dict)
    _ids: list[str] = attrs.field(init=False, factory=list)  # every id ever added, sorted
    _ranks: dict[str, int] = attrs.field(init=False, factory=dict)
    _pools: dict[_Req, list[_Pool]] = attrs.field(init=False, factory=dict)
    _queue: dict[str, _Waiting] = attrs.field(init=False, factory=dict)
    _waiting_in: dict[_Pool, None] = attrs.field(init=False, factory=dict)
    _timeouts: list[tuple[float, int, str, int]] = attrs.field(init=False, factory=list)
    _cooling: list[tuple[float, str]] = attrs.field(init=False, factory=list)  # parked agents
    _assigned: dict[str, tuple[str, WorkKind]] = attrs.field(init=False, factory=dict)
    _sticky: OrderedDict[str, tuple[str, datetime]] = attrs.field(init=False, factory=OrderedDict)
    _conditions: list[Condition | None] = attrs.field(init=False, factory=list)
    _team_step: dict[str, int] = attrs.field(init=False, factory=dict)
    _levels: int = attrs.field(init=False, default=0)
    _seq: int = attrs.field(init=False, default=0)
    _aging: float = attrs.field(init=False, default=1.0)
    _changes: int = attrs.field(init=False, default=0)  # agent changes since the last sweep
    _sweep_at: int = attrs.field(init=False, default=_SWEEP_MIN)
    # Every agent's current entry, per kind of work: a heap entry is current exactly
    # when it is in here, which one set lookup tells.
    _live: tuple[set[int], set[int]] = attrs.field(init=False, factory=lambda: (set(), set()))
    _clock: datetime | None = attrs.field(init=False, default=None)  # the last ``now`` seen
    _clock_seconds: float = attrs.field(init=False, default=0.0)  # its timestamp()
    _clock_tail: int = attrs.field(init=False, default=0)  # its stamp, shifted into a tail

    def __attrs_post_init__(self) -> None:
        for index, rule in enumerate(self.policy.escalation, start=1):
            self._conditions.append(rule.condition())
            self._team_step.setdefault(rule.target, index)
        self._levels = len(self.policy.escalation)
        self._aging = self.policy.routing.aging_step.total_seconds()

    # agents ----------------------------------------------------------------------------------

    def add_agent(self, agent: Agent, *, now: datetime) -> list[Decision]:
        """Add an agent, or update one (skills, capacity, teams); queued work may go to them."""
        rank = self._rank(agent.id)
        old = self._agents.pop(agent.id, None)
        if old is not None:
            for pool in old.pools:
                pool.members -= 1
                pool.online -= old.presence is not Presence.OFFLINE
            for live, key in zip(self._live, old.keys, strict=True):
                live.discard(key)
        teams = [self._team_step[t] for t in agent.teams if t in self._team_step]
        state = _AgentState(
            agent=agent, presence=agent.presence, min_step=min(teams, default=0), rank=rank
        )
        if old is not None:
            state.load = old.load
            state.assignments = old.assignments
            state.tail = old.tail
            state.hostile_count, state.last_hostile = old.hostile_count, old.last_hostile
            state.parked, state.parked_until = old.parked, old.parked_until
            state.available_seconds = old.available_seconds
            state.whys = old.whys
        if agent.presence is Presence.AVAILABLE:
            state.available_since = now
        self._agents[agent.id] = state
        self._by_rank[rank] = state
        for pools in self._pools.values():
            for pool in pools:
                if self._qualifies(state, pool.requirement, pool.level):
                    self._join(state, pool)
        if old is not None:
            self._forget_left_pools(old, state)
        self._push(state)
        return self._dispatch(now)

    def set_presence(self, agent_id: str, presence: Presence, *, now: datetime) -> list[Decision]:
        """Change an agent's presence; coming back from offline starts a new shift."""
        state = self._agent(agent_id)
        if state.presence is presence:
            return []
        if state.available_since is not None:
            state.available_seconds += (now - state.available_since).total_seconds()
            state.available_since = None
        was_online = state.presence is not Presence.OFFLINE
        if not was_online:
            state.hostile_count = 0  # a new shift: the exposure cap starts over
            state.parked = False  # any cool-down left is checked when selecting
        state.presence = presence
        is_online = presence is not Presence.OFFLINE
        if was_online != is_online:
            for pool in state.pools:
                pool.online += 1 if is_online else -1
        if presence is Presence.AVAILABLE:
            state.available_since = now
        self._push(state)
        return self._dispatch(now)

    def release(self, agent_id: str, case_id: str, *, now: datetime) -> list[Decision]:
        """The agent finished a case: its capacity is free for queued work."""
        held = self._assigned.get(case_id)
        if held is None or held[0] != agent_id:
            raise ValidationError(
                f"release: case {case_id!r} is not assigned to {agent_id!r}", field="case_id"
            )
        del self._assigned[case_id]
        state = self._agents[agent_id]
        state.load[0 if held[1] is WorkKind.PUBLIC else 1] -= 1
        self._push(state)
        if not self._queue:
            return []
        return self._dispatch(now, freed=state)

    def agent_load(self, agent_id: str) -> tuple[int, int]:
        """(public, private) cases the agent holds."""
        state = self._agent(agent_id)
        return state.load[0], state.load[1]

    def hostile_exposure(self, agent_id: str) -> int:
        """Hostile cases the agent took in the current shift."""
        return self._agent(agent_id).hostile_count

    # cases -----------------------------------------------------------------------------------

    def submit(self, request: RoutingRequest, *, now: datetime) -> list[Decision]:
        """Route a new case: assign it, queue it, escalate it, or say why nobody can take it."""
        if request.case_id in self._queue or request.case_id in self._assigned:
            raise ValidationError(
                f"submit: case {request.case_id!r} is already routed", field="case_id"
            )
        if request.customer in self._sticky:
            sticky = self._sticky_agent(request, now)
            if sticky is not None:
                return [self._assign(request, sticky, now, "sticky", 1)]
        kind = 0 if request.kind is WorkKind.PUBLIC else 1
        requirement = (request.language, request.skills, kind, request.hostile)
        pools = self._pools.get(requirement) or self._make_pools(requirement)
        if pools[-1].members == 0:
            return [self._unroutable(request, now)]
        self._seq += 1
        decisions: list[Decision] = []
        waiting = None
        pool = pools[0]
        if not pool.online and self._levels:
            waiting = self._waiting(request, now)
            decisions = self._skip_empty_steps(waiting, pools, now)
            pool = pools[waiting.step]
        chosen = self._select(pool, request.hostile, now)
        if chosen is not None:
            assigned = self._assign(request, chosen, now, "least_loaded", pool.members)
            if not decisions:
                return [assigned]
            decisions.append(assigned)
            return decisions
        if waiting is None:
            waiting = self._waiting(request, now)
        self._enqueue(waiting, pool)
        decisions.append(self._queued(waiting, pool, now))
        return decisions

    def restore(self, request: RoutingRequest, agent_id: str, *, now: datetime) -> None:
        """Take back an assignment made before a restart: the agent's load counts it again.

        No decision results and the agent's fairness statistics are untouched.
        """
        if request.case_id in self._queue or request.case_id in self._assigned:
            raise ValidationError(
                f"restore: case {request.case_id!r} is already routed", field="case_id"
            )
        state = self._agent(agent_id)
        state.load[0 if request.kind is WorkKind.PUBLIC else 1] += 1
        self._push(state)
        self._assigned[request.case_id] = (agent_id, request.kind)
        self._sticky[request.customer] = (agent_id, now)

    def reprioritize(self, case_id: str, priority: Priority, *, now: datetime) -> list[Decision]:
        """Change a queued case's priority; returns its new place in the queue."""
        waiting = self._queue.get(case_id)
        if waiting is None:
            return []
        pool = self._dequeue(waiting)
        waiting.request = attrs.evolve(waiting.request, priority=priority)
        waiting.key = self._key(waiting.request, waiting.seq)
        self._enqueue(waiting, pool, timeout=False)
        return [self._queued(waiting, pool, now)]

    def withdraw(self, case_id: str) -> bool:
        """Forget a queued case (resolved before anyone took it)."""
        waiting = self._queue.get(case_id)
        if waiting is None:
            return False
        self._dequeue(waiting)
        return True

    def tick(self, *, now: datetime) -> list[Decision]:
        """Let time pass: escalate cases whose step timed out, and assign what can be."""
        decisions: list[Decision] = []
        deferred = []
        stamp = now.timestamp()
        while self._timeouts and self._timeouts[0][0] <= stamp:
            entry = heapq.heappop(self._timeouts)
            waiting = self._queue.get(entry[2])
            if waiting is None or waiting.step != entry[3]:
                continue  # assigned, withdrawn or already escalated
            condition = self._conditions[waiting.step]
            if condition is not None and not condition.matches(self._facts(waiting.request, now)):
                deferred.append(entry)  # look again at the next tick
                continue
            self._dequeue(waiting)
            waiting.step += 1
            pools = self._pools[_requirement(waiting.request)]
            rule = self.policy.escalation[waiting.step - 1]
            decisions.append(
                self._escalation(waiting, pools, now, f"waited {rule.after} without an agent")
            )
            decisions += self._skip_empty_steps(waiting, pools, now)
            self._enqueue(waiting, pools[waiting.step])
        for entry in deferred:
            heapq.heappush(self._timeouts, entry)
        decisions += self._dispatch(now)
        return decisions

    def queued(self, *, now: datetime) -> list[RoutingRequest]:
        """Queued requests, next to be served first."""
        return [w.request for w in sorted(self._queue.values(), key=lambda w: w.key)]

    def held(self, case_id: str) -> tuple[str, WorkKind] | None:
        """The agent holding ``case_id`` and the kind of capacity it takes, if any."""
        return self._assigned.get(case_id)

    def agent(self, agent_id: str) -> Agent | None:
        """The agent as the router knows them, if known."""
        state = self._agents.get(agent_id)
        return None if state is None else state.agent

    def assignment(self, case_id: str) -> str | None:
        """The agent holding ``case_id``, if any."""
        held = self._assigned.get(case_id)
        return held[0] if held else None

    def fairness(self, *, now: datetime) -> FairnessReport:
        """Assignments per available hour, and how evenly they are spread."""
        rates = {}
        for agent_id, state in sorted(self._agents.items()):
            seconds = state.available_seconds
            if state.available_since is not None:
                seconds += (now - state.available_since).total_seconds()
            if seconds > 0:
                rates[agent_id] = state.assignments / (seconds / 3600)
        values = list(rates.values())
        jain = jain_index(values)
        if jain is None:
            return FairnessReport(per_agent=rates, jain=None, spread=None)
        return FairnessReport(per_agent=rates, jain=jain, spread=max(values) - min(values))

    # internals: pools ------------------------------------------------------------------------

    def _agent(self, agent_id: str) -> _AgentState:
        try:
            return self._agents[agent_id]
        except KeyError:
            raise ValidationError(f"no agent {agent_id!r}", field="agent_id") from None

    def _rank(self, agent_id: str) -> int:
        """An int that sorts like ``agent_id`` among every id the router has seen."""
        rank = self._ranks.get(agent_id)
        if rank is not None:
            return rank
        ids = self._ids
        index = bisect.bisect_left(ids, agent_id)
        low = self._ranks[ids[index - 1]] if index else 0
        high = self._ranks[ids[index]] if index < len(ids) else _ID_MASK + 1
        ids.insert(index, agent_id)
        gap = high - low
        if gap >= 2:
            if index == len(ids) - 1 and index:  # after every other id
                rank = low + min(gap // 2, _ID_STEP)
            elif index == 0 and len(ids) > 1:  # before every other id
                rank = high - min(gap // 2, _ID_STEP)
            else:
                rank = low + gap // 2
            self._ranks[agent_id] = rank
            return rank
        self._renumber()
        return self._ranks[agent_id]

    def _renumber(self) -> None:
        """Spread the id ranks evenly again; every key changes, so the heaps are rebuilt."""
        spacing = (_ID_MASK + 1) // (len(self._ids) + 1)
        self._ranks = {agent_id: (i + 1) * spacing for i, agent_id in enumerate(self._ids)}
        self._by_rank = {}
        self._live = (set(), set())
        for state in self._agents.values():
            state.rank = self._ranks[state.id]
            state.tail = (state.tail & ~_ID_MASK) | state.rank
            state.keys = state.current_keys()
            for live, key in zip(self._live, state.keys, strict=True):
                if key is not None:
                    live.add(key)
            self._by_rank[state.rank] = state
        for pools in self._pools.values():
            for pool in pools:
                pool.heap.clear()
                pool.cooling.clear()  # parked agents come back and are parked again if need be
        for state in self._agents.values():
            for pool in state.pools:
                key = state.keys[pool.kind]
                if key is not None:
                    pool.heap.append(key)
        for pools in self._pools.values():
            for pool in pools:
                heapq.heapify(pool.heap)

    def _qualifies(self, state: _AgentState, requirement: _Req, level: int) -> bool:
        language, skills, kind, hostile = requirement
        agent = state.agent
        if state.min_step > level or not skills <= agent.skills:
            return False
        if kind == 0 and (self.policy.replies.public_certification not in agent.certifications):
            return False
        if hostile and self.policy.routing.hostile_certification not in agent.certifications:
            return False
        return _speaks(agent.languages, language)

    def _join(self, state: _AgentState, pool: _Pool) -> None:
        """Count the agent in; its entry is pushed by the caller."""
        state.pools.append(pool)
        heaps = state.hostile_heaps if pool.requirement[3] else state.heaps
        heaps[pool.kind].append(pool.heap)
        pool.members += 1
        pool.online += state.presence is not Presence.OFFLINE

    def _forget_left_pools(self, old: _AgentState, new: _AgentState) -> None:
        """Drop an updated agent's entries from pools it no longer qualifies for."""
        kept = set(new.pools)
        rank = new.rank
        for pool in old.pools:
            if pool in kept:
                continue
            pool.heap[:] = [entry for entry in pool.heap if entry & _ID_MASK != rank]
            heapq.heapify(pool.heap)
            pool.cooling[:] = [item for item in pool.cooling if item[1] & _ID_MASK != rank]
            heapq.heapify(pool.cooling)

    def _make_pools(self, requirement: _Req) -> list[_Pool]:
        """The pools of a new requirement, one per escalation level (once per requirement)."""
        kind = requirement[2]
        pools = [
            _Pool(requirement=requirement, level=level, kind=kind)
            for level in range(self._levels + 1)
        ]
        for state in self._agents.values():
            if not self._qualifies(state, requirement, self._levels):
                continue
            key = None if requirement[3] and state.parked else state.keys[kind]
            for pool in pools[state.min_step :]:
                self._join(state, pool)
                if key is not None:
                    pool.heap.append(key)
        for pool in pools:
            heapq.heapify(pool.heap)
        self._pools[requirement] = pools
        return pools

    def _push(self, state: _AgentState) -> None:
        """The agent changed: push its current entries into all its pools."""
        live_public, live_private = self._live
        public, private = state.keys
        if public is not None:
            live_public.discard(public)
        if private is not None:
            live_private.discard(private)
        if state.presence is not Presence.AVAILABLE:
            state.keys = (None, None)
            return
        load_public, load_private = state.load
        total = load_public + load_private
        tail = state.tail
        limits = state.limits
        push = heapq.heappush
        public = private = None
        if load_public < limits[0]:
            public = (
                _HEADS[load_public << 5 | total]
                if load_public < 16 and total < 32
                else _head(load_public, total)
            ) | tail
            live_public.add(public)
            for heap in state.heaps[0]:
                push(heap, public)
            if not state.parked:
                for heap in state.hostile_heaps[0]:
                    push(heap, public)
        if load_private < limits[1]:
            private = (
                _HEADS[load_private << 5 | total]
                if load_private < 16 and total < 32
                else _head(load_private, total)
            ) | tail
            live_private.add(private)
            for heap in state.heaps[1]:
                push(heap, private)
            if not state.parked:
                for heap in state.hostile_heaps[1]:
                    push(heap, private)
        state.keys = (public, private)
        self._changes += 1
        if self._changes > self._sweep_at:
            self._sweep()

    def _park(self, state: _AgentState) -> None:
        """The agent just took hostile work: keep it out of hostile pools until it may again."""
        state.parked = True
        state.parked_until = self._hostile_ready_at(state)
        if state.parked_until != _FAR:  # capped: back with the next shift
            heapq.heappush(self._cooling, (state.parked_until, state.id))

    def _wake(self, stamp: float) -> None:
        """Agents whose hostile cool-down is over go back into their hostile pools."""
        cooling = self._cooling
        while cooling and cooling[0][0] <= stamp:
            ready, agent_id = heapq.heappop(cooling)
            state = self._agents.get(agent_id)
            if state is not None and state.parked and state.parked_until == ready:
                state.parked = False
                for key, heaps in zip(state.keys, state.hostile_heaps, strict=True):
                    if key is not None:
                        for heap in heaps:
                            heapq.heappush(heap, key)

    def _sweep(self) -> None:
        """Drop stale entries so churn never grows a heap without bound.

        Runs after as many agent changes as there are agents (or pools), so its
        cost is a constant share of the pushes whatever the size of the team.
        """
        pools = 0
        for levels in self._pools.values():
            for pool in levels:
                pools += 1
                heap = pool.heap
                if len(heap) > 2 * pool.members + 16:
                    heap[:] = self._live[pool.kind].intersection(heap)
                    heapq.heapify(heap)
        self._changes = 0
        self._sweep_at = max(_SWEEP_MIN, len(self._agents), pools)

    def _tell_time(self, now: datetime) -> None:
        """Convert ``now`` once, however many times it is used."""
        seconds = now.timestamp()
        self._clock, self._clock_seconds = now, seconds
        self._clock_tail = (round(seconds * 1_000_000) + _STAMP_ZERO) << _ID_BITS

    def _hostile_ok(self, state: _AgentState, now: datetime) -> bool:
        rules = self.policy.routing
        if state.hostile_count >= rules.hostile_cap_per_shift:
            return False
        return state.last_hostile is None or now - state.last_hostile >= rules.hostile_cooldown

    def _hostile_ready_at(self, state: _AgentState) -> float:
        """When the agent may take hostile work again (infinity: not this shift)."""
        rules = self.policy.routing
        if state.hostile_count >= rules.hostile_cap_per_shift:
            return _FAR
        if state.last_hostile is None:
            return float("-inf")
        return (state.last_hostile + rules.hostile_cooldown).timestamp()

    def _waking(self, now: datetime) -> bool:
        """Whether parked agents come back into their hostile pools at ``now``."""
        if not self._cooling:
            return False
        if now is not self._clock:
            self._tell_time(now)
        return self._cooling[0][0] <= self._clock_seconds

    def _select(self, pool: _Pool, hostile: bool, now: datetime) -> _AgentState | None:
        """Take the best agent of the pool with room, if any, for an assignment.

        Its entry leaves the heap (the assignment pushes new ones), and so do the
        stale entries found on the way.
        """
        heap = pool.heap
        if hostile and (pool.cooling or self._cooling):
            if now is not self._clock:
                self._tell_time(now)
            stamp = self._clock_seconds
            if self._cooling and self._cooling[0][0] <= stamp:
                self._wake(stamp)
            cooling = pool.cooling
            while cooling and cooling[0][0] <= stamp:
                heapq.heappush(heap, heapq.heappop(cooling)[1])
        live = self._live[pool.kind]
        while heap:
            top = heap[0]
            if top not in live:
                # Stale: the agent changed since, or is away or full. A current entry
                # was pushed with the change, if there is one.
                heapq.heappop(heap)
                continue
            state = self._by_rank[top & _ID_MASK]
            if hostile and not self._hostile_ok(state, now):
                # Not allowed hostile work yet (say, a new shift began within a cool-down):
                # set aside until the cool-down ends; at the cap, until the next shift.
                heapq.heappop(heap)
                ready = self._hostile_ready_at(state)
                if ready != _FAR:
                    heapq.heappush(pool.cooling, (ready, top))
                continue
            heapq.heappop(heap)
            return state
        return None

    def _sticky_agent(self, request: RoutingRequest, now: datetime) -> _AgentState | None:
        link = self._sticky.get(request.customer)
        if link is None or now - link[1] > self.policy.routing.sticky_window:
            return None
        state = self._agents.get(link[0])
        if state is None or not state.has_room(request.kind):
            return None
        if not self._qualifies(state, _requirement(request), self._levels):
            return None
        if request.hostile and not self._hostile_ok(state, now):
            return None
        return state

    # internals: the queue --------------------------------------------------------------------

    def _key(self, request: RoutingRequest, seq: int) -> tuple[float, float, float, int]:
        created = request.created_at.timestamp()
        aged_from = created // self._aging  # the rank gained by waiting is counted from here
        deadline = request.deadline.timestamp() if request.deadline else _FAR
        return (aged_from - request.priority.rank, deadline, created, seq)

    def _waiting(self, request: RoutingRequest, now: datetime) -> _Waiting:
        seq = self._seq
        return _Waiting(
            request=request, seq=seq, step=0, step_since=now, key=self._key(request, seq)
        )

    def _enqueue(self, waiting: _Waiting, pool: _Pool, *, timeout: bool = True) -> None:
        case_id = waiting.request.case_id
        self._queue[case_id] = waiting
        if not pool.queue:
            self._waiting_in[pool] = None
        bisect.insort(pool.queue, (waiting.key, case_id))
        if timeout and waiting.step < self._levels:
            due = waiting.step_since + self.policy.escalation[waiting.step].after
            heapq.heappush(self._timeouts, (due.timestamp(), waiting.seq, case_id, waiting.step))

    def _dequeue(self, waiting: _Waiting) -> _Pool:
        case_id = waiting.request.case_id
        del self._queue[case_id]
        pool = self._pools[_requirement(waiting.request)][waiting.step]
        queue = pool.queue
        del queue[bisect.bisect_left(queue, (waiting.key, case_id))]
        if not queue:
            del self._waiting_in[pool]
        return pool

    def _position(self, waiting: _Waiting) -> int:
        probe = (waiting.key, waiting.request.case_id)
        return 1 + sum(bisect.bisect_left(pool.queue, probe) for pool in self._waiting_in)

    def _dispatch(self, now: datetime, freed: _AgentState | None = None) -> list[Decision]:
        """Give free capacity to queued work, most urgent (after aging) first.

        Cases in one pool's queue have identical requirements, so when its first
        case finds nobody, the rest need not be tried. When one agent's capacity
        freed (``freed``), only the queues of its pools are tried. A pool with no
        agent to look at is passed over until an assignment pushes one into it.
        """
        if not self._queue:
            return []
        if freed is None:
            candidates = list(self._waiting_in)
        elif freed.presence is not Presence.AVAILABLE:
            return []
        else:
            candidates = [pool for pool in freed.pools if pool.queue]
        if not candidates:
            return []
        waking = self._waking(now)
        heads = []
        idle = []
        for pool in candidates:
            if pool.heap or pool.cooling or (waking and pool.requirement[3]):
                heads.append((pool.queue[0], pool))
            else:
                idle.append(pool)
        heapq.heapify(heads)
        decisions: list[Decision] = []
        while heads:
            place, pool = heapq.heappop(heads)
            waiting = self._queue[place[1]]
            request = waiting.request
            chosen = self._select(pool, request.hostile, now)
            if chosen is None:
                continue
            self._dequeue(waiting)
            decisions.append(self._assign(request, chosen, now, "least_loaded", pool.members))
            if pool.queue:
                heapq.heappush(heads, (pool.queue[0], pool))
            if idle:
                # The agent's new entries give its idle pools someone to look at; such a
                # pool is tried in its turn, unless that has passed (it found nobody then).
                for other in chosen.pools:
                    if other in idle and other.heap and other.queue[0] > place:
                        idle.remove(other)
                        heapq.heappush(heads, (other.queue[0], other))
        return decisions

    # internals: decisions --------------------------------------------------------------------

    def _assign(
        self, request: RoutingRequest, state: _AgentState, now: datetime, rule: str, eligible: int
    ) -> Assigned:
        """Give the case (not queued, or already dequeued) to the agent."""
        kind = request.kind
        index = 0 if kind is WorkKind.PUBLIC else 1
        load = state.load
        before = load[index]
        load[index] = before + 1
        if now is not self._clock:
            self._tell_time(now)
        state.tail = self._clock_tail | state.rank
        state.assignments += 1
        if request.hostile:
            state.hostile_count += 1
            state.last_hostile = now
            self._park(state)
        self._push(state)
        agent_id = state.id
        case_id = request.case_id
        self._assigned[case_id] = state.held[index]
        sticky = self._sticky
        customer = request.customer
        sticky[customer] = (agent_id, now)
        sticky.move_to_end(customer)
        if len(sticky) > STICKY_LIMIT:
            sticky.popitem(last=False)
        if rule == "sticky":
            why = sys.intern(f"{agent_id} handled this customer recently and has room")
        else:
            # The same few sentences recur on every case: make each once per agent.
            code = 2 * before + index
            found = state.whys.get(code)
            if found is None:
                found = state.whys[code] = sys.intern(
                    f"{agent_id} is the least loaded qualified agent with room "
                    f"({before} {kind.value} case(s) before this one), idle the longest"
                )
            why = found
        explanation = make_explanation(rule, eligible, state.considered, why)
        return make_assigned(case_id, agent_id, now, explanation)

    def _queued(self, waiting: _Waiting, pool: _Pool, now: datetime) -> Queued:
        eligible = pool.members
        reason = "no qualified agent has room" if pool.online else "no qualified agent is online"
        explanation = make_explanation(
            "no_capacity",
            eligible,
            (),
            f"{eligible} qualified agent(s) in the current target, none free",
        )
        return make_queued(
            waiting.request.case_id, self._position(waiting), reason, now, explanation
        )

    def _unroutable(self, request: RoutingRequest, now: datetime) -> Unroutable:
        agents = [s.agent for s in self._agents.values()]
        certs = set()
        if request.kind is WorkKind.PUBLIC:
            certs.add(self.policy.replies.public_certification)
        if request.hostile:
            certs.add(self.policy.routing.hostile_certification)
        if request.language and not any(_speaks(a.languages, request.language) for a in agents):
            reason = f"no agent speaks {request.language!r}"
        elif not any(request.skills <= a.skills for a in agents):
            reason = f"no agent has the skills {sorted(request.skills)}"
        elif not any(certs <= a.certifications for a in agents):
            reason = f"no agent holds the certifications {sorted(certs)}"
        else:
            reason = "no agent combines the language, skills and certifications needed"
        return Unroutable(
            case_id=request.case_id,
            reason=reason,
            at=now,
            explanation=Explanation(
                rule="no_qualified_agent", eligible=0, considered=(), why=reason
            ),
        )

    def _facts(self, request: RoutingRequest, now: datetime) -> dict[str, Any]:
        return {
            "priority": request.priority,
            "platform": request.platform,
            "language": request.language,
            "kind": request.kind.value,
            "hostile": request.hostile,
            "labels": request.labels,
            "skills": request.skills,
            "waited_minutes": (now - request.created_at).total_seconds() / 60,
        }

    def _escalation(
        self, waiting: _Waiting, pools: list[_Pool], now: datetime, reason: str
    ) -> Escalated:
        rule = self.policy.escalation[waiting.step - 1]
        waiting.step_since = now
        return Escalated(
            case_id=waiting.request.case_id,
            target=rule.target,
            step=waiting.step,
            at=now,
            explanation=Explanation(
                rule=f"escalation:{rule.name}",
                eligible=pools[waiting.step].members,
                considered=(),
                why=reason,
            ),
        )

    def _skip_empty_steps(
        self, waiting: _Waiting, pools: list[_Pool], now: datetime
    ) -> list[Decision]:
        decisions: list[Decision] = []
        while waiting.step < self._levels and not pools[waiting.step].online:
            waiting.step += 1
            decisions.append(
                self._escalation(
                    waiting, pools, now, "nobody in the current target is qualified and online"
                )
            )
        return decisions
