"""The behaviour every :class:`socialcx.store.Store` must have, as a pytest class.

A store implementation's test file is one fixture and one subclass::

    from socialcx.testing.store_contract import StoreContract

    class TestMyStore(StoreContract):
        @pytest.fixture
        def store(self):
            s = MyStore(...)
            yield s
            s.close()

The suite covers idempotent mentions with raw payloads kept, append-only case
events with optimistic concurrency, incidents, agents, cursors, the outbox's
idempotency keys, dead letters with their bytes, transactions that roll back,
leases and capacity reservations.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from socialcx.errors import ConcurrentUpdate, StoreError
from socialcx.model import (
    Agent,
    Author,
    Case,
    ChannelRef,
    Incident,
    Mention,
    MentionKey,
    MessageState,
    OutboundMessage,
    Visibility,
    WorkKind,
)
from socialcx.store import Store
from socialcx.testing import strategies as sxst

__all__ = ["StoreContract", "sample_case", "sample_incident", "sample_mention"]

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CHANNEL = ChannelRef(platform="x", account="acme")
# One store per test, shared by its examples; each subclass runs the same methods.
_SHARED_FIXTURE = [HealthCheck.function_scoped_fixture, HealthCheck.differing_executors]


def sample_mention(
    native_id: str = "m1", *, text: str = "my bag is lost", minute: int = 0
) -> Mention:
    """A customer's public mention of the brand."""
    return Mention(
        channel=CHANNEL,
        native_id=native_id,
        author=Author(platform="x", native_id="u42", handle="dana", followers=120),
        text=text,
        created_at=T0 + timedelta(minutes=minute),
        visibility=Visibility.PUBLIC,
        raw={"id": native_id, "text": text, "nested": {"list": [1, 2, 3]}},
    )


def sample_incident(**changes: Any) -> Incident:
    """An open incident about "wifi" on the contract's channel, with ``changes``."""
    incident = Incident(id="inc-1", channel=CHANNEL, topic=("wifi",), first_seen=T0, last_seen=T0)
    return attrs.evolve(incident, **changes)


def sample_case(case_id: str = "case-1", native_id: str = "m1") -> Case:
    """A freshly opened case."""
    return Case.open(
        id=case_id,
        customer="x:u42",
        channel=CHANNEL,
        mention=MentionKey(platform="x", native_id=native_id),
        visibility=Visibility.PUBLIC,
        at=T0,
    )


def sample_message(
    message_id: str = "msg-1", text: str = "Sorry about your bag, Dana"
) -> OutboundMessage:
    """An approved public reply."""
    return OutboundMessage(
        id=message_id,
        case_id="case-1",
        channel=CHANNEL,
        visibility=Visibility.PUBLIC,
        text=text,
        created_at=T0,
        in_reply_to="m1",
        state=MessageState.APPROVED,
    )


