"""Private data in text: e-mail addresses, phone numbers, card numbers, references, addresses.

One detector serves triage (a customer posted their booking reference in
public: move them to a private channel) and the reply gate (an agent must not
post it back). It is deliberately conservative where a false alarm is cheap and
a miss is not: card numbers are checked with Luhn, references need a word that
introduces them ("booking ABC123", "order #55127"), addresses need a street
word or a postal code.

A :class:`PrivateData` finding names its kind and span, never the text itself,
so findings can be logged; :func:`redact` masks them.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable

import attrs

__all__ = [
    "MAX_SCAN",
    "PrivateData",
    "PrivateDataKind",
    "find_private_data",
    "luhn_valid",
    "redact",
]

#: Only the first this-many characters are scanned, so the cost stays bounded.
MAX_SCAN = 65_536


class PrivateDataKind(enum.Enum):
    """What kind of private data a span holds."""

    EMAIL = "email"
    PHONE = "phone"
    CARD = "card"
    REFERENCE = "reference"
    ADDRESS = "address"


@attrs.frozen
class PrivateData:
    """One finding: its kind and the ``[start, end)`` span in the text.

    The matched text is deliberately not stored; slice the text you scanned
    (``text[f.start:f.end]``) where you are allowed to see it.
    """

    kind: PrivateDataKind
    start: int
    end: int

    @property
    def span(self) -> tuple[int, int]:
        """``(start, end)``."""
        return (self.start, self.end)


_EMAIL_HINT = re.compile(r"[\w.+-]@[A-Za-z0-9-]")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+")

# The patterns below start with the character class of their first character
# and check what comes before it afterwards (``x(?<!\wx)`` rather than
# ``\bx``): the regular expression engine then skips straight to the places
# where a match can start.

# 13 to 19 digits, optionally grouped by single spaces or dashes.
_CARD = re.compile(r"\d(?<!\w\d)(?:[ -]?\d){12,18}(?!\w)")

# Phone-shaped: an optional +country code, an optional (area), then groups; or
# 10 to 15 digits in one run. Not right after a word character, "+", "#", "/"
# or "." (``(?<![\w+#/.].)``, checked once the first character is read), and
# not followed by a word character or "/".
_PHONE = re.compile(
    r"[\d+(](?<![\w+#/.].)"
    r"(?:(?<=\+)(?:\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{2,5}(?:[ .-]\d{2,6}){1,4}(?![\w/])"
    r"|\d{10,15}(?![\w/]))"
    r"|(?<=\()\d{1,4}\)[ .-]?\d{2,5}(?:[ .-]\d{2,6}){1,4}(?![\w/])"
    r"|(?<=\d)(?:\d{1,4}(?:[ .-]\d{2,6}){1,4}(?![\w/])|\d{9,14}(?![\w/])))"
)

_REFERENCE_WORDS = (
    "booking", "confirmation", "reservation", "order", "ticket", "account", "acct", "member",
    "loyalty", "frequent flyer", "ff", "ref", "pnr", "locator", "tracking", "invoice",
    "policy", "claim", "customer", "case",
)  # fmt: skip
# Any of the words above, anywhere (the text is lower-cased first).
_REFERENCE_HINT = re.compile("|".join(re.escape(word) for word in _REFERENCE_WORDS))
# The words that introduce a reference, in the order they are tried.
_REFERENCE_INTRO = (
    "booking", "confirmation", "reservation", "order", "ticket", "account", "acct",
    "membership", "member", "loyalty", "frequent flyer", "ff", "reference", "ref", "pnr",
    "record locator", "locator", "tracking", "invoice", "policy", "claim", "customer", "case",
)  # fmt: skip
_REFERENCE = re.compile(
    # One of the words, at the start of a word: its first letter, then the rest.
    "["
    + "".join(sorted({word[0] for word in _REFERENCE_INTRO}))
    + r"](?<!\w.)(?:"
    + "|".join(f"(?<={word[0]}){re.escape(word[1:])}" for word in _REFERENCE_INTRO)
    + ")"
    r"(?:\s+(?:number|no\.?|num|code|id|ref(?:erence)?))?"
    r"\s*(?:(?:is|was|:|#|-)\s*)*"
    r"(?P<ref>#?(?=[A-Za-z0-9-]*\d)[A-Za-z0-9][A-Za-z0-9-]{4,23}|(?-i:[A-Z]{6}))\b",
    re.IGNORECASE,
)

_STREET_WORDS = (
    r"street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|"
    r"place|pl|terrace|parkway|pkwy|highway|hwy|square|sq|crescent|close|strasse|straße"
)
_ADDRESS = re.compile(
    r"\d(?<!\w\d)\d{0,4}[A-Za-z]?,?\s+(?-i:[A-Z][\w'-]*\.?\s+){1,4}(?:" + _STREET_WORDS + r")\b\.?"
    r"(?:,?\s+(?:apt|apartment|unit|suite|ste|flat)\.?\s*#?\w{1,6})?"
    r"(?-i:(?:,\s*[A-Z][a-z][\w'-]*(?:\s+[A-Z][a-z][\w'-]*){0,2})?"
    r"(?:,?\s+[A-Z]{2}\s+\d{5}(?:-\d{4})?|,?\s+[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2})?)",
    re.IGNORECASE,
)
_POSTCODE = re.compile(
    r"[A-Z](?<!\w[A-Z])(?:"
    r"[A-Z]\s+\d{5}(?:-\d{4})?\b"  # US state + ZIP
    r"|[A-Z]?\d[A-Z\d]?\s+\d[A-Z]{2}\b"  # UK postcode
    r")"
)

_DIGIT = re.compile(r"\d")
_CAPS6 = re.compile(r"[A-Z]{6}")

# Not phone numbers, though shaped like them: dates, times, money, version strings.
_DATE_LIKE = re.compile(r"^\d{1,4}[-./ ]\d{1,2}[-./ ]\d{1,4}$")


def luhn_valid(digits: str) -> bool:
    """Whether a string of digits passes the Luhn checksum (card numbers do)."""
    if not digits.isdigit():
        return False
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _digits(text: str) -> str:
    return "".join(ch for ch in text if "0" <= ch <= "9")


def _overlaps(start: int, end: int, taken: list[tuple[int, int]]) -> bool:
    return any(start < t_end and t_start < end for t_start, t_end in taken)


def find_private_data(
    text: str, *, kinds: Iterable[PrivateDataKind] | None = None
) -> tuple[PrivateData, ...]:
    """Every span of private data in ``text``, in order of position.

    Spans never overlap: a card number is not also reported as a phone number.
    Only the first :data:`MAX_SCAN` characters are read.

    Args:
        text: Any string; non-strings give no findings rather than an error.
        kinds: Restrict the search to these kinds (default: all).
    """
    if not isinstance(text, str) or not text:
        return ()
    scan = text[:MAX_SCAN]
    # Cheap checks first: most posts hold too few digits for a phone or a card, no
    # e-mail address, and no word that introduces a reference.
    digit_count = len(_DIGIT.findall(scan))
    # An address has a name right before its "@" (a handle, "@acme", does not).
    email = "@" in scan and "." in scan and _EMAIL_HINT.search(scan) is not None
    card = digit_count >= 13
    phone = digit_count >= 7
    address = digit_count > 0
    reference = bool((digit_count or _CAPS6.search(scan)) and _REFERENCE_HINT.search(scan.lower()))
    if kinds is not None:
        wanted = set(kinds)
        email = email and PrivateDataKind.EMAIL in wanted
        card = card and PrivateDataKind.CARD in wanted
        phone = phone and PrivateDataKind.PHONE in wanted
        address = address and PrivateDataKind.ADDRESS in wanted
        reference = reference and PrivateDataKind.REFERENCE in wanted
    if not (email or card or phone or address or reference):
        return ()
    found: list[PrivateData] = []
    taken: list[tuple[int, int]] = []

    def add(kind: PrivateDataKind, start: int, end: int) -> None:
        if not _overlaps(start, end, taken):
            taken.append((start, end))
            found.append(PrivateData(kind, start, end))

    if email:
        for m in _EMAIL.finditer(scan):
            add(PrivateDataKind.EMAIL, m.start(), m.end())
    if card:
        for m in _CARD.finditer(scan):
            digits = _digits(m.group())
            if luhn_valid(digits) and len(set(digits)) > 1:
                add(PrivateDataKind.CARD, m.start(), m.end())
    if reference:
        for m in _REFERENCE.finditer(scan):
            add(PrivateDataKind.REFERENCE, m.start("ref"), m.end("ref"))
    if address:
        for m in _ADDRESS.finditer(scan):
            add(PrivateDataKind.ADDRESS, m.start(), m.end())
        for m in _POSTCODE.finditer(scan):
            add(PrivateDataKind.ADDRESS, m.start(), m.end())
    if phone:
        for m in _PHONE.finditer(scan):
            candidate = m.group()
            digits = _digits(candidate)
            if not 7 <= len(digits) <= 15 or _DATE_LIKE.match(candidate):
                continue
            separated = any(ch in candidate for ch in " .-()+")
            if len(digits) < 10 and not separated:
                continue
            add(PrivateDataKind.PHONE, m.start(), m.end())
    found.sort(key=lambda f: (f.start, f.end))
    return tuple(found)


def redact(text: str, findings: Iterable[PrivateData] | None = None) -> str:
    """``text`` with each finding replaced by ``[kind]`` (e.g. ``[email]``).

    Args:
        text: The text the findings were made in.
        findings: Defaults to :func:`find_private_data` of ``text``.
    """
    spans = sorted(find_private_data(text) if findings is None else findings, key=lambda f: f.start)
    out: list[str] = []
    position = 0
    for finding in spans:
        if finding.start < position:
            continue
        out.append(text[position : finding.start])
        out.append(f"[{finding.kind.value}]")
        position = finding.end
    out.append(text[position:])
    return "".join(out)
