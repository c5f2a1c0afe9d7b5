"""The domain model: frozen, keyword-only, validated value types.

Everything here is pure data with no I/O; engines take these values and return
new ones.
"""

from socialcx.model._agent import Agent, Capacity, Presence, Priority, WorkKind
from socialcx.model._calendar import (
    BusinessCalendar,
    OpeningHours,
    Weekday,
    format_duration,
    parse_duration,
)
from socialcx.model._capabilities import ChannelCapabilities, LengthUnit, graphemes
from socialcx.model._case import (
    CASE_EVENT_TYPES,
    TRANSITIONS,
    ApprovalDecided,
    ApprovalRequested,
    Assigned,
    Case,
    CaseAction,
    CaseEvent,
    CaseOpened,
    CaseState,
    DeadlinesSet,
    Escalated,
    IncidentLinked,
    MentionAttached,
    PriorityChanged,
    ReplySent,
    ServiceDeadlines,
    StateChanged,
    Triaged,
    Unassigned,
)
from socialcx.model._conditions import ROUTING_NAMES, Condition, ConditionError
from socialcx.model._incident import Incident, IncidentState
from socialcx.model._mention import Author, ChannelRef, Engagement, Mention, MentionKey, Visibility
from socialcx.model._outbound import MESSAGE_TRANSITIONS, MessageState, OutboundMessage
from socialcx.model._playbook import PlaybookStep, ResponsePlaybook, StepKind
from socialcx.model._policy import (
    AccountRef,
    EscalationRule,
    Policy,
    ReplyRules,
    RoutingRules,
    ServiceLevel,
)

__all__ = [
    "CASE_EVENT_TYPES",
    "MESSAGE_TRANSITIONS",
    "ROUTING_NAMES",
    "TRANSITIONS",
    "AccountRef",
    "Agent",
    "ApprovalDecided",
    "ApprovalRequested",
    "Assigned",
    "Author",
    "BusinessCalendar",
    "Capacity",
    "Case",
    "CaseAction",
    "CaseEvent",
    "CaseOpened",
    "CaseState",
    "ChannelCapabilities",
    "ChannelRef",
    "Condition",
    "ConditionError",
    "DeadlinesSet",
    "Engagement",
    "Escalated",
    "EscalationRule",
    "Incident",
    "IncidentLinked",
    "IncidentState",
    "LengthUnit",
    "Mention",
    "MentionAttached",
    "MentionKey",
    "MessageState",
    "OpeningHours",
    "OutboundMessage",
    "PlaybookStep",
    "Policy",
    "Presence",
    "Priority",
    "PriorityChanged",
    "ReplyRules",
    "ReplySent",
    "ResponsePlaybook",
    "RoutingRules",
    "ServiceDeadlines",
    "ServiceLevel",
    "StateChanged",
    "StepKind",
    "Triaged",
    "Unassigned",
    "Visibility",
    "Weekday",
    "WorkKind",
    "format_duration",
    "graphemes",
    "parse_duration",
]
