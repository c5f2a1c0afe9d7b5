"""Reddit: the account's inbox (mentions, comment replies, private messages) and search.

Listening reads an inbox listing (``/message/inbox`` by default, which holds
username mentions, replies to the account's posts and comments, and private
messages) and optionally ``/search`` for submissions. Listings come newest
first and page towards older items with ``after=<fullname>``; the cursor keeps
a watermark (the newest ``created_utc`` delivered and the fullnames at that
second) and, while a backlog is being read, the ``after`` of the walk in
progress. A walk stops at the first item at or below the watermark, so a
deleted item never strands the cursor the way a ``before=<fullname>`` anchor
can.

Replies are ``POST /api/comment`` (``thing_id`` is the comment, post or
message answered); new private messages are ``POST /api/compose``. Reddit has
no idempotency key, so :meth:`RedditChannel.find_sent` reads back the
account's recent comments (``/user/{name}/comments``) or sent messages and
matches the parent and the text; the runtime calls it before sending again
after an unclear failure.

Write throttles arrive inside a 200 answer as ``json.errors`` with
``RATELIMIT`` ("try again in 6 minutes") and become
:class:`~socialcx.errors.RateLimited` with that wait; the
``X-Ratelimit-Remaining`` and ``X-Ratelimit-Reset`` (seconds) headers are
honoured before the next request is made.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
import httpx

from socialcx._clock import Clock
from socialcx._version import __version__
from socialcx.channels import _watermark as watermark
from socialcx.channels._base import HttpChannelBase, collect_page, raw_dump
from socialcx.channels._http import (
    RateLimitStatus,
    checked_request,
    json_body,
    rate_limit_status,
)
from socialcx.channels._protocol import (
    Cursor,
    Delivery,
    MessageRefused,
    Page,
    check_outbound,
)
from socialcx.errors import (
    AuthError,
    AuthExpired,
    InvalidMention,
    InvalidPayload,
    PermanentChannelError,
    RateLimited,
    TransientChannelError,
    ValidationError,
)
from socialcx.model import (
    Author,
    ChannelCapabilities,
    ChannelRef,
    Engagement,
    Mention,
    OutboundMessage,
    Visibility,
)

__all__ = ["PLATFORM", "RedditChannel", "RedditCredentials", "parse_mentions"]

PLATFORM = "reddit"
_WEB = "https://www.reddit.com"

_log = logging.getLogger("socialcx.channels.reddit")

_INBOXES = frozenset({"inbox", "unread", "mentions", "messages"})
_POST_KINDS = frozenset({"t1", "t3", "t4"})
_THING_NAMES = {"t2": "account", "t5": "subreddit", "t6": "award", "more": "more-comments stub"}
_CONTEXT_LINK = re.compile(r"/comments/([a-z0-9]+)/", re.IGNORECASE)


@attrs.frozen(kw_only=True)
class RedditCredentials:
    """What the token endpoint needs to issue access tokens; secrets stay out of reprs.

    Give either a ``refresh_token`` (an installed or web app authorized with
    ``duration=permanent``) or a ``username`` and ``password`` (a script app
    acting as its own account).

    Args:
        client_id: The app's client id.
        client_secret: The app's secret (empty for installed apps).
        refresh_token: A permanent refresh token.
        username: The account, for the password grant.
        password: Its password, for the password grant.
    """

    client_id: str
    client_secret: str = attrs.field(default="", repr=False)
    refresh_token: str | None = attrs.field(default=None, repr=False)
    username: str | None = None
    password: str | None = attrs.field(default=None, repr=False)

    def grant(self) -> dict[str, str]:
        """The form of the token request."""
        if self.refresh_token is not None:
            return {"grant_type": "refresh_token", "refresh_token": self.refresh_token}
        if self.username is not None and self.password is not None:
            return {"grant_type": "password", "username": self.username, "password": self.password}
        raise ValidationError(
            "RedditCredentials: needs refresh_token, or username and password",
            field="refresh_token",
        )


# --- parsing -------------------------------------------------------------------------------


class _Bad(Exception):
    """A field of a post-like item that cannot be read; names the field."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field


