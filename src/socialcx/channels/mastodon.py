"""Mastodon: mention notifications in, statuses out, for one account on one instance.

Listening reads ``GET /api/v1/notifications?types[]=mention`` forward with
``min_id`` (``since_id`` returns the newest page above a floor and skips
whatever did not fit in it), and optionally a status search
(``GET /api/v2/search?type=statuses``), which depends on the instance's
full-text search. The cursor is a JSON string holding the highest
notification id (and search status id) already delivered; ids are opaque
strings, compared the way Mastodon orders them (by length, then lexically),
never cast to integers.

Replies are ``POST /api/v1/statuses`` with ``in_reply_to_id``; private
messages are the same call with ``visibility=direct``, which reaches only the
accounts the text mentions, so the recipient's ``@acct`` is put in front of
the text when it is not there already. Every post carries the message's
idempotency key as ``Idempotency-Key`` (kept by the server for an hour), so a
retry returns the first status instead of posting twice.

Status ``content`` is HTML; :func:`html_to_text` turns it into plain text
with the line breaks kept. ``X-RateLimit-Reset`` is an ISO 8601 timestamp.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

import httpx

from socialcx._clock import Clock
from socialcx.channels._base import HttpChannelBase, collect_page, raw_dump
from socialcx.channels._http import checked_request
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
    ChannelError,
    InvalidMention,
    InvalidPayload,
    PermanentChannelError,
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

__all__ = ["PLATFORM", "MastodonChannel", "html_to_text", "parse_mentions"]

PLATFORM = "mastodon"

_log = logging.getLogger("socialcx.channels.mastodon")

#: Doorkeeper (Mastodon's OAuth server) names the token problem in ``error``.
_AUTH_CODES: dict[str, type[ChannelError]] = {
    "The access token expired": AuthExpired,
    "The access token was revoked": AuthError,
    "The access token is invalid": AuthError,
}

_MAX_PAGE = 80
_SEARCH_MAX_PAGE = 40
_URL_LENGTH = 23
_LINK = re.compile(r'<([^>]*)>\s*;\s*rel="?([a-z]+)"?')
_LEADING_MENTIONS = re.compile(r"^(?:@[\w.\-]+(?:@[\w.\-]+)?\s+)+")
_PRIVATE_VISIBILITIES = frozenset({"direct", "limited"})


# --- HTML -------------------------------------------------------------------------


class _TextExtractor(HTMLParser):
    """Collects the text of status HTML: paragraphs and ``<br>`` become line breaks."""

    _BLOCKS = frozenset({"p", "div", "blockquote", "pre", "ul", "ol", "h1", "h2", "h3", "h4"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def _newlines(self, count: int) -> None:
        if not self.parts:
            return
        text = "".join(self.parts[-2:])
        have = len(text) - len(text.rstrip("\n"))
        if have < count:
            self.parts.append("\n" * (count - have))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag in self._BLOCKS:
            self._newlines(2)
        elif tag == "li":
            self._newlines(1)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._BLOCKS:
            self._newlines(2)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(html: str) -> str:
    """Plain text of a status's HTML ``content``.

    Tags are dropped (the hidden parts of shortened links are kept, so URLs
    come out whole), entities are unescaped, ``<br>`` becomes a line break
    and paragraphs are separated by a blank line.
    """
    parser = _TextExtractor()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # the stdlib parser is lenient; this guards odd input all the same
        return re.sub(r"<[^>]*>", "", html).strip()
    return "".join(parser.parts).strip()


# --- parsing ------------------------------------------------------------------------


class _Bad(Exception):
    """A field of a post-like item that cannot be read; names the field."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field


def _str(obj: Mapping[str, Any], key: str, *, where: str) -> str:
    value = obj.get(key)
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _Bad(f"{where}.{key}", f"expected a string, got {type(value).__name__}")
    text = str(value)
    if not text.strip():
        raise _Bad(f"{where}.{key}", "must not be empty")
    return text


