"""The router: who takes which case, decided in-process, deterministically, and explained.

Agents are indexed by what they can do. Every distinct requirement a case can
have — language, skills, kind of work, hostility — gets one *pool* per
escalation level: a heap of the qualified agents ordered by load and idle time,
built the first time such a case arrives and kept current as agents change. A
decision looks at one pool's top instead of scanning the team, so its cost
barely grows with the number of agents.

A heap entry is one integer that sorts exactly like the tuple (load of the
kind of work, total load, time of the last assignment, agent id): the fields are
packed side by side, the time as an order-keeping number (a stamp: the n-th
distinct time anyone was assigned at) and the id as an order-keeping rank; the
lowest bits hold the agent's index, which finds it in a list. Integers compare
several times faster than tuples. Entries are not removed when an agent changes;
a new one is pushed, and an old one is dropped when it reaches the top (or when
the heap is rebuilt from its members, once it has grown to twice their number):
an entry is current exactly when it is the very object its agent holds as its
entry, which the index finds in one step.

Pushes are deferred: a changed agent is marked, and its entries are pushed just
before a heap is next read. An agent that changes twice in between (it takes a
case and releases one) pushes once.

Agents who just took hostile work are *parked*: until their cool-down ends they
get no entries in hostile pools, which would only be set aside at every look.

The queue is kept in order instead of being sorted per decision: aging counts
absolute steps (a case gains a rank at every ``aging_step`` boundary it waits
through), which makes the order between two waiting cases independent of the
current time. A case's place is one integer too, and a list of every place in
order gives its position with one bisection.
"""

from __future__ import annotations

import bisect
import heapq
import operator
import struct
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
    _AssignedDraft,
    _ExplanationDraft,
    make_explanation,
    make_queued,
)

# Enum members as globals: on Python 3.11, reading a member from its class goes
# through ``EnumType.__getattr__``, a slow path, on every use.
_PUBLIC = WorkKind.PUBLIC
_PRIVATE = WorkKind.PRIVATE
_AVAILABLE = Presence.AVAILABLE
_OFFLINE = Presence.OFFLINE
_FAR = float("inf")
#: How many sticky customer -> agent links the router remembers.
STICKY_LIMIT = 100_000

# A requirement: (language, skills, kind index (0 public, 1 private), hostile);
# each has one pool per escalation level. Plain ints hash faster than enums.
_Req = tuple[str | None, frozenset[str], int, bool]
# A queued case's place: (key, case id). The key is one int that sorts like the tuple
# (aged priority, deadline, created, seq), each a 64-bit field (see ``_ordered``).
_Place = tuple[int, str]
# A held case: (agent id, kind of work, the agent's state).
_Held = tuple[str, WorkKind, "_AgentState | None"]

# Heap entry layout, most significant first:
#   load of the kind | total load (_TOTAL_BITS) | last assignment (_STAMP_BITS) | id rank
#   (_ID_BITS) | agent index (_INDEX_BITS)
# The rank sorts like the agent ids; the index, below it, never decides the order (ranks
# differ) but finds the entry's agent in a list.
_INDEX_BITS = 24
_INDEX_MASK = (1 << _INDEX_BITS) - 1
_ID_BITS = 64
_ID_LIMIT = 1 << _ID_BITS
_ID_STEP = 1 << 32  # room left between ranks when ids arrive in order
_LOW_BITS = _ID_BITS + _INDEX_BITS
_LOW_MASK = (1 << _LOW_BITS) - 1
# The time of the last assignment, as a number that sorts like the times do
# (1 for the earliest time anyone was assigned at, and so on; 0: never assigned).
_STAMP_BITS = 48
_STAMP_LIMIT = (1 << _STAMP_BITS) - 1
_TAIL_BITS = _STAMP_BITS + _LOW_BITS
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


_DOUBLE = struct.Struct("<d")
_INT64 = struct.Struct("<q")
_SIGN = 1 << 63


def _ordered(value: float) -> int:
    """An int in [0, 2**64) that sorts like ``value`` (a float, not NaN) among floats.

    The bits of a float sort like the float for positive numbers and the other way
    round for negative ones: flipping the latter and offsetting all gives the order.
    """
    bits: int = _INT64.unpack(_DOUBLE.pack(value))[0]
    return (bits if bits >= 0 else -(bits & (_SIGN - 1))) + _SIGN


