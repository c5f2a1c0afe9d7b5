"""Drafts: build frozen attrs objects on hot paths without the setter calls.

A frozen attrs class can only be written through ``object.__setattr__`` (or a
slot's ``__set__``), a slow call per field. Where a library builds such objects
on every item, from values it made itself and already knows to be valid, it
builds a *draft* instead: a plain class with the same slots, written with
ordinary attribute stores, whose ``__class__`` then becomes the frozen class.
CPython allows that between classes with the same slots and no
``__weakref__``, which is why the classes built this way have none.

The objects are equal to the ones the public constructor makes, as long as the
values are what the constructor would keep (no converter or validator would
change or refuse them): the callers are responsible for that.
"""

from __future__ import annotations

import attrs


def check_draft(draft: type, cls: type) -> None:
    """Fail at import if ``draft`` no longer matches the fields of ``cls``.

    Raises:
        TypeError: A field was added or renamed without the draft, or the
            layouts differ (``cls`` has a ``__weakref__`` slot, say).
    """
    declared = sorted(a.name for a in attrs.fields(cls))
    slots = sorted(draft.__dict__["__slots__"])
    if declared != slots:  # a field was added or renamed: update the draft
        raise TypeError(f"{cls.__name__} fields are {declared}, not {slots}")
    draft().__class__ = cls  # raises TypeError if the layouts differ
