"""HTTP helpers: rate-limit formats, error mapping by structure, signatures."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from socialcx.channels import (
    DEFAULT_RETRY_AFTER,
    BadSignature,
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
    retry_after_seconds,
    sign_base64,
    sign_hex,
    verify_signature,
)
from socialcx.errors import (
    AuthError,
    AuthExpired,
    InvalidPayload,
    PermanentChannelError,
    RateLimited,
    TransientChannelError,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
EPOCH_NOW = int(NOW.timestamp())


# --- rate-limit formats -------------------------------------------------------------


def test_retry_after_seconds_form() -> None:
    """Retry-After as delay seconds is read as is."""
    assert parse_retry_after("120", NOW) == 120.0


def test_retry_after_http_date_form() -> None:
    """Retry-After as an HTTP date is the time until that date."""
    assert parse_retry_after("Mon, 02 Mar 2026 09:01:30 GMT", NOW) == 90.0


@pytest.mark.parametrize("value", [None, "", "soon", "Mon, 99 Foo"])
def test_retry_after_garbage_is_none(value: str | None) -> None:
    """An unreadable Retry-After gives None, not an exception."""
    assert parse_retry_after(value, NOW) is None


def test_mastodon_iso_reset() -> None:
    """Mastodon's ISO 8601 X-RateLimit-Reset counts down to that moment."""
    assert parse_iso_reset("2026-03-02T09:05:00.000Z", NOW) == 300.0


def test_iso_reset_in_the_past_is_zero() -> None:
    """A reset already passed means no wait, never a negative one."""
    assert parse_iso_reset("2026-03-02T08:00:00+00:00", NOW) == 0.0


def test_x_and_bluesky_epoch_reset() -> None:
    """Epoch-second resets (X, Bluesky) count down from now."""
    assert parse_epoch_reset(str(EPOCH_NOW + 45), NOW) == 45.0


def test_reddit_seconds_from_now_reset() -> None:
    """Reddit's reset is already seconds-from-now (and may be a float)."""
    assert parse_seconds_reset("37.0") == 37.0


def test_reddit_ratelimit_inside_a_200_body() -> None:
    """Reddit's RATELIMIT error code gives the wait it states in its text."""
    body = {"json": {"errors": [["RATELIMIT", "try again in 6 minutes.", "ratelimit"]]}}
    assert parse_reddit_ratelimit(body) == 6 * 60


def test_reddit_ratelimit_without_a_number_uses_default() -> None:
    """A RATELIMIT with an unreadable wait falls back to the default wait."""
    body = {"json": {"errors": [["RATELIMIT", "slow down", "ratelimit"]]}}
    assert parse_reddit_ratelimit(body) == DEFAULT_RETRY_AFTER


def test_reddit_other_errors_are_not_rate_limits() -> None:
    """Other Reddit error codes are not mistaken for rate limits."""
    assert parse_reddit_ratelimit({"json": {"errors": [["THREAD_LOCKED", "", ""]]}}) is None


def test_meta_business_usage_regain_time() -> None:
    """Meta's estimated_time_to_regain_access (minutes) becomes seconds; usage is the max."""
    header = {
        "123": [
            {
                "type": "pages",
                "call_count": 97,
                "total_time": 40,
                "total_cputime": 12,
                "estimated_time_to_regain_access": 5,
            }
        ]
    }
    status = parse_meta_usage({"X-Business-Use-Case-Usage": json.dumps(header)})
    assert status is not None
    assert status.reset_after == 300.0
    assert status.usage == 97
    assert not status.exhausted


def test_meta_app_usage() -> None:
    """X-App-Usage at 100 % is exhausted, with no stated regain time."""
    usage = json.dumps({"call_count": 100, "total_time": 3, "total_cputime": 2})
    status = parse_meta_usage({"x-app-usage": usage})
    assert status is not None
    assert status.exhausted
    assert status.reset_after is None


def test_status_from_x_headers() -> None:
    """X's x-rate-limit-* headers give limit, remaining and an epoch reset."""
    headers = httpx.Headers(
        {
            "x-rate-limit-limit": "300",
            "x-rate-limit-remaining": "0",
            "x-rate-limit-reset": str(EPOCH_NOW + 600),
        }
    )
    status = rate_limit_status(headers, NOW)
    assert status is not None
    assert (status.limit, status.remaining, status.reset_after) == (300, 0, 600.0)
    assert status.exhausted


def test_status_from_bluesky_headers() -> None:
    """Bluesky's RateLimit-* headers use an epoch reset."""
    headers = {
        "RateLimit-Limit": "3000",
        "RateLimit-Remaining": "12",
        "RateLimit-Reset": str(EPOCH_NOW + 30),
        "RateLimit-Policy": "3000;w=300",
    }
    status = rate_limit_status(headers, NOW)
    assert status is not None
    assert (status.limit, status.remaining, status.reset_after) == (3000, 12, 30.0)


