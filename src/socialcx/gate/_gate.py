"""The reply gate: every draft is checked against policy, case and channel before it goes out.

The gate is sans-I/O and total: it takes a :class:`~socialcx.gate.Draft` and
returns a verdict for any text whatsoever, never an exception.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

import attrs

from socialcx.gate._draft import CaseContext, Draft
from socialcx.gate._knowledge import KnowledgeBase
from socialcx.gate._platforms import capabilities_for
from socialcx.gate._text import (
    find_conditional_help,
    find_placeholder,
    find_retraction_demands,
    is_published_contact,
)
from socialcx.gate._verdict import Reason, ReasonCode, Verdict, verdict_from
from socialcx.model import Agent, ChannelCapabilities, Policy, Visibility
from socialcx.model import _checks as c
from socialcx.pii import PrivateDataKind, find_private_data

R = ReasonCode

_PRIVATE_NAMES = {
    PrivateDataKind.EMAIL: "an e-mail address",
    PrivateDataKind.PHONE: "a phone number",
    PrivateDataKind.CARD: "a card number",
    PrivateDataKind.REFERENCE: "a booking, order or account reference",
    PrivateDataKind.ADDRESS: "a postal address",
}


@attrs.frozen(kw_only=True)
class ReplyGate:
    """Checks drafts against the policy, the approved answers and the channel.

    Args:
        policy: Who may reply in public and what needs approval
            (:class:`~socialcx.model.ReplyRules`).
        knowledge: The approved answers every channel gives.
        brand_contacts: The brand's own published phone numbers and e-mail
            addresses, which a public reply may quote.
    """

    policy: Policy = attrs.field(factory=Policy, validator=c.instance_of(Policy))
    knowledge: KnowledgeBase = attrs.field(
        factory=KnowledgeBase, validator=c.instance_of(KnowledgeBase)
    )
    brand_contacts: frozenset[str] = attrs.field(
        factory=frozenset, converter=c.to_frozenset, validator=c.names
    )

    def check(self, draft: Draft) -> Verdict:
        """The verdict on ``draft``: allowed, needs approval (by whom, why) or refused."""
        return verdict_from(self.reasons(draft), role=self.policy.replies.approver_role)

    def reasons(self, draft: Draft) -> tuple[Reason, ...]:
        """Every finding about ``draft``, ordered by where it is in the text."""
        found: list[Reason] = []
        text = draft.text
        if not text.strip():
            found.append(
                Reason(
                    code=R.EMPTY_REPLY,
                    message="the reply is empty; write what you want the customer to read",
                )
            )
        else:
            found.extend(self._wording(draft))
        found.extend(self._channel(draft))
        found.extend(self._approval(draft))
        return tuple(sorted(found, key=lambda r: (r.span is None, r.span or (0, 0), r.code.value)))

    # checks ------------------------------------------------------------------------------

    def _wording(self, draft: Draft) -> Iterable[Reason]:
        text = draft.text
        if draft.is_public:
            for finding in find_private_data(text):
                if is_published_contact(
                    text,
                    finding.start,
                    finding.end,
                    kind=finding.kind.value,
                    brand_contacts=self.brand_contacts,
                ):
                    continue
                where = (
                    "move the conversation to a private message and ask for it there"
                    if draft.capabilities.private_message
                    else "take it out and continue by e-mail or phone"
                )
                yield Reason(
                    code=R.PRIVATE_DATA,
                    message=f"a public reply contains {_PRIVATE_NAMES[finding.kind]}; {where}",
                    span=finding.span,
                )
        for start, end in find_retraction_demands(text):
            yield Reason(
                code=R.RETRACTION_DEMAND,
                message=(
                    "never ask a customer to delete or change their post or review; "
                    "solve the problem and let them decide"
                ),
                span=(start, end),
            )
        for start, end in find_conditional_help(text):
            yield Reason(
                code=R.CONDITIONAL_HELP,
                message=(
                    "help must not depend on what the customer posts or removes; offer it "
                    "unconditionally (an invitation to share comes only after resolution)"
                ),
                span=(start, end),
            )
        if draft.is_public:
            span = find_placeholder(
                text,
                customer_text=draft.context.customer_text,
                topics=draft.context.topics,
            )
            if span is not None:
                yield Reason(
                    code=R.ROBOTIC_PLACEHOLDER,
                    message=(
                        "stock wording with nothing specific: name the customer's actual "
                        "problem and what happens next"
                    ),
                    span=span,
                )
        for start, end, why in self.knowledge.contradictions(text, draft.context.topics):
            yield Reason(
                code=R.CONTRADICTS_APPROVED_ANSWER,
                message=f"{why}; use the approved wording",
                span=(start, end),
            )

    def _channel(self, draft: Draft) -> Iterable[Reason]:
        caps = draft.capabilities
        context = draft.context
        private = not draft.is_public
        if draft.is_public and not caps.public_reply:
            yield Reason(
                code=R.PUBLIC_REPLY_UNSUPPORTED,
                message="this channel takes no public replies; send a private message instead",
            )
        if private and not caps.private_message:
            yield Reason(
                code=R.PRIVATE_UNSUPPORTED,
                message=(
                    "this channel has no private messages; reply publicly without private "
                    "details and offer e-mail or phone"
                ),
            )
        elif private:
            if not context.private_conversation and not caps.brand_can_start_private:
                yield Reason(
                    code=R.PRIVATE_START_NOT_ALLOWED,
                    message=(
                        "the brand may not start a private conversation on this network; "
                        "reply publicly and invite the customer to message you"
                    ),
                )
            window = caps.private_window
            last = context.last_customer_message_at
            if (
                window is not None
                and last is not None
                and draft.now is not None
                and draft.now - last > window
            ):
                yield Reason(
                    code=R.PRIVATE_WINDOW_CLOSED,
                    message=(
                        f"the customer last wrote more than {_hours(window)} ago, outside "
                        "the network's private-message window; reply publicly inviting "
                        "them to message you again, or use e-mail"
                    ),
                )
        limit = caps.limit(private=private)
        if limit is not None and draft.text:
            length = caps.length(draft.text)
            if length > limit:
                unit = caps.length_unit.value
                advice = (
                    "shorten it or split it into a thread"
                    if draft.is_public
                    else "shorten it or split it into several messages"
                )
                if draft.is_public and caps.private_message:
                    advice += ", or move the details to a private message"
                yield Reason(
                    code=R.TOO_LONG,
                    message=(
                        f"{length} {unit} where the network allows {limit} "
                        f"({length - limit} over); {advice}"
                    ),
                    span=(_cut(draft.text, caps, limit), len(draft.text)),
                )

    def _approval(self, draft: Draft) -> Iterable[Reason]:
        rules = self.policy.replies
        context = draft.context
        if (
            draft.is_public
            and draft.agent is not None
            and rules.public_certification not in draft.agent.certifications
        ):
            yield Reason(
                code=R.UNCERTIFIED_AGENT,
                message=(
                    f"agent {draft.agent.id!r} is not certified for public replies "
                    f"({rules.public_certification!r}); a {rules.approver_role} must approve"
                ),
            )
        if draft.is_public and context.author_reach > rules.approval_reach:
            yield Reason(
                code=R.HIGH_REACH_AUTHOR,
                message=(
                    f"the author reaches {context.author_reach:,} people, above the "
                    f"{rules.approval_reach:,} threshold; a {rules.approver_role} must approve"
                ),
            )
        sensitive = sorted(
            {t.casefold() for t in context.topics} & {t.casefold() for t in rules.approval_topics}
        )
        if sensitive:
            yield Reason(
                code=R.SENSITIVE_TOPIC,
                message=(
                    f"the case is about {', '.join(sensitive)}; a {rules.approver_role} "
                    "must approve every reply"
                ),
            )


def _hours(window: timedelta) -> str:
    hours = window.total_seconds() / 3600
    return f"{hours:g} hours" if hours != 1 else "1 hour"


def _cut(text: str, caps: ChannelCapabilities, limit: int) -> int:
    """The first index where ``text`` goes over ``limit`` (binary search on the length)."""
    low, high = 0, len(text)
    while low < high:
        mid = (low + high + 1) // 2
        if caps.length(text[:mid]) <= limit:
            low = mid
        else:
            high = mid - 1
    return low


def lint(
    text: str,
    *,
    public: bool = True,
    channel: str | ChannelCapabilities | None = None,
    gate: ReplyGate | None = None,
    agent: Agent | None = None,
    context: CaseContext | None = None,
) -> Verdict:
    """Check a reply on its own, before sending it (what ``socialcx lint`` does).

    Args:
        text: The reply.
        public: Whether it goes out in public (default) or privately.
        channel: A network name from :data:`PLATFORM_CAPABILITIES` or the
            channel's own capabilities; ``None`` checks no channel limit.
        gate: The gate to use (default: the default policy, no approved answers).
        agent: The author, to check their certification.
        context: The case, when known.

    Raises:
        ValidationError: ``channel`` names an unknown network.
    """
    if channel is None:
        caps = ChannelCapabilities()
    elif isinstance(channel, ChannelCapabilities):
        caps = channel
    else:
        caps = capabilities_for(channel)
    draft = Draft(
        text=text,
        visibility=Visibility.PUBLIC if public else Visibility.PRIVATE,
        capabilities=caps,
        agent=agent,
        context=context or CaseContext(),
    )
    return (gate or ReplyGate()).check(draft)
