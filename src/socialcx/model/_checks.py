"""Validators and converters shared by the value types.

Every failure raises the class's ``__validation_error__`` (a
:class:`~socialcx.errors.ValidationError` subclass) and names the class and the
field, so a bad payload is diagnosed without a debugger.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any, NoReturn, TypeVar

import attrs

from socialcx.errors import ValidationError

E = TypeVar("E", bound=enum.Enum)

_PLATFORM = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")


def fail(inst: object, name: str, message: str) -> NoReturn:
    """Raise the owner's validation error for field ``name``."""
    error: type[ValidationError] = getattr(type(inst), "__validation_error__", ValidationError)
    raise error(f"{type(inst).__name__}.{name}: {message}", field=name)


def non_empty_str(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A string with at least one non-space character."""
    if not isinstance(value, str):
        fail(inst, attribute.name, f"expected a string, got {type(value).__name__}")
    if not value.strip():
        fail(inst, attribute.name, "must not be empty")


def optional_non_empty_str(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """``None`` or a non-empty string."""
    if value is not None:
        non_empty_str(inst, attribute, value)


def text(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Any string, empty included (a post can be only a picture)."""
    if not isinstance(value, str):
        fail(inst, attribute.name, f"expected a string, got {type(value).__name__}")


def platform_name(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A lower-case network name such as ``mastodon`` or ``x``."""
    non_empty_str(inst, attribute, value)
    assert isinstance(value, str)
    if not _PLATFORM.match(value):
        fail(
            inst,
            attribute.name,
            f"{value!r} is not a platform name (lower-case letters, digits, '_', '.', '-')",
        )


def aware_datetime(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A datetime that knows its time zone; naive times are ambiguous across regions."""
    if value.__class__ is datetime and value.tzinfo is UTC:
        return  # the common case, decided without a call
    if not isinstance(value, datetime):
        fail(inst, attribute.name, f"expected a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        fail(inst, attribute.name, "must be timezone-aware (naive datetimes are ambiguous)")


def optional_aware_datetime(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """``None`` or a timezone-aware datetime."""
    if value is not None:
        aware_datetime(inst, attribute, value)


def non_negative_int(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """An int >= 0 (bool is refused: ``True`` followers is a bug, not a count)."""
    if isinstance(value, bool) or not isinstance(value, int):
        fail(inst, attribute.name, f"expected an integer, got {type(value).__name__}")
    if value < 0:
        fail(inst, attribute.name, f"must not be negative, got {value}")


def positive_duration(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A timedelta > 0."""
    if not isinstance(value, timedelta):
        fail(inst, attribute.name, f"expected a timedelta, got {type(value).__name__}")
    if value <= timedelta(0):
        fail(inst, attribute.name, f"must be positive, got {value}")


def optional_positive_duration(
    inst: object, attribute: attrs.Attribute[Any], value: object
) -> None:
    """``None`` or a timedelta > 0."""
    if value is not None:
        positive_duration(inst, attribute, value)


def is_bool(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A real bool."""
    if not isinstance(value, bool):
        fail(inst, attribute.name, f"expected true or false, got {type(value).__name__}")


def instance_of(*types: type) -> Callable[[object, attrs.Attribute[Any], object], None]:
    """A validator that names the field when the value has the wrong type."""
    names = " or ".join(t.__name__ for t in types)

    def check(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, types):
            fail(inst, attribute.name, f"expected {names}, got {type(value).__name__}")

    return check


def tuple_of(*types: type) -> Callable[[object, attrs.Attribute[Any], object], None]:
    """A validator for a tuple whose items all have one of ``types``."""
    names = " or ".join(t.__name__ for t in types)

    def check(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, tuple):
            fail(inst, attribute.name, f"expected a tuple, got {type(value).__name__}")
        for i, item in enumerate(value):
            if not isinstance(item, types):
                fail(inst, f"{attribute.name}[{i}]", f"expected {names}, got {type(item).__name__}")

    return check


_ONLY_STR = frozenset((str,))


def names(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A frozenset of non-empty strings (skills, languages, certifications)."""
    if not isinstance(value, frozenset):
        fail(inst, attribute.name, f"expected a set of strings, got {type(value).__name__}")
    # The usual case checked without a Python-level loop: sets can be large (an
    # incident's case ids), and are checked again whenever their owner changes.
    if value and (
        not _ONLY_STR.issuperset(map(type, value)) or "" in value or any(map(str.isspace, value))
    ):
        for item in value:
            if not isinstance(item, str) or not item.strip():
                fail(inst, attribute.name, f"{item!r} is not a non-empty string")


def to_frozenset(value: Iterable[str] | str) -> frozenset[str]:
    """Accept any iterable of names; a lone string is one name, not its letters."""
    if isinstance(value, str):
        return frozenset((value,))
    return frozenset(value)


def coerce(kind: type[E], value: object) -> E:
    """``"public"`` -> ``Visibility.PUBLIC``; an unknown value passes through unchanged.

    Converters cannot say which field they serve, so they never raise: the
    paired :func:`member_of` validator reports a bad value with class and field.
    """
    if isinstance(value, kind):
        return value
    try:
        return kind(value)
    except ValueError:
        return value  # type: ignore[return-value]


def member_of(kind: type[enum.Enum]) -> Callable[[object, attrs.Attribute[Any], object], None]:
    """A validator for enum fields, listing the allowed values."""

    def check(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, kind):
            allowed = ", ".join(repr(m.value) for m in kind)
            fail(inst, attribute.name, f"{value!r} is not one of {allowed}")

    return check


def optional_member_of(
    kind: type[enum.Enum],
) -> Callable[[object, attrs.Attribute[Any], object], None]:
    """Like :func:`member_of`, allowing ``None``."""
    check = member_of(kind)

    def optional(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None:
            check(inst, attribute, value)

    return optional


def to_tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    """Accept any iterable (lists from JSON and TOML included) for tuple fields."""
    if isinstance(value, str | bytes):
        return (value,)
    return tuple(value)
