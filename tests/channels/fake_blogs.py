"""An in-memory blog serving RSS 2.0 or Atom behind httpx.MockTransport, and the harness.

The server honours conditional GET the way web servers do: a strong ``ETag``
over the document and ``Last-Modified`` from the newest entry, answering 304
to a matching ``If-None-Match`` (or, without one, ``If-Modified-Since``).
WebSub deliveries are the feed document signed with ``X-Hub-Signature``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any
from xml.sax.saxutils import escape

import httpx

from socialcx.channels import sign_hex
from socialcx.channels.blogs import BlogFeedChannel
from socialcx.testing import FakeClock
from socialcx.testing.contract import ContractFault
from tests.channels._common import FakeHarness, next_fault

FEED_URL = "https://blog.example.com/feed"
HUB_SECRET = "websub-hub-SECRET-5d"
FEED_PASSWORD = "feed-password-SECRET-8e"


class BlogServer:
    """A blog whose feed shows the latest ``window`` entries."""

    def __init__(self, *, clock: FakeClock, kind: str = "atom", window: int = 20) -> None:
        self.clock = clock
        self.kind = kind
        self.window = window
        self.entries: list[dict[str, Any]] = []
        self.requests = 0
        self.seen: list[httpx.Request] = []
        self.fail: list[str] = []
        self.etags = True
        self._seq = 0

    def add(
        self, title: str, *, body: str = "<p>Read more&hellip;</p>", **extra: Any
    ) -> dict[str, Any]:
        """A new post."""
        self._seq += 1
        entry = {
            "id": f"tag:blog.example.com,2026:post-{self._seq}",
            "link": f"https://blog.example.com/posts/{self._seq}",
            "title": title,
            "body": body,
            "author": "Casey Writer",
            "published": self.clock.now(),
            "updated": self.clock.now(),
            **extra,
        }
        self.entries.append(entry)
        return entry

    def document(self, entries: list[dict[str, Any]] | None = None) -> bytes:
        """The feed as XML."""
        shown = entries if entries is not None else self.entries[-self.window :][::-1]
        if self.kind == "rss":
            items = "".join(
                "<item>"
                f"<title>{escape(e['title'])}</title>"
                f"<link>{escape(e['link'])}</link>"
                + (
                    f'<guid isPermaLink="false">{escape(e["id"])}</guid>'
                    if e.get("guid", True)
                    else ""
                )
                + f"<pubDate>{format_datetime(e['published'])}</pubDate>"
                f"<dc:creator>{escape(e['author'])}</dc:creator>"
                f"<description>{escape(e['body'])}</description>"
                "</item>"
                for e in shown
            )
            return (
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
                "<title>Example blog</title><link>https://blog.example.com/</link>"
                "<language>en</language>"
                f"{items}</channel></rss>"
            ).encode()
        entries_xml = "".join(
            "<entry>"
            f"<id>{escape(e['id'])}</id>"
            f"<title>{escape(e['title'])}</title>"
            f'<link rel="alternate" href="{escape(e["link"])}"/>'
            f"<published>{e['published'].isoformat()}</published>"
            f"<updated>{e['updated'].isoformat()}</updated>"
            f"<author><name>{escape(e['author'])}</name></author>"
            f'<content type="html">{escape(e["body"])}</content>'
            "</entry>"
            for e in shown
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?>'
            '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">'
            "<title>Example blog</title><id>tag:blog.example.com,2026:feed</id>"
            f"<updated>{self.clock.now().isoformat()}</updated>"
            '<link rel="hub" href="https://hub.example.com/"/>'
            f"{entries_xml}</feed>"
        ).encode()

    def _last_modified(self) -> datetime | None:
        return max((e["updated"] for e in self.entries), default=None)

    def handler(self, request: httpx.Request) -> httpx.Response:
        """Answer a GET of the feed as a web server would."""
        self.requests += 1
        self.seen.append(request)
        fault = next_fault(self.fail, request)
        if fault == "rate_limited":
            return httpx.Response(429, headers={"Retry-After": "17"}, text="slow down")
        if fault == "server_error":
            return httpx.Response(503, headers={"Retry-After": "5"}, text="maintenance")
        if fault == "malformed":
            return httpx.Response(
                200, headers={"content-type": "text/html"}, text="<html><body>Oops</body></html>"
            )
        if request.url.path == "/old-feed":
            return httpx.Response(301, headers={"location": FEED_URL})
        if request.url.path == "/private-feed":
            expected = httpx.BasicAuth("reader", FEED_PASSWORD)._auth_header
            if request.headers.get("authorization") != expected:
                return httpx.Response(401, text="auth required")
        body = self.document()
        headers = {"content-type": f"application/{self.kind}+xml; charset=utf-8"}
        etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
        if self.etags:
            headers["etag"] = etag
        modified = self._last_modified()
        if modified is not None:
            headers["last-modified"] = format_datetime(modified, usegmt=True)
        match = request.headers.get("if-none-match")
        since = request.headers.get("if-modified-since")
        if match is not None and self.etags:
            if match == etag:
                return httpx.Response(304, headers=headers)
        elif (
            since is not None and modified is not None and modified <= parsedate_to_datetime(since)
        ):
            return httpx.Response(304, headers=headers)
        return httpx.Response(200, content=body, headers=headers)

    def websub(self, native_id: str) -> tuple[dict[str, str], bytes]:
        """A WebSub content distribution with the one entry, signed with the hub secret."""
        entry = next(e for e in self.entries if e["id"] == native_id or e["link"] == native_id)
        body = self.document([entry])
        return {"X-Hub-Signature": "sha256=" + sign_hex(HUB_SECRET, body)}, body


class BlogHarness(FakeHarness):
    """The contract harness. Feeds cannot reply, and have no expiring tokens or sends to lose."""

    faults = frozenset(ContractFault) - {ContractFault.AUTH_EXPIRED, ContractFault.LOST_RESPONSE}
    server: BlogServer

    def __init__(self, kind: str = "atom") -> None:
        self.clock = FakeClock()
        self.server = BlogServer(clock=self.clock, kind=kind)
        self.page_size = 3

    def make_channel(self, **options: Any) -> BlogFeedChannel:
        """A channel on the shared blog."""
        return BlogFeedChannel(
            url=options.pop("url", FEED_URL),
            client=self.client(),
            clock=self.clock,
            hub_secret=options.pop("hub_secret", HUB_SECRET),
            **options,
        )

    def customer_post(self, text: str, *, private: bool = False) -> str:
        """Someone publishes a post about the brand (feeds are always public)."""
        assert not private, "feeds have no private messages"
        self.clock.advance(60)
        return str(self.server.add(text)["id"])

    def brand_post_count(self) -> int:
        """A feed channel never posts."""
        return 0

    def webhook(self, native_id: str) -> tuple[Mapping[str, str], bytes] | None:
        """The signed WebSub delivery."""
        return self.server.websub(native_id)
