"""X (API v2): mentions and recent search, replies, direct messages, Account Activity webhooks.

Listening polls ``GET /2/users/:id/mentions`` (or ``GET /2/tweets/search/recent``
when a query is given) the way X's pagination guide recommends: the first
request carries ``since_id``; while ``meta.next_token`` is present the adapter
keeps ``since_id`` fixed and follows the token; once the pages run out,
``meta.newest_id`` from the first page becomes the next ``since_id``. Direct
messages come from ``GET /2/dm_events`` (newest first, no ``since_id``): the
adapter pages back until it reaches an event it has seen. Both positions live
in the cursor, a JSON string.

X has no idempotency on writes, so :meth:`XChannel.find_sent` reads back the
brand's recent posts (or the direct-message conversation) and matches the
target and the text.

Rate limits come back as ``x-rate-limit-*`` headers with an epoch reset and
no ``Retry-After``; the error mapping in :mod:`socialcx.channels` turns them into
:class:`~socialcx.errors.RateLimited` with the right wait.

Account Activity webhooks are verified with :func:`verify_webhook` (base64
HMAC-SHA256 of the raw body with the consumer secret) and the CRC challenge is
answered with :func:`crc_response`.
"""

from __future__ import annotations

import functools
import html
import json
import logging
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import attrs
import httpx

from socialcx._clock import Clock
from socialcx.channels._base import HttpChannelBase, raw_text
from socialcx.channels._http import (
    BadSignature,
    RateLimitStatus,
    checked_request,
    rate_limit_status,
    sign_base64,
    verify_signature,
)
from socialcx.channels._protocol import (
    Cursor,
    Delivery,
    Page,
    check_outbound,
)
from socialcx.errors import (
    AuthError,
    AuthExpired,
    InvalidPayload,
    PermanentChannelError,
    SocialCXError,
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
    "API_BASE",
    "CAPABILITIES",
    "PLATFORM",
    "XChannel",
    "crc_response",
    "parse_mentions",
    "verify_webhook",
]

log = logging.getLogger(__name__)

#: The network name used in channel refs, authors and errors.
PLATFORM = "x"

#: Where the API lives.
API_BASE = "https://api.x.com"

#: What X allows: 280 weighted characters in public (links count 23), 10,000 in private.
CAPABILITIES = ChannelCapabilities(
    public_reply=True,
    private_message=True,
    brand_can_start_private=False,
    max_length=280,
    private_max_length=10_000,
    length_unit=LengthUnit.WEIGHTED,
    url_length=23,
    idempotent_send=False,
    deletes=True,
)

TWEET_FIELDS = (
    "created_at,author_id,conversation_id,in_reply_to_user_id,referenced_tweets,"
    "public_metrics,lang,entities,edit_history_tweet_ids,note_tweet"
)
USER_FIELDS = "username,name,public_metrics,verified"
DM_EVENT_FIELDS = "id,text,event_type,created_at,sender_id,dm_conversation_id,participant_ids"

#: X's epoch for snowflake ids (milliseconds), used when a post has no ``created_at``.
SNOWFLAKE_EPOCH_MS = 1_288_834_974_657
_SNOWFLAKE_MIN = 1 << 32  # ids below this predate snowflakes and carry no time

#: Placeholder author for a post whose author the response did not include
#: (a request made without ``expansions=author_id``).
UNKNOWN_AUTHOR_ID = "unknown"

_URL = re.compile(r"https?://\S+", re.IGNORECASE)


# --- parsing ------------------------------------------------------------------------


@attrs.define
class _Parsed:
    """What one body held: parsed or failed post-like items, and what was not a post."""

    items: list[Mention | InvalidPayload] = attrs.field(factory=list)
    skipped: list[str] = attrs.field(factory=list)


class _Bad(Exception):
    """A post-like item that cannot become a mention; the message names the field."""


