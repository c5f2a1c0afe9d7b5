"""Bluesky: notifications, optional search and chat in; posts and chat messages out.

Listening reads ``app.bsky.notification.listNotifications`` (mentions,
replies and quotes). That list, like ``app.bsky.feed.searchPosts``, only walks
backwards from the newest item, with no "since" parameter, so the cursor keeps
a watermark (the newest ``indexedAt`` delivered and the post URIs at that
instant) and, while a backlog is being read, the server's cursor of the walk
in progress. A walk goes down page by page until it reaches the watermark,
then the watermark moves up to the newest post the walk started from: nothing
is skipped however large the backlog, and a stored cursor replays the same
page. Private messages come from the chat service's log
(``chat.bsky.convo.getLog``), which does move forward.

Sessions come from ``com.atproto.server.createSession`` with an app password
(or from tokens saved earlier). An ``ExpiredToken`` answer refreshes the
session with ``com.atproto.server.refreshSession`` and retries the call once;
when the refresh token has expired too and there is no password, the call
raises :class:`~socialcx.errors.AuthExpired`.

Replies are ``com.atproto.repo.createRecord`` with ``reply.root`` and
``reply.parent`` references and a record key derived from the message's
idempotency key, so a retry cannot post twice: the second create fails, the
existing record is found under that key, and the send resolves to it. Private
messages go through the chat service (``chat.bsky.convo.getConvoForMembers``
and ``sendMessage``) with the ``atproto-proxy`` header. Length is counted in
graphemes: 300 for a post, 1000 for a chat message.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
import httpx

from socialcx._clock import Clock
from socialcx.channels import _watermark as watermark
from socialcx.channels._base import HttpChannelBase, collect_page, raw_dump
from socialcx.channels._http import checked_request, json_body
from socialcx.channels._protocol import (
    Cursor,
    Delivery,
    Page,
    check_outbound,
)
from socialcx.errors import (
    AuthError,
    AuthExpired,
    ChannelError,
    InvalidMention,
    InvalidPayload,
    PermanentChannelError,
    RateLimited,
    ValidationError,
)
from socialcx.model import (
    Author,
    ChannelCapabilities,
    ChannelRef,
    Engagement,
    LengthUnit,
    Mention,
    OutboundMessage,
    Visibility,
)

__all__ = [
    "CHAT_PROXY",
    "PLATFORM",
    "BlueskyChannel",
    "BlueskySession",
    "parse_mentions",
    "record_key",
]

PLATFORM = "bluesky"
_POST = "app.bsky.feed.post"
#: The service the PDS forwards chat calls to.
CHAT_PROXY = "did:web:api.bsky.chat#bsky_chat"

_log = logging.getLogger("socialcx.channels.bluesky")

_REASONS = ("mention", "reply", "quote")
_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
_URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]")
_FRACTION = re.compile(r"(\.\d{6})\d+")
_NO_RESPONSE = (RateLimited, AuthError)


# --- sessions and record keys ----------------------------------------------------------


@attrs.frozen(kw_only=True)
class BlueskySession:
    """The tokens of a logged-in account; the JWTs never show in reprs.

    Args:
        did: The account's DID.
        handle: Its handle.
        access_jwt: The short-lived access token (about two hours).
        refresh_jwt: The token that renews it (about ninety days).
    """

    did: str
    handle: str
    access_jwt: str = attrs.field(repr=False)
    refresh_jwt: str = attrs.field(repr=False)


def record_key(idempotency_key: str, created_at: datetime) -> str:
    """A TID-shaped record key derived from a message, the same on every retry.

    A TID is 64 bits: a zero bit, 53 bits of microseconds since the epoch and
    10 bits of clock id, written in base32-sortable. The time part is the
    message's creation second with its low 20 bits (about a second) and the
    clock id taken from a hash of the idempotency key, so the key sorts like
    an ordinary post and two messages collide only if they share the second
    and 30 bits of hash (and even then the existing record is checked).
    """
    digest = int.from_bytes(hashlib.sha256(idempotency_key.encode("utf-8")).digest()[:8], "big")
    seconds = max(0, int(created_at.timestamp()))
    micros = (seconds * 1_000_000 & ~((1 << 20) - 1)) | (digest & ((1 << 20) - 1))
    clock_id = (digest >> 20) & 0x3FF
    value = ((micros & ((1 << 53) - 1)) << 10) | clock_id
    chars = []
    for _ in range(13):
        chars.append(_TID_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


# --- parsing -----------------------------------------------------------------------------


class _Bad(Exception):
    """A field of a post-like item that cannot be read; names the field."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field


def _str(obj: Mapping[str, Any], key: str, *, where: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str):
        raise _Bad(f"{where}.{key}", f"expected a string, got {type(value).__name__}")
    if not value.strip():
        raise _Bad(f"{where}.{key}", "must not be empty")
    return value