def test_x_ratelimit_reset_told_apart_by_shape() -> None:
    """X-RateLimit-Reset is ISO on Mastodon and seconds on Reddit; both read right."""
    mastodon = rate_limit_status({"X-RateLimit-Reset": "2026-03-02T09:02:00Z"}, NOW)
    reddit = rate_limit_status({"X-Ratelimit-Reset": "42", "X-Ratelimit-Remaining": "3.0"}, NOW)
    assert mastodon is not None
    assert reddit is not None
    assert mastodon.reset_after == 120.0
    assert reddit.reset_after == 42.0
    assert reddit.remaining == 3


def test_no_rate_limit_headers() -> None:
    """A response without rate-limit headers has no status."""
    assert rate_limit_status({"Content-Type": "application/json"}, NOW) is None


def test_retry_after_seconds_prefers_the_longest_stated_wait() -> None:
    """When several waits are stated the longest wins, so we never come back too early."""
    headers = {"Retry-After": "10", "RateLimit-Reset": str(EPOCH_NOW + 25)}
    assert retry_after_seconds(headers, NOW) == 25.0


def test_retry_after_seconds_default() -> None:
    """With nothing stated, the default wait applies."""
    assert retry_after_seconds({}, NOW, default=7.5) == 7.5


# --- error mapping ------------------------------------------------------------------


def _error(status: int, *, platform: str = "x", **kwargs: object) -> object:
    return error_for_response(httpx.Response(status, **kwargs), platform=platform, now=NOW)  # type: ignore[arg-type]


def test_success_is_no_error() -> None:
    """A 2xx with an ordinary body maps to no error."""
    assert _error(200, json={"data": []}) is None


def test_429_is_rate_limited_with_the_servers_wait() -> None:
    """A 429 becomes RateLimited carrying the wait from the headers."""
    error = _error(429, headers={"x-rate-limit-reset": str(EPOCH_NOW + 90)})
    assert isinstance(error, RateLimited)
    assert error.retry_after == 90.0
    assert error.status == 429
    assert error.platform == "x"


def test_reddit_200_with_ratelimit_is_rate_limited() -> None:
    """Reddit's throttle inside a 200 is still a RateLimited."""
    body = {"json": {"errors": [["RATELIMIT", "try again in 30 seconds.", "ratelimit"]]}}
    error = _error(200, platform="reddit", json=body)
    assert isinstance(error, RateLimited)
    assert error.retry_after == 30.0


def test_bluesky_expired_token_in_a_400_is_auth_expired() -> None:
    """Bluesky's 400 ExpiredToken maps by its code, not its status."""
    assert isinstance(_error(400, platform="bluesky", json={"error": "ExpiredToken"}), AuthExpired)


def test_meta_code_190_is_auth_expired() -> None:
    """Meta's error code 190 is an expired or revoked token."""
    body = {"error": {"code": 190, "type": "OAuthException", "message": "Session has expired"}}
    assert isinstance(_error(400, platform="meta", json=body), AuthExpired)


def test_meta_throttle_code_waits_for_regain_time() -> None:
    """Meta code 4 is a rate limit whose wait comes from the business-usage header."""
    usage = json.dumps({"9": [{"call_count": 100, "estimated_time_to_regain_access": 2}]})
    error = _error(
        403,
        platform="meta",
        json={"error": {"code": 4}},
        headers={"X-Business-Use-Case-Usage": usage},
    )
    assert isinstance(error, RateLimited)
    assert error.retry_after == 120.0


def test_meta_is_transient_flag() -> None:
    """A Meta error flagged is_transient is transient whatever its code."""
    body = {"error": {"code": 9999, "is_transient": True}}
    assert isinstance(_error(400, platform="meta", json=body), TransientChannelError)


def test_meta_codes_do_not_leak_to_other_networks() -> None:
    """Code 190 means nothing special outside Meta."""
    error = _error(400, platform="youtube", json={"error": {"code": 190}})
    assert type(error) is PermanentChannelError


def test_youtube_quota_reason_is_rate_limited() -> None:
    """YouTube's 403 quotaExceeded is a rate limit, not a permission problem."""
    body = {"error": {"code": 403, "errors": [{"reason": "quotaExceeded"}]}}
    assert isinstance(_error(403, platform="youtube", json=body), RateLimited)


def test_x_usage_capped_problem_is_rate_limited() -> None:
    """X's problem+json type names the problem; usage-capped is a rate limit."""
    body = {"type": "https://api.x.com/2/problems/usage-capped", "title": "Usage cap"}
    assert isinstance(_error(429, json=body), RateLimited)


