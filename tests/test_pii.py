"""The private-data detector shared by triage and the reply gate."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from socialcx.pii import (
    MAX_SCAN,
    PrivateData,
    PrivateDataKind,
    find_private_data,
    luhn_valid,
    redact,
)

K = PrivateDataKind


def found(text: str) -> list[tuple[str, str]]:
    return [(f.kind.value, text[f.start : f.end]) for f in find_private_data(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("write to jane.doe+x@example.co.uk please", [("email", "jane.doe+x@example.co.uk")]),
        ("call 555-123-4567 today", [("phone", "555-123-4567")]),
        ("our number is +44 20 7946 0958", [("phone", "+44 20 7946 0958")]),
        ("(212) 555-0199 is the desk", [("phone", "(212) 555-0199")]),
        ("text me on 07700 900461", [("phone", "07700 900461")]),
        ("card 4111 1111 1111 1111 expired", [("card", "4111 1111 1111 1111")]),
        ("my booking ref is ABC123 thanks", [("reference", "ABC123")]),
        ("order #55127 never arrived", [("reference", "55127")]),
        ("Confirmation code: QWERTY", [("reference", "QWERTY")]),
        (
            "ship to 12 Main St, Springfield, IL 62704",
            [("address", "12 Main St, Springfield, IL 62704")],
        ),
        (
            "I live at 221 Baker Street, London NW1 6XE",
            [("address", "221 Baker Street, London NW1 6XE")],
        ),
    ],
)
def test_finds_each_kind(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "flight 1234 at 10:45 on 2026-11-22 cost $350",
        "we have 3 flights delayed 2 hours",
        "please DM us your confirmation number",
        "your booking is confirmed",
        "waited 2 hours on the way home",
        "4111 1111 1111 1112",  # fails Luhn
        "0000 0000 0000 0000",  # passes Luhn, not a card
        "version 1.2.3 is out",
        "",
    ],
)
def test_ignores_what_only_looks_private(text: str) -> None:
    assert find_private_data(text) == ()


def test_a_card_is_not_also_a_phone() -> None:
    kinds = [f.kind for f in find_private_data("4111-1111-1111-1111")]
    assert kinds == [K.CARD]


def test_kinds_restrict_the_search() -> None:
    text = "mail a@b.co or call 555-123-4567"
    assert [f.kind for f in find_private_data(text, kinds=[K.PHONE])] == [K.PHONE]


def test_luhn() -> None:
    assert luhn_valid("4111111111111111")
    assert luhn_valid("79927398713")
    assert not luhn_valid("79927398710")
    assert not luhn_valid("12a4")


def test_redact_masks_each_finding() -> None:
    text = "mail jane@example.com, booking ABC123"
    assert redact(text) == "mail [email], booking [reference]"


def test_findings_never_show_the_private_text() -> None:
    text = "jane@example.com"
    (finding,) = find_private_data(text)
    assert "jane" not in repr(finding)
    assert finding.span == (0, len(text))


def test_scan_is_bounded() -> None:
    text = "x" * MAX_SCAN + " jane@example.com"
    assert find_private_data(text) == ()


def test_non_string_gives_nothing() -> None:
    assert find_private_data(None) == ()  # type: ignore[arg-type]


@given(st.text(max_size=400))
def test_any_text_gives_sorted_disjoint_spans_inside_it(text: str) -> None:
    findings = find_private_data(text)
    last_end = 0
    for f in findings:
        assert isinstance(f, PrivateData)
        assert 0 <= f.start < f.end <= len(text)
        assert f.start >= last_end
        last_end = f.end
    assert isinstance(redact(text), str)


@given(
    st.from_regex(r"[a-z]{1,10}@[a-z]{1,10}\.(com|org|net)", fullmatch=True),
    st.text(alphabet=" .,!?abc", max_size=20),
)
def test_an_email_anywhere_is_found(email: str, filler: str) -> None:
    text = f"{filler} {email} {filler}"
    assert (K.EMAIL.value, email) in found(text)
