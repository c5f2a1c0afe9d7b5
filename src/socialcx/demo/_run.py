"""The whole job on one synthetic day: fake networks, a desk on SQLite, a team that answers.

:func:`run_demo` posts the scripted day on five fake networks (in simulated
time, minute by minute), runs the outpost against them, lets a simulated team
work the cases by the playbooks through the reply gate, and writes an HTML
report. Nothing leaves the machine and nothing sleeps.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import attrs

from socialcx.demo._traffic import BRAND, DAY, PLATFORMS, ScriptedPost, synthetic_day
from socialcx.desk import Desk, Notice, NoticeKind
from socialcx.errors import PolicyViolation, SocialCXError
from socialcx.gate import capabilities_for
from socialcx.incidents import IncidentDetector
from socialcx.model import Agent, Capacity, CaseState, Policy, Presence, StepKind
from socialcx.playbooks import STANDARD_VARIABLES
from socialcx.reports import compute_metrics, write_report
from socialcx.runtime import Outpost
from socialcx.store import SQLiteStore
from socialcx.testing import FakeChannel, FakeClock

#: Called with (minutes done, minutes in the day).
Progress = Callable[[int, int], None]

#: When the outage's root cause is fixed, in the demo's story.
INCIDENT_FIXED = DAY + timedelta(hours=14, minutes=10)

TEAM: tuple[tuple[str, set[str], int, int], ...] = (
    # id, certifications, public capacity, private capacity
    ("ana", {"social", "hostile"}, 3, 2),
    ("ben", {"social", "hostile"}, 3, 2),
    ("chloe", {"social"}, 3, 2),
    ("dev", {"social"}, 3, 2),
    ("eli", {"social", "hostile"}, 3, 2),
    ("fay", set(), 3, 2),  # new: her public replies go to a lead for approval
)
LEAD = "lead-sam"

POLICY = {
    "brand_accounts": [{"platform": p, "account": BRAND} for p in PLATFORMS],
    "service_levels": [
        {"priority": "urgent", "first_response": "15m", "resolution": "4h"},
        {"priority": "high", "first_response": "30m", "resolution": "8h"},
        {"priority": "normal", "first_response": "1h", "resolution": "24h"},
        {"priority": "low", "first_response": "4h"},
    ],
}


@attrs.frozen(kw_only=True)
class DemoSummary:
    """What happened on the demo day."""

    posts: int
    mentions: int
    cases: int
    routed: int
    no_action: int
    incidents: tuple[tuple[str, str, int], ...]  # (start HH:MM, topic, cases linked)
    replies_sent: int
    approvals: int
    drafts_refused: int
    first_response_met: float | None
    median_first_response_minutes: float | None
    hostile_by_agent: dict[str, int]
    report: Path
    database: Path


def _stable(text: str, low: int, high: int) -> int:
    """A reproducible number in [low, high] from ``text``."""
    digest = hashlib.blake2b(text.encode(), digest_size=4).digest()
    return low + int.from_bytes(digest, "big") % (high - low + 1)


_HANDLE = re.compile(r"[@#]\w+")
_URL = re.compile(r"https?://\S+")
_SWAPS = {"my": "your", "i": "you", "i'm": "you're", "i've": "you've", "me": "you", "we": "you"}


def issue_of(text: str) -> str:
    """The customer's problem in their own words, turned to the second person."""
    cleaned = _URL.sub("", _HANDLE.sub("", text)).strip(" ,.!?-")
    first = re.split(r"[.!?]\s|,\s", cleaned, maxsplit=1)[0]
    words = [_SWAPS.get(w.casefold(), w) for w in first.split()[:12]]
    return " ".join(words).strip(" ,") or "this"


