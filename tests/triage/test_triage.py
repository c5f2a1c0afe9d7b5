"""Triage: combining classifiers, labels, language, reach, private data, plug-ins."""

from __future__ import annotations

import sys

import attrs
import pytest

import socialcx as sx
import socialcx.triage
from socialcx.errors import ValidationError
from socialcx.pii import PrivateDataKind
from socialcx.triage import (
    Assessment,
    CallableClassifier,
    CareClassifier,
    Classifier,
    Cue,
    Intent,
    MissingExtra,
    Polarity,
    Signal,
    Signals,
    Triage,
    Urgency,
    VaderClassifier,
    guess_language,
    reach_score,
)
from tests.conftest import T0

CHANNEL = sx.ChannelRef(platform="x", account="acme")


def _mention(text: str, *, followers: int = 10, verified: bool = False, **kw: object) -> sx.Mention:
    author = sx.Author(
        platform="x", native_id="7", handle="dana", followers=followers, verified=verified
    )
    fields: dict[str, object] = {"visibility": "public"}
    return sx.Mention(
        channel=CHANNEL, native_id="1", author=author, text=text, created_at=T0, **(fields | kw)
    )  # type: ignore[arg-type]


@attrs.frozen
class Fixed:
    """A classifier that always says the same thing."""

    assessment: Assessment
    name: str = "fixed"

    def classify(self, text: str) -> Assessment:
        return self.assessment


class TestLabels:
    def test_spellings(self) -> None:
        """The labels downstream rules read are spelled exactly so."""
        signals = Signals(
            sentiment=-0.9,
            polarity=Polarity.NEGATIVE,
            complaint=True,
            complaint_score=0.9,
            hostile=True,
            hostility_score=0.8,
            intent=Intent.QUESTION,
            urgency=frozenset(Urgency),
            private_data=(sx_private := socialcx.pii.find_private_data("mail me at a@b.co")),
            reach=0.9,
            high_reach=True,
        )
        assert sx_private
        assert signals.labels == {
            "complaint",
            "hostile",
            "intent:question",
            "urgent:safety",
            "urgent:legal",
            "urgent:churn",
            "urgent:time",
            "sentiment:negative",
            "private_data",
            "high_reach",
        }

    def test_quiet_text(self) -> None:
        """A neutral remark gets only its intent and polarity."""
        assert Triage().assess_text("Flying to Boston today").labels == {
            "intent:other",
            "sentiment:neutral",
        }

    def test_signals_validate(self) -> None:
        """Scores out of range cannot exist."""
        with pytest.raises(ValueError, match="sentiment"):
            Signals(sentiment=2.0)
        with pytest.raises(ValueError, match="complaint_score"):
            Signals(complaint_score=-0.1)
        with pytest.raises(ValueError, match="complaint"):
            Assessment(complaint=1.5)


class TestMention:
    def test_language_tag_wins(self) -> None:
        """The network's language tag beats the guess."""
        triage = Triage()
        assert triage.assess(_mention("my flight is delayed", language="pt-BR")).language == "pt-BR"
        assert triage.assess(_mention("my flight is delayed and I am not happy")).language == "en"

    def test_reach_from_followers(self) -> None:
        """A big audience is high reach; a small one is not."""
        triage = Triage()
        small = triage.assess(_mention("late again", followers=50))
        big = triage.assess(_mention("late again", followers=250_000, verified=True))
        assert small.reach < big.reach
        assert not small.high_reach
        assert big.high_reach and "high_reach" in big.labels
        assert {c.name for c in big.cues_for(Signal.REACH)} == {"followers", "verified"}

    def test_reach_from_engagement(self) -> None:
        """A post that is spreading is high reach whoever wrote it."""
        viral = _mention("late again", followers=0, metrics=sx.Engagement(reposts=400, likes=2000))
        signals = Triage().assess(viral)
        assert signals.high_reach
        assert [c.name for c in signals.cues_for("reach")] == ["engagement"]

    def test_bare_text_has_no_reach(self) -> None:
        """Without an author there is no reach."""
        assert Triage().assess_text("late again").reach == 0.0

    def test_reach_score_bounds(self) -> None:
        """Reach stays in [0, 1] for any audience."""
        huge = sx.Author(platform="x", native_id="1", handle="h", followers=10**12, verified=True)
        score, _ = reach_score(huge, sx.Engagement(views=10**15, reposts=10**12))
        assert score == 1.0
        nobody = sx.Author(platform="x", native_id="1", handle="h")
        assert reach_score(nobody) == (0.0, ())


