"""A small ASGI app that receives webhooks and hands them to the desk.

Mount it in any ASGI server (uvicorn, hypercorn) or framework. It answers the
subscription handshake (``hub.challenge``, as Meta and WebSub send it, and X's
``crc_token`` check, answered by the channel's ``crc_response``), verifies
and parses deliveries through the channel's own ``parse_webhook``, ingests them,
and answers quickly. A delivery that does not parse or verify goes to the dead
letters with its raw body and gets a 4xx; it never crashes the app.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import Any
from urllib.parse import parse_qs

import attrs

from socialcx._clock import Clock, SystemClock
from socialcx.channels import BadSignature, WebhookChannel
from socialcx.errors import ChannelError, InvalidPayload
from socialcx.runtime._outpost import OutpostDesk

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

#: Largest webhook body accepted; platforms send kilobytes, not megabytes.
MAX_BODY = 1 << 20


@attrs.define
class WebhookApp:
    """ASGI application: ``/<name>`` receives webhooks for the channel registered as ``name``.

    Args:
        desk: Where parsed mentions go.
        channels: Channels by route name (``{"meta": meta_channel}``).
        verify_tokens: Per route, the token the platform echoes during the
            subscription handshake; never logged or shown.
        clock: Where "now" comes from.
    """

    desk: OutpostDesk
    channels: Mapping[str, WebhookChannel]
    verify_tokens: Mapping[str, str] = attrs.field(factory=dict, repr=False)
    clock: Clock = attrs.field(factory=SystemClock)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one HTTP request (other scope types are ignored)."""
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        name = str(scope.get("path", "")).strip("/")
        channel = self.channels.get(name)
        if channel is None:
            await _respond(send, 404, b"unknown webhook")
            return
        method = scope.get("method", "GET")
        if method == "GET":
            await self._handshake(name, scope, send)
        elif method == "POST":
            await self._deliver(name, channel, scope, receive, send)
        else:
            await _respond(send, 405, b"method not allowed")

    async def _handshake(self, name: str, scope: Scope, send: Send) -> None:
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        crc = query.get("crc_token", [""])[0]
        if crc:
            # X's challenge-response check: answer with the HMAC of the token.
            answer = getattr(self.channels[name], "crc_response", None)
            if answer is None:
                await _respond(send, 404, b"no crc check on this route")
                return
            try:
                body = json.dumps(answer(crc)).encode()
            except ChannelError:
                await _respond(send, 403, b"verification failed")
                return
            await _respond(send, 200, body, content_type=b"application/json")
            return
        challenge = query.get("hub.challenge", [""])[0]
        token = query.get("hub.verify_token", [""])[0]
        expected = self.verify_tokens.get(name)
        if not challenge or expected is None or not hmac.compare_digest(token, expected):
            await _respond(send, 403, b"verification failed")
            return
        await _respond(send, 200, challenge.encode("utf-8"))

    async def _deliver(
        self, name: str, channel: WebhookChannel, scope: Scope, receive: Receive, send: Send
    ) -> None:
        body = bytearray()
        while True:
            message = await receive()
            body += message.get("body", b"")
            if len(body) > MAX_BODY:
                await _respond(send, 413, b"body too large")
                return
            if not message.get("more_body"):
                break
        headers = {
            k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])
        }
        now = self.clock.now()
        try:
            mentions = channel.parse_webhook(headers, bytes(body))
        except InvalidPayload as error:
            self.desk.dead_letter(
                source=f"webhook:{name}", raw=bytes(body), error=str(error), now=now
            )
            await _respond(send, 401 if isinstance(error, BadSignature) else 400, b"rejected")
            return
        self.desk.ingest_page(channel.ref, mentions, None, now=now)
        await _respond(send, 200, b"ok")


async def _respond(
    send: Send, status: int, body: bytes, *, content_type: bytes = b"text/plain; charset=utf-8"
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", content_type)],
        }
    )
    await send({"type": "http.response.body", "body": body})