def _str_id(value: Any, field: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _Bad(f"{field}: missing or not a string id")
    text = str(value).strip()
    if not text:
        raise _Bad(f"{field}: empty id")
    return text


def _opt_id(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = str(value).strip()
    return text or None


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return 0
    return value


def _opt_text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def snowflake_time(native_id: str) -> datetime | None:
    """When a post or event with this snowflake id was created, if the id is one."""
    if not native_id.isdigit() or len(native_id) > 20:
        return None
    number = int(native_id)
    if number < _SNOWFLAKE_MIN:
        return None
    try:
        return datetime.fromtimestamp(((number >> 22) + SNOWFLAKE_EPOCH_MS) / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _iso_time(value: Any, field: str) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _Bad(f"{field}: not a timestamp string")
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise _Bad(f"{field}: not an ISO 8601 timestamp") from exc
    if moment.tzinfo is None:
        raise _Bad(f"{field}: timestamp has no timezone")
    return moment


def _created(item: Mapping[str, Any], native_id: str, field: str) -> datetime:
    moment = _iso_time(item.get("created_at"), field)
    if moment is None:
        moment = snowflake_time(native_id)
    if moment is None:
        raise _Bad(f"{field}: missing, and the id carries no time")
    return moment


def _users(payload: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    includes = payload.get("includes")
    users = includes.get("users") if isinstance(includes, dict) else None
    found: dict[str, Mapping[str, Any]] = {}
    for user in users if isinstance(users, list) else []:
        if isinstance(user, dict):
            key = _opt_id(user.get("id"))
            if key is not None:
                found[key] = user
    return found


def _author(user_id: str | None, users: Mapping[str, Mapping[str, Any]], ref: ChannelRef) -> Author:
    if user_id is None:
        return Author(platform=PLATFORM, native_id=UNKNOWN_AUTHOR_ID, handle=UNKNOWN_AUTHOR_ID)
    user = users.get(user_id, {})
    metrics = user.get("public_metrics")
    followers = _count(metrics.get("followers_count")) if isinstance(metrics, dict) else 0
    return Author(
        platform=PLATFORM,
        native_id=user_id,
        handle=(_opt_text(user.get("username")) or user_id).lstrip("@") or user_id,
        display_name=_opt_text(user.get("name")),
        followers=followers,
        verified=user.get("verified") is True,
        is_brand=user_id == ref.account,
    )


def post_url(native_id: str, username: str | None = None) -> str:
    """The web address of a post."""
    return f"https://x.com/{username or 'i/web'}/status/{native_id}"


def _tweet(
    item: Mapping[str, Any], users: Mapping[str, Mapping[str, Any]], ref: ChannelRef
) -> Mention:
    native_id = _str_id(item.get("id"), "tweet.id")
    note = item.get("note_tweet")
    text: Any = note.get("text") if isinstance(note, dict) else None
    if not isinstance(text, str):
        text = item.get("text")
    if not isinstance(text, str):
        raise _Bad("tweet.text: missing or not a string")
    author = _author(_opt_id(item.get("author_id")), users, ref)
    in_reply_to = None
    refs = item.get("referenced_tweets")
    for entry in refs if isinstance(refs, list) else []:
        if isinstance(entry, dict) and entry.get("type") == "replied_to":
            in_reply_to = _opt_id(entry.get("id"))
    metrics = item.get("public_metrics")
    m = metrics if isinstance(metrics, dict) else {}
    created = _created(item, native_id, "tweet.created_at")
    history = item.get("edit_history_tweet_ids")
    edited = None
    if isinstance(history, list) and len(history) > 1 and _opt_id(history[0]) != native_id:
        edited = created
        first = snowflake_time(_opt_id(history[0]) or "")
        created = first if first is not None and first <= created else created
    handle = None if author.native_id == UNKNOWN_AUTHOR_ID else author.handle
    return Mention(
        channel=ref,
        native_id=native_id,
        author=author,
        text=html.unescape(text),
        created_at=created,
        visibility=Visibility.PUBLIC,
        url=post_url(native_id, handle),
        in_reply_to=in_reply_to,
        conversation_id=_opt_id(item.get("conversation_id")),
        language=_opt_text(item.get("lang")),
        metrics=Engagement(
            likes=_count(m.get("like_count")),
            reposts=_count(m.get("retweet_count")),
            replies=_count(m.get("reply_count")),
            quotes=_count(m.get("quote_count")),
            views=_count(m.get("impression_count")),
        ),
        edited_at=edited,
        raw=dict(item),
    )


def _dm_event(
    item: Mapping[str, Any], users: Mapping[str, Mapping[str, Any]], ref: ChannelRef
) -> Mention:
    native_id = _str_id(item.get("id"), "dm_event.id")
    text = item.get("text")
    if not isinstance(text, str):
        raise _Bad("dm_event.text: missing or not a string")
    return Mention(
        channel=ref,
        native_id=native_id,
        author=_author(_opt_id(item.get("sender_id")), users, ref),
        text=html.unescape(text),
        created_at=_created(item, native_id, "dm_event.created_at"),
        visibility=Visibility.PRIVATE,
        conversation_id=_opt_id(item.get("dm_conversation_id")),
        raw=dict(item),
    )


def _v1_time(value: Any, native_id: str, field: str) -> datetime:
    if isinstance(value, str):
        try:
            return datetime.strptime(value.strip(), "%a %b %d %H:%M:%S %z %Y")
        except ValueError as exc:
            raise _Bad(f"{field}: not a timestamp") from exc
    moment = snowflake_time(native_id)
    if moment is None:
        raise _Bad(f"{field}: missing, and the id carries no time")
    return moment


def _v1_user(user: Any, ref: ChannelRef) -> Author:
    if not isinstance(user, dict):
        raise _Bad("tweet.user: missing or not an object")
    user_id = _str_id(user.get("id_str", user.get("id")), "tweet.user.id_str")
    return Author(
        platform=PLATFORM,
        native_id=user_id,
        handle=(_opt_text(user.get("screen_name")) or user_id).lstrip("@") or user_id,
        display_name=_opt_text(user.get("name")),
        followers=_count(user.get("followers_count")),
        verified=user.get("verified") is True,
        is_brand=user_id == ref.account,
    )


def _v1_tweet(item: Mapping[str, Any], ref: ChannelRef) -> Mention:
    """A post as Account Activity webhooks deliver it (the v1.1 object)."""
    native_id = _str_id(item.get("id_str", item.get("id")), "tweet.id_str")
    extended = item.get("extended_tweet")
    text: Any = extended.get("full_text") if isinstance(extended, dict) else None
    if not isinstance(text, str):
        text = item.get("full_text", item.get("text"))
    if not isinstance(text, str):
        raise _Bad("tweet.text: missing or not a string")
    author = _v1_user(item.get("user"), ref)
    return Mention(
        channel=ref,
        native_id=native_id,
        author=author,
        text=html.unescape(text),
        created_at=_v1_time(item.get("created_at"), native_id, "tweet.created_at"),
        visibility=Visibility.PUBLIC,
        url=post_url(native_id, author.handle),
        in_reply_to=_opt_id(item.get("in_reply_to_status_id_str")),
        language=_opt_text(item.get("lang")),
        metrics=Engagement(
            likes=_count(item.get("favorite_count")),
            reposts=_count(item.get("retweet_count")),
            replies=_count(item.get("reply_count")),
            quotes=_count(item.get("quote_count")),
        ),
        raw=dict(item),
    )


def _v1_dm(item: Mapping[str, Any], users: Any, ref: ChannelRef) -> Mention:
    """A direct message as Account Activity webhooks deliver it."""
    native_id = _str_id(item.get("id"), "direct_message_event.id")
    create = item.get("message_create")
    if not isinstance(create, dict):
        raise _Bad("direct_message_event.message_create: missing or not an object")
    data = create.get("message_data")
    text = data.get("text") if isinstance(data, dict) else None
    if not isinstance(text, str):
        raise _Bad("direct_message_event.message_create.message_data.text: missing")
    sender = _str_id(create.get("sender_id"), "direct_message_event.message_create.sender_id")
    user = users.get(sender) if isinstance(users, dict) else None
    if isinstance(user, dict):
        author = _v1_user({**user, "id_str": sender}, ref)
    else:
        author = Author(
            platform=PLATFORM, native_id=sender, handle=sender, is_brand=sender == ref.account
        )
    stamp = item.get("created_timestamp")
    created: datetime | None = None
    if isinstance(stamp, str) and stamp.isdigit() and len(stamp) < 16:
        created = datetime.fromtimestamp(int(stamp) / 1000, tz=UTC)
    created = created or snowflake_time(native_id)
    if created is None:
        raise _Bad("direct_message_event.created_timestamp: missing or not epoch milliseconds")
    target = create.get("target")
    recipient = _opt_id(target.get("recipient_id")) if isinstance(target, dict) else None
    conversation = "-".join(sorted(x for x in (sender, recipient) if x)) or None
    return Mention(
        channel=ref,
        native_id=native_id,
        author=author,
        text=html.unescape(text),
        created_at=created,
        visibility=Visibility.PRIVATE,
        conversation_id=conversation,
        raw=dict(item),
    )


def _attempt(parsed: _Parsed, item: Any, make: Any, kind: str) -> None:
    if not isinstance(item, dict):
        parsed.items.append(
            InvalidPayload(f"x: {kind} is not an object", raw=raw_text(item), platform=PLATFORM)
        )
        return
    try:
        parsed.items.append(make(item))
    except (_Bad, SocialCXError, ValueError, TypeError, KeyError, OverflowError) as exc:
        parsed.items.append(
            InvalidPayload(f"x: {kind}: {exc}", raw=raw_text(item), platform=PLATFORM)
        )


_NOT_POST_DATA = (
    ("username", "user object"),
    ("deleted", "delete confirmation"),
    ("hidden", "hide confirmation"),
    ("dm_event_id", "direct message send confirmation"),
    ("liked", "like confirmation"),
    ("retweeted", "repost confirmation"),
    ("following", "follow confirmation"),
)

_WEBHOOK_KEYS = frozenset(
    {
        "tweet_create_events",
        "direct_message_events",
        "favorite_events",
        "follow_events",
        "unfollow_events",
        "block_events",
        "unblock_events",
        "mute_events",
        "unmute_events",
        "tweet_delete_events",
        "direct_message_indicate_typing_events",
        "direct_message_mark_read_events",
        "user_event",
    }
)


def _data_item(parsed: _Parsed, item: Any, users: Mapping[str, Any], ref: ChannelRef) -> None:
    if isinstance(item, dict):
        if "event_type" in item:
            if item.get("event_type") != "MessageCreate":
                parsed.skipped.append(f"{item.get('event_type')!s} event")
                return
            _attempt(parsed, item, lambda i: _dm_event(i, users, ref), "dm_event")
            return
        if "text" not in item and "note_tweet" not in item:
            for key, reason in _NOT_POST_DATA:
                if key in item:
                    parsed.skipped.append(reason)
                    return
    _attempt(parsed, item, lambda i: _tweet(i, users, ref), "tweet")


def _parse(payload: Any, ref: ChannelRef) -> _Parsed:
    parsed = _Parsed()
    if not isinstance(payload, dict):
        raise InvalidPayload(
            f"not a post: a JSON {type(payload).__name__}, not an X response object",
            raw=raw_text(payload),
            platform=PLATFORM,
        )
    if _WEBHOOK_KEYS & payload.keys():
        return _parse_webhook_body(payload, ref)
    data = payload.get("data")
    users = _users(payload)
    if isinstance(data, list):
        for item in data:
            _data_item(parsed, item, users, ref)
        return parsed
    if isinstance(data, dict):
        _data_item(parsed, data, users, ref)
        if parsed.skipped:
            raise InvalidPayload(
                f"not a post: {parsed.skipped[0]}", raw=raw_text(payload), platform=PLATFORM
            )
        return parsed
    if data is not None:
        raise InvalidPayload(
            "not a post: data is neither an object nor a list",
            raw=raw_text(payload),
            platform=PLATFORM,
        )
    if "errors" in payload or "title" in payload or "type" in payload or "error" in payload:
        raise InvalidPayload("not a post: error object", raw=raw_text(payload), platform=PLATFORM)
    if isinstance(payload.get("meta"), dict):
        return parsed  # an empty result: {"meta": {"result_count": 0}}
    raise InvalidPayload(
        "not a post: unknown object (no data, meta or webhook events)",
        raw=raw_text(payload),
        platform=PLATFORM,
    )


def _parse_webhook_body(payload: Mapping[str, Any], ref: ChannelRef) -> _Parsed:
    parsed = _Parsed()
    for key in sorted(_WEBHOOK_KEYS & payload.keys()):
        events = payload.get(key)
        if key == "tweet_create_events":
            for item in events if isinstance(events, list) else [events]:
                _attempt(parsed, item, lambda i: _v1_tweet(i, ref), "tweet_create_event")
        elif key == "direct_message_events":
            users = payload.get("users")
            make_dm = functools.partial(_v1_dm, users=users, ref=ref)
            for item in events if isinstance(events, list) else [events]:
                if (
                    isinstance(item, dict)
                    and item.get("type", "message_create") != "message_create"
                ):
                    parsed.skipped.append(f"{item.get('type')!s} direct message event")
                    continue
                _attempt(parsed, item, make_dm, "direct_message_event")
        else:
            parsed.skipped.append(key)
    return parsed


def parse_mentions(payload: Any, *, ref: ChannelRef) -> list[Mention | InvalidPayload]:
    """Parse a decoded X API v2 body (or Account Activity delivery) into mentions.

    Understands post lists and single posts (``/2/users/:id/mentions``,
    ``/2/tweets/search/recent``, ``/2/tweets``, ``POST /2/tweets``), direct
    message events (``/2/dm_events``), and Account Activity deliveries
    (``tweet_create_events``, ``direct_message_events``). Authors come from
    ``includes.users``; a post without ``created_at`` takes its time from its
    snowflake id; a post without ``author_id`` gets the placeholder author
    :data:`UNKNOWN_AUTHOR_ID`.

    Args:
        payload: The decoded JSON body.
        ref: The channel the mentions belong to.

    Returns:
        One entry per post-like item: a :class:`~socialcx.Mention`, or an
        :class:`~socialcx.errors.InvalidPayload` naming the field that failed
        (its ``raw`` holds the item as JSON).

    Raises:
        InvalidPayload: The body is not a shape that holds posts (a user
            object, an error, a delete confirmation); the message says which.
    """
    try:
        parsed = _parse(payload, ref)
    except InvalidPayload:
        raise
    except Exception as exc:  # a parser of untrusted input must fail in one way only
        raise InvalidPayload(
            f"x: unreadable body ({type(exc).__name__})", raw=raw_text(payload), platform=PLATFORM
        ) from exc
    if not parsed.items and parsed.skipped:
        raise InvalidPayload(
            f"not a post: {', '.join(sorted(set(parsed.skipped)))}",
            raw=raw_text(payload),
            platform=PLATFORM,
        )
    return parsed.items


# --- webhooks -----------------------------------------------------------------------


def crc_response(consumer_secret: str, crc_token: str) -> dict[str, str]:
    """The answer to X's CRC challenge (``GET <webhook>?crc_token=...``).

    Returns:
        ``{"response_token": "sha256=<base64 HMAC-SHA256(consumer_secret, crc_token)>"}``,
        to be sent back as the JSON body of a 200 response.
    """
    if not consumer_secret:
        raise PermanentChannelError("x: a consumer secret is needed to answer CRC challenges")
    token = sign_base64(consumer_secret, crc_token.encode("utf-8"))
    return {"response_token": f"sha256={token}"}


def verify_webhook(consumer_secret: str, body: bytes, headers: Mapping[str, str]) -> None:
    """Check ``x-twitter-webhooks-signature`` over the raw body, in constant time.

    Raises:
        BadSignature: The header is missing or does not match; the body is kept.
    """
    header = next(
        (v for k, v in headers.items() if k.lower() == "x-twitter-webhooks-signature"), None
    )
    if not consumer_secret:
        raise BadSignature(
            "x: no consumer secret configured to verify webhooks", raw=body, platform=PLATFORM
        )
    verify_signature(consumer_secret, body, header, encoding="base64", platform=PLATFORM)


# --- cursor -------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class _Stream:
    """One listening position: ``since`` is the floor, ``token`` a page in progress."""

    since: str | None = None
    token: str | None = None
    newest: str | None = None

    def to_json(self) -> dict[str, str | None]:
        return {"since": self.since, "token": self.token, "newest": self.newest}

    @classmethod
    def from_json(cls, data: Any) -> _Stream:
        if not isinstance(data, dict):
            return cls()
        return cls(
            since=_opt_id(data.get("since")),
            token=_opt_id(data.get("token")),
            newest=_opt_id(data.get("newest")),
        )


def _item_id(item: Mention | InvalidPayload) -> str | None:
    """The id of a parsed item, or of a rejected one when its raw JSON still shows it."""
    if isinstance(item, Mention):
        return item.native_id
    try:
        raw = json.loads(item.raw)
    except (TypeError, ValueError, RecursionError):
        return None
    item_id = _opt_id(raw.get("id")) if isinstance(raw, dict) else None
    return item_id if item_id is not None and item_id.isdigit() else None


def _id_order(native_id: str) -> tuple[int, str]:
    """Sort numeric ids as numbers (shorter is older), others as text."""
    return (len(native_id), native_id)


def _read_cursor(cursor: Cursor | None) -> tuple[_Stream, _Stream]:
    if cursor is None:
        return _Stream(), _Stream()
    try:
        data = json.loads(cursor)
    except ValueError:
        data = None
    if not isinstance(data, dict) or data.get("v") != 1:
        raise PermanentChannelError(
            "x: the cursor was not written by this channel", platform=PLATFORM
        )
    return _Stream.from_json(data.get("posts")), _Stream.from_json(data.get("dms"))


def _write_cursor(posts: _Stream, dms: _Stream) -> Cursor:
    return json.dumps({"v": 1, "posts": posts.to_json(), "dms": dms.to_json()}, sort_keys=True)


def _comparable(text: str) -> str:
    """Text as X echoes it back: entities unescaped, links shortened, spaces collapsed."""
    return " ".join(_URL.sub("<url>", html.unescape(text)).split())


# --- the channel --------------------------------------------------------------------


class XChannel(HttpChannelBase):
    """One brand account on X, listening through mentions or a recent-search query.

    Args:
        account: The brand's numeric user id (``/2/users/me`` gives it).
        bearer_token: An OAuth 2.0 user-context access token (``tweet.read
            tweet.write users.read dm.read dm.write``); an app-only token can
            read but cannot reply or send direct messages.
        consumer_secret: The app's consumer secret, for Account Activity
            webhook signatures and CRC answers.
        client: The HTTP client; tests pass one on ``httpx.MockTransport``.
        base_url: The API root.
        clock: Where "now" comes from (rate-limit resets are absolute).
        query: Listen with ``/2/tweets/search/recent`` for this query instead
            of the mentions timeline (512 characters at most).
        direct_messages: Also fetch direct messages (``/2/dm_events``); when
            false the channel has no private messages.
        page_size: ``max_results`` per request (10 to 100).
        read_back: How many of the brand's latest posts :meth:`find_sent`
            reads when reconciling.

    ``fetch(None)`` starts with what X still returns (about 800 mentions, or
    the last seven days of search), oldest first within each page.
    """

    def __init__(
        self,
        *,
        account: str,
        bearer_token: str,
        consumer_secret: str = "",
        client: httpx.AsyncClient | None = None,
        base_url: str = API_BASE,
        clock: Clock | None = None,
        query: str | None = None,
        direct_messages: bool = True,
        page_size: int = 100,
        read_back: int = 100,
    ) -> None:
        if not account or not account.strip():
            raise PermanentChannelError("x: account (the brand's user id) is required")
        if query is not None and not 0 < len(query) <= 512:
            raise PermanentChannelError("x: query must be 1 to 512 characters", platform=PLATFORM)
        super().__init__(
            ref=ChannelRef(platform=PLATFORM, account=account.strip()), client=client, clock=clock
        )
        self._base = base_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {bearer_token}"}
        self._consumer_secret = consumer_secret
        self._query = query
        self._direct_messages = direct_messages
        self._page_size = max(10, min(100, page_size))
        self._read_back = max(5, min(100, read_back))
        self._rate: RateLimitStatus | None = None
        self._capabilities = (
            CAPABILITIES
            if direct_messages
            else attrs.evolve(CAPABILITIES, private_message=False, private_max_length=None)
        )

    def _repr_fields(self) -> dict[str, object]:
        return {**super()._repr_fields(), "query": self._query}

    @property
    def rate_limit(self) -> RateLimitStatus | None:
        """The budget the last response reported (``x-rate-limit-*``)."""
        return self._rate

    # -- requests --

    async def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        """One request: errors mapped, health told, the rate-limit budget remembered."""
        now = self._clock.now()
        try:
            response = await checked_request(
                self._client,
                method,
                self._base + path,
                platform=PLATFORM,
                now=now,
                health=self._health,
                headers=self._headers,
                **kwargs,
            )
        except AuthError as exc:
            if isinstance(exc, AuthExpired) or exc.status != 401:
                raise
            # OAuth 2.0 user tokens last two hours: a 401 means "refresh or reauthorize".
            raise AuthExpired(str(exc), platform=PLATFORM, status=exc.status) from exc
        self._rate = rate_limit_status(response.headers, now)
        return self._json(response)

    def _page(self, body: Any, kind: str) -> tuple[list[Mention | InvalidPayload], dict[str, Any]]:
        """The items of one page in the order X sent them (newest first), and its meta."""
        try:
            items = parse_mentions(body, ref=self._ref)
        except InvalidPayload as exc:
            self._health.observe(exc)
            raise InvalidPayload(
                f"x: unexpected {kind} page ({exc})", raw=raw_text(body), platform=PLATFORM
            ) from exc
        for item in items:
            if isinstance(item, InvalidPayload):
                log.warning(
                    "x: unparseable item kept aside",
                    extra={"event": "invalid_payload", "platform": PLATFORM, "error": str(item)},
                )
        meta = body.get("meta") if isinstance(body, dict) else None
        return items, meta if isinstance(meta, dict) else {}

    async def _fetch_posts(
        self, state: _Stream
    ) -> tuple[list[Mention], list[InvalidPayload], _Stream, bool]:
        params: dict[str, Any] = {
            "max_results": self._page_size,
            "tweet.fields": TWEET_FIELDS,
            "expansions": "author_id",
            "user.fields": USER_FIELDS,
        }
        if state.since:
            params["since_id"] = state.since
        if self._query is not None:
            path = "/2/tweets/search/recent"
            params["query"] = self._query
            if state.token:
                params["next_token"] = state.token
        else:
            path = f"/2/users/{self._ref.account}/mentions"
            if state.token:
                params["pagination_token"] = state.token
        body = await self._call("GET", path, params=params)
        items, meta = self._page(body, "posts")
        mentions = [i for i in items if isinstance(i, Mention)]
        rejected = [i for i in items if isinstance(i, InvalidPayload)]
        ids = [item_id for item in items if (item_id := _item_id(item)) is not None]
        newest = state.newest
        if state.token is None:
            newest = _opt_id(meta.get("newest_id")) or (max(ids, key=_id_order) if ids else None)
        token = _opt_id(meta.get("next_token"))
        mentions.reverse()  # X answers newest first
        rejected.reverse()
        if token is not None and items:
            return mentions, rejected, _Stream(since=state.since, token=token, newest=newest), True
        return mentions, rejected, _Stream(since=newest or state.since), False

    async def _fetch_dms(
        self, state: _Stream
    ) -> tuple[list[Mention], list[InvalidPayload], _Stream, bool]:
        params: dict[str, Any] = {
            "max_results": self._page_size,
            "event_types": "MessageCreate",
            "dm_event.fields": DM_EVENT_FIELDS,
            "expansions": "sender_id",
            "user.fields": USER_FIELDS,
        }
        if state.token:
            params["pagination_token"] = state.token
        body = await self._call("GET", "/2/dm_events", params=params)
        items, meta = self._page(body, "direct message")
        floor = _id_order(state.since) if state.since else None
        fresh: list[Mention] = []
        rejected: list[InvalidPayload] = []
        ids: list[str] = []
        reached = False
        for item in items:  # newest first
            item_id = _item_id(item)
            if item_id is not None:
                ids.append(item_id)
                if floor is not None and _id_order(item_id) <= floor:
                    reached = True
                    continue
            elif reached:
                continue  # no id of its own, but below an event already seen
            if isinstance(item, Mention):
                fresh.append(item)
            else:
                rejected.append(item)
        newest = state.newest
        if state.token is None and ids:
            newest = max(ids, key=_id_order)
        token = _opt_id(meta.get("next_token"))
        fresh.sort(key=lambda m: _id_order(m.native_id))
        rejected.reverse()
        if token is not None and not reached and items:
            return fresh, rejected, _Stream(since=state.since, token=token, newest=newest), True
        return fresh, rejected, _Stream(since=newest or state.since), False

    async def fetch(self, cursor: Cursor | None) -> Page:
        """New mentions (and direct messages) after ``cursor``; see the module docs.

        Raises:
            ChannelError: The mapped failure; the cursor is not advanced.
        """
        posts, dms = _read_cursor(cursor)
        mentions, rejected, posts, more = await self._fetch_posts(posts)
        if self._direct_messages:
            private, bad, dms, more_dms = await self._fetch_dms(dms)
            mentions.extend(private)
            rejected.extend(bad)
            more = more or more_dms
        return Page(
            mentions=mentions,
            next_cursor=_write_cursor(posts, dms),
            has_more=more,
            rejected=rejected,
        )

    # -- sending --

    async def send(self, message: OutboundMessage) -> Delivery:
        """Reply in public (``POST /2/tweets``) or privately (``/2/dm_conversations``).

        X has no idempotency key: the runtime calls :meth:`find_sent` before
        retrying an ambiguous failure.

        Raises:
            MessageRefused: The capabilities forbid the message (before any request).
            ChannelError: The mapped failure (403 for duplicate text or closed DMs).
        """
        check_outbound(message, self._capabilities, channel=self._ref)
        if message.is_public:
            payload: dict[str, Any] = {"text": message.text}
            if message.in_reply_to:
                payload["reply"] = {"in_reply_to_tweet_id": message.in_reply_to}
            body = await self._call("POST", "/2/tweets", json=payload)
            data = body.get("data") if isinstance(body, dict) else None
            native_id = _opt_id(data.get("id")) if isinstance(data, dict) else None
            if native_id is None:
                raise InvalidPayload(
                    "x: POST /2/tweets answer has no data.id",
                    raw=raw_text(body),
                    platform=PLATFORM,
                )
            return Delivery(
                native_id=native_id,
                url=post_url(native_id),
                sent_at=self._clock.now(),
                idempotency_key=message.idempotency_key,
            )
        recipient = str(message.recipient)
        body = await self._call(
            "POST", f"/2/dm_conversations/with/{recipient}/messages", json={"text": message.text}
        )
        data = body.get("data") if isinstance(body, dict) else None
        event_id = _opt_id(data.get("dm_event_id")) if isinstance(data, dict) else None
        if event_id is None:
            raise InvalidPayload(
                "x: direct message answer has no data.dm_event_id",
                raw=raw_text(body),
                platform=PLATFORM,
            )
        return Delivery(
            native_id=event_id,
            sent_at=self._clock.now(),
            idempotency_key=message.idempotency_key,
        )

    async def find_sent(self, message: OutboundMessage) -> Delivery | None:
        """Read back the brand's latest posts (or the conversation) for this message.

        A public reply matches on ``in_reply_to`` and the text; a private one
        on the sender (the brand) and the text. Links are compared as links,
        since X shortens them.
        """
        wanted = _comparable(message.text)
        if message.is_public:
            body = await self._call(
                "GET",
                f"/2/users/{self._ref.account}/tweets",
                params={
                    "max_results": self._read_back,
                    "tweet.fields": "created_at,referenced_tweets,conversation_id",
                    "exclude": "retweets",
                },
            )
            items, _ = self._page(body, "timeline")
            candidates = [i for i in items if isinstance(i, Mention)]
            for mention in candidates:
                if (
                    mention.in_reply_to == message.in_reply_to
                    and _comparable(mention.text) == wanted
                ):
                    return self._found(mention, message)
            return None
        body = await self._call(
            "GET",
            f"/2/dm_conversations/with/{message.recipient}/dm_events",
            params={
                "max_results": self._read_back,
                "event_types": "MessageCreate",
                "dm_event.fields": DM_EVENT_FIELDS,
            },
        )
        items, _ = self._page(body, "conversation")
        candidates = [i for i in items if isinstance(i, Mention)]
        for mention in candidates:
            if (
                mention.author.native_id == self._ref.account
                and _comparable(mention.text) == wanted
            ):
                return self._found(mention, message)
        return None

    def _found(self, mention: Mention, message: OutboundMessage) -> Delivery:
        return Delivery(
            native_id=mention.native_id,
            url=post_url(mention.native_id) if mention.is_public else None,
            sent_at=mention.created_at,
            idempotency_key=message.idempotency_key,
            replayed=True,
        )

    # -- push --

    def crc_response(self, crc_token: str) -> dict[str, str]:
        """Answer X's CRC challenge with this channel's consumer secret."""
        return crc_response(self._consumer_secret, crc_token)

    def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> Sequence[Mention]:
        """Verify and parse an Account Activity delivery.

        Events that are not posts or messages (likes, follows, typing) give no
        mentions. A delivery for another subscribed user is refused.

        Raises:
            InvalidPayload: Bad signature (:class:`~socialcx.channels.BadSignature`),
                a body that is not JSON, or an event that cannot be parsed.
        """
        verify_webhook(self._consumer_secret, body, headers)
        try:
            payload = json.loads(body)
        except ValueError as exc:
            raise InvalidPayload(
                "x: webhook body is not JSON", raw=body, platform=PLATFORM
            ) from exc
        if not isinstance(payload, dict) or not _WEBHOOK_KEYS & payload.keys():
            raise InvalidPayload("x: not an Account Activity delivery", raw=body, platform=PLATFORM)
        for_user = _opt_id(payload.get("for_user_id"))
        if for_user is not None and for_user != self._ref.account:
            raise InvalidPayload(
                f"x: webhook is for user {for_user}, not {self._ref.account}",
                raw=body,
                platform=PLATFORM,
            )
        try:
            parsed = _parse_webhook_body(payload, self._ref)
        except Exception as exc:
            raise InvalidPayload(
                f"x: unreadable webhook ({type(exc).__name__})", raw=body, platform=PLATFORM
            ) from exc
        mentions: list[Mention] = []
        for item in parsed.items:
            if isinstance(item, InvalidPayload):
                raise InvalidPayload(str(item), raw=body, platform=PLATFORM)
            mentions.append(item)
        return mentions