class TestPrivateData:
    def test_found_with_spans(self) -> None:
        """Private data is found, labelled and pointed at."""
        text = "my booking ABC123 is wrong, email me at dana@example.com"
        signals = Triage().assess_text(text)
        kinds = {item.kind for item in signals.private_data}
        assert {PrivateDataKind.REFERENCE, PrivateDataKind.EMAIL} <= kinds
        assert "private_data" in signals.labels
        cues = signals.cues_for(Signal.PRIVATE_DATA)
        assert "dana@example.com" in [c.text(text) for c in cues]

    def test_can_be_turned_off(self) -> None:
        """Callers that scan elsewhere can skip it."""
        assert not Triage(private_data=False).assess_text("mail a@b.co").private_data


class TestLanguage:
    @pytest.mark.parametrize(
        ("text", "language"),
        [
            ("Hello, my order is late and I am not happy", "en"),
            ("Hola, mi pedido no ha llegado y estoy muy molesto", "es"),
            ("Bonjour, mon colis est en retard et je ne suis pas content", "fr"),
            ("Mein Paket ist nicht angekommen und ich bin sauer", "de"),
            ("Привет, мой заказ не пришёл", "ru"),
            ("注文が届きません", "ja"),
            ("", None),
            ("😡😡😡", None),
            ("ok", None),
        ],
    )
    def test_guess(self, text: str, language: str | None) -> None:
        """A cheap guess from the script and the commonest words; None when unsure."""
        assert guess_language(text) == language


class TestCombining:
    def test_weighted_mean_of_scores(self) -> None:
        """Scores are the weighted mean of the classifiers that gave one."""
        a = Fixed(Assessment(sentiment=-1.0, complaint=1.0), name="a")
        b = Fixed(Assessment(sentiment=1.0), name="b")
        signals = Triage(classifiers=(a, b), weights=(3.0, 1.0)).assess_text("x")
        assert signals.sentiment == pytest.approx(-0.5)
        assert signals.complaint_score == 1.0
        assert signals.hostility_score == 0.0

    def test_intent_vote_and_consistency(self) -> None:
        """Intent is a weighted vote; a complaint with no stronger intent is filed as one."""
        question = Fixed(Assessment(intent=Intent.QUESTION), name="q")
        praise = Fixed(Assessment(intent=Intent.PRAISE, complaint=0.9), name="p")
        assert Triage(classifiers=(question, praise), weights=(2, 1)).assess_text("x").intent is (
            Intent.QUESTION
        )
        assert Triage(classifiers=(question, praise), weights=(1, 2)).assess_text("x").intent is (
            Intent.COMPLAINT
        )
        not_one = Fixed(Assessment(intent=Intent.COMPLAINT, complaint=0.1))
        assert Triage(classifiers=(not_one,)).assess_text("x").intent is Intent.OTHER

    def test_urgency_and_cues_are_united(self) -> None:
        """Urgency kinds and cues from every classifier are kept."""
        cue = Cue(name="model", signal=Signal.URGENCY, source="m")
        model = Fixed(Assessment(urgency=frozenset({Urgency.LEGAL}), cues=(cue,)), name="m")
        signals = Triage(classifiers=(CareClassifier(), model)).assess_text("stranded overnight")
        assert signals.urgency == {Urgency.LEGAL, Urgency.TIME}
        assert cue in signals.cues
        assert {c.source for c in signals.cues} >= {"care", "m"}

    def test_bad_configuration(self) -> None:
        """Weights must match the classifiers; classifiers must follow the protocol."""
        with pytest.raises(ValueError, match="weights"):
            Triage(weights=(1.0, 2.0))
        with pytest.raises(TypeError, match="Classifier"):
            Triage(classifiers=(object(),))  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="at least one"):
            Triage(classifiers=())

    def test_thresholds(self) -> None:
        """Thresholds decide the booleans."""
        fixed = Fixed(Assessment(complaint=0.6, hostility=0.6))
        assert Triage(classifiers=(fixed,)).assess_text("x").complaint
        strict = Triage(classifiers=(fixed,), complaint_threshold=0.7, hostility_threshold=0.7)
        signals = strict.assess_text("x")
        assert not signals.complaint and not signals.hostile

    def test_protocol(self) -> None:
        """The built-ins satisfy the protocol."""
        assert isinstance(CareClassifier(), Classifier)
        assert isinstance(CallableClassifier(lambda text: 0.0), Classifier)


