"""Blogs and news sites: RSS and Atom feeds, read with conditional GET.

A feed is polled with ``If-None-Match`` (the last ``ETag``) and
``If-Modified-Since`` (the last ``Last-Modified``); a 304 is an empty page
and the cursor stays as it was. Entries are deduplicated on their identity:
the Atom ``<id>``, the RSS ``<guid>``, else the ``<link>``, else a hash of
title, date and link. The cursor keeps the validators and a bounded list of
the entries seen (with their ``updated`` stamp, so an edited entry comes
back once with ``edited_at``).

Feeds are read-only: there is no reply channel in the format (comments go
through each site's own API), so the capabilities say no public reply and no
private message, and :meth:`BlogFeedChannel.send` refuses every message
before any request. WebSub deliveries (a feed document signed with
``X-Hub-Signature``) are parsed by :meth:`BlogFeedChannel.parse_webhook`.

Parsing needs the optional ``feedparser`` package: ``pip install 'socialcx[feeds]'``.
"""

from __future__ import annotations

import calendar
import hashlib
import html
import io
import json
import logging
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import httpx

from socialcx._clock import Clock
from socialcx.channels._base import MAX_RAW, HttpChannelBase, raw_text
from socialcx.channels._http import BadSignature, checked_request, verify_signature
from socialcx.channels._protocol import (
    Cursor,
    Delivery,
    MessageRefused,
    Page,
    check_outbound,
)
from socialcx.errors import InvalidPayload, PermanentChannelError, SocialCXError
from socialcx.model import (
    Author,
    ChannelCapabilities,
    ChannelRef,
    Mention,
    OutboundMessage,
    Visibility,
)

__all__ = [
    "CAPABILITIES",
    "PLATFORM",
    "BlogFeedChannel",
    "entry_id",
    "parse_mentions",
]

log = logging.getLogger(__name__)

PLATFORM = "blog"

#: Read-only: no replies, no private messages.
CAPABILITIES = ChannelCapabilities(public_reply=False, private_message=False)

#: Entries remembered in the cursor, newest first.
DEFAULT_MAX_SEEN = 500

_TAG = re.compile(r"<[^>]+>")
_BLOCK = re.compile(r"</?(p|div|br|li|h[1-6]|blockquote|tr)\b[^>]*>", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\r\f\v]+")
_INSTALL_HINT = "reading feeds needs feedparser: pip install 'socialcx[feeds]'"


def _feedparser() -> ModuleType:
    """Import feedparser on first use, with a clear message when it is missing."""
    try:
        import feedparser  # type: ignore[import-untyped]
    except ImportError as exc:
        raise ImportError(_INSTALL_HINT) from exc
    module: ModuleType = feedparser
    return module


# --- parsing ------------------------------------------------------------------------