def _opt_str(obj: Mapping[str, Any], key: str) -> str | None:
    value = obj.get(key)
    return value if isinstance(value, str) and value.strip() else None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if value == value and abs(value) != float("inf") else None


def _epoch(value: Any, *, field: str) -> datetime:
    seconds = _number(value)
    if seconds is None:
        raise _Bad(field, f"expected epoch seconds, got {type(value).__name__}")
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        raise _Bad(field, f"{seconds!r} is not a time") from None


def _count(obj: Mapping[str, Any], key: str) -> int:
    value = obj.get(key)
    if isinstance(value, int) and not isinstance(value, bool):
        return max(0, value)
    return 0


def _username(name: str) -> str:
    """A username without ``/u/`` or ``u/``, lower-cased for comparison."""
    return re.sub(r"^/?u/", "", name.strip(), flags=re.IGNORECASE).lower()


def _author(data: Mapping[str, Any], brand: str) -> Author:
    name = _opt_str(data, "author")
    if name is None or name == "[deleted]":
        # deleted accounts, and messages sent as a subreddit (modmail), have no author
        name = _opt_str(data, "subreddit_name_prefixed") or "[deleted]"
    is_brand = _username(name) == _username(brand)
    return Author(
        platform=PLATFORM,
        native_id=name,  # Reddit usernames cannot be changed, and they address messages
        handle=name,
        is_brand=is_brand,
    )


def _link_id(data: Mapping[str, Any]) -> str | None:
    link = _opt_str(data, "link_id")
    if link is not None:
        return link
    context = _opt_str(data, "context") or _opt_str(data, "permalink")
    match = _CONTEXT_LINK.search(context or "")
    return f"t3_{match.group(1)}" if match else None


def _url(kind: str, data: Mapping[str, Any]) -> str | None:
    if kind == "t4":
        message_id = _opt_str(data, "id")
        return f"{_WEB}/message/messages/{message_id}" if message_id else None
    path = _opt_str(data, "permalink") or _opt_str(data, "context")
    if path is None:
        return None
    path = path.split("?", 1)[0]
    return path if path.startswith("http") else _WEB + path


def _text(kind: str, data: Mapping[str, Any]) -> str:
    if kind == "t3":
        title = data.get("title")
        if not isinstance(title, str):
            raise _Bad("data.title", f"expected a string, got {type(title).__name__}")
        body = data.get("selftext")
        return f"{title}\n\n{body}" if isinstance(body, str) and body.strip() else title
    body = data.get("body")
    if not isinstance(body, str):
        raise _Bad("data.body", f"expected a string, got {type(body).__name__}")
    subject = _opt_str(data, "subject")
    if kind == "t4" and subject and data.get("parent_id") in (None, ""):
        return f"{subject}\n\n{body}"
    return body


def _thing(thing: Mapping[str, Any], ref: ChannelRef) -> Mention:
    kind = thing.get("kind")
    data = thing.get("data")
    if not isinstance(kind, str) or kind not in _POST_KINDS:
        raise _Bad("kind", f"{kind!r} is not a comment, post or message")
    if not isinstance(data, Mapping):
        raise _Bad("data", f"expected an object, got {type(data).__name__}")
    name = _opt_str(data, "name")
    if name is None:
        thing_id = _opt_str(data, "id")
        if thing_id is None:
            raise _Bad("data.name", "missing")
        name = f"{kind}_{thing_id}"
    edited = _number(data.get("edited"))
    try:
        return Mention(
            channel=ref,
            native_id=name,
            author=_author(data, ref.account),
            text=_text(kind, data),
            created_at=_epoch(data.get("created_utc"), field="data.created_utc"),
            visibility=Visibility.PRIVATE if kind == "t4" else Visibility.PUBLIC,
            url=_url(kind, data),
            in_reply_to=_opt_str(data, "parent_id"),
            conversation_id=(
                (_opt_str(data, "first_message_name") or name) if kind == "t4" else _link_id(data)
            ),
            metrics=Engagement(
                likes=_count(data, "score"),
                replies=_count(data, "num_comments") if kind == "t3" else 0,
            ),
            edited_at=datetime.fromtimestamp(edited, tz=UTC) if edited and edited > 1 else None,
            raw=dict(thing),
        )
    except InvalidMention as exc:
        raise _Bad(f"data.{exc.field or 'value'}", str(exc)) from None
    except (OverflowError, OSError, ValueError) as exc:
        raise _Bad("data.edited", str(exc)) from None


