"""HTTP helpers shared by every adapter: error mapping, rate-limit parsing, signatures.

One place maps transport failures and HTTP answers onto the error tree, by
structure (status codes and the error codes inside JSON bodies), never by
matching message strings::

    httpx.TimeoutException, httpx.TransportError  -> TransientChannelError
    429, or a rate-limit code in the body          -> RateLimited(retry_after)
    401, or an expired-token code                  -> AuthError / AuthExpired
    5xx, or a transient code (Meta is_transient)   -> TransientChannelError
    other 4xx                                      -> PermanentChannelError
    2xx body that is not JSON                      -> InvalidPayload(raw)
    YouTube quotaExceeded                          -> RateLimited until midnight Pacific

Every parser takes ``now`` as an argument and reads no clock.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import re
from collections.abc import Iterator, Mapping
from datetime import datetime, time, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any

import attrs
import httpx

from socialcx.channels._protocol import HealthMonitor
from socialcx.errors import (
    AuthError,
    AuthExpired,
    ChannelError,
    InvalidPayload,
    PermanentChannelError,
    RateLimited,
    TransientChannelError,
)

#: Seconds to wait on a rate limit when the server names no usable wait.
DEFAULT_RETRY_AFTER = 60.0

#: Error codes found inside JSON bodies, by network, mapped to the error tree.
#: Keys are (platform, code); ``"*"`` matches any platform.
ERROR_CODES: dict[tuple[str, str], type[ChannelError]] = {
    # Bluesky XRPC {"error": "..."}
    ("*", "ExpiredToken"): AuthExpired,
    ("*", "InvalidToken"): AuthError,
    ("*", "AuthRequired"): AuthError,
    ("*", "RateLimitExceeded"): RateLimited,
    ("*", "InvalidRequest"): PermanentChannelError,
    ("*", "InvalidSwap"): PermanentChannelError,
    ("*", "MessagesDisabled"): PermanentChannelError,
    ("*", "NotFollowedBySender"): PermanentChannelError,
    ("*", "BlockedActor"): PermanentChannelError,
    ("*", "RecipientNotFound"): PermanentChannelError,
    ("*", "ConvoLocked"): PermanentChannelError,
    # Reddit {"json": {"errors": [["CODE", "text", "field"]]}}
    ("*", "RATELIMIT"): RateLimited,
    ("*", "THREAD_LOCKED"): PermanentChannelError,
    ("*", "DELETED_COMMENT"): PermanentChannelError,
    ("*", "TOO_OLD"): PermanentChannelError,
    ("*", "USER_DOESNT_EXIST"): PermanentChannelError,
    ("*", "NOT_WHITELISTED_BY_USER_MESSAGE"): PermanentChannelError,
    # YouTube {"error": {"errors": [{"reason": "..."}]}}
    ("*", "rateLimitExceeded"): RateLimited,
    ("*", "userRateLimitExceeded"): RateLimited,
    ("*", "quotaExceeded"): RateLimited,
    ("*", "backendError"): TransientChannelError,
    ("*", "commentsDisabled"): PermanentChannelError,
    ("*", "forbidden"): PermanentChannelError,
    ("*", "ineligibleAccount"): PermanentChannelError,
    ("*", "videoNotFound"): PermanentChannelError,
    ("*", "commentNotFound"): PermanentChannelError,
    # X problem+json {"type": "https://api.x.com/2/problems/<code>"}
    ("*", "rate-limit-exceeded"): RateLimited,
    ("*", "usage-capped"): RateLimited,
    # Meta {"error": {"code": N, "is_transient": bool}}
    ("meta", "1"): TransientChannelError,
    ("meta", "2"): TransientChannelError,
    ("meta", "4"): RateLimited,
    ("meta", "17"): RateLimited,
    ("meta", "32"): RateLimited,
    ("meta", "341"): RateLimited,
    ("meta", "368"): RateLimited,
    ("meta", "613"): RateLimited,
    ("meta", "190"): AuthExpired,
    ("meta", "10"): PermanentChannelError,
    ("meta", "100"): PermanentChannelError,
    ("meta", "506"): PermanentChannelError,
    ("meta", "551"): PermanentChannelError,
}

_REDDIT_WAIT = re.compile(r"(\d+(?:\.\d+)?)\s*(second|minute|hour)s?", re.IGNORECASE)
_UNIT_SECONDS = {"second": 1.0, "minute": 60.0, "hour": 3600.0}
_EPOCH_FLOOR = 1_000_000_000  # a number this large is a point in time, not a duration


@attrs.frozen(kw_only=True)
class RateLimitStatus:
    """The budget a response reports, normalized across networks.

    Args:
        limit: Requests allowed in the window, when given.
        remaining: Requests left in the window, when given.
        reset_after: Seconds until the window resets, when given.
        usage: The highest usage percentage reported (Meta), when given.
    """

    limit: int | None = None
    remaining: int | None = None
    reset_after: float | None = None
    usage: float | None = None

    @property
    def exhausted(self) -> bool:
        """No request left before the reset (or Meta usage at 100 %)."""
        return self.remaining == 0 or (self.usage is not None and self.usage >= 100)


def _to_float(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        number = float(value.strip())
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None


def _to_int(value: str | None) -> int | None:
    number = _to_float(value)
    return None if number is None else int(number)


def _until(moment: datetime, now: datetime) -> float:
    return max(0.0, (moment - now).total_seconds())


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """``Retry-After``: delay seconds or an HTTP date (RFC 9110)."""
    if value is None:
        return None
    seconds = _to_float(value)
    if seconds is not None:
        return max(0.0, seconds)
    try:
        moment = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        return None
    return _until(moment, now)


def parse_iso_reset(value: str | None, now: datetime) -> float | None:
    """Mastodon's ``X-RateLimit-Reset``: an ISO 8601 timestamp."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return _until(moment, now)


