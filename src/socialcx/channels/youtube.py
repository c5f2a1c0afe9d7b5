"""YouTube Data API v3: comments on a channel's videos, replies, and the daily quota.

Listening reads ``commentThreads.list`` with ``allThreadsRelatedToChannelId``
and ``order=time``. The API has no ``since`` parameter, so the adapter walks
pages newest first (``pageToken``) until it reaches a comment it has already
seen, keeping the newest ``publishedAt`` and id in the cursor. The first page
is requested with ``If-None-Match`` and the ETag of the previous poll: a 304
means nothing changed, an empty page and the same cursor.

Replies go out through ``comments.insert`` with ``snippet.parentId``. YouTube
has no private messages and no idempotency, so :meth:`YouTubeChannel.find_sent`
reads the replies under the parent (``comments.list?parentId=``) and matches
the brand's channel id and the text.

Every call costs quota units (``list`` 1, ``insert`` 50) from a daily budget
that resets at midnight Pacific time. :class:`YouTubeQuota` keeps the account;
share one between the channels of a Google Cloud project. When the budget is
spent the channel raises :class:`~socialcx.errors.RateLimited` until the reset
without calling, as it does when YouTube itself answers ``quotaExceeded``.
"""

from __future__ import annotations

import html
import json
import logging
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
import httpx

from socialcx._clock import Clock
from socialcx.channels._base import HttpChannelBase, raw_text
from socialcx.channels._http import checked_request, until_pacific_midnight
from socialcx.channels._paging import order_key, sift
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
    "API_BASE",
    "CAPABILITIES",
    "COSTS",
    "PLATFORM",
    "YouTubeChannel",
    "YouTubeQuota",
    "parse_mentions",
]

log = logging.getLogger(__name__)

PLATFORM = "youtube"
API_BASE = "https://www.googleapis.com/youtube/v3"

#: Quota units per call, from YouTube's quota cost table.
COSTS: Mapping[str, int] = {
    "commentThreads.list": 1,
    "comments.list": 1,
    "comments.insert": 50,
    "commentThreads.insert": 50,
    "channels.list": 1,
}

#: The default daily budget of a Google Cloud project.
DEFAULT_DAILY_QUOTA = 10_000

#: Public replies only; YouTube has no private messages.
CAPABILITIES = ChannelCapabilities(
    public_reply=True,
    private_message=False,
    max_length=10_000,
    idempotent_send=False,
    edits=True,
    deletes=True,
)

#: Placeholder author for a comment whose author channel is not given.
UNKNOWN_AUTHOR_ID = "unknown"

_CODES: Mapping[str, type[ChannelError]] = {"authError": AuthExpired, "expired": AuthExpired}
_TAG = re.compile(r"<[^>]+>")


# --- quota --------------------------------------------------------------------------


@attrs.define
class YouTubeQuota:
    """A daily budget of quota units, reset at midnight Pacific time.

    Share one instance between every channel that uses the same Google Cloud
    project, since YouTube counts the quota per project.

    Args:
        daily: Units per day (10,000 unless the project was granted more).
        used: Units already spent today (to resume after a restart).
    """

    daily: int = DEFAULT_DAILY_QUOTA
    used: int = 0
    _resets_at: datetime | None = attrs.field(default=None, alias="resets_at")

    def remaining(self, now: datetime) -> int:
        """Units left today."""
        self._roll(now)
        return max(0, self.daily - self.used)

    def _roll(self, now: datetime) -> None:
        if self._resets_at is None or now >= self._resets_at:
            if self._resets_at is not None:
                self.used = 0
            self._resets_at = now + timedelta(seconds=until_pacific_midnight(now))

    def spend(self, units: int, now: datetime) -> None:
        """Take ``units`` from today's budget.

        Raises:
            RateLimited: Not enough units left; ``retry_after`` runs to midnight
                Pacific, when YouTube resets the quota.
        """
        self._roll(now)
        if self.used + units > self.daily:
            wait = until_pacific_midnight(now)
            raise RateLimited(
                f"youtube: daily quota spent ({self.used} of {self.daily} units, "
                f"{units} needed); retry after {wait:g}s",
                retry_after=wait,
                platform=PLATFORM,
            )
        self.used += units

    def exhaust(self, now: datetime) -> None:
        """YouTube said ``quotaExceeded``: nothing more until the reset."""
        self._roll(now)
        self.used = max(self.used, self.daily)


# --- parsing ------------------------------------------------------------------------


class _Bad(Exception):
    """A post-like item that cannot become a mention; the message names the field."""


