"""Isolated or systemic? Online incident detection over the stream of complaints.

Each brand account has its own detector state. A complaint is reduced to its
content words. Every word keeps a sliding window of the complaints that used it
and its own baseline (an exponentially weighted hourly rate). A word *bursts*
when its count in the window departs from that baseline by a Poisson-style
margin and a ratio, with a minimum count so quiet words never fire; words that
appear in a large share of all complaints ("flight", "help") never fire, since
they name no particular problem. A burst opens an incident, or joins an open
one whose complaints it shares; later complaints with an incident's words join
it, and an incident whose words fall silent for a whole window resolves. All
state is bounded: the vocabulary, the windows and the open incidents are capped.
"""

from __future__ import annotations

import math
import re
from collections import Counter, OrderedDict, deque
from collections.abc import Callable, Hashable
from datetime import datetime, timedelta

import attrs

from socialcx.model import Incident, IncidentState, Mention, MentionKey

_WORD = re.compile(r"[a-z][a-z']+")
_NOISE = re.compile(r"https?://\S+|[@#]\w+|&\w+;")
_STOP = frozenset(
    [
        "a",
        "about",
        "after",
        "again",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "been",
        "before",
        "being",
        "but",
        "by",
        "can",
        "cant",
        "could",
        "did",
        "didnt",
        "do",
        "does",
        "dont",
        "for",
        "from",
        "get",
        "got",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "him",
        "his",
        "how",
        "i",
        "im",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "ive",
        "just",
        "me",
        "more",
        "my",
        "no",
        "not",
        "now",
        "of",
        "on",
        "or",
        "our",
        "out",
        "over",
        "please",
        "so",
        "some",
        "than",
        "thank",
        "thanks",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "they",
        "this",
        "to",
        "too",
        "u",
        "up",
        "us",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "youre",
        "yes",
        "yet",
        "still",
        "really",
        "one",
        "get",
        "going",
        "know",
        "need",
        "today",
        "time",
        # function words that name no problem
        "here",
        "either",
        "even",
        "again",
        "since",
        "also",
        "anyone",
        "else",
        "everything",
        "nothing",
        "something",
        "anything",
        "all",
        "any",
        "can't",
        "cant",
        "don't",
        "dont",
        "won't",
        "can",
        "could",
        "should",
        "did",
        "does",
        "been",
        "being",
        "after",
        "before",
        "about",
        "from",
        "for",
        "and",
        "but",
        "are",
    ]
)


def content_words(text: str) -> list[str]:
    """Lower-cased content words with mentions, hashtags' signs, links and stop words removed."""
    words = _WORD.findall(_NOISE.sub(" ", text.lower()))
    out = []
    for word in words:
        word = word.strip("'")
        if len(word) < 3 or word in _STOP:
            continue
        for suffix in ("ing", "ed", "s"):  # a crude stem keeps delayed/delays/delay together
            if len(word) > len(suffix) + 3 and word.endswith(suffix):
                word = word[: -len(suffix)]
                break
        out.append(word)
    return out


@attrs.define(slots=True, eq=False)
class _Word:
    window: deque[tuple[datetime, MentionKey, str | None]] = attrs.field(factory=deque)
    rate: float = 0.0
    rate_at: datetime | None = None
    docs: int = 0


@attrs.define(slots=True, eq=False)
class _Open:
    incident_id: str
    words: set[str]
    last_active: datetime
    members: set[MentionKey] = attrs.field(factory=set)


#: Members remembered per open incident, for deciding whether a burst belongs to it.
_MAX_MEMBERS = 2_000


@attrs.frozen(kw_only=True)
class IncidentUpdate:
    """What one complaint did to the incidents.

    Args:
        incident: The incident after this complaint.
        opened: This complaint made a word burst and opened the incident.
        window_count: Complaints in the bursting word's window when it opened.
        joined: The complaints that joined the incident with this update (the
            bursting word's whole window when it opened).
    """

    incident: Incident
    opened: bool
    window_count: int
    joined: tuple[MentionKey, ...] = ()


@attrs.define
class _ChannelState:
    words: OrderedDict[str, _Word] = attrs.field(factory=OrderedDict)
    docs: int = 0
    first_at: datetime | None = None
    open: list[_Open] = attrs.field(factory=list)
    expected: dict[str, float] = attrs.field(factory=dict)


