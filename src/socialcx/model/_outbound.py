"""Outbound messages: replies the brand sends, and their lifecycle.

Every outbound message says explicitly where it goes (public or private): there
is no default, because a private detail sent in public is the worst bug in this
field.
"""

from __future__ import annotations

import enum
import hashlib
from datetime import datetime

import attrs

from socialcx.errors import InvalidTransition
from socialcx.model import _checks as c
from socialcx.model._mention import ChannelRef, Visibility, to_visibility


class MessageState(enum.Enum):
    """Where a reply is on its way out."""

    DRAFT = "draft"
    PENDING_APPROVAL = "pending_approval"
    APPROVED = "approved"
    REJECTED = "rejected"
    SENT = "sent"
    FAILED = "failed"


def to_message_state(value: MessageState | str) -> MessageState:
    """Accept the enum or its value; a bad value is reported by the field's validator."""
    return c.coerce(MessageState, value)


#: The one table of message transitions: (state, event) -> next state.
MESSAGE_TRANSITIONS: dict[tuple[MessageState, str], MessageState] = {
    (MessageState.DRAFT, "submit"): MessageState.PENDING_APPROVAL,
    (MessageState.DRAFT, "approve"): MessageState.APPROVED,
    (MessageState.DRAFT, "edit"): MessageState.DRAFT,
    (MessageState.PENDING_APPROVAL, "approve"): MessageState.APPROVED,
    (MessageState.PENDING_APPROVAL, "reject"): MessageState.REJECTED,
    (MessageState.REJECTED, "edit"): MessageState.DRAFT,
    (MessageState.APPROVED, "send"): MessageState.SENT,
    (MessageState.APPROVED, "fail"): MessageState.FAILED,
    (MessageState.FAILED, "retry"): MessageState.APPROVED,
}


def idempotency_key(
    *, case_id: str, channel: ChannelRef, in_reply_to: str | None, text: str, visibility: Visibility
) -> str:
    """A deterministic key, so a retry after a crash is recognised as the same send."""
    parts = (case_id, str(channel), in_reply_to or "", visibility.value, text)
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]


@attrs.frozen(kw_only=True)
class OutboundMessage:
    """A reply on its way from an agent to a customer.

    Args:
        id: Stable id of the message.
        case_id: The case it answers.
        channel: The brand account it goes out from.
        visibility: ``PUBLIC`` or ``PRIVATE``; required.
        text: What it says.
        in_reply_to: Native id of the post it answers (public replies).
        recipient: Native id of the customer's account (private messages).
        idempotency_key: The same key means the same send; derived from the
            content when not given.
        agent: Who wrote it.
        state: Draft, pending approval, approved, rejected, sent or failed.
        created_at: When it was drafted.
        sent_at: When the network accepted it.
        native_id: The network's id for it, once sent.
        url: A link to it, once sent.
        error: Why it failed, when it did.
    """

    id: str = attrs.field(validator=c.non_empty_str)
    case_id: str = attrs.field(validator=c.non_empty_str)
    channel: ChannelRef = attrs.field(validator=c.instance_of(ChannelRef))
    visibility: Visibility = attrs.field(converter=to_visibility, validator=c.member_of(Visibility))
    text: str = attrs.field(validator=c.text)
    created_at: datetime = attrs.field(validator=c.aware_datetime)
    in_reply_to: str | None = attrs.field(default=None, validator=c.optional_non_empty_str)
    recipient: str | None = attrs.field(default=None, validator=c.optional_non_empty_str)
    idempotency_key: str = attrs.field(default="", validator=c.text)
    agent: str | None = attrs.field(default=None, validator=c.optional_non_empty_str)
    state: MessageState = attrs.field(
        default=MessageState.DRAFT, converter=to_message_state, validator=c.member_of(MessageState)
    )
    sent_at: datetime | None = attrs.field(default=None, validator=c.optional_aware_datetime)
    native_id: str | None = attrs.field(default=None, validator=c.optional_non_empty_str)
    url: str | None = attrs.field(default=None, validator=c.optional_non_empty_str)
    error: str | None = attrs.field(default=None)

    def __attrs_post_init__(self) -> None:
        if not self.idempotency_key:
            key = idempotency_key(
                case_id=self.case_id,
                channel=self.channel,
                in_reply_to=self.in_reply_to,
                text=self.text,
                visibility=self.visibility,
            )
            object.__setattr__(self, "idempotency_key", key)
        if self.in_reply_to is None and self.recipient is None:
            c.fail(self, "in_reply_to", "a message needs in_reply_to or a recipient")
        if self.state is MessageState.SENT and self.sent_at is None:
            c.fail(self, "sent_at", "a sent message records when it was sent")

    @property
    def is_public(self) -> bool:
        """Whether everyone will see it."""
        return self.visibility is Visibility.PUBLIC

    def _move(self, event: str) -> MessageState:
        try:
            return MESSAGE_TRANSITIONS[(self.state, event)]
        except KeyError:
            raise InvalidTransition(
                f"a message in state {self.state.value!r} cannot take event {event!r}",
                state=self.state.value,
                event=event,
            ) from None

    def submit(self) -> OutboundMessage:
        """Ask for approval."""
        return attrs.evolve(self, state=self._move("submit"))

    def approve(self) -> OutboundMessage:
        """Clear the message to go out."""
        return attrs.evolve(self, state=self._move("approve"))

    def reject(self) -> OutboundMessage:
        """Refuse the message; it can be edited and submitted again."""
        return attrs.evolve(self, state=self._move("reject"))

    def edit(self, text: str) -> OutboundMessage:
        """Change the text of a draft or rejected message (the key follows the text)."""
        return attrs.evolve(self, state=self._move("edit"), text=text, idempotency_key="")

    def mark_sent(
        self, *, at: datetime, native_id: str | None = None, url: str | None = None
    ) -> OutboundMessage:
        """The network accepted it."""
        return attrs.evolve(
            self, state=self._move("send"), sent_at=at, native_id=native_id, url=url, error=None
        )

    def mark_failed(self, error: str) -> OutboundMessage:
        """The send failed; ``retry`` puts it back in the approved queue."""
        return attrs.evolve(self, state=self._move("fail"), error=error)

    def retry(self) -> OutboundMessage:
        """Try a failed message again."""
        return attrs.evolve(self, state=self._move("retry"))
