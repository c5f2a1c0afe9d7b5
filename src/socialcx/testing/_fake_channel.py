"""An in-memory social network behind the :class:`~socialcx.channels.Channel` protocol.

Customers post in public or in private, reply in threads, edit and delete;
the brand replies. Everything lives on the instance and follows a
:class:`FakeClock`. Failures are scripted with :class:`Fault` values and go
through the same HTTP error mapping as the real adapters, so a test of the
runtime sees exactly the errors production will raise.
"""

from __future__ import annotations

import enum
import json
from collections import deque
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from types import TracebackType
from typing import Self

import attrs
import httpx

from socialcx._serialization import from_dict, to_dict
from socialcx.channels import (
    ChannelHealth,
    Cursor,
    Delivery,
    HealthEvent,
    HealthMonitor,
    MessageRefused,
    Page,
    check_outbound,
    json_body,
    mapped_errors,
    raise_for_response,
    sign_hex,
    verify_signature,
)
from socialcx.errors import (
    InvalidPayload,
    PermanentChannelError,
    SerializationError,
    ValidationError,
)
from socialcx.model import (
    Author,
    ChannelCapabilities,
    ChannelRef,
    Mention,
    OutboundMessage,
    Visibility,
)
from socialcx.model import _checks as c
from socialcx.testing._clock import FakeClock

#: The header a :class:`FakeChannel` signs its webhooks in (``sha256=<hex>``).
SIGNATURE_HEADER = "X-Fake-Signature"

#: What a :class:`FakeChannel` can do unless told otherwise: X-like limits with
#: Messenger's 24-hour window and Mastodon's idempotent send.
DEFAULT_CAPABILITIES = ChannelCapabilities(
    public_reply=True,
    private_message=True,
    brand_can_start_private=False,
    private_window=timedelta(hours=24),
    max_length=280,
    private_max_length=1000,
    idempotent_send=True,
    edits=True,
    deletes=True,
)


class FaultKind(enum.Enum):
    """A real-world failure a :class:`FakeChannel` can be told to produce."""

    RATE_LIMITED = "rate_limited"  # 429 with Retry-After
    SERVER_ERROR = "server_error"  # 5xx
    TIMEOUT = "timeout"  # the request times out; nothing happened
    TOKEN_EXPIRED = "token_expired"  # noqa: S105 (a fault name) 401 until renew_token()
    MALFORMED = "malformed"  # a 200 whose body is not JSON
    DUPLICATE = "duplicate"  # fetch: the same post delivered twice
    OUT_OF_ORDER = "out_of_order"  # fetch: the page comes newest first
    LOST_RESPONSE = "lost_response"  # send: the post is made, the answer times out
    WEBHOOK_RESENT = "webhook_resent"  # the next webhook is delivered twice


class FaultTarget(enum.Enum):
    """Which call a :class:`Fault` hits."""

    FETCH = "fetch"
    SEND = "send"
    FIND_SENT = "find_sent"
    WEBHOOK = "webhook"
    ANY = "any"


_ALLOWED: dict[FaultKind, frozenset[FaultTarget]] = {
    FaultKind.RATE_LIMITED: frozenset({FaultTarget.FETCH, FaultTarget.SEND, FaultTarget.FIND_SENT}),
    FaultKind.SERVER_ERROR: frozenset({FaultTarget.FETCH, FaultTarget.SEND, FaultTarget.FIND_SENT}),
    FaultKind.TIMEOUT: frozenset({FaultTarget.FETCH, FaultTarget.SEND, FaultTarget.FIND_SENT}),
    FaultKind.TOKEN_EXPIRED: frozenset(
        {FaultTarget.FETCH, FaultTarget.SEND, FaultTarget.FIND_SENT}
    ),
    FaultKind.MALFORMED: frozenset({FaultTarget.FETCH, FaultTarget.FIND_SENT}),
    FaultKind.DUPLICATE: frozenset({FaultTarget.FETCH}),
    FaultKind.OUT_OF_ORDER: frozenset({FaultTarget.FETCH}),
    FaultKind.LOST_RESPONSE: frozenset({FaultTarget.SEND}),
    FaultKind.WEBHOOK_RESENT: frozenset({FaultTarget.WEBHOOK}),
}

