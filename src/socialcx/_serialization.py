"""Plain-data (JSON-able dict) form of every domain type, through one cattrs converter.

Stores, the CLI and other processes exchange values in this form. The top-level
dict carries ``schema_version``; data from a newer socialcx is refused with a
clear error instead of being misread. Unknown keys are refused too.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar

import cattrs
from cattrs.strategies import configure_tagged_union

from socialcx.errors import ConfigError, SchemaVersionError, SerializationError, ValidationError
from socialcx.model._calendar import OpeningHours, Weekday, parse_duration
from socialcx.model._case import CASE_EVENT_TYPES, CaseEvent

T = TypeVar("T")

#: Bumped whenever the plain-data form changes incompatibly.
SCHEMA_VERSION = 1
_VERSION_KEY = "schema_version"


def _structure_datetime(value: Any, _: type) -> datetime:
    if isinstance(value, datetime):
        result = value
    elif isinstance(value, str):
        try:
            result = datetime.fromisoformat(value)
        except ValueError:
            raise ValidationError(f"{value!r} is not an ISO 8601 date-time") from None
    else:
        raise ValidationError(f"expected an ISO 8601 date-time, got {type(value).__name__}")
    if result.tzinfo is None or result.utcoffset() is None:
        raise ValidationError(f"{value!r} has no time zone (naive date-times are ambiguous)")
    return result


def _structure_date(value: Any, _: type) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValidationError(f"{value!r} is not a date like 2026-12-25")


def _structure_time(value: Any, _: type) -> time:
    if isinstance(value, time):
        return value
    if isinstance(value, str):
        try:
            return time.fromisoformat(value)
        except ValueError:
            pass
    raise ValidationError(f"{value!r} is not a time like 09:00")


def _structure_duration(value: Any, _: type) -> timedelta:
    return parse_duration(value)


def _structure_hours(value: Any, _: type) -> tuple[OpeningHours, ...]:
    """``{mon = "09:00-17:00", sat = ["10:00-12:00", "13:00-16:00"]}`` or a list of tables."""
    if isinstance(value, list | tuple):
        return tuple(converter.structure(item, OpeningHours) for item in value)
    if not isinstance(value, dict):
        raise ValidationError("expected a table of weekday = 'HH:MM-HH:MM'")
    out = []
    for day, spans in value.items():
        try:
            weekday = Weekday(day)
        except ValueError:
            allowed = ", ".join(d.value for d in Weekday)
            raise ValidationError(f"{day!r} is not a weekday ({allowed})", field=day) from None
        for span in [spans] if isinstance(spans, str) else spans:
            start, sep, end = str(span).partition("-")
            if not sep:
                raise ValidationError(f"{span!r} is not a span like '09:00-17:00'", field=day)
            out.append(
                OpeningHours(
                    day=weekday,
                    start=_structure_time(start.strip(), time),
                    end=_structure_time(end.strip(), time),
                )
            )
    return tuple(out)


def _make_converter() -> cattrs.Converter:
    conv = cattrs.Converter(forbid_extra_keys=True)
    conv.register_structure_hook(int, _scalar(int, int))
    conv.register_structure_hook(float, _scalar(float, int, float))
    conv.register_structure_hook(str, _scalar(str, str))
    conv.register_structure_hook(bool, _scalar(bool, bool))
    conv.register_structure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum), _structure_enum
    )
    conv.register_unstructure_hook(datetime, datetime.isoformat)
    conv.register_structure_hook(datetime, _structure_datetime)
    conv.register_unstructure_hook(date, date.isoformat)
    conv.register_structure_hook(date, _structure_date)
    conv.register_unstructure_hook(time, lambda t: t.isoformat(timespec="minutes"))
    conv.register_structure_hook(time, _structure_time)
    conv.register_unstructure_hook(timedelta, timedelta.total_seconds)
    conv.register_structure_hook(timedelta, _structure_duration)
    conv.register_unstructure_hook_factory(
        lambda t: getattr(t, "__origin__", None) is frozenset, _frozenset_hook(conv)
    )
    conv.register_structure_hook_func(lambda t: t == tuple[OpeningHours, ...], _structure_hours)
    configure_tagged_union(
        CaseEvent,
        conv,
        tag_generator=lambda cls: CASE_EVENT_TYPES[cls],
        tag_name="type",
    )
    return conv


def _frozenset_hook(conv: cattrs.Converter) -> Callable[[Any], Callable[[Any], list[Any]]]:
    """Sets are written sorted, so the same set always gives the same JSON.

    A set of strings (skills, case ids...) is sorted as it is: an incident's case
    ids are written on every complaint that joins it, and there may be thousands.
    """

    def each(value: Any) -> list[Any]:
        return sorted((conv.unstructure(item) for item in value), key=str)

    def factory(kind: Any) -> Callable[[Any], list[Any]]:
        return sorted if getattr(kind, "__args__", None) == (str,) else each

    return factory


def _scalar(kind: type, *accepted: type) -> Any:
    """A strict hook: ``"5"`` is not an int and ``1`` is not a bool, whatever Python thinks."""
    names = {int: "an integer", float: "a number", str: "a string", bool: "true or false"}

    def structure(value: Any, _: type) -> Any:
        if isinstance(value, accepted) and (kind is bool or not isinstance(value, bool)):
            return kind(value)
        raise ValidationError(f"expected {names[kind]}, got {type(value).__name__} {value!r}")

    return structure


def _structure_enum(value: Any, kind: type[enum.Enum]) -> enum.Enum:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(repr(m.value) for m in kind)
        raise ValidationError(f"{value!r} is not one of {allowed}") from None


def _errors(exc: BaseException, path: str) -> list[tuple[str, str]]:
    """Flatten cattrs' exception groups into (key path, message) pairs."""
    if isinstance(exc, cattrs.IterableValidationError):
        found: list[tuple[str, str]] = []
        with_notes, without = exc.group_exceptions()
        for inner, note in with_notes:
            found += _errors(inner, f"{path}[{note.index!r}]")
        for inner in without:
            found += _errors(inner, path)
        return found
    if isinstance(exc, cattrs.ClassValidationError):
        found = []
        with_cls_notes, without_cls = exc.group_exceptions()
        for inner, cls_note in with_cls_notes:
            found += _errors(inner, f"{path}.{cls_note.name}" if path else cls_note.name)
        for inner in without_cls:
            found += _errors(inner, path)
        return found
    if isinstance(exc, cattrs.ForbiddenExtraKeysError):
        return [
            (f"{path}.{key}" if path else key, "unknown key") for key in sorted(exc.extra_fields)
        ]
    if isinstance(exc, ValidationError):
        message = str(exc)
        if exc.field and path.rsplit(".", 1)[-1] != exc.field:
            path = f"{path}.{exc.field}" if path else exc.field
            message = message.split(": ", 1)[-1]
        return [(path, message)]
    if isinstance(exc, KeyError):
        return [(path, "required key missing")]
    return [(path, f"{type(exc).__name__}: {exc}")]


