"""Meta Graph API: Facebook Pages, Messenger and Instagram, polled and pushed.

Three channel classes share one implementation, each a clean capability set:

* :class:`FacebookPageChannel` (platform ``"facebook"``): comments on the
  Page's recent posts, in public, plus the Page's Messenger conversations,
  in private, as one inbox.
* :class:`InstagramChannel` (platform ``"instagram"``): comments (and their
  replies) on the account's recent media, plus Instagram direct messages
  when the linked Page is given.
* :class:`MessengerChannel` (platform ``"messenger"``): Messenger
  conversations only, for teams that route private messages separately.

Meta recommends webhooks for listening (fields ``feed``, ``mention`` and
``messages`` on the Page, ``comments`` and ``mentions`` on Instagram);
:meth:`parse_webhook` verifies ``X-Hub-Signature-256`` (hex HMAC-SHA256 of the
raw body with the App Secret) in constant time and parses the delivery, and
:func:`verify_subscription` answers the ``hub.challenge`` handshake. Polling
(``fetch``) is the backfill: each edge is read newest first and paged back with
``paging.cursors.after`` until a comment or message already seen, the same
bounded walk for every edge, with one position per post or conversation in the
cursor.

Messenger allows private messages within 24 hours of the customer's last
message (7 days with the ``HUMAN_AGENT`` tag); the adapter refuses a message
outside the window it has seen before making a request.

Rate limits are usage percentages (``X-App-Usage``,
``X-Business-Use-Case-Usage``); when a response reports the budget spent, the
channel raises :class:`~socialcx.errors.RateLimited` for the time Meta names
without calling again.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import attrs
import httpx

from socialcx._clock import Clock
from socialcx.channels._base import HttpChannelBase, raw_text
from socialcx.channels._http import (
    DEFAULT_RETRY_AFTER,
    BadSignature,
    RateLimitStatus,
    checked_request,
    parse_meta_usage,
    verify_signature,
)
from socialcx.channels._paging import order_key, sift
from socialcx.channels._protocol import (
    Cursor,
    Delivery,
    MessageRefused,
    Page,
    check_outbound,
)
from socialcx.errors import (
    InvalidPayload,
    PermanentChannelError,
    RateLimited,
    SocialCXError,
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

__all__ = [
    "GRAPH_BASE",
    "FacebookPageChannel",
    "InstagramChannel",
    "MessengerChannel",
    "parse_mentions",
    "verify_subscription",
    "verify_webhook",
]

log = logging.getLogger(__name__)

#: The versioned Graph API root.
GRAPH_BASE = "https://graph.facebook.com/v21.0"

#: Messenger's standard messaging window, and the ``HUMAN_AGENT`` tag's.
MESSAGING_WINDOW = timedelta(hours=24)
HUMAN_AGENT_WINDOW = timedelta(days=7)

#: Placeholder author for an item that names none (some Instagram webhooks).
UNKNOWN_AUTHOR_ID = "unknown"

FB_COMMENT_FIELDS = (
    "id,message,from{id,name},created_time,parent{id},permalink_url,like_count,comment_count"
)
IG_COMMENT_FIELDS = (
    "id,text,timestamp,username,from{id,username},like_count,parent_id,"
    "replies{id,text,timestamp,username,from{id,username},like_count,parent_id}"
)
MESSAGE_FIELDS = "id,message,from,to,created_time"

_MAX_THREADS = 500


# --- parsing ------------------------------------------------------------------------


class _Bad(Exception):
    """A post-like item that cannot become a mention; the message names the field."""


@attrs.define
class _Parsed:
    items: list[Mention | InvalidPayload] = attrs.field(factory=list)
    skipped: list[str] = attrs.field(factory=list)


def _opt_id(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = str(value).strip()
    return text or None


def _str_id(value: Any, field: str) -> str:
    found = _opt_id(value)
    if found is None:
        raise _Bad(f"{field}: missing or not an id")
    return found


def _opt_text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return 0
    return value


def _epoch(value: Any, *, millis: bool = False) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) < 17:
            value = int(value.strip())
        else:
            return None
    seconds = float(value) / (1000 if millis else 1)
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _time(value: Any, field: str, fallback: datetime | None = None) -> datetime:
    """Graph timestamps are ISO 8601 (``+0000``); webhooks use epoch seconds."""
    if isinstance(value, str) and not value.strip().isdigit():
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError as exc:
            raise _Bad(f"{field}: not an ISO 8601 timestamp") from exc
        if moment.tzinfo is None:
            raise _Bad(f"{field}: timestamp has no timezone")
        return moment
    if value is None:
        if fallback is None:
            raise _Bad(f"{field}: missing")
        return fallback
    found = _epoch(value)
    if found is None:
        raise _Bad(f"{field}: not a timestamp")
    return found


def _author(ref: ChannelRef, ident: Any, name: Any = None, *, brand: bool = False) -> Author:
    native_id = _opt_id(ident)
    if native_id is None:
        return Author(platform=ref.platform, native_id=UNKNOWN_AUTHOR_ID, handle=UNKNOWN_AUTHOR_ID)
    handle = _opt_text(name) or native_id
    return Author(
        platform=ref.platform,
        native_id=native_id,
        handle=handle.lstrip("@") or native_id,
        display_name=_opt_text(name),
        is_brand=brand or native_id == ref.account,
    )


def _from(item: Mapping[str, Any], ref: ChannelRef, *, brand_ids: frozenset[str]) -> Author:
    sender = item.get("from")
    if isinstance(sender, dict):
        ident = sender.get("id")
        name = sender.get("username") or sender.get("name")
    else:
        ident = item.get("sender_id", item.get("from_id"))
        name = item.get("username") or item.get("sender_name")
    author = _author(ref, ident, name)
    if author.native_id in brand_ids and not author.is_brand:
        author = attrs.evolve(author, is_brand=True)
    return author


def _graph_comment(
    item: Mapping[str, Any],
    ref: ChannelRef,
    *,
    brand_ids: frozenset[str],
    parent: str | None = None,
    fallback: datetime | None = None,
) -> Mention:
    """A comment as the Graph API returns it (Facebook ``message``, Instagram ``text``)."""
    native_id = _str_id(item.get("id"), "comment.id")
    text = item.get("message", item.get("text"))
    if text is None and "message" not in item and "text" not in item:
        raise _Bad("comment.message: missing")
    if not isinstance(text, str):
        raise _Bad("comment.message: not a string")
    up = item.get("parent")
    in_reply_to = _opt_id(up.get("id")) if isinstance(up, dict) else _opt_id(item.get("parent_id"))
    return Mention(
        channel=ref,
        native_id=native_id,
        author=_from(item, ref, brand_ids=brand_ids),
        text=text,
        created_at=_time(
            item.get("created_time", item.get("timestamp")), "comment.created_time", fallback
        ),
        visibility=Visibility.PUBLIC,
        url=_opt_text(item.get("permalink_url")),
        in_reply_to=in_reply_to or parent,
        conversation_id=parent,
        metrics=Engagement(
            likes=_count(item.get("like_count")), replies=_count(item.get("comment_count"))
        ),
        raw=dict(item),
    )


def _graph_message(
    item: Mapping[str, Any], ref: ChannelRef, *, brand_ids: frozenset[str], conversation: str | None
) -> Mention:
    """A Messenger or Instagram message from ``/{conversation-id}/messages``."""
    native_id = _str_id(item.get("id"), "message.id")
    text = item.get("message", "")
    if not isinstance(text, str):
        raise _Bad("message.message: not a string")
    return Mention(
        channel=ref,
        native_id=native_id,
        author=_from(item, ref, brand_ids=brand_ids),
        text=text,
        created_at=_time(item.get("created_time"), "message.created_time"),
        visibility=Visibility.PRIVATE,
        conversation_id=conversation,
        raw=dict(item),
    )


_NOT_POST_ITEMS = {
    "reaction": "reaction",
    "like": "like",
    "share": "share",
    "event": "event",
    "rating": "rating",
}


def _feed_change(
    value: Mapping[str, Any], ref: ChannelRef, entry_time: datetime | None, brand: frozenset[str]
) -> Mention | str:
    """A Page ``feed`` change: a comment or post added or edited, or a reason it is not one."""
    item = value.get("item")
    verb = value.get("verb")
    if item in _NOT_POST_ITEMS:
        return f"{_NOT_POST_ITEMS[str(item)]} {verb}"
    if verb in ("remove", "hide", "unhide", "delete"):
        return f"{item} {verb}"
    if verb not in ("add", "edited", "edit"):
        return f"{item} {verb}"
    if item == "comment":
        native_id = _str_id(value.get("comment_id"), "feed.comment_id")
    else:
        native_id = _str_id(value.get("post_id"), "feed.post_id")
    text = value.get("message")
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise _Bad("feed.message: not a string")
    created = _time(value.get("created_time"), "feed.created_time", entry_time)
    parent = _opt_id(value.get("parent_id")) if item == "comment" else None
    return Mention(
        channel=ref,
        native_id=native_id,
        author=_from(value, ref, brand_ids=brand),
        text=text,
        created_at=created,
        visibility=Visibility.PUBLIC,
        url=_opt_text(value.get("link")) if item != "comment" else None,
        in_reply_to=parent,
        conversation_id=_opt_id(value.get("post_id")),
        edited_at=created if verb != "add" else None,
        raw=dict(value),
    )


def _ig_change(
    field: str,
    value: Mapping[str, Any],
    ref: ChannelRef,
    entry_time: datetime | None,
    brand: frozenset[str],
) -> Mention | str:
    """An Instagram ``comments`` / ``live_comments`` / ``mentions`` change."""
    if field == "mentions" and "text" not in value:
        return "mention notification without text (expand it with mentioned_comment)"
    media = value.get("media")
    media_id = (
        _opt_id(media.get("id")) if isinstance(media, dict) else _opt_id(value.get("media_id"))
    )
    native_id = _str_id(value.get("id", value.get("comment_id")), f"{field}.id")
    text = value.get("text")
    if not isinstance(text, str):
        raise _Bad(f"{field}.text: missing or not a string")
    return Mention(
        channel=ref,
        native_id=native_id,
        author=_from(value, ref, brand_ids=brand),
        text=text,
        created_at=_time(value.get("timestamp"), f"{field}.timestamp", entry_time),
        visibility=Visibility.PUBLIC,
        in_reply_to=_opt_id(value.get("parent_id")) or media_id,
        conversation_id=media_id,
        raw=dict(value),
    )


def _messaging(event: Mapping[str, Any], ref: ChannelRef, brand: frozenset[str]) -> Mention | str:
    """One ``entry[].messaging[]`` event: a message, an edit, or a reason it is neither."""
    message = event.get("message")
    edit = event.get("message_edit")
    body = message if isinstance(message, dict) else edit if isinstance(edit, dict) else None
    if body is None:
        for kind in (
            "read",
            "delivery",
            "reaction",
            "postback",
            "referral",
            "optin",
            "account_linking",
        ):
            if kind in event:
                return f"messaging {kind}"
        return "messaging event without a message"
    if body.get("is_deleted") is True:
        return "deleted message"
    native_id = _str_id(body.get("mid"), "messaging.message.mid")
    text = body.get("text")
    if text is None:
        attachments = body.get("attachments")
        if not attachments and "text" not in body:
            raise _Bad("messaging.message.text: missing (no text and no attachments)")
        text = ""
    if not isinstance(text, str):
        raise _Bad("messaging.message.text: not a string")
    sender = event.get("sender")
    sender_id = sender.get("id") if isinstance(sender, dict) else None
    if _opt_id(sender_id) is None:
        raise _Bad("messaging.sender.id: missing")
    moment = _epoch(event.get("timestamp"), millis=True)
    if moment is None:
        raise _Bad("messaging.timestamp: missing or not epoch milliseconds")
    echo = body.get("is_echo") is True
    reply_to = body.get("reply_to")
    author = _author(ref, sender_id, brand=echo or _opt_id(sender_id) in brand)
    recipient = event.get("recipient")
    other = _opt_id(recipient.get("id")) if isinstance(recipient, dict) else None
    customer = other if author.is_brand else author.native_id
    return Mention(
        channel=ref,
        native_id=native_id,
        author=author,
        text=text,
        created_at=moment,
        visibility=Visibility.PRIVATE,
        in_reply_to=_opt_id(reply_to.get("mid")) if isinstance(reply_to, dict) else None,
        conversation_id=customer,
        edited_at=moment if body is edit else None,
        raw=dict(event),
    )


def _attempt(parsed: _Parsed, kind: str, make: Callable[[], Mention | str], raw: Any) -> None:
    try:
        result = make()
    except (_Bad, SocialCXError, ValueError, TypeError, KeyError, OverflowError) as exc:
        parsed.items.append(
            InvalidPayload(f"meta: {kind}: {exc}", raw=raw_text(raw), platform="meta")
        )
        return
    if isinstance(result, str):
        parsed.skipped.append(result)
    else:
        parsed.items.append(result)


def _envelope(
    payload: Mapping[str, Any],
    ref: ChannelRef,
    brand: frozenset[str],
    *,
    only: frozenset[str] | None = None,
) -> _Parsed:
    """``{"object": ..., "entry": [{"changes": [...], "messaging": [...]}]}``."""
    parsed = _Parsed()
    kind = payload.get("object")
    if kind not in ("page", "instagram", "user", None):
        raise InvalidPayload(
            f"not a post: {kind!s} webhook (not a Page or Instagram object)",
            raw=raw_text(payload),
            platform="meta",
        )
    entries = payload.get("entry")
    if not isinstance(entries, list):
        raise InvalidPayload(
            "meta: webhook entry is not a list", raw=raw_text(payload), platform="meta"
        )
    for entry in entries:
        if not isinstance(entry, dict):
            parsed.items.append(
                InvalidPayload(
                    "meta: webhook entry is not an object", raw=raw_text(entry), platform="meta"
                )
            )
            continue
        if only is not None and _opt_id(entry.get("id")) not in only:
            parsed.skipped.append("entry for another Page or account")
            continue
        stamp = entry.get("time")
        entry_time = _epoch(stamp, millis=isinstance(stamp, int) and stamp > 10**11)
        changes = entry.get("changes")
        for change in changes if isinstance(changes, list) else []:
            if not isinstance(change, dict) or not isinstance(change.get("value"), dict):
                parsed.items.append(
                    InvalidPayload(
                        "meta: change.value: missing or not an object",
                        raw=raw_text(change),
                        platform="meta",
                    )
                )
                continue
            field = str(change.get("field"))
            value = change["value"]
            if field == "feed":
                _attempt(
                    parsed,
                    "feed change",
                    functools.partial(_feed_change, value, ref, entry_time, brand),
                    value,
                )
            elif field == "mention":
                _attempt(
                    parsed,
                    "mention change",
                    functools.partial(
                        _feed_change,
                        {**value, "verb": value.get("verb", "add")},
                        ref,
                        entry_time,
                        brand,
                    ),
                    value,
                )
            elif field in ("comments", "live_comments", "mentions"):
                _attempt(
                    parsed,
                    f"{field} change",
                    functools.partial(_ig_change, field, value, ref, entry_time, brand),
                    value,
                )
            else:
                parsed.skipped.append(f"{field} change")
        messaging = entry.get("messaging")
        for event in messaging if isinstance(messaging, list) else []:
            if not isinstance(event, dict):
                parsed.items.append(
                    InvalidPayload(
                        "meta: messaging event is not an object",
                        raw=raw_text(event),
                        platform="meta",
                    )
                )
                continue
            _attempt(
                parsed, "messaging event", functools.partial(_messaging, event, ref, brand), event
            )
    return parsed


_CONFIRMATIONS = (
    ("success", "success confirmation"),
    ("message_id", "send confirmation"),
    ("recipient_id", "send confirmation"),
)


def _graph_item(item: Mapping[str, Any], ref: ChannelRef, brand: frozenset[str]) -> Mention | str:
    for key, reason in _CONFIRMATIONS:
        if key in item and "message" not in item and "text" not in item:
            return reason
    if "message" not in item and "text" not in item:
        if "updated_time" in item and "id" in item:
            return "conversation or post listing without text"
        if set(item) <= {"id"}:
            return "write confirmation (id only)"
        if "name" in item or "username" in item:
            return "profile object"
        return "object without message or text"
    native = _opt_id(item.get("id")) or ""
    if "to" in item or native.startswith(("m_", "mid.")):
        return _graph_message(item, ref, brand_ids=brand, conversation=None)
    return _graph_comment(item, ref, brand_ids=brand)


def _graph_list(
    items: list[Any],
    ref: ChannelRef,
    brand: frozenset[str],
    parsed: _Parsed,
    *,
    nested: bool = False,
) -> None:
    """Items of a ``data`` list; a comment's ``replies`` (or ``comments``) one level down."""
    for item in items:
        if not isinstance(item, dict):
            parsed.items.append(
                InvalidPayload(
                    "meta: list item is not an object", raw=raw_text(item), platform="meta"
                )
            )
            continue
        _attempt(parsed, "item", functools.partial(_graph_item, item, ref, brand), item)
        if nested:
            continue
        replies = item.get("replies") if "comments" not in item else item.get("comments")
        inner = replies.get("data") if isinstance(replies, dict) else None
        if isinstance(inner, list):
            _graph_list(inner, ref, brand, parsed, nested=True)