def _opt_str(obj: Mapping[str, Any], key: str) -> str | None:
    value = obj.get(key)
    return value if isinstance(value, str) and value.strip() else None


def _count(obj: Mapping[str, Any], key: str) -> int:
    value = obj.get(key)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return 0


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    text = _FRACTION.sub(r"\1", value.strip().replace("Z", "+00:00"))
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = moment.replace(tzinfo=UTC)  # older clients wrote createdAt without a zone
    return moment


def _when(value: Any, *, field: str) -> datetime:
    moment = _parse_time(value)
    if moment is None:
        shown = value[:40] if isinstance(value, str) else type(value).__name__
        raise _Bad(field, f"{shown!r} is not a datetime")
    return moment


def _rkey(uri: str) -> str:
    return uri.rstrip("/").rsplit("/", 1)[-1]


def _did_of(uri: str) -> str | None:
    if not uri.startswith("at://"):
        return None
    did = uri[5:].split("/", 1)[0]
    return did or None


def _web_url(uri: str, handle: str) -> str | None:
    if f"/{_POST}/" not in uri:
        return None
    return f"https://bsky.app/profile/{handle}/post/{_rkey(uri)}"


def _ref_uri(value: Any) -> str | None:
    return _opt_str(value, "uri") if isinstance(value, Mapping) else None


@attrs.frozen
class _Parser:
    """Builds mentions for one brand account (its handle and, once known, its DID)."""

    ref: ChannelRef
    brand: frozenset[str]

    def author(self, author: Any, *, where: str) -> Author:
        if not isinstance(author, Mapping):
            raise _Bad(where, f"expected a profile, got {type(author).__name__}")
        did = _str(author, "did", where=where)
        handle = _opt_str(author, "handle") or did
        verification = author.get("verification")
        verified = (
            isinstance(verification, Mapping) and verification.get("verifiedStatus") == "valid"
        )
        return Author(
            platform=PLATFORM,
            native_id=did,
            handle=handle,
            display_name=_opt_str(author, "displayName"),
            followers=_count(author, "followersCount"),
            verified=verified,
            is_brand=did in self.brand or handle.lower() in self.brand,
        )

    def post(
        self,
        uri: str,
        record: Any,
        author: Author,
        *,
        raw: Mapping[str, Any],
        indexed_at: Any = None,
        metrics: Engagement | None = None,
    ) -> Mention:
        if not isinstance(record, Mapping):
            raise _Bad("record", f"expected a post record, got {type(record).__name__}")
        text = record.get("text")
        if not isinstance(text, str):
            raise _Bad("record.text", f"expected a string, got {type(text).__name__}")
        created = _parse_time(record.get("createdAt")) or _when(indexed_at, field="indexedAt")
        reply = record.get("reply")
        parent = _ref_uri(reply.get("parent")) if isinstance(reply, Mapping) else None
        root = _ref_uri(reply.get("root")) if isinstance(reply, Mapping) else None
        langs = record.get("langs")
        language = langs[0] if isinstance(langs, list) and langs else None
        try:
            return Mention(
                channel=self.ref,
                native_id=uri,
                author=author,
                text=text,
                created_at=created,
                visibility=Visibility.PUBLIC,
                url=_web_url(uri, author.handle),
                in_reply_to=parent,
                conversation_id=root or uri,
                language=language if isinstance(language, str) and language.strip() else None,
                metrics=metrics or Engagement(),
                raw=dict(raw),
            )
        except InvalidMention as exc:
            raise _Bad(exc.field or "post", str(exc)) from None

    def post_view(self, view: Mapping[str, Any]) -> Mention:
        uri = _str(view, "uri", where="post")
        return self.post(
            uri,
            view.get("record"),
            self.author(view.get("author"), where="post.author"),
            raw=view,
            indexed_at=view.get("indexedAt"),
            metrics=Engagement(
                likes=_count(view, "likeCount"),
                reposts=_count(view, "repostCount"),
                replies=_count(view, "replyCount"),
                quotes=_count(view, "quoteCount"),
            ),
        )

    def notification(self, item: Mapping[str, Any]) -> Mention:
        uri = _str(item, "uri", where="notification")
        return self.post(
            uri,
            item.get("record"),
            self.author(item.get("author"), where="notification.author"),
            raw=item,
            indexed_at=item.get("indexedAt"),
        )

    def stored_record(self, item: Mapping[str, Any]) -> Mention:
        uri = _str(item, "uri", where="record")
        did = _did_of(uri)
        if did is None:
            raise _Bad("record.uri", "not an at:// URI")
        author = Author(platform=PLATFORM, native_id=did, handle=did, is_brand=did in self.brand)
        return self.post(uri, item.get("value"), author, raw=item)

    def message(self, item: Mapping[str, Any], convo_id: str | None = None) -> Mention:
        native_id = _str(item, "id", where="message")
        text = item.get("text")
        if not isinstance(text, str):
            raise _Bad("message.text", f"expected a string, got {type(text).__name__}")
        sender = item.get("sender")
        author = self.author(
            {"did": sender.get("did")} if isinstance(sender, Mapping) else sender,
            where="message.sender",
        )
        try:
            return Mention(
                channel=self.ref,
                native_id=native_id,
                author=author,
                text=text,
                created_at=_when(item.get("sentAt"), field="message.sentAt"),
                visibility=Visibility.PRIVATE,
                conversation_id=convo_id,
                raw=dict(item),
            )
        except InvalidMention as exc:
            raise _Bad(exc.field or "message", str(exc)) from None


