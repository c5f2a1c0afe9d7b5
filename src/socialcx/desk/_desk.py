"""Desk: the façade an application embeds.

It composes triage → threading → incidents → routing → playbooks → gate over a
:class:`~socialcx.store.Store`. Every input takes ``now``; the same inputs give
the same cases, decisions and notices, so a day can be replayed.
"""

from __future__ import annotations

import contextlib
import hashlib
import heapq
import json
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

import attrs

from socialcx._serialization import to_dict
from socialcx.desk._outcome import NoAction, Notice, NoticeKind, Outcome
from socialcx.errors import ConcurrentUpdate, PolicyViolation, SocialCXError, ValidationError
from socialcx.gate import (
    CaseContext,
    Draft,
    NeedsApproval,
    Refused,
    ReplyGate,
    Verdict,
    capabilities_for,
    decide_approval,
    request_approval,
)
from socialcx.incidents import IncidentDetector
from socialcx.model import (
    Agent,
    Case,
    CaseState,
    ChannelCapabilities,
    ChannelRef,
    Incident,
    IncidentState,
    Mention,
    MentionKey,
    MessageState,
    OutboundMessage,
    Policy,
    Presence,
    Priority,
    ServiceDeadlines,
    Visibility,
    WorkKind,
)
from socialcx.model._outbound import idempotency_key
from socialcx.playbooks import (
    NextSteps,
    PlaybookLibrary,
    default_playbooks,
    next_steps,
    playbook_for_case,
)
from socialcx.routing import (
    Assigned,
    Decision,
    Escalated,
    Queued,
    Router,
    RoutingRequest,
    Unroutable,
)
from socialcx.store import MemoryStore, Store
from socialcx.threading import Ignore, JoinCase, OpenCase, Threader
from socialcx.triage import Intent, Signals, Triage, Urgency

#: Called for every notice; exceptions in a subscriber are swallowed, not the desk's problem.
Subscriber = Callable[[Notice], None]
#: Skills a case needs, from its signals and first mention.
SkillRule = Callable[[Signals, Mention], Iterable[str]]


def case_id_for(mention: Mention) -> str:
    """A case's id, derived from its first mention: the same on every worker and every retry."""
    digest = hashlib.blake2b(
        f"{mention.channel.platform}\x1f{mention.native_id}".encode("utf-8", "surrogatepass"),
        digest_size=8,
    ).hexdigest()
    return f"case-{digest}"


def priority_of(signals: Signals) -> Priority:
    """How urgent a case is, from triage.

    Safety and legal threats are urgent; other urgency, hostility and high
    reach are high; complaints and questions are normal; the rest is low.
    """
    urgency = signals.urgency
    if Urgency.SAFETY in urgency or Urgency.LEGAL in urgency:
        return Priority.URGENT
    if urgency or signals.hostile or signals.high_reach:
        return Priority.HIGH
    if signals.complaint or signals.intent in (Intent.QUESTION, Intent.REQUEST):
        return Priority.NORMAL
    return Priority.LOW


def needs_a_person(signals: Signals) -> bool:
    """Whether a new case is routed to an agent at all (spam and idle chatter are not)."""
    if signals.intent is Intent.SPAM:
        return False
    return (
        signals.complaint
        or signals.hostile
        or bool(signals.urgency)
        or bool(signals.private_data)
        or signals.intent in (Intent.QUESTION, Intent.REQUEST, Intent.COMPLAINT)
        or signals.high_reach
    )


@attrs.define(eq=False)
class _Agents:
    """``desk.agents``: the team, as the router and the store see it."""

    _desk: Desk

    def add(self, agent: Agent, *, now: datetime) -> list[Decision]:
        """Add or update an agent; queued work may go to them at once."""
        self._desk.store.save_agent(agent)
        return self._desk._apply_decisions(self._desk.router.add_agent(agent, now=now), now)

    def set_presence(
        self, agent_id: str, presence: Presence | str, *, now: datetime
    ) -> list[Decision]:
        """Available, busy, away or offline."""
        presence = Presence(presence) if isinstance(presence, str) else presence
        stored = self._desk.router.agent(agent_id)  # the router holds every agent of the store
        if stored is None:
            raise ValidationError(f"no agent {agent_id!r}", field="agent_id")
        self._desk.store.save_agent(attrs.evolve(stored, presence=presence))
        decisions = self._desk.router.set_presence(agent_id, presence, now=now)
        return self._desk._apply_decisions(decisions, now)

    def release(self, agent_id: str, case_id: str, *, now: datetime) -> list[Decision]:
        """The agent is done with the case (or handed it back): capacity frees up."""
        self._desk.store.release(case_id)
        return self._desk._apply_decisions(
            self._desk.router.release(agent_id, case_id, now=now), now
        )

    def list(self) -> list[Agent]:
        """The team."""
        return self._desk.store.agents()

    def load(self, agent_id: str) -> tuple[int, int]:
        """(public, private) cases the agent holds."""
        return self._desk.router.agent_load(agent_id)