def _parse(payload: Any, ref: ChannelRef, brand: frozenset[str]) -> _Parsed:
    if not isinstance(payload, dict):
        raise InvalidPayload(
            f"not a post: a JSON {type(payload).__name__}, not a Graph API object",
            raw=raw_text(payload),
            platform="meta",
        )
    if "entry" in payload or "object" in payload:
        return _envelope(payload, ref, brand)
    if "error" in payload:
        raise InvalidPayload("not a post: error object", raw=raw_text(payload), platform="meta")
    data = payload.get("data")
    parsed = _Parsed()
    if isinstance(data, list):
        _graph_list(data, ref, brand, parsed)
        return parsed
    if data is not None:
        raise InvalidPayload(
            "not a post: data is not a list", raw=raw_text(payload), platform="meta"
        )
    _graph_list([payload], ref, brand, parsed)
    return parsed


def parse_mentions(payload: Any, *, ref: ChannelRef) -> list[Mention | InvalidPayload]:
    """Parse a decoded Graph API body or webhook delivery into mentions.

    Understands webhook deliveries (Page ``feed`` and ``mention`` changes,
    Instagram ``comments`` and ``mentions`` changes, Messenger ``messaging``
    events), ``{"data": [...]}`` lists of comments or messages, and single
    comment or message objects. Likes, reactions, reads, removals and deleted
    messages are not posts. An item without a time takes the entry's
    ``time``; one without an author gets :data:`UNKNOWN_AUTHOR_ID`.

    Args:
        payload: The decoded JSON body.
        ref: The channel (its ``account`` is the Page or Instagram user id,
            whose own items are marked ``is_brand``).

    Returns:
        One entry per post-like item: a mention, or an ``InvalidPayload``
        naming the field that failed (``raw`` holds the item as JSON).

    Raises:
        InvalidPayload: The body holds no posts (an error, a send
            confirmation, a profile, a WhatsApp delivery); the message says why.
    """
    return _parse_mentions(payload, ref, frozenset({ref.account}))