def _invalid(item: Any, error: _Bad) -> InvalidPayload:
    return InvalidPayload(f"bluesky: {error}", raw=raw_dump(item), platform=PLATFORM)


def _type(obj: Mapping[str, Any]) -> str:
    value = obj.get("$type")
    return value if isinstance(value, str) else ""


def _is_post_record(record: Any) -> bool:
    if not isinstance(record, Mapping):
        return False
    kind = _type(record)
    return kind == _POST or (not kind and "text" in record)


_NOT_POST_VIEWS = ("#notFoundPost", "#blockedPost", "#deletedMessageView", "#viewNotFound")


class _Collector:
    """Walks a decoded body and collects one entry per post-like item."""

    def __init__(self, parser: _Parser) -> None:
        self.parser = parser
        self.out: list[Mention | InvalidPayload] = []

    def add(self, item: Any, build: Callable[[Mapping[str, Any]], Mention]) -> None:
        try:
            if not isinstance(item, Mapping):
                raise _Bad("item", f"expected an object, got {type(item).__name__}")
            self.out.append(build(item))
        except _Bad as error:
            self.out.append(_invalid(item, error))

    def each(self, items: Any, field: str, visit: Callable[[Any], None]) -> None:
        if not isinstance(items, list):
            self.out.append(_invalid(items, _Bad(field, "expected a list")))
            return
        for item in items:
            visit(item)

    def notification(self, item: Any) -> None:
        if (
            isinstance(item, Mapping)
            and "record" in item
            and "reason" in item
            and not _is_post_record(item.get("record"))
        ):
            return  # a like, repost or follow: no post of its own
        self.add(item, self.parser.notification)

    def post_view(self, item: Any) -> None:
        if isinstance(item, Mapping) and _type(item).endswith(_NOT_POST_VIEWS):
            return
        self.add(item, self.parser.post_view)

    def feed_item(self, item: Any) -> None:
        if isinstance(item, Mapping) and "post" in item:
            self.post_view(item["post"])
        else:
            self.post_view(item)

    def thread(self, node: Any, depth: int = 0) -> None:
        if not isinstance(node, Mapping) or depth > 200:
            self.post_view(node)
            return
        if _type(node).endswith(_NOT_POST_VIEWS) or ("post" not in node and "uri" in node):
            return
        parent = node.get("parent")
        if isinstance(parent, Mapping):
            self.thread(parent, depth + 1)
        self.post_view(node.get("post"))
        replies = node.get("replies")
        if isinstance(replies, list):
            for reply in replies:
                self.thread(reply, depth + 1)

    def record(self, item: Any) -> None:
        if (
            isinstance(item, Mapping)
            and isinstance(item.get("value"), Mapping)
            and not _is_post_record(item.get("value"))
        ):
            return  # a like, follow or generator record
        self.add(item, self.parser.stored_record)

    def message(self, item: Any, convo_id: str | None = None) -> None:
        if isinstance(item, Mapping) and _type(item).endswith(_NOT_POST_VIEWS):
            return
        self.add(item, lambda m: self.parser.message(m, convo_id))

    def log(self, item: Any) -> None:
        if isinstance(item, Mapping) and _type(item).endswith("#logCreateMessage"):
            convo = item.get("convoId")
            self.message(item.get("message"), convo if isinstance(convo, str) else None)


def _looks_like_post_view(obj: Mapping[str, Any]) -> bool:
    return "uri" in obj and "author" in obj and ("record" in obj or "cid" in obj)


