"""Incident detection: bursts fire, steady noise does not, state stays bounded."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

import pytest

import socialcx as sx
from socialcx.incidents import IncidentDetector, content_words, incident_id_for
from tests.conftest import T0

CHANNEL = sx.ChannelRef(platform="x", account="acme")
GRIPES = [
    "my bill is wrong again",
    "the app crashed on login",
    "delivery came late",
    "support was rude on the phone",
    "charged twice this month",
    "router keeps dropping",
    "refund still missing",
    "store staff ignored me",
    "parcel arrived damaged",
]


def _m(n: int, text: str, at: timedelta) -> sx.Mention:
    return sx.Mention(
        channel=CHANNEL,
        native_id=str(n),
        text=text,
        created_at=T0 + at,
        visibility="public",
        author=sx.Author(platform="x", native_id=f"u{n}", handle=f"u{n}"),
    )


def _background(detector: IncidentDetector, hours: int, rng: random.Random, start: int = 0) -> int:
    """Feed steady complaints, about two an hour each on varied topics; return the next id."""
    n = start
    for minute in range(0, hours * 60, 4):
        n += 1
        update = detector.observe(
            _m(n, rng.choice(GRIPES), timedelta(minutes=minute)),
            complaint=True,
            now=T0 + timedelta(minutes=minute),
        )
        assert update is None or not update.opened, "steady noise opened an incident"
    return n


def test_steady_noise_never_fires_and_a_burst_does() -> None:
    """A day of ordinary complaints opens nothing; forty outage posts in an hour open one."""
    rng = random.Random(4)
    detector = IncidentDetector()
    n = _background(detector, 24, rng)
    opened = []
    for i in range(40):
        n += 1
        at = timedelta(hours=24, minutes=i * 1.5)
        update = detector.observe(
            _m(n, f"total outage here, no mobile data since noon #{i}", at),
            complaint=True,
            case_id=f"case-{n}",
            now=T0 + at,
        )
        if update is not None and update.opened:
            opened.append(update)
    assert len(opened) == 1
    incident = opened[0].incident
    assert {"outage", "mobile", "data"} & set(incident.topic)
    assert opened[0].window_count <= 25
    final = detector.incidents[-1]
    assert final.mention_count >= 30
    assert len(final.case_ids) >= 30


def test_incident_resolves_when_its_words_fall_silent() -> None:
    """After a whole window without its words, the incident resolves."""
    rng = random.Random(5)
    detector = IncidentDetector(window=timedelta(hours=1))
    n = _background(detector, 24, rng)
    for i in range(30):
        n += 1
        at = timedelta(hours=24, minutes=i)
        detector.observe(_m(n, "login outage again", at), complaint=True, now=T0 + at)
    assert detector.incidents[-1].state is sx.IncidentState.OPEN
    n += 1
    later = timedelta(hours=27)
    detector.observe(_m(n, "my bill is wrong again", later), complaint=True, now=T0 + later)
    assert detector.incidents[-1].state is sx.IncidentState.RESOLVED


def test_only_complaints_count() -> None:
    """Praise and questions never feed the detector."""
    detector = IncidentDetector(warmup=timedelta(0))
    for i in range(50):
        assert (
            detector.observe(_m(i, "outage outage", timedelta(minutes=i)), complaint=False, now=T0)
            is None
        )
    assert detector.state_size() == 0


def _word(k: int) -> str:
    """A made-up word for each number, of letters only so that it is a content word."""
    letters = ""
    while True:
        k, digit = divmod(k, 26)
        letters += "abcdefghijklmnopqrstuvwxyz"[digit]
        if not k:
            return f"w{letters}x"


def test_state_stays_bounded_over_a_long_stream() -> None:
    """Fifty thousand complaints with an ever-growing vocabulary keep state under the caps."""
    rng = random.Random(6)
    assert content_words(" ".join(_word(k) for k in (0, 700, 10**7))) == [
        _word(k) for k in (0, 700, 10**7)
    ]
    detector = IncidentDetector(max_vocabulary=300, window=timedelta(minutes=30))
    sizes = []
    for n in range(50_000):
        words = " ".join(_word(rng.randrange(10 * n + 10)) for _ in range(4))
        at = timedelta(seconds=20 * n)
        detector.observe(_m(n, f"broken {words}", at), complaint=True, now=T0 + at)
        if n % 10_000 == 9_999:
            sizes.append(detector.state_size())
    assert max(sizes) < 300 + 30 * 60 * 5 / 20 * 2 + 100
    assert sizes[-1] <= 2 * sizes[0] + 100


def test_incident_history_is_capped_and_open_incidents_are_kept() -> None:
    """Bursts day after day: the detector remembers only the newest resolved incidents."""
    rng = random.Random(7)
    detector = IncidentDetector(window=timedelta(hours=1), max_history=3)
    n = _background(detector, 24, rng)
    opened: list[str] = []
    for day in range(6):
        topic = f"{_word(day * 7 + 1)} {_word(day * 7 + 2)} {_word(day * 7 + 3)}"
        for i in range(30):
            n += 1
            at = timedelta(days=1 + day, minutes=i)
            update = detector.observe(_m(n, f"{topic} again", at), complaint=True, now=T0 + at)
            if update is not None and update.opened:
                opened.append(update.incident.id)
    assert len(opened) == 6, "each day's burst should open its own incident"
    kept = [i.id for i in detector.incidents]
    # The last burst is still open; of the five resolved ones only the newest three remain.
    assert kept == opened[2:]
    assert detector.incident(opened[0]) is None
    assert detector.incidents[-1].state is sx.IncidentState.OPEN


def test_a_restored_open_incident_takes_its_complaints_and_ids_are_not_reused() -> None:
    """A new detector given a stored open incident adds matching complaints to it."""
    rng = random.Random(8)
    first = IncidentDetector(window=timedelta(hours=1))
    n = _background(first, 24, rng)
    updates = []
    for i in range(30):
        n += 1
        at = timedelta(hours=24, minutes=i)
        update = first.observe(_m(n, "login outage again", at), complaint=True, now=T0 + at)
        if update is not None:
            updates.append(update)
    opening = next(u for u in updates if u.opened)
    stored = first.incidents[-1]
    assert stored.id == opening.incident.id
    assert stored.id == incident_id_for(_m(int(opening.joined[-1].native_id), "", timedelta(0)))

    fresh = IncidentDetector(window=timedelta(hours=1))
    at = timedelta(hours=24, minutes=40)
    assert fresh.observe(_m(n + 1, "login outage again", at), complaint=True, now=T0 + at) is None
    restarted = IncidentDetector(window=timedelta(hours=1))
    restarted.restore(stored)
    update = restarted.observe(_m(n + 1, "login outage again", at), complaint=True, now=T0 + at)
    assert update is not None and not update.opened
    assert update.incident.id == stored.id
    assert update.incident.mention_count == stored.mention_count + 1
    # Silent for a window, it resolves as it would have without the restart.
    quiet = timedelta(hours=27)
    restarted.observe(_m(n + 2, "my bill is wrong again", quiet), complaint=True, now=T0 + quiet)
    assert restarted.incident(stored.id).state is sx.IncidentState.RESOLVED  # type: ignore[union-attr]


def test_content_words() -> None:
    """Links, mentions, stop words and short words go; crude stems join word forms."""
    assert content_words("@acme my flights were DELAYED https://t.co/x again!!") == [
        "flight",
        "delay",
    ]


def test_contractions_are_function_words_and_possessives_lose_their_s() -> None:
    """I'm, we've, couldn't and it's name no problem; the fleet's problem is the fleet's."""
    text = "I'm sure it's the fleet's fault, we've waited and couldn't get through, she's upset"
    assert content_words(text) == ["sure", "fleet", "fault", "wait", "through", "upset"]


def _outage_day(detector: IncidentDetector, texts: list[str], *, burst: int = 30) -> int:
    """A day of background, then ``burst`` complaints cycling through ``texts``."""
    n = _background(detector, 24, random.Random(21))
    for i in range(burst):
        n += 1
        at = timedelta(hours=24, minutes=i * 2)
        detector.observe(_m(n, texts[i % len(texts)], at), complaint=True, now=T0 + at)
    return n


def test_a_complaint_joins_only_when_it_uses_the_topic_not_one_of_its_words() -> None:
    """After an outage opens, "outage" alone no longer pulls an unrelated complaint in."""
    detector = IncidentDetector()
    n = _outage_day(detector, ["mobile data outage, no signal since noon"])
    (incident,) = detector.incidents
    assert len({"outage", "signal", "mobile", "data"} & set(incident.topic)) >= 3
    at = timedelta(hours=25, minutes=5)
    other = detector.observe(
        _m(n + 1, "my bill is wrong, what an outage of common sense", at),
        complaint=True,
        now=T0 + at,
    )
    assert other is None
    again = detector.observe(
        _m(n + 2, "still no mobile data here", at), complaint=True, now=T0 + at
    )
    assert again is not None and again.incident.id == incident.id


def test_an_incident_holds_the_complaints_of_its_topic_not_every_use_of_its_word() -> None:
    """Complaints that only share the bursting word stay out of the incident it opens."""
    detector = IncidentDetector()
    rng = random.Random(22)
    n = _background(detector, 24, rng)
    opened, aside = [], set()
    for i in range(30):
        n += 1
        at = timedelta(hours=24, minutes=i * 2)
        if i % 3 == 2:  # wifi, with an ordinary gripe of its own
            text = f"wifi {rng.choice(GRIPES)}"
            aside.add(f"case-{n}")
        else:
            text = "wifi outage in the whole street"
        update = detector.observe(_m(n, text, at), complaint=True, case_id=f"case-{n}", now=T0 + at)
        if update is not None and update.opened:
            opened.append(update)
    (first,) = opened
    assert {"wifi", "outage"} <= set(first.incident.topic)
    trigger = {f"case-{first.joined[-1].native_id}"}  # the complaint that made it burst
    assert not detector.incidents[0].case_ids & (aside - trigger)
    assert len(detector.incidents[0].case_ids) >= 18


def test_words_of_one_outage_share_one_incident() -> None:
    """Two phrasings of one outage that share its first word make one incident."""
    detector = IncidentDetector()
    texts = ["internet down, working from home is impossible", "down for me too, cannot even call"]
    _outage_day(detector, texts, burst=40)
    (incident,) = detector.incidents
    assert incident.mention_count >= 30


def _on(platform: str, n: int, text: str, at: timedelta) -> sx.Mention:
    return sx.Mention(
        channel=sx.ChannelRef(platform=platform, account="acme"),
        native_id=str(n),
        text=text,
        created_at=T0 + at,
        visibility="public",
        author=sx.Author(platform=platform, native_id=f"u{n}", handle=f"u{n}"),
    )


def _spread_outage(detector: IncidentDetector) -> list[sx.Incident]:
    """A day of background on three networks, then an outage spread over all three."""
    rng = random.Random(9)
    platforms = ("x", "mastodon", "bluesky")
    n = 0
    for minute in range(0, 24 * 60, 4):
        n += 1
        mention = _on(platforms[n % 3], n, rng.choice(GRIPES), timedelta(minutes=minute))
        detector.observe(mention, complaint=True, now=mention.created_at)
    for i in range(24):
        n += 1
        text = "mobile data outage, no signal in the city"
        mention = _on(platforms[i % 3], n, text, timedelta(hours=24, minutes=i * 2))
        detector.observe(mention, complaint=True, now=mention.created_at)
    return list(detector.incidents)


def test_a_brand_watched_across_networks_sees_an_outage_split_between_them() -> None:
    """Eight posts per network stay under the count; the brand's scope sees all 24."""
    per_network = _spread_outage(IncidentDetector())
    across = _spread_outage(IncidentDetector(scope=lambda m: m.channel.account))
    assert per_network == []
    assert len(across) == 1
    assert {"outage", "signal"} & set(across[0].topic)
    assert across[0].mention_count >= 20


