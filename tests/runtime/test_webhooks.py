"""The webhook ASGI app: handshake, verified deliveries, rejected bodies kept as dead letters."""

from __future__ import annotations

import asyncio
from typing import Any

from socialcx.channels import sign_hex
from socialcx.runtime import WebhookApp
from socialcx.testing import FakeChannel, FakeClock
from tests.runtime.conftest import RecordingDesk


def _call(
    app: WebhookApp,
    method: str,
    path: str,
    *,
    query: bytes = b"",
    headers: dict[str, str] | None = None,
    body: bytes = b"",
) -> tuple[int, bytes]:
    """Drive the ASGI app once, the way a server would."""
    sent: list[dict[str, Any]] = []
    chunks = [body[:7], body[7:]] if len(body) > 7 else [body]

    async def receive() -> dict[str, Any]:
        chunk = chunks.pop(0)
        return {"type": "http.request", "body": chunk, "more_body": bool(chunks)}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "query_string": query,
        "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
    }
    asyncio.run(app(scope, receive, send))
    return sent[0]["status"], sent[1]["body"]


def _app(desk: RecordingDesk) -> tuple[WebhookApp, FakeChannel]:
    clock = FakeClock()
    channel = FakeChannel(clock=clock)
    app = WebhookApp(desk, {"fake": channel}, verify_tokens={"fake": "s3cret-token"}, clock=clock)
    return app, channel


def test_handshake_echoes_the_challenge_only_with_the_right_token(desk: RecordingDesk) -> None:
    """hub.challenge is echoed for the right verify token and refused otherwise."""
    app, _ = _app(desk)
    ok = _call(
        app,
        "GET",
        "/fake",
        query=b"hub.mode=subscribe&hub.challenge=42abc&hub.verify_token=s3cret-token",
    )
    assert ok == (200, b"42abc")
    bad = _call(
        app, "GET", "/fake", query=b"hub.mode=subscribe&hub.challenge=42abc&hub.verify_token=nope"
    )
    assert bad[0] == 403
    assert _call(app, "GET", "/other")[0] == 404


def test_signed_delivery_is_ingested_and_a_resend_is_harmless(desk: RecordingDesk) -> None:
    """A verified delivery reaches the desk; the same body twice is still one mention."""
    app, channel = _app(desk)
    post = channel.post("my bill doubled", author="dana")
    (delivery,) = channel.take_webhooks()
    for _ in range(2):
        status, _ = _call(app, "POST", "/fake", headers=dict(delivery.headers), body=delivery.body)
        assert status == 200
    assert list(desk.mentions) == [post.key]
    assert desk.cursors == {}


def test_tampered_or_garbage_bodies_are_rejected_and_kept(desk: RecordingDesk) -> None:
    """A bad signature gets 401, a bad body 400; both land in the dead letters with raw bytes."""
    app, channel = _app(desk)
    channel.post("hello", author="dana")
    (delivery,) = channel.take_webhooks()
    tampered = delivery.body.replace(b"hello", b"hellO")
    assert _call(app, "POST", "/fake", headers=dict(delivery.headers), body=tampered)[0] == 401
    assert _call(app, "POST", "/fake", headers={}, body=b"not json")[0] == 401
    signed_garbage = {"X-Fake-Signature": "sha256=" + sign_hex(channel.webhook_secret, b"[1, 2]")}
    assert _call(app, "POST", "/fake", headers=signed_garbage, body=b"[1, 2]")[0] == 400
    assert [raw for _, raw, _ in desk.dead] == [tampered, b"not json", b"[1, 2]"]
    assert desk.mentions == {}
    assert "s3cret-token" not in repr(app)


def test_x_crc_check_is_answered_with_the_channels_hmac(desk: RecordingDesk) -> None:
    """GET ?crc_token= is answered by the X channel's crc_response, as JSON."""
    import json

    from socialcx.channels import sign_base64
    from socialcx.channels.x import XChannel

    secret = "consumer-secret-value"
    x = XChannel(account="123", bearer_token="bearer-value", consumer_secret=secret)
    app = WebhookApp(desk, {"x": x}, clock=FakeClock())  # type: ignore[dict-item]
    status, body = _call(app, "GET", "/x", query=b"crc_token=challenge-123")
    assert status == 200
    expected = "sha256=" + sign_base64(secret, b"challenge-123")
    assert json.loads(body) == {"response_token": expected}
    assert secret.encode() not in body


def test_a_crc_check_on_a_channel_without_one_is_refused(desk: RecordingDesk) -> None:
    app, _ = _app(desk)
    status, _ = _call(app, "GET", "/fake", query=b"crc_token=abc")
    assert status == 404


def test_create_app_builds_the_routes_from_socialcx_toml(tmp_path: Any) -> None:
    """``socialcx.webhooks.create_app`` mounts every webhook channel of the config."""
    from socialcx.webhooks import create_app

    config = tmp_path / "socialcx.toml"
    config.write_text(
        'store = "memory:"\n'
        "[[channels]]\n"
        'name = "fake"\n'
        'type = "socialcx.testing:FakeChannel"\n'
        'account = "brand"\n'
        "[webhooks.verify_tokens]\n"
        'fake = "FAKE_VERIFY"\n'
    )
    app = create_app(config, environ={"FAKE_VERIFY": "tok"})
    status, body = _call(
        app, "GET", "/fake", query=b"hub.mode=subscribe&hub.challenge=c1&hub.verify_token=tok"
    )
    assert (status, body) == (200, b"c1")
    assert _call(app, "GET", "/other")[0] == 404