def _requirement(request: RoutingRequest) -> _Req:
    kind = 0 if request.kind is _PUBLIC else 1
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
    cooling: list[tuple[datetime, int]] = attrs.field(factory=list)
    queue: list[_Place] = attrs.field(factory=list)
    agents: list[_AgentState] = attrs.field(factory=list)  # the members
    members: int = 0
    online: int = 0


@attrs.define(slots=True, eq=False)
class _AgentState:
    # What the router keeps per agent. Pairs are kept as two fields, not a tuple or
    # list, to spare an object (and, with many agents, a cache miss) on every use.
    agent: Agent
    presence: Presence
    min_step: int
    rank: int
    index: int  # the order the agent was first added in, from 0
    id: str = ""
    considered: tuple[str, ...] = ()
    # What the router keeps per held case: the agent's id, the kind of work, the agent.
    held_public: _Held = ("", _PUBLIC, None)
    held_private: _Held = ("", _PRIVATE, None)
    public_load: int = 0
    private_load: int = 0
    public_limit: int = 0
    private_limit: int = 0
    # Whether the head of every entry it can get is in ``_HEADS``: true while limits and
    # loads are at most 16 (a kind with room then has a load below 16, the total is
    # below 32); loads only pass the limits through ``restore`` or a smaller capacity.
    small: bool = True
    pools: list[_Pool] = attrs.field(factory=list)
    hostile_pools: list[_Pool] = attrs.field(factory=list)  # those of ``pools`` for hostile cases
    # The heaps of ``pools`` by kind of work, for pushing without a lookup: all of
    # them, those of pools for cases that are not hostile (all an agent gets entries
    # in while parked), and those of hostile pools.
    public_heaps: list[list[int]] = attrs.field(factory=list)
    private_heaps: list[list[int]] = attrs.field(factory=list)
    calm_public_heaps: list[list[int]] = attrs.field(factory=list)
    calm_private_heaps: list[list[int]] = attrs.field(factory=list)
    hostile_heaps: tuple[list[list[int]], list[list[int]]] = attrs.field(factory=lambda: ([], []))
    # Parked: took hostile work so recently (or so often this shift) that it cannot
    # take more before ``parked_until`` (None: before the next shift).
    parked: bool = False
    parked_until: datetime | None = None
    # Changed since its entries were last pushed (it is in the router's dirty list).
    dirty: bool = False
    # The heap entry per kind of work as last pushed; None without room or when not
    # available. Current only once the router has flushed its dirty agents: an entry in
    # a heap is current exactly when it is (the very object) its agent's key.
    public_key: int | None = None
    private_key: int | None = None
    # The low bits of every key: the time of the last assignment (its stamp; 0:
    # never), then the id rank and the index (``low``).
    tail: int = 0
    low: int = 0
    assigned_at: datetime | None = None  # the time of the last assignment
    hostile_count: int = 0
    last_hostile: datetime | None = None
    available_since: datetime | None = None
    available_seconds: float = 0.0
    assignments: int = 0
    whys: dict[int, str] = attrs.field(factory=dict)
    replaced: bool = False  # updated by ``add_agent``: a new state took its place

    def __attrs_post_init__(self) -> None:
        self.id = self.agent.id
        self.considered = (self.agent.id,)
        self.held_public = (self.agent.id, _PUBLIC, self)
        self.held_private = (self.agent.id, _PRIVATE, self)
        self.public_limit = self.agent.capacity.public
        self.private_limit = self.agent.capacity.private
        self.low = self.rank << _INDEX_BITS | self.index
        self.tail = self.low
        self.check_small()

    def check_small(self) -> None:
        self.small = (
            self.public_limit <= 16
            and self.private_limit <= 16
            and self.public_load <= 16
            and self.private_load <= 16
        )

    def has_room(self, kind: WorkKind) -> bool:
        if self.presence is not _AVAILABLE:
            return False
        if kind is _PUBLIC:
            return self.public_load < self.public_limit
        return self.private_load < self.private_limit

    def keys(self) -> tuple[int | None, int | None]:
        """The entries last pushed, per kind of work."""
        return self.public_key, self.private_key

    def current_keys(self) -> tuple[int | None, int | None]:
        """The heap entry the agent should have now, per kind of work."""
        if self.presence is not _AVAILABLE:
            return None, None
        public, private = self.public_load, self.private_load
        total = public + private
        return (
            _head(public, total) | self.tail if public < self.public_limit else None,
            _head(private, total) | self.tail if private < self.private_limit else None,
        )


