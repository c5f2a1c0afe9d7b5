"""The smallest real end-to-end run of socialcx's domain model.

A policy loads from TOML, a customer's public complaint opens a case with
service-level deadlines, an agent takes it, moves the conversation to a private
message, resolves it, and the whole case history survives a trip through JSON.
Run it with ``make demo``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import socialcx as sx

POLICY = """
[[brand_accounts]]
platform = "mastodon"
account = "acme@social.example"

[calendar]
timezone = "Europe/Berlin"
[calendar.hours]
mon = "08:00-20:00"
tue = "08:00-20:00"
wed = "08:00-20:00"
thu = "08:00-20:00"
fri = "08:00-20:00"

[[service_levels]]
priority = "high"
first_response = "30m"
resolution = "8h"
business_hours = true

[[service_levels]]
first_response = "2h"
"""


def main() -> None:
    policy = sx.Policy.from_toml_text(POLICY)
    channel = policy.brand_accounts[0]
    now = datetime(2026, 3, 2, 18, 45, tzinfo=UTC)  # Monday 19:45 in Berlin
    customer = sx.Author(platform="mastodon", native_id="109", handle="dana", followers=850)
    complaint = sx.Mention(
        channel=channel,
        native_id="111000",
        author=customer,
        text="@acme my router has been offline since this morning and nobody answers",
        created_at=now,
        visibility="public",
    )
    print(f"heard   {complaint.key}  {complaint.text!r}")

    case = sx.Case.open(
        id="case-1",
        customer=f"mastodon:{customer.native_id}",
        channel=channel,
        mention=complaint.key,
        visibility=complaint.visibility,
        at=now,
    )
    case = case.triage(at=now, priority="high", labels={"complaint", "outage"}, language="en")
    due = policy.deadlines(priority=case.priority, platform=channel.platform, opened_at=now)
    case = case.set_deadlines(due, at=now)
    print(f"case    {case.id} {case.state.value}, priority {case.priority.value}")
    print(f"        first response due {due.first_response} (business hours, Europe/Berlin)")

    ana = sx.Agent(id="ana", skills={"network"}, languages={"en"}, certifications={"social"})
    case = case.assign(ana.id, at=now + timedelta(minutes=2), reason="skills: network")
    reply = sx.OutboundMessage(
        id="msg-1",
        case_id=case.id,
        channel=channel,
        visibility="public",
        in_reply_to=complaint.native_id,
        text="@dana sorry your router is down after a whole day. "
        "Could you send us a direct message so we can check your line?",
        created_at=now + timedelta(minutes=5),
        agent=ana.id,
    )
    reply = reply.approve().mark_sent(at=now + timedelta(minutes=6), native_id="111001")
    case = case.record_reply(reply.id, visibility=reply.visibility, at=reply.sent_at, agent=ana.id)  # type: ignore[arg-type]
    print(f"reply   {reply.visibility.value} by {ana.id}, key {reply.idempotency_key[:12]}...")

    dm = sx.MentionKey(platform="mastodon", native_id="111002")
    case = case.attach(dm, visibility="private", at=now + timedelta(minutes=20))
    case = case.resolve(at=now + timedelta(hours=1), reason="line reset remotely")
    first = case.first_response_at - case.opened_at  # type: ignore[operator]
    print(f"case    {case.state.value}; first response after {first}")
    print(f"        holds a private message too: {case.has_private}")

    restored = sx.from_json(sx.Case, sx.to_json(case))
    assert restored == case
    print(
        f"history {len(case.events)} events: "
        + ", ".join(sx.to_dict(e)["type"] for e in case.events)
    )
    print("round-trip through JSON: identical")


if __name__ == "__main__":
    main()