def _collect(payload: Any, parser: _Parser) -> list[Mention | InvalidPayload]:
    if not isinstance(payload, Mapping):
        if isinstance(payload, list):
            collector = _Collector(parser)
            for item in payload:
                collector.feed_item(item)
            if payload and not collector.out:
                raise InvalidPayload(
                    "bluesky: not a post: list without posts",
                    raw=raw_dump(payload),
                    platform=PLATFORM,
                )
            return collector.out
        raise InvalidPayload(
            f"bluesky: not a post: {type(payload).__name__}",
            raw=raw_dump(payload),
            platform=PLATFORM,
        )
    c = _Collector(parser)
    if "notifications" in payload:
        c.each(payload["notifications"], "notifications", c.notification)
    elif "thread" in payload:
        c.thread(payload["thread"])
    elif "posts" in payload:
        c.each(payload["posts"], "posts", c.post_view)
    elif "feed" in payload:
        c.each(payload["feed"], "feed", c.feed_item)
    elif "records" in payload:
        c.each(payload["records"], "records", c.record)
    elif "messages" in payload:
        c.each(payload["messages"], "messages", c.message)
    elif "logs" in payload:
        c.each(payload["logs"], "logs", c.log)
    elif "reason" in payload and "record" in payload and "uri" in payload:
        if not _is_post_record(payload.get("record")):
            raise _not_a_post(payload, "notification without a post")
        c.notification(payload)
    elif _type(payload).endswith("#threadViewPost") or "post" in payload:
        c.thread(payload)
    elif _looks_like_post_view(payload):
        c.post_view(payload)
    elif "value" in payload and "uri" in payload:
        if not _is_post_record(payload.get("value")):
            value = payload.get("value")
            kind = _type(value) if isinstance(value, Mapping) else "unreadable"
            raise _not_a_post(payload, f"{kind or 'unknown'} record")
        c.record(payload)
    elif _type(payload).endswith("#messageView") or ("sender" in payload and "sentAt" in payload):
        c.message(payload)
    else:
        raise _not_a_post(payload, _describe(payload))
    return c.out


def _describe(obj: Mapping[str, Any]) -> str:
    if "error" in obj:
        return "error object"
    if "profiles" in obj or ("did" in obj and "handle" in obj):
        return "profile object"
    if "did" in obj:
        return "identity object"
    if "commit" in obj or ("uri" in obj and "cid" in obj):
        return "write result"
    if "blob" in obj:
        return "blob object"
    if "convo" in obj or "convos" in obj:
        return "conversation object"
    if "accessJwt" in obj:
        return "session object"
    return "unrecognised object"


def _not_a_post(payload: Any, what: str) -> InvalidPayload:
    raw = "" if isinstance(payload, Mapping) and "accessJwt" in payload else raw_dump(payload)
    return InvalidPayload(f"bluesky: not a post: {what}", raw=raw, platform=PLATFORM)


def parse_mentions(payload: Any, *, ref: ChannelRef) -> list[Mention | InvalidPayload]:
    """Every post or chat message in a decoded Bluesky XRPC response, as mentions.

    Understands notification lists, search results and ``getPosts``
    (``posts``), feeds, threads (``getPostThread``, parents and replies),
    stored records (``getRecord``/``listRecords``), single post views and
    notifications, and chat messages (``getMessages``, ``getLog``,
    ``sendMessage``), which come back private.

    Args:
        payload: The decoded JSON body.
        ref: The brand account (handle or DID); its own posts come back with
            ``author.is_brand``.

    Returns:
        One entry per post-like item: a :class:`~socialcx.Mention`, or an
        :class:`~socialcx.errors.InvalidPayload` (its ``raw`` is the item as
        JSON) naming the field that could not be read.

    Raises:
        InvalidPayload: The body holds no posts (a profile, an identity, an
            error, a write result ...); the message says which.
    """
    parser = _Parser(ref=ref, brand=frozenset({ref.account.lower()}))
    try:
        return _collect(payload, parser)
    except InvalidPayload:
        raise
    except Exception as exc:  # never let a malformed body escape as anything else
        raise InvalidPayload(
            f"bluesky: unreadable body ({type(exc).__name__})", raw=raw_dump(payload)
        ) from exc


# --- the channel -------------------------------------------------------------------------


def _log_invalid(error: InvalidPayload) -> None:
    _log.warning(
        "unparseable post skipped",
        extra={"event": "invalid_payload", "platform": PLATFORM, "error": str(error)},
    )


def _link_facets(text: str) -> list[dict[str, Any]]:
    """Link facets for the URLs in ``text``, indexed in UTF-8 bytes as the lexicon says."""
    facets = []
    for match in _URL.finditer(text):
        start = len(text[: match.start()].encode("utf-8"))
        end = start + len(match.group(0).encode("utf-8"))
        facets.append(
            {
                "index": {"byteStart": start, "byteEnd": end},
                "features": [{"$type": "app.bsky.richtext.facet#link", "uri": match.group(0)}],
            }
        )
    return facets


