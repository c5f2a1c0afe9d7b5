"""Finding channel implementations by name: explicit registration plus entry points.

Third-party connectors declare an entry point in the ``socialcx.channels``
group; nothing is imported until a name is asked for, so an installed but
unused connector costs nothing (and a broken one breaks only itself).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from importlib import metadata
from typing import Any

import attrs

from socialcx.errors import ValidationError

#: The entry-point group connectors register in.
ENTRY_POINT_GROUP = "socialcx.channels"

#: Anything that builds a channel: usually the channel class itself.
ChannelFactory = Callable[..., Any]


def _installed() -> list[metadata.EntryPoint]:
    return list(metadata.entry_points(group=ENTRY_POINT_GROUP))


@attrs.define
class ChannelRegistry:
    """Channel factories by name (``"mastodon"``, ``"acme-chat"``).

    Explicit :meth:`register` calls win over entry points of the same name,
    so an application can swap in its own implementation.

    Args:
        entry_points: Lists the installed entry points; injected in tests.
    """

    entry_points: Callable[[], list[metadata.EntryPoint]] = _installed
    _factories: dict[str, ChannelFactory] = attrs.field(factory=dict, init=False)

    def register(self, name: str, factory: ChannelFactory, *, replace: bool = False) -> None:
        """Make ``factory`` available as ``name``.

        Raises:
            ValidationError: ``name`` is empty, ``factory`` is not callable, or
                the name is taken and ``replace`` is false.
        """
        if not isinstance(name, str) or not name.strip():
            raise ValidationError("register.name: must be a non-empty string", field="name")
        if not callable(factory):
            raise ValidationError("register.factory: must be callable", field="factory")
        if name in self._factories and not replace:
            raise ValidationError(
                f"register.name: {name!r} is already registered (pass replace=True)",
                field="name",
            )
        self._factories[name] = factory

    def unregister(self, name: str) -> None:
        """Forget an explicit registration (entry points stay discoverable)."""
        self._factories.pop(name, None)

    def names(self) -> list[str]:
        """Every available name, registered or installed, sorted; loads nothing."""
        return sorted(set(self._factories) | {ep.name for ep in self.entry_points()})

    def load(self, name: str) -> ChannelFactory:
        """The factory for ``name``, importing its entry point on first use.

        A name of the form ``"package.module:Factory"`` imports that object
        directly, for connectors that are not installed as entry points.

        Raises:
            ValidationError: No channel has that name (the message lists those
                that do), or its entry point does not load.
        """
        if name in self._factories:
            return self._factories[name]
        if ":" in name:
            return self._import(name)
        for ep in self.entry_points():
            if ep.name == name:
                try:
                    factory = ep.load()
                except Exception as exc:
                    raise ValidationError(
                        f"channel {name!r}: entry point {ep.value!r} failed to load "
                        f"({type(exc).__name__}: {exc})",
                        field="name",
                    ) from exc
                if not callable(factory):
                    raise ValidationError(
                        f"channel {name!r}: entry point {ep.value!r} is not callable",
                        field="name",
                    )
                self._factories[name] = factory
                loaded: ChannelFactory = factory
                return loaded
        known = ", ".join(self.names()) or "none"
        raise ValidationError(f"no channel named {name!r} (available: {known})", field="name")

    def _import(self, path: str) -> ChannelFactory:
        """``"package.module:Factory"``: a connector that is not installed as an entry point."""
        module_name, _, attribute = path.partition(":")
        try:
            factory = getattr(importlib.import_module(module_name), attribute)
        except (ImportError, AttributeError) as exc:
            raise ValidationError(
                f"channel {path!r}: cannot import it ({type(exc).__name__}: {exc})", field="name"
            ) from exc
        if not callable(factory):
            raise ValidationError(f"channel {path!r} is not callable", field="name")
        self._factories[path] = factory
        loaded: ChannelFactory = factory
        return loaded

    def create(self, name: str, /, **options: Any) -> Any:
        """Build the channel ``name`` with keyword ``options``."""
        return self.load(name)(**options)


#: The process-wide registry the module-level functions use.
registry = ChannelRegistry()


def register(name: str, factory: ChannelFactory, *, replace: bool = False) -> None:
    """Register ``factory`` under ``name`` in the default registry."""
    registry.register(name, factory, replace=replace)


def load_channel(name: str) -> ChannelFactory:
    """The factory registered or installed as ``name`` (imported lazily)."""
    return registry.load(name)


def available_channels() -> list[str]:
    """The names of every registered or installed channel, sorted."""
    return registry.names()
