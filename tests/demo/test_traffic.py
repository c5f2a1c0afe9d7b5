"""The synthetic day: reproducible, in time order, with every kind of traffic."""

from __future__ import annotations

from collections import Counter

from socialcx.demo import KINDS, synthetic_day


def test_same_seed_same_day_other_seed_other_day() -> None:
    """A seed reproduces the day exactly; another seed gives another day."""
    assert synthetic_day(seed=3) == synthetic_day(seed=3)
    assert synthetic_day(seed=3) != synthetic_day(seed=4)


def test_in_time_order_and_replies_follow_their_parent() -> None:
    """Posts come in time order; a private follow-up comes after its author's public post."""
    day = synthetic_day()
    assert [p.at for p in day] == sorted(p.at for p in day)
    follow_ups = [p for p in day if p.reply_to is not None]
    assert follow_ups
    for post in follow_ups:
        parent = day[post.reply_to]  # type: ignore[index]
        assert parent.at <= post.at
        assert parent.author == post.author


def test_every_kind_appears_and_the_outage_is_a_burst() -> None:
    """All kinds occur, and most outage posts fall within two hours of each other."""
    day = synthetic_day()
    kinds = Counter(p.kind for p in day)
    assert set(kinds) == set(KINDS)
    outage = sorted(p.at for p in day if p.kind == "incident")
    window = [t for t in outage if (t - outage[0]).total_seconds() <= 2 * 3600]
    assert len(window) >= 0.8 * len(outage)
    assert all(p.author.is_brand for p in day if p.kind == "brand")
    assert all(p.author.is_employee for p in day if p.kind == "employee")


def test_scale_changes_volume() -> None:
    """Scale multiplies the volume."""
    assert len(synthetic_day(scale=2.0)) > 1.8 * len(synthetic_day(scale=1.0))