@attrs.define(eq=False)
class Desk:
    """Social customer care as a library: mentions in, cases and decisions out.

    Args:
        policy: The company's rules (brand accounts, service levels, routing).
        store: Where everything is kept (default: in memory; use
            :class:`~socialcx.store.SQLiteStore` for a file that survives).
        triage: The classifier chain (default: the built-in classifier).
        threader: Which case a mention joins (default: from ``policy``).
        incidents: The systemic-problem detector.
        router: The routing engine (default: from ``policy``).
        skills: Skills a case needs, from its signals and first mention.
        gate: Checks every reply before it may go out (default: from ``policy``).
        playbooks: The next steps for each kind of case (default: the shipped ones).
        capabilities: What each network allows, by platform (default: the
            built-in presets); the gate counts length and windows with them.
        worker: This process's name, for leases.
        cache_size: Open cases kept in memory between mentions.
    """

    policy: Policy = attrs.field(factory=Policy)
    store: Store = attrs.field(factory=MemoryStore)
    triage: Triage = attrs.field(factory=Triage)
    threader: Threader = attrs.field(
        default=attrs.Factory(lambda self: Threader(policy=self.policy), takes_self=True)
    )
    incidents: IncidentDetector = attrs.field(factory=IncidentDetector)
    router: Router = attrs.field(
        default=attrs.Factory(lambda self: Router(policy=self.policy), takes_self=True)
    )
    skills: SkillRule | None = None
    gate: ReplyGate = attrs.field(
        default=attrs.Factory(lambda self: ReplyGate(policy=self.policy), takes_self=True)
    )
    playbooks: PlaybookLibrary = attrs.field(factory=default_playbooks)
    capabilities: dict[str, ChannelCapabilities] = attrs.field(factory=dict)
    worker: str = "worker-1"
    cache_size: int = 50_000
    agents: _Agents = attrs.field(init=False)
    _subscribers: list[Subscriber] = attrs.field(init=False, factory=list)
    _after_commit: list[Subscriber] = attrs.field(init=False, factory=list)
    _cache: OrderedDict[str, Case] = attrs.field(init=False, factory=OrderedDict)
    # Service-level clocks: (due, case id, which), ``which`` being _FIRST or _NEXT.
    _deadlines: list[tuple[datetime, str, int]] = attrs.field(init=False, factory=list)
    _retry: set[str] = attrs.field(init=False, factory=set)
    _pending: dict[str, int] = attrs.field(init=False, factory=dict)
    _dirty: dict[str, Case] = attrs.field(init=False, factory=dict)
    # One entry per open transaction: for each case it changed, (pending, dirty) before it.
    _levels: list[dict[str, tuple[int | None, Case | None]]] = attrs.field(init=False, factory=list)
    # Notices of each open transaction: sent when the outermost commits, dropped if undone.
    _held: list[list[Notice]] = attrs.field(init=False, factory=list)

    def __attrs_post_init__(self) -> None:
        self.agents = _Agents(self)
        self._warm()

    def __repr__(self) -> str:
        return f"Desk(store={self.store!r}, worker={self.worker!r})"

    # notices --------------------------------------------------------------------------------

    def subscribe(
        self, subscriber: Subscriber, *, after_commit: bool = False
    ) -> Callable[[], None]:
        """Hear of cases opened, assignments, breaches, incidents and replies.

        Args:
            after_commit: By default a subscriber is called as things happen,
                inside the store transaction: what it does through the desk
                (enqueue a reply, say) commits or is undone with the change it
                heard of, and it may hear of a change that is then undone (a
                bad item in a batch, a retried conflict). With ``after_commit``
                it hears only of what was stored, once it was stored; a crash
                between the commit and the call loses that notice.

        Returns a function that unsubscribes.
        """
        listeners = self._after_commit if after_commit else self._subscribers
        listeners.append(subscriber)
        return lambda: listeners.remove(subscriber) if subscriber in listeners else None

    def _notify(self, notice: Notice) -> None:
        self._deliver(self._subscribers, notice)
        if self._after_commit:
            if self._held:
                self._held[-1].append(notice)  # until the outermost transaction commits
            else:
                self._deliver(self._after_commit, notice)

    @property
    def _listening(self) -> bool:
        return bool(self._subscribers or self._after_commit)

    @staticmethod
    def _deliver(listeners: list[Subscriber], notice: Notice) -> None:
        for subscriber in list(listeners):
            try:
                subscriber(notice)
            except Exception:  # noqa: S112 - a subscriber's bug must not stop ingestion
                continue

    # restart --------------------------------------------------------------------------------

    def _warm(self) -> None:
        """Rebuild the engines' working state from the store after a restart."""
        now: datetime | None = None
        for agent in self.store.agents():
            self.router.add_agent(agent, now=_EPOCH)
        for case in self.store.cases(open_only=True):
            now = case.updated_at if now is None else max(now, case.updated_at)
            first = self.store.get_mention(case.mentions[0])
            if first is not None:
                self.threader.record(first, case.id)
            for key in case.mentions[1:]:
                self.threader.record_reply(key.platform, key.native_id, case.id)
            if case.deadlines.first_response and case.first_response_at is None:
                heapq.heappush(self._deadlines, (case.deadlines.first_response, case.id, _FIRST))
            elif case.deadlines.next_response and case.first_response_at is not None:
                heapq.heappush(self._deadlines, (case.deadlines.next_response, case.id, _NEXT))
            request = RoutingRequest.for_case(case, skills=self._skills_of(case))
            if case.assignee is not None and self.router.agent(case.assignee) is not None:
                self.router.restore(request, case.assignee, now=case.updated_at)
            elif case.state in (CaseState.TRIAGED, CaseState.REOPENED) and _routable(case):
                self._retry.add(case.id)
        for incident in self.store.incidents():
            if incident.state is not IncidentState.OPEN:
                continue  # history stays in the store
            # Open incidents are watched again, in the baseline their complaints count in.
            example = self.store.get_mention(incident.samples[0]) if incident.samples else None
            scope = None if example is None else self.incidents.scope_of(example)
            self.incidents.restore(incident, scope=scope)

    # ingestion ------------------------------------------------------------------------------

    def ingest(self, mention: Mention, *, now: datetime) -> Outcome:
        """Triage, thread, detect incidents and route one mention; idempotent on its key."""
        for attempt in range(3):
            try:
                with self._tx():
                    return self._ingest(mention, now)
            except ConcurrentUpdate:
                self._cache.clear()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def ingest_many(self, mentions: Iterable[Any], *, now: datetime) -> list[Outcome]:
        """Ingest a batch in one transaction; a bad item goes to the dead letters, not up."""
        outcomes: list[Outcome] = []
        with self._tx():
            for item in mentions:
                if not isinstance(item, Mention):
                    self._dead(item, f"not a Mention: {type(item).__name__}", now)
                    continue
                try:
                    with self._tx():
                        outcomes.append(self._ingest(item, now))
                except (SocialCXError, ValueError, TypeError) as exc:
                    self._dead(item, f"{type(exc).__name__}: {exc}", now)
                    outcomes.append(
                        Outcome(mention=item, new=False, decision=NoAction(reason="invalid"))
                    )
        return outcomes

    def _dead(self, item: Any, error: str, now: datetime) -> None:
        source = str(item.channel) if isinstance(item, Mention) else "ingest"
        raw_value = item.raw if isinstance(item, Mention) and item.raw is not None else None
        try:
            raw = json.dumps(raw_value if raw_value is not None else to_dict(item)).encode()
        except Exception:
            raw = repr(item).encode("utf-8", "backslashreplace")
        self.dead_letter(source=source, raw=raw, error=error, now=now)

    def _ingest(self, mention: Mention, now: datetime) -> Outcome:
        key = mention.key
        if not self.store.add_mention(mention):
            known = self.store.mention_case(key)
            case = self._case(known) if known else None
            return Outcome(
                mention=mention, new=False, case=case, decision=NoAction(reason="duplicate")
            )
        signals = self.triage.assess(mention)
        thread = self.threader.place(mention, now=now)
        if isinstance(thread, OpenCase) and mention.in_reply_to is not None:
            # Another worker (or this one before a restart) may have threaded the parent.
            parent = self.store.mention_case(
                MentionKey(platform=mention.channel.platform, native_id=mention.in_reply_to)
            )
            if parent is not None:
                thread = JoinCase(case_id=parent, reason="reply_chain")
        if isinstance(thread, Ignore):
            if thread.case_id is not None:
                self.store.set_mention_case(key, thread.case_id)
            return Outcome(
                mention=mention, new=True, signals=signals, thread=thread,
                decision=NoAction(reason=thread.reason),
            )  # fmt: skip
        priority = priority_of(signals)
        labels = signals.labels
        person = needs_a_person(signals)  # praise and chatter get no clock and no agent
        decisions: list[Decision] = []
        case = self._case(thread.case_id) if isinstance(thread, JoinCase) else None
        if case is not None and case.state is CaseState.CLOSED:
            case = None  # closed is final: a later message starts a new case
            thread = OpenCase(customer=self.threader.customer_of(mention.author), reason="closed")
        if case is None:
            case_id = case_id_for(mention)
            customer = (
                thread.customer
                if isinstance(thread, OpenCase)
                else self.threader.customer_of(mention.author)
            )
            case = Case.open(
                id=case_id, customer=customer, channel=mention.channel, mention=key,
                visibility=mention.visibility, at=mention.created_at, priority=priority,
            )  # fmt: skip
            stored = 0
            case = case.triage(at=now, priority=priority, labels=labels, language=signals.language)
            deadlines = (
                self.policy.deadlines(
                    priority=priority,
                    platform=mention.channel.platform,
                    opened_at=mention.created_at,
                )
                if person
                else ServiceDeadlines()  # praise and chatter carry no service-level clock
            )
            if deadlines.next_response is not None:
                # Nothing is answered yet: the next-response clock starts when the
                # customer writes after an answer.
                deadlines = attrs.evolve(deadlines, next_response=None)
            if deadlines != case.deadlines:
                case = case.set_deadlines(deadlines, at=now)
            if deadlines.first_response is not None:
                heapq.heappush(self._deadlines, (deadlines.first_response, case.id, _FIRST))
            opened = True
        else:
            stored = len(case.events)
            was_open = case.is_open
            case = case.attach(key, visibility=mention.visibility, at=mention.created_at)
            if case.state in (CaseState.NEW, CaseState.TRIAGED, CaseState.REOPENED):
                case = case.triage(
                    at=now,
                    priority=max(case.priority, priority),
                    labels=case.labels | labels,
                    language=case.language or signals.language,
                )
            elif priority > case.priority:
                case = case.set_priority(priority, at=now, reason="a later message is more urgent")
                decisions += self.router.reprioritize(case.id, priority, now=now)
            opened = not was_open  # a resolved case came back
            if (
                case.first_response_at is not None
                and case.deadlines.next_response is None
                and person
            ):
                # The brand has answered before and this message waits for the next
                # answer: its clock starts now (an earlier unanswered one keeps its own).
                due = self.policy.deadlines(
                    priority=case.priority,
                    platform=mention.channel.platform,
                    opened_at=mention.created_at,
                ).next_response
                if due is not None:
                    case = case.set_deadlines(
                        attrs.evolve(case.deadlines, next_response=due), at=now
                    )
                    heapq.heappush(self._deadlines, (due, case.id, _NEXT))
        # A new case's customer is this mention's author: reuse the key already made.
        self.threader.record(mention, case.id, customer=case.customer if stored == 0 else None)
        self.store.set_mention_case(key, case.id)

        incident = self._observe_incident(mention, signals, case, now)
        if incident is not None and case.incident_id is None:
            case = case.link_incident(incident.id, at=now)

        decision: Decision | NoAction = NoAction(reason="joined_case")
        if opened and person and self.router.assignment(case.id) is None:
            request = RoutingRequest.for_case(case, skills=self._skills_for(signals, mention))
            routed = self.router.submit(request, now=now)
            decisions += routed
        elif opened:
            decision = NoAction(reason="no_action_needed")
        self._put(case, stored)
        if opened and self._listening:
            self._notify(Notice(kind=NoticeKind.CASE_OPENED, at=now, case_id=case.id,
                                detail=", ".join(sorted(labels))))  # fmt: skip
        applied = self._apply_decisions(decisions, now)
        for item in applied:
            if getattr(item, "case_id", None) == case.id:
                decision = item
        final = self._case(case.id)

        def steps() -> NextSteps | None:
            return None if final is None else self.next_steps(final, now=now)

        return Outcome(
            mention=mention, new=True, signals=signals, thread=thread,
            case=final, incident=incident, decision=decision,
            decisions=tuple(applied), steps=steps,
        )  # fmt: skip

    def _observe_incident(
        self, mention: Mention, signals: Signals, case: Case, now: datetime
    ) -> Incident | None:
        update = self.incidents.observe(
            mention, complaint=signals.complaint, case_id=case.id, now=now
        )
        if update is None:
            return None
        incident = update.incident
        self.store.save_incident(incident)
        kind = NoticeKind.INCIDENT_OPENED if update.opened else NoticeKind.INCIDENT_GREW
        if self._listening:
            self._notify(Notice(kind=kind, at=now, incident_id=incident.id, case_id=case.id,
                                detail=" ".join(incident.topic)))  # fmt: skip
        for key in update.joined:
            other_id = self.store.mention_case(key)
            if other_id is None or other_id == case.id:
                continue
            other = self._case(other_id)
            if other is not None and other.incident_id is None and other.is_open:
                self._put(other.link_incident(incident.id, at=now), len(other.events))
        return incident

    # routing --------------------------------------------------------------------------------

    def _skills_for(self, signals: Signals, mention: Mention) -> frozenset[str]:
        if self.skills is None:
            return frozenset()
        return frozenset(self.skills(signals, mention))

    def _skills_of(self, case: Case) -> frozenset[str]:
        if self.skills is None:
            return frozenset()
        mention = self.store.get_mention(case.mentions[0])
        if mention is None:
            return frozenset()
        return self._skills_for(self.triage.assess(mention), mention)

    def _apply_decisions(self, decisions: Sequence[Decision], now: datetime) -> list[Decision]:
        """Record the router's decisions on the cases; hold capacity in the store."""
        applied: list[Decision] = []
        pending = list(decisions)
        while pending:
            decision = pending.pop(0)
            applied.append(decision)
            case = self._case(decision.case_id)
            if case is None:
                continue
            if isinstance(decision, Assigned):
                agent = decision.agent
                kind = self._kind_of(decision.case_id)
                limit = self._limit(agent, kind)
                if not self.store.reserve(case.id, agent, kind, limit=limit):
                    # Another worker took the agent's last slot (or the case) meanwhile.
                    self._retry.add(case.id)
                    pending += self.router.release(agent, case.id, now=now)
                    continue
                if case.state in (CaseState.NEW,):
                    case = case.triage(at=now, priority=case.priority, labels=case.labels,
                                       language=case.language)  # fmt: skip
                self._put(
                    case.assign(agent, at=now, reason=decision.explanation.why), len(case.events)
                )
                if self._listening:
                    self._notify(Notice(kind=NoticeKind.CASE_ASSIGNED, at=now, case_id=case.id,
                                        agent=agent, detail=decision.explanation.why))  # fmt: skip
            elif isinstance(decision, Escalated):
                self._put(case.escalate(decision.target, at=now, reason=decision.explanation.why),
                          len(case.events))  # fmt: skip
                self._notify(Notice(kind=NoticeKind.CASE_ESCALATED, at=now, case_id=case.id,
                                    detail=decision.explanation.why))  # fmt: skip
            elif isinstance(decision, Queued):
                if self._listening:
                    self._notify(Notice(kind=NoticeKind.CASE_QUEUED, at=now, case_id=case.id,
                                        detail=decision.explanation.why))  # fmt: skip
            elif isinstance(decision, Unroutable):
                self._notify(Notice(kind=NoticeKind.CASE_UNROUTABLE, at=now, case_id=case.id,
                                    detail=decision.explanation.why))  # fmt: skip
        return applied

    def _kind_of(self, case_id: str) -> WorkKind:
        held = self.router.held(case_id)
        return held[1] if held else WorkKind.PUBLIC

    def _limit(self, agent_id: str, kind: WorkKind) -> int:
        agent = self.router.agent(agent_id)
        return 0 if agent is None else agent.capacity.for_kind(kind)

    def tick(self, *, now: datetime) -> list[Notice]:
        """Let time pass: escalations, retries, and service-level breaches."""
        notices: list[Notice] = []
        seen = self.subscribe(notices.append)
        try:
            with self._tx():
                decisions = self.router.tick(now=now)
                for case_id in sorted(self._retry):
                    self._retry.discard(case_id)
                    case = self._case(case_id)
                    if case is None or not case.is_open or case.assignee is not None:
                        continue
                    if self.router.assignment(case_id) is None:
                        self.router.withdraw(case_id)
                        decisions += self.router.submit(
                            RoutingRequest.for_case(case, skills=self._skills_of(case)), now=now
                        )
                self._apply_decisions(decisions, now)
                while self._deadlines and self._deadlines[0][0] <= now:
                    due, case_id, which = heapq.heappop(self._deadlines)
                    case = self._case(case_id)
                    if case is None or not case.is_open:
                        continue
                    # Still the clock that was started, with no reply since (each case's
                    # first clock is pushed once per process: at opening, or by ``_warm``).
                    if which == _NEXT:
                        running, what = case.deadlines.next_response == due, "next"
                    else:
                        running = (
                            case.first_response_at is None and case.deadlines.first_response == due
                        )
                        what = "first"
                    if running:
                        self._notify(Notice(kind=NoticeKind.SLA_BREACHED, at=now, case_id=case_id,
                                            agent=case.assignee,
                                            detail=f"{what} response due {due:%H:%M}"))  # fmt: skip
        finally:
            seen()
        return notices

    # cases ----------------------------------------------------------------------------------

    def _case(self, case_id: str) -> Case | None:
        dirty = self._dirty.get(case_id)
        if dirty is not None:
            return dirty
        cached = self._cache.get(case_id)
        if cached is not None:
            self._cache.move_to_end(case_id)
            return cached
        case = self.store.get_case(case_id)
        if case is not None:
            self._remember(case)
        return case

    def _remember(self, case: Case) -> None:
        self._cache[case.id] = case
        self._cache.move_to_end(case.id)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)

    def _put(self, case: Case, stored_events: int) -> None:
        """Change a case: kept in memory and written once when the transaction ends."""
        if self._levels:
            level = self._levels[-1]
            if case.id not in level:
                level[case.id] = (self._pending.get(case.id), self._dirty.get(case.id))
            self._pending.setdefault(case.id, stored_events)
            self._dirty[case.id] = case
            self._remember(case)
            return
        self.store.save_case(case, expected_events=stored_events)
        self._remember(case)

    @contextlib.contextmanager
    def _tx(self) -> Iterator[None]:
        """A store transaction; changed cases are written once, at the end of the outermost."""
        level: dict[str, tuple[int | None, Case | None]] = {}
        held: list[Notice] = []
        self._levels.append(level)
        self._held.append(held)
        committed = False
        try:
            with self.store.transaction():
                yield
                if len(self._levels) == 1:
                    for case_id, stored in self._pending.items():
                        self.store.save_case(self._dirty[case_id], expected_events=stored)
                    self._pending.clear()
                    self._dirty.clear()
            committed = True
        except BaseException:
            for case_id, (pending, dirty) in level.items():
                self._cache.pop(case_id, None)  # it held changes that were undone
                if pending is None or dirty is None:
                    self._pending.pop(case_id, None)
                    self._dirty.pop(case_id, None)
                else:
                    self._pending[case_id] = pending
                    self._dirty[case_id] = dirty
            raise
        finally:
            self._levels.pop()
            self._held.pop()
            if self._levels:
                outer = self._levels[-1]
                for case_id, before in level.items():
                    outer.setdefault(case_id, before)
                if committed:
                    self._held[-1].extend(held)
        if committed and not self._levels:
            for notice in held:
                self._deliver(self._after_commit, notice)

    def case(self, case_id: str) -> Case:
        """A case by id.

        Raises:
            ValidationError: no such case.
        """
        case = self._case(case_id)
        if case is None:
            raise ValidationError(f"no case {case_id!r}", field="case_id")
        return case

    def cases(self, *, open_only: bool = False) -> list[Case]:
        """Every case (or the open ones), in the order they opened."""
        return list(self.store.cases(open_only=open_only))

    def resolve(self, case_id: str, *, now: datetime, reason: str = "") -> Case:
        """The customer's problem is solved: the agent's capacity frees up."""
        with self._tx():
            case = self.case(case_id)
            done = case.resolve(at=now, reason=reason)
            self._put(done, len(case.events))
            self._free(case, now)
        return self.case(case_id)

    def close(self, case_id: str, *, now: datetime, reason: str = "") -> Case:
        """Close a case for good (spam, duplicate, nothing to do)."""
        with self._tx():
            case = self.case(case_id)
            self._put(case.close(at=now, reason=reason), len(case.events))
            self._free(case, now)
            self.threader.forget_customer(case.customer)
        return self.case(case_id)

    def _free(self, case: Case, now: datetime) -> None:
        self.store.release(case.id)  # the store is the authority on capacity
        agent = self.router.assignment(case.id)
        if agent is not None:
            self._apply_decisions(self.router.release(agent, case.id, now=now), now)
        else:
            self.router.withdraw(case.id)

    # playbooks and replies ----------------------------------------------------------------------

    def next_steps(self, case: Case | str, *, now: datetime) -> NextSteps | None:
        """What the case's playbook says is due, overdue and waiting (``None``: no playbook)."""
        case = self.case(case) if isinstance(case, str) else case
        playbook = playbook_for_case(self.playbooks, case)
        if playbook is None:
            return None
        incident = None
        if case.incident_id is not None:
            incident = self.incidents.incident(case.incident_id)
        return next_steps(case, playbook, now, incident=incident)

    def capabilities_of(self, platform: str) -> ChannelCapabilities:
        """What ``platform`` allows, as the gate will check it.

        The desk's own ``capabilities`` first, then the built-in presets; a
        network that neither knows is checked without channel limits.
        """
        known = self.capabilities.get(platform)
        if known is not None:
            return known
        try:
            return capabilities_for(platform)
        except ValidationError:
            return ChannelCapabilities()

    def draft_reply(
        self, case_id: str, *, agent: str, text: str, private: bool = False, now: datetime
    ) -> Draft:
        """A draft for the gate, with the case's context: the customer's words, reach, window."""
        case = self.case(case_id)
        who = self.router.agent(agent)
        if who is None:
            raise ValidationError(f"no agent {agent!r}", field="agent")
        mentions = [m for m in (self.store.get_mention(k) for k in case.mentions) if m is not None]
        customer_text = " ".join(m.text for m in mentions if not m.author.is_brand)[-2000:]
        reach = max((m.author.followers for m in mentions), default=0)
        return Draft(
            text=text,
            visibility=Visibility.PRIVATE if private else Visibility.PUBLIC,
            capabilities=self.capabilities_of(case.channel.platform),
            agent=who,
            context=CaseContext.from_case(case, customer_text=customer_text, author_reach=reach),
            now=now,
        )

    def submit(
        self, case_id: str, draft: Draft, *, now: datetime
    ) -> tuple[OutboundMessage, Verdict]:
        """Put a checked draft in the outbox: approved at once, or waiting for approval.

        Raises:
            PolicyViolation: the gate refused it; nothing is stored. ``codes``
                holds the reasons' codes.
        """
        if self.case(case_id).state is CaseState.CLOSED:
            raise ValidationError(
                f"case {case_id!r} is closed: nothing more goes out on it", field="case_id"
            )
        verdict = self.gate.check(draft)
        if isinstance(verdict, Refused):
            codes = [r.code.value for r in verdict.reasons]
            raise PolicyViolation(
                "the reply was refused: " + "; ".join(r.message for r in verdict.reasons),
                codes=codes,
            )
        with self._tx():
            case = self.case(case_id)
            mentions = [m for m in (self.store.get_mention(k) for k in case.mentions) if m]
            public = [m for m in mentions if m.visibility is Visibility.PUBLIC]
            customer = next((m.author for m in mentions if not m.author.is_brand), None)
            if draft.is_public and not public:
                raise PolicyViolation(
                    "the customer has written only privately: reply privately",
                    codes=["no_public_post"],
                )
            in_reply_to = public[-1].native_id if draft.is_public and public else None
            key = idempotency_key(
                case_id=case.id, channel=case.channel, in_reply_to=in_reply_to,
                text=draft.text, visibility=draft.visibility,
            )  # fmt: skip
            message = OutboundMessage(
                id=f"msg-{key[:20]}",
                case_id=case.id,
                channel=case.channel,
                visibility=draft.visibility,
                text=draft.text,
                created_at=now,
                in_reply_to=in_reply_to,
                recipient=None if draft.is_public or customer is None else customer.native_id,
                idempotency_key=key,
                agent=draft.agent.id if draft.agent else None,
            )
            if isinstance(verdict, NeedsApproval):
                message = self.store.enqueue(message.submit())
                self._put(
                    request_approval(case, verdict, message_id=message.id, at=now),
                    len(case.events),
                )
                notice = Notice(kind=NoticeKind.APPROVAL_NEEDED, at=now, case_id=case.id,
                                message_id=message.id, agent=message.agent,
                                detail=f"{verdict.role}: " + ", ".join(verdict.codes))  # fmt: skip
            else:
                message = self.store.enqueue(message.approve())
                notice = Notice(kind=NoticeKind.REPLY_APPROVED, at=now, case_id=case.id,
                                message_id=message.id, agent=message.agent)  # fmt: skip
        self._notify(notice)
        return message, verdict

    def reply(
        self, case_id: str, *, agent: str, text: str, private: bool = False, now: datetime
    ) -> tuple[OutboundMessage, Verdict]:
        """:meth:`draft_reply` then :meth:`submit`."""
        draft = self.draft_reply(case_id, agent=agent, text=text, private=private, now=now)
        return self.submit(case_id, draft, now=now)

    def approve(
        self, message_id: str, *, by: Agent | str, now: datetime, note: str = ""
    ) -> OutboundMessage:
        """Let a pending reply out (recorded on the case as who approved it and when)."""
        return self._decide(message_id, approved=True, by=by, now=now, note=note)

    def reject(
        self, message_id: str, *, by: Agent | str, now: datetime, note: str = ""
    ) -> OutboundMessage:
        """Send a pending reply back to its author."""
        return self._decide(message_id, approved=False, by=by, now=now, note=note)

    def _decide(
        self, message_id: str, *, approved: bool, by: Agent | str, now: datetime, note: str
    ) -> OutboundMessage:
        with self._tx():
            message = self._message(message_id)
            case = self.case(message.case_id)
            decided = decide_approval(case, message_id, approved=approved, by=by, at=now, note=note)
            self._put(decided, len(case.events))
            message = message.approve() if approved else message.reject()
            self.store.update_message(message)
        kind = NoticeKind.REPLY_APPROVED if approved else NoticeKind.REPLY_REJECTED
        self._notify(Notice(kind=kind, at=now, case_id=message.case_id, message_id=message_id,
                            agent=message.agent, detail=note))  # fmt: skip
        return message

    # the outpost's side ------------------------------------------------------------------------

    def cursor(self, channel: ChannelRef) -> str | None:
        """The stored cursor of ``channel``."""
        return self.store.get_cursor(channel)

    def ingest_page(
        self, channel: ChannelRef, mentions: Sequence[Mention], next_cursor: str | None, *,
        now: datetime,
    ) -> int:  # fmt: skip
        """Ingest a page and store its cursor in the same transaction; returns how many were new.

        ``next_cursor=None`` (a webhook delivery) leaves the stored cursor alone.
        """
        with self._tx():
            outcomes = self.ingest_many(mentions, now=now)
            if next_cursor is not None:
                self.store.set_cursor(channel, next_cursor)
        return sum(1 for o in outcomes if o.new)

    def due_messages(self, channel: ChannelRef, *, now: datetime) -> Sequence[OutboundMessage]:
        """Approved replies waiting to go out on ``channel``."""
        return self.store.messages(channel=channel, state=MessageState.APPROVED)

    def record_sent(
        self, message_id: str, *, native_id: str | None, url: str | None, now: datetime
    ) -> None:
        """The network accepted (or had already accepted) a reply."""
        with self._tx():
            message = self._message(message_id)
            if message.state is MessageState.SENT:
                return
            sent = message.mark_sent(at=now, native_id=native_id, url=url)
            self.store.update_message(sent)
            case = self._case(message.case_id)
            if case is not None and case.state is not CaseState.CLOSED:
                # The reply is out whatever happened to the case meanwhile; a closed
                # case takes no more events, but the message is still marked sent.
                updated = case.record_reply(
                    message_id=message.id, visibility=message.visibility, agent=message.agent,
                    at=now,
                )  # fmt: skip
                if updated.deadlines.next_response is not None:
                    # Answered: the next-response clock stops until the customer writes again.
                    updated = updated.set_deadlines(
                        attrs.evolve(updated.deadlines, next_response=None), at=now
                    )
                self._put(updated, len(case.events))
            if native_id is not None:
                self.threader.record_reply(message.channel.platform, native_id, message.case_id)
        self._notify(Notice(kind=NoticeKind.REPLY_SENT, at=now, case_id=message.case_id,
                            message_id=message_id, agent=message.agent))  # fmt: skip

    def record_failed(self, message_id: str, *, error: str, now: datetime) -> None:
        """The network refused a reply for good."""
        with self._tx():
            message = self._message(message_id)
            self.store.update_message(message.mark_failed(error))
        self._notify(Notice(kind=NoticeKind.REPLY_FAILED, at=now, case_id=message.case_id,
                            message_id=message_id, detail=error))  # fmt: skip

    def dead_letter(self, *, source: str, raw: bytes, error: str, now: datetime) -> None:
        """Keep something unparseable, with its raw bytes, for a person to look at."""
        self.store.add_dead_letter(source=source, raw=raw, error=error, at=now)
        self._notify(Notice(kind=NoticeKind.DEAD_LETTER, at=now, detail=f"{source}: {error}"))

    def _message(self, message_id: str) -> OutboundMessage:
        message = self.store.get_message(message_id)
        if message is None:
            raise ValidationError(f"no message {message_id!r}", field="message_id")
        return message


_EPOCH = datetime.fromisoformat("1970-01-01T00:00:00+00:00")
# Which service-level clock a deadline entry is: the first response, or the next one
# (owed to a customer who wrote again after an answer).
_FIRST = 0
_NEXT = 1


def _routable(case: Case) -> bool:
    return "intent:spam" not in case.labels