def _parse_mentions(
    payload: Any, ref: ChannelRef, brand: frozenset[str]
) -> list[Mention | InvalidPayload]:
    try:
        parsed = _parse(payload, ref, brand)
    except InvalidPayload:
        raise
    except Exception as exc:  # a parser of untrusted input must fail in one way only
        raise InvalidPayload(
            f"meta: unreadable body ({type(exc).__name__})", raw=raw_text(payload), platform="meta"
        ) from exc
    if not parsed.items and parsed.skipped:
        raise InvalidPayload(
            f"not a post: {', '.join(sorted(set(parsed.skipped)))}",
            raw=raw_text(payload),
            platform="meta",
        )
    return parsed.items


# --- webhooks -----------------------------------------------------------------------


def verify_subscription(params: Mapping[str, str], verify_token: str) -> str | None:
    """Answer Meta's webhook handshake (``GET ?hub.mode=subscribe&hub.verify_token=...``).

    Returns:
        The ``hub.challenge`` value to echo with a 200, or ``None`` (answer 403)
        when the mode is wrong or the token does not match; the token is
        compared in constant time.
    """
    if not verify_token or params.get("hub.mode") != "subscribe":
        return None
    given = params.get("hub.verify_token", "")
    challenge = params.get("hub.challenge")
    if not challenge:
        return None
    if not hmac.compare_digest(given.encode("utf-8"), verify_token.encode("utf-8")):
        return None
    return challenge