@pytest.mark.parametrize("status", [500, 502, 503, 504, 408])
def test_server_errors_are_transient(status: int) -> None:
    """5xx and 408 are worth retrying."""
    assert isinstance(_error(status, text="oops"), TransientChannelError)


def test_401_is_auth_error() -> None:
    """A plain 401 is rejected credentials."""
    error = _error(401, json={"title": "Unauthorized"})
    assert isinstance(error, AuthError)
    assert not isinstance(error, AuthExpired)


@pytest.mark.parametrize("status", [400, 403, 404, 422])
def test_other_4xx_are_permanent(status: int) -> None:
    """Other client errors will not be fixed by retrying."""
    assert type(_error(status, json={"detail": "no"})) is PermanentChannelError


def test_message_text_does_not_decide_the_class() -> None:
    """A message that merely says 'rate limit' in prose is not a rate limit."""
    body = {"error": "SomethingElse", "message": "rate limit exceeded, token expired"}
    assert type(_error(400, platform="bluesky", json=body)) is PermanentChannelError


def test_adapter_codes_take_precedence() -> None:
    """An adapter can map its own error codes first."""
    response = httpx.Response(400, json={"error": "SessionGone"})
    error = error_for_response(
        response, platform="acme", now=NOW, codes={"SessionGone": AuthExpired}
    )
    assert isinstance(error, AuthExpired)


def test_raise_for_response_returns_successes() -> None:
    """raise_for_response hands a success back and raises the mapped error otherwise."""
    ok = httpx.Response(201, json={"id": "1"})
    assert raise_for_response(ok, platform="x", now=NOW) is ok
    with pytest.raises(TransientChannelError):
        raise_for_response(httpx.Response(503), platform="x", now=NOW)


def test_error_codes_across_shapes() -> None:
    """error_codes reads the code fields of each network's error body."""
    assert error_codes({"error": "ExpiredToken", "message": "x"}) == ["ExpiredToken"]
    assert error_codes({"error": {"code": 190}}) == ["190"]
    assert error_codes(
        {"errors": [{"type": "https://api.x.com/2/problems/resource-not-found"}]}
    ) == ["resource-not-found"]
    assert error_codes("not a dict") == []


def test_json_body_keeps_the_raw_bytes() -> None:
    """A body that is not JSON raises InvalidPayload with the raw bytes."""
    with pytest.raises(InvalidPayload) as caught:
        json_body(httpx.Response(200, content=b"<html>"), platform="x")
    assert caught.value.raw == b"<html>"


# --- transport errors through MockTransport -----------------------------------------


def _request_with(error: Exception) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise error

    async def go() -> None:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            with mapped_errors("mastodon"):
                await client.get("https://social.example/api/v1/notifications?access_token=SECRET")

    asyncio.run(go())


def test_timeout_becomes_transient_without_secrets() -> None:
    """A transport timeout maps to TransientChannelError; the URL's query never shows."""
    with pytest.raises(TransientChannelError) as caught:
        _request_with(httpx.ReadTimeout("read timed out"))
    assert "SECRET" not in str(caught.value)
    assert isinstance(caught.value.__cause__, httpx.ReadTimeout)


def test_connection_failure_becomes_transient() -> None:
    """A refused connection is worth retrying."""
    with pytest.raises(TransientChannelError):
        _request_with(httpx.ConnectError("refused"))


def test_unsupported_protocol_is_permanent() -> None:
    """A request that can never work is permanent."""
    with pytest.raises(PermanentChannelError):
        _request_with(httpx.UnsupportedProtocol("ftp"))


def test_status_error_from_raise_for_status_is_mapped() -> None:
    """httpx's own raise_for_status errors map by status."""
    request = httpx.Request("GET", "https://social.example/")
    response = httpx.Response(503, request=request)
    with pytest.raises(TransientChannelError), mapped_errors("x"):
        response.raise_for_status()


# --- signatures ---------------------------------------------------------------------


def test_sign_hex_matches_a_known_vector() -> None:
    """HMAC-SHA256 hex matches RFC 4231 test case 2."""
    digest = sign_hex(b"Jefe", b"what do ya want for nothing?")
    assert digest == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"


def test_sign_base64_matches_the_same_vector() -> None:
    """The base64 form encodes the same digest."""
    import base64

    expected = base64.b64encode(
        bytes.fromhex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    ).decode()
    assert sign_base64("Jefe", b"what do ya want for nothing?") == expected


def test_verify_meta_style_hex_header() -> None:
    """A sha256=<hex> header over the raw body verifies."""
    body = b'{"object":"page","entry":[{"id":"1"}]}'
    verify_signature("app-secret", body, "sha256=" + sign_hex("app-secret", body))