def parse_epoch_reset(value: str | None, now: datetime) -> float | None:
    """X's ``x-rate-limit-reset`` and Bluesky's ``RateLimit-Reset``: epoch seconds."""
    seconds = _to_float(value)
    if seconds is None:
        return None
    return max(0.0, seconds - now.timestamp())


def parse_seconds_reset(value: str | None) -> float | None:
    """Reddit's ``X-Ratelimit-Reset``: seconds until the window ends."""
    seconds = _to_float(value)
    return None if seconds is None else max(0.0, seconds)


def parse_meta_usage(headers: Mapping[str, str]) -> RateLimitStatus | None:
    """Meta's ``X-App-Usage`` and ``X-Business-Use-Case-Usage`` JSON headers.

    Returns:
        The highest usage percentage and, from the business header, the
        longest ``estimated_time_to_regain_access`` (minutes) in seconds.
    """
    usages: list[float] = []
    regain: list[float] = []
    for name in ("x-app-usage", "x-ad-account-usage", "x-page-usage"):
        data = _json_header(headers, name)
        if isinstance(data, dict):
            usages.extend(_percentages(data))
    business = _json_header(headers, "x-business-use-case-usage")
    if isinstance(business, dict):
        for entries in business.values():
            for entry in entries if isinstance(entries, list) else [entries]:
                if not isinstance(entry, dict):
                    continue
                usages.extend(_percentages(entry))
                minutes = entry.get("estimated_time_to_regain_access")
                if isinstance(minutes, int | float) and not isinstance(minutes, bool):
                    regain.append(max(0.0, float(minutes)) * 60.0)
    if not usages and not regain:
        return None
    return RateLimitStatus(
        usage=max(usages) if usages else None,
        reset_after=max(regain) if regain and max(regain) > 0 else None,
    )


def _json_header(headers: Mapping[str, str], name: str) -> Any:
    value = _header(headers, name)
    if value is None:
        return None
    try:
        return json.loads(value)
    except ValueError:
        return None


def _percentages(data: Mapping[str, Any]) -> list[float]:
    keys = ("call_count", "total_cputime", "total_time", "acc_id_util_pct")
    return [
        float(data[k])
        for k in keys
        if isinstance(data.get(k), int | float) and not isinstance(data.get(k), bool)
    ]


