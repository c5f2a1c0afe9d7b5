"""What the gate says about a draft: a verdict made of reasons with stable codes.

The codes are part of the public API: dashboards count them, hosts translate
them, and ``socialcx lint --json`` prints them. A code is never renamed; a new
check gets a new code.
"""

from __future__ import annotations

import enum
from typing import Any

import attrs

from socialcx.errors import PolicyViolation, ValidationError


class ReasonCode(enum.Enum):
    """Why the gate did not simply allow a draft. The values are stable."""

    EMPTY_REPLY = "empty_reply"
    PRIVATE_DATA = "private_data"
    RETRACTION_DEMAND = "retraction_demand"
    CONDITIONAL_HELP = "conditional_help"
    ROBOTIC_PLACEHOLDER = "robotic_placeholder"
    TOO_LONG = "too_long"
    PUBLIC_REPLY_UNSUPPORTED = "public_reply_unsupported"
    PRIVATE_UNSUPPORTED = "private_unsupported"
    PRIVATE_START_NOT_ALLOWED = "private_start_not_allowed"
    PRIVATE_WINDOW_CLOSED = "private_window_closed"
    UNCERTIFIED_AGENT = "uncertified_agent"
    HIGH_REACH_AUTHOR = "high_reach_author"
    SENSITIVE_TOPIC = "sensitive_topic"
    CONTRADICTS_APPROVED_ANSWER = "contradicts_approved_answer"


class Severity(enum.Enum):
    """What a reason does to the verdict.

    ``REFUSE`` stops the reply; ``APPROVAL`` sends it to a certified role;
    ``FLAG`` marks a quality problem that a reviewer must look at, so it too
    sends the draft for approval rather than letting it out unseen.
    """

    REFUSE = "refuse"
    APPROVAL = "approval"
    FLAG = "flag"


#: The one table of what each reason does to the verdict.
SEVERITY: dict[ReasonCode, Severity] = {
    ReasonCode.EMPTY_REPLY: Severity.REFUSE,
    ReasonCode.PRIVATE_DATA: Severity.REFUSE,
    ReasonCode.RETRACTION_DEMAND: Severity.REFUSE,
    ReasonCode.CONDITIONAL_HELP: Severity.REFUSE,
    ReasonCode.TOO_LONG: Severity.REFUSE,
    ReasonCode.PUBLIC_REPLY_UNSUPPORTED: Severity.REFUSE,
    ReasonCode.PRIVATE_UNSUPPORTED: Severity.REFUSE,
    ReasonCode.PRIVATE_START_NOT_ALLOWED: Severity.REFUSE,
    ReasonCode.PRIVATE_WINDOW_CLOSED: Severity.REFUSE,
    ReasonCode.UNCERTIFIED_AGENT: Severity.APPROVAL,
    ReasonCode.HIGH_REACH_AUTHOR: Severity.APPROVAL,
    ReasonCode.SENSITIVE_TOPIC: Severity.APPROVAL,
    ReasonCode.ROBOTIC_PLACEHOLDER: Severity.FLAG,
    ReasonCode.CONTRADICTS_APPROVED_ANSWER: Severity.FLAG,
}


def _to_code(value: ReasonCode | str) -> ReasonCode:
    return value if isinstance(value, ReasonCode) else ReasonCode(value)


def _valid_span(inst: Reason, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if (
        not isinstance(value, tuple)
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        or not 0 <= value[0] <= value[1]
    ):
        raise ValidationError(
            f"Reason.span: expected (start, end) with 0 <= start <= end, got {value!r}",
            field="span",
        )


@attrs.frozen(kw_only=True)
class Reason:
    """One finding about a draft.

    Args:
        code: The stable reason code.
        message: What is wrong and what to do instead, for the agent.
        span: The ``[start, end)`` of the draft text it concerns, or ``None``
            when it concerns the reply as a whole (the agent, the channel).
    """

    code: ReasonCode = attrs.field(converter=_to_code)
    message: str
    span: tuple[int, int] | None = attrs.field(default=None, validator=_valid_span)

    @property
    def severity(self) -> Severity:
        """What this reason does to the verdict."""
        return SEVERITY[self.code]

    def to_dict(self) -> dict[str, Any]:
        """Plain data, as ``socialcx lint --json`` prints it."""
        return {
            "code": self.code.value,
            "message": self.message,
            "span": None if self.span is None else [self.span[0], self.span[1]],
        }


@attrs.frozen(kw_only=True)
class Allowed:
    """The draft may go out as it is."""

    name = "allowed"

    @property
    def reasons(self) -> tuple[Reason, ...]:
        """Always empty: an allowed draft has nothing to report."""
        return ()

    @property
    def codes(self) -> tuple[str, ...]:
        """Always empty."""
        return ()

    def to_dict(self) -> dict[str, Any]:
        """Plain data, as ``socialcx lint --json`` prints it."""
        return {"verdict": self.name, "reasons": []}


@attrs.frozen(kw_only=True)
class NeedsApproval:
    """The draft may go out once someone with ``role`` approves it.

    Args:
        role: The certification or team that may approve.
        reasons: Why approval is needed.
    """

    name = "needs_approval"

    role: str
    reasons: tuple[Reason, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        """The reason codes, in order."""
        return tuple(r.code.value for r in self.reasons)

    def to_dict(self) -> dict[str, Any]:
        """Plain data, as ``socialcx lint --json`` prints it (plus the role)."""
        return {
            "verdict": self.name,
            "role": self.role,
            "reasons": [r.to_dict() for r in self.reasons],
        }


@attrs.frozen(kw_only=True)
class Refused:
    """The draft must not go out; each reason says what to do instead.

    ``reasons`` holds every finding, including those that alone would only
    have needed approval, so the agent fixes everything in one pass.
    """

    name = "refused"

    reasons: tuple[Reason, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        """The reason codes, in order."""
        return tuple(r.code.value for r in self.reasons)

    def error(self) -> PolicyViolation:
        """A :class:`~socialcx.errors.PolicyViolation` to raise where a reply is sent."""
        refusing = [r for r in self.reasons if r.severity is Severity.REFUSE]
        message = "; ".join(f"{r.code.value}: {r.message}" for r in refusing)
        return PolicyViolation(f"reply refused: {message}", codes=self.codes)

    def to_dict(self) -> dict[str, Any]:
        """Plain data, as ``socialcx lint --json`` prints it."""
        return {"verdict": self.name, "reasons": [r.to_dict() for r in self.reasons]}


Verdict = Allowed | NeedsApproval | Refused


def verdict_from(reasons: tuple[Reason, ...], *, role: str) -> Verdict:
    """Combine reasons into one verdict: any refusal refuses, anything else needs ``role``."""
    if not reasons:
        return Allowed()
    if any(r.severity is Severity.REFUSE for r in reasons):
        return Refused(reasons=reasons)
    return NeedsApproval(role=role, reasons=reasons)
