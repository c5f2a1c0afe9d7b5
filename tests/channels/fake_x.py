"""An in-memory X API v2 behind httpx.MockTransport, and the contract harness on it.

The server speaks X's documented JSON: ``data`` / ``includes.users`` / ``meta``
pages newest first with ``since_id`` and ``pagination_token``/``next_token``,
problem+json errors, ``x-rate-limit-*`` headers with an epoch reset, direct
message events, and Account Activity deliveries signed with the consumer secret.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import httpx

from socialcx.channels import sign_base64
from socialcx.channels.x import SNOWFLAKE_EPOCH_MS, XChannel
from socialcx.testing import FakeClock
from tests.channels._common import FakeHarness, next_fault

BRAND_ID = "9001"
BRAND_HANDLE = "acmebrand"
CUSTOMER_ID = "1001"
CUSTOMER_HANDLE = "dana"
BEARER = "x-bearer-SECRET-7f3a"
CONSUMER_SECRET = "x-consumer-SECRET-91bc"


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _v1_time(moment: datetime) -> str:
    return moment.strftime("%a %b %d %H:%M:%S +0000 %Y")


class XServer:
    """X's API for one brand account, in memory."""

    def __init__(self, *, clock: FakeClock, page_size: int = 3) -> None:
        self.clock = clock
        self.page_size = page_size
        self.consumer_secret = CONSUMER_SECRET
        self.users: dict[str, dict[str, Any]] = {
            BRAND_ID: {
                "id": BRAND_ID,
                "username": BRAND_HANDLE,
                "name": "Acme",
                "verified": True,
                "public_metrics": {"followers_count": 50_000},
            },
            CUSTOMER_ID: {
                "id": CUSTOMER_ID,
                "username": CUSTOMER_HANDLE,
                "name": "Dana",
                "verified": False,
                "public_metrics": {"followers_count": 120},
            },
        }
        self.tweets: list[dict[str, Any]] = []
        self.dm_events: list[dict[str, Any]] = []
        self.brand_posts = 0
        self.requests = 0
        self.seen: list[httpx.Request] = []
        self.fail: list[str] = []
        self.expired = False
        self._seq = 0

    # -- state --

    def _next_id(self) -> str:
        self._seq += 1
        ms = int(self.clock.now().timestamp() * 1000) - SNOWFLAKE_EPOCH_MS
        return str((ms << 22) + self._seq)

    def add_tweet(
        self, text: str, *, author_id: str = CUSTOMER_ID, in_reply_to: str | None = None
    ) -> dict[str, Any]:
        """A post; customers' posts mention the brand."""
        native_id = self._next_id()
        tweet: dict[str, Any] = {
            "id": native_id,
            "text": text,
            "author_id": author_id,
            "created_at": _iso(self.clock.now()),
            "conversation_id": native_id,
            "edit_history_tweet_ids": [native_id],
            "lang": "en",
            "public_metrics": {
                "retweet_count": 1,
                "reply_count": 0,
                "like_count": 4,
                "quote_count": 0,
                "impression_count": 90,
            },
        }
        if in_reply_to is not None:
            parent = next((t for t in self.tweets if t["id"] == in_reply_to), None)
            tweet["referenced_tweets"] = [{"type": "replied_to", "id": in_reply_to}]
            tweet["conversation_id"] = parent["conversation_id"] if parent else in_reply_to
            if parent:
                tweet["in_reply_to_user_id"] = parent["author_id"]
        self.tweets.append(tweet)
        return tweet

    def add_dm(self, text: str, *, sender_id: str, participant_id: str) -> dict[str, Any]:
        """A direct message between the brand and ``participant_id``."""
        pair = sorted((BRAND_ID, participant_id))
        event = {
            "id": self._next_id(),
            "event_type": "MessageCreate",
            "text": text,
            "sender_id": sender_id,
            "dm_conversation_id": f"{pair[0]}-{pair[1]}",
            "created_at": _iso(self.clock.now()),
            "participant_id": participant_id,
        }
        self.dm_events.append(event)
        return event

    # -- HTTP --

    def _includes(self, ids: list[str]) -> dict[str, Any]:
        users = [self.users[i] for i in dict.fromkeys(ids) if i in self.users]
        return {"users": users} if users else {}

    def _problem(self, status: int, kind: str, title: str, **headers: str) -> httpx.Response:
        body = {
            "type": f"https://api.x.com/2/problems/{kind}" if kind else "about:blank",
            "title": title,
            "status": status,
            "detail": title,
        }
        return httpx.Response(
            status, json=body, headers={"content-type": "application/problem+json", **headers}
        )

    def _timeline(self, items: list[dict[str, Any]], params: httpx.QueryParams) -> dict[str, Any]:
        """Newest first above ``since_id``; the token is the oldest id already returned."""
        since = params.get("since_id")
        token = params.get("pagination_token") or params.get("next_token")
        limit = min(int(params.get("max_results", "10")), self.page_size)
        newest_first = sorted(items, key=lambda t: (len(t["id"]), t["id"]), reverse=True)

        def key(value: str) -> tuple[int, str]:
            return (len(value), value)

        chosen = [
            t
            for t in newest_first
            if (since is None or key(t["id"]) > key(since))
            and (token is None or key(t["id"]) < key(token[1:]))
        ]
        page = chosen[:limit]
        meta: dict[str, Any] = {"result_count": len(page)}
        if page:
            meta["newest_id"] = page[0]["id"]
            meta["oldest_id"] = page[-1]["id"]
        if len(chosen) > limit:
            meta["next_token"] = "p" + page[-1]["id"]
        body: dict[str, Any] = {"meta": meta}
        if page:
            body["data"] = page
            includes = self._includes([t.get("author_id") or t.get("sender_id") for t in page])
            if includes:
                body["includes"] = includes
        return body

    def handler(self, request: httpx.Request) -> httpx.Response:
        """Answer one request as X would."""
        self.requests += 1
        self.seen.append(request)
        fault = next_fault(self.fail, request)
        if fault == "auth_expired" or self.expired:
            self.expired = True
            return self._problem(401, "", "Unauthorized")
        if request.headers.get("authorization") != f"Bearer {BEARER}":
            return self._problem(401, "", "Unauthorized")
        if fault == "rate_limited":
            reset = int(self.clock.now().timestamp()) + 17
            return self._problem(
                429,
                "rate-limit-exceeded",
                "Too Many Requests",
                **{
                    "x-rate-limit-limit": "300",
                    "x-rate-limit-remaining": "0",
                    "x-rate-limit-reset": str(reset),
                },
            )
        if fault == "server_error":
            return httpx.Response(503, text="Service Unavailable")
        if fault == "malformed":
            return httpx.Response(200, text="<html>Something went wrong</html>")
        rate = {
            "x-rate-limit-limit": "300",
            "x-rate-limit-remaining": "299",
            "x-rate-limit-reset": str(int(self.clock.now().timestamp()) + 900),
        }
        path = request.url.path
        params = request.url.params
        if request.method == "GET" and path == f"/2/users/{BRAND_ID}/mentions":
            mentions = [t for t in self.tweets if t["author_id"] != BRAND_ID]
            return httpx.Response(200, json=self._timeline(mentions, params), headers=rate)
        if request.method == "GET" and path == "/2/tweets/search/recent":
            query = params.get("query", "").lower()
            found = [t for t in self.tweets if query in t["text"].lower()]
            return httpx.Response(200, json=self._timeline(found, params), headers=rate)
        if request.method == "GET" and path == f"/2/users/{BRAND_ID}/tweets":
            own = [t for t in self.tweets if t["author_id"] == BRAND_ID]
            return httpx.Response(200, json=self._timeline(own, params), headers=rate)
        if request.method == "POST" and path == "/2/tweets":
            data = json.loads(request.content)
            reply = data.get("reply") or {}
            target = reply.get("in_reply_to_tweet_id")
            if target is not None and not any(t["id"] == target for t in self.tweets):
                return self._problem(400, "invalid-request", "Invalid Request")
            if any(t["author_id"] == BRAND_ID and t["text"] == data["text"] for t in self.tweets):
                return self._problem(403, "", "Forbidden: duplicate content")
            tweet = self.add_tweet(data["text"], author_id=BRAND_ID, in_reply_to=target)
            self.brand_posts += 1
            if fault == "lost_response":
                raise httpx.ReadTimeout("response lost", request=request)
            return httpx.Response(
                201, json={"data": {"id": tweet["id"], "text": tweet["text"]}}, headers=rate
            )
        if request.method == "GET" and path == "/2/dm_events":
            return httpx.Response(200, json=self._timeline(self.dm_events, params), headers=rate)
        prefix = "/2/dm_conversations/with/"
        if path.startswith(prefix) and path.endswith("/messages") and request.method == "POST":
            participant = path[len(prefix) : -len("/messages")]
            if participant not in self.users or participant == BRAND_ID:
                return self._problem(403, "", "Forbidden")
            data = json.loads(request.content)
            event = self.add_dm(data["text"], sender_id=BRAND_ID, participant_id=participant)
            self.brand_posts += 1
            if fault == "lost_response":
                raise httpx.ReadTimeout("response lost", request=request)
            return httpx.Response(
                201,
                json={
                    "data": {
                        "dm_conversation_id": event["dm_conversation_id"],
                        "dm_event_id": event["id"],
                    }
                },
                headers=rate,
            )
        if path.startswith(prefix) and path.endswith("/dm_events") and request.method == "GET":
            participant = path[len(prefix) : -len("/dm_events")]
            events = [e for e in self.dm_events if e["participant_id"] == participant]
            return httpx.Response(200, json=self._timeline(events, params), headers=rate)
        return self._problem(404, "resource-not-found", "Not Found")

    # -- push --

    def webhook_body(self, native_id: str) -> bytes:
        """The Account Activity delivery for a post or direct message."""
        tweet = next((t for t in self.tweets if t["id"] == native_id), None)
        if tweet is not None:
            user = self.users[tweet["author_id"]]
            v1_user = {
                "id": int(user["id"]),
                "id_str": user["id"],
                "name": user["name"],
                "screen_name": user["username"],
                "followers_count": user["public_metrics"]["followers_count"],
                "verified": user["verified"],
            }
            created = datetime.fromisoformat(tweet["created_at"].replace("Z", "+00:00"))
            event = {
                "created_at": _v1_time(created),
                "id": int(tweet["id"]),
                "id_str": tweet["id"],
                "text": tweet["text"],
                "user": v1_user,
                "in_reply_to_status_id_str": None,
                "favorite_count": 4,
                "retweet_count": 1,
                "lang": "en",
            }
            payload: dict[str, Any] = {"for_user_id": BRAND_ID, "tweet_create_events": [event]}
        else:
            dm = next(e for e in self.dm_events if e["id"] == native_id)
            created = datetime.fromisoformat(dm["created_at"].replace("Z", "+00:00"))
            recipient = BRAND_ID if dm["sender_id"] != BRAND_ID else dm["participant_id"]
            payload = {
                "for_user_id": BRAND_ID,
                "direct_message_events": [
                    {
                        "type": "message_create",
                        "id": dm["id"],
                        "created_timestamp": str(int(created.timestamp() * 1000)),
                        "message_create": {
                            "target": {"recipient_id": recipient},
                            "sender_id": dm["sender_id"],
                            "message_data": {"text": dm["text"], "entities": {}},
                        },
                    }
                ],
                "users": {
                    uid: {
                        "id": uid,
                        "name": self.users[uid]["name"],
                        "screen_name": self.users[uid]["username"],
                        "followers_count": self.users[uid]["public_metrics"]["followers_count"],
                    }
                    for uid in (dm["sender_id"], recipient)
                },
            }
        return json.dumps(payload, separators=(",", ":")).encode()

    def sign(self, body: bytes) -> dict[str, str]:
        """The headers X sends with a delivery."""
        return {
            "x-twitter-webhooks-signature": "sha256=" + sign_base64(self.consumer_secret, body),
            "content-type": "application/json",
        }


class XHarness(FakeHarness):
    """The contract harness: channels on one fake X, customer posts, faults, counts."""

    server: XServer

    def __init__(self, *, query: str | None = None) -> None:
        self.clock = FakeClock()
        self.server = XServer(clock=self.clock)
        self.page_size = self.server.page_size
        self.query = query

    def make_channel(self) -> XChannel:
        """A channel on the shared server."""
        return XChannel(
            account=BRAND_ID,
            bearer_token=BEARER,
            consumer_secret=CONSUMER_SECRET,
            client=self.client(),
            clock=self.clock,
            query=self.query,
        )

    def customer_post(self, text: str, *, private: bool = False) -> str:
        """A customer mentions the brand, or writes to it privately."""
        self.clock.advance(1)
        if private:
            return str(
                self.server.add_dm(text, sender_id=CUSTOMER_ID, participant_id=CUSTOMER_ID)["id"]
            )
        return str(self.server.add_tweet(f"@{BRAND_HANDLE} {text}")["id"])

    def webhook(self, native_id: str) -> tuple[Mapping[str, str], bytes] | None:
        """The signed Account Activity delivery for ``native_id``."""
        body = self.server.webhook_body(native_id)
        return self.server.sign(body), body
