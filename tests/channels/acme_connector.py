"""A complete small connector, as docs/connectors.md shows it, with its fake server.

"Acme Social" is a made-up network with a small JSON API; the connector is
what a vendor writes, the server is what their tests run it against.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from types import TracebackType
from typing import Any, Self

import httpx

from socialcx import Author, ChannelRef, Clock, Mention, OutboundMessage, SystemClock
from socialcx.channels import (
    ChannelHealth,
    Cursor,
    Delivery,
    HealthMonitor,
    Page,
    check_outbound,
    request_json,
    sign_hex,
    verify_signature,
)
from socialcx.errors import InvalidPayload
from socialcx.model import ChannelCapabilities
from socialcx.testing.contract import ContractFault

CAPABILITIES = ChannelCapabilities(
    public_reply=True,
    private_message=True,
    max_length=500,
    idempotent_send=True,
)


class AcmeChannel:
    """Acme Social for one brand account."""

    capabilities = CAPABILITIES

    def __init__(
        self,
        *,
        account: str,
        token: str,
        client: httpx.AsyncClient | None = None,
        base_url: str = "https://acme.example",
        webhook_secret: str = "",
        clock: Clock | None = None,
        page_size: int = 40,
    ) -> None:
        self._ref = ChannelRef(platform="acme", account=account)
        self._client = client or httpx.AsyncClient()
        self._base = base_url
        self._headers = {"Authorization": f"Bearer {token}"}
        self._secret = webhook_secret
        self._clock = clock or SystemClock()
        self._page_size = page_size
        self._health = HealthMonitor()

    def __repr__(self) -> str:  # never show the token
        return f"AcmeChannel(account={self._ref.account!r})"

    @property
    def ref(self) -> ChannelRef:
        return self._ref

    @property
    def health(self) -> ChannelHealth:
        return self._health.state

    async def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        """One request; every failure mapped, its outcome reported to health."""
        headers = {**self._headers, **kwargs.pop("headers", {})}
        return await request_json(
            self._client,
            method,
            self._base + path,
            platform="acme",
            now=self._clock.now(),
            health=self._health,
            headers=headers,
            **kwargs,
        )

    def _mention(self, item: Mapping[str, Any]) -> Mention:
        author = item["author"]
        return Mention(
            channel=self._ref,
            native_id=str(item["id"]),
            author=Author(
                platform="acme",
                native_id=str(author["id"]),
                handle=author["handle"],
                followers=author.get("followers", 0),
                is_brand=author["handle"] == self._ref.account,
            ),
            text=item["text"],
            created_at=datetime.fromisoformat(item["created_at"]),
            visibility="private" if item["visibility"] == "direct" else "public",
            in_reply_to=item.get("in_reply_to"),
            raw=dict(item),
        )

    async def fetch(self, cursor: Cursor | None) -> Page:
        after = json.loads(cursor)["after"] if cursor else "0"
        body = await self._call(
            "GET", "/api/mentions", params={"after": after, "limit": self._page_size}
        )
        try:
            mentions = [self._mention(item) for item in body["items"]]
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidPayload("acme: unexpected mentions page", raw=json.dumps(body)) from exc
        last = mentions[-1].native_id if mentions else after
        return Page(
            mentions=mentions,
            next_cursor=json.dumps({"after": last}),
            has_more=bool(body.get("has_more")),
        )

    async def send(self, message: OutboundMessage) -> Delivery:
        check_outbound(message, self.capabilities, channel=self._ref)
        payload = {
            "text": message.text,
            "visibility": "public" if message.is_public else "direct",
            "in_reply_to": message.in_reply_to,
            "recipient": message.recipient,
        }
        body = await self._call(
            "POST",
            "/api/posts",
            json=payload,
            headers={"Idempotency-Key": message.idempotency_key},
        )
        return Delivery(
            native_id=str(body["id"]),
            url=body.get("url"),
            idempotency_key=message.idempotency_key,
            replayed=bool(body.get("replayed")),
        )

    async def find_sent(self, message: OutboundMessage) -> Delivery | None:
        body = await self._call(
            "GET", "/api/posts", params={"idempotency_key": message.idempotency_key}
        )
        for item in body["items"]:
            return Delivery(
                native_id=str(item["id"]),
                url=item.get("url"),
                idempotency_key=message.idempotency_key,
                replayed=True,
            )
        return None

    def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> Sequence[Mention]:
        signature = next((v for k, v in headers.items() if k.lower() == "x-acme-signature"), None)
        verify_signature(self._secret, body, signature, platform="acme")
        try:
            return [self._mention(item) for item in json.loads(body)["items"]]
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidPayload("acme: unexpected webhook body", raw=body) from exc

    async def close(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


# --- the fake server and the contract harness ---------------------------------------


class AcmeServer:
    """An in-memory Acme Social behind httpx.MockTransport."""

    def __init__(self, *, secret: str = "whsec", page_size: int = 3) -> None:
        self.secret = secret
        self.page_size = page_size
        self.posts: list[dict[str, Any]] = []
        self.by_key: dict[str, dict[str, Any]] = {}
        self.brand_posts = 0
        self.requests = 0
        self.fail: list[str] = []
        self.expired = False

    def add(self, text: str, *, handle: str, visibility: str, **extra: Any) -> dict[str, Any]:
        item = {
            "id": f"{len(self.posts) + 1:06d}",
            "author": {"id": f"id-{handle}", "handle": handle, "followers": 10},
            "text": text,
            "created_at": "2026-03-02T09:00:00+00:00",
            "visibility": visibility,
            **extra,
        }
        self.posts.append(item)
        return item

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        fault = self.fail.pop(0) if self.fail else None
        if fault == "timeout":
            raise httpx.ReadTimeout("timed out", request=request)
        if fault == "auth_expired" or self.expired:
            self.expired = True
            return httpx.Response(401, json={"error": "ExpiredToken"})
        if fault == "rate_limited":
            return httpx.Response(429, headers={"Retry-After": "17"}, json={"error": "slow"})
        if fault == "server_error":
            return httpx.Response(503, text="maintenance")
        if fault == "malformed":
            return httpx.Response(200, text="<html>oops</html>")
        if request.method == "GET" and request.url.path == "/api/mentions":
            after = request.url.params["after"]
            limit = min(int(request.url.params["limit"]), self.page_size)
            newer = [p for p in self.posts if p["id"] > after]
            return httpx.Response(
                200, json={"items": newer[:limit], "has_more": len(newer) > limit}
            )
        if request.method == "POST" and request.url.path == "/api/posts":
            key = request.headers["Idempotency-Key"]
            if key in self.by_key:
                return httpx.Response(200, json={**self.by_key[key], "replayed": True})
            data = json.loads(request.content)
            item = self.add(data["text"], handle="acme", visibility=data["visibility"])
            item["url"] = f"https://acme.example/p/{item['id']}"
            self.by_key[key] = item
            self.brand_posts += 1
            if fault == "lost_response":
                raise httpx.ReadTimeout("response lost", request=request)
            return httpx.Response(201, json=item)
        if request.method == "GET" and request.url.path == "/api/posts":
            found = self.by_key.get(request.url.params["idempotency_key"])
            return httpx.Response(200, json={"items": [found] if found else []})
        return httpx.Response(404, json={"error": "NotFound"})


class AcmeHarness:
    """What the contract suite needs: channels on one fake server, posts, faults, counts."""

    faults = frozenset(ContractFault)

    def __init__(self) -> None:
        self.server = AcmeServer()
        self.page_size = self.server.page_size

    def make_channel(self) -> AcmeChannel:
        client = httpx.AsyncClient(transport=httpx.MockTransport(self.server.handler))
        return AcmeChannel(
            account="acme", token="t0ken", client=client, webhook_secret=self.server.secret
        )

    def customer_post(self, text: str, *, private: bool = False) -> str:
        item = self.server.add(text, handle="dana", visibility="direct" if private else "public")
        return str(item["id"])

    def fail_next(self, fault: ContractFault) -> None:
        self.server.fail.append(fault.value)

    def brand_post_count(self) -> int:
        return self.server.brand_posts

    def request_count(self) -> int:
        return self.server.requests

    def webhook(self, native_id: str) -> tuple[Mapping[str, str], bytes] | None:
        item = next(p for p in self.server.posts if p["id"] == native_id)
        body = json.dumps({"items": [item]}).encode()
        return {"X-Acme-Signature": "sha256=" + sign_hex(self.server.secret, body)}, body
