"""An in-memory Reddit behind httpx.MockTransport, and the contract harness.

It speaks the documented shapes: listings (``{"kind": "Listing", "data":
{"children", "after", "before"}}``) newest first with ``after``/``before``
fullnames, things ``t1`` (comment), ``t3`` (submission) and ``t4`` (message),
``POST /api/comment`` and ``/api/compose`` answering ``{"json": {"errors",
"data"}}`` with write throttles inside a 200, ``X-Ratelimit-*`` headers, and
the token endpoint with HTTP Basic client credentials.
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import parse_qs

import httpx

from socialcx.channels.reddit import RedditChannel, RedditCredentials
from socialcx.testing import FakeClock
from tests.channels._common import FakeHarness, next_fault

API = "https://oauth.reddit.com"
TOKEN_URL = "https://www.reddit.com/api/v1/access_token"
BRAND = "AcmeSupport"
BRAND_TOKEN = "reddit-access-token-1"
CLIENT_ID = "client-id"
CLIENT_SECRET = "client-secret-value"
REFRESH_TOKEN = "refresh-token-value"
_B36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def _base36(number: int) -> str:
    out = ""
    while number:
        number, digit = divmod(number, 36)
        out = _B36[digit] + out
    return out or "0"


def _listing(children: list[dict[str, Any]], after: str | None, before: str | None) -> dict:
    return {
        "kind": "Listing",
        "data": {"children": children, "after": after, "before": before, "dist": len(children)},
    }


class RedditServer:
    """Submissions, comments, messages, inboxes and tokens."""

    def __init__(self, *, clock: FakeClock | None = None, page_size: int = 3) -> None:
        self.clock = clock or FakeClock()
        self.page_size = page_size
        self.things: dict[str, dict[str, Any]] = {}  # fullname -> {"kind", "data"}
        self.inboxes: dict[str, list[str]] = {}  # username (lower) -> fullnames
        self.sent: dict[str, list[str]] = {}
        self.tokens: dict[str, str] = {BRAND_TOKEN: BRAND}  # token -> username
        self.expired: set[str] = set()
        self.requests: list[httpx.Request] = []
        self.fail: list[str] = []
        self.brand_posts = 0
        self.tokens_issued = 0
        self.remaining = 600.0
        self._serial = 36**5
        self.submission = self.submit("customer_dana", "Acme app keeps crashing", "since 2.0")

    # --- state

    def _id(self) -> str:
        self._serial += 1
        return _base36(self._serial)

    def _common(self, author: str) -> dict[str, Any]:
        now = self.clock.now().timestamp()
        self.clock.advance(1)
        return {
            "author": author,
            "author_fullname": "t2_" + _base36(sum(map(ord, author.lower())) * 7919),
            "created": now,
            "created_utc": now,
            "score": 1,
            "likes": None,
            "edited": False,
            "distinguished": None,
        }

    def submit(self, author: str, title: str, selftext: str = "") -> str:
        """A submission in r/acme."""
        thing_id = self._id()
        name = f"t3_{thing_id}"
        permalink = f"/r/acme/comments/{thing_id}/{title.lower().replace(' ', '_')[:30]}/"
        self.things[name] = {
            "kind": "t3",
            "data": {
                **self._common(author),
                "id": thing_id,
                "name": name,
                "title": title,
                "selftext": selftext,
                "subreddit": "acme",
                "subreddit_name_prefixed": "r/acme",
                "permalink": permalink,
                "url": "https://www.reddit.com" + permalink,
                "num_comments": 0,
                "is_self": True,
            },
        }
        return name

    def comment(self, author: str, parent: str, body: str) -> str:
        """A comment under ``parent``; the parent's author (or a mentioned user) is notified."""
        thing_id = self._id()
        name = f"t1_{thing_id}"
        parent_thing = self.things[parent]
        link = parent if parent.startswith("t3_") else parent_thing["data"]["link_id"]
        post = self.things[link]["data"]
        post["num_comments"] += 1
        data = {
            **self._common(author),
            "id": thing_id,
            "name": name,
            "body": body,
            "body_html": f'<div class="md"><p>{body}</p></div>',
            "parent_id": parent,
            "link_id": link,
            "link_title": post["title"],
            "subreddit": "acme",
            "subreddit_name_prefixed": "r/acme",
            "permalink": f"{post['permalink']}{thing_id}/",
            "replies": "",
        }
        self.things[name] = {"kind": "t1", "data": data}
        parent_author = parent_thing["data"]["author"]
        mentioned = {w[3:].lower() for w in body.split() if w.lower().startswith("/u/")}
        for user in mentioned | {parent_author.lower()}:
            if user == author.lower():
                continue
            inbox_copy = dict(data)
            inbox_copy.pop("permalink")
            inbox_copy.pop("link_id")
            inbox_copy.update(
                {
                    "new": True,
                    "was_comment": True,
                    "type": "username_mention" if user in mentioned else "comment_reply",
                    "subject": "username mention" if user in mentioned else "comment reply",
                    "context": f"{post['permalink']}{thing_id}/?context=3",
                    "dest": user,
                }
            )
            self.inboxes.setdefault(user, []).append(name)
            self.things[f"inbox:{user}:{name}"] = {"kind": "t1", "data": inbox_copy}
        return name

    def message(
        self, author: str, to: str, subject: str, body: str, parent: str | None = None
    ) -> str:
        """A private message (``parent``: the message it answers)."""
        thing_id = self._id()
        name = f"t4_{thing_id}"
        first = None
        if parent is not None:
            first = self.things[parent]["data"]["first_message_name"] or parent
        self.things[name] = {
            "kind": "t4",
            "data": {
                **self._common(author),
                "id": thing_id,
                "name": name,
                "subject": subject,
                "body": body,
                "dest": to,
                "parent_id": parent,
                "first_message_name": first,
                "first_message": None,
                "context": "",
                "was_comment": False,
                "new": True,
                "subreddit": None,
                "subreddit_name_prefixed": None,
                "replies": "",
                "type": "unknown",
            },
        }
        self.inboxes.setdefault(to.lower(), []).append(name)
        self.sent.setdefault(author.lower(), []).append(name)
        return name

    # --- HTTP

    def handler(self, request: httpx.Request) -> httpx.Response:
        """The MockTransport handler."""
        self.requests.append(request)
        fault = next_fault(self.fail, request, writes_only={"lost_response", "ratelimit_in_body"})
        if fault == "rate_limited":
            return httpx.Response(
                429,
                headers={
                    "X-Ratelimit-Used": "600",
                    "X-Ratelimit-Remaining": "0.0",
                    "X-Ratelimit-Reset": "42",
                },
                json={"message": "Too Many Requests", "error": 429},
            )
        if fault == "server_error":
            return httpx.Response(503, text="<html>all of our servers are busy</html>")
        if str(request.url).startswith(TOKEN_URL):
            return self._token(request)
        auth = request.headers.get("authorization", "")
        token = auth.split(" ", 1)[1] if " " in auth else ""
        if fault == "auth_expired":
            self.expired.add(token)
        if token in self.expired or token not in self.tokens:
            return httpx.Response(
                401,
                headers={"WWW-Authenticate": 'Bearer realm="reddit", error="invalid_token"'},
                json={"message": "Unauthorized", "error": 401},
            )
        if fault == "malformed":
            return httpx.Response(200, text="<html>oops</html>")
        self.remaining -= 1
        headers = {
            "X-Ratelimit-Used": str(int(600 - self.remaining)),
            "X-Ratelimit-Remaining": f"{self.remaining:.1f}",
            "X-Ratelimit-Reset": "300",
        }
        if fault == "ratelimit_in_body":
            body = {
                "json": {
                    "errors": [
                        [
                            "RATELIMIT",
                            "Looks like you've been doing that a lot. Take a break for 6 "
                            "minutes before trying again.",
                            "ratelimit",
                        ]
                    ]
                }
            }
            return httpx.Response(200, json=body, headers=headers)
        user = self.tokens[token]
        response = self._route(request, user, lost=fault == "lost_response")
        response.headers.update(headers)
        return response

    def _token(self, request: httpx.Request) -> httpx.Response:
        expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if request.headers.get("authorization") != f"Basic {expected}":
            return httpx.Response(401, json={"message": "Unauthorized", "error": 401})
        form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
        if form.get("grant_type") == "refresh_token" and form.get("refresh_token") != REFRESH_TOKEN:
            return httpx.Response(400, json={"error": "invalid_grant"})
        if form.get("grant_type") == "password" and form.get("password") != "hunter2":
            return httpx.Response(200, json={"error": "invalid_grant"})
        self.tokens_issued += 1
        token = f"reddit-access-token-{self.tokens_issued + 1}"
        self.tokens[token] = BRAND
        return httpx.Response(
            200,
            json={
                "access_token": token,
                "token_type": "bearer",
                "expires_in": 86400,
                "scope": "identity read submit privatemessages history",
            },
        )

    def _page(self, names: list[str], params: httpx.QueryParams, view: str = "") -> httpx.Response:
        names = list(reversed(names))  # newest first
        if "after" in params:
            names = names[names.index(params["after"]) + 1 :] if params["after"] in names else []
        elif "before" in params:
            names = names[: names.index(params["before"])] if params["before"] in names else []
            names = names[-self.page_size :]
        limit = min(int(params.get("limit", "25")), self.page_size)
        page = names[:limit]
        children = [self.things.get(f"{view}{n}", self.things[n]) for n in page]
        after = page[-1] if len(names) > limit else None
        before = page[0] if page and "after" in params else None
        return httpx.Response(200, json=_listing(children, after, before))

    def _route(self, request: httpx.Request, user: str, *, lost: bool) -> httpx.Response:
        path = request.url.path.rstrip("/")
        params = request.url.params
        me = user.lower()
        if request.method == "GET" and path in (
            "/message/inbox",
            "/message/unread",
            "/message/mentions",
            "/message/messages",
        ):
            names = self.inboxes.get(me, [])
            kind = path.rsplit("/", 1)[-1]
            if kind == "mentions":
                names = [
                    n
                    for n in names
                    if self.things.get(f"inbox:{me}:{n}", {}).get("data", {}).get("type")
                    == "username_mention"
                ]
            elif kind == "messages":
                names = [n for n in names if n.startswith("t4_")]
            return self._page(names, params, view=f"inbox:{me}:")
        if request.method == "GET" and path == "/message/sent":
            return self._page(self.sent.get(me, []), params)
        if request.method == "GET" and path.startswith("/user/") and path.endswith("/comments"):
            author = path.split("/")[2].lower()
            names = [
                n
                for n, t in self.things.items()
                if n.startswith("t1_") and t["data"]["author"].lower() == author
            ]
            return self._page(names, params)
        if request.method == "GET" and path in ("/search", "/r/acme/search"):
            query = params.get("q", "").lower()
            names = [
                n
                for n, t in self.things.items()
                if n.startswith("t3_")
                and query in (t["data"]["title"] + " " + t["data"]["selftext"]).lower()
            ]
            return self._page(names, params)
        if request.method == "POST" and path == "/api/comment":
            return self._comment(request, user, lost=lost)
        if request.method == "POST" and path == "/api/compose":
            return self._compose(request, user, lost=lost)
        return httpx.Response(404, json={"message": "Not Found", "error": 404})

    def _form(self, request: httpx.Request) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(request.content.decode()).items()}

    def _comment(self, request: httpx.Request, user: str, *, lost: bool) -> httpx.Response:
        form = self._form(request)
        parent, text = form.get("thing_id", ""), form.get("text", "")
        if parent not in self.things:
            error = ["DELETED_COMMENT", "that comment has been deleted", "parent"]
            return httpx.Response(200, json={"json": {"errors": [error]}})
        if len(text) > 10_000:
            error = ["TOO_LONG", "this is too long (max: 10000)", "text"]
            return httpx.Response(200, json={"json": {"errors": [error]}})
        if parent.startswith("t4_"):
            original = self.things[parent]["data"]
            other = (
                original["author"]
                if original["author"].lower() != user.lower()
                else original["dest"]
            )
            name = self.message(user, other, "re: " + original["subject"], text, parent=parent)
        else:
            name = self.comment(user, parent, text)
        if user == BRAND:
            self.brand_posts += 1
        if lost:
            raise httpx.ReadTimeout("response lost", request=request)
        thing = self.things[name]
        return httpx.Response(200, json={"json": {"errors": [], "data": {"things": [thing]}}})

    def _compose(self, request: httpx.Request, user: str, *, lost: bool) -> httpx.Response:
        form = self._form(request)
        to = form.get("to", "")
        if not to or to.startswith("t2_"):
            error = ["USER_DOESNT_EXIST", "that user doesn't exist", "to"]
            return httpx.Response(200, json={"json": {"errors": [error]}})
        self.message(user, to, form.get("subject", ""), form.get("text", ""))
        if user == BRAND:
            self.brand_posts += 1
        if lost:
            raise httpx.ReadTimeout("response lost", request=request)
        return httpx.Response(200, json={"json": {"errors": []}})


