"""Outbound messages, incidents and playbooks: their own small state tables."""

from __future__ import annotations

from datetime import timedelta

import pytest

import socialcx as sx
from socialcx.errors import ConfigError, InvalidTransition, ValidationError
from socialcx.model import MESSAGE_TRANSITIONS, MessageState
from socialcx.model._incident import MAX_SAMPLES
from tests.conftest import T0


def _message(**changes: object) -> sx.OutboundMessage:
    fields: dict[str, object] = {
        "id": "m-1",
        "case_id": "c-1",
        "channel": sx.ChannelRef(platform="x", account="acme"),
        "visibility": "private",
        "text": "Sorry about the delay, Dana. Could you DM us your order number?",
        "created_at": T0,
        "recipient": "42",
    }
    return sx.OutboundMessage(**(fields | changes))  # type: ignore[arg-type]


def test_visibility_is_required() -> None:
    """There is no default visibility: every message says where it goes."""
    with pytest.raises(TypeError, match="visibility"):
        sx.OutboundMessage(  # type: ignore[call-arg]
            id="m",
            case_id="c",
            channel=sx.ChannelRef(platform="x", account="a"),
            text="hi",
            created_at=T0,
            recipient="1",
        )


def test_idempotency_key_is_deterministic_and_follows_content() -> None:
    """The same reply gets the same key; a different text or visibility does not."""
    a, b = _message(), _message(id="m-2")
    assert a.idempotency_key == b.idempotency_key
    assert _message(text="other").idempotency_key != a.idempotency_key
    assert _message(visibility="public", in_reply_to="1001").idempotency_key != a.idempotency_key
    assert _message(idempotency_key="given").idempotency_key == "given"


def test_lifecycle() -> None:
    """Draft -> pending -> approved -> sent; failures retry; illegal moves name state and event."""
    msg = _message().submit()
    assert msg.state is MessageState.PENDING_APPROVAL
    rejected = msg.reject()
    assert rejected.edit("Better text").state is MessageState.DRAFT
    sent = msg.approve().mark_failed("timeout").retry().mark_sent(at=T0, native_id="99")
    assert sent.state is MessageState.SENT and sent.native_id == "99"
    with pytest.raises(InvalidTransition) as info:
        sent.approve()
    assert (info.value.state, info.value.event) == ("sent", "approve")
    assert (MessageState.SENT, "send") not in MESSAGE_TRANSITIONS


def test_message_needs_a_target() -> None:
    """A message with neither in_reply_to nor a recipient has nowhere to go."""
    with pytest.raises(ValidationError, match="in_reply_to"):
        _message(recipient=None)


def _incident() -> sx.Incident:
    return sx.Incident(
        id="inc-1",
        channel=sx.ChannelRef(platform="x", account="acme"),
        topic=("delayed", "flight"),
        first_seen=T0,
        last_seen=T0,
    )


def test_incident_samples_stay_bounded() -> None:
    """Recording many complaints keeps at most MAX_SAMPLES samples."""
    incident = _incident()
    for i in range(MAX_SAMPLES * 3):
        key = sx.MentionKey(platform="x", native_id=str(i))
        incident = incident.record(key, at=T0 + timedelta(minutes=i), case_id=f"c-{i % 5}")
    assert incident.mention_count == MAX_SAMPLES * 3
    assert len(incident.samples) == MAX_SAMPLES
    assert incident.case_ids == {f"c-{i}" for i in range(5)}
    assert incident.last_seen == T0 + timedelta(minutes=MAX_SAMPLES * 3 - 1)


def test_incident_merge_and_resolve() -> None:
    """Merging folds counts and cases into the survivor; merged and resolved are final."""
    a = _incident().record(sx.MentionKey(platform="x", native_id="1"), at=T0, case_id="c-1")
    b = sx.Incident(
        id="inc-2", channel=a.channel, topic=("cancelled",), first_seen=T0, last_seen=T0
    ).record(sx.MentionKey(platform="x", native_id="2"), at=T0, case_id="c-2")
    gone, survivor = a.merge_into(b)
    assert gone.merged_into == "inc-2" and gone.state is sx.IncidentState.MERGED
    assert survivor.mention_count == 2 and survivor.case_ids == {"c-1", "c-2"}
    assert "delayed" in survivor.topic
    with pytest.raises(InvalidTransition):
        gone.resolve(at=T0)
    assert survivor.resolve(at=T0).state is sx.IncidentState.RESOLVED


PLAYBOOKS = """
[[playbook]]
name = "isolated_complaint"
applies_to = ["isolated_complaint"]
[[playbook.steps]]
kind = "acknowledge"
within = "30m"
visibility = "public"
template = "Sorry to hear about {issue}, {customer}. We'd like to help."
[[playbook.steps]]
kind = "move_to_private"
visibility = "public"
template = "Could you send us a DM so we can look at your account?"
[[playbook.steps]]
kind = "resolve"
[[playbook.steps]]
kind = "invite_to_share"
visibility = "private"
template = "Glad that's sorted, {customer}!"
"""


def test_playbooks_load_from_toml() -> None:
    """Steps, deadlines, visibilities and template variables load from TOML."""
    (book,) = sx.ResponsePlaybook.from_toml_text(PLAYBOOKS)
    assert book.steps[0].within == timedelta(minutes=30)
    assert book.steps[0].variables == {"issue", "customer"}
    assert book.steps[3].kind is sx.StepKind.INVITE_TO_SHARE


def test_invite_to_share_only_after_resolution() -> None:
    """A playbook that invites sharing before resolving is refused."""
    with pytest.raises(ValidationError, match="invite_to_share"):
        sx.ResponsePlaybook(
            name="bad",
            applies_to={"praise"},
            steps=(sx.PlaybookStep(kind="invite_to_share"), sx.PlaybookStep(kind="resolve")),  # type: ignore[arg-type]
        )


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (PLAYBOOKS.replace('kind = "resolve"', 'kind = "fix"'), "steps[2].kind"),
        (PLAYBOOKS.replace("{issue}", "{issue"), "steps[0].template"),
        (PLAYBOOKS.replace('within = "30m"', 'witin = "30m"'), "steps[0].witin"),
        ("[playbooks]\nname='x'", "playbooks"),
    ],
)
def test_playbook_errors_name_the_key(text: str, key: str) -> None:
    """Malformed templates, unknown kinds and typos name the key."""
    with pytest.raises(ConfigError) as info:
        sx.ResponsePlaybook.from_toml_text(text)
    assert key in str(info.value)
