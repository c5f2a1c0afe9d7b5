"""Shared test configuration: hypothesis profiles and common builders."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "default", deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=100
)
settings.register_profile(
    "ci",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    max_examples=100,
    derandomize=True,
    print_blob=True,
)
settings.load_profile("ci" if os.environ.get("CI") else "default")

import socialcx as sx  # noqa: E402

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def channel() -> sx.ChannelRef:
    """A brand account on X."""
    return sx.ChannelRef(platform="x", account="acme")


@pytest.fixture
def author() -> sx.Author:
    """An ordinary customer on X."""
    return sx.Author(platform="x", native_id="42", handle="dana", followers=120)


@pytest.fixture
def mention(channel: sx.ChannelRef, author: sx.Author) -> sx.Mention:
    """A public complaint."""
    return sx.Mention(
        channel=channel,
        native_id="1001",
        author=author,
        text="@acme my order is two weeks late and nobody answers",
        created_at=T0,
        visibility="public",
        raw={"id": "1001", "text": "..."},
    )
