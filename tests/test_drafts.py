"""The draft check that guards the hot-path constructors."""

from __future__ import annotations

import attrs
import pytest

from socialcx._drafts import check_draft


@attrs.frozen(kw_only=True, weakref_slot=False)
class _Point:
    x: int
    y: int


@attrs.frozen(kw_only=True)
class _WeakPoint:
    x: int
    y: int


class _PointDraft:
    __slots__ = ("x", "y")
    x: int
    y: int


class _HalfDraft:
    __slots__ = ("x",)


def test_a_matching_draft_passes_and_becomes_an_equal_object() -> None:
    check_draft(_PointDraft, _Point)
    draft = _PointDraft()
    draft.x, draft.y = 1, 2
    draft.__class__ = _Point  # type: ignore[assignment]
    point: object = draft
    assert point == _Point(x=1, y=2)
    assert type(point) is _Point


def test_a_draft_missing_a_field_is_refused_by_name() -> None:
    with pytest.raises(TypeError, match=r"_Point fields are \['x', 'y'\], not \['x'\]"):
        check_draft(_HalfDraft, _Point)


def test_a_class_with_a_weakref_slot_cannot_take_a_draft() -> None:
    with pytest.raises(TypeError, match="layout differs"):
        check_draft(_PointDraft, _WeakPoint)
