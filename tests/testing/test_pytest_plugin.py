"""The opt-in pytest plugin: lazy to import, and its fixtures fit together."""

from __future__ import annotations

import asyncio
import subprocess
import sys

from socialcx.testing import pytest_plugin


def test_importing_the_plugin_loads_no_extras() -> None:
    """Enabling the plugin imports neither hypothesis nor the contract suite."""
    code = (
        "import sys; import socialcx.testing.pytest_plugin;"
        "print(sorted(m for m in ('hypothesis', 'socialcx.testing.contract')"
        " if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_fixtures_share_one_clock() -> None:
    """fake_channel and fake_sleep share the clock: sleeping moves the channel's time."""
    clock = pytest_plugin.clock.__wrapped__()  # type: ignore[attr-defined]
    fake = pytest_plugin.fake_channel.__wrapped__(clock)  # type: ignore[attr-defined]
    sleep = pytest_plugin.fake_sleep.__wrapped__(clock)  # type: ignore[attr-defined]
    before = fake.post("first", author="dana").created_at
    asyncio.run(sleep(90))
    after = fake.post("second", author="dana").created_at
    assert (after - before).total_seconds() == 90
    harness = pytest_plugin.fake_channel_harness.__wrapped__(fake)  # type: ignore[attr-defined]
    assert harness.make_channel() is fake