def verify_webhook(app_secret: str, body: bytes, headers: Mapping[str, str]) -> None:
    """Check ``X-Hub-Signature-256`` (hex HMAC-SHA256 of the raw body) in constant time.

    Raises:
        BadSignature: The header is missing or wrong, or no secret is configured.
    """
    if not app_secret:
        raise BadSignature(
            "meta: no app secret configured to verify webhooks", raw=body, platform="meta"
        )
    header = next((v for k, v in headers.items() if k.lower() == "x-hub-signature-256"), None)
    verify_signature(app_secret, body, header, encoding="hex", algorithm="sha256", platform="meta")


# --- cursor -------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class _Thread:
    """An edge: ``since`` is the newest item seen, ``token`` a walk in progress."""

    since: str | None = None
    token: str | None = None
    newest: str | None = None

    def to_json(self) -> dict[str, str | None]:
        return {"since": self.since, "token": self.token, "newest": self.newest}

    @classmethod
    def from_json(cls, data: Any) -> _Thread:
        if not isinstance(data, dict):
            return cls()
        return cls(
            since=_opt_text(data.get("since")),
            token=_opt_text(data.get("token")),
            newest=_opt_text(data.get("newest")),
        )


_Walked = tuple[list[Mention], list[InvalidPayload], _Thread, bool]


def _raw_order(error: InvalidPayload) -> str | None:
    """The sort key of a rejected item, when its raw JSON still holds a time and an id."""
    try:
        item = json.loads(error.raw)
    except (TypeError, ValueError, RecursionError):
        return None
    item_id = _opt_id(item.get("id")) if isinstance(item, dict) else None
    if item_id is None:
        return None
    try:
        moment = _time(item.get("created_time", item.get("timestamp")), "created_time")
    except _Bad:
        return None
    return f"{moment.astimezone(UTC).isoformat()}|{item_id}"


def _read_cursor(cursor: Cursor | None, platform: str) -> dict[str, _Thread]:
    if cursor is None:
        return {}
    try:
        data = json.loads(cursor)
    except ValueError:
        data = None
    if (
        not isinstance(data, dict)
        or data.get("v") != 1
        or not isinstance(data.get("threads"), dict)
    ):
        raise PermanentChannelError(
            f"{platform}: the cursor was not written by this channel", platform=platform
        )
    return {str(k): _Thread.from_json(v) for k, v in data["threads"].items()}


def _write_cursor(threads: Mapping[str, _Thread]) -> Cursor:
    kept = dict(list(threads.items())[-_MAX_THREADS:])
    return json.dumps(
        {"v": 1, "threads": {k: t.to_json() for k, t in kept.items()}}, sort_keys=True
    )


def _paging_after(body: Any) -> str | None:
    paging = body.get("paging") if isinstance(body, dict) else None
    if not isinstance(paging, dict) or not paging.get("next"):
        return None
    cursors = paging.get("cursors")
    return _opt_text(cursors.get("after")) if isinstance(cursors, dict) else None


def _comparable(text: str) -> str:
    return " ".join(text.split())


# --- the channels -------------------------------------------------------------------


