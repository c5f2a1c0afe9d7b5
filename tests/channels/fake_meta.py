"""An in-memory Meta Graph API behind httpx.MockTransport, and contract harnesses on it.

It serves a Facebook Page (posts, comments, Messenger conversations) and an
Instagram account (media, comments with nested replies, direct messages through
the linked Page) in Graph's documented JSON: ``data`` lists with
``paging.cursors.after`` and ``paging.next``, ``error{code, type,
is_transient}`` bodies, usage headers, and signed webhook deliveries.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import httpx

from socialcx.channels import sign_hex
from socialcx.channels.meta import FacebookPageChannel, InstagramChannel, MessengerChannel
from socialcx.testing import FakeClock
from tests.channels._common import FakeHarness, next_fault

PAGE_ID = "1234567890321"
IG_ID = "17841400000000001"
POST_ID = f"{PAGE_ID}_901097836652708"
MEDIA_ID = "17900000000000001"
CUSTOMER_PSID = "24000000000000001"
CUSTOMER_IGSID = "34000000000000001"
CUSTOMER_NAME = "Dana Reyes"
PAGE_TOKEN = "EAAB-page-token-SECRET-42"
APP_SECRET = "meta-app-secret-SECRET-17"


def _graph_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S+0000")


class MetaServer:
    """Graph API state for one Page and its linked Instagram account."""

    def __init__(self, *, clock: FakeClock, page_size: int = 3) -> None:
        self.clock = clock
        self.page_size = page_size
        self.app_secret = APP_SECRET
        self.posts = [{"id": POST_ID, "message": "Our spring sale starts today"}]
        self.media = [{"id": MEDIA_ID, "caption": "New colours"}]
        self.comments: list[dict[str, Any]] = []  # both networks; "_on" is the post or media
        self.messages: list[dict[str, Any]] = []  # "_conversation" and "_platform"
        self.brand_posts = 0
        self.requests = 0
        self.seen: list[httpx.Request] = []
        self.fail: list[str] = []
        self.expired = False
        self.usage: dict[str, Any] | None = None
        self._seq = 0

    def _next(self) -> int:
        self._seq += 1
        return self._seq

    # -- state --

    def add_comment(
        self,
        text: str,
        *,
        on: str,
        author: dict[str, str],
        parent: str | None = None,
        instagram: bool = False,
    ) -> dict[str, Any]:
        """A comment (or reply) on a post or media object."""
        n = self._next()
        if instagram:
            comment: dict[str, Any] = {
                "id": f"179{n:014d}",
                "text": text,
                "timestamp": _graph_time(self.clock.now()),
                "username": author["username"],
                "from": {"id": author["id"], "username": author["username"]},
                "like_count": 2,
            }
            if parent is not None:
                comment["parent_id"] = parent
        else:
            comment = {
                "id": f"{on.split('_')[-1]}_{n:015d}",
                "message": text,
                "from": {"id": author["id"], "name": author["name"]},
                "created_time": _graph_time(self.clock.now()),
                "like_count": 3,
                "comment_count": 0,
                "permalink_url": f"https://www.facebook.com/{on}?comment_id={n}",
            }
            if parent is not None:
                comment["parent"] = {"id": parent}
        comment["_on"] = on
        self.comments.append(comment)
        return comment

    def add_message(
        self, text: str, *, customer: str, from_brand: bool, platform: str = "messenger"
    ) -> dict[str, Any]:
        """A message in the conversation between the Page and ``customer``."""
        brand = {"id": PAGE_ID, "name": "Acme"} if platform == "messenger" else {"id": IG_ID}
        person = (
            {"id": customer, "name": CUSTOMER_NAME}
            if platform == "messenger"
            else {"id": customer, "username": "dana.reyes"}
        )
        if platform == "instagram":
            brand["username"] = "acme"
        sender, receiver = (brand, person) if from_brand else (person, brand)
        message = {
            "id": f"m_{self._next():020d}",
            "message": text,
            "from": sender,
            "to": {"data": [receiver]},
            "created_time": _graph_time(self.clock.now()),
            "_conversation": f"t_{platform}_{customer}",
            "_platform": platform,
            "_customer": customer,
        }
        self.messages.append(message)
        return message

    # -- HTTP --

    @staticmethod
    def _public(item: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in item.items() if not k.startswith("_")}

    def _error(self, status: int, code: int, message: str, **extra: Any) -> httpx.Response:
        body = {
            "error": {
                "message": message,
                "type": "OAuthException",
                "code": code,
                "fbtrace_id": "AbCdEf",
                **extra,
            }
        }
        return httpx.Response(status, json=body)

    def _page(
        self, items: list[dict[str, Any]], params: httpx.QueryParams, *, newest_first: bool
    ) -> dict[str, Any]:
        ordered = sorted(
            items, key=lambda i: (i.get("created_time") or i.get("timestamp"), i["id"])
        )
        if newest_first:
            ordered.reverse()
        start = 0
        after = params.get("after")
        if after:
            last = base64.b64decode(after).decode()
            start = next((n + 1 for n, i in enumerate(ordered) if i["id"] == last), len(ordered))
        limit = min(int(params.get("limit", "25")), self.page_size)
        chunk = ordered[start : start + limit]
        body: dict[str, Any] = {"data": [self._public(i) for i in chunk]}
        if chunk:
            body["paging"] = {
                "cursors": {
                    "before": base64.b64encode(chunk[0]["id"].encode()).decode(),
                    "after": base64.b64encode(chunk[-1]["id"].encode()).decode(),
                }
            }
            if start + limit < len(ordered):
                body["paging"]["next"] = "https://graph.facebook.com/v21.0/next"
        return body

    def _headers(self) -> dict[str, str]:
        usage = self.usage or {"call_count": 5, "total_cputime": 1, "total_time": 2}
        return {"x-app-usage": json.dumps(usage)}

    def handler(self, request: httpx.Request) -> httpx.Response:
        """Answer one request as the Graph API would."""
        self.requests += 1
        self.seen.append(request)
        fault = next_fault(self.fail, request)
        if fault == "auth_expired" or self.expired:
            self.expired = True
            return self._error(
                401, 190, "Error validating access token: the token has expired", error_subcode=463
            )
        if request.headers.get("authorization") != f"Bearer {PAGE_TOKEN}":
            return self._error(400, 190, "Invalid OAuth access token.")
        if fault == "rate_limited":
            usage = {
                PAGE_ID: [
                    {"type": "pages", "call_count": 100, "estimated_time_to_regain_access": 2}
                ]
            }
            return httpx.Response(
                400,
                json={
                    "error": {
                        "message": "(#32) Page request limit reached",
                        "type": "OAuthException",
                        "code": 32,
                        "is_transient": True,
                    }
                },
                headers={"x-business-use-case-usage": json.dumps(usage)},
            )
        if fault == "server_error":
            return httpx.Response(
                500,
                json={
                    "error": {
                        "message": "An unexpected error has occurred.",
                        "type": "OAuthException",
                        "code": 2,
                        "is_transient": True,
                    }
                },
            )
        if fault == "malformed":
            return httpx.Response(200, text="<html>Sorry, something went wrong.</html>")
        response = self._route(request, fault)
        response.headers.update(self._headers())
        return response

    def _route(self, request: httpx.Request, fault: str | None) -> httpx.Response:
        parts = request.url.path.strip("/").split("/")[1:]  # drop the version
        params = request.url.params
        method = request.method
        if len(parts) == 2 and method == "GET" and parts == [PAGE_ID, "posts"]:
            return httpx.Response(200, json=self._page(self.posts, params, newest_first=True))
        if len(parts) == 2 and method == "GET" and parts == [IG_ID, "media"]:
            return httpx.Response(200, json={"data": [{"id": m["id"]} for m in self.media]})
        if len(parts) == 2 and parts[1] == "comments" and method == "GET":
            on = parts[0]
            if any(m["id"] == on for m in self.media):
                top = [c for c in self.comments if c["_on"] == on and "parent_id" not in c]
                body = self._page(top, params, newest_first=True)
                for item in body["data"]:
                    replies = [
                        self._public(c) for c in self.comments if c.get("parent_id") == item["id"]
                    ]
                    if replies:
                        item["replies"] = {"data": replies}
                return httpx.Response(200, json=body)
            on_post = on if any(p["id"] == on for p in self.posts) else None
            if on_post is not None:
                items = [c for c in self.comments if c["_on"] == on_post]
            else:
                items = [c for c in self.comments if c.get("parent", {}).get("id") == on]
            return httpx.Response(200, json=self._page(items, params, newest_first=True))
        if len(parts) == 2 and parts[1] == "comments" and method == "POST":
            target = parts[0]
            parent = next((c for c in self.comments if c["id"] == target), None)
            if parent is None and not any(p["id"] == target for p in self.posts):
                return self._error(400, 100, "Unsupported post request.")
            on = parent["_on"] if parent else target
            data = json.loads(request.content)
            comment = self.add_comment(
                data["message"],
                on=on,
                author={"id": PAGE_ID, "name": "Acme"},
                parent=target if parent else None,
            )
            self.brand_posts += 1
            if fault == "lost_response":
                raise httpx.ReadTimeout("response lost", request=request)
            return httpx.Response(200, json={"id": comment["id"]})
        if len(parts) == 2 and parts[1] == "replies":
            target = parts[0]
            parent = next((c for c in self.comments if c["id"] == target), None)
            if parent is None:
                return self._error(400, 100, "Unsupported request.")
            if method == "GET":
                replies = [c for c in self.comments if c.get("parent_id") == target]
                return httpx.Response(200, json=self._page(replies, params, newest_first=True))
            data = json.loads(request.content)
            top = parent.get("parent_id", target)
            reply = self.add_comment(
                data["message"],
                on=parent["_on"],
                author={"id": IG_ID, "username": "acme"},
                parent=top,
                instagram=True,
            )
            self.brand_posts += 1
            if fault == "lost_response":
                raise httpx.ReadTimeout("response lost", request=request)
            return httpx.Response(200, json={"id": reply["id"]})
        if len(parts) == 2 and parts == [PAGE_ID, "conversations"] and method == "GET":
            platform = params.get("platform", "messenger")
            user = params.get("user_id")
            latest: dict[str, str] = {}
            for m in self.messages:
                if m["_platform"] == platform and (user is None or m["_customer"] == user):
                    latest[m["_conversation"]] = max(
                        latest.get(m["_conversation"], ""), m["created_time"]
                    )
            data = [{"id": k, "updated_time": v} for k, v in sorted(latest.items())]
            return httpx.Response(200, json={"data": data})
        if len(parts) == 2 and parts[1] == "messages" and method == "GET":
            items = [m for m in self.messages if m["_conversation"] == parts[0]]
            return httpx.Response(200, json=self._page(items, params, newest_first=True))
        if len(parts) == 2 and parts == [PAGE_ID, "messages"] and method == "POST":
            data = json.loads(request.content)
            recipient = data["recipient"]["id"]
            platform = next(
                (m["_platform"] for m in self.messages if m["_customer"] == recipient), None
            )
            if platform is None:
                return self._error(400, 100, "No matching user found", error_subcode=2018001)
            if data.get("messaging_type") not in ("RESPONSE", "MESSAGE_TAG"):
                return self._error(400, 100, "Invalid messaging_type")
            message = self.add_message(
                data["message"]["text"], customer=recipient, from_brand=True, platform=platform
            )
            self.brand_posts += 1
            if fault == "lost_response":
                raise httpx.ReadTimeout("response lost", request=request)
            return httpx.Response(
                200, json={"recipient_id": recipient, "message_id": message["id"]}
            )
        return self._error(400, 100, "Unsupported request - method type: " + method.lower())

    # -- push --

    def webhook_body(self, native_id: str) -> bytes:
        """The delivery Meta makes for a comment or message."""
        now = int(self.clock.now().timestamp())
        comment = next((c for c in self.comments if c["id"] == native_id), None)
        if comment is not None and "text" in comment:
            value = {
                "id": comment["id"],
                "text": comment["text"],
                "from": comment["from"],
                "media": {"id": comment["_on"], "media_product_type": "FEED"},
            }
            payload: dict[str, Any] = {
                "object": "instagram",
                "entry": [
                    {"id": IG_ID, "time": now, "changes": [{"field": "comments", "value": value}]}
                ],
            }
        elif comment is not None:
            created = datetime.fromisoformat(comment["created_time"])
            value = {
                "from": comment["from"],
                "post_id": comment["_on"],
                "comment_id": comment["id"],
                "parent_id": comment.get("parent", {}).get("id", comment["_on"]),
                "created_time": int(created.timestamp()),
                "item": "comment",
                "verb": "add",
                "message": comment["message"],
            }
            payload = {
                "object": "page",
                "entry": [
                    {"id": PAGE_ID, "time": now, "changes": [{"field": "feed", "value": value}]}
                ],
            }
        else:
            message = next(m for m in self.messages if m["id"] == native_id)
            created = datetime.fromisoformat(message["created_time"])
            event = {
                "sender": {"id": message["from"]["id"]},
                "recipient": {"id": message["to"]["data"][0]["id"]},
                "timestamp": int(created.timestamp() * 1000),
                "message": {"mid": message["id"], "text": message["message"]},
            }
            payload = {
                "object": "page" if message["_platform"] == "messenger" else "instagram",
                "entry": [
                    {
                        "id": PAGE_ID if message["_platform"] == "messenger" else IG_ID,
                        "time": now * 1000,
                        "messaging": [event],
                    }
                ],
            }
        return json.dumps(payload, separators=(",", ":")).encode()

    def sign(self, body: bytes) -> dict[str, str]:
        """The headers Meta sends with a delivery."""
        return {
            "X-Hub-Signature-256": "sha256=" + sign_hex(self.app_secret, body),
            "Content-Type": "application/json",
        }


class MetaHarness(FakeHarness):
    """The contract harness for one Meta surface: ``facebook``, ``instagram`` or ``messenger``."""

    server: MetaServer

    def __init__(self, surface: str = "facebook") -> None:
        self.surface = surface
        self.clock = FakeClock()
        self.server = MetaServer(clock=self.clock)
        self.page_size = self.server.page_size

    def make_channel(self) -> FacebookPageChannel | InstagramChannel | MessengerChannel:
        """A channel on the shared server."""
        common: dict[str, Any] = {
            "access_token": PAGE_TOKEN,
            "app_secret": APP_SECRET,
            "client": self.client(),
            "clock": self.clock,
        }
        if self.surface == "instagram":
            return InstagramChannel(account=IG_ID, page_id=PAGE_ID, **common)
        if self.surface == "messenger":
            return MessengerChannel(account=PAGE_ID, **common)
        return FacebookPageChannel(account=PAGE_ID, **common)

    def customer_post(self, text: str, *, private: bool = False) -> str:
        """A customer comments on the latest post or media, or writes privately."""
        self.clock.advance(1)
        if private or self.surface == "messenger":
            if self.surface == "instagram":
                return str(
                    self.server.add_message(
                        text, customer=CUSTOMER_IGSID, from_brand=False, platform="instagram"
                    )["id"]
                )
            return str(
                self.server.add_message(text, customer=CUSTOMER_PSID, from_brand=False)["id"]
            )
        if self.surface == "instagram":
            return str(
                self.server.add_comment(
                    text,
                    on=MEDIA_ID,
                    author={"id": "17841455555555555", "username": "dana.reyes"},
                    instagram=True,
                )["id"]
            )
        return str(
            self.server.add_comment(
                text, on=POST_ID, author={"id": "5550001", "name": CUSTOMER_NAME}
            )["id"]
        )

    def webhook(self, native_id: str) -> tuple[Mapping[str, str], bytes] | None:
        """The signed delivery for ``native_id``."""
        body = self.server.webhook_body(native_id)
        return self.server.sign(body), body