class StoreContract:
    """Inherit this and provide a ``store`` fixture."""

    @pytest.fixture
    def store(self) -> Iterator[Store]:  # pragma: no cover - overridden
        raise NotImplementedError("provide a `store` fixture")

    # mentions -----------------------------------------------------------------------------

    def test_implements_the_protocol(self, store: Store) -> None:
        assert isinstance(store, Store)

    def test_a_mention_is_stored_once(self, store: Store) -> None:
        assert store.add_mention(sample_mention()) is True
        assert store.add_mention(sample_mention()) is False
        assert store.count_mentions() == 1

    def test_the_raw_payload_is_kept(self, store: Store) -> None:
        mention = sample_mention()
        store.add_mention(mention, case_id="case-1")
        got = store.get_mention(MentionKey(platform="x", native_id="m1"))
        assert got == mention
        assert got is not None
        assert got.raw == mention.raw
        assert store.mention_case(MentionKey(platform="x", native_id="m1")) == "case-1"

    def test_mention_case_can_be_set_later(self, store: Store) -> None:
        key = MentionKey(platform="x", native_id="m1")
        store.add_mention(sample_mention())
        assert store.mention_case(key) is None
        store.set_mention_case(key, "case-9")
        assert store.mention_case(key) == "case-9"

    def test_unknown_mention_is_none(self, store: Store) -> None:
        assert store.get_mention(MentionKey(platform="x", native_id="nope")) is None

    # cases --------------------------------------------------------------------------------

    def test_case_round_trips_with_its_events(self, store: Store) -> None:
        case = sample_case().triage(at=T0, priority="high", labels={"complaint"}, language="en")
        store.save_case(case, expected_events=0)
        grown = case.assign("ana", at=T0 + timedelta(minutes=1), reason="least loaded")
        store.save_case(grown, expected_events=2)
        got = store.get_case("case-1")
        assert got == grown
        assert got is not None
        assert got.events == grown.events

    def test_a_stale_writer_gets_concurrent_update(self, store: Store) -> None:
        case = sample_case().triage(at=T0, priority="normal")
        store.save_case(case, expected_events=0)
        store.save_case(case.assign("ana", at=T0), expected_events=2)
        with pytest.raises(ConcurrentUpdate) as info:
            store.save_case(case.assign("ben", at=T0), expected_events=2)
        assert info.value.key == "case-1"
        assert store.get_case("case-1").assignee == "ana"  # type: ignore[union-attr]

    def test_a_case_cannot_be_opened_twice(self, store: Store) -> None:
        store.save_case(sample_case(), expected_events=0)
        with pytest.raises(ConcurrentUpdate):
            store.save_case(sample_case(), expected_events=0)

    def test_cases_come_back_in_opening_order_and_filter_open(self, store: Store) -> None:
        for n in range(3):
            store.save_case(sample_case(f"case-{n}", f"m{n}"), expected_events=0)
        done = sample_case("case-1", "m1").close(at=T0 + timedelta(hours=1), reason="spam")
        store.save_case(done, expected_events=1)
        assert [c.id for c in store.cases()] == ["case-0", "case-1", "case-2"]
        assert [c.id for c in store.cases(open_only=True)] == ["case-0", "case-2"]

    @settings(max_examples=15, suppress_health_check=_SHARED_FIXTURE)
    @given(case=sxst.cases())
    def test_any_case_round_trips(self, store: Store, case: Case) -> None:
        assume(store.get_case(case.id) is None)  # ids may repeat within one store
        store.save_case(case, expected_events=0)
        assert store.get_case(case.id) == case

    # incidents, agents, cursors ---------------------------------------------------------------

    def test_incidents_insert_and_replace(self, store: Store) -> None:
        incident = Incident(
            id="inc-1", channel=CHANNEL, topic=("wifi",), first_seen=T0, last_seen=T0
        )
        store.save_incident(incident)
        bigger = attrs.evolve(incident, mention_count=12, last_seen=T0 + timedelta(hours=1))
        store.save_incident(bigger)
        assert store.incidents() == [bigger]

    def test_an_incident_keeps_exactly_the_cases_last_saved(self, store: Store) -> None:
        incident = sample_incident()
        for n in range(1, 41):  # a complaint joins at a time, as during an outage
            incident = incident.record(
                MentionKey(platform="x", native_id=f"m{n}"), at=T0, case_id=f"case-{n}"
            )
            store.save_incident(incident)
        assert store.incidents() == [incident]
        assert len(store.incidents()[0].case_ids) == 40
        fewer = attrs.evolve(incident, case_ids={"case-3", "case-99"})
        store.save_incident(fewer)  # a save replaces the set, cases included
        assert store.incidents()[0].case_ids == {"case-3", "case-99"}

    def test_an_undone_incident_save_leaves_the_cases_before_it(self, store: Store) -> None:
        class Boom(Exception):
            pass

        incident = sample_incident(case_ids={"case-1"})

        def save_then_fail(version: Incident) -> None:
            with store.transaction():
                store.save_incident(version)
                raise Boom

        store.save_incident(incident)
        grown = attrs.evolve(incident, case_ids={"case-1", "case-2"})
        with pytest.raises(Boom):
            save_then_fail(grown)
        assert store.incidents()[0].case_ids == {"case-1"}
        store.save_incident(grown)  # saved again after the failure: really stored now
        assert store.incidents() == [grown]
        third = attrs.evolve(grown, case_ids={"case-1", "case-2", "case-3"})
        with store.transaction():
            with pytest.raises(Boom):
                save_then_fail(third)  # an inner block, undone alone
            store.save_incident(third)
        assert store.incidents() == [third]

    def test_agents_insert_and_replace(self, store: Store) -> None:
        store.save_agent(Agent(id="ben"))
        store.save_agent(Agent(id="ana", skills={"billing"}))
        store.save_agent(Agent(id="ana", skills={"refunds"}))
        assert [(a.id, a.skills) for a in store.agents()] == [
            ("ana", frozenset({"refunds"})),
            ("ben", frozenset()),
        ]

    def test_cursors_per_channel(self, store: Store) -> None:
        other = ChannelRef(platform="mastodon", account="acme")
        assert store.get_cursor(CHANNEL) is None
        store.set_cursor(CHANNEL, "c1")
        store.set_cursor(CHANNEL, "c2")
        store.set_cursor(other, "z")
        assert store.get_cursor(CHANNEL) == "c2"
        assert store.get_cursor(other) == "z"

    # outbox -------------------------------------------------------------------------------

    def test_enqueue_is_idempotent_on_the_key(self, store: Store) -> None:
        first = store.enqueue(sample_message("msg-1"))
        again = store.enqueue(sample_message("msg-2"))  # same text, same case: same key
        assert again == first
        assert [m.id for m in store.messages()] == ["msg-1"]

    def test_messages_filter_by_channel_and_state(self, store: Store) -> None:
        store.enqueue(sample_message("msg-1", "first reply"))
        store.enqueue(sample_message("msg-2", "second reply"))
        sent = store.get_message("msg-1").mark_sent(  # type: ignore[union-attr]
            native_id="n1", url=None, at=T0
        )
        store.update_message(sent)
        assert [m.id for m in store.messages(state=MessageState.APPROVED)] == ["msg-2"]
        assert [m.id for m in store.messages(channel=CHANNEL)] == ["msg-1", "msg-2"]
        other = ChannelRef(platform="mastodon", account="acme")
        assert store.messages(channel=other) == []
        assert store.get_message("msg-1") == sent

    def test_update_of_an_unknown_message_fails(self, store: Store) -> None:
        with pytest.raises(StoreError):
            store.update_message(sample_message("ghost"))

    # dead letters -------------------------------------------------------------------------

    def test_dead_letters_keep_their_bytes(self, store: Store) -> None:
        raw = b'\xff\x00{"not": json'
        first = store.add_dead_letter(source="x:acme", raw=raw, error="text: missing", at=T0)
        store.add_dead_letter(source="webhook", raw=b"", error="empty", at=T0)
        letters = store.dead_letters()
        assert next(d.id for d in letters) == first
        assert letters[0].raw == raw
        assert letters[0].error == "text: missing"
        assert letters[0].at == T0
        assert raw.hex() not in repr(letters[0])

    # transactions -------------------------------------------------------------------------

    def test_a_failed_transaction_leaves_nothing(self, store: Store) -> None:
        class Boom(Exception):
            pass

        def write_then_fail() -> None:
            with store.transaction():
                store.add_mention(sample_mention("m1"))
                store.save_case(sample_case(), expected_events=0)
                store.set_cursor(CHANNEL, "after-m1")
                with store.transaction():  # nested blocks join the outer one
                    store.enqueue(sample_message())
                raise Boom

        with pytest.raises(Boom):
            write_then_fail()
        assert store.count_mentions() == 0
        assert store.get_case("case-1") is None
        assert store.get_cursor(CHANNEL) is None
        assert store.messages() == []

    def test_a_failed_inner_block_undoes_only_itself(self, store: Store) -> None:
        class Boom(Exception):
            pass

        def inner() -> None:
            with store.transaction():
                store.add_mention(sample_mention("m2"))
                store.set_cursor(CHANNEL, "after-m2")
                raise Boom

        with store.transaction():
            store.add_mention(sample_mention("m1"))
            store.set_cursor(CHANNEL, "after-m1")
            with pytest.raises(Boom):
                inner()
            store.add_mention(sample_mention("m3"))
        assert store.count_mentions() == 2
        assert store.get_mention(MentionKey(platform="x", native_id="m2")) is None
        assert store.get_cursor(CHANNEL) == "after-m1"

    def test_a_transaction_commits_together(self, store: Store) -> None:
        with store.transaction():
            store.add_mention(sample_mention("m1"))
            store.set_cursor(CHANNEL, "after-m1")
        assert store.count_mentions() == 1
        assert store.get_cursor(CHANNEL) == "after-m1"

    # sharing ------------------------------------------------------------------------------

    def test_a_lease_has_one_holder(self, store: Store) -> None:
        ttl = timedelta(minutes=1)
        assert store.acquire_lease("poll:x:acme", "w1", now=T0, ttl=ttl)
        assert store.acquire_lease("poll:x:acme", "w1", now=T0, ttl=ttl)  # renewal
        store.release_lease("poll:x:acme", "w1")
        assert store.acquire_lease("poll:x:acme", "w2", now=T0, ttl=ttl)
        store.release_lease("poll:x:acme", "w2")

    def test_reservations_respect_the_limit_and_the_case(self, store: Store) -> None:
        assert store.reserve("c1", "ana", WorkKind.PUBLIC, limit=2)
        assert not store.reserve("c1", "ben", WorkKind.PUBLIC, limit=2)  # case already held
        assert store.reserve("c2", "ana", WorkKind.PUBLIC, limit=2)
        assert not store.reserve("c3", "ana", WorkKind.PUBLIC, limit=2)  # ana is full
        assert store.reserve("c3", "ana", WorkKind.PRIVATE, limit=1)  # another kind of work
        store.release("c1")
        assert store.reserve("c3b", "ana", WorkKind.PUBLIC, limit=2)
        held = {(r.case_id, r.kind) for r in store.reservations("ana")}
        assert held == {("c2", WorkKind.PUBLIC), ("c3", WorkKind.PRIVATE), ("c3b", WorkKind.PUBLIC)}
        assert store.reservations("ben") == []

    @settings(max_examples=25, suppress_health_check=_SHARED_FIXTURE)
    @given(ops=st.lists(st.tuples(st.booleans(), st.integers(0, 5), st.sampled_from(["a", "b"]))))
    def test_no_agent_ever_over_limit(self, store: Store, ops: list[tuple[bool, int, str]]) -> None:
        for r in store.reservations():
            store.release(r.case_id)
        for take, n, agent in ops:
            if take:
                store.reserve(f"case-{n}", agent, WorkKind.PUBLIC, limit=2)
            else:
                store.release(f"case-{n}")
            for who in ("a", "b"):
                assert len(store.reservations(who)) <= 2
            cases = [r.case_id for r in store.reservations()]
            assert len(cases) == len(set(cases))