@attrs.define
class _Team:
    """The simulated agents: answer by the playbook, resolve, approve, close."""

    desk: Desk
    think: dict[str, datetime] = attrs.field(factory=dict)
    resolve_at: dict[str, datetime] = attrs.field(factory=dict)
    close_at: dict[str, datetime] = attrs.field(factory=dict)
    approve_at: dict[str, datetime] = attrs.field(factory=dict)
    answered: set[str] = attrs.field(factory=set)
    followed_up: set[str] = attrs.field(factory=set)
    park: set[tuple[str, str]] = attrs.field(factory=set)
    refused: int = 0
    approvals: int = 0
    sent: int = 0

    def hear(self, notice: Notice) -> None:
        case_id = notice.case_id
        if case_id is None:
            return
        if notice.kind is NoticeKind.CASE_ASSIGNED:
            self.think[case_id] = notice.at + timedelta(minutes=_stable(case_id, 2, 12))
        elif notice.kind is NoticeKind.APPROVAL_NEEDED and notice.message_id:
            self.approve_at[notice.message_id] = notice.at + timedelta(minutes=4)
        elif notice.kind is NoticeKind.REPLY_SENT:
            self.sent += 1
            if case_id not in self.resolve_at:
                self.resolve_at[case_id] = notice.at + timedelta(minutes=_stable(case_id, 15, 50))
                case = self.desk.case(case_id)
                if case.incident_id is not None and case.assignee is not None:
                    self.park.add((case.assignee, case_id))

    def act(self, now: datetime) -> None:
        for agent, case_id in sorted(self.park):
            # Acknowledged incident cases wait for the fix without holding an agent.
            self.park.discard((agent, case_id))
            if self.desk.router.assignment(case_id) == agent:
                self.desk.agents.release(agent, case_id, now=now)
        for message_id, due in list(self.approve_at.items()):
            if due <= now:
                del self.approve_at[message_id]
                self.desk.approve(message_id, by=LEAD, now=now, note="checked")
                self.approvals += 1
        for case_id, due in list(self.think.items()):
            if due <= now:
                del self.think[case_id]
                self._answer(case_id, now)
        for case_id, due in list(self.resolve_at.items()):
            if due > now:
                continue
            case = self.desk.case(case_id)
            if case.incident_id is not None and now < INCIDENT_FIXED:
                continue  # the playbook holds incident cases until the root cause is fixed
            del self.resolve_at[case_id]
            if case.incident_id is not None and case_id not in self.followed_up and case.assignee:
                self.followed_up.add(case_id)
                self._send(case_id, case.assignee, self._text(case_id, StepKind.FOLLOW_UP), now)
            if case.is_open and case.state is not CaseState.NEW:
                self.desk.resolve(case_id, now=now, reason="fixed")
        for case_id, due in list(self.close_at.items()):
            if due <= now:
                del self.close_at[case_id]
                case = self.desk.case(case_id)
                if case.is_open and case.assignee is None:
                    self.desk.close(case_id, now=now, reason="no action needed")

    def _text(self, case_id: str, kind: StepKind) -> str | None:
        case = self.desk.case(case_id)
        playbook_steps = self.desk.next_steps(case, now=case.updated_at)
        if playbook_steps is None:
            return None
        step = next(
            (p.step for p in playbook_steps.steps if p.kind is kind and p.step.template), None
        )
        if step is None or step.template is None:
            return None
        first = self.desk.store.get_mention(case.mentions[0])
        values = dict.fromkeys(STANDARD_VARIABLES, "")
        values.update(
            customer=first.author.handle if first else "there",
            issue=issue_of(first.text) if first else "this",
            brand="Northwind",
            details_needed="your account number",
            private_channel="a private message",
            incident_summary="the mobile data and broadband outage in the city",
            incident_update="the outage is fixed and service is back to normal.",
            status_url="status.northwind.example",
            answer="our team will get back to you with the details",
            agent=case.assignee or "the team",
        )
        return self.desk.playbooks.render(step.template, values)

    def _answer(self, case_id: str, now: datetime) -> None:
        case = self.desk.case(case_id)
        if not case.is_open or case.assignee is None or case_id in self.answered:
            return
        self.answered.add(case_id)
        text = self._text(case_id, StepKind.ACKNOWLEDGE) or (
            f"Thanks for getting in touch about {self._issue(case_id)}. We're on it and will "
            "follow up shortly."
        )
        self._send(case_id, case.assignee, text, now)

    def _issue(self, case_id: str) -> str:
        case = self.desk.case(case_id)
        first = self.desk.store.get_mention(case.mentions[0])
        return issue_of(first.text) if first else "this"

    def _send(self, case_id: str, agent: str, text: str | None, now: datetime) -> None:
        if not text:
            return
        # A customer who wrote only privately is answered privately.
        private = not any(k for k in self._public_posts(case_id))
        try:
            self.desk.reply(case_id, agent=agent, text=text, private=private, now=now)
        except PolicyViolation:
            self.refused += 1
            fallback = "Sorry about this. Could you send us a private message so we can help?"
            try:
                self.desk.reply(case_id, agent=agent, text=fallback, private=private, now=now)
            except SocialCXError:
                self.refused += 1

    def _public_posts(self, case_id: str) -> list[str]:
        case = self.desk.case(case_id)
        found = (self.desk.store.get_mention(k) for k in case.mentions)
        return [m.native_id for m in found if m is not None and m.is_public]