_DEFAULT_OPERATION: dict[FaultKind, FaultTarget] = {
    FaultKind.DUPLICATE: FaultTarget.FETCH,
    FaultKind.OUT_OF_ORDER: FaultTarget.FETCH,
    FaultKind.LOST_RESPONSE: FaultTarget.SEND,
    FaultKind.WEBHOOK_RESENT: FaultTarget.WEBHOOK,
    FaultKind.MALFORMED: FaultTarget.FETCH,
}


def _to_operation(value: FaultTarget | str) -> FaultTarget:
    return c.coerce(FaultTarget, value)


def _to_kind(value: FaultKind | str) -> FaultKind:
    return c.coerce(FaultKind, value)


@attrs.frozen(kw_only=True)
class Fault:
    """One scripted failure, used up by the first call it applies to.

    Args:
        kind: What goes wrong.
        on: Which call it hits; ``"any"`` hits the next call that it can.
        retry_after: Seconds the server asks to wait (``RATE_LIMITED``).
        status: The HTTP status (``SERVER_ERROR``).
    """

    kind: FaultKind = attrs.field(converter=_to_kind, validator=c.member_of(FaultKind))
    on: FaultTarget = attrs.field(
        default=FaultTarget.ANY, converter=_to_operation, validator=c.member_of(FaultTarget)
    )
    retry_after: float = attrs.field(default=30.0)
    status: int = attrs.field(default=503)

    def __attrs_post_init__(self) -> None:
        if self.on is not FaultTarget.ANY and self.on not in _ALLOWED[self.kind]:
            allowed = ", ".join(sorted(op.value for op in _ALLOWED[self.kind]))
            c.fail(self, "on", f"{self.kind.value} cannot hit {self.on.value} (only {allowed})")
        if isinstance(self.retry_after, bool) or not isinstance(self.retry_after, int | float):
            c.fail(self, "retry_after", "expected a number of seconds")
        if self.retry_after < 0:
            c.fail(self, "retry_after", "must not be negative")
        if isinstance(self.status, bool) or not isinstance(self.status, int):
            c.fail(self, "status", "expected an HTTP status code")
        if self.kind is FaultKind.SERVER_ERROR and not 500 <= self.status <= 599:
            c.fail(self, "status", f"a server error is 5xx, got {self.status}")

    def applies_to(self, operation: FaultTarget) -> bool:
        """Whether this fault hits ``operation``."""
        if self.on is FaultTarget.ANY:
            return operation in _ALLOWED[self.kind]
        return self.on is operation

    @classmethod
    def rate_limited(cls, retry_after: float = 30.0, *, on: FaultTarget | str = "any") -> Fault:
        """A 429 asking to wait ``retry_after`` seconds."""
        return cls(kind=FaultKind.RATE_LIMITED, retry_after=retry_after, on=on)

    @classmethod
    def server_error(cls, status: int = 503, *, on: FaultTarget | str = "any") -> Fault:
        """A 5xx answer."""
        return cls(kind=FaultKind.SERVER_ERROR, status=status, on=on)

    @classmethod
    def timeout(cls, *, on: FaultTarget | str = "any") -> Fault:
        """The request times out before the network does anything."""
        return cls(kind=FaultKind.TIMEOUT, on=on)

    @classmethod
    def token_expired(cls, *, on: FaultTarget | str = "any") -> Fault:
        """The access token expires; every call fails until ``renew_token()``."""
        return cls(kind=FaultKind.TOKEN_EXPIRED, on=on)

    @classmethod
    def malformed(cls, *, on: FaultTarget | str = "fetch") -> Fault:
        """A 200 whose body is not JSON."""
        return cls(kind=FaultKind.MALFORMED, on=on)

    @classmethod
    def duplicate(cls) -> Fault:
        """The next page delivers one post twice."""
        return cls(kind=FaultKind.DUPLICATE, on=FaultTarget.FETCH)

    @classmethod
    def out_of_order(cls) -> Fault:
        """The next page comes newest first."""
        return cls(kind=FaultKind.OUT_OF_ORDER, on=FaultTarget.FETCH)

    @classmethod
    def lost_response(cls) -> Fault:
        """The next send goes out, but its answer times out."""
        return cls(kind=FaultKind.LOST_RESPONSE, on=FaultTarget.SEND)

    @classmethod
    def webhook_resent(cls) -> Fault:
        """The next webhook is delivered twice, byte for byte."""
        return cls(kind=FaultKind.WEBHOOK_RESENT, on=FaultTarget.WEBHOOK)