def _invalid(item: Any, error: _Bad) -> InvalidPayload:
    return InvalidPayload(f"reddit: {error}", raw=raw_dump(item), platform=PLATFORM)


def _is_thing(obj: Any) -> bool:
    return isinstance(obj, Mapping) and isinstance(obj.get("kind"), str) and "data" in obj


def _things(obj: Any, depth: int = 0) -> Iterator[Any]:
    """Every post-like thing in a listing tree, comment replies included, in order."""
    if depth > 200:
        return
    if isinstance(obj, list):
        for item in obj:
            yield from _things(item, depth + 1)
        return
    if not _is_thing(obj):
        yield obj  # not a thing at all: the caller reports it
        return
    kind, data = obj["kind"], obj["data"]
    if kind == "Listing":
        children = data.get("children") if isinstance(data, Mapping) else None
        if not isinstance(children, list):
            yield obj
            return
        for child in children:
            yield from _things(child, depth + 1)
        return
    if kind in _THING_NAMES:
        return
    yield obj
    replies = data.get("replies") if isinstance(data, Mapping) else None
    if _is_thing(replies):
        yield from _things(replies, depth + 1)


def _entries(obj: Any, ref: ChannelRef) -> list[Mention | InvalidPayload]:
    out: list[Mention | InvalidPayload] = []
    for thing in _things(obj):
        try:
            if not isinstance(thing, Mapping):
                raise _Bad("thing", f"expected an object, got {type(thing).__name__}")
            out.append(_thing(thing, ref))
        except _Bad as error:
            out.append(_invalid(thing, error))
    return out


def _kinds(obj: Any) -> set[str]:
    if isinstance(obj, list):
        return set().union(*(_kinds(item) for item in obj)) if obj else set()
    if not _is_thing(obj):
        return {"?"}
    if obj["kind"] == "Listing" and isinstance(obj["data"], Mapping):
        children = obj["data"].get("children")
        if isinstance(children, list):
            return _kinds(children)
    return {str(obj["kind"])}


def _not_a_post(payload: Any, what: str, *, secret: bool = False) -> InvalidPayload:
    return InvalidPayload(
        f"reddit: not a post: {what}", raw="" if secret else raw_dump(payload), platform=PLATFORM
    )


def parse_mentions(payload: Any, *, ref: ChannelRef) -> list[Mention | InvalidPayload]:
    """Every comment, submission and private message in a decoded Reddit API response.

    Understands listings (inbox, mentions, search, user comments, ``/api/info``),
    a comments page (the submission listing and the comment tree, replies
    included), single things, and the ``json.data.things`` answer of
    ``/api/comment``. "Load more" stubs are skipped.

    Args:
        payload: The decoded JSON body.
        ref: The brand account (its username); its own comments come back with
            ``author.is_brand``.

    Returns:
        One entry per post-like item: a :class:`~socialcx.Mention`, or an
        :class:`~socialcx.errors.InvalidPayload` (its ``raw`` is the item as
        JSON) naming the field that could not be read.

    Raises:
        InvalidPayload: The body holds no posts (an account, a token, an
            error answer ...); the message says which.
    """
    try:
        return _parse(payload, ref)
    except InvalidPayload:
        raise
    except Exception as exc:  # never let a malformed body escape as anything else
        raise InvalidPayload(
            f"reddit: unreadable body ({type(exc).__name__})", raw=raw_dump(payload)
        ) from exc


