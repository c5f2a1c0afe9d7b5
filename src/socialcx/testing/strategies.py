"""Hypothesis strategies for every public socialcx type.

Use them to property-test code that consumes socialcx values::

    from hypothesis import given
    from socialcx.testing import strategies as sxst

    @given(sxst.mentions())
    def test_my_handler(mention): ...

Every strategy produces only valid values (the constructors validate), so a
failure points at the code under test, not at the generator.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

from socialcx.model import (
    CASE_EVENT_TYPES,
    TRANSITIONS,
    AccountRef,
    Agent,
    ApprovalDecided,
    ApprovalRequested,
    Assigned,
    Author,
    BusinessCalendar,
    Capacity,
    Case,
    CaseEvent,
    CaseState,
    ChannelCapabilities,
    ChannelRef,
    DeadlinesSet,
    Engagement,
    Escalated,
    EscalationRule,
    Incident,
    IncidentLinked,
    IncidentState,
    LengthUnit,
    Mention,
    MentionAttached,
    MentionKey,
    MessageState,
    OpeningHours,
    OutboundMessage,
    PlaybookStep,
    Policy,
    Presence,
    Priority,
    PriorityChanged,
    ReplyRules,
    ReplySent,
    ResponsePlaybook,
    RoutingRules,
    ServiceDeadlines,
    ServiceLevel,
    StateChanged,
    StepKind,
    Triaged,
    Unassigned,
    Visibility,
    Weekday,
    WorkKind,
)
from socialcx.model._case import action_of

__all__ = [
    "account_refs",
    "agents",
    "authors",
    "aware_datetimes",
    "business_calendars",
    "capacities",
    "case_event_sequences",
    "cases",
    "channel_capabilities",
    "channel_refs",
    "durations",
    "engagements",
    "escalation_rules",
    "incidents",
    "mention_keys",
    "mentions",
    "names",
    "opening_hours",
    "outbound_messages",
    "playbook_steps",
    "playbooks",
    "policies",
    "reply_rules",
    "routing_rules",
    "service_deadlines",
    "service_levels",
]

PLATFORMS = ("mastodon", "bluesky", "x", "facebook", "instagram", "reddit", "youtube", "blog")

_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
_ident = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zs")),
    min_size=1,
    max_size=16,
)


def names() -> st.SearchStrategy[str]:
    """Short non-empty identifiers, Unicode included."""
    return _ident


def aware_datetimes() -> st.SearchStrategy[datetime]:
    """Timezone-aware datetimes between 2020 and 2035, in fixed offsets."""
    offsets = st.integers(min_value=-12 * 60, max_value=14 * 60).map(
        lambda m: timezone(timedelta(minutes=m))
    )
    return st.builds(
        lambda s, tz: (_EPOCH + timedelta(seconds=s)).astimezone(tz),
        st.integers(min_value=0, max_value=15 * 365 * 86400),
        offsets,
    )


def durations(max_days: int = 30) -> st.SearchStrategy[timedelta]:
    """Positive durations in whole seconds."""
    return st.integers(min_value=1, max_value=max_days * 86400).map(lambda s: timedelta(seconds=s))


def platforms() -> st.SearchStrategy[str]:
    """Network names."""
    return st.sampled_from(PLATFORMS)


def channel_refs(platform: str | None = None) -> st.SearchStrategy[ChannelRef]:
    """Brand accounts."""
    plat = st.just(platform) if platform else platforms()
    return st.builds(ChannelRef, platform=plat, account=_ident)


def mention_keys() -> st.SearchStrategy[MentionKey]:
    """Mention keys."""
    return st.builds(MentionKey, platform=platforms(), native_id=_ident)


def authors(platform: str | None = None) -> st.SearchStrategy[Author]:
    """Authors on ``platform`` (any network when ``None``)."""
    plat = st.just(platform) if platform else platforms()
    return st.builds(
        Author,
        platform=plat,
        native_id=_ident,
        handle=_ident,
        display_name=st.none() | _ident,
        followers=st.integers(min_value=0, max_value=10**8),
        verified=st.booleans(),
        is_brand=st.booleans(),
        is_employee=st.booleans(),
    )


def engagements() -> st.SearchStrategy[Engagement]:
    """Engagement counts."""
    count = st.integers(min_value=0, max_value=10**7)
    return st.builds(
        Engagement, likes=count, reposts=count, replies=count, quotes=count, views=count
    )


_json_scalars = st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=20)
_json: st.SearchStrategy[Any] = st.recursive(
    _json_scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@st.composite
def mentions(draw: st.DrawFn, platform: str | None = None) -> Mention:
    """Mentions with an author on the same network as the channel."""
    plat = platform or draw(platforms())
    return Mention(
        channel=draw(channel_refs(plat)),
        native_id=draw(_ident),
        author=draw(authors(plat)),
        text=draw(st.text(max_size=280)),
        created_at=draw(aware_datetimes()),
        visibility=draw(st.sampled_from(Visibility)),
        url=draw(st.none() | st.just(f"https://{plat}.example/p/1")),
        in_reply_to=draw(st.none() | _ident),
        conversation_id=draw(st.none() | _ident),
        language=draw(st.none() | st.sampled_from(["en", "de", "fr", "pt-BR", "ja"])),
        metrics=draw(engagements()),
        edited_at=draw(st.none() | aware_datetimes()),
        raw=draw(st.none() | st.dictionaries(st.text(max_size=8), _json, max_size=4)),
    )


def service_deadlines() -> st.SearchStrategy[ServiceDeadlines]:
    """Service-level deadlines, each possibly absent."""
    maybe = st.none() | aware_datetimes()
    return st.builds(ServiceDeadlines, first_response=maybe, next_response=maybe, resolution=maybe)


_labels = st.frozensets(st.sampled_from(["complaint", "question", "hostile", "urgent", "praise"]))


def _event_for(draw: st.DrawFn, state: CaseState, at: datetime) -> CaseEvent:
    """Any event, legal or not, for exercising the table."""
    kind = draw(st.sampled_from([t for t in CASE_EVENT_TYPES if t.__name__ != "CaseOpened"]))
    vis = draw(st.sampled_from(Visibility))
    if kind is Triaged:
        return Triaged(at=at, priority=draw(st.sampled_from(Priority)), labels=draw(_labels))
    if kind is MentionAttached:
        return MentionAttached(at=at, mention=draw(mention_keys()), visibility=vis)
    if kind is Assigned:
        return Assigned(at=at, agent=draw(st.sampled_from(["ana", "bo", "cy"])))
    if kind is Unassigned:
        return Unassigned(at=at, reason="agent offline")
    if kind is ReplySent:
        return ReplySent(at=at, message_id=draw(_ident), visibility=vis, agent="ana")
    if kind is Escalated:
        return Escalated(at=at, target="supervisors")
    if kind is PriorityChanged:
        return PriorityChanged(at=at, priority=draw(st.sampled_from(Priority)))
    if kind is DeadlinesSet:
        return DeadlinesSet(at=at, deadlines=draw(service_deadlines()))
    if kind is IncidentLinked:
        return IncidentLinked(at=at, incident_id="inc-1")
    if kind is ApprovalRequested:
        return ApprovalRequested(at=at, message_id="m-1", role="social_lead", reasons=("reach",))
    if kind is ApprovalDecided:
        return ApprovalDecided(at=at, message_id="m-1", approved=draw(st.booleans()), by="lee")
    targets = [
        CaseState.RESOLVED,
        CaseState.REOPENED,
        CaseState.CLOSED,
        CaseState.AWAITING_CUSTOMER,
    ]
    return StateChanged(at=at, to=draw(st.sampled_from(targets)))


@st.composite
def case_event_sequences(
    draw: st.DrawFn, max_events: int = 12, legal_only: bool = False
) -> list[CaseEvent]:
    """A case's history: ``case_opened`` then events in time order.

    With ``legal_only`` every event is allowed by the table at its point in the
    history; otherwise illegal events are mixed in to test refusals.
    """
    mention = draw(mentions())
    at = mention.created_at
    opened = Case.open(
        id=draw(_ident),
        customer=f"{mention.platform}:{mention.author.native_id}",
        channel=mention.channel,
        mention=mention.key,
        visibility=mention.visibility,
        at=at,
        priority=draw(st.sampled_from(Priority)),
    )
    events: list[CaseEvent] = [opened.events[0]]
    state = opened.state
    for _ in range(draw(st.integers(min_value=0, max_value=max_events))):
        at = at + draw(durations(max_days=2))
        event = _event_for(draw, state, at)
        allowed = (state, action_of(event)) in TRANSITIONS
        if legal_only and not allowed:
            continue
        events.append(event)
        if allowed:
            state = TRANSITIONS[(state, action_of(event))]
        elif not legal_only:
            break
    return events


def cases() -> st.SearchStrategy[Case]:
    """Cases reached by legal histories."""
    return case_event_sequences(legal_only=True).map(Case.replay)


def capacities() -> st.SearchStrategy[Capacity]:
    """Per-kind capacities."""
    n = st.integers(min_value=0, max_value=20)
    return st.builds(Capacity, public=n, private=n)


_skill_names = st.frozensets(st.sampled_from(["billing", "baggage", "refunds", "tech", "legal"]))


def agents() -> st.SearchStrategy[Agent]:
    """Agents with a few skills, languages and certifications."""
    return st.builds(
        Agent,
        id=_ident,
        name=st.none() | _ident,
        skills=_skill_names,
        languages=st.frozensets(st.sampled_from(["en", "de", "fr", "es", "ja"])),
        certifications=st.frozensets(st.sampled_from(["social", "hostile", "social_lead"])),
        capacity=capacities(),
        presence=st.sampled_from(Presence),
        teams=st.frozensets(st.sampled_from(["tier1", "overflow", "supervisors"])),
    )


@st.composite
def incidents(draw: st.DrawFn) -> Incident:
    """Open, resolved or merged incidents."""
    first = draw(aware_datetimes())
    last = first + draw(st.none().map(lambda _: timedelta(0)) | durations(max_days=3))
    state = draw(st.sampled_from(IncidentState))
    return Incident(
        id=draw(_ident),
        channel=draw(channel_refs()),
        topic=draw(st.lists(st.text(min_size=1, max_size=12), max_size=5)),
        first_seen=first,
        last_seen=last,
        mention_count=draw(st.integers(min_value=0, max_value=10**6)),
        velocity=draw(st.floats(min_value=0, max_value=1e6, allow_nan=False)),
        samples=draw(st.lists(mention_keys(), max_size=20, unique=True)),
        case_ids=draw(st.frozensets(_ident, max_size=5)),
        state=state,
        merged_into="inc-0" if state is IncidentState.MERGED else None,
        resolved_at=last if state is IncidentState.RESOLVED else None,
    )


@st.composite
def outbound_messages(draw: st.DrawFn) -> OutboundMessage:
    """Replies in any state of their lifecycle."""
    state = draw(st.sampled_from(MessageState))
    created = draw(aware_datetimes())
    visibility = draw(st.sampled_from(Visibility))
    return OutboundMessage(
        id=draw(_ident),
        case_id=draw(_ident),
        channel=draw(channel_refs()),
        visibility=visibility,
        text=draw(st.text(max_size=500)),
        created_at=created,
        in_reply_to=draw(_ident),
        recipient=draw(st.none() | _ident),
        agent=draw(st.none() | _ident),
        state=state,
        sent_at=created if state is MessageState.SENT else None,
        native_id=draw(_ident) if state is MessageState.SENT else None,
    )


def account_refs() -> st.SearchStrategy[AccountRef]:
    """Accounts named by handle, native id or both."""
    return st.builds(AccountRef, platform=platforms(), handle=_ident, native_id=st.none() | _ident)


def service_levels() -> st.SearchStrategy[ServiceLevel]:
    """Service levels, some scoped to a priority or network."""
    return st.builds(
        ServiceLevel,
        first_response=durations(max_days=1),
        next_response=st.none() | durations(max_days=2),
        resolution=st.none() | durations(max_days=7),
        priority=st.none() | st.sampled_from(Priority),
        platform=st.none() | platforms(),
        business_hours=st.booleans(),
    )


@st.composite
def opening_hours(draw: st.DrawFn, day: Weekday | None = None) -> OpeningHours:
    """One span of working hours on one day."""
    start = draw(st.integers(min_value=0, max_value=20))
    end = draw(st.integers(min_value=start + 1, max_value=23))
    return OpeningHours(day=day or draw(st.sampled_from(Weekday)), start=time(start), end=time(end))


@st.composite
def business_calendars(draw: st.DrawFn) -> BusinessCalendar:
    """Calendars that are always open or open some hours of some days."""
    days = draw(st.lists(st.sampled_from(Weekday), unique=True, max_size=7))
    hours = [draw(opening_hours(day)) for day in days]
    return BusinessCalendar(
        timezone=draw(st.sampled_from(["UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo"])),
        hours=tuple(hours),
        holidays=draw(st.frozensets(st.dates(date(2024, 1, 1), date(2030, 1, 1)), max_size=3)),
    )


def escalation_rules() -> st.SearchStrategy[EscalationRule]:
    """Escalation steps."""
    return st.builds(
        EscalationRule,
        name=_ident,
        after=durations(max_days=1),
        target=st.sampled_from(["overflow", "supervisors"]),
        when=st.none() | st.just('priority >= "high"'),
    )


def policies() -> st.SearchStrategy[Policy]:
    """Whole policies."""
    return st.builds(
        Policy,
        brand_accounts=st.lists(channel_refs(), max_size=3).map(tuple),
        employee_accounts=st.lists(account_refs(), max_size=3).map(tuple),
        funnel_employees=st.booleans(),
        service_levels=st.lists(service_levels(), max_size=4).map(tuple),
        calendar=business_calendars(),
        escalation=st.lists(escalation_rules(), max_size=3).map(tuple),
        replies=reply_rules(),
        routing=routing_rules(),
    )


def reply_rules() -> st.SearchStrategy[ReplyRules]:
    """Who may reply in public and what needs approval."""
    return st.builds(
        ReplyRules,
        approval_reach=st.integers(min_value=0, max_value=10**7),
        approval_topics=st.frozensets(st.sampled_from(["legal", "safety", "medical"])),
    )


def routing_rules() -> st.SearchStrategy[RoutingRules]:
    """Agent-safety and sticky-routing settings."""
    return st.builds(
        RoutingRules,
        hostile_cap_per_shift=st.integers(min_value=0, max_value=50),
        hostile_cooldown=durations(max_days=1),
        sticky_window=durations(max_days=14),
        aging_step=durations(max_days=1),
    )


def playbook_steps(
    kinds: st.SearchStrategy[StepKind] | None = None,
) -> st.SearchStrategy[PlaybookStep]:
    """Steps, with templates that use ``{variables}``."""
    return st.builds(
        PlaybookStep,
        kind=kinds or st.sampled_from([k for k in StepKind if k is not StepKind.INVITE_TO_SHARE]),
        within=st.none() | durations(max_days=2),
        template=st.none() | st.sampled_from(["Hi {customer}, sorry about {issue}.", "Thanks!"]),
        visibility=st.none() | st.sampled_from(Visibility),
        note=st.text(max_size=40),
    )


@st.composite
def playbooks(draw: st.DrawFn) -> ResponsePlaybook:
    """Playbooks; an invitation to share, when present, follows a resolution."""
    steps = draw(st.lists(playbook_steps(), min_size=1, max_size=5))
    if draw(st.booleans()):
        steps.append(PlaybookStep(kind=StepKind.RESOLVE))
        steps.append(PlaybookStep(kind=StepKind.INVITE_TO_SHARE, template="Glad it's fixed!"))
    return ResponsePlaybook(
        name=draw(_ident),
        applies_to=draw(
            st.frozensets(st.sampled_from(["isolated_complaint", "question"]), min_size=1)
        ),
        steps=tuple(steps),
        description=draw(st.text(max_size=40)),
    )


def channel_capabilities() -> st.SearchStrategy[ChannelCapabilities]:
    """Capabilities of real and imaginary networks."""
    return st.builds(
        ChannelCapabilities,
        public_reply=st.booleans(),
        private_message=st.booleans(),
        brand_can_start_private=st.booleans(),
        private_window=st.none() | durations(max_days=7),
        max_length=st.none() | st.integers(min_value=1, max_value=10_000),
        private_max_length=st.none() | st.integers(min_value=1, max_value=10_000),
        length_unit=st.sampled_from(LengthUnit),
        url_length=st.none() | st.just(23),
        mention_domain_free=st.booleans(),
        idempotent_send=st.booleans(),
        edits=st.booleans(),
        deletes=st.booleans(),
    )


#: Strategies by type, for tests that cover "every public type".
BY_TYPE: dict[type[Any], st.SearchStrategy[Any]] = {
    ChannelRef: channel_refs(),
    ChannelCapabilities: channel_capabilities(),
    MentionKey: mention_keys(),
    Author: authors(),
    Engagement: engagements(),
    Mention: mentions(),
    ServiceDeadlines: service_deadlines(),
    Case: cases(),
    Capacity: capacities(),
    Agent: agents(),
    Incident: incidents(),
    OutboundMessage: outbound_messages(),
    AccountRef: account_refs(),
    ServiceLevel: service_levels(),
    BusinessCalendar: business_calendars(),
    OpeningHours: opening_hours(),
    ReplyRules: reply_rules(),
    RoutingRules: routing_rules(),
    EscalationRule: escalation_rules(),
    Policy: policies(),
    PlaybookStep: playbook_steps(),
    ResponsePlaybook: playbooks(),
}

#: The enums of the model, for completeness checks.
ENUMS = (Visibility, Priority, Presence, WorkKind, CaseState, IncidentState, MessageState, StepKind)