@attrs.frozen(kw_only=True)
class WebhookDelivery:
    """A push delivery as a web framework would hand it over: headers and raw body."""

    headers: Mapping[str, str] = attrs.field(factory=dict)
    body: bytes = attrs.field(default=b"", repr=lambda b: f"<{len(b)} bytes>")


@attrs.frozen
class _Entry:
    seq: int
    mention: Mention


@attrs.frozen
class _Sent:
    key: str
    delivery: Delivery
    post: Mention


def _cursor(seq: int) -> Cursor:
    return json.dumps({"after": seq}, separators=(",", ":"))


def _parse_cursor(cursor: Cursor | None) -> int:
    if cursor is None:
        return 0
    try:
        data = json.loads(cursor)
        seq = data["after"]
    except (ValueError, TypeError, KeyError) as exc:
        raise ValidationError(f"fetch.cursor: {cursor!r} is not a cursor", field="cursor") from exc
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 0:
        raise ValidationError(f"fetch.cursor: {cursor!r} is not a cursor", field="cursor")
    return seq


@attrs.define(eq=False)
class FakeChannel:
    """An in-memory social network for one brand account, with scriptable faults.

    It is a real :class:`~socialcx.channels.WebhookChannel`: it validates
    outbound messages against its capabilities, maps failures through the
    shared HTTP helpers, keeps its cursor honest, and passes the contract
    suite. State lives on the instance, never in module globals.

    Example::

        fake = FakeChannel(clock=clock)
        fake.post("my parcel is lost", author="dana")
        fake.script(Fault.rate_limited(30), Fault.duplicate())
        page = await fake.fetch(None)   # raises RateLimited(retry_after=30)

    Args:
        clock: The time every post and send is stamped with.
        platform: The network name mentions carry.
        account: The brand's account.
        capabilities: What the network allows.
        page_size: Most mentions per fetch.
        echo_brand_posts: The brand's own sends come back through ``fetch``
            (as real listening feeds do), with ``author.is_brand`` set.
        webhook_secret: Signs and verifies webhooks; never shown in ``repr``.
    """

    clock: FakeClock = attrs.field(factory=FakeClock, repr=False)
    platform: str = attrs.field(default="fake")
    account: str = attrs.field(default="brand")
    capabilities: ChannelCapabilities = attrs.field(default=DEFAULT_CAPABILITIES, repr=False)
    page_size: int = attrs.field(default=20, repr=False)
    echo_brand_posts: bool = attrs.field(default=True, repr=False)
    webhook_secret: str = attrs.field(default="fake-webhook-secret", repr=False)

    _ref: ChannelRef = attrs.field(init=False, repr=False)
    _brand: Author = attrs.field(init=False, repr=False)
    _log: list[_Entry] = attrs.field(init=False, factory=list, repr=False)
    _posts: dict[str, Mention] = attrs.field(init=False, factory=dict, repr=False)
    _deleted: set[str] = attrs.field(init=False, factory=set, repr=False)
    _sent: list[_Sent] = attrs.field(init=False, factory=list, repr=False)
    _faults: deque[Fault] = attrs.field(init=False, factory=deque, repr=False)
    _webhooks: list[WebhookDelivery] = attrs.field(init=False, factory=list, repr=False)
    _last_private: dict[str, datetime] = attrs.field(init=False, factory=dict, repr=False)
    _authors: dict[str, Author] = attrs.field(init=False, factory=dict, repr=False)
    _token_expired: bool = attrs.field(init=False, default=False, repr=False)
    _closed: bool = attrs.field(init=False, default=False, repr=False)
    _monitor: HealthMonitor = attrs.field(init=False, factory=HealthMonitor, repr=False)
    _counter: int = attrs.field(init=False, default=0, repr=False)
    requests: int = attrs.field(init=False, default=0)

    def __attrs_post_init__(self) -> None:
        self._ref = ChannelRef(platform=self.platform, account=self.account)
        self._brand = Author(
            platform=self.platform,
            native_id=f"u-{self.account}",
            handle=self.account,
            is_brand=True,
        )
        if isinstance(self.page_size, bool) or not isinstance(self.page_size, int):
            raise ValidationError("FakeChannel.page_size: expected an integer", field="page_size")
        if self.page_size < 1:
            raise ValidationError("FakeChannel.page_size: must be at least 1", field="page_size")
        if not isinstance(self.capabilities, ChannelCapabilities):
            raise ValidationError(
                "FakeChannel.capabilities: expected ChannelCapabilities", field="capabilities"
            )

    # --- the Channel protocol -------------------------------------------------

    @property
    def ref(self) -> ChannelRef:
        """The brand account this fake network serves."""
        return self._ref

    @property
    def health(self) -> ChannelHealth:
        """Healthy, degraded, or waiting for :meth:`renew_token`."""
        return self._monitor.state

    async def fetch(self, cursor: Cursor | None) -> Page:
        """Mentions after ``cursor``, oldest first, at most ``page_size`` of them."""
        after = _parse_cursor(cursor)
        fault = self._network_call(FaultTarget.FETCH)
        visible: list[_Entry] = []
        for index in range(after, len(self._log)):  # seq n lives at index n - 1
            entry = self._log[index]
            if entry.mention.native_id not in self._deleted:
                visible.append(entry)
                if len(visible) > self.page_size:
                    break
        page = visible[: self.page_size]
        mentions = [e.mention for e in page]
        next_seq = page[-1].seq if page else after
        if fault is not None and fault.kind is FaultKind.DUPLICATE:
            earlier = [e.mention for e in self._log if e.seq <= after][-1:]
            mentions = mentions + (mentions[:1] or earlier)
        if fault is not None and fault.kind is FaultKind.OUT_OF_ORDER:
            mentions.reverse()
        return Page(
            mentions=tuple(mentions),
            next_cursor=_cursor(next_seq),
            has_more=len(visible) > len(page),
        )

    async def send(self, message: OutboundMessage) -> Delivery:
        """Post ``message``; a repeated key returns the first delivery when sends are idempotent."""
        check_outbound(message, self.capabilities, channel=self._ref)
        fault = self._network_call(FaultTarget.SEND)
        if self.capabilities.idempotent_send:
            for sent in self._sent:
                if sent.key == message.idempotency_key:
                    return attrs.evolve(sent.delivery, replayed=True)
        self._check_target(message)
        delivery = self._publish(message)
        if fault is not None and fault.kind is FaultKind.LOST_RESPONSE:
            self._fail_transport(httpx.ReadTimeout("response lost"))
        return delivery

    async def find_sent(self, message: OutboundMessage) -> Delivery | None:
        """The earlier delivery of ``message``'s key, if the network holds one."""
        self._network_call(FaultTarget.FIND_SENT)
        for sent in self._sent:
            if sent.key == message.idempotency_key and sent.post.native_id not in self._deleted:
                return attrs.evolve(sent.delivery, replayed=True)
        return None

    def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> Sequence[Mention]:
        """Verify the signature over the raw body and return the mentions it carries."""
        header = next(
            (v for k, v in headers.items() if k.lower() == SIGNATURE_HEADER.lower()), None
        )
        verify_signature(self.webhook_secret, body, header, platform=self.platform)
        try:
            data = json.loads(body)
            items = data["mentions"]
            if not isinstance(items, list):
                raise TypeError("mentions is not a list")
            return [from_dict(Mention, item) for item in items]
        except (ValueError, TypeError, KeyError, SerializationError) as exc:
            raise InvalidPayload(
                f"{self.platform}: webhook body is not a mention delivery ({type(exc).__name__})",
                raw=body,
                platform=self.platform,
            ) from exc

    async def close(self) -> None:
        """Stop serving calls (the network's state stays readable)."""
        self._closed = True

    def reopen(self) -> Self:
        """A new client connects to the same network, as after a process restart."""
        self._closed = False
        return self

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    # --- the customers' side --------------------------------------------------

    def customer(
        self,
        handle: str,
        *,
        followers: int = 0,
        verified: bool = False,
        is_employee: bool = False,
        display_name: str | None = None,
    ) -> Author:
        """Create (or update) the customer account ``handle``."""
        author = Author(
            platform=self.platform,
            native_id=f"u-{handle}",
            handle=handle,
            display_name=display_name,
            followers=followers,
            verified=verified,
            is_employee=is_employee,
        )
        self._authors[handle] = author
        return author

    def post(
        self,
        text: str,
        *,
        author: str | Author = "customer",
        private: bool = False,
        in_reply_to: str | None = None,
        language: str | None = None,
    ) -> Mention:
        """A customer posts (publicly, or privately to the brand) now."""
        who = author if isinstance(author, Author) else self._authors.get(author)
        if who is None:
            who = self.customer(str(author))
        conversation = None
        if in_reply_to is not None:
            parent = self._posts.get(in_reply_to)
            if parent is None:
                raise ValidationError(
                    f"post.in_reply_to: no post {in_reply_to!r} on this network",
                    field="in_reply_to",
                )
            conversation = parent.conversation_id or parent.native_id
        native_id = self._next_id()
        mention = Mention(
            channel=self._ref,
            native_id=native_id,
            author=who,
            text=text,
            created_at=self.clock.now(),
            visibility=Visibility.PRIVATE if private else Visibility.PUBLIC,
            url=None if private else f"https://{self.platform}.example/{who.handle}/{native_id}",
            in_reply_to=in_reply_to,
            conversation_id=conversation or (f"dm-{who.native_id}" if private else native_id),
            language=language,
            raw={"id": native_id, "text": text, "author": who.native_id},
        )
        if private:
            self._last_private[who.native_id] = mention.created_at
        self._record(mention)
        return mention

    def reply(self, parent: str, text: str, *, author: str | Author = "customer") -> Mention:
        """A customer answers the post ``parent`` in its thread, keeping its visibility."""
        original = self._posts.get(parent)
        if original is None:
            raise ValidationError(f"reply.parent: no post {parent!r}", field="parent")
        return self.post(text, author=author, private=not original.is_public, in_reply_to=parent)

    def edit(self, native_id: str, text: str) -> Mention:
        """The author edits a post: it comes back with the same key and a later ``edited_at``."""
        original = self._posts.get(native_id)
        if original is None or native_id in self._deleted:
            raise ValidationError(f"edit.native_id: no post {native_id!r}", field="native_id")
        edited = attrs.evolve(original, text=text, edited_at=self.clock.now())
        self._record(edited)
        return edited

    def delete(self, native_id: str) -> None:
        """The author deletes a post: it is no longer fetched, and replies to it fail."""
        if native_id not in self._posts:
            raise ValidationError(f"delete.native_id: no post {native_id!r}", field="native_id")
        self._deleted.add(native_id)

    # --- test controls --------------------------------------------------------

    def script(self, *faults: Fault) -> None:
        """Queue faults; each is used up by the first call it applies to."""
        for fault in faults:
            if not isinstance(fault, Fault):
                raise ValidationError(
                    f"script.faults: expected Fault, got {type(fault).__name__}", field="faults"
                )
            self._faults.append(fault)

    @property
    def pending_faults(self) -> tuple[Fault, ...]:
        """Scripted faults not used yet."""
        return tuple(self._faults)

    def renew_token(self) -> None:
        """A person reauthorized the account: calls work again."""
        self._token_expired = False
        self._monitor.record(HealthEvent.REAUTHORIZED)

    def take_webhooks(self) -> list[WebhookDelivery]:
        """The push deliveries made since the last call, oldest first."""
        taken, self._webhooks = self._webhooks, []
        return taken

    @property
    def brand_posts(self) -> tuple[Mention, ...]:
        """Everything the brand has posted on this network, in order."""
        return tuple(s.post for s in self._sent)

    @property
    def customer_posts(self) -> tuple[Mention, ...]:
        """Every customer post as it stands now (latest edit), deleted ones left out."""
        return tuple(
            m
            for m in self._posts.values()
            if not m.author.is_brand and m.native_id not in self._deleted
        )

    # --- internals ------------------------------------------------------------

    def _next_id(self) -> str:
        self._counter += 1
        return f"{self._counter:08d}"

    def _record(self, mention: Mention) -> None:
        self._posts[mention.native_id] = mention
        self._log.append(_Entry(seq=len(self._log) + 1, mention=mention))
        if mention.author.is_brand:
            return
        body = json.dumps({"mentions": [to_dict(mention)]}, separators=(",", ":")).encode()
        delivery = WebhookDelivery(
            headers={
                "Content-Type": "application/json",
                SIGNATURE_HEADER: "sha256=" + sign_hex(self.webhook_secret, body),
            },
            body=body,
        )
        self._webhooks.append(delivery)
        if self._take_fault(FaultTarget.WEBHOOK) is not None:
            self._webhooks.append(delivery)

    def _take_fault(self, operation: FaultTarget) -> Fault | None:
        for fault in self._faults:
            if fault.applies_to(operation):
                self._faults.remove(fault)
                return fault
        return None

    def _network_call(self, operation: FaultTarget) -> Fault | None:
        """One round trip: count it, apply a scripted fault, track health."""
        if self._closed:
            raise PermanentChannelError(f"{self.platform}: the channel is closed")
        self.requests += 1
        fault = self._take_fault(operation)
        try:
            if fault is not None and fault.kind is FaultKind.TOKEN_EXPIRED:
                self._token_expired = True
            if self._token_expired:
                self._fail_status(httpx.Response(401, json={"error": "ExpiredToken"}))
            if fault is None:
                pass
            elif fault.kind is FaultKind.RATE_LIMITED:
                headers = {"Retry-After": f"{fault.retry_after:g}"}
                self._fail_status(httpx.Response(429, headers=headers))
            elif fault.kind is FaultKind.SERVER_ERROR:
                self._fail_status(httpx.Response(fault.status, text="upstream unavailable"))
            elif fault.kind is FaultKind.TIMEOUT:
                self._fail_transport(httpx.ConnectTimeout("timed out"))
            elif fault.kind is FaultKind.MALFORMED:
                json_body(
                    httpx.Response(200, content=b"<html>maintenance</html>"), platform=self.platform
                )
        except Exception as exc:
            self._monitor.observe(exc)
            raise
        self._monitor.observe(None)
        return fault

    def _fail_status(self, response: httpx.Response) -> None:
        raise_for_response(response, platform=self.platform, now=self.clock.now())

    def _fail_transport(self, error: httpx.HTTPError) -> None:
        with mapped_errors(self.platform):
            raise error

    def _check_target(self, message: OutboundMessage) -> None:
        if message.is_public:
            target = message.in_reply_to
            if target is None:
                return
            if target not in self._posts or target in self._deleted:
                raise PermanentChannelError(
                    f"{self.platform}: HTTP 404: post {target!r} does not exist",
                    platform=self.platform,
                    status=404,
                )
            return
        recipient = message.recipient or ""
        last = self._last_private.get(recipient)
        if last is None and not self.capabilities.brand_can_start_private:
            raise MessageRefused(
                f"{self.platform}: HTTP 403: the brand cannot start a private conversation",
                field="recipient",
                reason="brand_cannot_start_private",
                platform=self.platform,
                status=403,
            )
        window = self.capabilities.private_window
        if last is not None and window is not None and self.clock.now() - last > window:
            raise MessageRefused(
                f"{self.platform}: HTTP 403: outside the {window} messaging window",
                field="recipient",
                reason="window_closed",
                platform=self.platform,
                status=403,
            )

    def _publish(self, message: OutboundMessage) -> Delivery:
        native_id = self._next_id()
        now = self.clock.now()
        url = f"https://{self.platform}.example/{self.account}/{native_id}"
        post = Mention(
            channel=self._ref,
            native_id=native_id,
            author=self._brand,
            text=message.text,
            created_at=now,
            visibility=message.visibility,
            url=url if message.is_public else None,
            in_reply_to=message.in_reply_to,
            conversation_id=(
                f"dm-{message.recipient}" if not message.is_public else message.in_reply_to
            ),
            raw={"id": native_id, "idempotency_key": message.idempotency_key},
        )
        delivery = Delivery(
            native_id=native_id,
            url=post.url,
            sent_at=now,
            idempotency_key=message.idempotency_key,
        )
        self._sent.append(_Sent(key=message.idempotency_key, delivery=delivery, post=post))
        self._posts[native_id] = post
        if self.echo_brand_posts:
            self._log.append(_Entry(seq=len(self._log) + 1, mention=post))
        return delivery


@attrs.define
class FakeSleep:
    """An async sleep for :class:`~socialcx.channels.RetryPolicy` that never sleeps.

    It records every wait and moves the fake clock forward instead, so retry
    tests run instantly and rate-limit windows still pass.

    Args:
        clock: The clock to advance; ``None`` only records.
    """

    clock: FakeClock | None = None
    waits: list[float] = attrs.field(factory=list)

    async def __call__(self, seconds: float) -> None:
        """Record ``seconds`` and advance the clock by it."""
        self.waits.append(seconds)
        if self.clock is not None:
            self.clock.advance(seconds)

    @property
    def total(self) -> float:
        """All the time that would have been slept."""
        return sum(self.waits)