class _GraphChannel(HttpChannelBase):
    """What the three Meta channels share: requests, usage limits, edges, webhooks.

    ``ref.account`` is the Page id, or the Instagram user id.
    """

    platform: ClassVar[str]
    _messaging_platform: ClassVar[str]
    _object_edge: ClassVar[str | None]

    def __init__(
        self,
        *,
        account: str,
        access_token: str,
        app_secret: str = "",
        page_id: str | None = None,
        client: httpx.AsyncClient | None = None,
        base_url: str = GRAPH_BASE,
        clock: Clock | None = None,
        direct_messages: bool = True,
        human_agent: bool = False,
        recent_objects: int = 10,
        recent_conversations: int = 25,
        page_size: int = 50,
        usage_ceiling: float = 95.0,
    ) -> None:
        if not account or not account.strip():
            raise PermanentChannelError(
                f"{self.platform}: account is required", platform=self.platform
            )
        super().__init__(
            ref=ChannelRef(platform=self.platform, account=account.strip()),
            client=client,
            clock=clock,
        )
        self._page_id = (page_id or "").strip() or None
        self._base = base_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {access_token}"}
        self._proof = (
            hmac.new(app_secret.encode(), access_token.encode(), hashlib.sha256).hexdigest()
            if app_secret
            else None
        )
        self._app_secret = app_secret
        self._messages = direct_messages and self._page_id is not None
        self._human_agent = human_agent
        self._objects = max(1, min(100, recent_objects))
        self._conversations = max(1, min(100, recent_conversations))
        self._page_size = max(1, min(100, page_size))
        self._ceiling = usage_ceiling
        self._rate: RateLimitStatus | None = None
        self._blocked_until: datetime | None = None
        self._last_inbound: dict[str, datetime] = {}
        self._brand = frozenset(x for x in (self._ref.account, self._page_id) if x)
        self._capabilities = self._make_capabilities()

    def _make_capabilities(self) -> ChannelCapabilities:
        raise NotImplementedError

    @property
    def rate_limit(self) -> RateLimitStatus | None:
        """The usage Meta last reported (highest percentage, time to regain access)."""
        return self._rate

    # -- requests --

    async def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        now = self._clock.now()
        if self._blocked_until is not None and now < self._blocked_until:
            wait = (self._blocked_until - now).total_seconds()
            error = RateLimited(
                f"{self.platform}: usage limit reached; retry after {wait:g}s",
                retry_after=wait,
                platform=self.platform,
            )
            self._health.observe(error)
            raise error
        if self._proof is not None:
            kwargs["params"] = {**kwargs.get("params", {}), "appsecret_proof": self._proof}
        response = await checked_request(
            self._client,
            method,
            self._base + path,
            platform="meta",
            now=now,
            health=self._health,
            headers=self._headers,
            **kwargs,
        )
        self._rate = parse_meta_usage(response.headers)
        if (
            self._rate is not None
            and self._rate.usage is not None
            and self._rate.usage >= self._ceiling
        ):
            wait = self._rate.reset_after or DEFAULT_RETRY_AFTER
            self._blocked_until = now + timedelta(seconds=wait)
        return self._json(response, platform="meta")

    def _entries(
        self, body: Any, what: str, make: Callable[[dict[str, Any]], Mention]
    ) -> list[Mention | InvalidPayload]:
        """Every item of a ``data`` page, in the order Meta sent it: a mention or the failure."""
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, list):
            error = InvalidPayload(
                f"meta: unexpected {what} page (no data list)", raw=raw_text(body), platform="meta"
            )
            self._health.observe(error)
            raise error
        entries: list[Mention | InvalidPayload] = []
        for item in data:
            try:
                if not isinstance(item, dict):
                    raise _Bad("item is not an object")
                entries.append(make(item))
            except (_Bad, SocialCXError, ValueError, TypeError) as exc:
                rejected = InvalidPayload(
                    f"meta: {what}: {exc}", raw=raw_text(item), platform="meta"
                )
                log.warning(
                    "meta: unparseable item kept aside",
                    extra={"event": "invalid_payload", "platform": "meta", "error": str(rejected)},
                )
                entries.append(rejected)
        return entries

    def _items(
        self, body: Any, what: str, make: Callable[[dict[str, Any]], Mention]
    ) -> list[Mention]:
        """The readable items of a page read back to look for a send (not listening)."""
        return [e for e in self._entries(body, what, make) if isinstance(e, Mention)]

    async def _walk(
        self,
        state: _Thread,
        path: str,
        params: dict[str, Any],
        what: str,
        make: Callable[[dict[str, Any]], Mention],
        expand: Callable[[dict[str, Any]], list[dict[str, Any]]] | None = None,
    ) -> _Walked:
        """One page of a newest-first edge, stopping at the newest item already seen."""
        query = {**params, "limit": self._page_size}
        if state.token:
            query["after"] = state.token
        body = await self._call("GET", path, params=query)
        if expand is not None and isinstance(body, dict) and isinstance(body.get("data"), list):
            body = {
                **body,
                "data": [
                    x for item in body["data"] if isinstance(item, dict) for x in expand(item)
                ],
            }
        entries = self._entries(body, what, make)
        fresh, rejected, known, reached = sift(entries, state.since, raw_order=_raw_order)
        newest = state.newest
        if state.token is None and known:
            newest = max(known)
        token = _paging_after(body)
        fresh.sort(key=order_key)
        rejected.reverse()  # oldest first, like the mentions
        if token is not None and not reached and entries:
            return fresh, rejected, _Thread(since=state.since, token=token, newest=newest), True
        return fresh, rejected, _Thread(since=newest or state.since), False

    async def _object_ids(self) -> list[str]:
        raise NotImplementedError

    async def _comments(self, object_id: str, state: _Thread) -> _Walked:
        raise NotImplementedError

    async def fetch(self, cursor: Cursor | None) -> Page:
        """Comments on recent posts or media, and recent private messages, after ``cursor``.

        ``fetch(None)`` starts with everything the recent posts (``recent_objects``)
        and conversations (``recent_conversations``) still hold. Each call
        reads one page of every edge; ``has_more`` says a walk is unfinished.
        """
        threads = _read_cursor(cursor, self.platform)
        mentions: list[Mention] = []
        rejected: list[InvalidPayload] = []
        more = False
        out: dict[str, _Thread] = {}
        if self._object_edge is not None:
            for object_id in await self._object_ids():
                key = f"c:{object_id}"
                found, bad, out[key], again = await self._comments(
                    object_id, threads.get(key, _Thread())
                )
                mentions.extend(found)
                rejected.extend(bad)
                more = more or again
        if self._messages:
            found, bad, again = await self._fetch_conversations(threads, out)
            mentions.extend(found)
            rejected.extend(bad)
            more = more or again
        for mention in mentions:
            if mention.visibility is Visibility.PRIVATE and not mention.author.is_brand:
                self._seen_inbound(mention.author.native_id, mention.created_at)
        mentions.sort(key=order_key)
        return Page(
            mentions=mentions,
            next_cursor=_write_cursor({**threads, **out}),
            has_more=more,
            rejected=rejected,
        )

    async def _fetch_conversations(
        self, threads: Mapping[str, _Thread], out: dict[str, _Thread]
    ) -> tuple[list[Mention], list[InvalidPayload], bool]:
        body = await self._call(
            "GET",
            f"/{self._page_id}/conversations",
            params={
                "platform": self._messaging_platform,
                "fields": "id,updated_time",
                "limit": self._conversations,
            },
        )
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, list):
            error = InvalidPayload(
                "meta: unexpected conversations page", raw=raw_text(body), platform="meta"
            )
            self._health.observe(error)
            raise error
        mentions: list[Mention] = []
        rejected: list[InvalidPayload] = []
        more = False
        for conversation in data:
            conv_id = _opt_id(conversation.get("id")) if isinstance(conversation, dict) else None
            if conv_id is None:
                continue
            key = f"m:{conv_id}"
            state = threads.get(key, _Thread())
            found, bad, out[key], again = await self._walk(
                state,
                f"/{conv_id}/messages",
                {"fields": MESSAGE_FIELDS},
                "message",
                functools.partial(
                    _graph_message, ref=self._ref, brand_ids=self._brand, conversation=conv_id
                ),
            )
            mentions.extend(found)
            rejected.extend(bad)
            more = more or again
        return mentions, rejected, more

    def _seen_inbound(self, customer: str, moment: datetime) -> None:
        last = self._last_inbound.get(customer)
        if last is None or moment > last:
            self._last_inbound[customer] = moment
            if len(self._last_inbound) > 10_000:
                oldest = min(self._last_inbound, key=self._last_inbound.__getitem__)
                del self._last_inbound[oldest]

    # -- sending --

    def _window(self) -> timedelta:
        return HUMAN_AGENT_WINDOW if self._human_agent else MESSAGING_WINDOW

    async def send(self, message: OutboundMessage) -> Delivery:
        """Reply to a comment in public, or message a customer privately.

        Raises:
            MessageRefused: The capabilities forbid it, or the customer's last
                message seen by this channel is outside the messaging window.
            ChannelError: The mapped failure (Meta code 10 outside the window).
        """
        check_outbound(message, self._capabilities, channel=self._ref)
        if message.is_public:
            return await self._reply(message)
        recipient = str(message.recipient)
        last = self._last_inbound.get(recipient)
        if last is not None and self._clock.now() - last > self._window():
            raise MessageRefused(
                f"OutboundMessage.recipient: the customer last wrote at {last.isoformat()}, "
                f"outside the {self._window()} messaging window",
                field="recipient",
                reason="window_closed",
                platform=self.platform,
            )
        payload: dict[str, Any] = {
            "recipient": {"id": recipient},
            "message": {"text": message.text},
        }
        if self._human_agent:
            payload.update(messaging_type="MESSAGE_TAG", tag="HUMAN_AGENT")
        else:
            payload["messaging_type"] = "RESPONSE"
        body = await self._call("POST", f"/{self._page_id}/messages", json=payload)
        native_id = _opt_id(body.get("message_id")) if isinstance(body, dict) else None
        if native_id is None:
            raise InvalidPayload(
                "meta: send answer has no message_id", raw=raw_text(body), platform="meta"
            )
        return Delivery(
            native_id=native_id, sent_at=self._clock.now(), idempotency_key=message.idempotency_key
        )

    async def _reply(self, message: OutboundMessage) -> Delivery:
        raise NotImplementedError

    async def find_sent(self, message: OutboundMessage) -> Delivery | None:
        """Read back the brand's replies (or the conversation) and match the text."""
        wanted = _comparable(message.text)
        if message.is_public:
            candidates = await self._own_replies(str(message.in_reply_to))
        else:
            candidates = await self._conversation_with(str(message.recipient))
        for mention in candidates:
            if mention.author.is_brand and _comparable(mention.text) == wanted:
                return Delivery(
                    native_id=mention.native_id,
                    url=mention.url,
                    sent_at=mention.created_at,
                    idempotency_key=message.idempotency_key,
                    replayed=True,
                )
        return None

    async def _own_replies(self, target: str) -> list[Mention]:
        raise NotImplementedError

    async def _conversation_with(self, recipient: str) -> list[Mention]:
        body = await self._call(
            "GET",
            f"/{self._page_id}/conversations",
            params={"platform": self._messaging_platform, "user_id": recipient, "fields": "id"},
        )
        data = body.get("data") if isinstance(body, dict) else None
        found: list[Mention] = []
        for conversation in data if isinstance(data, list) else []:
            conv_id = _opt_id(conversation.get("id")) if isinstance(conversation, dict) else None
            if conv_id is None:
                continue
            page = await self._call(
                "GET", f"/{conv_id}/messages", params={"fields": MESSAGE_FIELDS, "limit": 50}
            )
            found.extend(
                self._items(
                    page,
                    "message",
                    functools.partial(
                        _graph_message, ref=self._ref, brand_ids=self._brand, conversation=conv_id
                    ),
                )
            )
        return found

    # -- push --

    def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> Sequence[Mention]:
        """Verify ``X-Hub-Signature-256`` over the raw body and parse the delivery.

        Reactions, reads, removals and other non-post events give no mentions.

        Raises:
            InvalidPayload: Bad signature (``BadSignature``), not JSON, or an
                event that cannot be parsed; the raw body is kept.
        """
        verify_webhook(self._app_secret, body, headers)
        try:
            payload = json.loads(body)
        except ValueError as exc:
            raise InvalidPayload(
                "meta: webhook body is not JSON", raw=body, platform="meta"
            ) from exc
        if not isinstance(payload, dict) or "entry" not in payload:
            raise InvalidPayload("meta: not a webhook delivery", raw=body, platform="meta")
        try:
            # An app receives every subscribed Page's deliveries: keep this channel's.
            parsed = _envelope(payload, self._ref, self._brand, only=self._brand)
        except InvalidPayload as exc:
            raise InvalidPayload(str(exc), raw=body, platform="meta") from exc
        except Exception as exc:
            raise InvalidPayload(
                f"meta: unreadable webhook ({type(exc).__name__})", raw=body, platform="meta"
            ) from exc
        mentions: list[Mention] = []
        for item in parsed.items:
            if isinstance(item, InvalidPayload):
                raise InvalidPayload(str(item), raw=body, platform="meta")
            if item.visibility is Visibility.PRIVATE and not item.author.is_brand:
                self._seen_inbound(item.author.native_id, item.created_at)
            mentions.append(item)
        return mentions