class RedditHarness(FakeHarness):
    """The contract suite's view of the fake Reddit: a channel with a bearer token."""

    server: RedditServer

    def __init__(self) -> None:
        self.clock = FakeClock()
        self.server = RedditServer(clock=self.clock)
        self.page_size = self.server.page_size

    def make_channel(self, **options: Any) -> RedditChannel:
        """A channel for the brand on the shared fake Reddit."""
        settings: dict[str, Any] = {"token": BRAND_TOKEN}
        settings.update(options)
        return RedditChannel(
            account=BRAND,
            client=self.client(),
            base_url=API,
            token_url=TOKEN_URL,
            clock=self.clock,
            **settings,
        )

    def credentials(self, **changes: Any) -> RedditCredentials:
        """Valid app credentials with a refresh token."""
        fields: dict[str, Any] = {
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "refresh_token": REFRESH_TOKEN,
        }
        fields.update(changes)
        return RedditCredentials(**fields)

    def customer_post(self, text: str, *, private: bool = False) -> str:
        """The customer mentions the brand in a comment, or writes to it privately."""
        if private:
            return self.server.message("customer_dana", BRAND, "Order question", text)
        return self.server.comment("customer_dana", self.server.submission, f"/u/{BRAND} {text}")

    def request_count(self) -> int:
        """Requests that reached Reddit."""
        return len(self.server.requests)
