"""Channels: the adapter protocol and what every adapter shares.

A channel connects one brand account on one network to socialcx. This package
holds the :class:`Channel` protocol and its values (:class:`Page`,
:class:`Delivery`, :class:`ChannelHealth`), the HTTP helpers that map errors
and rate limits the same way for every network, the :class:`RetryPolicy`, and
registration by name. Adapters for individual networks live in their own
modules beside it; the in-memory :class:`socialcx.testing.FakeChannel` and the
conformance suite in :mod:`socialcx.testing.contract` hold them all to one
contract.
"""

from socialcx.channels._http import (
    DEFAULT_RETRY_AFTER,
    ERROR_CODES,
    BadSignature,
    RateLimitStatus,
    checked_request,
    error_codes,
    error_for_response,
    json_body,
    mapped_errors,
    parse_epoch_reset,
    parse_iso_reset,
    parse_meta_usage,
    parse_reddit_ratelimit,
    parse_retry_after,
    parse_seconds_reset,
    raise_for_response,
    rate_limit_status,
    request_json,
    retry_after_seconds,
    sign_base64,
    sign_hex,
    until_pacific_midnight,
    verify_signature,
)
from socialcx.channels._protocol import (
    HEALTH_TRANSITIONS,
    Channel,
    ChannelHealth,
    Cursor,
    Delivery,
    HealthEvent,
    HealthMonitor,
    MessageRefused,
    Page,
    WebhookChannel,
    check_outbound,
    health_event,
)
from socialcx.channels._registry import (
    ENTRY_POINT_GROUP,
    ChannelFactory,
    ChannelRegistry,
    available_channels,
    load_channel,
    register,
    registry,
)
from socialcx.channels._retry import RetryPolicy

__all__ = [
    "DEFAULT_RETRY_AFTER",
    "ENTRY_POINT_GROUP",
    "ERROR_CODES",
    "HEALTH_TRANSITIONS",
    "BadSignature",
    "Channel",
    "ChannelFactory",
    "ChannelHealth",
    "ChannelRegistry",
    "Cursor",
    "Delivery",
    "HealthEvent",
    "HealthMonitor",
    "MessageRefused",
    "Page",
    "RateLimitStatus",
    "RetryPolicy",
    "WebhookChannel",
    "available_channels",
    "check_outbound",
    "checked_request",
    "error_codes",
    "error_for_response",
    "health_event",
    "json_body",
    "load_channel",
    "mapped_errors",
    "parse_epoch_reset",
    "parse_iso_reset",
    "parse_meta_usage",
    "parse_reddit_ratelimit",
    "parse_retry_after",
    "parse_seconds_reset",
    "raise_for_response",
    "rate_limit_status",
    "register",
    "registry",
    "request_json",
    "retry_after_seconds",
    "sign_base64",
    "sign_hex",
    "until_pacific_midnight",
    "verify_signature",
]
