"""A synthetic day of social traffic for Northwind, a fictional broadband and mobile brand.

Every text here is written for socialcx; nothing is taken from real people.
The day has the shape contact centers know: a quiet night, questions and praise
in the morning, isolated complaints throughout, a systemic outage around noon
that fifty-odd customers complain about on every network, hostile posts, a
legal threat, people with a large audience, employees chatting with friends,
the brand's own posts echoing back, and customers who move to a private message.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import attrs

from socialcx.model import Author, Visibility

BRAND = "northwind"
PLATFORMS = ("x", "mastodon", "bluesky", "reddit", "facebook")
DAY = datetime(2026, 3, 3, 0, 0, tzinfo=UTC)  # a Tuesday

#: What each scripted post is, so the demo can check what socialcx made of it.
KINDS = (
    "question",
    "praise",
    "neutral",
    "spam",
    "complaint",
    "incident",
    "hostile",
    "legal",
    "safety",
    "employee",
    "brand",
    "private",
)


@attrs.frozen(kw_only=True)
class ScriptedPost:
    """One post of the synthetic day.

    Args:
        at: When it is posted.
        platform: The network.
        author: Who posts it.
        text: What it says.
        visibility: Public post or private message.
        kind: What it is (ground truth for the demo's summary).
        reply_to: Index of the earlier post it answers, if any.
    """

    at: datetime
    platform: str
    author: Author
    text: str
    visibility: Visibility
    kind: str
    reply_to: int | None = None


_FIRST = (
    "sam",
    "lee",
    "ria",
    "tom",
    "ana",
    "kai",
    "eva",
    "raj",
    "mo",
    "zoe",
    "ben",
    "ida",
    "lou",
    "noa",
    "tess",
    "olu",
    "mei",
    "ivo",
    "jas",
    "pia",
)
_LAST = ("k", "m", "_b", "77", "_home", "fox", "_uk", "_nyc", "2", "_x")

QUESTIONS = (
    "@{brand} how do I move my broadband contract to a new address?",
    "@{brand} is there a way to pause my mobile plan while I'm abroad for a month?",
    "Does anyone know if @{brand} fibre is available in the old town yet?",
    "@{brand} what's the difference between the Plus and the Max plan?",
    "@{brand} can I keep my number if I switch from prepaid to a contract?",
    "@{brand} where do I find my PUK code?",
    "@{brand} do you ship replacement routers on Saturdays?",
)
PRAISE = (
    "Shout-out to @{brand} support, fixed my line in ten minutes. Brilliant.",
    "New router from @{brand} arrived a day early and the speed is great!",
    "@{brand} thanks for sorting out the roaming charges so quickly, really appreciated",
    "Honestly impressed with @{brand} today, friendly and fast.",
    "@{brand} the technician was lovely and explained everything, thank you!",
)
NEUTRAL = (
    "Watching the match on @{brand} TV tonight with the family",
    "@{brand} just saw your new ad on the train",
    "Thinking about switching providers, @{brand} or someone else, who knows",
    "Reading the @{brand} annual report, interesting numbers",
)
SPAM = (
    "@{brand} BEST crypto signals 1000% returns click my profile!!!",
    "Get free followers fast, DM me @{brand} @everyone",
    "@{brand} cheap phone cases wholesale visit my shop link in bio",
)
COMPLAINTS = (
    "@{brand} I've been charged twice for March and nobody answers my emails",
    "@{brand} my broadband has dropped every evening for a week, still waiting for a fix",
    "@{brand} ordered a new phone 12 days ago, still not delivered, no tracking update",
    "@{brand} been on hold for 45 minutes, this is ridiculous",
    "@{brand} the engineer didn't turn up AGAIN, took a day off work for nothing",
    "@{brand} your app keeps charging me for a data add-on I never ordered. Refund please",
    "@{brand} cancelled my contract in January and you're still billing me",
    "@{brand} my router died and support keeps telling me to restart it. I did. Five times.",
)
INCIDENT = (
    "@{brand} is the network down? no mobile data at all since {hhmm}",
    "@{brand} no internet here either, everything offline since {hhmm}",
    "Anyone else's @{brand} broadband down? Router lights blinking red",
    "@{brand} outage? can't load anything on mobile data",
    "@{brand} internet down again, working from home is impossible today",
    "@{brand} no signal and no data, is there an outage in the city?",
    "@{brand} down for me too, can't even call",
    "@{brand} mobile data not working since lunch, what's going on??",
)
HOSTILE = (
    "@{brand} you are useless clowns, absolute scam company",
    "@{brand} your support staff are idiots, I hope you all get fired",
    "@{brand} pathetic liars. worst company on earth. disgusting",
    "@{brand} shut up and fix it you morons",
)
LEGAL = (
    "@{brand} I've had enough. My lawyer will be in touch about these charges.",
    "@{brand} I'm reporting you to the ombudsman and taking this to small claims court",
)
SAFETY = ("@{brand} the power adapter of my router caught fire last night, this is dangerous",)
EMPLOYEE = (
    "@friend haha yes I'm at the office again, {brand} coffee is terrible as always",
    "@friend come to the {brand} summer party, it'll be fun",
)
BRAND_POSTS = (
    "We're aware some customers have no mobile data. Engineers are on it; updates here.",
    "Tip: you can check outages in your area any time in the app.",
)
PRIVATE_FOLLOW_UPS = (
    "Hi, as asked here are my details: account 4471 0032, I was billed twice",
    "DMing as requested. The order number is NW-88231-K",
    "Here's my postcode and the address where the router is installed",
)


def _author(rng: random.Random, platform: str, *, followers: int | None = None) -> Author:
    handle = rng.choice(_FIRST) + rng.choice(_LAST) + str(rng.randint(1, 99))
    return Author(
        platform=platform,
        native_id=f"{platform}-{handle}",
        handle=handle,
        followers=followers if followers is not None else int(rng.lognormvariate(5, 1.4)),
    )


def _when(rng: random.Random, start_hour: float, end_hour: float) -> datetime:
    return DAY + timedelta(hours=rng.uniform(start_hour, end_hour))


def _morning_to_evening(rng: random.Random) -> datetime:
    """Daytime-weighted: little at night, busiest late morning and evening."""
    hour = rng.choice(
        (rng.uniform(7, 12), rng.uniform(12, 18), rng.uniform(18, 23), rng.uniform(0, 24))
    )
    return DAY + timedelta(hours=hour)


def synthetic_day(*, seed: int = 7, scale: float = 1.0) -> list[ScriptedPost]:
    """The scripted posts of one day, in time order.

    Args:
        seed: Makes the day reproducible.
        scale: Multiplies the volume (1.0 gives about 280 posts).
    """
    rng = random.Random(seed)  # noqa: S311 - reproducible fiction, not security
    posts: list[ScriptedPost] = []

    def add(
        kind: str,
        text: str,
        *,
        at: datetime,
        platform: str | None = None,
        author: Author | None = None,
        visibility: Visibility = Visibility.PUBLIC,
        reply_to: int | None = None,
    ) -> int:
        plat = platform or rng.choice(PLATFORMS)
        who = author or _author(rng, plat)
        posts.append(
            ScriptedPost(
                at=at,
                platform=plat,
                author=who,
                text=text.format(brand=BRAND, hhmm="noon"),
                visibility=visibility,
                kind=kind,
                reply_to=reply_to,
            )
        )
        return len(posts) - 1

    def n(count: int) -> int:
        return max(1, round(count * scale))

    for _ in range(n(40)):
        add("question", rng.choice(QUESTIONS), at=_morning_to_evening(rng))
    for _ in range(n(30)):
        add("praise", rng.choice(PRAISE), at=_morning_to_evening(rng))
    for _ in range(n(40)):
        add("neutral", rng.choice(NEUTRAL), at=_morning_to_evening(rng))
    for _ in range(n(12)):
        add("spam", rng.choice(SPAM), at=_when(rng, 0, 24))
    for _ in range(n(60)):
        at = _morning_to_evening(rng)
        platform = rng.choice(PLATFORMS)
        author = _author(rng, platform)
        first = add("complaint", rng.choice(COMPLAINTS), at=at, platform=platform, author=author)
        if rng.random() < 0.35:  # the customer answers the brand's request for details in private
            add(
                "private",
                rng.choice(PRIVATE_FOLLOW_UPS),
                at=at + timedelta(minutes=rng.uniform(20, 90)),
                platform=platform,
                author=author,
                visibility=Visibility.PRIVATE,
                reply_to=first,
            )
    onset = DAY + timedelta(hours=11, minutes=40)
    for i in range(n(55)):  # the outage: a burst over two hours, fading out
        at = onset + timedelta(minutes=rng.expovariate(1 / 35))
        hhmm = f"{11 + (40 + i) // 60 % 2}:{(40 + i) % 60:02d}"
        add("incident", rng.choice(INCIDENT).replace("{hhmm}", hhmm), at=at)
    for _ in range(n(12)):
        add("hostile", rng.choice(HOSTILE), at=_morning_to_evening(rng))
    for text in LEGAL:
        add("legal", text, at=_morning_to_evening(rng))
    for text in SAFETY:
        add("safety", text, at=_when(rng, 7, 9))
    for _ in range(n(3)):  # big audiences complain too
        platform = rng.choice(("x", "bluesky"))
        add(
            "complaint",
            rng.choice(COMPLAINTS),
            at=_morning_to_evening(rng),
            platform=platform,
            author=_author(rng, platform, followers=rng.randint(150_000, 900_000)),
        )
    for _ in range(n(8)):
        platform = rng.choice(("x", "mastodon"))
        employee = Author(
            platform=platform,
            native_id=f"{platform}-staff-{rng.randint(1, 5)}",
            handle=f"jo_at_{BRAND}{rng.randint(1, 5)}",
            is_employee=True,
        )
        add(
            "employee",
            rng.choice(EMPLOYEE),
            at=_morning_to_evening(rng),
            platform=platform,
            author=employee,
        )
    for text in BRAND_POSTS:
        for platform in ("x", "mastodon"):
            brand = Author(
                platform=platform, native_id=f"{platform}-{BRAND}", handle=BRAND, is_brand=True
            )
            add("brand", text, at=onset + timedelta(minutes=50), platform=platform, author=brand)
    order = sorted(range(len(posts)), key=lambda i: (posts[i].at, i))
    position = {old: new for new, old in enumerate(order)}
    day = []
    for i in order:
        parent = posts[i].reply_to
        day.append(attrs.evolve(posts[i], reply_to=None if parent is None else position[parent]))
    return day