class FacebookPageChannel(_GraphChannel):
    """A Facebook Page: comments on its posts in public, Messenger in private.

    Args:
        account: The Page id.
        access_token: A Page access token (``pages_read_engagement``,
            ``pages_manage_engagement``, ``pages_read_user_content``,
            ``pages_messaging``), sent as a bearer header.
        app_secret: The App Secret: verifies webhooks and signs every call
            with ``appsecret_proof``.
        client: The HTTP client; tests pass one on ``httpx.MockTransport``.
        base_url: The versioned Graph API root.
        clock: Where "now" comes from.
        direct_messages: Also read and send Messenger messages.
        human_agent: Send private messages with the ``HUMAN_AGENT`` tag (a
            7-day window instead of 24 hours; needs that permission).
        recent_objects: How many of the latest Page posts are polled for comments.
        recent_conversations: How many of the latest conversations are polled.
        page_size: ``limit`` per request.
        usage_ceiling: The usage percentage at which the channel stops
            calling until Meta's ``estimated_time_to_regain_access``.
    """

    platform = "facebook"
    _messaging_platform = "messenger"
    _object_edge = "posts"

    def __init__(
        self,
        *,
        account: str,
        access_token: str,
        app_secret: str = "",
        client: httpx.AsyncClient | None = None,
        base_url: str = GRAPH_BASE,
        clock: Clock | None = None,
        direct_messages: bool = True,
        human_agent: bool = False,
        recent_objects: int = 10,
        recent_conversations: int = 25,
        page_size: int = 50,
        usage_ceiling: float = 95.0,
    ) -> None:
        super().__init__(
            account=account,
            access_token=access_token,
            app_secret=app_secret,
            page_id=account,
            client=client,
            base_url=base_url,
            clock=clock,
            direct_messages=direct_messages,
            human_agent=human_agent,
            recent_objects=recent_objects,
            recent_conversations=recent_conversations,
            page_size=page_size,
            usage_ceiling=usage_ceiling,
        )

    def _make_capabilities(self) -> ChannelCapabilities:
        return ChannelCapabilities(
            public_reply=True,
            private_message=self._messages,
            brand_can_start_private=False,
            private_window=self._window() if self._messages else None,
            max_length=8000,
            private_max_length=2000 if self._messages else None,
            edits=True,
            deletes=True,
        )

    async def _object_ids(self) -> list[str]:
        body = await self._call(
            "GET",
            f"/{self._ref.account}/posts",
            params={"fields": "id,updated_time", "limit": self._objects},
        )
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, list):
            error = InvalidPayload(
                "meta: unexpected posts page", raw=raw_text(body), platform="meta"
            )
            self._health.observe(error)
            raise error
        return [i for i in (_opt_id(p.get("id")) for p in data if isinstance(p, dict)) if i]

    async def _comments(self, object_id: str, state: _Thread) -> _Walked:
        return await self._walk(
            state,
            f"/{object_id}/comments",
            {"fields": FB_COMMENT_FIELDS, "filter": "stream", "order": "reverse_chronological"},
            "comment",
            lambda item: _graph_comment(item, self._ref, brand_ids=self._brand, parent=object_id),
        )

    async def _reply(self, message: OutboundMessage) -> Delivery:
        body = await self._call(
            "POST", f"/{message.in_reply_to}/comments", json={"message": message.text}
        )
        native_id = _opt_id(body.get("id")) if isinstance(body, dict) else None
        if native_id is None:
            raise InvalidPayload(
                "meta: reply answer has no id", raw=raw_text(body), platform="meta"
            )
        return Delivery(
            native_id=native_id, sent_at=self._clock.now(), idempotency_key=message.idempotency_key
        )

    async def _own_replies(self, target: str) -> list[Mention]:
        body = await self._call(
            "GET",
            f"/{target}/comments",
            params={
                "fields": FB_COMMENT_FIELDS,
                "filter": "stream",
                "order": "reverse_chronological",
                "limit": 100,
            },
        )
        return self._items(
            body,
            "comment",
            lambda item: _graph_comment(item, self._ref, brand_ids=self._brand, parent=target),
        )


