"""An in-memory Mastodon instance behind httpx.MockTransport, and the contract harness.

It speaks the documented JSON entities (Status, Account, Notification), pages
notifications with ``min_id``/``max_id``/``since_id`` and a ``Link`` header,
keeps ``Idempotency-Key`` per account, and reports rate limits with an ISO
8601 ``X-RateLimit-Reset``.
"""

from __future__ import annotations

import html
import json
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs

import httpx

from socialcx.channels.mastodon import MastodonChannel
from socialcx.testing import FakeClock
from tests.channels._common import FakeHarness, next_fault

HOST = "https://social.example"
BRAND_TOKEN = "brand-secret-token"


def _iso(clock: FakeClock) -> str:
    return clock.now().isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _id_key(value: str) -> tuple[int, str]:
    return (len(value), value)


class MastodonServer:
    """A small Mastodon: accounts, statuses, mention notifications, search."""

    def __init__(
        self,
        *,
        clock: FakeClock | None = None,
        page_size: int = 3,
        max_characters: int = 500,
    ) -> None:
        self.clock = clock or FakeClock()
        self.page_size = page_size
        self.max_characters = max_characters
        self.accounts: dict[str, dict[str, Any]] = {}
        self.statuses: dict[str, dict[str, Any]] = {}
        self.notifications: list[dict[str, Any]] = []
        self.tokens: dict[str, str] = {}  # token -> account id
        self.idempotency: dict[tuple[str, str], str] = {}  # (account id, key) -> status id
        self.requests: list[httpx.Request] = []
        self.fail: list[str] = []
        self.expired: set[str] = set()
        self.brand_posts = 0
        self._next = 110_000_000_000_000_000
        self.brand = self.add_account("brand", followers=5000)
        self.tokens[BRAND_TOKEN] = self.brand["id"]

    # --- state

    def _new_id(self) -> str:
        self._next += 1
        return str(self._next)

    def add_account(self, acct: str, *, followers: int = 12) -> dict[str, Any]:
        """Create an account (``acct`` without a domain is local)."""
        account_id = self._new_id()
        username = acct.split("@", 1)[0]
        account = {
            "id": account_id,
            "username": username,
            "acct": acct,
            "display_name": username.title(),
            "locked": False,
            "bot": False,
            "created_at": "2024-01-01T00:00:00.000Z",
            "note": "",
            "url": f"{HOST}/@{acct}",
            "uri": f"{HOST}/users/{username}",
            "avatar": f"{HOST}/avatars/original/missing.png",
            "followers_count": followers,
            "following_count": 3,
            "statuses_count": 0,
            "emojis": [],
            "fields": [],
        }
        self.accounts[account_id] = account
        return account

    def account_by_acct(self, acct: str) -> dict[str, Any]:
        """The account named ``acct``, created on first use."""
        for account in self.accounts.values():
            if account["acct"] == acct:
                return account
        return self.add_account(acct)

    def post(
        self,
        text: str,
        *,
        by: dict[str, Any],
        visibility: str = "public",
        in_reply_to: str | None = None,
        spoiler_text: str = "",
    ) -> dict[str, Any]:
        """Publish a status; accounts mentioned with ``@acct`` get a mention notification."""
        status_id = self._new_id()
        mentioned = [
            a
            for a in self.accounts.values()
            if f"@{a['acct']}" in text.split() and a["id"] != by["id"]
        ]
        parent = self.statuses.get(in_reply_to) if in_reply_to else None
        if parent is not None and parent["account"]["id"] != by["id"]:
            parent_author = self.accounts[parent["account"]["id"]]
            if parent_author not in mentioned:
                mentioned.append(parent_author)
        status = {
            "id": status_id,
            "created_at": _iso(self.clock),
            "in_reply_to_id": in_reply_to,
            "in_reply_to_account_id": parent["account"]["id"] if parent else None,
            "sensitive": bool(spoiler_text),
            "spoiler_text": spoiler_text,
            "visibility": visibility,
            "language": "en",
            "uri": f"{HOST}/users/{by['username']}/statuses/{status_id}",
            "url": f"{HOST}/@{by['acct']}/{status_id}",
            "replies_count": 0,
            "reblogs_count": 0,
            "favourites_count": 1,
            "edited_at": None,
            "content": self._html(text),
            "reblog": None,
            "application": None,
            "account": dict(by),
            "media_attachments": [],
            "mentions": [
                {"id": a["id"], "username": a["username"], "url": a["url"], "acct": a["acct"]}
                for a in mentioned
            ],
            "tags": [],
            "emojis": [],
            "card": None,
            "poll": None,
        }
        self.statuses[status_id] = status
        if parent is not None:
            parent["replies_count"] += 1
        for account in mentioned:
            self.notifications.append(
                {
                    "id": self._new_id(),
                    "type": "mention",
                    "created_at": status["created_at"],
                    "account": dict(by),
                    "status": status,
                    "for": account["id"],
                }
            )
        self.clock.advance(1)
        return status

    def _html(self, text: str) -> str:
        words = []
        for word in text.split(" "):
            acct = word[1:] if word.startswith("@") else None
            known = next((a for a in self.accounts.values() if a["acct"] == acct), None)
            if known is not None:
                words.append(
                    f'<span class="h-card" translate="no"><a href="{known["url"]}" '
                    f'class="u-url mention">@<span>{html.escape(known["username"])}</span></a>'
                    "</span>"
                )
            else:
                words.append(html.escape(word))
        paragraphs = " ".join(words).split("\n\n")
        return "".join(f"<p>{p.replace(chr(10), '<br />')}</p>" for p in paragraphs)

    # --- HTTP

    def handler(self, request: httpx.Request) -> httpx.Response:
        """The MockTransport handler."""
        self.requests.append(request)
        fault = next_fault(self.fail, request, writes_only={"lost_response"})
        if fault == "rate_limited":
            reset = self.clock.now() + timedelta(minutes=5)
            return httpx.Response(
                429,
                headers={
                    "X-RateLimit-Limit": "300",
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Reset": reset.isoformat().replace("+00:00", "Z"),
                },
                json={"error": "Too many requests"},
            )
        if fault == "server_error":
            return httpx.Response(503, text="<html>Service Unavailable</html>")
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if fault == "auth_expired":
            self.expired.add(token)
        if token in self.expired:
            return httpx.Response(401, json={"error": "The access token expired"})
        if token not in self.tokens:
            return httpx.Response(401, json={"error": "The access token is invalid"})
        if fault == "malformed":
            return httpx.Response(200, text="<html>oops</html>")
        me = self.accounts[self.tokens[token]]
        response = self._route(request, me, lost=fault == "lost_response")
        response.headers["X-RateLimit-Limit"] = "300"
        response.headers["X-RateLimit-Remaining"] = "299"
        reset = self.clock.now() + timedelta(minutes=5)
        response.headers["X-RateLimit-Reset"] = reset.isoformat().replace("+00:00", "Z")
        return response

    def _route(self, request: httpx.Request, me: dict[str, Any], *, lost: bool) -> httpx.Response:
        path = request.url.path
        params = request.url.params
        if request.method == "GET" and path == "/api/v1/notifications":
            return self._notifications(request, me)
        if request.method == "GET" and path == "/api/v2/search":
            return self._search(request)
        if request.method == "POST" and path == "/api/v1/statuses":
            return self._create(request, me, lost=lost)
        if request.method == "GET" and path == "/api/v1/accounts/verify_credentials":
            return httpx.Response(200, json=me)
        if request.method == "GET" and path.startswith("/api/v1/statuses/"):
            status = self.statuses.get(path.rsplit("/", 1)[-1])
            if status is None:
                return httpx.Response(404, json={"error": "Record not found"})
            return httpx.Response(200, json=status)
        if request.method == "GET" and path.startswith("/api/v1/accounts/"):
            parts = path.split("/")
            account = self.accounts.get(parts[4])
            if account is None:
                return httpx.Response(404, json={"error": "Record not found"})
            if len(parts) == 5:
                return httpx.Response(200, json=account)
            if parts[5] == "statuses":
                limit = int(params.get("limit", "20"))
                mine = [s for s in self.statuses.values() if s["account"]["id"] == account["id"]]
                mine.sort(key=lambda s: _id_key(s["id"]), reverse=True)
                return httpx.Response(200, json=mine[:limit])
        return httpx.Response(404, json={"error": "Record not found"})

    def _page(
        self, items: list[dict[str, Any]], params: httpx.QueryParams, limit: int
    ) -> list[dict[str, Any]]:
        items = sorted(items, key=lambda i: _id_key(i["id"]))
        if "max_id" in params:
            items = [i for i in items if _id_key(i["id"]) < _id_key(params["max_id"])]
        if "min_id" in params:
            newer = [i for i in items if _id_key(i["id"]) > _id_key(params["min_id"])]
            return list(reversed(newer[:limit]))  # the oldest after min_id, newest first
        if "since_id" in params:
            items = [i for i in items if _id_key(i["id"]) > _id_key(params["since_id"])]
        return list(reversed(items))[:limit]  # the newest, newest first (skips the rest)

    def _link(self, request: httpx.Request, page: list[dict[str, Any]]) -> dict[str, str]:
        if not page:
            return {}
        base = request.url.copy_remove_param("min_id").copy_remove_param("max_id")
        base = base.copy_remove_param("since_id")
        older = base.copy_add_param("max_id", page[-1]["id"])
        newer = base.copy_add_param("min_id", page[0]["id"])
        return {"Link": f'<{older}>; rel="next", <{newer}>; rel="prev"'}

    def _notifications(self, request: httpx.Request, me: dict[str, Any]) -> httpx.Response:
        params = request.url.params
        types = params.get_list("types[]")
        mine = [
            {k: v for k, v in n.items() if k != "for"}
            for n in self.notifications
            if n["for"] == me["id"] and (not types or n["type"] in types)
        ]
        limit = min(int(params.get("limit", "40")), self.page_size)
        page = self._page(mine, params, limit)
        return httpx.Response(200, json=page, headers=self._link(request, page))

    def _search(self, request: httpx.Request) -> httpx.Response:
        params = request.url.params
        query = params.get("q", "").lower()
        hits = [
            s
            for s in self.statuses.values()
            if s["visibility"] == "public" and query and query in s["content"].lower()
        ]
        limit = min(int(params.get("limit", "20")), self.page_size)
        page = self._page(hits, params, limit)
        return httpx.Response(200, json={"accounts": [], "statuses": page, "hashtags": []})

    def _create(self, request: httpx.Request, me: dict[str, Any], *, lost: bool) -> httpx.Response:
        if request.headers.get("content-type", "").startswith("application/json"):
            form = json.loads(request.content)
        else:
            form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
        key = request.headers.get("idempotency-key")
        if key is not None and (me["id"], key) in self.idempotency:
            return httpx.Response(200, json=self.statuses[self.idempotency[(me["id"], key)]])
        text = form.get("status", "")
        if not text.strip():
            return httpx.Response(422, json={"error": "Validation failed: Text can't be blank"})
        if len(text) > self.max_characters:
            return httpx.Response(
                422,
                json={
                    "error": "Validation failed: Text character limit of "
                    f"{self.max_characters} exceeded"
                },
            )
        reply_to = form.get("in_reply_to_id")
        if reply_to is not None and reply_to not in self.statuses:
            return httpx.Response(404, json={"error": "Record not found"})
        status = self.post(
            text, by=me, visibility=form.get("visibility", "public"), in_reply_to=reply_to
        )
        if key is not None:
            self.idempotency[(me["id"], key)] = status["id"]
        if me["id"] == self.brand["id"]:
            self.brand_posts += 1
        if lost:
            raise httpx.ReadTimeout("response lost", request=request)
        return httpx.Response(200, json=status)


class MastodonHarness(FakeHarness):
    """The contract suite's view of the fake instance.

    No webhooks: Mastodon pushes over streaming, not webhooks, for ordinary accounts.
    """

    server: MastodonServer

    def __init__(self) -> None:
        self.clock = FakeClock()
        self.server = MastodonServer(clock=self.clock)
        self.page_size = self.server.page_size
        self.customer = self.server.add_account("dana@remote.example")

    def make_channel(self, **options: Any) -> MastodonChannel:
        """A channel for the brand on the shared fake instance."""
        return MastodonChannel(
            account="brand@social.example",
            token=BRAND_TOKEN,
            client=self.client(),
            base_url=HOST,
            clock=self.clock,
            **options,
        )

    def customer_post(self, text: str, *, private: bool = False) -> str:
        """The customer mentions the brand, publicly or in a direct message."""
        status = self.server.post(
            f"@brand {text}",
            by=self.customer,
            visibility="direct" if private else "public",
        )
        return str(status["id"])

    def request_count(self) -> int:
        """Requests that reached the instance."""
        return len(self.server.requests)
