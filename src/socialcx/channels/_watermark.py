"""Walking newest-first lists back to a watermark (Bluesky, Reddit).

A list that only pages from the newest item backwards is read in a walk: page
after page until an item at or below the watermark (the newest time seen, with
the keys seen at that time) shows up, and only then does the watermark move up
to the newest item of the walk. The walk's progress lives in the cursor, so a
crash mid-walk resumes it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import attrs

from socialcx.errors import InvalidPayload
from socialcx.model import Mention

#: The time of an item whose own time cannot be read and that has no neighbour to borrow from.
NOWHERE = datetime.max.replace(tzinfo=UTC)


@attrs.frozen
class Item:
    """One position in a list: its time, its key, and what it delivers.

    ``entry`` is ``None`` for a position that delivers nothing (it still counts
    for the walk).
    """

    at: datetime
    key: str
    entry: Mention | InvalidPayload | None


def mark(at: datetime, keys: Iterable[str]) -> list[Any]:
    """A watermark as it is kept in a cursor."""
    return [at.isoformat(), sorted(set(keys))]


def _strict_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        return None
    return at if at.tzinfo is not None else None


def read_mark(
    value: Any, *, parse_time: Callable[[Any], datetime | None] = _strict_time
) -> tuple[datetime, frozenset[str]] | None:
    """A watermark from a cursor (``None`` when there is none yet).

    Raises:
        ValueError: the value is not a watermark this module wrote.
    """
    if value is None:
        return None
    if (
        isinstance(value, list)
        and len(value) == 2
        and isinstance(value[1], list)
        and all(isinstance(k, str) for k in value[1])
    ):
        at = parse_time(value[0])
        if at is not None:
            return at, frozenset(value[1])
    raise ValueError("watermark")


def start_lists(names: Sequence[str], *, since: datetime | None) -> dict[str, dict[str, Any]]:
    """The cursor state of a first fetch: every list in ``names`` starts at ``since``.

    ``since=None`` reads each list as far back as the server goes.
    """
    start: dict[str, Any] = {} if since is None else {"w": mark(since, [])}
    return {name: dict(start) for name in names}


def read_lists(
    cursor: str,
    names: Sequence[str],
    *,
    parse_time: Callable[[Any], datetime | None] = _strict_time,
) -> dict[str, Any]:
    """The cursor state :func:`start_lists` and :func:`walk` wrote: an object per list.

    Every list in ``names`` gets an entry (empty if the cursor has none), and
    its watermark is checked.

    Raises:
        ValueError: the cursor is not JSON, not an object of objects, or holds
            a watermark this module did not write.
    """
    state = json.loads(cursor)
    if not isinstance(state, dict) or not all(isinstance(v, dict) for v in state.values()):
        raise ValueError("cursor")
    for name in names:
        state.setdefault(name, {})
        read_mark(state[name].get("w"), parse_time=parse_time)
    return state


def place(items: list[Item]) -> list[Item]:
    """Give an item without a usable time the time of its nearest placed neighbour.

    The list is newest first, so the older neighbour (else the newer one)
    bounds where it sits; the watermark then passes it like any other item
    and it is delivered (or rejected) once. With no placed neighbour it stays
    unplaceable: delivered, but it never moves the watermark.
    """
    times = [i.at for i in items]
    placed: list[Item] = []
    for n, item in enumerate(items):
        if item.at == NOWHERE:
            older = (t for t in times[n + 1 :] if t != NOWHERE)
            newer = (t for t in reversed(times[:n]) if t != NOWHERE)
            item = attrs.evolve(item, at=next(older, None) or next(newer, None) or NOWHERE)
        placed.append(item)
    return placed


def walk(
    state: dict[str, Any],
    items: list[Item],
    server_cursor: str | None,
    *,
    cursor_key: str,
    parse_time: Callable[[Any], datetime | None] = _strict_time,
) -> tuple[list[Mention | InvalidPayload], bool]:
    """One page of a newest-first list against the watermark; updates ``state``.

    Args:
        state: This list's part of the cursor: ``"w"`` the watermark, ``"walk"``
            the walk in progress (the server's cursor under ``cursor_key`` and
            the newest position seen so far).
        items: The page, newest first, every item placed.
        server_cursor: The server's cursor for the next (older) page.
        cursor_key: Where the server's cursor is kept in the walk.
        parse_time: Reads the times kept in the cursor.

    Returns:
        The new entries, oldest first, and whether the walk goes on.
    """
    seen = read_mark(state.get("w"), parse_time=parse_time)
    walking = state.get("walk")
    top = (
        read_mark(walking.get("top"), parse_time=parse_time) if isinstance(walking, dict) else None
    )

    def old(item: Item) -> bool:
        if seen is None:
            return False
        return item.at < seen[0] or (item.at == seen[0] and item.key in seen[1])

    new = [i for i in items if not old(i)]
    placed = [i for i in new if i.at != NOWHERE]
    if placed:
        newest = max(i.at for i in placed)
        if top is None or newest > top[0]:
            top = (newest, frozenset())
        top = (top[0], top[1] | {i.key for i in placed if i.at == top[0]})
    done = len(new) < len(items) or not server_cursor or not items
    if done:
        state.pop("walk", None)
        if top is not None:
            state["w"] = mark(*top)
    else:
        state["walk"] = {cursor_key: server_cursor, "top": mark(*top) if top else None}
    new.sort(key=lambda i: (i.at, i.key))
    return [i.entry for i in new if i.entry is not None], not done