_KEY_OF = (operator.attrgetter("public_key"), operator.attrgetter("private_key"))


@attrs.define(slots=True, eq=False)
class _Waiting:
    request: RoutingRequest
    seq: int
    step: int
    step_since: datetime
    key: int


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
    _by_index: list[_AgentState] = attrs.field(init=False, factory=list)  # agents by index
    _ids: list[str] = attrs.field(init=False, factory=list)  # every id ever added, sorted
    _ranks: dict[str, int] = attrs.field(init=False, factory=dict)
    _pools: dict[_Req, list[_Pool]] = attrs.field(init=False, factory=dict)
    _queue: dict[str, _Waiting] = attrs.field(init=False, factory=dict)
    _order: list[_Place] = attrs.field(init=False, factory=list)  # every queued place, in order
    _waiting_in: dict[_Pool, None] = attrs.field(init=False, factory=dict)  # pools with a queue
    _calm_waiting: int = attrs.field(init=False, default=0)  # those for cases not hostile
    _timeouts: list[tuple[float, int, str, int]] = attrs.field(init=False, factory=list)
    _cooling: list[tuple[datetime, str]] = attrs.field(init=False, factory=list)  # parked agents
    _assigned: dict[str, _Held] = attrs.field(init=False, factory=dict)
    _sticky: OrderedDict[str, tuple[str, datetime]] = attrs.field(init=False, factory=OrderedDict)
    _conditions: list[Condition | None] = attrs.field(init=False, factory=list)
    _team_step: dict[str, int] = attrs.field(init=False, factory=dict)
    _levels: int = attrs.field(init=False, default=0)
    _seq: int = attrs.field(init=False, default=0)
    _aging: float = attrs.field(init=False, default=1.0)
    _changes: int = attrs.field(init=False, default=0)  # agent changes since the last sweep
    _sweep_at: int = attrs.field(init=False, default=_SWEEP_MIN)
    # Agents changed since their entries were last pushed.
    _dirty: list[_AgentState] = attrs.field(init=False, factory=list)
    # Assignment times as stamps: the latest time anyone was assigned at and its stamp;
    # an earlier time than that renumbers every agent's stamp.
    _latest: datetime | None = attrs.field(init=False, default=None)
    _stamp: int = attrs.field(init=False, default=0)
    _clock: datetime | None = attrs.field(init=False, default=None)  # the last ``now`` stamped
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
        self._flush()
        rank = self._rank(agent.id)
        old = self._agents.pop(agent.id, None)
        if old is not None:
            for pool in old.pools:
                pool.members -= 1
                pool.online -= old.presence is not _OFFLINE
                pool.agents.remove(old)
            old.replaced = True
            old.public_key = old.private_key = None  # its entries are no longer current
            index = old.index
        else:
            index = len(self._agents)  # agents are never removed: each gets the next index
            if index > _INDEX_MASK:
                raise ValidationError(
                    f"add_agent: a router takes at most {_INDEX_MASK + 1} agents", field="id"
                )
        teams = [self._team_step[t] for t in agent.teams if t in self._team_step]
        state = _AgentState(
            agent=agent,
            presence=agent.presence,
            min_step=min(teams, default=0),
            rank=rank,
            index=index,
        )
        if old is not None:
            state.public_load, state.private_load = old.public_load, old.private_load
            state.check_small()
            state.assignments = old.assignments
            state.tail = old.tail
            state.assigned_at = old.assigned_at
            state.hostile_count, state.last_hostile = old.hostile_count, old.last_hostile
            state.parked, state.parked_until = old.parked, old.parked_until
            state.available_seconds = old.available_seconds
            state.whys = old.whys
        if agent.presence is _AVAILABLE:
            state.available_since = now
        self._agents[agent.id] = state
        if old is None:
            self._by_index.append(state)
        else:
            self._by_index[index] = state
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
        was_online = state.presence is not _OFFLINE
        if not was_online:
            state.hostile_count = 0  # a new shift: the exposure cap starts over
            state.parked = False  # any cool-down left is checked when selecting
        state.presence = presence
        is_online = presence is not _OFFLINE
        if was_online != is_online:
            for pool in state.pools:
                pool.online += 1 if is_online else -1
        if presence is _AVAILABLE:
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
        state = held[2]
        if state is None or state.replaced:
            state = self._agents[agent_id]
        if held[1] is _PUBLIC:
            state.public_load -= 1
        else:
            state.private_load -= 1
        if not state.dirty:
            state.dirty = True
            self._dirty.append(state)
        if not self._queue or state.presence is not _AVAILABLE:
            return []
        # Whether _dispatch has anything to try: a pool of the agent's with queued work
        # (most often there is none, and no need to call it).
        pools = state.pools if self._calm_waiting else state.hostile_pools
        for pool in pools:
            if pool.queue:
                return self._dispatch(now, freed=state)
        return []

    def agent_load(self, agent_id: str) -> tuple[int, int]:
        """(public, private) cases the agent holds."""
        state = self._agent(agent_id)
        return state.public_load, state.private_load

    def hostile_exposure(self, agent_id: str) -> int:
        """Hostile cases the agent took in the current shift."""
        return self._agent(agent_id).hostile_count

    # cases -----------------------------------------------------------------------------------

    def submit(self, request: RoutingRequest, *, now: datetime) -> list[Decision]:
        """Route a new case: assign it, queue it, escalate it, or say why nobody can take it."""
        case_id = request.case_id
        if case_id in self._queue or case_id in self._assigned:
            raise ValidationError(f"submit: case {case_id!r} is already routed", field="case_id")
        if self._dirty:
            self._flush()
        known = request.customer in self._sticky
        if known:
            sticky = self._sticky_agent(request, now)
            if sticky is not None:
                return [self._assign(request, sticky, now, "sticky", 1, known)]
        hostile = request.hostile
        kind = 0 if request.kind is _PUBLIC else 1
        requirement = (request.language, request.skills, kind, hostile)
        pools = self._pools.get(requirement) or self._make_pools(requirement)
        if pools[-1].members == 0:
            return [self._unroutable(request, now)]
        decisions = None
        waiting = None
        pool = pools[0]
        if not pool.online and self._levels:
            waiting = self._waiting(request, now)
            decisions = self._skip_empty_steps(waiting, pools, now)
            pool = pools[waiting.step]
        heap = pool.heap
        chosen = None
        if hostile:
            chosen = self._select(pool, True, now)
        elif heap:
            # _select, for the usual case: the pool's top current entry, stale ones dropped.
            agents = self._by_index
            pop = heapq.heappop
            if kind == 0:
                while heap:
                    top = pop(heap)
                    state = agents[top & _INDEX_MASK]
                    if state.public_key is top:
                        chosen = state
                        break
            else:
                while heap:
                    top = pop(heap)
                    state = agents[top & _INDEX_MASK]
                    if state.private_key is top:
                        chosen = state
                        break
        if chosen is not None:
            assigned = self._assign(request, chosen, now, "least_loaded", pool.members, known)
            if not decisions:
                return [assigned]
            decisions.append(assigned)
            return decisions
        if waiting is None:
            waiting = self._waiting(request, now)
        self._enqueue(waiting, pool)
        queued = self._queued(waiting, pool, now)
        if not decisions:
            return [queued]
        decisions.append(queued)
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
        if request.kind is _PUBLIC:
            state.public_load += 1
        else:
            state.private_load += 1
        state.check_small()
        self._push(state)
        self._assigned[request.case_id] = (
            state.held_public if request.kind is _PUBLIC else state.held_private
        )
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
        queue = self._queue
        return [queue[case_id].request for _, case_id in self._order]

    def held(self, case_id: str) -> tuple[str, WorkKind] | None:
        """The agent holding ``case_id`` and the kind of capacity it takes, if any."""
        held = self._assigned.get(case_id)
        return None if held is None else (held[0], held[1])

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
        high = self._ranks[ids[index]] if index < len(ids) else _ID_LIMIT
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
        spacing = _ID_LIMIT // (len(self._ids) + 1)
        self._ranks = {agent_id: (i + 1) * spacing for i, agent_id in enumerate(self._ids)}
        for state in self._agents.values():
            state.rank = self._ranks[state.id]
            state.low = state.rank << _INDEX_BITS | state.index
            state.tail = (state.tail & ~_LOW_MASK) | state.low
        self._rebuild()

    def _restamp(self, now: datetime) -> int:
        """``now`` is earlier than the latest assignment: number every assignment time again.

        Returns the stamp of ``now``. Every key changes, so the heaps are rebuilt.
        """
        times: set[datetime] = {now}
        if self._latest is not None:
            times.add(self._latest)  # the latest time keeps the highest stamp
        for state in self._agents.values():
            if state.assigned_at is not None:
                times.add(state.assigned_at)
        stamps = {at: stamp for stamp, at in enumerate(sorted(times), start=1)}
        for state in self._agents.values():
            stamp = 0 if state.assigned_at is None else stamps[state.assigned_at]
            state.tail = stamp << _LOW_BITS | state.low
        self._stamp = len(stamps)  # the latest time is the last one
        self._rebuild()
        return stamps[now]

    def _rebuild(self) -> None:
        """Every agent's entries anew, and every heap (after ranks or stamps changed)."""
        for state in self._agents.values():
            state.public_key, state.private_key = state.current_keys()
        for pools in self._pools.values():
            for pool in pools:
                pool.heap.clear()
                pool.cooling.clear()  # parked agents come back and are parked again if need be
        for state in self._agents.values():
            keys = state.keys()
            for pool in state.pools:
                key = keys[pool.kind]
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
        pool.agents.append(state)
        public = pool.kind == 0
        (state.public_heaps if public else state.private_heaps).append(pool.heap)
        if pool.requirement[3]:
            state.hostile_pools.append(pool)
            state.hostile_heaps[pool.kind].append(pool.heap)
        else:
            (state.calm_public_heaps if public else state.calm_private_heaps).append(pool.heap)
        pool.members += 1
        pool.online += state.presence is not _OFFLINE

    def _forget_left_pools(self, old: _AgentState, new: _AgentState) -> None:
        """Drop an updated agent's entries from pools it no longer qualifies for."""
        kept = set(new.pools)
        index = new.index
        for pool in old.pools:
            if pool in kept:
                continue
            pool.heap[:] = [entry for entry in pool.heap if entry & _INDEX_MASK != index]
            heapq.heapify(pool.heap)
            pool.cooling[:] = [item for item in pool.cooling if item[1] & _INDEX_MASK != index]
            heapq.heapify(pool.cooling)

    def _make_pools(self, requirement: _Req) -> list[_Pool]:
        """The pools of a new requirement, one per escalation level (once per requirement).

        The agents' entries must be current (no dirty agents).
        """
        kind = requirement[2]
        pools = [
            _Pool(requirement=requirement, level=level, kind=kind)
            for level in range(self._levels + 1)
        ]
        for state in self._agents.values():
            if not self._qualifies(state, requirement, self._levels):
                continue
            key = None if requirement[3] and state.parked else state.keys()[kind]
            for pool in pools[state.min_step :]:
                self._join(state, pool)
                if key is not None:
                    pool.heap.append(key)
        for pool in pools:
            heapq.heapify(pool.heap)
        self._pools[requirement] = pools
        return pools

    def _push(self, state: _AgentState) -> None:
        """The agent changed: its entries are pushed before a heap is next read."""
        if not state.dirty:
            state.dirty = True
            self._dirty.append(state)

    def _flush(self) -> None:
        """Push the current entries of every changed agent into all its pools."""
        dirty = self._dirty
        if not dirty:
            return
        push = heapq.heappush
        heads = _HEADS
        for state in dirty:
            state.dirty = False
            if state.presence is not _AVAILABLE:
                state.public_key = state.private_key = None
                continue
            load_public = state.public_load
            load_private = state.private_load
            total = load_public + load_private
            if load_public < state.public_limit:
                public = (
                    heads[load_public << 5 | total] if state.small else _head(load_public, total)
                ) | state.tail
                for heap in state.calm_public_heaps if state.parked else state.public_heaps:
                    push(heap, public)
                state.public_key = public
            else:
                state.public_key = None
            if load_private < state.private_limit:
                private = (
                    heads[load_private << 5 | total] if state.small else _head(load_private, total)
                ) | state.tail
                for heap in state.calm_private_heaps if state.parked else state.private_heaps:
                    push(heap, private)
                state.private_key = private
            else:
                state.private_key = None
        self._changes += len(dirty)
        dirty.clear()
        if self._changes > self._sweep_at:
            self._sweep()

    def _park(self, state: _AgentState, now: datetime) -> None:
        """The agent just took hostile work: keep it out of hostile pools until it may again."""
        state.parked = True
        state.parked_until = self._hostile_ready_at(state, now)
        if state.parked_until is not None:  # None: capped, back with the next shift
            heapq.heappush(self._cooling, (state.parked_until, state.id))

    def _wake(self, now: datetime) -> None:
        """Agents whose hostile cool-down is over go back into their hostile pools.

        The agents' entries must be current (no dirty agents).
        """
        cooling = self._cooling
        while cooling and cooling[0][0] <= now:
            ready, agent_id = heapq.heappop(cooling)
            state = self._agents.get(agent_id)
            if state is not None and state.parked and state.parked_until == ready:
                state.parked = False
                for key, heaps in zip(state.keys(), state.hostile_heaps, strict=True):
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
                    # Each member's current entry, if it has one here: a member's entry
                    # set aside in ``cooling`` may come back, and is set aside again.
                    agents: Iterable[_AgentState] = pool.agents
                    if pool.requirement[3]:
                        agents = [agent for agent in agents if not agent.parked]
                    heap[:] = filter(None, map(_KEY_OF[pool.kind], agents))  # None: no entry
                    heapq.heapify(heap)
        self._changes = 0
        self._sweep_at = max(_SWEEP_MIN, len(self._agents), pools)

    def _tell_time(self, now: datetime) -> None:
        """Stamp ``now`` once, however many assignments are made at it."""
        latest = self._latest
        if latest is None or now > latest:
            if self._stamp == _STAMP_LIMIT:  # out of stamps, in theory: number them afresh
                self._restamp(now)
            self._stamp = stamp = self._stamp + 1
            self._latest = now
        elif now == latest:
            stamp = self._stamp
        else:  # time went back
            stamp = self._restamp(now)
        self._clock = now
        self._clock_tail = stamp << _LOW_BITS

    def _hostile_ok(self, state: _AgentState, now: datetime) -> bool:
        rules = self.policy.routing
        if state.hostile_count >= rules.hostile_cap_per_shift:
            return False
        return state.last_hostile is None or now - state.last_hostile >= rules.hostile_cooldown

    def _hostile_ready_at(self, state: _AgentState, now: datetime) -> datetime | None:
        """When the agent may take hostile work again (None: not this shift)."""
        rules = self.policy.routing
        if state.hostile_count >= rules.hostile_cap_per_shift:
            return None
        if state.last_hostile is None:
            return now
        return state.last_hostile + rules.hostile_cooldown

    def _waking(self, now: datetime) -> bool:
        """Whether parked agents come back into their hostile pools at ``now``."""
        cooling = self._cooling
        return bool(cooling) and cooling[0][0] <= now

    def _select(self, pool: _Pool, hostile: bool, now: datetime) -> _AgentState | None:
        """Take the best agent of the pool with room, if any, for an assignment.

        Its entry leaves the heap (the assignment pushes new ones), and so do the
        stale entries found on the way. The agents' entries must be current.
        """
        heap = pool.heap
        if hostile and (pool.cooling or self._cooling):
            if self._cooling and self._cooling[0][0] <= now:
                self._wake(now)
            cooling = pool.cooling
            while cooling and cooling[0][0] <= now:
                heapq.heappush(heap, heapq.heappop(cooling)[1])
        public = pool.kind == 0
        agents = self._by_index
        while heap:
            top = heap[0]
            state = agents[top & _INDEX_MASK]
            if (state.public_key if public else state.private_key) is not top:
                # Stale: the agent changed since, or is away or full. A current entry
                # was pushed with the change, if there is one.
                heapq.heappop(heap)
                continue
            if hostile and not self._hostile_ok(state, now):
                # Not allowed hostile work yet (say, a new shift began within a cool-down):
                # set aside until the cool-down ends; at the cap, until the next shift.
                heapq.heappop(heap)
                ready = self._hostile_ready_at(state, now)
                if ready is not None:
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

    def _key(self, request: RoutingRequest, seq: int) -> int:
        """The case's place in the queue: (aged priority, deadline, created, seq) as one int."""
        created = request.created_at.timestamp()
        aged_from = created // self._aging  # the rank gained by waiting is counted from here
        deadline = request.deadline.timestamp() if request.deadline else _FAR
        aged = _ordered(aged_from - request.priority.rank)
        return (aged << 64 | _ordered(deadline)) << 128 | _ordered(created) << 64 | seq

    def _waiting(self, request: RoutingRequest, now: datetime) -> _Waiting:
        self._seq = seq = self._seq + 1  # the order cases were queued in
        return _Waiting(
            request=request, seq=seq, step=0, step_since=now, key=self._key(request, seq)
        )

    def _enqueue(self, waiting: _Waiting, pool: _Pool, *, timeout: bool = True) -> None:
        case_id = waiting.request.case_id
        self._queue[case_id] = waiting
        if not pool.queue:
            self._waiting_in[pool] = None
            if not pool.requirement[3]:
                self._calm_waiting += 1
        place = (waiting.key, case_id)
        bisect.insort(pool.queue, place)
        bisect.insort(self._order, place)
        if timeout and waiting.step < self._levels:
            due = waiting.step_since + self.policy.escalation[waiting.step].after
            heapq.heappush(self._timeouts, (due.timestamp(), waiting.seq, case_id, waiting.step))

    def _dequeue(self, waiting: _Waiting) -> _Pool:
        case_id = waiting.request.case_id
        del self._queue[case_id]
        pool = self._pools[_requirement(waiting.request)][waiting.step]
        queue = pool.queue
        place = (waiting.key, case_id)
        del queue[bisect.bisect_left(queue, place)]
        order = self._order
        del order[bisect.bisect_left(order, place)]
        if not queue:
            del self._waiting_in[pool]
            if not pool.requirement[3]:
                self._calm_waiting -= 1
        return pool

    def _position(self, waiting: _Waiting) -> int:
        return 1 + bisect.bisect_left(self._order, (waiting.key, waiting.request.case_id))

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
        elif freed.presence is not _AVAILABLE:
            return []
        else:
            # Only hostile work waiting (the usual queue): only hostile pools to look at.
            pools = freed.pools if self._calm_waiting else freed.hostile_pools
            candidates = [pool for pool in pools if pool.queue]
        if not candidates:
            return []
        self._flush()
        waking = self._waking(now)
        heads = [
            (pool.queue[0], pool)
            for pool in candidates
            if pool.heap or pool.cooling or (waking and pool.requirement[3])
        ]
        if not heads:
            return []
        idle = [
            pool
            for pool in candidates
            if not (pool.heap or pool.cooling or (waking and pool.requirement[3]))
        ]
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
            known = request.customer in self._sticky
            decisions.append(
                self._assign(request, chosen, now, "least_loaded", pool.members, known)
            )
            self._flush()  # the agent's new entries, for the next look
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
        self,
        request: RoutingRequest,
        state: _AgentState,
        now: datetime,
        rule: str,
        eligible: int,
        known: bool,
    ) -> Assigned:
        """Give the case (not queued, or already dequeued) to the agent.

        ``known``: whether the customer is among the sticky links.
        """
        kind = request.kind
        if kind is _PUBLIC:
            index = 0
            before = state.public_load
            state.public_load = before + 1
            held = state.held_public
        else:
            index = 1
            before = state.private_load
            state.private_load = before + 1
            held = state.held_private
        if now is not self._clock:
            latest = self._latest
            if latest is not None and now > latest and self._stamp < _STAMP_LIMIT:
                # _tell_time, for the usual case: a new time, later than any before.
                self._stamp = stamp = self._stamp + 1
                self._latest = self._clock = now
                self._clock_tail = stamp << _LOW_BITS
            else:
                self._tell_time(now)
        state.tail = self._clock_tail | state.low
        state.assigned_at = now
        state.assignments += 1
        if request.hostile:
            state.hostile_count += 1
            state.last_hostile = now
            self._park(state, now)
        if not state.dirty:
            state.dirty = True
            self._dirty.append(state)
        agent_id = state.id
        case_id = request.case_id
        self._assigned[case_id] = held
        sticky = self._sticky
        customer = request.customer
        if known:
            sticky.move_to_end(customer)
        sticky[customer] = (agent_id, now)
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
        # make_explanation and make_assigned, written out: this runs on every case.
        explanation = _ExplanationDraft()
        explanation.rule = rule
        explanation.eligible = eligible
        explanation.considered = state.considered
        explanation.why = why
        explanation.__class__ = Explanation  # type: ignore[assignment]
        assigned = _AssignedDraft()
        assigned.case_id = case_id
        assigned.agent = agent_id
        assigned.at = now
        assigned.explanation = explanation  # type: ignore[assignment]
        assigned.__class__ = Assigned  # type: ignore[assignment]
        return assigned  # type: ignore[return-value]

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
        if request.kind is _PUBLIC:
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