def _header(headers: Mapping[str, str], name: str) -> str | None:
    if isinstance(headers, httpx.Headers):
        found: str | None = headers.get(name)
        return found
    lowered = name.lower()
    for key, value in headers.items():
        if key.lower() == lowered:
            return value
    return None


def parse_reddit_ratelimit(body: Any) -> float | None:
    """The ``RATELIMIT`` error Reddit puts inside a 200 body, as seconds to wait.

    Reddit says the wait only in prose ("try again in 6 minutes"), so the
    number and unit are read from it once the error code says it is a rate
    limit; an unreadable wait gives :data:`DEFAULT_RETRY_AFTER`.
    """
    for code, text, _ in _reddit_errors(body):
        if code == "RATELIMIT":
            match = _REDDIT_WAIT.search(text)
            if match is None:
                return DEFAULT_RETRY_AFTER
            return float(match.group(1)) * _UNIT_SECONDS[match.group(2).lower()]
    return None


def _reddit_errors(body: Any) -> list[tuple[str, str, str]]:
    if not isinstance(body, dict):
        return []
    inner = body.get("json")
    errors = inner.get("errors") if isinstance(inner, dict) else None
    found: list[tuple[str, str, str]] = []
    for item in errors if isinstance(errors, list) else []:
        if isinstance(item, list) and item and isinstance(item[0], str):
            text = item[1] if len(item) > 1 and isinstance(item[1], str) else ""
            field = item[2] if len(item) > 2 and isinstance(item[2], str) else ""
            found.append((item[0], text, field))
    return found


def rate_limit_status(headers: Mapping[str, str], now: datetime) -> RateLimitStatus | None:
    """Read whichever rate-limit headers a response carries.

    Header names tell the networks apart; ``X-RateLimit-Reset`` is ISO time on
    Mastodon and seconds-from-now on Reddit, told apart by the value's shape
    (a number above 10^9 is taken as an epoch).
    """
    meta = parse_meta_usage(headers)
    for prefix in ("x-rate-limit-", "ratelimit-", "x-ratelimit-"):
        limit = _to_int(_header(headers, prefix + "limit"))
        remaining = _to_int(_header(headers, prefix + "remaining"))
        reset_raw = _header(headers, prefix + "reset")
        if limit is None and remaining is None and reset_raw is None:
            continue
        return RateLimitStatus(
            limit=limit,
            remaining=remaining,
            reset_after=_reset_seconds(prefix, reset_raw, now),
            usage=meta.usage if meta else None,
        )
    return meta


def _reset_seconds(prefix: str, value: str | None, now: datetime) -> float | None:
    if value is None:
        return None
    if prefix in ("x-rate-limit-", "ratelimit-"):
        return parse_epoch_reset(value, now)
    number = _to_float(value)
    if number is None:
        return parse_iso_reset(value, now)
    if number >= _EPOCH_FLOOR:
        return parse_epoch_reset(value, now)
    return parse_seconds_reset(value)


def until_pacific_midnight(now: datetime) -> float:
    """Seconds until the next midnight in Los Angeles, when YouTube's daily quota resets."""
    try:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
    except ImportError:  # pragma: no cover - zoneinfo is stdlib since 3.9
        zone: Any = timezone(timedelta(hours=-8))
    else:
        try:
            zone = ZoneInfo("America/Los_Angeles")
        except ZoneInfoNotFoundError:  # no tz database: standard time is close enough
            zone = timezone(timedelta(hours=-8))
    local = now.astimezone(zone)
    midnight = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=zone)
    return _until(midnight, now)


def retry_after_seconds(
    headers: Mapping[str, str],
    now: datetime,
    *,
    body: Any = None,
    default: float = DEFAULT_RETRY_AFTER,
) -> float:
    """How long the server asked us to wait: ``Retry-After`` first, then reset headers.

    Args:
        headers: The response headers.
        now: The current time (the reset headers are absolute on some networks).
        body: The parsed JSON body, for waits written inside it (Reddit).
        default: The wait when nothing usable is present.
    """
    waits = [parse_retry_after(_header(headers, "retry-after"), now)]
    status = rate_limit_status(headers, now)
    if status is not None:
        waits.append(status.reset_after)
    waits.append(parse_reddit_ratelimit(body))
    known = [w for w in waits if w is not None]
    return max(known) if known else default


