"""The gate's input: a draft reply with everything the checks need, as one frozen value.

A :class:`Draft` does not need a desk or a store: build one from plain values
(as ``socialcx lint`` does) or from a :class:`~socialcx.model.Case` with
:meth:`CaseContext.from_case`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import attrs

from socialcx.model import Agent, Case, ChannelCapabilities, Visibility
from socialcx.model import _checks as c
from socialcx.model._mention import to_visibility

#: Label prefixes that carry a topic (``"urgent:legal"`` is about ``"legal"``).
TOPIC_PREFIXES = ("topic:", "urgent:", "intent:")


def topics_from_labels(labels: Iterable[str]) -> frozenset[str]:
    """The topics that triage labels name: ``{"urgent:legal", "billing"}`` -> both bare."""
    found = set()
    for label in labels:
        name = label.strip().casefold()
        for prefix in TOPIC_PREFIXES:
            if name.startswith(prefix):
                name = name[len(prefix) :]
                break
        if name:
            found.add(name)
    return frozenset(found)


@attrs.frozen(kw_only=True)
class CaseContext:
    """What the gate knows about the conversation a draft answers.

    Args:
        customer_text: What the customer wrote (the latest message, or the
            thread): a public acknowledgement must address it.
        topics: Topics of the case (``"billing"``, ``"legal"``), from triage
            labels or the host; they select approved answers and decide
            whether a reply needs approval.
        author_reach: The customer's audience (followers); above the policy's
            threshold a public reply needs approval.
        last_customer_message_at: When the customer last wrote; private
            messages outside the network's window are refused.
        private_conversation: The customer has already written to the brand
            privately, so a private reply continues a conversation rather than
            starting one.
        incident_id: The incident the case belongs to, if any.
    """

    customer_text: str = attrs.field(default="", validator=c.text)
    topics: frozenset[str] = attrs.field(
        factory=frozenset, converter=c.to_frozenset, validator=c.names
    )
    author_reach: int = attrs.field(default=0, validator=c.non_negative_int)
    last_customer_message_at: datetime | None = attrs.field(
        default=None, validator=c.optional_aware_datetime
    )
    private_conversation: bool = attrs.field(default=False, validator=c.is_bool)
    incident_id: str | None = attrs.field(default=None, validator=c.optional_non_empty_str)

    @classmethod
    def from_case(
        cls,
        case: Case,
        *,
        customer_text: str = "",
        author_reach: int = 0,
        topics: Iterable[str] = (),
    ) -> CaseContext:
        """The context of ``case``: its labels become topics, its history the window.

        Args:
            case: The case the draft answers.
            customer_text: The customer's words (the case holds only mention keys).
            author_reach: The author's follower count, when known.
            topics: Topics to add to those the case's labels name.
        """
        return cls(
            customer_text=customer_text,
            topics=topics_from_labels(case.labels) | frozenset(topics),
            author_reach=author_reach,
            last_customer_message_at=case.last_customer_message_at,
            private_conversation=case.has_private,
            incident_id=case.incident_id,
        )


@attrs.frozen(kw_only=True)
class Draft:
    """A reply an agent wants to send, with the context the gate checks it in.

    Args:
        text: The reply, exactly as it would be sent.
        visibility: ``PUBLIC`` or ``PRIVATE``; required, never guessed.
        capabilities: What the channel allows (length, private messages,
            window). The defaults impose no channel limit.
        agent: Who wrote it; ``None`` skips the certification check (for
            linting a text on its own).
        context: The case it answers.
        now: When it would be sent; needed for the private-message window.
    """

    text: str = attrs.field(validator=c.text)
    visibility: Visibility = attrs.field(converter=to_visibility, validator=c.member_of(Visibility))
    capabilities: ChannelCapabilities = attrs.field(
        factory=ChannelCapabilities, validator=c.instance_of(ChannelCapabilities)
    )
    agent: Agent | None = attrs.field(default=None)
    context: CaseContext = attrs.field(factory=CaseContext, validator=c.instance_of(CaseContext))
    now: datetime | None = attrs.field(default=None, validator=c.optional_aware_datetime)

    @agent.validator
    def _check_agent(self, attribute: attrs.Attribute[Agent | None], value: object) -> None:
        if value is not None and not isinstance(value, Agent):
            c.fail(self, attribute.name, f"expected an Agent, got {type(value).__name__}")

    @property
    def is_public(self) -> bool:
        """Whether everyone will see it."""
        return self.visibility is Visibility.PUBLIC
