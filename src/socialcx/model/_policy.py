"""Policy: service levels, brand and employee accounts, escalation, who may reply.

A policy is data. It loads from TOML strictly: an unknown key or a wrong type is
a :class:`~socialcx.errors.ConfigError` that names the key, so a typo never
passes silently.
"""

from __future__ import annotations

import os
import tomllib
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import attrs

from socialcx.errors import ConfigError
from socialcx.model import _checks as c
from socialcx.model._agent import Priority
from socialcx.model._calendar import BusinessCalendar
from socialcx.model._case import ServiceDeadlines
from socialcx.model._conditions import ROUTING_NAMES, Condition, ConditionError
from socialcx.model._mention import Author, ChannelRef

_MEMO_LIMIT = 1024


@attrs.frozen(kw_only=True)
class AccountRef:
    """An account on a network, by handle or native id (employees, partners)."""

    platform: str = attrs.field(validator=c.platform_name)
    handle: str | None = attrs.field(default=None, validator=c.optional_non_empty_str)
    native_id: str | None = attrs.field(default=None, validator=c.optional_non_empty_str)

    def __attrs_post_init__(self) -> None:
        if self.handle is None and self.native_id is None:
            c.fail(self, "handle", "an account needs a handle or a native_id")

    def matches(self, author: Author) -> bool:
        """Whether ``author`` is this account (handles compare case-insensitively)."""
        if author.platform != self.platform:
            return False
        if self.native_id is not None and author.native_id == self.native_id:
            return True
        return self.handle is not None and (
            author.handle.lstrip("@").casefold() == self.handle.lstrip("@").casefold()
        )


