"""Every domain type round-trips through plain dicts and JSON, with a schema version."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import socialcx as sx
from socialcx.errors import SchemaVersionError, SerializationError
from socialcx.model import CASE_EVENT_TYPES, ReplySent
from socialcx.testing import strategies as sxst
from socialcx.testing.strategies import BY_TYPE


def test_strategies_cover_every_public_value_type() -> None:
    """Each attrs class of the domain model has a strategy (so it is round-trip tested).

    Services (the desk, stores, triage, the gate) and their results are not
    domain values and are not stored as such.
    """
    import attrs

    exported = [getattr(sx.model, n) for n in sx.model.__all__]
    value_types = {t for t in exported if isinstance(t, type) and attrs.has(t)}
    value_types -= set(CASE_EVENT_TYPES)  # events round-trip in their own test below
    value_types.discard(sx.model.Condition)  # a parsed rule, stored as its source text
    assert value_types <= set(BY_TYPE), value_types - set(BY_TYPE)


@pytest.mark.parametrize("kind", list(BY_TYPE), ids=lambda t: t.__name__)
@given(data=st.data())
def test_round_trip(kind: type[Any], data: st.DataObject) -> None:
    """to_dict -> JSON -> from_dict gives an equal value, with schema_version on top."""
    value = data.draw(BY_TYPE[kind])
    plain = sx.to_dict(value)
    assert plain["schema_version"] == sx.SCHEMA_VERSION
    text = json.dumps(plain)
    again = sx.from_dict(kind, json.loads(text))
    assert again == value
    assert sx.from_json(kind, sx.to_json(value)) == value
    if isinstance(value, sx.Mention):
        assert again.raw == value.raw


def test_newer_schema_is_refused(mention: sx.Mention) -> None:
    """Data from a newer socialcx is a clear error, not a misreading."""
    plain = sx.to_dict(mention) | {"schema_version": sx.SCHEMA_VERSION + 1}
    with pytest.raises(SchemaVersionError, match="upgrade"):
        sx.from_dict(sx.Mention, plain)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"created_at": "2026-03-02T09:00:00"}, "created_at"),
        ({"visibility": "secret"}, "visibility"),
        ({"colour": "blue"}, "colour"),
        ({"author": {"platform": "x"}}, "author"),
        ({"native_id": 5}, "native_id"),
    ],
)
def test_bad_data_names_the_key(mention: sx.Mention, change: dict[str, Any], expected: str) -> None:
    """Wrong, unknown or missing keys raise SerializationError naming the key."""
    plain = sx.to_dict(mention) | change
    with pytest.raises(SerializationError) as info:
        sx.from_dict(sx.Mention, plain)
    assert expected in str(info.value)


def test_events_are_tagged(mention: sx.Mention) -> None:
    """Case events serialize with a stable ``type`` tag."""
    case = sx.Case.open(
        id="c",
        customer="x:42",
        channel=mention.channel,
        mention=mention.key,
        visibility="public",
        at=mention.created_at,
    )
    plain = sx.to_dict(case)
    assert [e["type"] for e in plain["events"]] == ["case_opened"]


@given(sxst.case_event_sequences(legal_only=True))
def test_single_events_round_trip_with_their_tag(events: list[sx.CaseEvent]) -> None:
    """An event on its own carries its ``type`` tag and comes back as the same class."""
    for event in events:
        plain = sx.to_dict(event)
        assert plain["type"] == CASE_EVENT_TYPES[type(event)]
        assert sx.from_dict(type(event), plain) == event
    with pytest.raises(SerializationError, match="expected a ReplySent"):
        sx.from_dict(ReplySent, sx.to_dict(events[0]))


def test_not_json_and_not_a_value() -> None:
    """Garbage in is a SerializationError, never a bare exception."""
    with pytest.raises(SerializationError):
        sx.from_json(sx.Mention, b"{not json")
    with pytest.raises(SerializationError):
        sx.from_dict(sx.Mention, [1, 2])  # type: ignore[arg-type]
    with pytest.raises(SerializationError):
        sx.to_dict(42)