def _parse(payload: Any, ref: ChannelRef) -> list[Mention | InvalidPayload]:
    if isinstance(payload, Mapping) and "json" in payload:
        inner = payload["json"]
        errors = inner.get("errors") if isinstance(inner, Mapping) else None
        if isinstance(errors, list) and errors:
            codes = [e[0] for e in errors if isinstance(e, list) and e and isinstance(e[0], str)]
            return_what = f"error answer ({', '.join(codes) or 'unknown error'})"
            raise _not_a_post(payload, return_what)
        data = inner.get("data") if isinstance(inner, Mapping) else None
        things = data.get("things") if isinstance(data, Mapping) else None
        if things is None:
            raise _not_a_post(payload, "write answer without things")
        return _entries(things, ref)
    if isinstance(payload, Mapping) and not _is_thing(payload):
        if "access_token" in payload:
            raise _not_a_post(payload, "token answer", secret=True)
        if "error" in payload or "message" in payload:
            raise _not_a_post(payload, "error object")
        raise _not_a_post(payload, "unrecognised object")
    if not isinstance(payload, list | Mapping):
        raise _not_a_post(payload, type(payload).__name__)
    kinds = _kinds(payload)
    if kinds and not kinds & (_POST_KINDS | {"?"}) and not kinds <= {"more"}:
        names = ", ".join(sorted(_THING_NAMES.get(k, k) for k in kinds))
        raise _not_a_post(payload, names)
    return _entries(payload, ref)


# --- the channel -----------------------------------------------------------------------------


def _log_invalid(error: InvalidPayload) -> None:
    _log.warning(
        "unparseable item skipped",
        extra={"event": "invalid_payload", "platform": PLATFORM, "error": str(error)},
    )


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


