"""Retries as configuration: a frozen policy that builds tenacity retrying objects.

The policy honours the server's wait (:attr:`RateLimited.retry_after`) and
backs off exponentially otherwise. Sleeping is injected, so tests record the
waits instead of sleeping through them.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import attrs
import tenacity

from socialcx.errors import RateLimited, TransientChannelError, ValidationError

T = TypeVar("T")

AsyncSleep = Callable[[float], Awaitable[None]]
SyncSleep = Callable[[float], None]


def _positive(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ValidationError(
            f"{type(inst).__name__}.{attribute.name}: must be a positive number, got {value!r}",
            field=attribute.name,
        )


def _non_negative(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ValidationError(
            f"{type(inst).__name__}.{attribute.name}: must be a number >= 0, got {value!r}",
            field=attribute.name,
        )


def _attempts(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(
            f"{type(inst).__name__}.{attribute.name}: must be an integer >= 1, got {value!r}",
            field=attribute.name,
        )


def _error_types(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    ok = isinstance(value, tuple) and all(
        isinstance(t, type) and issubclass(t, BaseException) for t in value
    )
    if not ok:
        raise ValidationError(
            f"{type(inst).__name__}.{attribute.name}: must be a tuple of exception types",
            field=attribute.name,
        )


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """How a channel call is retried: which errors, how often, how long to wait.

    The wait before attempt *n + 1* is the larger of the server's
    ``retry_after`` (for :class:`~socialcx.errors.RateLimited`) and the
    exponential backoff ``initial * multiplier ** (n - 1)`` (capped at
    ``maximum``) plus up to ``jitter`` seconds. A server wait longer than
    ``max_server_wait`` is not slept through: the error is re-raised so the
    runtime can park the channel and serve others.

    Args:
        attempts: Total tries, the first included.
        initial: Backoff before the second try, in seconds.
        multiplier: Growth of the backoff per try.
        maximum: Cap on the backoff (not on the server's wait).
        jitter: Random extra seconds, spreading retries of many channels.
        max_server_wait: Longest server-requested wait to sleep through.
        retry_on: Error types worth another try; auth and permanent errors are
            not, because repeating them cannot help.
    """

    attempts: int = attrs.field(default=5, validator=_attempts)
    initial: float = attrs.field(default=1.0, validator=_positive)
    multiplier: float = attrs.field(default=2.0, validator=_positive)
    maximum: float = attrs.field(default=60.0, validator=_positive)
    jitter: float = attrs.field(default=1.0, validator=_non_negative)
    max_server_wait: float = attrs.field(default=900.0, validator=_non_negative)
    retry_on: tuple[type[BaseException], ...] = attrs.field(
        default=(TransientChannelError, RateLimited), validator=_error_types
    )

    def backoff(self, attempt: int, *, rng: random.Random | None = None) -> float:
        """The wait after failed attempt number ``attempt`` (1-based), ignoring the server."""
        base = min(self.maximum, self.initial * self.multiplier ** max(0, attempt - 1))
        extra = (rng or random).random() * self.jitter if self.jitter else 0.0
        return base + extra

    def wait_for(
        self, attempt: int, error: BaseException | None, *, rng: random.Random | None = None
    ) -> float:
        """The wait before the next try after ``error`` ended attempt ``attempt``."""
        wait = self.backoff(attempt, rng=rng)
        if isinstance(error, RateLimited):
            wait = max(wait, error.retry_after)
        return wait

    def should_retry(self, error: BaseException) -> bool:
        """Whether ``error`` is worth another try under this policy (attempts aside)."""
        if not isinstance(error, self.retry_on):
            return False
        return not (isinstance(error, RateLimited) and error.retry_after > self.max_server_wait)

    def _kwargs(self, rng: random.Random | None) -> dict[str, Any]:
        def wait(state: tenacity.RetryCallState) -> float:
            error = state.outcome.exception() if state.outcome else None
            return self.wait_for(state.attempt_number, error, rng=rng)

        return {
            "stop": tenacity.stop_after_attempt(self.attempts),
            "wait": wait,
            "retry": tenacity.retry_if_exception(self.should_retry),
            "reraise": True,
        }

    def async_retrying(
        self, *, sleep: AsyncSleep = asyncio.sleep, rng: random.Random | None = None
    ) -> tenacity.AsyncRetrying:
        """A tenacity ``AsyncRetrying`` for ``async for attempt in ...`` or ``await r(fn)``.

        Args:
            sleep: The coroutine that waits; tests pass one that records and returns.
            rng: Source of jitter; pass a seeded ``random.Random`` for repeatable waits.
        """
        return tenacity.AsyncRetrying(sleep=sleep, **self._kwargs(rng))

    def retrying(
        self, *, sleep: SyncSleep = time.sleep, rng: random.Random | None = None
    ) -> tenacity.Retrying:
        """A tenacity ``Retrying`` for synchronous code (same rules)."""
        return tenacity.Retrying(sleep=sleep, **self._kwargs(rng))

    async def call(
        self,
        fn: Callable[[], Awaitable[T]],
        *,
        sleep: AsyncSleep = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> T:
        """Await ``fn()`` under this policy and return its result.

        Raises:
            Exception: The last error, unchanged, once retrying stops.
        """

        async def attempt() -> T:
            return await fn()  # a lambda returning a coroutine is retried correctly too

        retrying = self.async_retrying(sleep=sleep, rng=rng)
        result: T = await retrying(attempt)
        return result
