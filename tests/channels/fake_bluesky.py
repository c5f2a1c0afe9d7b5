"""An in-memory Bluesky (PDS, AppView and chat service in one) behind httpx.MockTransport.

It speaks the XRPC shapes of the lexicons: sessions from ``createSession``
and ``refreshSession`` (``ExpiredToken`` once a token expires), notifications
and search newest first with an opaque ``cursor``, ``createRecord`` that
refuses a record key already in use (with a 500, as the reference PDS does),
``getRecord``, and the chat service's ``getLog``, ``getConvoForMembers``,
``getMessages`` and ``sendMessage`` behind the ``atproto-proxy`` header.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime, timedelta
from typing import Any

import httpx

from socialcx.channels.bluesky import CHAT_PROXY, BlueskyChannel, BlueskySession
from socialcx.model import graphemes
from socialcx.testing import FakeClock
from tests.channels._common import FakeHarness, next_fault

HOST = "https://pds.example"
BRAND_HANDLE = "brand.example.com"
APP_PASSWORD = "abcd-efgh-ijkl-mnop"  # the fake account's app password
_TID = re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _cid(data: Any) -> str:
    return "bafyrei" + hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:52]


def _error(status: int, error: str, message: str = "") -> httpx.Response:
    return httpx.Response(status, json={"error": error, "message": message or error})


class BlueskyServer:
    """Accounts, posts, notifications, records, sessions and chats."""

    def __init__(self, *, clock: FakeClock | None = None, page_size: int = 3) -> None:
        self.clock = clock or FakeClock()
        self.page_size = page_size
        self.accounts: dict[str, dict[str, Any]] = {}  # did -> profile
        self.passwords: dict[str, str] = {}  # handle -> app password
        self.records: dict[str, dict[str, Any]] = {}  # uri -> {"cid", "value", "indexedAt"}
        self.notifications: list[dict[str, Any]] = []  # {"for": did, ...notification}
        self.access: dict[str, str] = {}  # token -> did
        self.refresh: dict[str, str] = {}
        self.expired: set[str] = set()
        self.convos: dict[str, dict[str, Any]] = {}
        self.chat_log: list[dict[str, Any]] = []
        self.requests: list[httpx.Request] = []
        self.fail: list[str] = []
        self.brand_posts = 0
        self.sessions_created = 0
        self._serial = 0
        self.brand = self.add_account(BRAND_HANDLE, password=APP_PASSWORD)

    # --- state

    def _next(self) -> int:
        self._serial += 1
        return self._serial

    def add_account(self, handle: str, *, password: str | None = None) -> dict[str, Any]:
        """Create an account; its DID is derived from the handle."""
        did = "did:plc:" + hashlib.sha256(handle.encode()).hexdigest()[:24]
        profile = {
            "did": did,
            "handle": handle,
            "displayName": handle.split(".")[0].title(),
            "avatar": f"https://cdn.example/{did}.jpg",
            "labels": [],
            "createdAt": "2024-01-01T00:00:00.000Z",
        }
        self.accounts[did] = profile
        if password is not None:
            self.passwords[handle] = password
        return profile

    def issue_session(self, did: str) -> dict[str, str]:
        """New tokens for ``did``."""
        n = self._next()
        access, refresh = f"access-{n}-{did[-6:]}", f"refresh-{n}-{did[-6:]}"
        self.access[access] = did
        self.refresh[refresh] = did
        profile = self.accounts[did]
        return {
            "did": did,
            "handle": profile["handle"],
            "accessJwt": access,
            "refreshJwt": refresh,
            "active": True,
        }

    def expire_access(self) -> None:
        """Every access token expires (refresh tokens still work)."""
        self.expired |= set(self.access)

    def expire_everything(self) -> None:
        """Access and refresh tokens all expire."""
        self.expired |= set(self.access) | set(self.refresh)

    def _tid(self) -> str:
        micros = int(self.clock.now().timestamp() * 1_000_000) + self._next()
        value = micros << 10
        alphabet = "234567abcdefghijklmnopqrstuvwxyz"
        return "".join(alphabet[(value >> (5 * i)) & 31] for i in reversed(range(13)))

    def _post_view(self, uri: str) -> dict[str, Any]:
        stored = self.records[uri]
        did = uri[5:].split("/", 1)[0]
        return {
            "uri": uri,
            "cid": stored["cid"],
            "author": {k: v for k, v in self.accounts[did].items() if k != "createdAt"},
            "record": stored["value"],
            "replyCount": stored["replies"],
            "repostCount": 0,
            "likeCount": 2,
            "quoteCount": 0,
            "indexedAt": stored["indexedAt"],
            "labels": [],
        }

    def write_post(
        self,
        did: str,
        text: str,
        *,
        rkey: str | None = None,
        reply_to: str | None = None,
        record: dict[str, Any] | None = None,
    ) -> str:
        """Store a post (and the brand's notification if it concerns the brand)."""
        rkey = rkey or self._tid()
        uri = f"at://{did}/app.bsky.feed.post/{rkey}"
        if record is None:
            record = {
                "$type": "app.bsky.feed.post",
                "text": text,
                "createdAt": _iso(self.clock.now()),
            }
            brand_mention = f"@{BRAND_HANDLE}"
            if brand_mention in text:
                start = len(text[: text.index(brand_mention)].encode())
                record["facets"] = [
                    {
                        "index": {"byteStart": start, "byteEnd": start + len(brand_mention)},
                        "features": [
                            {"$type": "app.bsky.richtext.facet#mention", "did": self.brand["did"]}
                        ],
                    }
                ]
            if reply_to is not None:
                parent = self.records[reply_to]
                root = parent["value"].get("reply", {}).get("root") or {
                    "uri": reply_to,
                    "cid": parent["cid"],
                }
                record["reply"] = {"root": root, "parent": {"uri": reply_to, "cid": parent["cid"]}}
        self.records[uri] = {
            "cid": _cid(record),
            "value": record,
            "indexedAt": _iso(self.clock.now()),
            "replies": 0,
        }
        parent_uri = record.get("reply", {}).get("parent", {}).get("uri")
        if parent_uri in self.records:
            self.records[parent_uri]["replies"] += 1
        mentions_brand = any(
            f.get("did") == self.brand["did"]
            for facet in record.get("facets", [])
            for f in facet.get("features", [])
        )
        replies_to_brand = isinstance(parent_uri, str) and parent_uri.startswith(
            f"at://{self.brand['did']}/"
        )
        if did != self.brand["did"] and (mentions_brand or replies_to_brand):
            self.notify("reply" if replies_to_brand else "mention", uri, did)
        self.clock.advance(1)
        return uri

    def notify(self, reason: str, uri: str, did: str) -> None:
        """A notification for the brand about ``uri`` by ``did``."""
        stored = self.records.get(uri)
        self.notifications.append(
            {
                "uri": uri,
                "cid": stored["cid"] if stored else _cid(uri),
                "author": {k: v for k, v in self.accounts[did].items() if k != "createdAt"},
                "reason": reason,
                "record": stored["value"] if stored else {"$type": "app.bsky.feed.like"},
                "isRead": False,
                "indexedAt": _iso(self.clock.now()),
                "labels": [],
            }
        )

    def convo_for(self, *members: str) -> dict[str, Any]:
        """The one conversation between ``members``."""
        key = frozenset(members)
        for convo in self.convos.values():
            if convo["members"] == key:
                return convo
        convo = {"id": f"convo{self._next():04d}", "members": key, "messages": []}
        self.convos[convo["id"]] = convo
        return convo

    def send_chat(self, sender: str, recipient: str, text: str) -> dict[str, Any]:
        """A chat message, added to the conversation and the log."""
        convo = self.convo_for(sender, recipient)
        rev = f"{self._next():013d}"
        message = {
            "$type": "chat.bsky.convo.defs#messageView",
            "id": f"msg{rev}",
            "rev": rev,
            "text": text,
            "sender": {"did": sender},
            "sentAt": _iso(self.clock.now()),
        }
        convo["messages"].append(message)
        self.chat_log.append(
            {
                "$type": "chat.bsky.convo.defs#logCreateMessage",
                "rev": rev,
                "convoId": convo["id"],
                "message": message,
            }
        )
        self.clock.advance(1)
        return message

    # --- HTTP

    def handler(self, request: httpx.Request) -> httpx.Response:
        """The MockTransport handler."""
        self.requests.append(request)
        fault = next_fault(self.fail, request, writes_only={"lost_response"})
        if fault == "rate_limited":
            reset = self.clock.now() + timedelta(seconds=90)
            return httpx.Response(
                429,
                headers={
                    "RateLimit-Limit": "3000",
                    "RateLimit-Remaining": "0",
                    "RateLimit-Reset": str(int(reset.timestamp())),
                    "RateLimit-Policy": "3000;w=300",
                },
                json={"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
            )
        if fault == "server_error":
            return httpx.Response(502, text="<html>Bad Gateway</html>")
        if fault == "auth_expired":
            self.expire_everything()
        nsid = request.url.path.removeprefix("/xrpc/")
        if nsid == "com.atproto.server.createSession":
            return self._create_session(request)
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if nsid == "com.atproto.server.refreshSession":
            return self._refresh_session(token)
        if token in self.expired:
            return _error(400, "ExpiredToken", "Token has expired")
        if token not in self.access:
            return _error(401, "AuthenticationRequired", "Invalid identifier or password")
        if fault == "malformed":
            return httpx.Response(200, text="<html>oops</html>")
        did = self.access[token]
        if nsid.startswith("chat."):
            if request.headers.get("atproto-proxy") != CHAT_PROXY:
                return _error(400, "InvalidRequest", "chat needs the atproto-proxy header")
            return self._chat(request, nsid, did, lost=fault == "lost_response")
        return self._app(request, nsid, did, lost=fault == "lost_response")

    def _create_session(self, request: httpx.Request) -> httpx.Response:
        data = json.loads(request.content)
        handle = data.get("identifier")
        if self.passwords.get(handle) != data.get("password"):
            return _error(401, "AuthenticationRequired", "Invalid identifier or password")
        self.sessions_created += 1
        did = next(a["did"] for a in self.accounts.values() if a["handle"] == handle)
        return httpx.Response(200, json=self.issue_session(did))

    def _refresh_session(self, token: str) -> httpx.Response:
        if token in self.expired:
            return _error(400, "ExpiredToken", "Token has expired")
        if token not in self.refresh:
            return _error(400, "InvalidToken", "Token could not be verified")
        return httpx.Response(200, json=self.issue_session(self.refresh[token]))

    def _newest_first(
        self, items: list[dict[str, Any]], params: httpx.QueryParams
    ) -> httpx.Response | tuple[list[dict[str, Any]], str | None]:
        items = sorted(items, key=lambda i: (i["indexedAt"], i["uri"]), reverse=True)
        if "cursor" in params:
            at, _, uri = params["cursor"].partition("::")
            items = [i for i in items if (i["indexedAt"], i["uri"]) < (at, uri)]
        limit = min(int(params.get("limit", "50")), self.page_size)
        page = items[:limit]
        cursor = f"{page[-1]['indexedAt']}::{page[-1]['uri']}" if len(items) > limit else None
        return page, cursor

    def _app(self, request: httpx.Request, nsid: str, did: str, *, lost: bool) -> httpx.Response:
        params = request.url.params
        if nsid == "app.bsky.notification.listNotifications":
            reasons = params.get_list("reasons")
            mine = [
                {k: v for k, v in n.items() if k != "for"}
                for n in self.notifications
                if did == self.brand["did"] and (not reasons or n["reason"] in reasons)
            ]
            result = self._newest_first(mine, params)
            assert isinstance(result, tuple)
            page, cursor = result
            body: dict[str, Any] = {"notifications": page, "seenAt": _iso(self.clock.now())}
            if cursor:
                body["cursor"] = cursor
            return httpx.Response(200, json=body)
        if nsid == "app.bsky.feed.searchPosts":
            query = params.get("q", "").lower()
            since = params.get("since")
            hits = [
                self._post_view(uri)
                for uri, stored in self.records.items()
                if "/app.bsky.feed.post/" in uri
                and query
                and query in stored["value"].get("text", "").lower()
                and (since is None or stored["indexedAt"] >= since)
            ]
            result = self._newest_first(hits, params)
            assert isinstance(result, tuple)
            page, cursor = result
            body = {"posts": page}
            if cursor:
                body["cursor"] = cursor
            return httpx.Response(200, json=body)
        if nsid == "app.bsky.feed.getPosts":
            uris = params.get_list("uris")
            return httpx.Response(
                200, json={"posts": [self._post_view(u) for u in uris if u in self.records]}
            )
        if nsid == "app.bsky.actor.getProfile":
            actor = params.get("actor", "")
            found = next(
                (a for a in self.accounts.values() if actor in (a["did"], a["handle"])), None
            )
            if found is None:
                return _error(400, "InvalidRequest", "Profile not found")
            return httpx.Response(200, json=found)
        if nsid == "com.atproto.repo.getRecord":
            repo = params.get("repo", "")
            repo_did = next(
                (a["did"] for a in self.accounts.values() if repo in (a["did"], a["handle"])), repo
            )
            uri = f"at://{repo_did}/{params.get('collection')}/{params.get('rkey')}"
            stored = self.records.get(uri)
            if stored is None:
                return _error(400, "RecordNotFound", f"Could not locate record: {uri}")
            return httpx.Response(
                200, json={"uri": uri, "cid": stored["cid"], "value": stored["value"]}
            )
        if nsid == "com.atproto.repo.createRecord" and request.method == "POST":
            return self._create_record(json.loads(request.content), did, request, lost=lost)
        return _error(400, "MethodNotImplemented", f"{nsid} is not implemented")

    def _create_record(
        self, data: dict[str, Any], did: str, request: httpx.Request, *, lost: bool
    ) -> httpx.Response:
        if data.get("repo") not in (did, self.accounts[did]["handle"]):
            return _error(400, "InvalidRequest", "repo does not match the session")
        record = data.get("record", {})
        rkey = data.get("rkey")
        if rkey is not None and not _TID.match(rkey):
            return _error(400, "InvalidRequest", "Invalid record key")
        text = record.get("text", "")
        if len(graphemes(text)) > 300:
            return _error(
                400,
                "InvalidRequest",
                "Invalid app.bsky.feed.post record: "
                "Record/text must not be longer than 300 graphemes",
            )
        reply = record.get("reply")
        if reply is not None and reply["parent"]["uri"] not in self.records:
            return _error(400, "InvalidRequest", "parent not found")
        uri = f"at://{did}/{data['collection']}/{rkey}"
        if uri in self.records:
            return _error(500, "InternalServerError", "Internal Server Error")
        uri = self.write_post(did, text, rkey=rkey, record=record)
        if did == self.brand["did"]:
            self.brand_posts += 1
        if lost:
            raise httpx.ReadTimeout("response lost", request=request)
        return httpx.Response(
            200,
            json={
                "uri": uri,
                "cid": self.records[uri]["cid"],
                "commit": {"cid": _cid(uri + "commit"), "rev": self._tid()},
                "validationStatus": "valid",
            },
        )

    def _chat(self, request: httpx.Request, nsid: str, did: str, *, lost: bool) -> httpx.Response:
        params = request.url.params
        if nsid == "chat.bsky.convo.getLog":
            mine = [
                e
                for e in self.chat_log
                if did in self.convos[e["convoId"]]["members"]
                and e["rev"] > params.get("cursor", "")
            ]
            page = mine[: self.page_size]
            body: dict[str, Any] = {"logs": page}
            if page:
                body["cursor"] = page[-1]["rev"]
            elif "cursor" in params:
                body["cursor"] = params["cursor"]
            return httpx.Response(200, json=body)
        if nsid == "chat.bsky.convo.getConvoForMembers":
            members = params.get_list("members")
            if any(m not in self.accounts for m in members):
                return _error(400, "InvalidRequest", "recipient not found")
            convo = self.convo_for(did, *members)
            return httpx.Response(
                200,
                json={
                    "convo": {
                        "id": convo["id"],
                        "rev": "0",
                        "members": [self.accounts[m] for m in sorted(convo["members"])],
                        "muted": False,
                        "unreadCount": 0,
                    }
                },
            )
        if nsid == "chat.bsky.convo.getMessages":
            convo = self.convos.get(params.get("convoId", ""))
            if convo is None or did not in convo["members"]:
                return _error(400, "InvalidRequest", "Convo not found")
            limit = int(params.get("limit", "50"))
            return httpx.Response(200, json={"messages": list(reversed(convo["messages"]))[:limit]})
        if nsid == "chat.bsky.convo.sendMessage" and request.method == "POST":
            data = json.loads(request.content)
            convo = self.convos.get(data.get("convoId", ""))
            if convo is None or did not in convo["members"]:
                return _error(400, "InvalidRequest", "Convo not found")
            (other,) = convo["members"] - {did}
            message = self.send_chat(did, other, data["message"]["text"])
            if did == self.brand["did"]:
                self.brand_posts += 1
            if lost:
                raise httpx.ReadTimeout("response lost", request=request)
            return httpx.Response(200, json=message)
        return _error(400, "MethodNotImplemented", f"{nsid} is not implemented")


class BlueskyHarness(FakeHarness):
    """The contract suite's view of the fake network: a channel with saved tokens."""

    server: BlueskyServer

    def __init__(self) -> None:
        self.clock = FakeClock()
        self.server = BlueskyServer(clock=self.clock)
        self.page_size = self.server.page_size
        self.customer = self.server.add_account("dana.example.net")
        tokens = self.server.issue_session(self.server.brand["did"])
        self.session = BlueskySession(
            did=tokens["did"],
            handle=tokens["handle"],
            access_jwt=tokens["accessJwt"],
            refresh_jwt=tokens["refreshJwt"],
        )

    def make_channel(self, **options: Any) -> BlueskyChannel:
        """A channel for the brand, resuming the saved session."""
        settings: dict[str, Any] = {"session": self.session}
        settings.update(options)
        return BlueskyChannel(
            account=BRAND_HANDLE, client=self.client(), base_url=HOST, clock=self.clock, **settings
        )

    def customer_post(self, text: str, *, private: bool = False) -> str:
        """The customer mentions the brand, or writes to it in chat."""
        if private:
            return str(
                self.server.send_chat(self.customer["did"], self.server.brand["did"], text)["id"]
            )
        return self.server.write_post(self.customer["did"], f"@{BRAND_HANDLE} {text}")

    def request_count(self) -> int:
        """Requests that reached the server."""
        return len(self.server.requests)