def error_codes(body: Any) -> list[str]:
    """The structured error codes in a JSON error body, across network shapes.

    Reads Bluesky/XRPC ``error``, Reddit ``json.errors[][0]``, YouTube
    ``error.errors[].reason``, X problem ``type`` (its last path segment) and
    Meta ``error.code`` (as a string).
    """
    if not isinstance(body, dict):
        return []
    codes: list[str] = [code for code, _, _ in _reddit_errors(body)]
    error = body.get("error")
    if isinstance(error, str):
        codes.append(error)
    elif isinstance(error, dict):
        code = error.get("code")
        if isinstance(code, int) and not isinstance(code, bool):
            codes.append(str(code))
        items = error.get("errors")
        codes.extend(
            item["reason"]
            for item in (items if isinstance(items, list) else [])
            if isinstance(item, dict) and isinstance(item.get("reason"), str)
        )
        status = error.get("status")
        if isinstance(status, str):
            codes.append(status)
    problem = body.get("type")
    if isinstance(problem, str) and "/problems/" in problem:
        codes.append(problem.rsplit("/", 1)[-1])
    items = body.get("errors")
    codes.extend(
        item["type"].rsplit("/", 1)[-1]
        for item in (items if isinstance(items, list) else [])
        if isinstance(item, dict) and isinstance(item.get("type"), str)
    )
    return codes


def _is_transient_flag(body: Any) -> bool:
    error = body.get("error") if isinstance(body, dict) else None
    return isinstance(error, dict) and error.get("is_transient") is True


def _parse_json(response: httpx.Response) -> Any:
    if not response.content:
        return None
    try:
        return json.loads(response.content)
    except ValueError:
        return None


def _code_class(platform: str, codes: list[str]) -> type[ChannelError] | None:
    for code in codes:
        kind = ERROR_CODES.get((platform, code)) or ERROR_CODES.get(("*", code))
        if kind is not None:
            return kind
    return None


def error_for_response(
    response: httpx.Response,
    *,
    platform: str,
    now: datetime,
    codes: Mapping[str, type[ChannelError]] | None = None,
) -> ChannelError | None:
    """The error a response stands for, or ``None`` when it is a success.

    A 2xx response can still be an error: Reddit reports write throttles
    inside a 200 body.

    Args:
        response: The httpx response (its body is read).
        platform: The network, used in messages and for platform-specific codes.
        now: The current time, for absolute reset headers.
        codes: Extra error codes for this adapter, checked before
            :data:`ERROR_CODES`.
    """
    status = response.status_code
    body = _parse_json(response)
    found = error_codes(body)
    kind = None
    if codes:
        kind = next((codes[c] for c in found if c in codes), None)
    kind = kind or _code_class(platform, found)
    where = f"{platform}: HTTP {status}"
    label = f" ({', '.join(found)})" if found else ""
    if 200 <= status < 300 and kind is None:
        return None
    if status == 304 and kind is None:
        return None  # Not Modified: a conditional GET found nothing new (feeds)
    if 300 <= status < 400 and kind is None:
        return PermanentChannelError(
            f"{where}: unexpected redirect", platform=platform, status=status
        )
    if status == 429 or kind is RateLimited:
        wait = retry_after_seconds(response.headers, now, body=body)
        if "quotaExceeded" in found:
            wait = max(wait, until_pacific_midnight(now))
        return RateLimited(
            f"{where}: rate limited{label}; retry after {wait:g}s",
            retry_after=wait,
            platform=platform,
            status=status,
        )
    if kind is not None and kind is not PermanentChannelError:
        return kind(f"{where}{label}", platform=platform, status=status)
    if _is_transient_flag(body):
        return TransientChannelError(f"{where}: transient{label}", platform=platform, status=status)
    if status == 401:
        return AuthError(f"{where}: credentials rejected{label}", platform=platform, status=status)
    if status in (408, 425) or status >= 500:
        return TransientChannelError(f"{where}{label}", platform=platform, status=status)
    return PermanentChannelError(f"{where}{label}", platform=platform, status=status)


