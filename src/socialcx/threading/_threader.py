"""Which case a mention belongs to: reply chains, conversations, the same customer, identity.

Sans-I/O and bounded: the threader keeps three indexes (posts, conversations,
customers), each capped and evicted oldest-first, and never reads a clock. The
caller (the desk) asks :meth:`Threader.place`, applies the decision to its cases,
and tells the threader with :meth:`Threader.record` which case the mention went
to, so the indexes stay current and can be rebuilt from stored cases.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Generic, TypeVar

import attrs

from socialcx.errors import ValidationError
from socialcx.model import Author, Mention, Policy

K = TypeVar("K")
V = TypeVar("V")

#: Maps an author to the host application's customer id (CRM), or ``None`` if unknown.
IdentityMap = Callable[[Author], str | None]


@attrs.frozen(kw_only=True)
class JoinCase:
    """The mention belongs to an existing case.

    Args:
        case_id: The case to attach it to.
        reason: ``"reply_chain"``, ``"conversation"`` or ``"same_customer"``.
    """

    case_id: str
    reason: str


@attrs.frozen(kw_only=True)
class OpenCase:
    """The mention starts a new case for ``customer``."""

    customer: str
    reason: str = "new_conversation"


@attrs.frozen(kw_only=True)
class Ignore:
    """The mention opens no case.

    Args:
        reason: ``"brand_post"`` (the brand's own post or its echo) or
            ``"employee_advocacy"`` (an employee on a personal account, when the
            policy does not funnel employees).
        case_id: For a brand reply inside a thread, the case it belongs to.
    """

    reason: str
    case_id: str | None = None


ThreadDecision = JoinCase | OpenCase | Ignore


@attrs.define
class _Bounded(Generic[K, V]):
    """A dict that forgets its oldest entries beyond ``limit``."""

    limit: int
    data: OrderedDict[K, V] = attrs.field(factory=OrderedDict)

    def get(self, key: K) -> V | None:
        return self.data.get(key)

    def put(self, key: K, value: V) -> None:
        self.data[key] = value
        self.data.move_to_end(key)
        while len(self.data) > self.limit:
            self.data.popitem(last=False)

    def __len__(self) -> int:
        return len(self.data)


def _identity_from(identity: IdentityMap | Mapping[tuple[str, str], str] | None) -> IdentityMap:
    if identity is None:
        return lambda author: None
    if callable(identity):
        return identity
    links = dict(identity)
    return lambda author: links.get((author.platform, author.native_id))


@attrs.define
class Threader:
    """Decides which case each mention joins.

    In order: the brand's own posts open nothing (but a brand reply is indexed
    under its thread's case, so the customer's answer to it joins that case);
    employees' personal conversations open nothing unless the policy funnels
    them; a reply joins the case of the post it answers; a mention in a known
    conversation joins that conversation's case; the same customer within
    ``window`` joins their open case, so one customer's public post and private
    messages share a case; anything else opens a case. Identity links make one
    customer one customer across networks.

    Args:
        policy: Brand accounts, employee accounts and whether employees are funnelled.
        identity: The host application's identity map: a callable from an
            author to a customer id, or a mapping from (platform, native id).
        window: How long a customer's later messages join their case.
        limit: Most entries per index; the oldest are forgotten first.
    """

    policy: Policy = attrs.field(factory=Policy)
    identity: IdentityMap | Mapping[tuple[str, str], str] | None = None
    window: timedelta = timedelta(hours=24)
    limit: int = 200_000
    _who: IdentityMap = attrs.field(init=False)
    _posts: _Bounded[tuple[str, str], str] = attrs.field(init=False)
    _conversations: _Bounded[tuple[str, str], str] = attrs.field(init=False)
    _customers: _Bounded[str, tuple[str, datetime]] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        if self.limit < 1:
            raise ValidationError("Threader.limit: must be at least 1", field="limit")
        self._who = _identity_from(self.identity)
        self._posts = _Bounded(self.limit)
        self._conversations = _Bounded(self.limit)
        self._customers = _Bounded(self.limit)

    def customer_of(self, author: Author) -> str:
        """The customer key: the host's id when the identity map knows the author."""
        return self._who(author) or f"{author.platform}:{author.native_id}"

    def place(self, mention: Mention, *, now: datetime) -> ThreadDecision:
        """Decide where ``mention`` goes (the indexes change only for brand replies)."""
        author = mention.author
        parent = self._parent_case(mention)
        if author.is_brand or self.policy.is_brand(author):
            if parent is not None:
                self._posts.put((mention.platform, mention.native_id), parent)
            return Ignore(reason="brand_post", case_id=parent)
        if not self.policy.funnel_employees and self.policy.is_employee(author):
            return Ignore(reason="employee_advocacy")
        if parent is not None:
            return JoinCase(case_id=parent, reason="reply_chain")
        if mention.conversation_id is not None:
            case_id = self._conversations.get((mention.platform, mention.conversation_id))
            if case_id is not None:
                return JoinCase(case_id=case_id, reason="conversation")
        customer = self.customer_of(author)
        recent = self._customers.get(customer)
        if recent is not None and mention.created_at - recent[1] <= self.window:
            return JoinCase(case_id=recent[0], reason="same_customer")
        return OpenCase(customer=customer)

    def record(self, mention: Mention, case_id: str, *, customer: str | None = None) -> None:
        """Note that ``mention`` went to ``case_id`` (opened or joined).

        Args:
            customer: The case's customer key, when the caller has it (saves
                working it out again, and keeps one copy of the string).
        """
        self._posts.put((mention.platform, mention.native_id), case_id)
        if mention.conversation_id is not None:
            self._conversations.put((mention.platform, mention.conversation_id), case_id)
        if not (mention.author.is_brand or self.policy.is_brand(mention.author)):
            key = customer or self.customer_of(mention.author)
            self._customers.put(key, (case_id, mention.created_at))

    def record_reply(self, platform: str, native_id: str, case_id: str) -> None:
        """Note the brand's sent reply, so the customer's answer to it joins the case."""
        self._posts.put((platform, native_id), case_id)

    def forget_customer(self, customer: str) -> None:
        """Stop joining ``customer``'s new messages to their last case (it was closed)."""
        self._customers.data.pop(customer, None)

    @property
    def size(self) -> int:
        """Entries held across all indexes (bounded by three times ``limit``)."""
        return len(self._posts) + len(self._conversations) + len(self._customers)

    def _parent_case(self, mention: Mention) -> str | None:
        if mention.in_reply_to is None:
            return None
        return self._posts.get((mention.platform, mention.in_reply_to))