def _opt_str(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return 0
    return value


def _time(value: Any, field: str) -> datetime:
    if not isinstance(value, str):
        raise _Bad(f"{field}: missing or not a string")
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise _Bad(f"{field}: not an RFC 3339 timestamp") from exc
    if moment.tzinfo is None:
        raise _Bad(f"{field}: timestamp has no timezone")
    return moment


def comment_url(video_id: str | None, comment_id: str) -> str | None:
    """The web address of a comment (``watch?v=<video>&lc=<comment>``)."""
    return f"https://www.youtube.com/watch?v={video_id}&lc={comment_id}" if video_id else None


def _comment(
    item: Mapping[str, Any],
    ref: ChannelRef,
    *,
    video_id: str | None = None,
    thread_id: str | None = None,
    replies: int = 0,
) -> Mention:
    native_id = _opt_str(item.get("id"))
    if native_id is None:
        raise _Bad("comment.id: missing or not a string")
    snippet = item.get("snippet")
    if not isinstance(snippet, dict):
        raise _Bad("comment.snippet: missing or not an object")
    text = snippet.get("textOriginal")
    if not isinstance(text, str):
        display = snippet.get("textDisplay")
        if not isinstance(display, str):
            raise _Bad("comment.snippet.textOriginal: missing or not a string")
        text = html.unescape(_TAG.sub("", display.replace("<br>", "\n")))
    channel = snippet.get("authorChannelId")
    author_id = _opt_str(channel.get("value")) if isinstance(channel, dict) else None
    name = _opt_str(snippet.get("authorDisplayName"))
    if author_id is None:
        author = Author(platform=PLATFORM, native_id=UNKNOWN_AUTHOR_ID, handle=name or "unknown")
    else:
        author = Author(
            platform=PLATFORM,
            native_id=author_id,
            handle=(name or author_id).lstrip("@") or author_id,
            display_name=name,
            is_brand=author_id == ref.account,
        )
    created = _time(snippet.get("publishedAt"), "comment.snippet.publishedAt")
    updated_raw = snippet.get("updatedAt")
    edited = None
    if isinstance(updated_raw, str):
        updated = _time(updated_raw, "comment.snippet.updatedAt")
        edited = updated if updated > created else None
    video = video_id or _opt_str(snippet.get("videoId"))
    parent = _opt_str(snippet.get("parentId"))
    return Mention(
        channel=ref,
        native_id=native_id,
        author=author,
        text=text,
        created_at=created,
        visibility=Visibility.PUBLIC,
        url=comment_url(video, native_id),
        in_reply_to=parent or video,
        conversation_id=thread_id or parent or native_id,
        metrics=Engagement(likes=_count(snippet.get("likeCount")), replies=replies),
        edited_at=edited,
        raw=dict(item),
    )


@attrs.define
class _Parsed:
    items: list[Mention | InvalidPayload] = attrs.field(factory=list)
    skipped: list[str] = attrs.field(factory=list)


def _attempt(parsed: _Parsed, item: Any, kind: str, make: Any) -> None:
    if not isinstance(item, dict):
        parsed.items.append(
            InvalidPayload(
                f"youtube: {kind} is not an object", raw=raw_text(item), platform=PLATFORM
            )
        )
        return
    try:
        parsed.items.append(make(item))
    except (_Bad, SocialCXError, ValueError, TypeError, KeyError, OverflowError) as exc:
        parsed.items.append(
            InvalidPayload(f"youtube: {kind}: {exc}", raw=raw_text(item), platform=PLATFORM)
        )


def _thread(parsed: _Parsed, item: Mapping[str, Any], ref: ChannelRef) -> None:
    snippet = item.get("snippet")
    if not isinstance(snippet, dict):
        parsed.items.append(
            InvalidPayload(
                "youtube: commentThread.snippet: missing or not an object",
                raw=raw_text(item),
                platform=PLATFORM,
            )
        )
        return
    thread_id = _opt_str(item.get("id"))
    video = _opt_str(snippet.get("videoId"))
    top = snippet.get("topLevelComment")
    replies = _count(snippet.get("totalReplyCount"))
    _attempt(
        parsed,
        top,
        "commentThread.snippet.topLevelComment",
        lambda c: _comment(c, ref, video_id=video, thread_id=thread_id, replies=replies),
    )
    nested = item.get("replies")
    comments = nested.get("comments") if isinstance(nested, dict) else None
    for reply in comments if isinstance(comments, list) else []:
        _attempt(
            parsed,
            reply,
            "commentThread.replies.comment",
            lambda c: _comment(c, ref, video_id=video, thread_id=thread_id),
        )


def _one(parsed: _Parsed, item: Any, ref: ChannelRef) -> None:
    kind = item.get("kind") if isinstance(item, dict) else None
    if kind == "youtube#commentThread" or (
        isinstance(item, dict)
        and isinstance(item.get("snippet"), dict)
        and "topLevelComment" in item["snippet"]
    ):
        _thread(parsed, item, ref)
    elif kind in (None, "youtube#comment"):
        _attempt(parsed, item, "comment", lambda c: _comment(c, ref))
    else:
        parsed.skipped.append(f"{kind!s} item")


def _parse(payload: Any, ref: ChannelRef) -> _Parsed:
    if not isinstance(payload, dict):
        raise InvalidPayload(
            f"not a post: a JSON {type(payload).__name__}, not a YouTube resource",
            raw=raw_text(payload),
            platform=PLATFORM,
        )
    if "error" in payload:
        raise InvalidPayload("not a post: error object", raw=raw_text(payload), platform=PLATFORM)
    kind = payload.get("kind")
    parsed = _Parsed()
    if kind in ("youtube#commentThreadListResponse", "youtube#commentListResponse") or (
        kind is None and "items" in payload
    ):
        items = payload.get("items", [])
        if not isinstance(items, list):
            raise InvalidPayload(
                "not a post: items is not a list", raw=raw_text(payload), platform=PLATFORM
            )
        for item in items:
            _one(parsed, item, ref)
        return parsed
    if kind in ("youtube#commentThread", "youtube#comment") or (
        kind is None and isinstance(payload.get("snippet"), dict)
    ):
        _one(parsed, payload, ref)
        return parsed
    if isinstance(kind, str):
        raise InvalidPayload(
            f"not a post: {kind} resource", raw=raw_text(payload), platform=PLATFORM
        )
    raise InvalidPayload(
        "not a post: unknown object (no kind, items or snippet)",
        raw=raw_text(payload),
        platform=PLATFORM,
    )


def parse_mentions(payload: Any, *, ref: ChannelRef) -> list[Mention | InvalidPayload]:
    """Parse a decoded YouTube Data API body into mentions.

    Understands ``commentThreads.list`` and ``comments.list`` answers, single
    threads and comments (``comments.insert`` answers). A thread gives its
    top-level comment and the replies it embeds.

    Args:
        payload: The decoded JSON body.
        ref: The channel (its ``account`` is the brand's channel id).

    Returns:
        One entry per comment: a mention, or an ``InvalidPayload`` naming the
        field that failed (``raw`` holds the item as JSON).

    Raises:
        InvalidPayload: The body holds no comments (an error, a channel or
            video resource); the message says which.
    """
    try:
        parsed = _parse(payload, ref)
    except InvalidPayload:
        raise
    except Exception as exc:  # a parser of untrusted input must fail in one way only
        raise InvalidPayload(
            f"youtube: unreadable body ({type(exc).__name__})",
            raw=raw_text(payload),
            platform=PLATFORM,
        ) from exc
    if not parsed.items and parsed.skipped:
        raise InvalidPayload(
            f"not a post: {', '.join(sorted(set(parsed.skipped)))}",
            raw=raw_text(payload),
            platform=PLATFORM,
        )
    return parsed.items


# --- cursor -------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class _Walk:
    """``since``: newest comment seen; ``token``: a walk in progress; ``etag``: of page one."""

    since: str | None = None
    token: str | None = None
    newest: str | None = None
    etag: str | None = None

    def to_cursor(self) -> Cursor:
        return json.dumps({"v": 1, **attrs.asdict(self)}, sort_keys=True)

    @classmethod
    def from_cursor(cls, cursor: Cursor | None) -> _Walk:
        if cursor is None:
            return cls()
        try:
            data = json.loads(cursor)
        except ValueError:
            data = None
        if not isinstance(data, dict) or data.get("v") != 1:
            raise PermanentChannelError(
                "youtube: the cursor was not written by this channel", platform=PLATFORM
            )
        return cls(
            since=_opt_str(data.get("since")),
            token=_opt_str(data.get("token")),
            newest=_opt_str(data.get("newest")),
            etag=_opt_str(data.get("etag")),
        )


def _raw_order(error: InvalidPayload) -> str | None:
    """The sort key of a rejected comment (or thread), when its raw JSON still shows it."""
    try:
        item = json.loads(error.raw)
    except (TypeError, ValueError, RecursionError):
        return None
    if not isinstance(item, dict):
        return None
    snippet = item.get("snippet")
    top = snippet.get("topLevelComment") if isinstance(snippet, dict) else None
    if isinstance(top, dict):  # a thread: its place is its top-level comment's
        item, snippet = top, top.get("snippet")
    native_id = _opt_str(item.get("id"))
    if native_id is None or not isinstance(snippet, dict):
        return None
    try:
        moment = _time(snippet.get("publishedAt"), "publishedAt")
    except _Bad:
        return None
    return f"{moment.astimezone(UTC).isoformat()}|{native_id}"


def _comparable(text: str) -> str:
    return " ".join(text.split())


# --- the channel --------------------------------------------------------------------


class YouTubeChannel(HttpChannelBase):
    """Comments on one YouTube channel's videos, answered in public.

    Args:
        account: The brand's channel id (``UC...``).
        access_token: An OAuth 2.0 token with ``youtube.force-ssl`` acting as
            the channel; needed to reply (and to read held comments).
        api_key: An API key, enough for reading public comments (sent as the
            ``X-Goog-Api-Key`` header, never in the URL).
        client: The HTTP client; tests pass one on ``httpx.MockTransport``.
        base_url: The API root.
        clock: Where "now" comes from (the quota resets at midnight Pacific).
        quota: The daily budget; share one :class:`YouTubeQuota` per project.
        daily_quota: The budget when ``quota`` is not given.
        search_terms: Only comments containing these terms (``searchTerms``).
        page_size: ``maxResults`` per request (1 to 100).

    Capabilities: public replies only. ``fetch(None)`` walks every thread
    YouTube returns, newest first; later fetches stop at the newest comment
    already seen.
    """

    def __init__(
        self,
        *,
        account: str,
        access_token: str | None = None,
        api_key: str | None = None,
        client: httpx.AsyncClient | None = None,
        base_url: str = API_BASE,
        clock: Clock | None = None,
        quota: YouTubeQuota | None = None,
        daily_quota: int = DEFAULT_DAILY_QUOTA,
        search_terms: str | None = None,
        page_size: int = 100,
    ) -> None:
        if not account or not account.strip():
            raise PermanentChannelError("youtube: account (the channel id) is required")
        if not access_token and not api_key:
            raise PermanentChannelError(
                "youtube: an access token or an API key is required", platform=PLATFORM
            )
        super().__init__(
            ref=ChannelRef(platform=PLATFORM, account=account.strip()), client=client, clock=clock
        )
        self._base = base_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {access_token}"} if access_token else {}
        self._key = api_key
        self._oauth = bool(access_token)
        self.quota = quota if quota is not None else YouTubeQuota(daily=daily_quota)
        self._terms = search_terms
        self._page_size = max(1, min(100, page_size))
        self._capabilities = CAPABILITIES

    # -- requests --

    async def _call(
        self, method: str, path: str, operation: str, **kwargs: Any
    ) -> tuple[Any, httpx.Response]:
        now = self._clock.now()
        try:
            self.quota.spend(COSTS[operation], now)
        except RateLimited as exc:
            self._health.observe(exc)
            raise
        params = dict(kwargs.pop("params", {}))
        headers = {**self._headers, **kwargs.pop("headers", {})}
        if self._key and not self._oauth:
            # A header, not ?key=: URLs end up in HTTP client logs.
            headers["X-Goog-Api-Key"] = self._key
        try:
            response = await checked_request(
                self._client,
                method,
                self._base + path,
                platform=PLATFORM,
                now=now,
                health=self._health,
                codes=_CODES,
                params=params,
                headers=headers,
                **kwargs,
            )
        except RateLimited as exc:
            if exc.retry_after >= until_pacific_midnight(now) - 1:
                self.quota.exhaust(now)  # quotaExceeded: nothing more today
            raise
        except AuthError as exc:
            if isinstance(exc, AuthExpired) or exc.status != 401 or not self._oauth:
                raise
            # Google access tokens last an hour: a 401 means "refresh or reauthorize".
            raise AuthExpired(str(exc), platform=PLATFORM, status=exc.status) from exc
        if response.status_code == 304:
            return None, response
        return self._json(response), response

    def _entries(self, body: Any, what: str) -> list[Mention | InvalidPayload]:
        """Every comment of an answer in the order YouTube sent it: a mention or the failure."""
        try:
            items = parse_mentions(body, ref=self._ref)
        except InvalidPayload as exc:
            self._health.observe(exc)
            raise InvalidPayload(
                f"youtube: unexpected {what} answer ({exc})", raw=raw_text(body), platform=PLATFORM
            ) from exc
        for item in items:
            if isinstance(item, InvalidPayload):
                log.warning(
                    "youtube: unparseable comment kept aside",
                    extra={"event": "invalid_payload", "platform": PLATFORM, "error": str(item)},
                )
        return items

    def _mentions(self, body: Any, what: str) -> list[Mention]:
        """The readable comments of an answer read back to look for a send (not listening)."""
        return [e for e in self._entries(body, what) if isinstance(e, Mention)]

    # -- listening --

    async def fetch(self, cursor: Cursor | None) -> Page:
        """Comments newer than ``cursor``, one page of ``commentThreads.list`` per call.

        Raises:
            RateLimited: The daily quota is spent (until midnight Pacific) or
                YouTube throttled the call.
            ChannelError: Any other mapped failure.
        """
        state = _Walk.from_cursor(cursor)
        params: dict[str, Any] = {
            "part": "snippet,replies",
            "allThreadsRelatedToChannelId": self._ref.account,
            "order": "time",
            "maxResults": self._page_size,
            "textFormat": "plainText",
        }
        if self._terms:
            params["searchTerms"] = self._terms
        headers: dict[str, str] = {}
        if state.token:
            params["pageToken"] = state.token
        elif state.etag:
            headers["If-None-Match"] = state.etag
        body, response = await self._call(
            "GET", "/commentThreads", "commentThreads.list", params=params, headers=headers
        )
        if body is None:  # 304 Not Modified: nothing new since the last poll
            return Page(mentions=[], next_cursor=state.to_cursor(), has_more=False)
        entries = self._entries(body, "commentThreads.list")
        fresh, rejected, known, _ = sift(entries, state.since, raw_order=_raw_order)
        tops = [m for m in entries if isinstance(m, Mention) and m.conversation_id == m.native_id]
        reached = any(state.since is not None and order_key(m) <= state.since for m in tops)
        newest, etag = state.newest, state.etag
        if state.token is None:
            if known:
                newest = max(known)
            etag = _opt_str(response.headers.get("etag")) or (
                _opt_str(body.get("etag")) if isinstance(body, dict) else None
            )
        token = _opt_str(body.get("nextPageToken")) if isinstance(body, dict) else None
        fresh.sort(key=order_key)
        rejected.reverse()  # oldest first, like the mentions
        if token is not None and not reached and entries:
            walk = _Walk(since=state.since, token=token, newest=newest, etag=etag)
            return Page(
                mentions=fresh, next_cursor=walk.to_cursor(), has_more=True, rejected=rejected
            )
        done = _Walk(since=newest or state.since, etag=etag)
        return Page(mentions=fresh, next_cursor=done.to_cursor(), has_more=False, rejected=rejected)

    # -- sending --

    @staticmethod
    def _parent(in_reply_to: str | None) -> str:
        # A reply's id is "<top-level id>.<reply id>"; YouTube threads one level deep.
        return str(in_reply_to).split(".", 1)[0]

    async def send(self, message: OutboundMessage) -> Delivery:
        """Reply under a comment with ``comments.insert`` (50 quota units).

        Raises:
            MessageRefused: Private, too long, or for another channel (no request made).
            RateLimited: The quota cannot pay for the insert.
            ChannelError: The mapped failure (``commentsDisabled`` is permanent).
        """
        check_outbound(message, CAPABILITIES, channel=self._ref)
        if not self._oauth:
            raise PermanentChannelError(
                "youtube: replying needs an OAuth access token, not an API key", platform=PLATFORM
            )
        parent = self._parent(message.in_reply_to)
        payload = {"snippet": {"parentId": parent, "textOriginal": message.text}}
        body, _ = await self._call(
            "POST", "/comments", "comments.insert", params={"part": "snippet"}, json=payload
        )
        created = self._mentions(body, "comments.insert")
        if not created:
            raise InvalidPayload(
                "youtube: comments.insert answer has no comment",
                raw=raw_text(body),
                platform=PLATFORM,
            )
        mention = created[0]
        return Delivery(
            native_id=mention.native_id,
            url=mention.url,
            sent_at=mention.created_at,
            idempotency_key=message.idempotency_key,
        )

    async def find_sent(self, message: OutboundMessage) -> Delivery | None:
        """Look for the brand's reply with this text under the parent (1 quota unit)."""
        if not message.is_public:
            return None
        body, _ = await self._call(
            "GET",
            "/comments",
            "comments.list",
            params={
                "part": "snippet",
                "parentId": self._parent(message.in_reply_to),
                "maxResults": 100,
                "textFormat": "plainText",
            },
        )
        wanted = _comparable(message.text)
        for mention in self._mentions(body, "comments.list"):
            if mention.author.is_brand and _comparable(mention.text) == wanted:
                return Delivery(
                    native_id=mention.native_id,
                    url=mention.url,
                    sent_at=mention.created_at,
                    idempotency_key=message.idempotency_key,
                    replayed=True,
                )
        return None