def raise_for_response(
    response: httpx.Response,
    *,
    platform: str,
    now: datetime,
    codes: Mapping[str, type[ChannelError]] | None = None,
) -> httpx.Response:
    """Raise the mapped error for ``response``, or return it when it is a success.

    Raises:
        ChannelError: The subclass :func:`error_for_response` chose.
    """
    error = error_for_response(response, platform=platform, now=now, codes=codes)
    if error is not None:
        raise error
    return response


def json_body(response: httpx.Response, *, platform: str) -> Any:
    """The JSON body of a successful response.

    Raises:
        InvalidPayload: The body is not JSON; it keeps the raw bytes.
    """
    try:
        return json.loads(response.content)
    except ValueError as exc:
        raise InvalidPayload(
            f"{platform}: HTTP {response.status_code} body is not JSON",
            raw=response.content,
            platform=platform,
            status=response.status_code,
        ) from exc


@contextlib.contextmanager
def mapped_errors(platform: str) -> Iterator[None]:
    """Map transport failures inside the block onto the error tree.

    Use it around every ``await client.request(...)``; the original httpx
    exception stays reachable as ``__cause__``. Secrets never reach the
    message: only the exception type and the request method and host are used.
    """
    try:
        yield
    except ChannelError:
        raise
    except httpx.TimeoutException as exc:
        raise TransientChannelError(
            f"{platform}: timed out ({type(exc).__name__}{_where(exc)})", platform=platform
        ) from exc
    except (httpx.UnsupportedProtocol, httpx.InvalidURL, httpx.TooManyRedirects) as exc:
        raise PermanentChannelError(
            f"{platform}: request cannot succeed ({type(exc).__name__}{_where(exc)})",
            platform=platform,
        ) from exc
    except httpx.DecodingError as exc:
        raise InvalidPayload(
            f"{platform}: response could not be decoded{_where(exc)}", raw=b"", platform=platform
        ) from exc
    except (httpx.TransportError, httpx.StreamError) as exc:
        raise TransientChannelError(
            f"{platform}: connection failed ({type(exc).__name__}{_where(exc)})",
            platform=platform,
        ) from exc
    except httpx.HTTPStatusError as exc:
        raise exc_from_status(exc, platform) from exc


def exc_from_status(exc: httpx.HTTPStatusError, platform: str) -> ChannelError:
    """Map an ``HTTPStatusError`` from ``response.raise_for_status()`` by its status."""
    status = exc.response.status_code
    if status == 429:
        return RateLimited(
            f"{platform}: HTTP 429", retry_after=DEFAULT_RETRY_AFTER, platform=platform, status=429
        )
    if status == 401:
        return AuthError(f"{platform}: HTTP 401", platform=platform, status=status)
    if status >= 500 or status in (408, 425):
        return TransientChannelError(f"{platform}: HTTP {status}", platform=platform, status=status)
    return PermanentChannelError(f"{platform}: HTTP {status}", platform=platform, status=status)


def _where(exc: Exception) -> str:
    try:
        request = getattr(exc, "request", None)
    except RuntimeError:
        return ""
    if not isinstance(request, httpx.Request):
        return ""
    return f" on {request.method} {request.url.host}"


# --- signatures -----------------------------------------------------------------

_ALGORITHMS = {"sha1", "sha256", "sha384", "sha512"}


def _digest(secret: str | bytes, body: bytes, algorithm: str) -> bytes:
    if algorithm not in _ALGORITHMS:
        raise ValueError(f"algorithm: {algorithm!r} is not one of {sorted(_ALGORITHMS)}")
    key = secret.encode("utf-8") if isinstance(secret, str) else secret
    return hmac.new(key, body, getattr(hashlib, algorithm)).digest()


def sign_hex(secret: str | bytes, body: bytes, *, algorithm: str = "sha256") -> str:
    """HMAC of ``body`` as lower-case hex (Meta, Mastodon admin webhooks, WebSub)."""
    return _digest(secret, body, algorithm).hex()


def sign_base64(secret: str | bytes, body: bytes, *, algorithm: str = "sha256") -> str:
    """HMAC of ``body`` in base64 (X webhooks and the X CRC ``response_token``)."""
    return base64.b64encode(_digest(secret, body, algorithm)).decode("ascii")