def run_demo(
    out: str | Path,
    *,
    seed: int = 7,
    scale: float = 1.0,
    progress: Progress | None = None,
) -> DemoSummary:
    """Run the synthetic day end to end; write ``demo.db`` and ``report/`` into ``out``."""
    return asyncio.run(_run(Path(out), seed=seed, scale=scale, progress=progress))


async def _run(out: Path, *, seed: int, scale: float, progress: Progress | None) -> DemoSummary:
    out.mkdir(parents=True, exist_ok=True)
    database = out / "demo.db"
    for stale in (database, out / "demo.db-wal", out / "demo.db-shm"):
        stale.unlink(missing_ok=True)
    posts = synthetic_day(seed=seed, scale=scale)
    clock = FakeClock(DAY)
    channels = {
        p: FakeChannel(
            clock=clock, platform=p, account=BRAND, capabilities=capabilities_for(p), page_size=50
        )
        for p in PLATFORMS
    }
    store = SQLiteStore(database)
    desk = Desk(
        policy=Policy.from_dict(POLICY, source="demo policy"),
        store=store,
        incidents=IncidentDetector(
            warmup=timedelta(hours=2), min_count=8, scope=lambda m: m.channel.account
        ),
    )
    team = _Team(desk)
    desk.subscribe(team.hear)
    agents = [
        Agent(
            id=name,
            languages={"en"},
            certifications=certs,
            capacity=Capacity(public=public, private=private),
            presence=Presence.OFFLINE,
        )
        for name, certs, public, private in TEAM
    ]
    for agent in agents:
        desk.agents.add(agent, now=DAY)

    async def no_sleep(_: float) -> None:
        return None

    outpost = Outpost(desk, channels=list(channels.values()), clock=clock, sleep=no_sleep)
    native: dict[int, str] = {}
    queue = list(enumerate(posts))
    minutes = 24 * 60
    shift_start, shift_end = DAY + timedelta(hours=7), DAY + timedelta(hours=22)
    routed = 0

    def count_routed(notice: Notice) -> None:
        nonlocal routed
        if notice.kind is NoticeKind.CASE_OPENED:
            case = desk.case(notice.case_id) if notice.case_id else None
            if case is not None and "intent:spam" in case.labels:
                team.close_at[case.id] = notice.at + timedelta(minutes=5)
        if notice.kind is NoticeKind.CASE_ASSIGNED:
            routed += 1

    desk.subscribe(count_routed)
    for minute in range(minutes + 1):
        now = DAY + timedelta(minutes=minute)
        while queue and queue[0][1].at <= now:
            index, post = queue.pop(0)
            clock.set(post.at)
            _post(channels[post.platform], post, index, native)
        clock.set(now)
        if now == shift_start:
            for agent in agents:
                desk.agents.set_presence(agent.id, Presence.AVAILABLE, now=now)
        if now == shift_end:
            for agent in agents:
                desk.agents.set_presence(agent.id, Presence.OFFLINE, now=now)
        await outpost.cycle()
        desk.tick(now=now)
        if shift_start <= now < shift_end:
            team.act(now)
        _close_idle(desk, team, now)
        if progress is not None and minute % 15 == 0:
            progress(minute, minutes)
    end = DAY + timedelta(days=1)
    await outpost.cycle()
    cases = desk.cases()
    incidents = store.incidents()
    metrics = compute_metrics(
        cases,
        now=end,
        incidents=incidents,
        agents=agents,
        available_hours={a.id: 15.0 for a in agents},
        total_customers=2_400,  # every customer the host served that day, on every channel
    )
    report = write_report(metrics, out / "report", title="Northwind: one day of social care")
    by_incident = Counter(c.incident_id for c in cases if c.incident_id)
    firsts = [
        (c.first_response_at - c.opened_at).total_seconds() / 60
        for c in cases
        if c.first_response_at is not None
    ]
    met = [
        c.first_response_at <= c.deadlines.first_response
        for c in cases
        if c.deadlines.first_response is not None and c.first_response_at is not None
    ]
    missed = sum(
        1
        for c in cases
        if c.deadlines.first_response is not None
        and c.first_response_at is None
        and any(k for k in c.labels if k in {"complaint", "hostile", "intent:question"})
    )
    hostile: Counter[str] = Counter()
    for c in cases:
        if "hostile" in c.labels:
            for event in c.events:
                who = getattr(event, "agent", None)
                if type(event).__name__ == "Assigned" and isinstance(who, str):
                    hostile[who] += 1
    summary = DemoSummary(
        posts=len(posts),
        mentions=store.count_mentions(),
        cases=len(cases),
        routed=routed,
        no_action=sum(
            1 for c in cases if not any(type(e).__name__ == "Assigned" for e in c.events)
        ),
        incidents=tuple(
            (i.first_seen.strftime("%H:%M"), " ".join(i.topic[:4]), by_incident.get(i.id, 0))
            for i in incidents
        ),
        replies_sent=team.sent,
        approvals=team.approvals,
        drafts_refused=team.refused,
        first_response_met=(sum(met) / (len(met) + missed)) if met or missed else None,
        median_first_response_minutes=sorted(firsts)[len(firsts) // 2] if firsts else None,
        hostile_by_agent=dict(sorted(hostile.items())),
        report=report,
        database=database,
    )
    store.close()
    return summary


def _post(channel: FakeChannel, post: ScriptedPost, index: int, native: dict[int, str]) -> None:
    parent = native.get(post.reply_to) if post.reply_to is not None else None
    if post.author.is_brand:
        author = post.author
    else:
        author = channel.customer(
            post.author.handle,
            followers=post.author.followers,
            is_employee=post.author.is_employee,
        )
    private = post.visibility.value == "private"
    if private:
        parent = None  # a private message starts its own conversation
    mention = channel.post(post.text, author=author, private=private, in_reply_to=parent)
    native[index] = mention.native_id


def _close_idle(desk: Desk, team: _Team, now: datetime) -> None:
    """Cases nobody needs to work on (praise, chatter) are closed after a while."""
    if now.minute % 30:
        return
    queued = {r.case_id for r in desk.router.queued(now=now)}
    for case in desk.store.cases(open_only=True):
        if (
            case.assignee is None
            and case.id not in team.close_at
            and desk.router.held(case.id) is None
            and case.id not in queued
            and now - case.opened_at > timedelta(minutes=30)
        ):
            team.close_at[case.id] = now