def _opt_str(obj: Mapping[str, Any], key: str) -> str | None:
    value = obj.get(key)
    if isinstance(value, str) and value.strip():
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def _count(obj: Mapping[str, Any], key: str) -> int:
    value = obj.get(key)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return 0


def _when(value: Any, *, field: str) -> datetime:
    if not isinstance(value, str):
        raise _Bad(field, f"expected an ISO 8601 timestamp, got {type(value).__name__}")
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise _Bad(field, f"{value[:40]!r} is not an ISO 8601 timestamp") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def _opt_when(value: Any) -> datetime | None:
    try:
        return _when(value, field="")
    except _Bad:
        return None


def _same_account(acct: str, brand: str) -> bool:
    """Whether ``acct`` (as a status shows it) is the brand account ``brand``.

    Accounts on the brand's own instance are shown without a domain, so a bare
    ``acct`` matches the local part of ``user@instance``.
    """
    a = acct.strip().lstrip("@").lower()
    b = brand.strip().lstrip("@").lower()
    return a == b or ("@" not in a and a == b.split("@", 1)[0])


def _author(account: Any, ref: ChannelRef, *, where: str) -> Author:
    if not isinstance(account, Mapping):
        raise _Bad(where, f"expected an account object, got {type(account).__name__}")
    native_id = _str(account, "id", where=where)
    handle = _opt_str(account, "acct") or _str(account, "username", where=where)
    return Author(
        platform=PLATFORM,
        native_id=native_id,
        handle=handle.lstrip("@") or handle,
        display_name=_opt_str(account, "display_name"),
        followers=_count(account, "followers_count"),
        is_brand=_same_account(handle, ref.account),
    )


def _status_text(status: Mapping[str, Any]) -> str:
    content = status.get("content")
    if isinstance(content, str) and (content or not isinstance(status.get("text"), str)):
        body = html_to_text(content)
    elif isinstance(status.get("text"), str):
        body = str(status["text"]).strip()  # a deleted status comes back with its source text
    else:
        raise _Bad("status.content", "missing")
    spoiler = status.get("spoiler_text")
    if isinstance(spoiler, str) and spoiler.strip():
        return f"{spoiler.strip()}\n\n{body}" if body else spoiler.strip()
    return body


def _status(status: Any, ref: ChannelRef, *, conversation_id: str | None = None) -> Mention:
    if not isinstance(status, Mapping):
        raise _Bad("status", f"expected an object, got {type(status).__name__}")
    reblog = status.get("reblog")
    if isinstance(reblog, Mapping):
        return _status(reblog, ref, conversation_id=conversation_id)
    native_id = _str(status, "id", where="status")
    visibility = status.get("visibility")
    if not isinstance(visibility, str):
        raise _Bad("status.visibility", f"expected a string, got {type(visibility).__name__}")
    try:
        return Mention(
            channel=ref,
            native_id=native_id,
            author=_author(status.get("account"), ref, where="status.account"),
            text=_status_text(status),
            created_at=_when(status.get("created_at"), field="status.created_at"),
            visibility=(
                Visibility.PRIVATE if visibility in _PRIVATE_VISIBILITIES else Visibility.PUBLIC
            ),
            url=_opt_str(status, "url") or _opt_str(status, "uri"),
            in_reply_to=_opt_str(status, "in_reply_to_id"),
            conversation_id=conversation_id,
            language=_opt_str(status, "language"),
            metrics=Engagement(
                likes=_count(status, "favourites_count"),
                reposts=_count(status, "reblogs_count"),
                replies=_count(status, "replies_count"),
                quotes=_count(status, "quotes_count"),
            ),
            edited_at=_opt_when(status.get("edited_at")),
            raw=dict(status),
        )
    except InvalidMention as exc:
        raise _Bad(f"status.{exc.field or 'value'}", str(exc)) from None


def _invalid(item: Any, error: _Bad) -> InvalidPayload:
    return InvalidPayload(f"mastodon: {error}", raw=raw_dump(item), platform=PLATFORM)


