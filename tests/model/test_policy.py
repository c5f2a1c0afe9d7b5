"""Policy: strict TOML loading, service levels and business-hours deadlines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import socialcx as sx
from socialcx.errors import ConfigError
from socialcx.model import format_duration, parse_duration
from socialcx.testing import strategies as sxst

POLICY = """
funnel_employees = false

[[brand_accounts]]
platform = "mastodon"
account = "@acme@social.example"

[[employee_accounts]]
platform = "x"
handle = "jo_at_acme"

[calendar]
timezone = "Europe/Berlin"
holidays = [2026-12-25]

[calendar.hours]
mon = "09:00-17:00"
tue = "09:00-17:00"
wed = "09:00-17:00"
thu = "09:00-17:00"
fri = ["09:00-12:00", "13:00-17:00"]

[[service_levels]]
priority = "urgent"
first_response = "15m"
resolution = "4h"

[[service_levels]]
priority = "normal"
platform = "x"
first_response = "2h"
business_hours = true

[[service_levels]]
first_response = "1h"

[[escalation]]
name = "overflow"
after = "10m"
target = "overflow"
when = 'priority >= "high"'

[replies]
approval_reach = 50000

[routing]
hostile_cap_per_shift = 5
hostile_cooldown = "20m"
"""


def test_loads_a_full_policy(tmp_path: Path) -> None:
    """Every section of a policy file lands in typed fields."""
    path = tmp_path / "policy.toml"
    path.write_text(POLICY)
    policy = sx.Policy.from_toml(path)
    assert policy.brand_accounts == (
        sx.ChannelRef(platform="mastodon", account="@acme@social.example"),
    )
    assert policy.service_levels[0].first_response == timedelta(minutes=15)
    assert policy.calendar.timezone == "Europe/Berlin"
    assert len(policy.calendar.hours) == 6
    assert policy.escalation[0].when == 'priority >= "high"'
    assert policy.replies.approval_reach == 50000
    assert policy.routing.hostile_cooldown == timedelta(minutes=20)


@pytest.mark.parametrize(
    ("snippet", "key"),
    [
        ("[replies]\npublic_certfication = 'social'", "replies.public_certfication"),
        ("brand_acounts = []", "brand_acounts"),
        ("[routing]\nhostile_cap_per_shift = '5'", "routing.hostile_cap_per_shift"),
        ("[routing]\nhostile_cap_per_shift = 5.5", "routing.hostile_cap_per_shift"),
        ("funnel_employees = 1", "funnel_employees"),
        ("[[service_levels]]\nfirst_response = 'soon'", "service_levels[0].first_response"),
        (
            "[[service_levels]]\nfirst_response = '1h'\npriority = 'hihg'",
            "service_levels[0].priority",
        ),
        ("[calendar]\ntimezone = 'Mars/Olympus'", "calendar.timezone"),
        ("[calendar]\nhours = { mon = '17:00-09:00' }", "calendar.hours"),
        ("[calendar]\nhours = { monday = '09:00-17:00' }", "calendar.hours"),
        ("[[brand_accounts]]\nplatform = 'x'", "brand_accounts[0].account"),
        ("[[escalation]]\nname = 'x'\nafter = '-5m'\ntarget = 't'", "escalation[0].after"),
    ],
)
def test_errors_name_the_key(snippet: str, key: str) -> None:
    """A typo or a wrong type is a ConfigError naming the key; nothing passes silently."""
    with pytest.raises(ConfigError) as info:
        sx.Policy.from_toml_text(snippet)
    assert info.value.field is not None
    assert info.value.field.startswith(key)
    assert key in str(info.value)


def test_invalid_toml_and_missing_file(tmp_path: Path) -> None:
    """Broken TOML and unreadable files are ConfigErrors that say where."""
    with pytest.raises(ConfigError, match="not valid TOML"):
        sx.Policy.from_toml_text("[replies")
    with pytest.raises(ConfigError, match="cannot read"):
        sx.Policy.from_toml(tmp_path / "missing.toml")


def test_most_specific_service_level_applies() -> None:
    """Priority+platform beats priority alone, which beats the catch-all."""
    policy = sx.Policy.from_toml_text(POLICY)
    assert policy.service_level(sx.Priority.NORMAL, "x").first_response == timedelta(hours=2)  # type: ignore[union-attr]
    assert policy.service_level(sx.Priority.NORMAL, "reddit").first_response == timedelta(hours=1)  # type: ignore[union-attr]
    assert policy.service_level(sx.Priority.URGENT, "x").first_response == timedelta(minutes=15)  # type: ignore[union-attr]
    assert sx.Policy(service_levels=()).service_level(sx.Priority.LOW, "x") is None


def test_business_hours_deadline_skips_nights_weekends_and_lunch() -> None:
    """A 2h target opened Friday 11:00 Berlin is due Friday 14:00 (lunch is closed)."""
    policy = sx.Policy.from_toml_text(POLICY)
    opened = datetime(2026, 3, 6, 10, 0, tzinfo=UTC)  # Friday 11:00 in Berlin
    due = policy.deadlines(priority=sx.Priority.NORMAL, platform="x", opened_at=opened)
    assert due.first_response == datetime(2026, 3, 6, 13, 0, tzinfo=UTC)
    late = datetime(2026, 3, 6, 15, 30, tzinfo=UTC)  # Friday 16:30: 30m left, then Monday 09:00
    due = policy.deadlines(priority=sx.Priority.NORMAL, platform="x", opened_at=late)
    assert due.first_response == datetime(2026, 3, 9, 9, 30, tzinfo=UTC)  # Monday 10:30 Berlin


@given(sxst.business_calendars(), sxst.aware_datetimes(), sxst.durations(max_days=3))
def test_calendar_add_is_monotonic_and_lands_in_open_time(
    calendar: sx.BusinessCalendar, start: datetime, span: timedelta
) -> None:
    """The deadline is never before start, and it falls inside (or at the end of) open hours."""
    if not calendar.always_open and len(calendar.hours) == 0:
        return
    due = calendar.add(start, span)
    assert due >= start + (span if calendar.always_open else timedelta(0))
    if not calendar.always_open:
        assert calendar.is_open(due - timedelta(microseconds=1))


def test_brand_and_employee_accounts_are_recognised() -> None:
    """Brand accounts match by handle; employees by handle, case-insensitively."""
    policy = sx.Policy.from_toml_text(POLICY)
    brand = sx.Author(platform="mastodon", native_id="9", handle="@ACME@social.example")
    jo = sx.Author(platform="x", native_id="5", handle="Jo_At_Acme")
    other = sx.Author(platform="x", native_id="6", handle="dana")
    assert policy.is_brand(brand) and not policy.is_brand(other)
    assert policy.is_employee(jo) and not policy.is_employee(other)


@given(st.integers(min_value=1, max_value=10**7))
def test_duration_text_round_trips(seconds: int) -> None:
    """format_duration and parse_duration are inverses."""
    span = timedelta(seconds=seconds)
    assert parse_duration(format_duration(span)) == span


@pytest.mark.parametrize("text", ["", "5", "5x", "m5", "1h-5m", "soon"])
def test_bad_durations(text: str) -> None:
    """Anything but number+unit runs is refused."""
    with pytest.raises(sx.errors.ValidationError):
        parse_duration(text)