class InstagramChannel(_GraphChannel):
    """An Instagram professional account: comments on its media, and direct messages.

    Args:
        account: The Instagram user id.
        access_token: A token with ``instagram_basic``,
            ``instagram_manage_comments`` (and ``instagram_manage_messages``).
        page_id: The linked Facebook Page; direct messages go through it
            (``/{page-id}/conversations?platform=instagram``). Without it the
            channel has no private messages.
        app_secret, client, base_url, clock, direct_messages, recent_objects,
        recent_conversations, page_size, usage_ceiling: As for
            :class:`FacebookPageChannel`.

    Mention notifications (webhook field ``mentions``) carry only ids: expand
    them with :meth:`mentioned_comment`.
    """

    platform = "instagram"
    _messaging_platform = "instagram"
    _object_edge = "media"

    def __init__(
        self,
        *,
        account: str,
        access_token: str,
        app_secret: str = "",
        page_id: str | None = None,
        client: httpx.AsyncClient | None = None,
        base_url: str = GRAPH_BASE,
        clock: Clock | None = None,
        direct_messages: bool = True,
        recent_objects: int = 10,
        recent_conversations: int = 25,
        page_size: int = 50,
        usage_ceiling: float = 95.0,
    ) -> None:
        super().__init__(
            account=account,
            access_token=access_token,
            app_secret=app_secret,
            page_id=page_id,
            client=client,
            base_url=base_url,
            clock=clock,
            direct_messages=direct_messages,
            recent_objects=recent_objects,
            recent_conversations=recent_conversations,
            page_size=page_size,
            usage_ceiling=usage_ceiling,
        )

    def _make_capabilities(self) -> ChannelCapabilities:
        return ChannelCapabilities(
            public_reply=True,
            private_message=self._messages,
            brand_can_start_private=False,
            private_window=MESSAGING_WINDOW if self._messages else None,
            max_length=2200,
            private_max_length=1000 if self._messages else None,
            deletes=True,
        )

    async def _object_ids(self) -> list[str]:
        body = await self._call(
            "GET",
            f"/{self._ref.account}/media",
            params={"fields": "id,timestamp", "limit": self._objects},
        )
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, list):
            error = InvalidPayload(
                "meta: unexpected media page", raw=raw_text(body), platform="meta"
            )
            self._health.observe(error)
            raise error
        return [i for i in (_opt_id(p.get("id")) for p in data if isinstance(p, dict)) if i]

    @staticmethod
    def _flatten(item: dict[str, Any]) -> list[dict[str, Any]]:
        replies = item.get("replies")
        nested = replies.get("data") if isinstance(replies, dict) else None
        return [
            item,
            *[r for r in (nested if isinstance(nested, list) else []) if isinstance(r, dict)],
        ]

    async def _comments(self, object_id: str, state: _Thread) -> _Walked:
        return await self._walk(
            state,
            f"/{object_id}/comments",
            {"fields": IG_COMMENT_FIELDS},
            "comment",
            lambda item: (
                _graph_comment(item, self._ref, brand_ids=self._brand, parent=object_id)
                if item.get("parent_id") is None
                else _graph_comment(item, self._ref, brand_ids=self._brand)
            ),
            expand=self._flatten,
        )

    async def _reply(self, message: OutboundMessage) -> Delivery:
        body = await self._call(
            "POST", f"/{message.in_reply_to}/replies", json={"message": message.text}
        )
        native_id = _opt_id(body.get("id")) if isinstance(body, dict) else None
        if native_id is None:
            raise InvalidPayload(
                "meta: reply answer has no id", raw=raw_text(body), platform="meta"
            )
        return Delivery(
            native_id=native_id, sent_at=self._clock.now(), idempotency_key=message.idempotency_key
        )

    async def _own_replies(self, target: str) -> list[Mention]:
        body = await self._call(
            "GET",
            f"/{target}/replies",
            params={"fields": IG_COMMENT_FIELDS.split(",replies")[0], "limit": 100},
        )
        return self._items(
            body, "reply", lambda item: _graph_comment(item, self._ref, brand_ids=self._brand)
        )

    async def mentioned_comment(self, comment_id: str) -> Mention:
        """Expand a ``mentions`` webhook notification into the comment that mentioned the brand.

        Raises:
            InvalidPayload: The answer holds no readable comment.
            ChannelError: The mapped failure.
        """
        fields = (
            f"mentioned_comment.comment_id({comment_id})"
            "{id,text,timestamp,username,like_count,media{id}}"
        )
        body = await self._call("GET", f"/{self._ref.account}", params={"fields": fields})
        found = body.get("mentioned_comment") if isinstance(body, dict) else None
        if not isinstance(found, dict):
            raise InvalidPayload(
                "meta: no mentioned_comment in the answer", raw=raw_text(body), platform="meta"
            )
        try:
            return _graph_comment(found, self._ref, brand_ids=self._brand)
        except (_Bad, SocialCXError, ValueError, TypeError) as exc:
            raise InvalidPayload(
                f"meta: mentioned_comment: {exc}", raw=raw_text(found), platform="meta"
            ) from exc


