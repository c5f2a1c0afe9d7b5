"""Isolated or systemic? Online incident detection over the stream of complaints.

Each brand account has its own detector state. A complaint is reduced to its
content words. Every word keeps a sliding window of the complaints that used it
and its own baseline (an exponentially weighted hourly rate). A word *bursts*
when its count in the window departs from that baseline by a Poisson-style
margin and a ratio, with a minimum count so quiet words never fire; words that
appear in a large share of all complaints ("flight", "help") never fire, since
they name no particular problem. A burst is a topic only with *companions*:
words that share the bursting word's complaints more often than chance would.
The incident holds the complaints that use the word with a companion, and later
complaints join it when they use enough of its topic words; a burst whose word
is already part of an open incident, or whose complaints mostly are, opens
nothing new. An incident whose words fall silent for a whole window resolves.
All state is bounded: the vocabulary, the windows and the open incidents are
capped.
"""

from __future__ import annotations

import hashlib
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

_CLITIC = re.compile(r"'(?:s|ll|re|ve|d|m)$")

#: Function words left once a contraction loses its apostrophe ("couldn't" -> "couldnt",
#: "she's" -> "she"); the stop list above spells most of the rest.
_CONTRACTED = frozenset(
    [
        "aint",
        "arent",
        "couldnt",
        "doesnt",
        "hadnt",
        "hasnt",
        "havent",
        "isnt",
        "let",
        "mustnt",
        "she",
        "shouldnt",
        "wasnt",
        "werent",
        "wont",
        "wouldnt",
    ]
)


def content_words(text: str) -> list[str]:
    """Lower-cased content words with mentions, hashtags' signs, links and stop words removed."""
    memo = _STEMS
    out = []
    for token in _WORD.findall(_NOISE.sub(" ", text.lower())):
        if token in memo:
            word = memo[token]
        else:
            if len(memo) >= _MEMO_LIMIT:
                memo.clear()  # tokens come from data: keep the memo bounded
            word = memo[token] = _stem(token)
        if word is not None:
            out.append(word)
    return out


def _stem(token: str) -> str | None:
    """One token's content word, or ``None`` for a stop word or a short one."""
    word = token.strip("'")
    if "'" in word:  # fleet's -> fleet, i'm -> i, we've -> we, couldn't -> couldnt
        word = _CLITIC.sub("", word).replace("'", "")
    if len(word) < 3 or word in _STOP or word in _CONTRACTED:
        return None
    for suffix in ("ing", "ed", "s"):  # a crude stem keeps delayed/delays/delay together
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


#: What each token means (see :func:`_stem`), remembered; cleared when it reaches the limit.
_STEMS: dict[str, str | None] = {}
_MEMO_LIMIT = 50_000


_Entry = tuple[datetime, MentionKey, str | None]


@attrs.define(slots=True, eq=False)
class _Word:
    window: deque[_Entry] = attrs.field(factory=deque)
    rate: float = 0.0
    rate_at: float | None = None  # POSIX seconds: the hot loop does no datetime arithmetic
    docs: int = 0


@attrs.define(slots=True, eq=False)
class _Open:
    incident_id: str
    #: The word whose burst opened it, and every word of its topic.
    core: str
    words: frozenset[str]
    last_active: datetime
    #: The latest members (at most ``_MAX_MEMBERS``), oldest first.
    members: OrderedDict[MentionKey, None] = attrs.field(factory=OrderedDict)

    def remember(self, key: MentionKey) -> None:
        self.members[key] = None
        self.members.move_to_end(key)
        while len(self.members) > _MAX_MEMBERS:
            self.members.popitem(last=False)


@attrs.frozen
class _Topic:
    """What a burst would open: its words, its complaints, and its count since onset."""

    words: tuple[str, ...]
    members: list[_Entry]
    onset_count: int


#: Members remembered per open incident, for deciding whether a burst belongs to it.
_MAX_MEMBERS = 2_000

#: Companion words kept in an incident's topic, after the bursting word.
_MAX_COMPANIONS = 4


def incident_id_for(mention: Mention) -> str:
    """An incident's id, from the complaint that opened it: the same on every worker and
    every replay, and never reused after a restart."""
    digest = hashlib.blake2b(
        f"{mention.channel.platform}\x1f{mention.native_id}".encode("utf-8", "surrogatepass"),
        digest_size=8,
    ).hexdigest()
    return f"inc-{digest}"