@attrs.frozen(kw_only=True)
class ServiceLevel:
    """Response-time targets for cases of one priority on one network.

    ``priority`` or ``platform`` left out means "any"; the most specific level
    that matches a case applies.
    """

    first_response: timedelta = attrs.field(validator=c.positive_duration)
    next_response: timedelta | None = attrs.field(
        default=None, validator=c.optional_positive_duration
    )
    resolution: timedelta | None = attrs.field(default=None, validator=c.optional_positive_duration)
    priority: Priority | None = attrs.field(default=None)
    platform: str | None = attrs.field(default=None)
    business_hours: bool = attrs.field(default=False, validator=c.is_bool)

    @priority.validator
    def _check_priority(self, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None and not isinstance(value, Priority):
            c.fail(self, attribute.name, f"expected a priority, got {value!r}")

    @platform.validator
    def _check_platform(self, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None:
            c.platform_name(self, attribute, value)

    def specificity(self) -> int:
        """How many of priority and platform this level pins down."""
        return (self.priority is not None) + (self.platform is not None)


def _default_service_levels() -> tuple[ServiceLevel, ...]:
    return (
        ServiceLevel(
            priority=Priority.URGENT,
            first_response=timedelta(minutes=15),
            next_response=timedelta(minutes=30),
            resolution=timedelta(hours=4),
        ),
        ServiceLevel(
            priority=Priority.HIGH,
            first_response=timedelta(minutes=30),
            next_response=timedelta(hours=1),
            resolution=timedelta(hours=8),
        ),
        ServiceLevel(
            first_response=timedelta(hours=1),
            next_response=timedelta(hours=4),
            resolution=timedelta(hours=24),
        ),
    )


@attrs.frozen(kw_only=True)
class EscalationRule:
    """TaskRouter-style: after ``after`` without an agent, widen to ``target``.

    ``when`` is an optional condition in the routing rule language (for example
    ``priority >= "high" and platform == "x"``); the router parses it.
    """

    name: str = attrs.field(validator=c.non_empty_str)
    after: timedelta = attrs.field(validator=c.positive_duration)
    target: str = attrs.field(validator=c.non_empty_str)
    when: str | None = attrs.field(default=None, validator=c.optional_non_empty_str)

    @when.validator
    def _check_when(self, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None:
            try:
                Condition.parse(str(value), names=ROUTING_NAMES)
            except ConditionError as exc:
                c.fail(self, attribute.name, str(exc))

    def condition(self) -> Condition | None:
        """The parsed ``when``, or ``None`` when the step always applies."""
        return None if self.when is None else Condition.parse(self.when, names=ROUTING_NAMES)


@attrs.frozen(kw_only=True)
class ReplyRules:
    """Who may say what in public, and what needs approval first."""

    public_certification: str = attrs.field(default="social", validator=c.non_empty_str)
    approver_role: str = attrs.field(default="social_lead", validator=c.non_empty_str)
    approval_reach: int = attrs.field(default=10_000, validator=c.non_negative_int)
    approval_topics: frozenset[str] = attrs.field(
        factory=lambda: frozenset({"legal", "safety"}), converter=c.to_frozenset, validator=c.names
    )


@attrs.frozen(kw_only=True)
class RoutingRules:
    """Agent-safety, continuity and fairness knobs for the router.

    ``aging_step``: every step a case waits raises its effective priority by one
    rank, so old work is never starved by a stream of new urgent work.
    """

    hostile_certification: str = attrs.field(default="hostile", validator=c.non_empty_str)
    hostile_cap_per_shift: int = attrs.field(default=10, validator=c.non_negative_int)
    hostile_cooldown: timedelta = attrs.field(
        default=timedelta(minutes=15), validator=c.positive_duration
    )
    sticky_window: timedelta = attrs.field(
        default=timedelta(hours=24), validator=c.positive_duration
    )
    aging_step: timedelta = attrs.field(
        default=timedelta(minutes=30), validator=c.positive_duration
    )


@attrs.frozen(kw_only=True)
class Policy:
    """The company's rules for social customer care.

    Args:
        brand_accounts: The brand's own accounts: their posts never open cases.
        employee_accounts: Known employees' personal accounts.
        funnel_employees: Whether employees' conversations become cases
            (default: no; they are recorded as advocacy).
        service_levels: Response-time targets; the most specific match applies.
        calendar: Business hours for service levels that count only open time.
        escalation: Escalation steps, in order.
        replies: Who may reply in public and what needs approval.
        routing: Agent safety and sticky routing.
    """

    brand_accounts: tuple[ChannelRef, ...] = attrs.field(
        default=(), converter=c.to_tuple, validator=c.tuple_of(ChannelRef)
    )
    employee_accounts: tuple[AccountRef, ...] = attrs.field(
        default=(), converter=c.to_tuple, validator=c.tuple_of(AccountRef)
    )
    funnel_employees: bool = attrs.field(default=False, validator=c.is_bool)
    service_levels: tuple[ServiceLevel, ...] = attrs.field(
        factory=_default_service_levels, converter=c.to_tuple, validator=c.tuple_of(ServiceLevel)
    )
    calendar: BusinessCalendar = attrs.field(factory=BusinessCalendar)
    escalation: tuple[EscalationRule, ...] = attrs.field(
        default=(), converter=c.to_tuple, validator=c.tuple_of(EscalationRule)
    )
    replies: ReplyRules = attrs.field(factory=ReplyRules)
    routing: RoutingRules = attrs.field(factory=RoutingRules)
    # Derived lookups, rebuilt by ``attrs.evolve``; not part of equality or the file format.
    _brand_keys: frozenset[tuple[str, str]] = attrs.field(init=False, eq=False, repr=False)
    _level_memo: dict[tuple[Priority, str], ServiceLevel | None] = attrs.field(
        init=False, eq=False, repr=False, factory=dict
    )

    def __attrs_post_init__(self) -> None:
        keys = frozenset(
            (ref.platform, ref.account.lstrip("@").casefold()) for ref in self.brand_accounts
        )
        object.__setattr__(self, "_brand_keys", keys)

    # loading -----------------------------------------------------------------------------

    @classmethod
    def from_toml(cls, path: str | os.PathLike[str]) -> Policy:
        """Load a policy file; errors name the file and the key."""
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read policy file: {exc.strerror}") from exc
        return cls.from_toml_text(text, source=str(path))

    @classmethod
    def from_toml_text(cls, text: str, *, source: str = "policy") -> Policy:
        """Load a policy from TOML text."""
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{source}: not valid TOML: {exc}") from exc
        return cls.from_dict(data, source=source)

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, source: str = "policy") -> Policy:
        """Build a policy from plain data (TOML tables or JSON)."""
        from socialcx._serialization import structure_config

        return structure_config(data, cls, source=source)

    # reads -------------------------------------------------------------------------------

    def service_level(self, priority: Priority, platform: str) -> ServiceLevel | None:
        """The most specific service level for a case, or ``None`` when none applies."""
        memo = self._level_memo
        key = (priority, platform)
        if key in memo:
            return memo[key]
        if len(memo) >= _MEMO_LIMIT:
            memo.clear()  # platform names come from data: keep the memo bounded
        memo[key] = level = self._find_service_level(priority, platform)
        return level

    def _find_service_level(self, priority: Priority, platform: str) -> ServiceLevel | None:
        matches = [
            level
            for level in self.service_levels
            if level.priority in (None, priority) and level.platform in (None, platform)
        ]
        if not matches:
            return None
        return max(matches, key=ServiceLevel.specificity)

    def deadlines(
        self, *, priority: Priority, platform: str, opened_at: datetime
    ) -> ServiceDeadlines:
        """Service-level deadlines for a case opened at ``opened_at``."""
        level = self.service_level(priority, platform)
        if level is None:
            return ServiceDeadlines()

        def due(span: timedelta | None) -> datetime | None:
            if span is None:
                return None
            if level.business_hours:
                return self.calendar.add(opened_at, span)
            return opened_at + span

        return ServiceDeadlines(
            first_response=due(level.first_response),
            next_response=due(level.next_response),
            resolution=due(level.resolution),
        )

    def is_brand(self, author: Author) -> bool:
        """Whether ``author`` is one of the brand's accounts (or flagged as such)."""
        if author.is_brand:
            return True
        keys = self._brand_keys
        if not keys:
            return False
        platform = author.platform
        return (platform, author.handle.lstrip("@").casefold()) in keys or (
            platform,
            author.native_id.casefold(),
        ) in keys

    def is_employee(self, author: Author) -> bool:
        """Whether ``author`` is a known employee's personal account."""
        return author.is_employee or any(ref.matches(author) for ref in self.employee_accounts)
