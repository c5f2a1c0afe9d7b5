"""Walking newest-first pages back to the last item seen (Meta, YouTube)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import UTC

from socialcx.errors import InvalidPayload
from socialcx.model import Mention


def order_key(mention: Mention) -> str:
    """Sort key: UTC time, then id; newest-first edges are walked back to ``since``."""
    return f"{mention.created_at.astimezone(UTC).isoformat()}|{mention.native_id}"


def sift(
    entries: Sequence[Mention | InvalidPayload],
    since: str | None,
    *,
    raw_order: Callable[[InvalidPayload], str | None],
) -> tuple[list[Mention], list[InvalidPayload], list[str], bool]:
    """Split a newest-first page into what is new since ``since``.

    An entry is new when its sort key is above ``since``. A rejected item whose
    time cannot be read takes a key just above its older neighbour on the page,
    so ``since`` passes it like any other item and it is reported once; with no
    older neighbour it is new unless a newer item on the page was already seen.

    Args:
        entries: The page, newest first.
        since: The key of the newest item seen before.
        raw_order: The sort key of a rejected item, when its raw data still shows it.

    Returns:
        The new mentions and the new rejected items (both newest first), the
        sort keys of the page, and whether an item already seen was reached.
    """
    keys = [order_key(e) if isinstance(e, Mention) else raw_order(e) for e in entries]
    fresh: list[Mention] = []
    rejected: list[InvalidPayload] = []
    known: list[str] = []
    reached = False
    for n, (entry, key) in enumerate(zip(entries, keys, strict=True)):
        if key is None and isinstance(entry, InvalidPayload):
            older = next((k for k in keys[n + 1 :] if k is not None), None)
            if older is not None:
                raw = (
                    entry.raw.encode("utf-8", "replace")
                    if isinstance(entry.raw, str)
                    else entry.raw
                )
                key = f"{older}|{hashlib.sha256(raw).hexdigest()[:16]}"
        if key is not None:
            known.append(key)
            if since is not None and key <= since:
                reached = True
                continue
        elif reached:
            continue
        if isinstance(entry, Mention):
            fresh.append(entry)
        else:
            rejected.append(entry)
    return fresh, rejected, known, reached