def _plain(markup: str) -> str:
    """HTML to plain text: block tags become line breaks, other tags go, entities decode."""
    text = _BLOCK.sub("\n", markup)
    text = html.unescape(_TAG.sub("", text))
    lines = [_SPACES.sub(" ", line).strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def _str(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _moment(value: Any) -> datetime | None:
    """feedparser's ``*_parsed`` values are UTC ``time.struct_time`` tuples."""
    if value is None:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _get(entry: Mapping[str, Any], key: str) -> Any:
    """A field as the document had it (feedparser's aliases, which warn, are bypassed)."""
    return dict.get(entry, key) if isinstance(entry, dict) else _get(entry, key)


def entry_id(entry: Mapping[str, Any]) -> str | None:
    """The identity of a feed entry: Atom ``id`` / RSS ``guid``, else link, else a hash."""
    found = _str(_get(entry, "id")) or _str(_get(entry, "link"))
    if found:
        return found
    parts = [_str(_get(entry, k)) or "" for k in ("title", "published", "updated", "link")]
    if not any(parts):
        return None
    return "sha256:" + hashlib.sha256("\x1f".join(parts).encode("utf-8", "replace")).hexdigest()


def _body(entry: Mapping[str, Any]) -> str:
    content = _get(entry, "content")
    if isinstance(content, list):
        for part in content:
            value = part.get("value") if isinstance(part, Mapping) else None
            if isinstance(value, str) and value.strip():
                return _plain(value)
    summary = _get(entry, "summary")
    return _plain(summary) if isinstance(summary, str) else ""


def _host(ref: ChannelRef, link: str | None) -> str:
    for candidate in (link, ref.account):
        if candidate:
            host = urlsplit(candidate).hostname
            if host:
                return host
    return ref.account


def _entry(
    entry: Mapping[str, Any],
    ref: ChannelRef,
    *,
    feed: Mapping[str, Any],
    seen_at: datetime | None,
) -> Mention:
    native_id = entry_id(entry)
    if native_id is None:
        raise ValueError("entry.id: no id, guid, link, title or date to identify it")
    link = _str(_get(entry, "link"))
    published = _moment(_get(entry, "published_parsed"))
    updated = _moment(_get(entry, "updated_parsed"))
    created = published or updated or seen_at
    if created is None:
        raise ValueError("entry.published: missing (no published or updated date)")
    detail = _get(entry, "author_detail")
    name = _str(detail.get("name")) if isinstance(detail, Mapping) else None
    name = name or _str(_get(entry, "author")) or _str(feed.get("author"))
    host = _host(ref, link)
    author = Author(
        platform=PLATFORM,
        native_id=f"{host}/{name}" if name else host,
        handle=name or host,
        display_name=name,
    )
    title_raw = _get(entry, "title")
    title = _plain(title_raw) if isinstance(title_raw, str) else ""
    body = _body(entry)
    text = "\n\n".join(part for part in (title, body) if part)
    raw = {
        key: _get(entry, key)
        for key in ("id", "title", "link", "published", "updated", "author", "summary")
        if isinstance(_get(entry, key), str)
    }
    return Mention(
        channel=ref,
        native_id=native_id,
        author=author,
        text=text,
        created_at=created,
        visibility=Visibility.PUBLIC,
        url=link,
        language=_str(_get(entry, "language")) or _str(feed.get("language")),
        edited_at=updated
        if published is not None and updated is not None and updated > published
        else None,
        raw=raw,
    )


def _parse_feed(payload: Any) -> Any:
    """feedparser's result for a document; never reads a URL or a file."""
    if isinstance(payload, str):
        payload = payload.encode("utf-8", "surrogatepass")
    if not isinstance(payload, bytes | bytearray | memoryview):
        raise InvalidPayload(
            f"not a feed: a {type(payload).__name__}, not feed bytes or text",
            raw=raw_text(payload),
            platform=PLATFORM,
        )
    data = bytes(payload)
    module = _feedparser()
    try:
        # A stream, never bytes or str: feedparser opens those as a path or URL when it can.
        parsed = module.parse(io.BytesIO(data), sanitize_html=True, resolve_relative_uris=False)
    except Exception as exc:  # feedparser is lenient, but a parser of untrusted input must not leak
        raise InvalidPayload(
            f"blog: feed could not be read ({type(exc).__name__})", raw=data, platform=PLATFORM
        ) from exc
    if not parsed.get("version") and not parsed.get("entries"):
        reason = "not a feed: no RSS or Atom document"
        if parsed.get("bozo"):
            reason += f" ({type(parsed.get('bozo_exception')).__name__})"
        raise InvalidPayload(reason, raw=data[:MAX_RAW], platform=PLATFORM)
    return parsed


def parse_mentions(
    payload: Any, *, ref: ChannelRef, seen_at: datetime | None = None
) -> list[Mention | InvalidPayload]:
    """Parse an RSS or Atom document into mentions, one per entry.

    Args:
        payload: The feed as bytes (preferred: the XML declares its encoding)
            or text. It is never treated as a URL or a file name.
        ref: The channel (its ``account`` is the feed URL).
        seen_at: The date for entries that carry none; without it such
            entries are reported as invalid.

    Returns:
        One entry per feed entry: a mention (title and text as plain text), or
        an ``InvalidPayload`` naming the field that failed.

    Raises:
        InvalidPayload: The document is not a feed (HTML, JSON, garbage).
        ImportError: feedparser is not installed (``socialcx[feeds]``).
    """
    parsed = _parse_feed(payload)
    feed = parsed.get("feed") or {}
    items: list[Mention | InvalidPayload] = []
    for entry in parsed.get("entries") or []:
        try:
            items.append(_entry(entry, ref, feed=feed, seen_at=seen_at))
        except (SocialCXError, ValueError, TypeError, KeyError, AttributeError) as exc:
            items.append(
                InvalidPayload(f"blog: {exc}", raw=raw_text(dict(entry)), platform=PLATFORM)
            )
    return items


# --- cursor -------------------------------------------------------------------------


def _read_cursor(cursor: Cursor | None) -> tuple[str | None, str | None, dict[str, str]]:
    if cursor is None:
        return None, None, {}
    try:
        data = json.loads(cursor)
    except ValueError:
        data = None
    if not isinstance(data, dict) or data.get("v") != 1 or not isinstance(data.get("seen"), list):
        raise PermanentChannelError(
            "blog: the cursor was not written by this channel", platform=PLATFORM
        )
    seen: dict[str, str] = {}
    for pair in data["seen"]:
        if isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str):
            seen[pair[0]] = pair[1] if isinstance(pair[1], str) else ""
    return _str(data.get("etag")), _str(data.get("modified")), seen


def _write_cursor(
    etag: str | None, modified: str | None, seen: Mapping[str, str], limit: int
) -> Cursor:
    pairs = [[k, v] for k, v in list(seen.items())[:limit]]
    return json.dumps({"v": 1, "etag": etag, "modified": modified, "seen": pairs}, sort_keys=True)


def _stamp(mention: Mention) -> str:
    return (mention.edited_at or mention.created_at).astimezone(UTC).isoformat()


#: The stamp of an unreadable entry in the cursor's ``seen`` list.
_REJECTED = "unreadable"


def _rejected_key(error: InvalidPayload) -> str:
    raw = error.raw.encode("utf-8", "replace") if isinstance(error.raw, str) else error.raw
    return "unreadable:" + hashlib.sha256(raw).hexdigest()[:32]


# --- the channel --------------------------------------------------------------------


class BlogFeedChannel(HttpChannelBase):
    """One RSS or Atom feed, listened to with conditional GET; read-only.

    Args:
        url: The feed URL.
        account: The channel's account name (as ``socialcx.toml`` passes it);
            defaults to the feed URL.
        client: The HTTP client; tests pass one on ``httpx.MockTransport``.
        clock: Where "now" comes from (also the date of undated entries).
        auth: HTTP credentials for a private feed, as ``(user, password)``.
        hub_secret: The WebSub ``hub.secret``, to verify pushed deliveries.
        max_seen: How many entry ids the cursor remembers.
        user_agent: Sent with every request; feeds often refuse anonymous clients.

    ``fetch(None)`` delivers every entry the feed currently holds. Entries that
    drop out of the feed between two polls are not seen: poll at least as
    often as the site publishes a feed's worth of entries, or use WebSub.
    """

    capabilities = CAPABILITIES

    def __init__(
        self,
        *,
        url: str,
        account: str | None = None,
        client: httpx.AsyncClient | None = None,
        clock: Clock | None = None,
        auth: tuple[str, str] | None = None,
        hub_secret: str = "",
        max_seen: int = DEFAULT_MAX_SEEN,
        user_agent: str = "socialcx-feeds (+https://pypi.org/project/socialcx/)",
    ) -> None:
        _feedparser()  # fail at construction, not on the first poll
        if not url or urlsplit(url).scheme not in ("http", "https"):
            raise PermanentChannelError("blog: url must be an http(s) feed URL", platform=PLATFORM)
        super().__init__(
            ref=ChannelRef(platform=PLATFORM, account=account or url), client=client, clock=clock
        )
        self._url = url
        self._auth = httpx.BasicAuth(*auth) if auth else None
        self._hub_secret = hub_secret
        self._max_seen = max(10, max_seen)
        self._headers = {
            "User-Agent": user_agent,
            "Accept": "application/atom+xml, application/rss+xml, application/xml;q=0.9, */*;q=0.5",
        }

    def _repr_fields(self) -> dict[str, object]:
        return {"url": self._url}

    def _entries(self, content: bytes, now: datetime) -> tuple[list[Mention], list[InvalidPayload]]:
        try:
            items = parse_mentions(content, ref=self._ref, seen_at=now)
        except InvalidPayload as exc:
            self._health.observe(exc)
            raise
        mentions: list[Mention] = []
        rejected: list[InvalidPayload] = []
        for item in items:
            if isinstance(item, InvalidPayload):
                rejected.append(item)
            else:
                mentions.append(item)
        return mentions, rejected

    async def fetch(self, cursor: Cursor | None) -> Page:
        """New or edited entries since ``cursor``; a 304 gives an empty page and the same cursor."""
        etag, modified, seen = _read_cursor(cursor)
        headers = dict(self._headers)
        if etag:
            headers["If-None-Match"] = etag
        if modified:
            headers["If-Modified-Since"] = modified
        now = self._clock.now()
        response = await checked_request(
            self._client,
            "GET",
            self._url,
            platform=PLATFORM,
            now=now,
            health=self._health,
            headers=headers,
            auth=self._auth,
            follow_redirects=True,
        )
        if response.status_code == 304:
            return Page(
                mentions=[],
                next_cursor=cursor or _write_cursor(etag, modified, seen, self._max_seen),
            )
        mentions, rejected = self._entries(response.content, now)
        fresh = [
            m
            for m in mentions
            if m.native_id not in seen
            or (m.edited_at is not None and seen[m.native_id] != _stamp(m))
        ]
        fresh.sort(key=lambda m: (m.created_at, m.native_id))
        # An unreadable entry is remembered by a digest of its raw data, so it is
        # reported once (and again only if the site changes it).
        unread = {_rejected_key(r): r for r in rejected}
        fresh_rejected = [r for key, r in unread.items() if key not in seen]
        for error in fresh_rejected:
            log.warning(
                "blog: unparseable entry kept aside",
                extra={"event": "invalid_payload", "platform": PLATFORM, "error": str(error)},
            )
        current = {
            m.native_id: _stamp(m)
            for m in sorted(mentions, key=lambda m: m.created_at, reverse=True)
        }
        current.update(dict.fromkeys(unread, _REJECTED))
        merged = {**current, **{k: v for k, v in seen.items() if k not in current}}
        return Page(
            mentions=fresh,
            next_cursor=_write_cursor(
                _str(response.headers.get("etag")),
                _str(response.headers.get("last-modified")),
                merged,
                self._max_seen,
            ),
            has_more=False,
            rejected=fresh_rejected,
        )

    async def send(self, message: OutboundMessage) -> Delivery:
        """Refuse: feeds have no reply channel.

        Raises:
            MessageRefused: Always, before any request (``reason`` says why).
        """
        if message.channel == self._ref:
            raise MessageRefused(
                "blog: feeds are read-only; answer on the site itself (comments or contact form)",
                field="visibility",
                reason="no_private_message" if not message.is_public else "no_public_reply",
                platform=PLATFORM,
            )
        check_outbound(message, CAPABILITIES, channel=self._ref)
        raise MessageRefused(  # pragma: no cover - check_outbound refused already
            "blog: feeds are read-only",
            field="visibility",
            reason="no_public_reply",
            platform=PLATFORM,
        )

    async def find_sent(self, message: OutboundMessage) -> Delivery | None:
        """Nothing is ever sent on a feed."""
        return None

    def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> Sequence[Mention]:
        """Verify a WebSub delivery (``X-Hub-Signature``, any of sha1/256/384/512) and parse it.

        Raises:
            InvalidPayload: Bad signature, no ``hub_secret`` configured, or not a feed.
        """
        if not self._hub_secret:
            raise BadSignature(
                "blog: no hub secret configured to verify WebSub deliveries",
                raw=body,
                platform=PLATFORM,
            )
        header = next((v for k, v in headers.items() if k.lower() == "x-hub-signature"), None)
        verify_signature(
            self._hub_secret, body, header, encoding="hex", algorithm=None, platform=PLATFORM
        )
        try:
            items = parse_mentions(body, ref=self._ref, seen_at=self._clock.now())
        except InvalidPayload as exc:
            raise InvalidPayload(str(exc), raw=body, platform=PLATFORM) from exc
        mentions: list[Mention] = []
        for item in items:
            if isinstance(item, InvalidPayload):
                raise InvalidPayload(str(item), raw=body, platform=PLATFORM)
            mentions.append(item)
        return mentions