def test_one_bursting_word_alone_is_not_a_topic() -> None:
    """A word that bursts without any companion word opens nothing by default."""
    rng = random.Random(5)
    alone = IncidentDetector()
    single = IncidentDetector(min_topic_words=1)
    n = 0
    for detector in (alone, single):
        n = _background(detector, 24, rng, start=0)
        for i in range(20):
            words = rng.sample(
                ["late", "bill", "app", "rude", "store", "parcel", "refund", "phone", "email",
                 "manager", "contract", "invoice", "screen", "battery"],
                2,
            )  # fmt: skip
            text = f"wifi {' '.join(words)} {rng.randint(0, 10**6)}"
            mention = _m(n + i + 1, text, timedelta(hours=24, minutes=i * 3))
            detector.observe(mention, complaint=True, now=mention.created_at)
    assert alone.incidents == ()
    assert len(single.incidents) == 1


def test_an_incident_starts_with_its_burst_not_with_the_words_ordinary_use() -> None:
    """The word's usual complaints from before the burst stay out of the incident."""
    detector = IncidentDetector()
    rng = random.Random(11)
    n = 0
    for minute in range(0, 30 * 60, 4):  # thirty hours; "wifi" comes up every two hours
        n += 1
        text = "the wifi in store is slow" if minute % 120 == 0 else rng.choice(GRIPES)
        detector.observe(_m(n, text, timedelta(minutes=minute)), complaint=True, now=T0)
    burst_start = timedelta(hours=30, minutes=10)
    for i in range(20):
        n += 1
        text = "wifi outage, no connection at all"
        detector.observe(_m(n, text, burst_start + timedelta(minutes=i)), complaint=True, now=T0)
    (incident,) = [i for i in detector.incidents if "wifi" in i.topic]
    assert incident.first_seen == T0 + burst_start


