"""Registration: explicit register() and lazily loaded entry points."""

from __future__ import annotations

import sys
from importlib import metadata

import pytest

import socialcx.channels as channels
from socialcx.channels import ENTRY_POINT_GROUP, ChannelRegistry
from socialcx.errors import ValidationError
from socialcx.testing import FakeChannel

MODULE = "tests.channels._lazy_connector"


def _ep(name: str, value: str) -> metadata.EntryPoint:
    return metadata.EntryPoint(name=name, value=value, group=ENTRY_POINT_GROUP)


def test_register_and_create() -> None:
    """A registered factory is found by name and builds a channel with options."""
    registry = ChannelRegistry(entry_points=list)
    registry.register("fake", FakeChannel)
    channel = registry.create("fake", account="acme", page_size=5)
    assert isinstance(channel, channels.Channel)
    assert channel.ref.account == "acme"


def test_register_refuses_a_taken_name() -> None:
    """Registering the same name twice needs replace=True."""
    registry = ChannelRegistry(entry_points=list)
    registry.register("fake", FakeChannel)
    with pytest.raises(ValidationError) as caught:
        registry.register("fake", FakeChannel)
    assert caught.value.field == "name"
    registry.register("fake", dict, replace=True)
    assert registry.load("fake") is dict


def test_register_refuses_non_callables() -> None:
    """A factory must be callable."""
    with pytest.raises(ValidationError) as caught:
        ChannelRegistry(entry_points=list).register("x", "not callable")  # type: ignore[arg-type]
    assert caught.value.field == "factory"


def test_entry_points_are_listed_without_importing() -> None:
    """names() lists installed connectors but imports none of them."""
    sys.modules.pop(MODULE, None)
    registry = ChannelRegistry(entry_points=lambda: [_ep("lazy", f"{MODULE}:LazyChannel")])
    assert registry.names() == ["lazy"]
    assert MODULE not in sys.modules


def test_entry_point_loads_on_first_use() -> None:
    """load() imports the entry point's module only when the name is asked for."""
    sys.modules.pop(MODULE, None)
    registry = ChannelRegistry(entry_points=lambda: [_ep("lazy", f"{MODULE}:LazyChannel")])
    factory = registry.load("lazy")
    assert MODULE in sys.modules
    assert factory.__name__ == "LazyChannel"


def test_explicit_registration_wins_over_entry_points() -> None:
    """An application can override an installed connector by registering the same name."""
    registry = ChannelRegistry(entry_points=lambda: [_ep("lazy", f"{MODULE}:LazyChannel")])
    registry.register("lazy", FakeChannel)
    assert registry.load("lazy") is FakeChannel


def test_broken_entry_point_is_a_clear_error() -> None:
    """An entry point that fails to import says which one, without breaking others."""
    registry = ChannelRegistry(
        entry_points=lambda: [
            _ep("broken", "no_such_module_xyz:Thing"),
            _ep("lazy", f"{MODULE}:LazyChannel"),
        ]
    )
    with pytest.raises(ValidationError, match="broken"):
        registry.load("broken")
    assert registry.load("lazy").__name__ == "LazyChannel"


def test_unknown_name_lists_what_exists() -> None:
    """Asking for an unknown channel lists the available names."""
    registry = ChannelRegistry(entry_points=list)
    registry.register("fake", FakeChannel)
    with pytest.raises(ValidationError, match="available: fake"):
        registry.load("nope")


def test_module_level_register_uses_the_default_registry() -> None:
    """register()/load_channel()/available_channels() act on the shared registry."""
    channels.register("test-fake", FakeChannel, replace=True)
    try:
        assert channels.load_channel("test-fake") is FakeChannel
        assert "test-fake" in channels.available_channels()
    finally:
        channels.registry.unregister("test-fake")
    assert "test-fake" not in channels.available_channels()


def test_a_module_path_imports_the_factory() -> None:
    """``package.module:Factory`` loads a connector that has no entry point."""
    from socialcx.channels._registry import ChannelRegistry
    from socialcx.testing import FakeChannel

    registry = ChannelRegistry(entry_points=list)
    assert registry.load("socialcx.testing:FakeChannel") is FakeChannel
    with pytest.raises(ValidationError, match="cannot import"):
        registry.load("socialcx.testing:NoSuchThing")