class RedditChannel(HttpChannelBase):
    """One Reddit account: its inbox, an optional search, its replies and messages.

    Args:
        account: The brand's username (without ``u/``).
        token: A bearer access token, when tokens are managed elsewhere; it
            cannot be renewed here, so its expiry asks for reauthorization.
        credentials: App credentials to obtain and renew tokens instead.
        client: The HTTP client (tests pass one with ``httpx.MockTransport``).
        base_url: The OAuth API host.
        token_url: The token endpoint.
        clock: Where "now" comes from.
        user_agent: Reddit throttles generic agents; the default names the
            library and the account.
        page_size: Items per listing request (up to 100).
        inbox: ``"inbox"`` (mentions, replies and messages), ``"mentions"``,
            ``"messages"`` or ``"unread"`` (items drop out of it when read).
        search: A query for ``/search`` (submissions, newest first).
        subreddit: Restrict ``search`` to this subreddit.
        subject: The subject of a new private message.
        backfill: How far back ``fetch(None)`` reaches; ``None`` reads as far
            as the listing goes (about 1000 items).
        on_invalid: Also called with each item in a page that cannot be
            parsed; every such item is in the page's ``rejected`` (and a warning
            without the raw data is logged) whether or not this is set.

    Capabilities: comments and private messages of 10,000 characters; no
    idempotent send.
    """

    def __init__(
        self,
        *,
        account: str,
        token: str | None = None,
        credentials: RedditCredentials | None = None,
        client: httpx.AsyncClient | None = None,
        base_url: str = "https://oauth.reddit.com",
        token_url: str = f"{_WEB}/api/v1/access_token",
        clock: Clock | None = None,
        user_agent: str | None = None,
        page_size: int = 100,
        inbox: str = "inbox",
        search: str | None = None,
        subreddit: str | None = None,
        subject: str = "Re: your message",
        backfill: timedelta | None = None,
        on_invalid: Callable[[InvalidPayload], None] | None = None,
    ) -> None:
        if token is None and credentials is None:
            raise ValidationError("RedditChannel: needs a token or credentials", field="token")
        if inbox not in _INBOXES:
            raise ValidationError(
                f"RedditChannel.inbox: {inbox!r} is not one of {sorted(_INBOXES)}", field="inbox"
            )
        name = re.sub(r"^/?u/", "", account.strip())
        super().__init__(
            ref=ChannelRef(platform=PLATFORM, account=name), client=client, clock=clock
        )
        self._token = token
        self._token_expires: datetime | None = None
        self._credentials = credentials
        self._base = base_url.rstrip("/")
        self._token_url = token_url
        self._user_agent = user_agent or f"python:socialcx:{__version__} (by /u/{name})"
        self._page_size = max(1, min(page_size, 100))
        self._inbox = inbox
        self._search = search
        self._subreddit = subreddit
        self._subject = subject
        self._backfill = backfill
        self._on_invalid = on_invalid
        self._budget: RateLimitStatus | None = None
        self._budget_at: datetime | None = None
        self._capabilities = ChannelCapabilities(
            public_reply=True,
            private_message=True,
            brand_can_start_private=True,
            max_length=10_000,
            private_max_length=10_000,
            idempotent_send=False,
            edits=True,
            deletes=True,
        )

    @property
    def rate_limit(self) -> RateLimitStatus | None:
        """The budget the last answer reported."""
        return self._budget

    # --- tokens and requests

    async def _obtain_token(self) -> None:
        assert self._credentials is not None
        auth = httpx.BasicAuth(self._credentials.client_id, self._credentials.client_secret)
        try:
            response = await checked_request(
                self._client,
                "POST",
                self._token_url,
                platform=PLATFORM,
                now=self._clock.now(),
                data=self._credentials.grant(),
                auth=auth,
                headers={"User-Agent": self._user_agent},
            )
            body = json_body(response, platform=PLATFORM)
        except (RateLimited, TransientChannelError):
            raise
        except (AuthError, PermanentChannelError, InvalidPayload) as exc:
            raise AuthError(
                f"reddit: the token endpoint refused the credentials (HTTP {exc.status})",
                platform=PLATFORM,
                status=exc.status,
            ) from None
        token = body.get("access_token") if isinstance(body, Mapping) else None
        if not isinstance(token, str) or not token:
            code = body.get("error") if isinstance(body, Mapping) else None
            raise AuthError(
                f"reddit: the token endpoint refused the credentials ({code or 'no token'})",
                platform=PLATFORM,
                status=response.status_code,
            )
        self._token = token
        expires = _number(body.get("expires_in"))
        self._token_expires = (
            self._clock.now() + timedelta(seconds=max(0.0, expires - 60)) if expires else None
        )

    def _check_budget(self) -> None:
        budget, since = self._budget, self._budget_at
        if budget is None or since is None or budget.remaining is None or budget.remaining > 0:
            return
        waited = (self._clock.now() - since).total_seconds()
        left = (budget.reset_after or 0.0) - waited
        if left > 0:
            raise RateLimited(
                f"reddit: no requests left in this window; retry after {left:g}s",
                retry_after=left,
                platform=PLATFORM,
            )

    async def _send_request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {
            "Authorization": f"bearer {self._token}",
            "User-Agent": self._user_agent,
            **kwargs.pop("headers", {}),
        }
        response = await checked_request(
            self._client,
            method,
            self._base + path,
            platform=PLATFORM,
            now=self._clock.now(),
            headers=headers,
            **kwargs,
        )
        status = rate_limit_status(response.headers, self._clock.now())
        if status is not None:
            self._budget, self._budget_at = status, self._clock.now()
        return response

    async def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        """One API call: a fresh token when needed, one renewal on a 401; health reported."""
        renewed = False
        try:
            self._check_budget()
            stale = self._token_expires is not None and self._clock.now() >= self._token_expires
            if self._credentials is not None and (self._token is None or stale):
                await self._obtain_token()
                renewed = True
            try:
                response = await self._send_request(method, path, **kwargs)
            except AuthError as exc:
                if self._credentials is None:
                    # Reddit's access tokens are short-lived: a refused one has expired
                    raise AuthExpired(str(exc), platform=PLATFORM, status=exc.status) from None
                await self._obtain_token()
                renewed = True
                response = await self._send_request(method, path, **kwargs)
            body = json_body(response, platform=PLATFORM)
            _raise_for_errors(body)
        except Exception as exc:
            self._health.observe(exc)
            raise
        self._succeeded(renewed=renewed)
        return body

    def _shape(self, body: Any, what: str) -> InvalidPayload:
        error = InvalidPayload(f"reddit: {what}", raw=raw_dump(body), platform=PLATFORM)
        self._health.observe(error)
        return error

    # --- listening

    def _read_cursor(self, cursor: Cursor | None) -> dict[str, Any]:
        lists = ("inbox", "search")
        if cursor is None:
            since = None if self._backfill is None else self._clock.now() - self._backfill
            return watermark.start_lists(lists, since=since)
        try:
            state = watermark.read_lists(cursor, lists)
        except ValueError:
            raise PermanentChannelError(
                "reddit: the cursor is not one this channel issued", platform=PLATFORM
            ) from None
        return state

    async def fetch(self, cursor: Cursor | None) -> Page:
        """Inbox items (and search hits) after ``cursor``, oldest first in each source."""
        state = self._read_cursor(cursor)
        entries, more = await self._fetch_listing(f"/message/{self._inbox}", state["inbox"], {})
        if self._search:
            path = f"/r/{self._subreddit}/search" if self._subreddit else "/search"
            params = {"q": self._search, "sort": "new", "type": "link"}
            if self._subreddit:
                params["restrict_sr"] = "1"
            found, more_found = await self._fetch_listing(path, state["search"], params)
            entries += found
            more = more or more_found
        else:
            state.pop("search", None)
        return collect_page(
            entries,
            next_cursor=json.dumps(state, sort_keys=True),
            has_more=more,
            log=_log_invalid,
            on_invalid=self._on_invalid,
        )

    async def _fetch_listing(
        self, path: str, state: dict[str, Any], extra: Mapping[str, str]
    ) -> tuple[list[Mention | InvalidPayload], bool]:
        params: dict[str, str | int] = {"limit": self._page_size, "raw_json": 1, **extra}
        walk = state.get("walk")
        if isinstance(walk, dict) and isinstance(walk.get("after"), str):
            params["after"] = walk["after"]
        body = await self._call("GET", path, params=params)
        data = body.get("data") if isinstance(body, Mapping) else None
        children = data.get("children") if isinstance(data, Mapping) else None
        if not isinstance(children, list):
            raise self._shape(body, f"{path}: expected a listing")
        items: list[watermark.Item] = []
        for child in children:
            child_data = child.get("data") if isinstance(child, Mapping) else None
            if isinstance(child, Mapping) and child.get("kind") in _THING_NAMES:
                continue
            try:
                if not isinstance(child, Mapping):
                    raise _Bad("thing", f"expected an object, got {type(child).__name__}")
                entry: Mention | InvalidPayload = _thing(child, self._ref)
            except _Bad as error:
                entry = _invalid(child, error)
            if isinstance(entry, Mention):
                items.append(watermark.Item(at=entry.created_at, key=entry.native_id, entry=entry))
                continue
            name = child_data.get("name") if isinstance(child_data, Mapping) else None
            created = child_data.get("created_utc") if isinstance(child_data, Mapping) else None
            try:
                at = _epoch(created, field="created_utc")
            except _Bad:
                at = watermark.NOWHERE  # placed below, between its neighbours
            items.append(
                watermark.Item(
                    at=at, key=name if isinstance(name, str) else raw_dump(child), entry=entry
                )
            )
        after = data.get("after") if isinstance(data, Mapping) else None
        return watermark.walk(
            state,
            watermark.place(items),
            after if isinstance(after, str) else None,
            cursor_key="after",
        )

    # --- sending

    async def send(self, message: OutboundMessage) -> Delivery:
        """A comment reply, a reply in a message thread, or a new private message."""
        check_outbound(message, self._capabilities, channel=self._ref)
        target = message.in_reply_to
        if message.is_public:
            if target is None or target.startswith("t4_"):
                raise MessageRefused(
                    "OutboundMessage.in_reply_to: a public message on Reddit answers a post "
                    "or a comment",
                    field="in_reply_to",
                    reason="no_public_reply",
                    platform=PLATFORM,
                )
            return await self._comment(target, message)
        if target is not None and target.startswith("t4_"):
            return await self._comment(target, message)  # a reply in the message thread
        return await self._compose(message)

    async def _comment(self, thing_id: str, message: OutboundMessage) -> Delivery:
        body = await self._call(
            "POST",
            "/api/comment",
            data={"api_type": "json", "thing_id": thing_id, "text": message.text},
        )
        thing = _first_thing(body)
        if thing is None:
            raise self._shape(body, "comment: the answer has no thing")
        return self._delivery(thing, message, replayed=False)

    async def _compose(self, message: OutboundMessage) -> Delivery:
        assert message.recipient is not None
        body = await self._call(
            "POST",
            "/api/compose",
            data={
                "api_type": "json",
                "to": message.recipient,
                "subject": self._subject,
                "text": message.text,
            },
        )
        thing = _first_thing(body)
        if thing is not None:
            return self._delivery(thing, message, replayed=False)
        # compose does not say which message it made: read it back from "sent"
        found = await self._find_message(message)
        if found is None:
            raise TransientChannelError(
                "reddit: the message was accepted but is not in the sent folder yet",
                platform=PLATFORM,
            )
        return attrs.evolve(found, replayed=False)

    def _delivery(
        self, data: Mapping[str, Any], message: OutboundMessage, *, replayed: bool
    ) -> Delivery:
        name = _opt_str(data, "name")
        if name is None:
            raise self._shape(data, "the thing has no name")
        kind = name.split("_", 1)[0]
        created = _number(data.get("created_utc"))
        return Delivery(
            native_id=name,
            url=_url(kind, data),
            sent_at=datetime.fromtimestamp(created, tz=UTC) if created else None,
            idempotency_key=message.idempotency_key,
            replayed=replayed,
        )

    async def find_sent(self, message: OutboundMessage) -> Delivery | None:
        """Read back the account's recent comments or sent messages for this message."""
        target = message.in_reply_to
        if target is not None and not target.startswith("t4_") and message.is_public:
            body = await self._call(
                "GET",
                f"/user/{self._ref.account}/comments",
                params={"sort": "new", "limit": 100, "raw_json": 1},
            )
            for data in _listing_data(body):
                if data.get("parent_id") == target and _same_text(
                    str(data.get("body", "")), message.text
                ):
                    return self._delivery(data, message, replayed=True)
            return None
        return await self._find_message(message)

    async def _find_message(self, message: OutboundMessage) -> Delivery | None:
        body = await self._call("GET", "/message/sent", params={"limit": 100, "raw_json": 1})
        since = message.created_at.timestamp() - 1
        for data in _listing_data(body):
            created = _number(data.get("created_utc"))
            if created is None or created < since:
                continue
            if message.in_reply_to is not None and message.in_reply_to.startswith("t4_"):
                if data.get("parent_id") != message.in_reply_to:
                    continue
            elif _username(str(data.get("dest", ""))) != _username(message.recipient or ""):
                continue
            if _same_text(str(data.get("body", "")), message.text):
                return self._delivery(data, message, replayed=True)
        return None