def test_verify_x_style_base64_header() -> None:
    """X's sha256=<base64> header verifies with encoding='base64'."""
    body = b'{"tweet_create_events":[]}'
    header = "sha256=" + sign_base64("consumer-secret", body)
    verify_signature("consumer-secret", body, header, encoding="base64")


def test_websub_accepts_the_named_method() -> None:
    """With algorithm=None, the method named in the header is used (WebSub)."""
    body = b"<feed/>"
    verify_signature(
        "hub", body, "sha512=" + sign_hex("hub", body, algorithm="sha512"), algorithm=None
    )


def test_wrong_signature_is_refused_without_leaking() -> None:
    """A mismatch raises BadSignature (an InvalidPayload) that never shows the secret."""
    body = b"payload"
    with pytest.raises(BadSignature) as caught:
        verify_signature("top-secret", body, "sha256=" + "0" * 64)
    assert isinstance(caught.value, InvalidPayload)
    assert caught.value.raw == body
    assert "top-secret" not in str(caught.value)
    assert sign_hex("top-secret", body) not in str(caught.value)


def test_missing_signature_is_refused() -> None:
    """No header at all is refused."""
    with pytest.raises(BadSignature):
        verify_signature("s", b"x", None)


def test_downgraded_method_is_refused() -> None:
    """A sha1 signature where sha256 is required is refused even if it matches."""
    with pytest.raises(BadSignature):
        verify_signature("s", b"x", "sha1=" + sign_hex("s", b"x", algorithm="sha1"))


def test_retry_after_never_negative_for_late_clock() -> None:
    """A reset already behind a slow clock gives zero, not a negative wait."""
    later = NOW + timedelta(hours=1)
    assert parse_epoch_reset(str(EPOCH_NOW), later) == 0.0


def test_youtube_quota_waits_until_pacific_midnight() -> None:
    """quotaExceeded parks until the daily reset at midnight Los Angeles time."""
    # 09:00 UTC on 2 March 2026 is 01:00 PST, so the reset is 23 hours away.
    body = {"error": {"code": 403, "errors": [{"reason": "quotaExceeded"}]}}
    error = _error(403, platform="youtube", json=body)
    assert isinstance(error, RateLimited)
    assert error.retry_after == 23 * 3600


def test_not_modified_is_not_an_error() -> None:
    """A 304 answers a conditional GET (feeds): nothing new, not a failure."""
    assert _error(304) is None


def test_other_redirects_are_permanent() -> None:
    """An unexpected redirect is a configuration problem, not worth retrying."""
    assert type(_error(302)) is PermanentChannelError


# --- the one-call request helpers -----------------------------------------------------


def _client(handler: object) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.MockTransport(handler))  # type: ignore[arg-type]


def test_request_json_returns_the_body_and_records_success() -> None:
    """A good answer comes back parsed, and health stays healthy."""
    from socialcx.channels import ChannelHealth, HealthMonitor, request_json

    monitor = HealthMonitor(state=ChannelHealth.DEGRADED)

    async def go() -> object:
        async with _client(lambda request: httpx.Response(200, json={"items": [1]})) as client:
            return await request_json(
                client, "GET", "https://a.example/x", platform="acme", now=NOW, health=monitor
            )

    assert asyncio.run(go()) == {"items": [1]}
    assert monitor.state is ChannelHealth.HEALTHY


@pytest.mark.parametrize(
    ("answer", "error", "health"),
    [
        (lambda r: httpx.Response(429, headers={"Retry-After": "9"}), RateLimited, "degraded"),
        (lambda r: httpx.Response(401, json={"error": "ExpiredToken"}), AuthExpired,
         "reauthorization_needed"),
        (lambda r: httpx.Response(200, text="<html>"), InvalidPayload, "degraded"),
        (lambda r: (_ for _ in ()).throw(httpx.ConnectError("refused", request=r)),
         TransientChannelError, "degraded"),
    ],
)  # fmt: skip
def test_request_json_maps_and_records_failures(answer: object, error: type, health: str) -> None:
    """Each failure raises its mapped type and moves the channel's health."""
    from socialcx.channels import HealthMonitor, request_json

    monitor = HealthMonitor()

    async def go() -> None:
        async with _client(answer) as client:
            await request_json(
                client, "GET", "https://a.example/x", platform="acme", now=NOW, health=monitor
            )

    with pytest.raises(error):
        asyncio.run(go())
    assert monitor.state.value == health


def test_checked_request_passes_not_modified_through() -> None:
    """A 304 is returned to the caller, not raised."""
    from socialcx.channels import checked_request

    async def go() -> int:
        async with _client(lambda request: httpx.Response(304)) as client:
            response = await checked_request(
                client, "GET", "https://feed.example/atom", platform="rss", now=NOW
            )
            return response.status_code

    assert asyncio.run(go()) == 304