def _kind(obj: Any) -> str:
    """What a decoded JSON object is, by the fields Mastodon's entities carry."""
    if isinstance(obj, list):
        return "list"
    if not isinstance(obj, Mapping):
        return type(obj).__name__
    keys = obj.keys()
    if "notification_groups" in keys:
        return "grouped notifications"
    if "ancestors" in keys or "descendants" in keys:
        return "context"
    if "statuses" in keys and ("accounts" in keys or "hashtags" in keys):
        return "search results"
    if "last_status" in keys and "accounts" in keys:
        return "conversation"
    if "account" in keys and "type" in keys and "content" not in keys:
        return "notification"
    if "account" in keys and ("content" in keys or "visibility" in keys or "reblog" in keys):
        return "status" if "id" in keys else "status edit"
    if "acct" in keys and "username" in keys:
        return "account"
    if "error" in keys:
        return "error"
    if "following" in keys and "followed_by" in keys:
        return "relationship"
    if "status_ids" in keys and "category" in keys:
        return "report"
    if "domain" in keys or ("uri" in keys and "title" in keys):
        return "instance"
    if "text" in keys and "spoiler_text" in keys:
        return "status source"
    return "unknown"


_NOT_POSTS = frozenset(
    {"account", "error", "relationship", "report", "instance", "status source", "status edit"}
)


def _entries(obj: Any, ref: ChannelRef, kind: str) -> list[Mention | InvalidPayload]:
    """Post-like items inside one known object (a status, notification, ...)."""
    out: list[Mention | InvalidPayload] = []
    try:
        if kind == "status":
            out.append(_status(obj, ref))
        elif kind == "notification":
            if obj.get("status") is not None:
                out.append(_status(obj["status"], ref))
        elif kind == "conversation" and obj.get("last_status") is not None:
            cid = _opt_str(obj, "id")
            out.append(_status(obj["last_status"], ref, conversation_id=cid))
    except _Bad as error:
        out.append(_invalid(obj, error))
    return out


def _list(items: Any, ref: ChannelRef, field: str) -> list[Mention | InvalidPayload]:
    if not isinstance(items, list):
        error = _Bad(field, f"expected a list, got {type(items).__name__}")
        return [_invalid(items, error)]
    out: list[Mention | InvalidPayload] = []
    for item in items:
        kind = _kind(item)
        if kind in _NOT_POSTS or kind == "list":
            continue
        if kind in ("status", "notification", "conversation"):
            out.extend(_entries(item, ref, kind))
        else:
            out.append(_invalid(item, _Bad(field, f"not a status ({kind})")))
    return out


def parse_mentions(payload: Any, *, ref: ChannelRef) -> list[Mention | InvalidPayload]:
    """Every post in a decoded Mastodon API response, as mentions.

    Understands a status, a notification, a conversation, lists of those
    (timelines, notifications, conversations), a status context
    (``ancestors``/``descendants``), search results and grouped notifications
    (``/api/v2/notifications``). Boosts give the boosted status.

    Args:
        payload: The decoded JSON body.
        ref: The brand account the mentions are heard on (its own posts come
            back with ``author.is_brand``).

    Returns:
        One entry per post-like item: a :class:`~socialcx.Mention`, or an
        :class:`~socialcx.errors.InvalidPayload` (its ``raw`` is the item as
        JSON) naming the field that could not be read.

    Raises:
        InvalidPayload: The body is not a shape that holds posts (an account,
            an error, an instance ...); the message says which.
    """
    try:
        return _parse(payload, ref)
    except InvalidPayload:
        raise
    except Exception as exc:  # never let a malformed body escape as anything else
        raise InvalidPayload(
            f"mastodon: unreadable body ({type(exc).__name__})", raw=raw_dump(payload)
        ) from exc


