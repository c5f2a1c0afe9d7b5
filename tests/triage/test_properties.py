"""Any text at all gives valid Signals: no exceptions, scores in range, bounded work."""

from __future__ import annotations

import string

from hypothesis import given
from hypothesis import strategies as st

from socialcx.triage import CareClassifier, Polarity, Signals, Triage

TRIAGE = Triage()

_CARE_WORDS = [
    "not", "never", "no", "very", "so", "but", "great", "awful", "delayed", "cancelled",
    "on hold", "still waiting", "thanks for nothing", "love", "hate", "idiot", "you", "fuck",
    "lawyer", "refund", "stranded", "?", "!", "!!!", "...", ":)", ":(", "😡", "🙂", "#fail",
    "@acme", "http://t.co/x", "SOOO", "goooood", "I", "will", "kill", "switching", "to",
]  # fmt: skip
_ODD = ["\u200b", "\u200d", "\u202e", "\u2066", "\ufeff", "\ud800", "\udfff", "\x00", "İ", "ß"]

care_text = st.lists(st.sampled_from(_CARE_WORDS + _ODD), max_size=40).map(" ".join)
any_text = st.one_of(st.text(max_size=300), care_text, st.text(string.printable, max_size=300))


def _check(signals: Signals, text: str) -> None:
    assert -1.0 <= signals.sentiment <= 1.0
    assert 0.0 <= signals.complaint_score <= 1.0
    assert 0.0 <= signals.hostility_score <= 1.0
    assert 0.0 <= signals.reach <= 1.0
    labels = signals.labels
    assert ("complaint" in labels) == signals.complaint
    assert ("hostile" in labels) == signals.hostile
    assert ("private_data" in labels) == bool(signals.private_data)
    assert ("high_reach" in labels) == signals.high_reach
    assert f"intent:{signals.intent.value}" in labels
    assert f"sentiment:{signals.polarity.value}" in labels
    assert {label for label in labels if label.startswith("urgent:")} == {
        f"urgent:{kind.value}" for kind in signals.urgency
    }
    if signals.complaint:
        assert signals.polarity is Polarity.NEGATIVE
    if signals.intent.value == "complaint":
        assert signals.complaint
    for cue in signals.cues:
        if cue.span is not None:
            start, end = cue.span
            assert 0 <= start <= end <= len(text)


@given(any_text)
def test_any_text_gives_valid_signals(text: str) -> None:
    """Random text never raises; every score is in range and labels match the booleans."""
    _check(TRIAGE.assess_text(text), text)


@given(care_text)
def test_any_text_gives_a_valid_assessment(text: str) -> None:
    """The built-in classifier alone keeps its scores in range."""
    assessment = CareClassifier().classify(text)
    assert assessment.sentiment is not None and -1.0 <= assessment.sentiment <= 1.0
    assert assessment.complaint is not None and 0.0 <= assessment.complaint <= 1.0
    assert assessment.hostility is not None and 0.0 <= assessment.hostility <= 1.0


class TestBadInput:
    def test_empty(self) -> None:
        """Empty and blank texts are neutral, with no cues."""
        for text in ("", "   ", "\n\t"):
            signals = TRIAGE.assess_text(text)
            assert signals.labels == {"intent:other", "sentiment:neutral"}
            assert not signals.cues

    def test_one_megabyte_is_cut(self) -> None:
        """A 1 MB text costs no more than its first ``max_chars`` characters."""
        head = "my flight was cancelled and I am still waiting for a refund. " * 40
        huge = head + "you are all idiots and I will sue " * 30_000
        assert len(huge) > 1_000_000
        triage = Triage(private_data=False)
        cut = triage.assess_text(huge)
        assert cut.complaint
        assert not cut.hostile  # the insults come after the part that is read
        assert cut.sentiment == triage.assess_text(huge[: triage.max_chars]).sentiment

    def test_lone_surrogates(self) -> None:
        """Lone surrogates (from broken decoding) are not an error."""
        text = "delayed \ud83d again \udc00 \ud800\udfff"
        _check(TRIAGE.assess_text(text), text)

    def test_invisible_characters_inside_words(self) -> None:
        """Zero-width and bidi controls inside a word neither hide it nor shift spans."""
        text = "you are an id\u200biot \u202eand the flight is dela\u200dyed\u202c"
        signals = TRIAGE.assess_text(text)
        assert signals.hostile and signals.complaint
        _check(signals, text)
        names = {cue.text(text) for cue in signals.cues}
        assert "id\u200biot" in names

    def test_emoji_only(self) -> None:
        """A post of emoji alone still gets a sentiment."""
        assert TRIAGE.assess_text("😡😡😡").polarity is Polarity.NEGATIVE
        assert TRIAGE.assess_text("🙏😍✨").polarity is Polarity.POSITIVE
        assert TRIAGE.assess_text("✈️✈️").polarity is Polarity.NEUTRAL

    def test_not_a_string(self) -> None:
        """A non-string (from a sloppy caller) is treated as empty text."""
        assert TRIAGE.assess_text(None).labels == {  # type: ignore[arg-type]
            "intent:other",
            "sentiment:neutral",
        }
