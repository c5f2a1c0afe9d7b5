"""The reader's shortcuts give exactly what the plain way gives.

The built-in classifier splits text at spaces and remembers what each piece
and token means; Triage takes a shorter path when the built-in classifier is
its only one; the language guess skips a second opinion it can prove useless.
None of it may change a result.
"""

from __future__ import annotations

import inspect
import string

import attrs
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from socialcx.triage import (
    CareClassifier,
    Intent,
    Polarity,
    Signals,
    Triage,
    Urgency,
    _care,
    guess_language,
)
from socialcx.triage._language import UNSURE, guess_for_reader, guess_from_tokens
from socialcx.triage._signals import trusted_signals
from socialcx.triage._text import normalize, tokenize

_WORDS = [
    "not", "no", "never", "didn't", "so", "very", "but", "if", "you", "are", "is", "the",
    "a", "great", "awful", "delayed", "on", "hold", "still", "waiting", "thanks", "for",
    "nothing", "idiot", "lawyer", "refund", "where", "my", "bag", "2", "hours", "5",
    "stars", "SOOO", "goooood", "#fail", "#sooangry", "@acme", "http://t.co/x", "www.x.com",
    "it's", "airline's", "f*ck", ":)", ":-(", "=d", "😡", "🙂", "?!", "...", ",", "!",
    "\u200b", "\u2019", "İ", "ß", "é", "的", "и", "don\u2019t", "  ", "\t", "\n",
]  # fmt: skip
_PUNCT = [",", ".", "!", "?", ":", ";", "'", '"', "(", ")", "-", "_", "/", "*", "#", "@"]

care_text = st.lists(
    st.tuples(st.sampled_from(_WORDS), st.sampled_from(["", "", "", *_PUNCT])).map("".join),
    max_size=30,
).map(" ".join)
any_text = st.one_of(
    care_text,
    st.text(max_size=200),
    st.text(string.printable, max_size=200),
    st.text(alphabet=string.ascii_letters + " .,!?'@#:;()=-", max_size=200),
)


class _Plain(CareClassifier):
    """The built-in classifier under another type, which Triage reads the general way."""


PLAIN = Triage(classifiers=(_Plain(),))
FAST = Triage()


class TestPieces:
    @given(any_text)
    @example("WWW.")  # a link's start alone is no link
    @example("see http:// now")
    def test_pieces_give_the_tokens_of_the_whole_text(self, text: str) -> None:
        """Splitting at spaces first finds the same tokens, at the same offsets."""
        reading = _care._Reading(CareClassifier(), text)
        assert (reading.tokens, reading.starts) == tokenize(normalize(text)[0])

    @given(any_text)
    def test_a_remembered_reading_is_the_same(self, text: str) -> None:
        """What is remembered from one reading changes nothing in the next."""
        first = CareClassifier(extra_failures={"zzqx": 1.0}).classify(text)  # its own memory
        assert CareClassifier().classify(text) == first
        assert CareClassifier().classify(text) == first

    def test_the_memory_is_bounded(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A full memory starts again, and results do not change."""
        monkeypatch.setattr(_care, "MAX_REMEMBERED", 3)
        care = CareClassifier(extra_valence={"zzqx": 1.0})
        texts = ["my flight was delayed, not happy", "great crew, thanks!", "where is my bag?"]
        before = [CareClassifier().classify(text) for text in texts]
        for _ in range(2):
            assert [care.classify(text) for text in texts] == before
            assert len(care._seen) <= 3
            assert len(care._pieces) <= 3

    @given(st.text(max_size=6), st.sampled_from(sorted(_care._MARKS)))
    def test_a_word_and_a_mark_split_as_the_tokenizer_splits(self, word: str, mark: str) -> None:
        """The short way through a piece such as "delayed." gives what the tokenizer gives."""
        piece = word.lower().replace(" ", "") + mark
        if piece.startswith(("http://", "https://", "www.")):
            return  # a link is one token, whatever the tokenizer says
        tokens, starts, _, _ = CareClassifier(extra_valence={"zzqx": 1.0})._piece(piece)
        assert (list(tokens), list(starts)) == tokenize(piece)

    def test_links_and_long_words_are_not_remembered(self) -> None:
        care = CareClassifier(extra_valence={"zzqx": 1.0})
        care.classify("see http://t.co/abc123, and www.example.com/x " + "a" * 60)
        assert not any("://" in key or "www." in key for key in [*care._seen, *care._pieces])
        assert all(len(key) <= 40 for key in [*care._seen, *care._pieces])


class TestShortPath:
    @given(any_text)
    def test_built_in_classifier_alone_takes_a_shorter_path_to_the_same_signals(
        self, text: str
    ) -> None:
        assert FAST.assess_text(text) == PLAIN.assess_text(text)

    def test_same_signals_for_a_long_text(self) -> None:
        text = "The agent never called back. " * 90 + "you idiots"
        assert len(text) > 2_000
        assert FAST.assess_text(text) == PLAIN.assess_text(text)

    def test_same_signals_with_a_short_reader(self) -> None:
        """A classifier reading less than Triage hands it still gets the second guess."""
        fast = Triage(classifiers=(CareClassifier(max_chars=12),))
        plain = Triage(classifiers=(_Plain(max_chars=12),))
        for text in ("hola gracias", "@acme the flight is late and the crew is rude", ""):
            assert fast.assess_text(text) == plain.assess_text(text)

    def test_trusted_signals_sets_every_field(self) -> None:
        names = [field.name for field in attrs.fields(Signals)]
        assert list(inspect.signature(trusted_signals).parameters) == names
        values = (
            -0.5,
            Polarity.NEGATIVE,
            True,
            0.9,
            False,
            0.1,
            Intent.COMPLAINT,
            frozenset({Urgency.TIME}),
            (),
            "en",
            0.2,
            False,
            (),
        )
        assert trusted_signals(*values) == Signals(**dict(zip(names, values, strict=True)))


class TestLanguage:
    @given(any_text)
    def test_no_guess_is_only_final_when_the_plain_guess_agrees(self, text: str) -> None:
        reading = _care._Reading(CareClassifier(), text)
        guess = guess_for_reader(reading.tokens, reading.norm)
        if guess is None:
            assert guess_language(text) is None
        elif guess != UNSURE:
            assert guess == guess_from_tokens(reading.tokens, reading.norm)

    @pytest.mark.parametrize(
        ("text", "language"),
        [
            ("the flight is late and my bag is lost", "en"),
            ("el vuelo no sale y mi maleta", "es"),
            ("ok", None),
            ("", None),
        ],
    )
    def test_guess(self, text: str, language: str | None) -> None:
        assert FAST.assess_text(text).language == language


class TestPhraseGates:
    def test_a_phrase_after_a_common_word_is_found_from_its_second_word(self) -> None:
        """ "on hold" and "the least you could do" need no look-up of "on" or "the"."""
        assert "the" not in _care._GATES
        assert "on" not in _care._GATES
        for text, name, phrase in (
            ("I was on hold", "service_failure", "on hold"),
            ("the least you could do is call", "frustration", "the least you could do"),
        ):
            cues = [cue.text(text) for cue in FAST.assess_text(text).cues if cue.name == name]
            assert cues == [phrase]

    def test_a_word_spelt_with_a_letter_class_is_refused(self) -> None:
        """ "replie[sd]" would wait for a token "replie": phrases spell their words out."""
        with pytest.raises(ValueError, match="spell out"):
            _care.first_words(r"never replie[sd]")
        assert _care.first_words(r"fed[- ]?up") == {"fed": None}
