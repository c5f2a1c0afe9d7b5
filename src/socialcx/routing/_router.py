"""The router: who takes which case, decided in-process, deterministically, and explained.

Agents are indexed by what they can do. Every distinct requirement a case can
have — language, skills, kind of work, hostility, escalation level — gets a
*pool*: a heap of the qualified agents ordered by load and idle time, built the
first time such a case arrives and kept current as agents change. A decision
looks at one pool's top instead of scanning the team, so its cost barely grows
with the number of agents.

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
)

_KINDS = (WorkKind.PUBLIC, WorkKind.PRIVATE)
_FAR = float("inf")
#: How many sticky customer -> agent links the router remembers.
STICKY_LIMIT = 100_000

# A requirement: (language, skills, kind index (0 public, 1 private), hostile);
# with the escalation level, a pool key. Plain ints hash faster than enums.
_Req = tuple[str | None, frozenset[str], int, bool]


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
    """The agents qualified for one requirement at one escalation level."""

    requirement: _Req
    level: int
    heap: list[tuple[int, int, float, str, int]] = attrs.field(factory=list)
    cooling: list[tuple[float, tuple[int, int, float, str, int]]] = attrs.field(factory=list)
    members: int = 0
    online: int = 0
    kind_index: int = 0

    def __attrs_post_init__(self) -> None:
        self.kind_index = self.requirement[2]


@attrs.define(slots=True, eq=False)
class _AgentState:
    agent: Agent
    presence: Presence
    min_step: int
    load: list[int] = attrs.field(factory=lambda: [0, 0])
    limits: tuple[int, int] = (0, 0)
    cases: set[str] = attrs.field(factory=set)
    pools: list[_Pool] = attrs.field(factory=list)
    pool_keys: set[tuple[_Req, int]] = attrs.field(factory=set)
    last_assigned: float = float("-inf")
    hostile_count: int = 0
    last_hostile: datetime | None = None
    available_since: datetime | None = None
    available_seconds: float = 0.0
    assignments: int = 0
    version: int = 0

    def __attrs_post_init__(self) -> None:
        self.limits = (self.agent.capacity.public, self.agent.capacity.private)

    def has_room(self, kind: WorkKind) -> bool:
        index = 0 if kind is WorkKind.PUBLIC else 1
        return self.presence is Presence.AVAILABLE and self.load[index] < self.limits[index]

    def entry(self, kind: WorkKind) -> tuple[int, int, float, str, int]:
        index = 0 if kind is WorkKind.PUBLIC else 1
        return (
            self.load[index],
            self.load[0] + self.load[1],
            self.last_assigned,
            self.agent.id,
            self.version,
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
    _pools: dict[tuple[_Req, int], _Pool] = attrs.field(init=False, factory=dict)
    _queue: dict[str, _Waiting] = attrs.field(init=False, factory=dict)
    _groups: dict[tuple[_Req, int], list[tuple[Any, ...]]] = attrs.field(init=False, factory=dict)
    _timeouts: list[tuple[float, int, str, int]] = attrs.field(init=False, factory=list)
    _assigned: dict[str, tuple[str, WorkKind]] = attrs.field(init=False, factory=dict)
    _sticky: OrderedDict[str, tuple[str, datetime]] = attrs.field(init=False, factory=OrderedDict)
    _conditions: list[Condition | None] = attrs.field(init=False, factory=list)
    _team_step: dict[str, int] = attrs.field(init=False, factory=dict)
    _seq: int = attrs.field(init=False, default=0)
    _aging: float = attrs.field(init=False, default=1.0)

    def __attrs_post_init__(self) -> None:
        for index, rule in enumerate(self.policy.escalation, start=1):
            self._conditions.append(rule.condition())
            self._team_step.setdefault(rule.target, index)
        self._aging = self.policy.routing.aging_step.total_seconds()

    @property
    def _levels(self) -> int:
        return len(self.policy.escalation)

    # agents ----------------------------------------------------------------------------------

    def add_agent(self, agent: Agent, *, now: datetime) -> list[Decision]:
        """Add an agent, or update one (skills, capacity, teams); queued work may go to them."""
        old = self._agents.pop(agent.id, None)
        if old is not None:
            for pool in old.pools:
                pool.members -= 1
                pool.online -= old.presence is not Presence.OFFLINE
        teams = [self._team_step[t] for t in agent.teams if t in self._team_step]
        state = _AgentState(agent=agent, presence=agent.presence, min_step=min(teams, default=0))
        if old is not None:
            state.load, state.cases = old.load, old.cases
            state.last_assigned, state.assignments = old.last_assigned, old.assignments
            state.hostile_count, state.last_hostile = old.hostile_count, old.last_hostile
            state.available_seconds = old.available_seconds
            state.version = old.version + 1
        if agent.presence is Presence.AVAILABLE:
            state.available_since = now
        self._agents[agent.id] = state
        for pool in self._pools.values():
            if self._qualifies(state, pool.requirement, pool.level):
                self._join(state, pool)
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
        state.presence = presence
        is_online = presence is not Presence.OFFLINE
        if was_online != is_online:
            for pool in state.pools:
                pool.online += 1 if is_online else -1
        if presence is Presence.AVAILABLE:
            state.available_since = now
        state.version += 1
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
        state.cases.discard(case_id)
        state.load[0 if held[1] is WorkKind.PUBLIC else 1] -= 1
        state.version += 1
        self._push(state)
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
        sticky = self._sticky_agent(request, now)
        if sticky is not None:
            return [self._assign(request, sticky, now, "sticky", 1, (sticky.agent.id,))]
        requirement = _requirement(request)
        if self._pool(requirement, self._levels).members == 0:
            return [self._unroutable(request, now)]
        self._seq += 1
        waiting = _Waiting(
            request=request,
            seq=self._seq,
            step=0,
            step_since=now,
            key=self._key(request, self._seq),
        )
        decisions: list[Decision] = self._skip_empty_steps(waiting, now)
        pool = self._pool(requirement, waiting.step)
        chosen, considered = self._select(pool, request, now)
        if chosen is not None:
            decisions.append(
                self._assign(request, chosen, now, "least_loaded", pool.members, considered)
            )
            return decisions
        self._enqueue(waiting)
        decisions.append(self._queued(waiting, now))
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
        state.cases.add(request.case_id)
        state.version += 1
        self._push(state)
        self._assigned[request.case_id] = (agent_id, request.kind)
        self._sticky[request.customer] = (agent_id, now)

    def reprioritize(self, case_id: str, priority: Priority, *, now: datetime) -> list[Decision]:
        """Change a queued case's priority; returns its new place in the queue."""
        waiting = self._queue.get(case_id)
        if waiting is None:
            return []
        self._dequeue(waiting)
        waiting.request = attrs.evolve(waiting.request, priority=priority)
        waiting.key = self._key(waiting.request, waiting.seq)
        self._enqueue(waiting, timeout=False)
        return [self._queued(waiting, now)]

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
            rule = self.policy.escalation[waiting.step - 1]
            decisions.append(
                self._escalation(waiting, now, f"waited {rule.after} without an agent")
            )
            decisions += self._skip_empty_steps(waiting, now)
            self._enqueue(waiting)
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
        state.pools.append(pool)
        state.pool_keys.add((pool.requirement, pool.level))
        pool.members += 1
        pool.online += state.presence is not Presence.OFFLINE
        kind = _KINDS[pool.requirement[2]]
        if state.has_room(kind):
            heapq.heappush(pool.heap, state.entry(kind))

    def _pool(self, requirement: _Req, level: int) -> _Pool:
        pool = self._pools.get((requirement, level))
        if pool is None:
            pool = _Pool(requirement=requirement, level=level)
            self._pools[(requirement, level)] = pool
            for state in self._agents.values():  # once per new requirement
                if self._qualifies(state, requirement, level):
                    self._join(state, pool)
        return pool

    def _push(self, state: _AgentState) -> None:
        if state.presence is not Presence.AVAILABLE:
            return
        rest = (state.load[0] + state.load[1], state.last_assigned, state.agent.id, state.version)
        entries = (
            (state.load[0], *rest) if state.load[0] < state.limits[0] else None,
            (state.load[1], *rest) if state.load[1] < state.limits[1] else None,
        )
        for pool in state.pools:
            entry = entries[pool.kind_index]
            if entry is None:
                continue
            heap = pool.heap
            heapq.heappush(heap, entry)
            if len(heap) > 4 * pool.members + 64:
                self._compact(pool)

    def _compact(self, pool: _Pool) -> None:
        """Drop stale entries so churn never grows a heap without bound."""
        kind = _KINDS[pool.requirement[2]]
        fresh: dict[str, tuple[int, int, float, str, int]] = {}
        for entry in pool.heap:
            state = self._agents.get(entry[3])
            if state is not None and state.has_room(kind):
                fresh[entry[3]] = state.entry(kind)
        live = list(fresh.values())
        heapq.heapify(live)
        pool.heap = live

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

    def _select(
        self, pool: _Pool, request: RoutingRequest, now: datetime
    ) -> tuple[_AgentState | None, tuple[str, ...]]:
        heap = pool.heap
        kind = request.kind
        if request.hostile:
            stamp = now.timestamp()
            while pool.cooling and pool.cooling[0][0] <= stamp:
                heapq.heappush(heap, heapq.heappop(pool.cooling)[1])
        agents = self._agents
        while heap:
            entry = heap[0]
            state = agents.get(entry[3])
            if state is None or not state.has_room(kind):
                heapq.heappop(heap)  # gone, away or full: it comes back with a fresh push
                continue
            if state.version != entry[4]:
                heapq.heappop(heap)  # stale: the agent changed since this entry was pushed
                continue
            if request.hostile and not self._hostile_ok(state, now):
                # At the exposure limit: park until the cool-down ends; a capped agent
                # comes back with the fresh entries of its next shift.
                entry = heapq.heappop(heap)
                ready = self._hostile_ready_at(state)
                if ready != _FAR:
                    heapq.heappush(pool.cooling, (ready, entry))
                continue
            return state, (state.agent.id,)
        return None, ()

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

    def _enqueue(self, waiting: _Waiting, *, timeout: bool = True) -> None:
        self._queue[waiting.request.case_id] = waiting
        group = self._groups.setdefault((_requirement(waiting.request), waiting.step), [])
        bisect.insort(group, (waiting.key, waiting.request.case_id))
        if timeout and waiting.step < self._levels:
            due = waiting.step_since + self.policy.escalation[waiting.step].after
            heapq.heappush(
                self._timeouts,
                (due.timestamp(), waiting.seq, waiting.request.case_id, waiting.step),
            )

    def _dequeue(self, waiting: _Waiting) -> None:
        del self._queue[waiting.request.case_id]
        group_key = (_requirement(waiting.request), waiting.step)
        group = self._groups[group_key]
        index = bisect.bisect_left(group, (waiting.key, waiting.request.case_id))
        del group[index]
        if not group:
            del self._groups[group_key]

    def _position(self, waiting: _Waiting) -> int:
        probe = (waiting.key, waiting.request.case_id)
        return 1 + sum(bisect.bisect_left(group, probe) for group in self._groups.values())

    def _dispatch(self, now: datetime, freed: _AgentState | None = None) -> list[Decision]:
        """Give free capacity to queued work, most urgent (after aging) first.

        Cases in one group have identical requirements, so when a group's first
        case finds nobody, the rest of the group need not be tried. When one
        agent's capacity freed (``freed``), only groups it can serve are tried.
        """
        if not self._queue:
            return []
        if freed is None:
            heads = [(group[0], key) for key, group in self._groups.items()]
        else:
            if freed.presence is not Presence.AVAILABLE:
                return []
            mine = freed.pool_keys
            heads = [(group[0], key) for key, group in self._groups.items() if key in mine]
        heapq.heapify(heads)
        decisions: list[Decision] = []
        while heads:
            (_, case_id), group_key = heapq.heappop(heads)
            waiting = self._queue[case_id]
            pool = self._pool(group_key[0], group_key[1])
            chosen, considered = self._select(pool, waiting.request, now)
            if chosen is None:
                continue
            decisions.append(
                self._assign(waiting.request, chosen, now, "least_loaded", pool.members, considered)
            )
            group = self._groups.get(group_key)
            if group:
                heapq.heappush(heads, (group[0], group_key))
        return decisions

    # internals: decisions --------------------------------------------------------------------

    def _assign(
        self,
        request: RoutingRequest,
        state: _AgentState,
        now: datetime,
        rule: str,
        eligible: int,
        considered: tuple[str, ...],
    ) -> Assigned:
        waiting = self._queue.get(request.case_id)
        if waiting is not None:
            self._dequeue(waiting)
        index = 0 if request.kind is WorkKind.PUBLIC else 1
        before = state.load[index]
        state.load[index] += 1
        state.cases.add(request.case_id)
        state.last_assigned = now.timestamp()
        state.assignments += 1
        if request.hostile:
            state.hostile_count += 1
            state.last_hostile = now
        state.version += 1
        self._push(state)
        self._assigned[request.case_id] = (state.agent.id, request.kind)
        sticky = self._sticky
        sticky[request.customer] = (state.agent.id, now)
        sticky.move_to_end(request.customer)
        if len(sticky) > STICKY_LIMIT:
            sticky.popitem(last=False)
        if rule == "sticky":
            why = f"{state.agent.id} handled this customer recently and has room"
        else:
            why = (
                f"{state.agent.id} is the least loaded qualified agent with room "
                f"({before} {request.kind.value} case(s) before this one), idle the longest"
            )
        why = sys.intern(why)  # the same few sentences recur on every case
        return Assigned(
            case_id=request.case_id,
            agent=state.agent.id,
            at=now,
            explanation=Explanation(rule=rule, eligible=eligible, considered=considered, why=why),
        )

    def _queued(self, waiting: _Waiting, now: datetime) -> Queued:
        pool = self._pool(_requirement(waiting.request), waiting.step)
        eligible = pool.members
        reason = "no qualified agent has room" if pool.online else "no qualified agent is online"
        return Queued(
            case_id=waiting.request.case_id,
            position=self._position(waiting),
            reason=reason,
            at=now,
            explanation=Explanation(
                rule="no_capacity",
                eligible=eligible,
                considered=(),
                why=f"{eligible} qualified agent(s) in the current target, none free",
            ),
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

    def _escalation(self, waiting: _Waiting, now: datetime, reason: str) -> Escalated:
        rule = self.policy.escalation[waiting.step - 1]
        waiting.step_since = now
        pool = self._pool(_requirement(waiting.request), waiting.step)
        return Escalated(
            case_id=waiting.request.case_id,
            target=rule.target,
            step=waiting.step,
            at=now,
            explanation=Explanation(
                rule=f"escalation:{rule.name}", eligible=pool.members, considered=(), why=reason
            ),
        )

    def _skip_empty_steps(self, waiting: _Waiting, now: datetime) -> list[Decision]:
        decisions: list[Decision] = []
        requirement = _requirement(waiting.request)
        while waiting.step < self._levels and not self._pool(requirement, waiting.step).online:
            waiting.step += 1
            decisions.append(
                self._escalation(
                    waiting, now, "nobody in the current target is qualified and online"
                )
            )
        return decisions