@attrs.define
class IncidentDetector:
    """Finds systemic problems in a stream of complaints, per brand account.

    Feed every mention with :meth:`observe`; only complaints count. The result
    says when an incident opens and when it grows; link the case to
    ``update.incident.id`` so it follows the incident playbook.

    Args:
        window: The sliding window a burst is measured in.
        min_count: Fewest complaints with the word in the window before it may burst.
        ratio: How many times its expected count a word must reach.
        margin: How many Poisson standard deviations above the baseline it must reach.
        half_life: How fast a word's baseline rate forgets.
        warmup: How long an account is watched before anything may fire.
        generic_share: Words in more than this share of complaints before the
            current window (``the``, ``service``) never fire.
        max_vocabulary: Words tracked per account; the least recent are dropped.
        max_open: Open incidents per account.
        min_topic_words: Words that must burst together (each in a third of the
            bursting word's window) before an incident opens.
        scope: What one baseline covers, from a mention: by default its brand
            account on its network (``mention.channel``); pass
            ``lambda m: m.channel.account`` to watch a brand across networks,
            where one outage shows up everywhere at once.
    """

    window: timedelta = timedelta(hours=2)
    min_count: int = 10
    ratio: float = 3.0
    margin: float = 3.0
    half_life: timedelta = timedelta(hours=24)
    warmup: timedelta = timedelta(hours=12)
    generic_share: float = 0.12
    max_vocabulary: int = 5_000
    max_open: int = 20
    min_topic_words: int = 2
    scope: Callable[[Mention], Hashable] | None = None
    _channels: dict[Hashable, _ChannelState] = attrs.field(init=False, factory=dict)
    _incidents: dict[str, Incident] = attrs.field(init=False, factory=dict)
    _count: int = attrs.field(init=False, default=0)

    def observe(
        self, mention: Mention, *, complaint: bool, case_id: str | None = None, now: datetime
    ) -> IncidentUpdate | None:
        """Take one mention; return an update when it opened or grew an incident."""
        if not complaint:
            return None
        # Ordered, not a set: a replay must not depend on how strings hash.
        words = dict.fromkeys(content_words(mention.text))
        if not words:
            return None
        at = mention.created_at
        scope = mention.channel if self.scope is None else self.scope(mention)
        state = self._channels.setdefault(scope, _ChannelState())
        if state.first_at is None:
            state.first_at = at
        state.docs += 1
        self._close_quiet(state, at)
        bursting: list[tuple[int, str]] = []
        for word in words:
            stat = state.words.get(word)
            if stat is None:
                stat = state.words[word] = _Word()
            state.words.move_to_end(word)
            stat.docs += 1
            stat.window.append((at, mention.key, case_id))
            while at - stat.window[0][0] > self.window:
                stat.window.popleft()
            expected = self._bursts(state, stat, at)
            if expected is not None:
                bursting.append((len(stat.window), word))
                state.expected[word] = expected
            self._decay(stat, at)
            stat.rate += math.log(2) / (self.half_life.total_seconds() / 3600)
        while len(state.words) > self.max_vocabulary:
            state.words.popitem(last=False)
        fresh = []
        for count, word in bursting:
            home = self._home_of(state, word)
            if home is None:
                fresh.append((count, word))
            else:
                home.words.add(word)  # the same problem, described in another word
        joined = self._join_open(state, mention, set(words), case_id)
        if joined is not None:
            return joined
        for _, word in sorted(fresh, reverse=True):
            if self._supported(state, word):
                return self._open(state, mention, word)
        return None

    def _supported(self, state: _ChannelState, word: str) -> bool:
        """Whether enough other words share the burst to make it a topic, not a coincidence."""
        if self.min_topic_words <= 1:
            return True
        window = {key for _, key, _ in state.words[word].window}
        partners = 0
        for other, stat in state.words.items():
            if other == word or stat.docs > self.generic_share * state.docs:
                continue
            shared = sum(1 for _, key, _ in stat.window if key in window)
            if shared * 3 >= len(window):
                partners += 1
                if partners + 1 >= self.min_topic_words:
                    return True
        return False

    def resolve(self, incident_id: str, *, now: datetime) -> Incident:
        """Mark an incident resolved (its root cause is fixed)."""
        incident = self._incidents[incident_id].resolve(at=now)
        self._incidents[incident_id] = incident
        for state in self._channels.values():
            state.open = [o for o in state.open if o.incident_id != incident_id]
        return incident

    def incident(self, incident_id: str) -> Incident | None:
        """One incident by id, if this detector made it."""
        return self._incidents.get(incident_id)

    @property
    def incidents(self) -> tuple[Incident, ...]:
        """Every incident so far."""
        return tuple(self._incidents.values())

    def state_size(self) -> int:
        """Entries held (vocabulary, windows, open incidents): bounded by the caps."""
        total = 0
        for state in self._channels.values():
            total += len(state.open)
            for stat in state.words.values():
                total += 1 + len(stat.window)
        return total

    # internals -------------------------------------------------------------------------------

    def _decay(self, stat: _Word, at: datetime) -> None:
        if stat.rate_at is not None and at > stat.rate_at:
            hours = (at - stat.rate_at).total_seconds() / 3600
            stat.rate *= 0.5 ** (hours / (self.half_life.total_seconds() / 3600))
        stat.rate_at = at

    def _bursts(self, state: _ChannelState, stat: _Word, at: datetime) -> float | None:
        """The word's expected count in the window when it bursts, else ``None``."""
        assert state.first_at is not None
        if at - state.first_at < self.warmup:
            return None
        count = len(stat.window)
        if stat.docs - count > self.generic_share * max(state.docs - count, 1):
            return None
        if count < self.min_count:
            return None
        rate = stat.rate
        if stat.rate_at is not None and at > stat.rate_at:
            hours = (at - stat.rate_at).total_seconds() / 3600
            rate *= 0.5 ** (hours / (self.half_life.total_seconds() / 3600))
        # An average that started at zero underestimates the rate until it has seen
        # a few half-lives; correct for how long this account has been watched.
        age = (at - state.first_at).total_seconds() / self.half_life.total_seconds()
        rate /= max(1.0 - math.pow(0.5, age), 1e-9)
        expected: float = rate * self.window.total_seconds() / 3600
        enough = count >= self.ratio * expected
        if enough and count > expected + self.margin * math.sqrt(expected + 1):
            return expected
        return None

    def _close_quiet(self, state: _ChannelState, at: datetime) -> None:
        still = []
        for item in state.open:
            if at - item.last_active > self.window:
                incident = self._incidents[item.incident_id]
                if incident.state is IncidentState.OPEN:
                    self._incidents[incident.id] = incident.resolve(at=incident.last_seen)
            else:
                still.append(item)
        state.open = still

    def _home_of(self, state: _ChannelState, word: str) -> _Open | None:
        """The open incident that already holds most of a bursting word's complaints."""
        window = {key for _, key, _ in state.words[word].window}
        for item in state.open:
            if len(window & item.members) * 2 >= len(window):
                return item
        return None

    def _join_open(
        self, state: _ChannelState, mention: Mention, words: set[str], case_id: str | None
    ) -> IncidentUpdate | None:
        best = max(state.open, key=lambda o: len(o.words & words), default=None)
        if best is None or not best.words & words:
            return None
        incident = self._incidents[best.incident_id].record(
            mention.key, at=mention.created_at, case_id=case_id
        )
        self._incidents[incident.id] = incident
        best.last_active = mention.created_at
        if len(best.members) < _MAX_MEMBERS:
            best.members.add(mention.key)
        return IncidentUpdate(
            incident=incident, opened=False, window_count=0, joined=(mention.key,)
        )

    def _open(self, state: _ChannelState, mention: Mention, word: str) -> IncidentUpdate:
        stat = state.words[word]
        members = list(stat.window)
        co: Counter[str] = Counter()
        companions: set[MentionKey] = set()
        for other, other_stat in state.words.items():
            if other == word or other_stat.docs > self.generic_share * state.docs:
                continue
            shared = {n for _, n, _ in other_stat.window} & {n for _, n, _ in members}
            if len(shared) >= max(2, len(members) // 4):
                co[other] = len(shared)
                companions |= shared
        # The window also holds the word's ordinary complaints from before the burst:
        # the oldest ones that share none of the burst's other words stay out.
        state.expected.pop(word, None)
        start = 0
        while start < len(members) - 1 and members[start][1] not in companions:
            start += 1
        members = members[start:]
        self._count += 1
        incident_id = f"inc-{self._count}"
        first = members[0][0]
        hours = max((mention.created_at - first).total_seconds() / 3600, 1 / 60)
        topic = (word, *(w for w, _ in co.most_common(4)))
        incident = Incident(
            id=incident_id,
            channel=mention.channel,
            topic=topic,
            first_seen=first,
            last_seen=mention.created_at,
            velocity=len(members) / hours,
        )
        joined = []
        for at, key, case_id in members:
            joined.append(key)
            incident = incident.record(key, at=at, case_id=case_id)
        self._incidents[incident_id] = incident
        state.open.append(
            _Open(
                incident_id=incident_id,
                words={word},
                last_active=mention.created_at,
                members={key for _, key, _ in members},
            )
        )
        if len(state.open) > self.max_open:
            state.open.pop(0)
        return IncidentUpdate(
            incident=incident, opened=True, window_count=len(members), joined=tuple(joined)
        )