class TestCallable:
    def test_number_is_sentiment(self) -> None:
        """A bare number is the sentiment."""
        model = CallableClassifier(lambda text: -0.75)
        signals = Triage(classifiers=(model,)).assess_text("whatever")
        assert signals.sentiment == -0.75
        assert signals.polarity is Polarity.NEGATIVE

    def test_mapping_of_scores(self) -> None:
        """A mapping gives any of the scores, the intent and urgency."""
        model = CallableClassifier(
            lambda text: {
                "sentiment": 0.2,
                "complaint": 0.9,
                "hostility": 0.1,
                "intent": "question",
                "urgency": ["legal"],
            },
            name="mine",
        )
        signals = Triage(classifiers=(model,)).assess_text("x")
        assert signals.complaint and signals.intent is Intent.QUESTION
        assert signals.urgency == {Urgency.LEGAL}
        assert {c.source for c in signals.cues} == {"mine"}

    def test_polarity_probabilities(self) -> None:
        """Pipeline-style probabilities become P(positive) - P(negative)."""
        model = CallableClassifier(lambda t: {"negative": 0.7, "neutral": 0.2, "positive": 0.1})
        assert model.classify("x").sentiment == pytest.approx(-0.6)

    def test_out_of_range_is_clipped(self) -> None:
        """A model that overshoots is clipped, not trusted."""
        assert CallableClassifier(lambda t: 3.0).classify("x").sentiment == 1.0

    @pytest.mark.parametrize(
        ("result", "message"),
        [
            ({"sentimen": 0.1}, "unknown keys"),
            ({"intent": "rant"}, "unknown intent"),
            ({"urgency": "soon"}, "unknown urgency"),
            ({"complaint": "yes"}, "must be a number"),
            ("positive", "must return"),
        ],
    )
    def test_mistakes_are_loud(self, result: object, message: str) -> None:
        """A wrapper mistake raises a clear ValidationError."""
        with pytest.raises(ValidationError, match=message):
            CallableClassifier(lambda t: result).classify("x")


class TestVader:
    def test_sentiment_from_vader(self) -> None:
        """VADER's compound score becomes the sentiment."""
        pytest.importorskip("vaderSentiment")
        vader = VaderClassifier()
        assert (vader.classify("I love it").sentiment or 0.0) > 0
        assert (vader.classify("I hate it").sentiment or 0.0) < 0
        assert vader.classify("").sentiment == 0.0
        combined = Triage(classifiers=(CareClassifier(), vader)).assess_text("terrible delay")
        assert combined.complaint and {c.source for c in combined.cues} >= {"care", "vader"}

    def test_missing_extra_names_it(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Without the extra, the error says what to install."""
        monkeypatch.setitem(sys.modules, "vaderSentiment", None)
        monkeypatch.setitem(sys.modules, "vaderSentiment.vaderSentiment", None)
        with pytest.raises(MissingExtra, match=r"socialcx\[vader\]"):
            VaderClassifier()


def test_all_is_sorted_and_public() -> None:
    """``socialcx.triage.__all__`` lists its public names, sorted."""
    exported = list(socialcx.triage.__all__)
    assert exported == sorted(exported, key=lambda n: (not n[0].isupper(), n))
    public = {n for n in vars(socialcx.triage) if not n.startswith("_")}
    modules = {n for n in public if type(getattr(socialcx.triage, n)).__name__ == "module"}
    assert set(exported) == public - modules - {"annotations"}