def _parse(payload: Any, ref: ChannelRef) -> list[Mention | InvalidPayload]:
    kind = _kind(payload)
    if kind == "list":
        kinds = {_kind(item) for item in payload}
        if payload and kinds <= _NOT_POSTS | {"list"}:
            names = ", ".join(sorted(kinds))
            raise InvalidPayload(
                f"mastodon: not a post: list of {names} objects",
                raw=raw_dump(payload),
                platform=PLATFORM,
            )
        return _list(payload, ref, "item")
    if kind in ("status", "notification", "conversation"):
        return _entries(payload, ref, kind)
    if kind == "context":
        return _list(payload.get("ancestors", []), ref, "ancestors") + _list(
            payload.get("descendants", []), ref, "descendants"
        )
    if kind in ("search results", "grouped notifications"):
        return _list(payload.get("statuses"), ref, "statuses")
    raise InvalidPayload(
        f"mastodon: not a post: {kind} object", raw=raw_dump(payload), platform=PLATFORM
    )


# --- the channel ----------------------------------------------------------------------


def _id_key(value: str) -> tuple[int, str]:
    """Mastodon's order for ids: shorter first, then lexically."""
    return (len(value), value)


def _link_param(header: str | None, rel: str, name: str) -> str | None:
    for url, found in _LINK.findall(header or ""):
        if found == rel:
            value = httpx.URL(url).params.get(name)
            return value if value else None
    return None


def _instance_url(account: str) -> str:
    domain = account.lstrip("@").partition("@")[2]
    if not domain:
        raise ValidationError(
            "MastodonChannel.base_url: needed when account has no @instance part",
            field="base_url",
        )
    return f"https://{domain}"


def _log_invalid(error: InvalidPayload) -> None:
    _log.warning(
        "unparseable status skipped",
        extra={"event": "invalid_payload", "platform": PLATFORM, "error": str(error)},
    )