def _raise_for_errors(body: Any) -> None:
    """``json.errors`` in a 200 answer that the shared mapping did not already raise."""
    inner = body.get("json") if isinstance(body, Mapping) else None
    errors = inner.get("errors") if isinstance(inner, Mapping) else None
    if isinstance(errors, list) and errors:
        codes = [e[0] for e in errors if isinstance(e, list) and e and isinstance(e[0], str)]
        raise PermanentChannelError(
            f"reddit: refused ({', '.join(codes) or 'unknown error'})",
            platform=PLATFORM,
            status=200,
        )


def _first_thing(body: Any) -> Mapping[str, Any] | None:
    inner = body.get("json") if isinstance(body, Mapping) else None
    data = inner.get("data") if isinstance(inner, Mapping) else None
    things = data.get("things") if isinstance(data, Mapping) else None
    if isinstance(things, list) and things and isinstance(things[0], Mapping):
        thing_data = things[0].get("data")
        if isinstance(thing_data, Mapping):
            return thing_data
    return None


def _listing_data(body: Any) -> list[Mapping[str, Any]]:
    data = body.get("data") if isinstance(body, Mapping) else None
    children = data.get("children") if isinstance(data, Mapping) else None
    return [
        c["data"]
        for c in (children if isinstance(children, list) else [])
        if isinstance(c, Mapping) and isinstance(c.get("data"), Mapping)
    ]