class BadSignature(InvalidPayload):
    """A webhook whose signature is missing or does not match; the body is kept."""


def verify_signature(
    secret: str | bytes,
    body: bytes,
    header: str | None,
    *,
    encoding: str = "hex",
    algorithm: str | None = "sha256",
    platform: str | None = None,
) -> None:
    """Check a ``<method>=<signature>`` header over the exact raw body, in constant time.

    Args:
        secret: The shared secret (app secret, consumer secret, hub secret).
        body: The raw request body, exactly as received.
        header: The header value, e.g. ``"sha256=ab12..."``; a bare signature
            without a method prefix is accepted too.
        encoding: ``"hex"`` or ``"base64"``.
        algorithm: The required method; ``None`` accepts whichever of sha1,
            sha256, sha384 or sha512 the header names (WebSub).
        platform: For the error.

    Raises:
        BadSignature: The header is missing, malformed or does not match. The
            message never includes the secret or the expected signature.
    """
    if encoding not in ("hex", "base64"):
        raise ValueError(f"encoding: {encoding!r} is not 'hex' or 'base64'")
    if not header:
        raise BadSignature("webhook signature header is missing", raw=body, platform=platform)
    method, sep, given = header.strip().partition("=")
    if not sep or method.lower() not in _ALGORITHMS:
        method, given = algorithm or "sha256", header.strip()
    method = method.lower()
    if algorithm is not None and method != algorithm:
        raise BadSignature(
            f"webhook signature uses {method!r}, expected {algorithm!r}",
            raw=body,
            platform=platform,
        )
    digest = _digest(secret, body, method)
    expected = digest.hex() if encoding == "hex" else base64.b64encode(digest).decode("ascii")
    given_norm = given.strip().lower() if encoding == "hex" else given.strip()
    if not hmac.compare_digest(expected.encode("ascii"), given_norm.encode("utf-8", "replace")):
        raise BadSignature("webhook signature does not match", raw=body, platform=platform)


def reset_at(seconds: float, now: datetime) -> datetime:
    """The moment a wait of ``seconds`` from ``now`` ends (for storing a parked channel)."""
    return now + timedelta(seconds=seconds)


async def checked_request(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    platform: str,
    now: datetime,
    health: HealthMonitor | None = None,
    codes: Mapping[str, type[ChannelError]] | None = None,
    **kwargs: Any,
) -> httpx.Response:
    """One request, with every failure mapped and its outcome reported to ``health``.

    This is the whole error path of an adapter in one call: transport errors
    through :func:`mapped_errors`, statuses and body codes through
    :func:`raise_for_response`.

    Args:
        client: The injected client (tests pass ``transport=httpx.MockTransport(...)``).
        method: The HTTP method.
        url: The URL.
        platform: The network, for errors.
        now: The current time, for absolute rate-limit resets.
        health: The adapter's monitor, told about success or the error.
        codes: Extra error codes for this adapter.
        **kwargs: Passed to ``client.request`` (``params``, ``json``, ``headers``...).

    Raises:
        ChannelError: The mapped error.
    """
    try:
        with mapped_errors(platform):
            response = await client.request(method, url, **kwargs)
        raise_for_response(response, platform=platform, now=now, codes=codes)
    except Exception as exc:
        if health is not None:
            health.observe(exc)
        raise
    if health is not None:
        health.observe(None)
    return response


async def request_json(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    platform: str,
    now: datetime,
    health: HealthMonitor | None = None,
    codes: Mapping[str, type[ChannelError]] | None = None,
    **kwargs: Any,
) -> Any:
    """Like :func:`checked_request`, returning the parsed JSON body.

    Raises:
        InvalidPayload: The body is not JSON (also reported to ``health``).
        ChannelError: Any other mapped error.
    """
    response = await checked_request(
        client, method, url, platform=platform, now=now, health=health, codes=codes, **kwargs
    )
    try:
        return json_body(response, platform=platform)
    except InvalidPayload as exc:
        if health is not None:
            health.observe(exc)
        raise
