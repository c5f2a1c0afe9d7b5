"""The errors socialcx raises, as one tree.

Local misuse (bad input, an illegal transition) and remote failure (a network
said no) are different branches, so a caller can catch exactly what it can
handle::

    SocialCXError
    ├── ValidationError            bad input; names the field (also a ValueError)
    │   ├── InvalidMention         a mention (or its author/channel) that cannot exist
    │   └── ConfigError            a policy or playbook file; names the key
    ├── InvalidTransition          a case or message event the state table forbids
    ├── SerializationError         a dict/JSON that does not match a type
    │   └── SchemaVersionError     data written by a newer socialcx
    ├── ChannelError               a network or channel adapter failed
    │   ├── RateLimited            wait ``retry_after`` seconds, then try again
    │   ├── AuthError              credentials rejected
    │   │   └── AuthExpired        a token expired; reauthorize or refresh
    │   ├── TransientChannelError  worth retrying (5xx, timeouts, resets)
    │   ├── PermanentChannelError  retrying will not help (4xx, closed DM window)
    │   └── InvalidPayload         a response or webhook that cannot be parsed; keeps the raw body
    ├── PolicyViolation            a reply the policy gate refused to let out
    └── StoreError                 persistence failed, or a store file is unusable
        └── ConcurrentUpdate       someone else changed the record meanwhile; retry

Messages never include secrets: adapters pass only non-secret context.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "AuthError",
    "AuthExpired",
    "ChannelError",
    "ConcurrentUpdate",
    "ConfigError",
    "InvalidMention",
    "InvalidPayload",
    "InvalidTransition",
    "PermanentChannelError",
    "PolicyViolation",
    "RateLimited",
    "SchemaVersionError",
    "SerializationError",
    "SocialCXError",
    "StoreError",
    "TransientChannelError",
    "ValidationError",
]


class SocialCXError(Exception):
    """Base class of every error socialcx raises on purpose."""


class ValidationError(SocialCXError, ValueError):
    """Input that cannot form a valid value.

    Attributes:
        field: The name (or dotted path) of the offending field, when known.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class InvalidMention(ValidationError):
    """A mention, or the author or channel inside it, that cannot exist."""


class ConfigError(ValidationError):
    """A policy or playbook that does not load; ``field`` is the key path."""


class InvalidTransition(SocialCXError):
    """An event that the state table does not allow from the current state.

    Attributes:
        state: The state the object was in.
        event: The name of the event or action that was refused.
    """

    def __init__(self, message: str, *, state: str, event: str) -> None:
        super().__init__(message)
        self.state = state
        self.event = event


class SerializationError(SocialCXError):
    """Serialized data that does not match the type it should become."""


class SchemaVersionError(SerializationError):
    """Data written by a newer version of socialcx than this one understands."""


class ChannelError(SocialCXError):
    """A channel adapter or the network behind it failed.

    Attributes:
        platform: The network, when known.
        status: The HTTP status, when there was one.
    """

    def __init__(
        self, message: str, *, platform: str | None = None, status: int | None = None
    ) -> None:
        super().__init__(message)
        self.platform = platform
        self.status = status


class RateLimited(ChannelError):
    """The network asked us to slow down.

    Attributes:
        retry_after: Seconds to wait before the next request, as the server said
            (or a conservative default when it said nothing usable).
    """

    def __init__(
        self,
        message: str,
        *,
        retry_after: float,
        platform: str | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message, platform=platform, status=status)
        self.retry_after = max(0.0, float(retry_after))


class AuthError(ChannelError):
    """Credentials were rejected (revoked token, missing scope)."""


class AuthExpired(AuthError):
    """A token expired: a health state (reauthorization needed), not a crash."""


class TransientChannelError(ChannelError):
    """A failure worth retrying with backoff: 5xx, timeouts, connection resets."""


class PermanentChannelError(ChannelError):
    """A failure that retrying will not fix: validation, not found, closed window."""


class InvalidPayload(ChannelError):
    """A response or webhook body that cannot be parsed into mentions.

    Attributes:
        raw: The raw body, kept so nothing is lost (goes to the dead letters).
    """

    def __init__(
        self,
        message: str,
        *,
        raw: bytes | str,
        platform: str | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message, platform=platform, status=status)
        self.raw = raw

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r}, raw=<{len(self.raw)} bytes>)"


class PolicyViolation(SocialCXError):
    """A reply the policy gate refused.

    Attributes:
        codes: The stable reason codes that refused it.
    """

    def __init__(self, message: str, *, codes: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.codes = tuple(codes)


class StoreError(SocialCXError):
    """Persistence failed, or a store file is corrupt or from a newer version."""


class ConcurrentUpdate(StoreError):
    """Someone else changed the record since it was read; read it again and retry.

    Args:
        key: The record (a case id, a message id).
    """

    def __init__(self, message: str, *, key: str) -> None:
        super().__init__(message)
        self.key = key
