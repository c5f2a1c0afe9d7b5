"""The threader: one conversation is one case, whatever the network or visibility."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

import socialcx as sx
from socialcx.threading import Ignore, JoinCase, OpenCase, Threader
from tests.conftest import T0

X = sx.ChannelRef(platform="x", account="acme")
MASTO = sx.ChannelRef(platform="mastodon", account="acme")


def _who(platform: str, native_id: str, **kw: object) -> sx.Author:
    return sx.Author(platform=platform, native_id=native_id, handle=f"h{native_id}", **kw)  # type: ignore[arg-type]


def _m(
    native_id: str, author: sx.Author, *, channel: sx.ChannelRef = X, minutes: int = 0, **kw: object
) -> sx.Mention:
    fields: dict[str, object] = {"visibility": "public", "text": "hi"}
    return sx.Mention(
        channel=channel,
        native_id=native_id,
        author=author,
        created_at=T0 + timedelta(minutes=minutes),
        **(fields | kw),
    )  # type: ignore[arg-type]


def _thread(threader: Threader, mention: sx.Mention, opened: list[str]) -> str | None:
    """Place and record like a desk would; return the case id."""
    decision = threader.place(mention, now=mention.created_at)
    if isinstance(decision, OpenCase):
        opened.append(f"case-{len(opened) + 1}")
        threader.record(mention, opened[-1])
        return opened[-1]
    if isinstance(decision, JoinCase):
        threader.record(mention, decision.case_id)
        return decision.case_id
    return decision.case_id


def test_replies_and_conversations_join_the_case() -> None:
    """A reply joins its parent's case; a post in a known conversation joins it too."""
    t, opened = Threader(window=timedelta(minutes=1)), []
    dana = _who("x", "1")
    first = _m("10", dana, conversation_id="conv-10")
    case = _thread(t, first, opened)
    reply = _m("11", _who("x", "2"), minutes=30, in_reply_to="10")
    assert t.place(reply, now=reply.created_at) == JoinCase(case_id=case, reason="reply_chain")
    same_conv = _m("12", _who("x", "3"), minutes=40, conversation_id="conv-10")
    assert t.place(same_conv, now=same_conv.created_at).case_id == case  # type: ignore[union-attr]


def test_public_and_private_messages_of_one_customer_share_a_case() -> None:
    """Within the window, a customer's DM joins the case of their public complaint."""
    t, opened = Threader(window=timedelta(hours=2)), []
    dana = _who("x", "1")
    case = _thread(t, _m("10", dana), opened)
    dm = _m("11", dana, minutes=30, visibility="private", conversation_id="dm-1")
    assert t.place(dm, now=dm.created_at) == JoinCase(case_id=case, reason="same_customer")
    late = _m("12", dana, minutes=300)
    assert isinstance(t.place(late, now=late.created_at), OpenCase)


def test_identity_links_make_one_customer_across_networks() -> None:
    """With the host's identity map, the same person on two networks is one customer."""
    links = {("x", "1"): "crm-77", ("mastodon", "m1"): "crm-77"}
    t, opened = Threader(identity=links), []
    case = _thread(t, _m("10", _who("x", "1")), opened)
    toot = _m("20", _who("mastodon", "m1"), channel=MASTO, minutes=5)
    assert t.place(toot, now=toot.created_at) == JoinCase(case_id=case, reason="same_customer")
    assert t.customer_of(_who("mastodon", "m1")) == "crm-77"
    assert t.customer_of(_who("mastodon", "m2")) == "mastodon:m2"


def test_brand_posts_open_nothing_but_carry_the_thread() -> None:
    """The brand's reply opens no case, yet the customer's answer to it joins the case."""
    policy = sx.Policy(brand_accounts=(X,))
    t, opened = Threader(policy=policy), []
    case = _thread(t, _m("10", _who("x", "1")), opened)
    brand = sx.Author(platform="x", native_id="999", handle="acme")  # matched by policy
    brand_reply = _m("11", brand, minutes=2, in_reply_to="10")
    decision = t.place(brand_reply, now=brand_reply.created_at)
    assert decision == Ignore(reason="brand_post", case_id=case)
    answer = _m("12", _who("x", "5"), minutes=3, in_reply_to="11")
    assert t.place(answer, now=answer.created_at) == JoinCase(case_id=case, reason="reply_chain")
    echo = _m("13", sx.Author(platform="x", native_id="999", handle="acme", is_brand=True))
    assert t.place(echo, now=echo.created_at) == Ignore(reason="brand_post")


def test_employees_follow_the_policy() -> None:
    """An employee chatting on a personal account is advocacy unless the policy funnels it."""
    jo = _who("x", "7", is_employee=True)
    post = _m("30", jo)
    assert Threader().place(post, now=T0) == Ignore(reason="employee_advocacy")
    funnel = Threader(policy=sx.Policy(funnel_employees=True))
    assert isinstance(funnel.place(post, now=T0), OpenCase)


@given(st.lists(st.tuples(st.integers(0, 50), st.integers(0, 500)), max_size=400))
def test_state_stays_bounded(events: list[tuple[int, int]]) -> None:
    """However many mentions pass, the indexes hold at most three times the limit."""
    t = Threader(limit=25)
    for n, (who, parent) in enumerate(events):
        mention = _m(
            str(n),
            _who("x", str(who)),
            minutes=n,
            in_reply_to=str(parent),
            conversation_id=f"c{n % 70}",
        )
        decision = t.place(mention, now=mention.created_at)
        t.record(mention, decision.case_id if isinstance(decision, JoinCase) else f"case-{n}")
        assert t.size <= 75