class MastodonChannel(HttpChannelBase):
    """One account on one Mastodon instance.

    Args:
        account: The brand's account, ``user@instance`` or the bare local
            username (then ``base_url`` is required).
        token: An OAuth bearer token with ``read:notifications``,
            ``read:statuses`` (and ``read:search``) and ``write:statuses``.
            Never shown in reprs, logs or errors.
        client: The HTTP client (tests pass one with ``httpx.MockTransport``).
        base_url: The instance, e.g. ``https://mastodon.social``; defaults to
            the domain of ``account``.
        clock: Where "now" comes from (rate-limit resets are absolute times).
        page_size: Notifications per request (Mastodon allows up to 80).
        search: A query for ``/api/v2/search``, to hear posts that do not
            mention the account; ``None`` listens to mentions only.
        max_length: The instance's ``configuration.statuses.max_characters``.
        mention_author: Put the ``@acct`` of the author being answered in
            front of a public reply, so remote authors are notified.
        on_invalid: Also called with each status in a page that cannot be
            parsed; every such status is in the page's ``rejected`` (and a
            warning without the raw data is logged) whether or not this is set.

    Capabilities: replies and direct messages, 500 characters (URLs count
    23), idempotent send. ``fetch(None)`` starts at the oldest notification
    the instance still keeps.
    """

    def __init__(
        self,
        *,
        account: str,
        token: str,
        client: httpx.AsyncClient | None = None,
        base_url: str | None = None,
        clock: Clock | None = None,
        page_size: int = 40,
        search: str | None = None,
        max_length: int = 500,
        mention_author: bool = True,
        on_invalid: Callable[[InvalidPayload], None] | None = None,
    ) -> None:
        handle = account.strip().lstrip("@")
        base = (base_url or _instance_url(handle)).rstrip("/")
        super().__init__(
            ref=ChannelRef(platform=PLATFORM, account=handle), client=client, clock=clock
        )
        self._base = base
        self._token = token
        self._page_size = max(1, min(page_size, _MAX_PAGE))
        self._search = search
        self._mention_author = mention_author
        self._on_invalid = on_invalid
        self._own_id: str | None = None
        self._capabilities = ChannelCapabilities(
            public_reply=True,
            private_message=True,
            brand_can_start_private=True,
            max_length=max_length,
            url_length=_URL_LENGTH,
            mention_domain_free=True,
            idempotent_send=True,
            edits=True,
            deletes=True,
        )

    def _repr_fields(self) -> dict[str, object]:
        return {**super()._repr_fields(), "base_url": self._base}

    # --- requests

    async def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self._token}", **kwargs.pop("headers", {})}
        return await checked_request(
            self._client,
            method,
            self._base + path,
            platform=PLATFORM,
            now=self._clock.now(),
            health=self._health,
            codes=_AUTH_CODES,
            headers=headers,
            **kwargs,
        )

    def _shape_error(self, response: httpx.Response, what: str) -> InvalidPayload:
        error = InvalidPayload(
            f"mastodon: {what}", raw=response.content, platform=PLATFORM, status=200
        )
        self._health.observe(error)
        return error

    async def _get(self, path: str, **kwargs: Any) -> Any:
        return self._json(await self._request("GET", path, **kwargs))

    # --- listening

    def _read_cursor(self, cursor: Cursor | None) -> dict[str, str]:
        if cursor is None:
            return {}
        try:
            state = json.loads(cursor)
        except ValueError:
            state = None
        if not isinstance(state, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in state.items()
        ):
            raise PermanentChannelError(
                "mastodon: the cursor is not one this channel issued", platform=PLATFORM
            )
        return state

    async def fetch(self, cursor: Cursor | None) -> Page:
        """Mentions after ``cursor``, oldest first, then search hits if configured."""
        state = self._read_cursor(cursor)
        entries, more = await self._fetch_notifications(state)
        if self._search:
            found, more_found = await self._fetch_search(state)
            entries += found
            more = more or more_found
        return collect_page(
            entries,
            next_cursor=json.dumps(state, sort_keys=True),
            has_more=more,
            log=_log_invalid,
            on_invalid=self._on_invalid,
        )

    async def _fetch_notifications(
        self, state: dict[str, str]
    ) -> tuple[list[Mention | InvalidPayload], bool]:
        after = state.get("notifications", "0")
        response = await self._request(
            "GET",
            "/api/v1/notifications",
            params=[("types[]", "mention"), ("min_id", after), ("limit", self._page_size)],
        )
        body = self._json(response)
        if not isinstance(body, list) or not all(isinstance(n, Mapping) for n in body):
            raise self._shape_error(response, "notifications: expected a list of notifications")
        ids = [str(n["id"]) for n in body if isinstance(n.get("id"), str | int)]
        if len(ids) != len(body):
            raise self._shape_error(response, "notifications: a notification has no id")
        ordered = sorted(body, key=lambda n: _id_key(str(n["id"])))
        entries: list[Mention | InvalidPayload] = []
        for notification in ordered:
            if notification.get("type") == "mention" and notification.get("status") is not None:
                entries.extend(_entries(notification, self._ref, "notification"))
        if ids:
            newest = max(ids, key=_id_key)
            prev = _link_param(response.headers.get("link"), "prev", "min_id")
            state["notifications"] = max(newest, prev or newest, key=_id_key)
        return entries, bool(ids)

    async def _fetch_search(
        self, state: dict[str, str]
    ) -> tuple[list[Mention | InvalidPayload], bool]:
        params: list[tuple[str, str | int]] = [
            ("q", self._search or ""),
            ("type", "statuses"),
            ("limit", min(self._page_size, _SEARCH_MAX_PAGE)),
        ]
        if "search" in state:
            params.append(("min_id", state["search"]))
        response = await self._request("GET", "/api/v2/search", params=params)
        body = self._json(response)
        statuses = body.get("statuses") if isinstance(body, Mapping) else None
        if not isinstance(statuses, list) or not all(isinstance(s, Mapping) for s in statuses):
            raise self._shape_error(response, "search: expected statuses")
        ids = [str(s["id"]) for s in statuses if isinstance(s.get("id"), str | int)]
        ordered = sorted(
            (s for s in statuses if isinstance(s.get("id"), str | int)),
            key=lambda s: _id_key(str(s["id"])),
        )
        entries: list[Mention | InvalidPayload] = []
        for status in ordered:
            entries.extend(_entries(status, self._ref, "status"))
        if ids:
            state["search"] = max(ids, key=_id_key)
        return entries, bool(ids)

    # --- sending

    async def _acct_of_status(self, status_id: str) -> str | None:
        status = await self._get(f"/api/v1/statuses/{status_id}")
        account = status.get("account") if isinstance(status, Mapping) else None
        acct = account.get("acct") if isinstance(account, Mapping) else None
        if not isinstance(acct, str) or not acct or _same_account(acct, self._ref.account):
            return None
        return acct

    async def _acct_of_account(self, recipient: str) -> str:
        if recipient.startswith("@"):
            return recipient.lstrip("@")
        account = await self._get(f"/api/v1/accounts/{recipient}")
        acct = account.get("acct") if isinstance(account, Mapping) else None
        if not isinstance(acct, str) or not acct:
            raise PermanentChannelError(
                "mastodon: the recipient account has no acct", platform=PLATFORM
            )
        return acct

    async def _compose(self, message: OutboundMessage) -> str:
        """The status text: the message with the needed ``@acct`` in front."""
        acct: str | None = None
        if message.recipient is not None and (not message.is_public or not message.in_reply_to):
            acct = await self._acct_of_account(message.recipient)
        elif message.in_reply_to is not None and self._mention_author:
            acct = await self._acct_of_status(message.in_reply_to)
        text = message.text
        if acct and f"@{acct.lower()}" not in text.lower():
            text = f"@{acct} {text}"
        # The capabilities count a remote mention without its domain, as Mastodon does.
        if not self._capabilities.fits(text, private=not message.is_public):
            raise MessageRefused(
                "OutboundMessage.text: over the limit once the recipient is mentioned",
                field="text",
                reason="too_long",
                platform=PLATFORM,
            )
        return text

    async def send(self, message: OutboundMessage) -> Delivery:
        """Post a reply or a direct message, once per idempotency key."""
        check_outbound(message, self._capabilities, channel=self._ref)
        form = {
            "status": await self._compose(message),
            "visibility": "public" if message.is_public else "direct",
        }
        if message.in_reply_to is not None:
            form["in_reply_to_id"] = message.in_reply_to
        response = await self._request(
            "POST",
            "/api/v1/statuses",
            data=form,
            headers={"Idempotency-Key": message.idempotency_key},
        )
        status = self._json(response)
        if not isinstance(status, Mapping) or not isinstance(status.get("id"), str | int):
            raise self._shape_error(response, "statuses: the answer has no status id")
        return self._delivery(status, message, replayed=False)

    def _delivery(
        self, status: Mapping[str, Any], message: OutboundMessage, *, replayed: bool
    ) -> Delivery:
        return Delivery(
            native_id=str(status["id"]),
            url=_opt_str(status, "url"),
            sent_at=_opt_when(status.get("created_at")),
            idempotency_key=message.idempotency_key,
            replayed=replayed,
        )

    async def _own_account_id(self) -> str:
        if self._own_id is None:
            me = await self._get("/api/v1/accounts/verify_credentials")
            own = me.get("id") if isinstance(me, Mapping) else None
            if not isinstance(own, str | int) or isinstance(own, bool):
                raise InvalidPayload(
                    "mastodon: verify_credentials has no id", raw=raw_dump(me), platform=PLATFORM
                )
            self._own_id = str(own)
        return self._own_id

    async def find_sent(self, message: OutboundMessage) -> Delivery | None:
        """Look for the message among the account's 40 latest statuses.

        A status matches when it answers the same post (or none) and its text,
        leading mentions aside, is the message's text.
        """
        own = await self._own_account_id()
        statuses = await self._get(
            f"/api/v1/accounts/{own}/statuses", params={"limit": 40, "exclude_reblogs": "true"}
        )
        if not isinstance(statuses, list):
            return None
        wanted = _comparable(message.text)
        for status in statuses:
            if not isinstance(status, Mapping) or not isinstance(status.get("id"), str | int):
                continue
            if _opt_str(status, "in_reply_to_id") != message.in_reply_to:
                continue
            try:
                text = _status_text(status)
            except _Bad:
                continue
            if _comparable(text) == wanted:
                return self._delivery(status, message, replayed=True)
        return None


def _comparable(text: str) -> str:
    return " ".join(_LEADING_MENTIONS.sub("", text.strip()).split())
