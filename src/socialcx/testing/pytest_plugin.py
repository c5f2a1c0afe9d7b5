"""Opt-in pytest fixtures for code that uses socialcx channels.

Enable in a ``conftest.py``::

    pytest_plugins = ["socialcx.testing.pytest_plugin"]

Fixtures: ``clock`` (a :class:`~socialcx.testing.FakeClock`), ``fake_channel``
(a :class:`~socialcx.testing.FakeChannel` on that clock), ``fake_sleep`` (an
async sleep that advances the clock, for :class:`~socialcx.channels.RetryPolicy`)
and ``fake_channel_harness`` (the contract-suite harness around
``fake_channel``). Enabling the plugin adds no dependency beyond pytest and
the core (hypothesis, for one, stays unimported); the contract suite is
imported only when its fixture is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from socialcx.testing import FakeChannel, FakeClock, FakeSleep
    from socialcx.testing.contract import FakeChannelHarness


@pytest.fixture
def clock() -> FakeClock:
    """A fake clock at a fixed Monday morning, moved only by the test."""
    from socialcx.testing import FakeClock

    return FakeClock()


@pytest.fixture
def fake_channel(clock: FakeClock) -> FakeChannel:
    """An empty in-memory network for the brand account ``brand``, on ``clock``."""
    from socialcx.testing import FakeChannel

    return FakeChannel(clock=clock)


@pytest.fixture
def fake_sleep(clock: FakeClock) -> FakeSleep:
    """An async sleep that records waits and advances ``clock`` instead of sleeping."""
    from socialcx.testing import FakeSleep

    return FakeSleep(clock=clock)


@pytest.fixture
def fake_channel_harness(fake_channel: FakeChannel) -> FakeChannelHarness:
    """The contract-suite harness around ``fake_channel``."""
    from socialcx.testing.contract import FakeChannelHarness

    return FakeChannelHarness(fake=fake_channel)
