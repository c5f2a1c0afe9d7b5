"""An in-memory YouTube Data API v3 behind httpx.MockTransport, and the contract harness.

It serves ``commentThreads.list`` (newest first, ``pageToken``, ETags and
``If-None-Match``), ``comments.list`` and ``comments.insert`` in the documented
resource shapes, and Google's error bodies (``error.errors[].reason``).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import httpx

from socialcx.channels.youtube import YouTubeChannel, YouTubeQuota
from socialcx.testing import FakeClock
from tests.channels._common import FakeHarness, next_fault

CHANNEL_ID = "UCbrand0000000000000000a"
CUSTOMER_CHANNEL = "UCdana00000000000000000b"
ACCESS_TOKEN = "ya29.youtube-SECRET-token"
API_KEY = "AIza-youtube-SECRET-key"
VIDEO_ID = "dQw4w9WgXcQ"


def _rfc3339(clock: FakeClock) -> str:
    return clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")


class YouTubeServer:
    """Comment threads on one channel's videos."""

    def __init__(self, *, clock: FakeClock, page_size: int = 3) -> None:
        self.clock = clock
        self.page_size = page_size
        self.threads: list[dict[str, Any]] = []
        self.brand_posts = 0
        self.requests = 0
        self.seen: list[httpx.Request] = []
        self.fail: list[str] = []
        self.expired = False
        self.quota_exceeded = False
        self.comments_disabled = False
        self._seq = 0

    def _comment(
        self, text: str, *, author: str, name: str, parent: str | None = None
    ) -> dict[str, Any]:
        self._seq += 1
        native_id = f"{parent}.AX{self._seq:06d}" if parent else f"Ugz{self._seq:08d}"
        snippet: dict[str, Any] = {
            "channelId": CHANNEL_ID,
            "videoId": VIDEO_ID,
            "textDisplay": text.replace("&", "&amp;"),
            "textOriginal": text,
            "authorDisplayName": name,
            "authorChannelUrl": f"http://www.youtube.com/channel/{author}",
            "authorChannelId": {"value": author},
            "canRate": True,
            "viewerRating": "none",
            "likeCount": 6,
            "publishedAt": _rfc3339(self.clock),
            "updatedAt": _rfc3339(self.clock),
        }
        if parent:
            snippet["parentId"] = parent
        return {
            "kind": "youtube#comment",
            "etag": f"e{self._seq}",
            "id": native_id,
            "snippet": snippet,
        }

    def add_thread(self, text: str) -> dict[str, Any]:
        """A customer's top-level comment on the brand's video."""
        top = self._comment(text, author=CUSTOMER_CHANNEL, name="@dana")
        thread = {
            "kind": "youtube#commentThread",
            "etag": top["etag"],
            "id": top["id"],
            "snippet": {
                "channelId": CHANNEL_ID,
                "videoId": VIDEO_ID,
                "topLevelComment": top,
                "canReply": True,
                "totalReplyCount": 0,
                "isPublic": True,
            },
            "replies": {"comments": []},
        }
        self.threads.append(thread)
        return thread

    def _error(self, status: int, reason: str, message: str) -> httpx.Response:
        body = {
            "error": {
                "code": status,
                "message": message,
                "errors": [{"message": message, "domain": "youtube.api", "reason": reason}],
            }
        }
        return httpx.Response(status, json=body)

    def _listing_etag(self) -> str:
        return '"' + hashlib.sha256(json.dumps(self.threads).encode()).hexdigest()[:16] + '"'

    def handler(self, request: httpx.Request) -> httpx.Response:
        """Answer one request as the Data API would."""
        self.requests += 1
        self.seen.append(request)
        fault = next_fault(self.fail, request)
        if fault == "auth_expired" or self.expired:
            self.expired = True
            return self._error(401, "authError", "Invalid Credentials")
        if request.headers.get("authorization") != f"Bearer {ACCESS_TOKEN}" and (
            request.headers.get("x-goog-api-key") != API_KEY or request.method != "GET"
        ):
            return self._error(401, "authError", "Invalid Credentials")
        if self.quota_exceeded:
            return self._error(403, "quotaExceeded", "The request cannot be completed.")
        if fault == "rate_limited":
            return self._error(403, "rateLimitExceeded", "Rate Limit Exceeded")
        if fault == "server_error":
            return self._error(503, "backendError", "Backend Error")
        if fault == "malformed":
            return httpx.Response(200, text="<html>Error 500 (Server Error)</html>")
        path = request.url.path.removeprefix("/youtube/v3")
        params = request.url.params
        if request.method == "GET" and path == "/commentThreads":
            assert params["allThreadsRelatedToChannelId"] == CHANNEL_ID
            etag = self._listing_etag()
            token = params.get("pageToken")
            if token is None and request.headers.get("if-none-match") == etag:
                return httpx.Response(304, headers={"etag": etag})
            newest = sorted(
                self.threads,
                key=lambda t: (t["snippet"]["topLevelComment"]["snippet"]["publishedAt"], t["id"]),
                reverse=True,
            )
            start = int(token) if token else 0
            limit = min(int(params.get("maxResults", "20")), self.page_size)
            chunk = newest[start : start + limit]
            body: dict[str, Any] = {
                "kind": "youtube#commentThreadListResponse",
                "etag": etag,
                "pageInfo": {"totalResults": len(chunk), "resultsPerPage": limit},
                "items": chunk,
            }
            if start + limit < len(newest):
                body["nextPageToken"] = str(start + limit)
            return httpx.Response(200, json=body, headers={"etag": etag})
        if request.method == "GET" and path == "/comments":
            parent = params["parentId"]
            thread = next((t for t in self.threads if t["id"] == parent), None)
            if thread is None:
                return self._error(404, "commentNotFound", "Comment not found")
            return httpx.Response(
                200,
                json={
                    "kind": "youtube#commentListResponse",
                    "etag": "x",
                    "items": thread["replies"]["comments"],
                },
            )
        if request.method == "POST" and path == "/comments":
            if request.headers.get("authorization") != f"Bearer {ACCESS_TOKEN}":
                return self._error(401, "authError", "Login Required")
            snippet = json.loads(request.content)["snippet"]
            thread = next((t for t in self.threads if t["id"] == snippet["parentId"]), None)
            if thread is None:
                return self._error(404, "commentNotFound", "Comment not found")
            if self.comments_disabled:
                return self._error(403, "commentsDisabled", "Comments are disabled")
            reply = self._comment(
                snippet["textOriginal"], author=CHANNEL_ID, name="@acme", parent=thread["id"]
            )
            thread["replies"]["comments"].append(reply)
            thread["snippet"]["totalReplyCount"] += 1
            self.brand_posts += 1
            if fault == "lost_response":
                raise httpx.ReadTimeout("response lost", request=request)
            return httpx.Response(200, json=reply)
        return self._error(404, "notFound", "Not Found")


class YouTubeHarness(FakeHarness):
    """The contract harness: channels on one fake YouTube, comments, faults, counts."""

    server: YouTubeServer

    def __init__(self) -> None:
        self.clock = FakeClock()
        self.server = YouTubeServer(clock=self.clock)
        self.page_size = self.server.page_size

    def make_channel(self, *, quota: YouTubeQuota | None = None) -> YouTubeChannel:
        """A channel on the shared server."""
        return YouTubeChannel(
            account=CHANNEL_ID,
            access_token=ACCESS_TOKEN,
            client=self.client(),
            clock=self.clock,
            quota=quota,
        )

    def customer_post(self, text: str, *, private: bool = False) -> str:
        """A customer comments on the brand's video (YouTube has no private messages)."""
        assert not private, "YouTube has no private messages"
        self.clock.advance(1)
        return str(self.server.add_thread(text)["id"])