def test_a_large_outage_is_not_reexamined_at_every_complaint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Once a burst is an open incident, its complaints join it without a look at the window.

    Working out a topic reads every complaint of the word's window; an outage of
    thousands of complaints would make each new one cost more than the last.
    """
    rng = random.Random(8)
    detector = IncidentDetector()
    n = _background(detector, 24, rng)
    looks: list[str] = []
    topic = IncidentDetector._topic

    def counted(self: IncidentDetector, state: Any, word: str) -> Any:
        looks.append(word)
        return topic(self, state, word)

    monkeypatch.setattr(IncidentDetector, "_topic", counted)
    places = ("Leeds", "York", "Hull", "Bath")
    for i in range(600):
        n += 1
        at = timedelta(hours=24, seconds=6 * i)
        text = f"total outage, no mobile data in {places[i % 4]} since noon #{i}"
        detector.observe(_m(n, text, at), complaint=True, case_id=f"case-{n}", now=T0 + at)
        if i == 299:
            looks_at_half = len(looks)
            assert looks, "the outage never burst"
    incident = detector.incidents[-1]
    assert incident.state is sx.IncidentState.OPEN
    assert incident.mention_count >= 550
    assert len(incident.case_ids) == incident.mention_count
    # Place names may burst on their own, but the outage's words are not looked at again.
    assert len(looks) - looks_at_half <= 10, looks[looks_at_half:]
