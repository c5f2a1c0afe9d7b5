"""Agents, capacity and priority."""

from __future__ import annotations

import pytest

import socialcx as sx
from socialcx.errors import ValidationError


@pytest.mark.parametrize("value", [-1, True, "3", {"public": -2}, {"chat": 1}])
def test_bad_capacity_names_the_field(value: object) -> None:
    """A negative or malformed capacity is refused, naming ``capacity``."""
    with pytest.raises(ValidationError) as info:
        sx.Agent(id="ana", capacity=value)  # type: ignore[arg-type]
    assert info.value.field == "capacity"
    assert "Agent.capacity" in str(info.value)


def test_capacity_shorthand_and_mapping() -> None:
    """An int sets both kinds of work; a mapping sets each."""
    assert sx.Agent(id="a", capacity=3).capacity == sx.Capacity(public=3, private=3)
    agent = sx.Agent(id="a", capacity={"public": 1, "private": 5})  # type: ignore[arg-type]
    assert agent.capacity.for_kind(sx.WorkKind.PUBLIC) == 1
    assert agent.capacity.for_kind(sx.WorkKind.PRIVATE) == 5


def test_sets_accept_any_iterable_and_single_names() -> None:
    """Skills given as a list or a lone string become a frozenset of names."""
    agent = sx.Agent(id="a", skills=["billing", "billing"], languages="en")  # type: ignore[arg-type]
    assert agent.skills == frozenset({"billing"})
    assert agent.languages == frozenset({"en"})


def test_empty_id_and_unknown_presence() -> None:
    """An empty id or an unknown presence is an error naming the field."""
    with pytest.raises(ValidationError, match=r"Agent\.id"):
        sx.Agent(id="")
    with pytest.raises(ValidationError, match=r"Agent\.presence: 'sleeping'"):
        sx.Agent(id="a", presence="sleeping")  # type: ignore[arg-type]


def test_priorities_are_ordered() -> None:
    """LOW < NORMAL < HIGH < URGENT, and sorting follows rank."""
    assert sx.Priority.LOW < sx.Priority.NORMAL < sx.Priority.HIGH < sx.Priority.URGENT
    assert sorted([sx.Priority.URGENT, sx.Priority.LOW]) == [sx.Priority.LOW, sx.Priority.URGENT]
    assert max(sx.Priority) is sx.Priority.URGENT


@pytest.mark.parametrize("bad", ["", " ", "\t\n", 3, None, b"tech"])
def test_a_bad_name_among_many_is_named(bad: object) -> None:
    """One empty, blank or non-string name in a large set is refused and shown."""
    skills = {f"skill-{i}" for i in range(500)} | {bad}
    with pytest.raises(ValidationError, match=r"Agent\.skills: .* is not a non-empty string"):
        sx.Agent(id="a", skills=skills)  # type: ignore[arg-type]


def test_names_may_be_str_subclasses() -> None:
    """A subclass of str is a name like any other."""

    class Tag(str):
        pass

    assert sx.Agent(id="a", skills={Tag("tv"), "billing"}).skills == {"tv", "billing"}