@attrs.frozen(kw_only=True)
class IncidentUpdate:
    """What one complaint did to the incidents.

    Args:
        incident: The incident after this complaint.
        opened: This complaint made a word burst and opened the incident.
        window_count: Complaints in the bursting word's window since the
            topic's onset (its first complaint with a companion word) when it opened.
        joined: The complaints that joined the incident with this update (when
            it opened: the window's complaints that use the topic, and this one).
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
    #: The complaints of the last window, oldest first, and the words of each.
    recent: deque[tuple[datetime, MentionKey]] = attrs.field(factory=deque)
    recent_words: dict[MentionKey, tuple[str, ...]] = attrs.field(factory=dict)


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
            current window (``the``, ``service``) never burst.
        max_vocabulary: Words tracked per account; the least recent are dropped.
        max_open: Open incidents per account.
        min_topic_words: Words a topic needs: the bursting word and companions
            (each in a third of its window) before an incident opens; and how
            many of an incident's topic words a complaint must use to belong to it.
        companion_margin: How many standard deviations more often than chance
            (its share of all complaints) a companion must share the bursting
            word's complaints.
        max_history: Resolved incidents kept for :meth:`incident` and
            :attr:`incidents`, newest first; older ones are forgotten (the
            desk's store keeps them all). Open incidents are always kept.
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
    companion_margin: float = 2.0
    max_history: int = 1_000
    scope: Callable[[Mention], Hashable] | None = None
    _channels: dict[Hashable, _ChannelState] = attrs.field(init=False, factory=dict)
    _incidents: dict[str, Incident] = attrs.field(init=False, factory=dict)

    def observe(
        self, mention: Mention, *, complaint: bool, case_id: str | None = None, now: datetime
    ) -> IncidentUpdate | None:
        """Take one mention; return an update when it opened or grew an incident."""
        if not complaint:
            return None
        # Ordered, not a set: a replay must not depend on how strings hash.
        words = tuple(dict.fromkeys(content_words(mention.text)))
        if not words:
            return None
        at = mention.created_at
        scope = mention.channel if self.scope is None else self.scope(mention)
        state = self._channels.get(scope)
        if state is None:
            state = self._channels[scope] = _ChannelState()
        if state.first_at is None:
            state.first_at = at
        state.docs += 1
        self._close_quiet(state, at)
        state.recent.append((at, mention.key))
        state.recent_words[mention.key] = words
        while at - state.recent[0][0] > self.window:
            state.recent_words.pop(state.recent.popleft()[1], None)
        bursting: list[tuple[int, str]] = []
        ts = at.timestamp()
        cutoff = at - self.window
        warm = at - state.first_at >= self.warmup
        step = math.log(2) / (self.half_life.total_seconds() / 3600)
        for word in words:
            stat = state.words.get(word)
            if stat is None:
                stat = state.words[word] = _Word()
            state.words.move_to_end(word)
            stat.docs += 1
            window = stat.window
            window.append((at, mention.key, case_id))
            while window[0][0] < cutoff:
                window.popleft()
            if warm and len(window) >= self.min_count and self._bursts(state, stat, at, ts):
                bursting.append((len(window), word))
            self._decay(stat, ts)
            stat.rate += step
        while len(state.words) > self.max_vocabulary:
            state.words.popitem(last=False)
        fresh = []
        for _, word in sorted(bursting, reverse=True):
            if any(word in item.words for item in state.open):
                # Already an open incident's word: its burst is that incident going on.
                # Working out its topic again would read the whole window (which grows
                # with the incident) for every complaint.
                continue
            topic = self._topic(state, word)
            if topic is None:
                continue
            home = self._home_of(state, topic)
            if home is None:
                fresh.append(topic)
            else:  # the same problem, described in another word
                home.words |= {word}
        joined = self._join_open(state, mention, frozenset(words), case_id)
        if joined is not None:
            return joined
        if fresh:
            return self._open(state, mention, fresh[0])
        return None

    def scope_of(self, mention: Mention) -> Hashable:
        """The baseline ``mention`` counts in (its channel, unless ``scope`` says otherwise)."""
        return mention.channel if self.scope is None else self.scope(mention)

    def restore(self, incident: Incident, *, scope: Hashable | None = None) -> None:
        """Take back an incident from a store after a restart.

        An open one is watched again: complaints that use its topic words join
        it (instead of opening a second incident for the same problem), and it
        resolves when its words stay silent for a window, as if the detector had
        never stopped. The word baselines start afresh.

        Args:
            scope: The baseline it belongs to (:meth:`scope_of` one of its
                mentions); its channel by default.
        """
        self._incidents[incident.id] = incident
        if incident.state is not IncidentState.OPEN or not incident.topic:
            self._forget_old()
            return
        where = incident.channel if scope is None else scope
        state = self._channels.get(where)
        if state is None:
            state = self._channels[where] = _ChannelState()
        if any(item.incident_id == incident.id for item in state.open):
            return
        item = _Open(
            incident_id=incident.id,
            core=incident.topic[0],
            words=frozenset(incident.topic),
            last_active=incident.last_seen,
        )
        for key in incident.samples:
            item.remember(key)
        state.open.append(item)
        if len(state.open) > self.max_open:
            self._resolve_quietly(state.open.pop(0))
            self._forget_old()

    def resolve(self, incident_id: str, *, now: datetime) -> Incident:
        """Mark an incident resolved (its root cause is fixed)."""
        incident = self._incidents[incident_id].resolve(at=now)
        self._incidents[incident_id] = incident
        for state in self._channels.values():
            state.open = [o for o in state.open if o.incident_id != incident_id]
        self._forget_old()
        return incident

    def _forget_old(self) -> None:
        """Keep every open incident and the newest ``max_history`` resolved ones."""
        incidents = self._incidents
        resolved = [i for i, inc in incidents.items() if inc.state is not IncidentState.OPEN]
        for incident_id in resolved[: max(0, len(resolved) - self.max_history)]:
            del incidents[incident_id]

    def incident(self, incident_id: str) -> Incident | None:
        """One incident by id, if this detector made it."""
        return self._incidents.get(incident_id)

    @property
    def incidents(self) -> tuple[Incident, ...]:
        """Every incident so far."""
        return tuple(self._incidents.values())

    def state_size(self) -> int:
        """Entries held (vocabulary, windows, recent complaints, open incidents): bounded."""
        total = 0
        for state in self._channels.values():
            total += len(state.recent)
            for item in state.open:
                total += 1 + len(item.words) + len(item.members)
            for stat in state.words.values():
                total += 1 + len(stat.window)
        return total

    # internals -------------------------------------------------------------------------------

    def _decay(self, stat: _Word, ts: float) -> None:
        if stat.rate_at is not None and ts > stat.rate_at:
            stat.rate *= 0.5 ** ((ts - stat.rate_at) / self.half_life.total_seconds())
        stat.rate_at = ts

    def _bursts(self, state: _ChannelState, stat: _Word, at: datetime, ts: float) -> bool:
        """Whether the word's count in the window departs from its own baseline.

        The caller has checked the warm-up and ``min_count``.
        """
        assert state.first_at is not None
        count = len(stat.window)
        if stat.docs - count > self.generic_share * max(state.docs - count, 1):
            return False
        rate = stat.rate
        if stat.rate_at is not None and ts > stat.rate_at:
            rate *= 0.5 ** ((ts - stat.rate_at) / self.half_life.total_seconds())
        # An average that started at zero underestimates the rate until it has seen
        # a few half-lives; correct for how long this account has been watched.
        age = (at - state.first_at).total_seconds() / self.half_life.total_seconds()
        rate /= max(1.0 - math.pow(0.5, age), 1e-9)
        expected = rate * self.window.total_seconds() / 3600
        enough = count >= self.ratio * expected
        return enough and count > expected + self.margin * math.sqrt(expected + 1)

    def _topic(self, state: _ChannelState, word: str) -> _Topic | None:
        """The topic a bursting word would open, or ``None`` when it has too few companions.

        A companion shares at least a quarter of the word's window (two complaints
        at least), and more of it than chance would: a word in a share ``p`` of all
        complaints is expected in ``n * p`` of the window's ``n``, and must exceed
        that by ``companion_margin`` standard deviations. A common word ("flight")
        is a companion only when nearly every complaint of the burst uses it.
        """
        window = list(state.words[word].window)
        n = len(window)
        uses = [state.recent_words.get(key, ()) for _, key, _ in window]
        shared: Counter[str] = Counter()
        for used in uses:
            shared.update(w for w in used if w != word)
        common = max(2, n // 4)
        onset_words = set()  # what an incident started from before (the delay's onset)
        excess: dict[str, float] = {}
        for other, count in shared.items():
            stat = state.words.get(other)
            if count < common or stat is None:
                continue
            if stat.docs <= self.generic_share * state.docs:
                onset_words.add(other)
            chance = n * stat.docs / state.docs
            if count > chance + self.companion_margin * math.sqrt(chance + 1):
                excess[other] = count - chance
        companions = sorted(excess, key=lambda w: (-excess[w], -shared[w], w))
        strong = sum(1 for w in companions if shared[w] * 3 >= n)
        if strong + 1 < self.min_topic_words:
            return None
        words = (word, *companions[:_MAX_COMPANIONS])
        # The window also holds the word's ordinary complaints from before the burst:
        # the oldest ones that share none of the burst's other words stay out.
        start = 0
        if onset_words:
            while start < n - 1 and onset_words.isdisjoint(uses[start]):
                start += 1
        need = min(self.min_topic_words, len(words))
        members = [
            entry
            for entry, used in zip(window[start:-1], uses[start:-1], strict=True)
            if len(set(words).intersection(used)) >= need
        ]
        members.append(window[-1])  # the complaint that made the word burst
        return _Topic(words=words, members=members, onset_count=n - start)

    def _close_quiet(self, state: _ChannelState, at: datetime) -> None:
        still = []
        for item in state.open:
            if at - item.last_active > self.window:
                self._resolve_quietly(item)
            else:
                still.append(item)
        if len(still) < len(state.open):
            state.open = still
            self._forget_old()

    def _resolve_quietly(self, item: _Open) -> None:
        """Its words fell silent (or too many others opened): resolved at its last complaint."""
        incident = self._incidents.get(item.incident_id)
        if incident is not None and incident.state is IncidentState.OPEN:
            self._incidents[incident.id] = incident.resolve(at=incident.last_seen)

    def _home_of(self, state: _ChannelState, topic: _Topic) -> _Open | None:
        """The open incident a burst belongs to, if any.

        It is one when the bursting word is already among the incident's words, when the
        word that opened the incident is among the burst's companions, or when most of
        the bursting word's complaints already belong to it.
        """
        word = topic.words[0]
        window = [key for _, key, _ in state.words[word].window]
        for item in state.open:
            if word in item.words or item.core in topic.words:
                return item
            if sum(1 for key in window if key in item.members) * 2 >= len(window):
                return item
        return None

    def _join_open(
        self, state: _ChannelState, mention: Mention, words: frozenset[str], case_id: str | None
    ) -> IncidentUpdate | None:
        """Add the complaint to the open incident whose topic it uses most, if enough."""
        best: _Open | None = None
        best_shared = 0
        for item in state.open:
            shared = len(item.words & words)
            if shared:
                item.last_active = mention.created_at  # its words are still being used
            if shared > best_shared:
                best, best_shared = item, shared
        if best is None or best_shared < min(self.min_topic_words, len(best.words)):
            return None
        incident = self._incidents[best.incident_id].record(
            mention.key, at=mention.created_at, case_id=case_id
        )
        self._incidents[incident.id] = incident
        best.remember(mention.key)
        return IncidentUpdate(
            incident=incident, opened=False, window_count=0, joined=(mention.key,)
        )

    def _open(self, state: _ChannelState, mention: Mention, topic: _Topic) -> IncidentUpdate:
        incident_id = incident_id_for(mention)
        first = topic.members[0][0]
        hours = max((mention.created_at - first).total_seconds() / 3600, 1 / 60)
        incident = Incident(
            id=incident_id,
            channel=mention.channel,
            topic=topic.words,
            first_seen=first,
            last_seen=mention.created_at,
            velocity=len(topic.members) / hours,
        )
        item = _Open(
            incident_id=incident_id,
            core=topic.words[0],
            words=frozenset(topic.words),
            last_active=mention.created_at,
        )
        for at, key, case_id in topic.members:
            incident = incident.record(key, at=at, case_id=case_id)
            item.remember(key)
        self._incidents[incident_id] = incident
        state.open.append(item)
        if len(state.open) > self.max_open:
            self._resolve_quietly(state.open.pop(0))
            self._forget_old()
        return IncidentUpdate(
            incident=incident,
            opened=True,
            window_count=topic.onset_count,
            joined=tuple(key for _, key, _ in topic.members),
        )