class MessengerChannel(_GraphChannel):
    """A Page's Messenger inbox alone: private messages, no public posts.

    Args:
        account: The Page id.
        access_token, app_secret, client, base_url, clock, human_agent,
        recent_conversations, page_size, usage_ceiling: As for
            :class:`FacebookPageChannel`.
    """

    platform = "messenger"
    _messaging_platform = "messenger"
    _object_edge = None

    def __init__(
        self,
        *,
        account: str,
        access_token: str,
        app_secret: str = "",
        client: httpx.AsyncClient | None = None,
        base_url: str = GRAPH_BASE,
        clock: Clock | None = None,
        human_agent: bool = False,
        recent_conversations: int = 25,
        page_size: int = 50,
        usage_ceiling: float = 95.0,
    ) -> None:
        super().__init__(
            account=account,
            access_token=access_token,
            app_secret=app_secret,
            page_id=account,
            client=client,
            base_url=base_url,
            clock=clock,
            direct_messages=True,
            human_agent=human_agent,
            recent_conversations=recent_conversations,
            page_size=page_size,
            usage_ceiling=usage_ceiling,
        )

    def _make_capabilities(self) -> ChannelCapabilities:
        return ChannelCapabilities(
            public_reply=False,
            private_message=True,
            brand_can_start_private=False,
            private_window=self._window(),
            max_length=2000,
        )

    async def _object_ids(self) -> list[str]:
        return []

    async def _comments(self, object_id: str, state: _Thread) -> _Walked:
        return [], [], state, False

    async def _reply(
        self, message: OutboundMessage
    ) -> Delivery:  # pragma: no cover - refused earlier
        raise MessageRefused(
            "Messenger has no public replies",
            field="visibility",
            reason="no_public_reply",
            platform=self.platform,
        )

    async def _own_replies(self, target: str) -> list[Mention]:
        return []
