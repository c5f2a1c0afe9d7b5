"""RetryPolicy: honours the server's wait, backs off otherwise, never sleeps in tests."""

from __future__ import annotations

import asyncio
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from socialcx.channels import RetryPolicy
from socialcx.errors import (
    AuthExpired,
    PermanentChannelError,
    RateLimited,
    TransientChannelError,
    ValidationError,
)
from socialcx.testing import FakeClock, FakeSleep


def _flaky(errors: list[Exception]) -> tuple[list[int], object]:
    calls: list[int] = []

    async def fn() -> str:
        calls.append(1)
        if errors:
            raise errors.pop(0)
        return "done"

    return calls, fn


def test_rate_limit_waits_as_the_server_says() -> None:
    """A RateLimited(retry_after=45) waits 45 s, longer than the backoff."""
    sleep = FakeSleep()
    calls, fn = _flaky([RateLimited("slow down", retry_after=45)])
    result = asyncio.run(RetryPolicy(jitter=0).call(fn, sleep=sleep))  # type: ignore[arg-type]
    assert result == "done"
    assert sleep.waits == [45.0]
    assert len(calls) == 2


def test_a_lambda_returning_a_coroutine_is_awaited_and_retried() -> None:
    """call() awaits what fn returns, so ``lambda: channel.fetch(cursor)`` works."""
    sleep = FakeSleep()
    calls, fn = _flaky([TransientChannelError("503")])
    result = asyncio.run(RetryPolicy(jitter=0).call(lambda: fn(), sleep=sleep))  # type: ignore[operator]
    assert result == "done"
    assert len(calls) == 2


def test_transient_errors_back_off_exponentially() -> None:
    """Transient failures wait initial, initial*m, initial*m^2 ... capped at maximum."""
    sleep = FakeSleep()
    errors: list[Exception] = [TransientChannelError("503") for _ in range(4)]
    _, fn = _flaky(errors)
    policy = RetryPolicy(attempts=5, initial=2, multiplier=3, maximum=30, jitter=0)
    asyncio.run(policy.call(fn, sleep=sleep))  # type: ignore[arg-type]
    assert sleep.waits == [2, 6, 18, 30]


def test_gives_up_after_attempts_and_reraises_the_last_error() -> None:
    """After the last attempt the original error comes out unchanged."""
    sleep = FakeSleep()
    last = TransientChannelError("still down")
    _, fn = _flaky([TransientChannelError("down"), TransientChannelError("down"), last])
    with pytest.raises(TransientChannelError) as caught:
        asyncio.run(RetryPolicy(attempts=3, jitter=0).call(fn, sleep=sleep))  # type: ignore[arg-type]
    assert caught.value is last
    assert len(sleep.waits) == 2


@pytest.mark.parametrize("error", [AuthExpired("expired"), PermanentChannelError("422")])
def test_auth_and_permanent_errors_are_not_retried(error: Exception) -> None:
    """Retrying cannot fix expired tokens or refused requests, so they fail at once."""
    sleep = FakeSleep()
    calls, fn = _flaky([error])
    with pytest.raises(type(error)):
        asyncio.run(RetryPolicy().call(fn, sleep=sleep))  # type: ignore[arg-type]
    assert len(calls) == 1
    assert sleep.waits == []


def test_a_very_long_server_wait_is_not_slept_through() -> None:
    """A wait beyond max_server_wait re-raises so the runtime can park the channel."""
    sleep = FakeSleep()
    calls, fn = _flaky([RateLimited("daily quota", retry_after=86_400)])
    with pytest.raises(RateLimited):
        asyncio.run(RetryPolicy(max_server_wait=900).call(fn, sleep=sleep))  # type: ignore[arg-type]
    assert len(calls) == 1


def test_fake_sleep_advances_the_clock() -> None:
    """With a FakeSleep on a FakeClock, retry waits pass on the clock, not in real time."""
    clock = FakeClock()
    start = clock.now()
    sleep = FakeSleep(clock=clock)
    _, fn = _flaky([RateLimited("wait", retry_after=60), TransientChannelError("x")])
    asyncio.run(RetryPolicy(initial=1, jitter=0).call(fn, sleep=sleep))  # type: ignore[arg-type]
    assert (clock.now() - start).total_seconds() == 60 + 2


def test_sync_retrying_uses_the_same_rules() -> None:
    """The synchronous tenacity object honours retry_after too."""
    waits: list[float] = []
    attempts = {"n": 0}

    def fn() -> str:
        attempts["n"] += 1
        if attempts["n"] == 1:
            raise RateLimited("wait", retry_after=12)
        return "ok"

    retrying = RetryPolicy(jitter=0).retrying(sleep=waits.append)
    assert retrying(fn) == "ok"
    assert waits == [12]


def test_seeded_jitter_is_repeatable() -> None:
    """The same seed gives the same jittered waits."""
    policy = RetryPolicy(jitter=5)
    a = [policy.backoff(n, rng=random.Random(7)) for n in range(1, 4)]
    b = [policy.backoff(n, rng=random.Random(7)) for n in range(1, 4)]
    assert a == b


@given(
    attempt=st.integers(min_value=1, max_value=30),
    server=st.floats(min_value=0, max_value=900),
    jitter=st.floats(min_value=0, max_value=10),
)
def test_wait_is_never_shorter_than_the_server_asked(
    attempt: int, server: float, jitter: float
) -> None:
    """Whatever the attempt and jitter, the wait covers the server's retry_after."""
    policy = RetryPolicy(jitter=jitter)
    error = RateLimited("x", retry_after=server)
    wait = policy.wait_for(attempt, error, rng=random.Random(0))
    assert wait >= server
    assert wait <= max(server, policy.maximum + jitter)


@pytest.mark.parametrize(
    ("field", "value"),
    [("attempts", 0), ("initial", 0), ("multiplier", -1), ("jitter", -0.5), ("retry_on", (int,))],
)
def test_bad_configuration_names_the_field(field: str, value: object) -> None:
    """An invalid policy is refused with the field named."""
    with pytest.raises(ValidationError) as caught:
        RetryPolicy(**{field: value})  # type: ignore[arg-type]
    assert caught.value.field == field