def _describe(exc: BaseException, root: str) -> tuple[str, str | None]:
    errors = _errors(exc, "")
    text = "; ".join(f"{key or root}: {message}" for key, message in errors)
    return text, (errors[0][0] or None) if errors else None


converter = _make_converter()


def structure_config(data: Any, cls: type[T], *, source: str) -> T:
    """Build ``cls`` from configuration data, raising :class:`ConfigError` that names the key."""
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: expected a table, got {type(data).__name__}")
    try:
        return converter.structure(data, cls)
    except (cattrs.BaseValidationError, ValidationError, ValueError, TypeError, KeyError) as exc:
        text, key = _describe(exc, "(top level)")
        raise ConfigError(f"{source}: {text}", field=key) from exc


def to_dict(value: Any) -> dict[str, Any]:
    """The plain-data form of a domain value, with ``schema_version``."""
    tag = CASE_EVENT_TYPES.get(type(value))
    if tag is not None:
        # What the tagged union does (the member's fields, then its tag), without the dispatch.
        data = converter.unstructure(value)
        data["type"] = tag
    else:
        data = converter.unstructure(value)
    if not isinstance(data, dict):
        raise SerializationError(f"{type(value).__name__} is not a socialcx domain value")
    data[_VERSION_KEY] = SCHEMA_VERSION
    return data


def from_dict(cls: type[T], data: dict[str, Any]) -> T:
    """Rebuild a domain value from :func:`to_dict`'s output.

    Raises:
        SchemaVersionError: the data comes from a newer socialcx.
        SerializationError: the data does not match ``cls``; the message names
            the offending key.
    """
    if not isinstance(data, dict):
        raise SerializationError(f"expected a dict for {cls.__name__}, got {type(data).__name__}")
    payload = dict(data)
    version = payload.pop(_VERSION_KEY, SCHEMA_VERSION)
    if not isinstance(version, int) or isinstance(version, bool):
        raise SerializationError(f"{_VERSION_KEY} must be an integer, got {version!r}")
    if version > SCHEMA_VERSION:
        raise SchemaVersionError(
            f"{cls.__name__} data has schema_version {version}, but this socialcx "
            f"understands up to {SCHEMA_VERSION}; upgrade socialcx"
        )
    try:
        if cls in CASE_EVENT_TYPES:
            event: object = converter.structure(payload, CaseEvent)  # type: ignore[arg-type]
            if not isinstance(event, cls):
                raise SerializationError(f"expected a {cls.__name__}, got {payload.get('type')!r}")
            return event
        return converter.structure(payload, cls)
    except (cattrs.BaseValidationError, ValidationError, ValueError, TypeError, KeyError) as exc:
        text, _ = _describe(exc, cls.__name__)
        raise SerializationError(f"{cls.__name__}: {text}") from exc


def event_from_json(text: str | bytes) -> CaseEvent:
    """Rebuild a case event of any type from its JSON (the ``type`` tag says which)."""
    try:
        payload = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise SerializationError(f"not valid JSON for a case event: {exc}") from exc
    if not isinstance(payload, dict):
        raise SerializationError("a case event must be a JSON object")
    version = payload.pop(_VERSION_KEY, SCHEMA_VERSION)
    if isinstance(version, int) and version > SCHEMA_VERSION:
        raise SchemaVersionError(
            f"case event data has schema_version {version}, but this socialcx understands up "
            f"to {SCHEMA_VERSION}; upgrade socialcx"
        )
    try:
        event: CaseEvent = converter.structure(payload, CaseEvent)  # type: ignore[arg-type]
    except (cattrs.BaseValidationError, ValidationError, ValueError, TypeError, KeyError) as exc:
        text_, _ = _describe(exc, "case event")
        raise SerializationError(f"case event: {text_}") from exc
    return event


# Made once: ``json.dumps`` with options builds a new encoder on every call.
_ENCODE = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def to_json(value: Any) -> str:
    """:func:`to_dict` as compact JSON."""
    return _ENCODE(to_dict(value))


def from_json(cls: type[T], text: str | bytes) -> T:
    """Rebuild a value from :func:`to_json`'s output."""
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise SerializationError(f"not valid JSON for {cls.__name__}: {exc}") from exc
    return from_dict(cls, data)