class BlueskyChannel(HttpChannelBase):
    """One Bluesky account: its notifications, an optional search, and its chats.

    Args:
        account: The brand's handle (or DID).
        password: An app password (with chat access when ``chat`` is on), used
            to create a session and to create one again when the refresh token
            has expired. Never shown in reprs, logs or errors.
        session: Tokens saved from an earlier session, used before creating one.
        client: The HTTP client (tests pass one with ``httpx.MockTransport``).
        base_url: The PDS or entryway, ``https://bsky.social`` by default.
        clock: Where "now" comes from.
        page_size: Notifications per request (1-100).
        search: A query for ``app.bsky.feed.searchPosts``, to hear posts that do
            not mention the account; ``None`` listens to notifications only.
        chat: Read and send private messages through the chat service.
        chat_proxy: The ``atproto-proxy`` value for chat calls.
        backfill: How far back ``fetch(None)`` reaches; ``None`` reads every
            notification the server keeps.
        on_session: Called with each new session, to save the tokens.
        on_invalid: Also called with each post in a page that cannot be
            parsed; every such post is in the page's ``rejected`` (and a warning
            without the raw data is logged) whether or not this is set.

    Capabilities: replies of 300 graphemes and chat messages of 1000,
    idempotent by record key.
    """

    def __init__(
        self,
        *,
        account: str,
        password: str | None = None,
        session: BlueskySession | None = None,
        client: httpx.AsyncClient | None = None,
        base_url: str = "https://bsky.social",
        clock: Clock | None = None,
        page_size: int = 50,
        search: str | None = None,
        chat: bool = True,
        chat_proxy: str = CHAT_PROXY,
        backfill: timedelta | None = None,
        on_session: Callable[[BlueskySession], None] | None = None,
        on_invalid: Callable[[InvalidPayload], None] | None = None,
    ) -> None:
        if password is None and session is None:
            raise ValidationError(
                "BlueskyChannel: needs an app password or a saved session", field="password"
            )
        super().__init__(
            ref=ChannelRef(platform=PLATFORM, account=account.strip().lstrip("@")),
            client=client,
            clock=clock,
        )
        self._password = password
        self._session = session
        self._base = base_url.rstrip("/")
        self._page_size = max(1, min(page_size, 100))
        self._search = search
        self._chat = chat
        self._chat_proxy = chat_proxy
        self._backfill = backfill
        self._on_session = on_session
        self._on_invalid = on_invalid
        self._capabilities = ChannelCapabilities(
            public_reply=True,
            private_message=chat,
            brand_can_start_private=chat,
            max_length=300,
            private_max_length=1000,
            length_unit=LengthUnit.GRAPHEMES,
            idempotent_send=True,
            deletes=True,
        )

    def _repr_fields(self) -> dict[str, object]:
        return {**super()._repr_fields(), "base_url": self._base}

    @property
    def session(self) -> BlueskySession | None:
        """The current session, to save between runs."""
        return self._session

    # --- sessions and requests

    def _set_session(self, body: Any) -> None:
        if not isinstance(body, Mapping) or not all(
            isinstance(body.get(k), str) and body.get(k)
            for k in ("did", "handle", "accessJwt", "refreshJwt")
        ):
            raise InvalidPayload("bluesky: the session answer lacks its tokens", raw=b"")
        self._session = BlueskySession(
            did=body["did"],
            handle=body["handle"],
            access_jwt=body["accessJwt"],
            refresh_jwt=body["refreshJwt"],
        )
        if self._on_session is not None:
            self._on_session(self._session)

    async def _raw(
        self, method: str, nsid: str, *, token: str | None, **kwargs: Any
    ) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}))
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        return await checked_request(
            self._client,
            method,
            f"{self._base}/xrpc/{nsid}",
            platform=PLATFORM,
            now=self._clock.now(),
            headers=headers,
            **kwargs,
        )

    def _body(self, response: httpx.Response, *, secret: bool = False) -> Any:
        try:
            return json_body(response, platform=PLATFORM)
        except InvalidPayload as exc:
            if secret:
                raise InvalidPayload(str(exc), raw=b"", platform=PLATFORM) from None
            raise

    async def _create_session(self) -> None:
        if self._password is None:
            raise AuthError("bluesky: no app password to create a session", platform=PLATFORM)
        response = await self._raw(
            "POST",
            "com.atproto.server.createSession",
            token=None,
            json={"identifier": self._ref.account, "password": self._password},
        )
        self._set_session(self._body(response, secret=True))

    async def _refresh(self) -> None:
        assert self._session is not None
        try:
            response = await self._raw(
                "POST", "com.atproto.server.refreshSession", token=self._session.refresh_jwt
            )
        except AuthError:
            if self._password is None:
                raise
            await self._create_session()
            return
        self._set_session(self._body(response, secret=True))

    async def _call(self, method: str, nsid: str, **kwargs: Any) -> Any:
        """One authenticated call: refresh once on an expired token; report to health."""
        renewed = False
        try:
            if self._session is None:
                await self._create_session()
                renewed = True
            assert self._session is not None
            try:
                response = await self._raw(method, nsid, token=self._session.access_jwt, **kwargs)
            except AuthExpired:
                await self._refresh()
                renewed = True
                response = await self._raw(method, nsid, token=self._session.access_jwt, **kwargs)
            except AuthError:
                if self._password is None:
                    raise
                await self._create_session()  # the session was revoked: log in again
                renewed = True
                response = await self._raw(method, nsid, token=self._session.access_jwt, **kwargs)
            body = self._body(response)
        except Exception as exc:
            self._health.observe(exc)
            raise
        self._succeeded(renewed=renewed)
        return body

    def _chat_headers(self) -> dict[str, str]:
        return {"atproto-proxy": self._chat_proxy}

    def _parser(self) -> _Parser:
        brand = {self._ref.account.lower()}
        if self._session is not None:
            brand |= {self._session.did, self._session.handle.lower()}
        return _Parser(ref=self._ref, brand=frozenset(brand))

    def _shape(self, body: Any, what: str) -> InvalidPayload:
        error = InvalidPayload(f"bluesky: {what}", raw=raw_dump(body), platform=PLATFORM)
        self._health.observe(error)
        return error

    # --- listening

    def _read_cursor(self, cursor: Cursor | None) -> dict[str, Any]:
        lists = ("notifications", "search")
        if cursor is None:
            since = None if self._backfill is None else self._clock.now() - self._backfill
            return {**watermark.start_lists(lists, since=since), "chat": {}}
        try:
            state = watermark.read_lists(cursor, lists, parse_time=_parse_time)
            state.setdefault("chat", {})
        except ValueError:
            raise PermanentChannelError(
                "bluesky: the cursor is not one this channel issued", platform=PLATFORM
            ) from None
        return state

    async def fetch(self, cursor: Cursor | None) -> Page:
        """Notifications, search hits and chat messages after ``cursor``."""
        state = self._read_cursor(cursor)
        entries, more = await self._fetch_notifications(state["notifications"])
        if self._search:
            found, more_found = await self._fetch_search(state["search"])
            entries += found
            more = more or more_found
        if self._chat:
            messages, more_chat = await self._fetch_chat(state["chat"])
            entries += messages
            more = more or more_chat
        if not self._search:
            state.pop("search", None)
        return collect_page(
            entries,
            next_cursor=json.dumps(state, sort_keys=True),
            has_more=more,
            log=_log_invalid,
            on_invalid=self._on_invalid,
        )

    def _items(
        self, raw: list[Any], build: Callable[[_Collector, Any], None]
    ) -> list[watermark.Item]:
        """Entries with the position (``indexedAt``, uri) each item holds in the list.

        Items that give no entry (a like, a follow) still mark a position, so
        reaching an old one ends a walk. An item without a position of its own
        (a broken ``indexedAt``) takes the time of its nearest neighbour with
        one, older first, so the watermark passes it like any other and it is
        delivered (or rejected) once.
        """
        found: list[tuple[datetime | None, str, list[Mention | InvalidPayload]]] = []
        parser = self._parser()
        for obj in raw:
            at = _parse_time(obj.get("indexedAt")) if isinstance(obj, Mapping) else None
            uri = obj.get("uri") if isinstance(obj, Mapping) else None
            collector = _Collector(parser)
            build(collector, obj)
            if not isinstance(uri, str):
                at, uri = None, raw_dump(obj)
            found.append((at, uri, collector.out))
        items: list[watermark.Item] = []
        for at, uri, out in found:
            where = watermark.NOWHERE if at is None else at  # placed below, between its neighbours
            items.append(watermark.Item(at=where, key=uri, entry=None))
            items.extend(watermark.Item(at=where, key=uri, entry=entry) for entry in out)
        return watermark.place(items)

    async def _fetch_notifications(
        self, state: dict[str, Any]
    ) -> tuple[list[Mention | InvalidPayload], bool]:
        params: list[tuple[str, str | int]] = [("limit", self._page_size)]
        params += [("reasons", reason) for reason in _REASONS]
        walk = state.get("walk")
        if isinstance(walk, dict) and isinstance(walk.get("c"), str):
            params.append(("cursor", walk["c"]))
        body = await self._call("GET", "app.bsky.notification.listNotifications", params=params)
        notifications = body.get("notifications") if isinstance(body, Mapping) else None
        if not isinstance(notifications, list):
            raise self._shape(body, "listNotifications: expected notifications")

        def build(collector: _Collector, item: Any) -> None:
            if not isinstance(item, Mapping) or item.get("reason") in _REASONS:
                collector.notification(item)

        items = self._items(notifications, build)
        server_cursor = body.get("cursor") if isinstance(body.get("cursor"), str) else None
        return watermark.walk(state, items, server_cursor, cursor_key="c", parse_time=_parse_time)

    async def _fetch_search(
        self, state: dict[str, Any]
    ) -> tuple[list[Mention | InvalidPayload], bool]:
        params: list[tuple[str, str | int]] = [
            ("q", self._search or ""),
            ("sort", "latest"),
            ("limit", self._page_size),
        ]
        mark = watermark.read_mark(state.get("w"), parse_time=_parse_time)
        if mark is not None:
            params.append(("since", mark[0].isoformat().replace("+00:00", "Z")))
        walk = state.get("walk")
        if isinstance(walk, dict) and isinstance(walk.get("c"), str):
            params.append(("cursor", walk["c"]))
        body = await self._call("GET", "app.bsky.feed.searchPosts", params=params)
        posts = body.get("posts") if isinstance(body, Mapping) else None
        if not isinstance(posts, list):
            raise self._shape(body, "searchPosts: expected posts")
        items = self._items(posts, _Collector.post_view)
        server_cursor = body.get("cursor") if isinstance(body.get("cursor"), str) else None
        return watermark.walk(state, items, server_cursor, cursor_key="c", parse_time=_parse_time)

    async def _fetch_chat(
        self, state: dict[str, Any]
    ) -> tuple[list[Mention | InvalidPayload], bool]:
        params = {"cursor": state["c"]} if isinstance(state.get("c"), str) else {}
        body = await self._call(
            "GET", "chat.bsky.convo.getLog", params=params, headers=self._chat_headers()
        )
        logs = body.get("logs") if isinstance(body, Mapping) else None
        if not isinstance(logs, list):
            raise self._shape(body, "getLog: expected logs")
        collector = _Collector(self._parser())
        for entry in logs:
            collector.log(entry)
        revs = [e["rev"] for e in logs if isinstance(e, Mapping) and isinstance(e.get("rev"), str)]
        next_cursor = body.get("cursor") if isinstance(body.get("cursor"), str) else None
        if next_cursor or revs:
            state["c"] = next_cursor or max(revs)
        return collector.out, bool(logs)

    # --- sending

    async def _own_did(self) -> str:
        if self._session is None:
            try:
                await self._create_session()
            except Exception as exc:
                self._health.observe(exc)
                raise
        assert self._session is not None
        return self._session.did

    async def _strong_ref(self, uri: str) -> tuple[dict[str, str], dict[str, str]]:
        """``(root, parent)`` references for a reply to ``uri``."""
        body = await self._call("GET", "app.bsky.feed.getPosts", params={"uris": uri})
        posts = body.get("posts") if isinstance(body, Mapping) else None
        post = posts[0] if isinstance(posts, list) and posts else None
        if not isinstance(post, Mapping):
            raise PermanentChannelError(
                "bluesky: the post answered is gone or not visible", platform=PLATFORM
            )
        cid = post.get("cid")
        if not isinstance(cid, str):
            raise self._shape(body, "getPosts: the post has no cid")
        parent = {"uri": uri, "cid": cid}
        record = post.get("record")
        reply = record.get("reply") if isinstance(record, Mapping) else None
        root = reply.get("root") if isinstance(reply, Mapping) else None
        if (
            isinstance(root, Mapping)
            and isinstance(root.get("uri"), str)
            and isinstance(root.get("cid"), str)
        ):
            return {"uri": root["uri"], "cid": root["cid"]}, parent
        return parent, parent

    async def _existing(self, did: str, rkey: str) -> Mapping[str, Any] | None:
        """The post stored under ``rkey``, or ``None``."""
        try:
            body = await self._call(
                "GET",
                "com.atproto.repo.getRecord",
                params={"repo": did, "collection": _POST, "rkey": rkey},
            )
        except PermanentChannelError as exc:
            if exc.status in (400, 404):
                return None  # RecordNotFound
            raise
        return body if isinstance(body, Mapping) and isinstance(body.get("uri"), str) else None

    def _post_delivery(
        self, uri: str, message: OutboundMessage, *, replayed: bool, sent_at: datetime | None
    ) -> Delivery:
        handle = self._session.handle if self._session else self._ref.account
        return Delivery(
            native_id=uri,
            url=_web_url(uri, handle),
            sent_at=sent_at,
            idempotency_key=message.idempotency_key,
            replayed=replayed,
        )

    async def send(self, message: OutboundMessage) -> Delivery:
        """A reply post (keyed by the idempotency key) or a chat message."""
        check_outbound(message, self._capabilities, channel=self._ref)
        if not message.is_public:
            return await self._send_message(message)
        did = await self._own_did()
        rkey = record_key(message.idempotency_key, message.created_at)
        now = self._clock.now()
        record: dict[str, Any] = {
            "$type": _POST,
            "text": message.text,
            "createdAt": now.isoformat().replace("+00:00", "Z"),
        }
        facets = _link_facets(message.text)
        if facets:
            record["facets"] = facets
        if message.in_reply_to is not None:
            root, parent = await self._strong_ref(message.in_reply_to)
            record["reply"] = {"root": root, "parent": parent}
        try:
            body = await self._call(
                "POST",
                "com.atproto.repo.createRecord",
                json={"repo": did, "collection": _POST, "rkey": rkey, "record": record},
            )
        except ChannelError as exc:
            if isinstance(exc, _NO_RESPONSE) or exc.status is None:
                raise  # no answer: find_sent or a retry with the same key settles it
            existing = await self._existing(did, rkey)
            if existing is None:
                raise
            return self._resolve_existing(existing, message)
        uri = body.get("uri") if isinstance(body, Mapping) else None
        if not isinstance(uri, str):
            raise self._shape(body, "createRecord: the answer has no uri")
        return self._post_delivery(uri, message, replayed=False, sent_at=now)

    def _resolve_existing(self, existing: Mapping[str, Any], message: OutboundMessage) -> Delivery:
        value = existing.get("value")
        text = value.get("text") if isinstance(value, Mapping) else None
        if text != message.text:
            raise PermanentChannelError(
                "bluesky: the record key of this message holds a different post",
                platform=PLATFORM,
            )
        created = _parse_time(value.get("createdAt")) if isinstance(value, Mapping) else None
        return self._post_delivery(str(existing["uri"]), message, replayed=True, sent_at=created)

    async def _convo_id(self, recipient: str) -> str:
        body = await self._call(
            "GET",
            "chat.bsky.convo.getConvoForMembers",
            params={"members": recipient},
            headers=self._chat_headers(),
        )
        convo = body.get("convo") if isinstance(body, Mapping) else None
        convo_id = convo.get("id") if isinstance(convo, Mapping) else None
        if not isinstance(convo_id, str):
            raise self._shape(body, "getConvoForMembers: no conversation id")
        return convo_id

    async def _sent_message(self, convo_id: str, message: OutboundMessage) -> Delivery | None:
        """Our message with this text, sent since the message was drafted, if any."""
        did = await self._own_did()
        body = await self._call(
            "GET",
            "chat.bsky.convo.getMessages",
            params={"convoId": convo_id, "limit": 50},
            headers=self._chat_headers(),
        )
        messages = body.get("messages") if isinstance(body, Mapping) else None
        for item in messages if isinstance(messages, list) else []:
            if not isinstance(item, Mapping) or not isinstance(item.get("id"), str):
                continue
            sender = item.get("sender")
            sent_at = _parse_time(item.get("sentAt"))
            if (
                isinstance(sender, Mapping)
                and sender.get("did") == did
                and item.get("text") == message.text
                and sent_at is not None
                and sent_at >= message.created_at
            ):
                return Delivery(
                    native_id=item["id"],
                    sent_at=sent_at,
                    idempotency_key=message.idempotency_key,
                    replayed=True,
                )
        return None

    async def _send_message(self, message: OutboundMessage) -> Delivery:
        assert message.recipient is not None
        convo_id = await self._convo_id(message.recipient)
        # chat has no idempotency: look for this message before sending it again
        found = await self._sent_message(convo_id, message)
        if found is not None:
            return found
        payload: dict[str, Any] = {"text": message.text}
        facets = _link_facets(message.text)
        if facets:
            payload["facets"] = facets
        body = await self._call(
            "POST",
            "chat.bsky.convo.sendMessage",
            json={"convoId": convo_id, "message": payload},
            headers=self._chat_headers(),
        )
        native_id = body.get("id") if isinstance(body, Mapping) else None
        if not isinstance(native_id, str):
            raise self._shape(body, "sendMessage: the answer has no id")
        return Delivery(
            native_id=native_id,
            sent_at=_parse_time(body.get("sentAt")),
            idempotency_key=message.idempotency_key,
        )

    async def find_sent(self, message: OutboundMessage) -> Delivery | None:
        """The post under the message's record key, or our chat message with its text."""
        if not message.is_public:
            if message.recipient is None:
                return None
            return await self._sent_message(await self._convo_id(message.recipient), message)
        did = await self._own_did()
        existing = await self._existing(
            did, record_key(message.idempotency_key, message.created_at)
        )
        if existing is None:
            return None
        try:
            return self._resolve_existing(existing, message)
        except PermanentChannelError:
            return None
