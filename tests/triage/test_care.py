"""The built-in classifier: negation, emphasis, sarcasm, failures, hostility, urgency, intent."""

from __future__ import annotations

import pytest

from socialcx.triage import (
    CareClassifier,
    CareWeights,
    Intent,
    Polarity,
    Signal,
    Signals,
    Triage,
    Urgency,
)

TRIAGE = Triage(private_data=False)


def _assess(text: str) -> Signals:
    return TRIAGE.assess_text(text)


def _cue_texts(signals: Signals, text: str, name: str) -> list[str]:
    return [cue.text(text) for cue in signals.cues if cue.name == name]


class TestNegation:
    def test_not_bad_is_mildly_positive(self) -> None:
        """ "not bad" reads as praise, not as a complaint."""
        signals = _assess("The new app is not bad at all")
        assert signals.sentiment > 0
        assert not signals.complaint
        assert signals.polarity is Polarity.POSITIVE

    def test_not_happy_is_negative(self) -> None:
        """ "not happy" flips a positive word into a complaint."""
        signals = _assess("I am not happy with this order")
        assert signals.sentiment < 0
        assert signals.complaint

    def test_negation_flips_a_single_word(self) -> None:
        """A negation cue covers the negator and the word it flips."""
        text = "the support was not helpful today"
        signals = _assess(text)
        assert signals.sentiment < 0
        assert any("not" in t for t in _cue_texts(signals, text, "service_failure")) or any(
            t.startswith("not") for t in _cue_texts(signals, text, "negation")
        )

    def test_scope_stops_at_the_clause(self) -> None:
        """A negation does not reach past a comma or a "but"."""
        text = "Not what I ordered, but the staff were great"
        signals = _assess(text)
        assert "great" in _cue_texts(signals, text, "lexicon")

    def test_negated_positive_word_names_the_negator(self) -> None:
        """The negation cue's span starts at the negator."""
        text = "honestly that was not good"
        signals = _assess(text)
        assert _cue_texts(signals, text, "negation") == ["not good"]

    def test_could_not_be_more_is_not_a_negation(self) -> None:
        """ "couldn't be more helpful" is praise, not its opposite."""
        assert _assess("The agent couldn't be more helpful").sentiment > 0


class TestEmphasis:
    def test_caps_strengthen_a_word(self) -> None:
        """ALL CAPS on one word makes it count more, and says so."""
        calm, loud = _assess("this is awful"), _assess("this is AWFUL")
        assert loud.sentiment < calm.sentiment < 0
        assert _cue_texts(loud, "this is AWFUL", "caps") == ["AWFUL"]

    def test_elongation_strengthens_a_word(self) -> None:
        """ "goood" counts more than "good"."""
        plain, long = _assess("the food was good"), _assess("the food was goooood")
        assert long.sentiment > plain.sentiment > 0
        assert _cue_texts(long, "the food was goooood", "elongation") == ["goooood"]

    def test_elongated_intensifier(self) -> None:
        """ "sooo bad" is worse than "bad"."""
        assert _assess("this is sooo bad").sentiment < _assess("this is bad").sentiment

    def test_intensifier_and_diminisher(self) -> None:
        """ "very" strengthens and "slightly" softens."""
        very = _assess("the seat was very uncomfortable").sentiment
        plain = _assess("the seat was uncomfortable").sentiment
        slightly = _assess("the seat was slightly uncomfortable").sentiment
        assert very < plain < slightly < 0

    def test_shouting_counts_towards_a_complaint(self) -> None:
        """A post written all in capitals is read as anger."""
        text = "WHERE IS MY PACKAGE I ORDERED IT TWO WEEKS AGO"
        signals = _assess(text)
        assert signals.complaint
        assert any(c.name == "shouting" for c in signals.cues)

    def test_exclamation_marks_amplify(self) -> None:
        """ "!!!" pushes sentiment further in its direction."""
        assert _assess("love it!!!").sentiment > _assess("love it").sentiment

    def test_emoji_and_emoticons(self) -> None:
        """Emoji and emoticons carry sentiment of their own."""
        assert _assess("🙂").sentiment > 0
        assert _assess("😡😡").sentiment < 0
        assert _assess("flight landed :)").sentiment > 0
        assert _assess("flight landed :(").sentiment < 0

    def test_but_shifts_the_weight(self) -> None:
        """What follows "but" counts more than what comes before."""
        assert _assess("the crew were nice but the seat was awful").sentiment < 0
        assert _assess("the seat was awful but the crew were lovely").sentiment > 0


class TestSarcasm:
    @pytest.mark.parametrize(
        "text",
        [
            "Great, another delay.",
            "Thanks for nothing",
            "I just love being on hold for two hours",
            "Oh great, my bag is lost",
            "Yeah right, a refund in 5 days",
        ],
    )
    def test_compliment_around_a_failure_is_a_complaint(self, text: str) -> None:
        """Cheap sarcasm markers turn praise into a complaint, with a sarcasm cue."""
        signals = _assess(text)
        assert signals.complaint
        assert signals.polarity is Polarity.NEGATIVE
        assert any(c.name == "sarcasm" for c in signals.cues)

    def test_genuine_thanks_is_not_sarcasm(self) -> None:
        """ "Thanks so much for the help" is gratitude."""
        signals = _assess("Thanks so much for the help with my booking!")
        assert not signals.complaint
        assert not any(c.name == "sarcasm" for c in signals.cues)


class TestServiceFailure:
    @pytest.mark.parametrize(
        ("text", "span"),
        [
            ("I have been on hold for ages", "on hold"),
            ("still waiting for my refund", "still waiting"),
            ("No reply to my email after a week", "No reply"),
            ("I was charged twice for one order", "charged twice"),
            ("the airline lost my bag", "lost my bag"),
            ("my flight was cancelled", "cancelled"),
            ("the app doesn't work", "doesn't work"),
        ],
    )
    def test_failure_vocabulary_is_a_complaint(self, text: str, span: str) -> None:
        """The vocabulary of service failure makes a complaint and points at the words."""
        signals = _assess(text)
        assert signals.complaint
        assert any(span in t for t in _cue_texts(signals, text, "service_failure"))

    def test_a_plain_question_about_a_delay_is_softer(self) -> None:
        """Asking whether something is delayed weighs less than saying it is."""
        asked = _assess("Is flight 12 delayed?").complaint_score
        told = _assess("Flight 12 delayed. Again.").complaint_score
        assert asked < told

    def test_complaint_hashtags(self) -> None:
        """Compound hashtags such as #customerservicefail count as complaints."""
        text = "three calls today #customerservicefail"
        assert "#customerservicefail" in _cue_texts(_assess(text), text, "complaint_hashtag")

    def test_extra_failures(self) -> None:
        """Callers can add their own failure words."""
        custom = Triage(classifiers=(CareClassifier(extra_failures={"glitchfest": 2.0}),))
        assert custom.assess_text("what a glitchfest").complaint
        assert not _assess("what a glitchfest").complaint


class TestHostility:
    @pytest.mark.parametrize(
        "text",
        [
            "you are a useless idiot",
            "I will hurt you",
            "shut up and fix it",
            "fuck you",
            "🖕🖕",
        ],
    )
    def test_insults_threats_and_harassment_are_hostile(self, text: str) -> None:
        """Insults, threats and harassment make a mention hostile."""
        signals = _assess(text)
        assert signals.hostile
        assert "hostile" in signals.labels
        assert signals.cues_for(Signal.HOSTILITY)

    def test_a_threat_is_a_safety_risk(self) -> None:
        """A threat of violence is also urgent: someone may be in danger."""
        assert Urgency.SAFETY in _assess("I will hurt you").urgency
        assert Urgency.SAFETY not in _assess("shut up").urgency

    @pytest.mark.parametrize(
        "text",
        [
            "nobody can beat you guys on price",
            "hard to beat them, best airline",
            "would it kill you to answer the phone?",
            "shoot me or them an email when it ships",
            "can you shoot them a message",
            "they stab you in the back with fees",
            "you kill them with kindness",
            "please hang them up in the closet",
        ],
    )
    def test_idioms_with_violent_verbs_are_not_threats(self, text: str) -> None:
        signals = _assess(text)
        assert Urgency.SAFETY not in signals.urgency
        assert not any(cue.name == "threat" for cue in signals.cues)

    def test_would_it_kill_you_is_a_challenge(self) -> None:
        """ "would it kill you to answer?" is exasperation with the brand, not a threat."""
        signals = _assess("would it kill you to reply to my email?")
        assert "challenge" in [cue.name for cue in signals.cues_for(Signal.COMPLAINT)]
        assert not signals.cues_for(Signal.HOSTILITY)

    @pytest.mark.parametrize(
        "text",
        ["this heat will kill you", "the wait is gonna kill them", "it'll kill you"],
    )
    def test_what_a_thing_will_do_is_a_forecast(self, text: str) -> None:
        signals = _assess(text)
        assert Urgency.SAFETY not in signals.urgency
        assert [cue.name for cue in signals.cues_for(Signal.HOSTILITY)] == ["forecast"]

    @pytest.mark.parametrize(
        "text",
        [
            "I will kill you",
            "gonna kill you",
            "my brother will kill you",
            "someone should shoot him",
            "i will beat you up",
            "ill beat the shit out of you",
            "I will hunt you down",
        ],
    )
    def test_a_person_threatening_is_a_threat(self, text: str) -> None:
        signals = _assess(text)
        assert signals.hostile
        assert Urgency.SAFETY in signals.urgency

    def test_directed_insults_weigh_more(self) -> None:
        """ "you idiot" is more hostile than "idiot" alone."""
        assert _assess("you idiot").hostility_score > _assess("what an idiot thing").hostility_score

    def test_plain_complaint_is_not_hostile(self) -> None:
        """Anger about a delay is not hostility towards an agent."""
        assert not _assess("This delay is unacceptable, I am furious").hostile

    def test_profanity_as_intensifier_of_praise(self) -> None:
        """ "fucking amazing" is praise, not abuse."""
        signals = _assess("you guys are fucking amazing")
        assert signals.sentiment > 0
        assert not signals.complaint
        assert not _assess("this is so fuckin beautiful").hostile

    @pytest.mark.parametrize(
        "text",
        ["you are pathetic", "your agent is a joke", "he's absolutely disgusting", "u r useless"],
    )
    def test_a_harsh_word_said_of_someone_is_an_insult(self, text: str) -> None:
        """ "you are pathetic" insults a person; "this is pathetic" does not."""
        assert _assess(text).hostile
        assert any(cue.name == "directed_insult" for cue in _assess(text).cues)

    @pytest.mark.parametrize(
        "text",
        ["this is pathetic", "the delay is a joke", "you destroyed my favourite show"],
    )
    def test_a_harsh_word_not_said_of_someone_is_not(self, text: str) -> None:
        assert not _assess(text).hostile

    @pytest.mark.parametrize(
        "text",
        ["what a piece of shit", "you dimwit", "go eat shit", "piece of 💩", "nut job"],
    )
    def test_common_insults(self, text: str) -> None:
        assert _assess(text).hostile


class TestNegations:
    def test_denials_point_to_a_complaint(self) -> None:
        """Complaints deny: "didn't", "never", "no one" count towards a complaint."""
        text = "I didn't get an email and the app won't let me check in"
        signals = _assess(text)
        assert signals.complaint
        assert "didn't" in _cue_texts(signals, text, "negative_phrasing")
        assert {cue.signal for cue in signals.cues if cue.name == "negative_phrasing"} == {
            Signal.COMPLAINT
        }

    def test_negations_inside_a_phrase_are_not_counted_again(self) -> None:
        """ "no problem", "can't wait" and "doesn't work" are read as phrases."""
        for text in ("no problem at all, thanks", "can't wait to fly with you", "it doesn't work"):
            assert not _cue_texts(_assess(text), text, "negative_phrasing")
        assert not _assess("no problem at all, thanks").complaint

    def test_weight(self) -> None:
        text = "I didn't see the email"
        assert (
            not Triage(classifiers=(CareClassifier(weights=CareWeights(negation=0.0)),))
            .assess_text(text)
            .complaint
        )
        assert _assess(text).complaint


class TestCarePhrases:
    @pytest.mark.parametrize(
        "text",
        [
            "where is my refund?",
            "your service leaves a lot to be desired",
            "pick up the phone",
            "this is your fault",
            "we are sitting on the tarmac",
        ],
    )
    def test_service_failures_without_a_negative_word(self, text: str) -> None:
        assert _assess(text).complaint
        assert any(cue.name == "service_failure" for cue in _assess(text).cues)

    @pytest.mark.parametrize(
        ("text", "phrase"),
        [
            ("I want to speak to a manager", "speak to a manager"),
            ("that's not an answer", "that's not an answer"),
            ("would have been nice to be told", "would have been nice"),
            ("what the hell is going on", "what the hell"),
        ],
    )
    def test_frustration_needs_company(self, text: str, phrase: str) -> None:
        """Frustration alone is not a complaint; beside a failure it makes one stronger."""
        alone = _assess(text)
        assert _cue_texts(alone, text, "frustration") == [phrase]
        assert not alone.complaint
        with_failure = _assess(f"{text}, my flight is delayed")
        assert with_failure.complaint_score > _assess("my flight is delayed").complaint_score

    def test_a_plain_question_is_not_frustration(self) -> None:
        """ "what is your policy" asks; "what the hell" is frustration."""
        text = "what is your policy on pets?"
        assert not _cue_texts(_assess(text), text, "frustration")


class TestUrgency:
    @pytest.mark.parametrize(
        "text",
        [
            "how do I get the weapon unlock for the preorder?",
            "my kid's nerf gun arrived broken",
            "is the glue gun back in stock?",
            "your gun control ad is everywhere",
        ],
    )
    def test_a_game_a_tool_or_a_debate_is_no_weapon(self, text: str) -> None:
        assert Urgency.SAFETY not in _assess(text).urgency

    @pytest.mark.parametrize(
        "text", ["the driver had a gun in his car", "he pulled a knife on me", "bomb threat at T2"]
    )
    def test_a_weapon_is_a_safety_risk(self, text: str) -> None:
        assert Urgency.SAFETY in _assess(text).urgency

    def test_plastic_in_food_is_a_safety_risk_plastic_in_a_product_line_is_not(self) -> None:
        assert Urgency.SAFETY in _assess("found plastic in my burrito bowl").urgency
        text = "what are you doing to reduce single use plastic in the product line"
        assert Urgency.SAFETY not in _assess(text).urgency

    @pytest.mark.parametrize(
        ("text", "kind", "label"),
        [
            ("There is smoke coming from the charger", Urgency.SAFETY, "urgent:safety"),
            ("My son was left alone at the gate", Urgency.SAFETY, "urgent:safety"),
            ("I will be contacting my lawyer", Urgency.LEGAL, "urgent:legal"),
            ("Filing a complaint with the FTC", Urgency.LEGAL, "urgent:legal"),
            (
                "Cancelling my subscription and switching to another provider",
                Urgency.CHURN,
                "urgent:churn",
            ),
            ("I will never fly with you again", Urgency.CHURN, "urgent:churn"),
            ("Stranded at the airport overnight", Urgency.TIME, "urgent:time"),
            ("My flight leaves in 40 minutes and the desk is closed", Urgency.TIME, "urgent:time"),
            ("The website is down", Urgency.TIME, "urgent:time"),
        ],
    )
    def test_each_kind(self, text: str, kind: Urgency, label: str) -> None:
        """Each kind of urgency is found, labelled and backed by a cue."""
        signals = _assess(text)
        assert kind in signals.urgency
        assert label in signals.labels
        assert any(c.name == kind.value for c in signals.cues_for(Signal.URGENCY)) or (
            kind is Urgency.SAFETY
        )

    def test_calm_text_is_not_urgent(self) -> None:
        """An ordinary question is not urgent."""
        assert not _assess("What are your opening hours on Sunday?").urgency


class TestIntent:
    @pytest.mark.parametrize(
        ("text", "intent"),
        [
            ("What time does the store open?", Intent.QUESTION),
            ("how do I change my seat", Intent.QUESTION),
            ("Thank you so much, the team was wonderful!", Intent.PRAISE),
            ("Follow back! Click here for free followers http://spam.example", Intent.SPAM),
            ("Can you please check my order status?", Intent.REQUEST),
            ("You should add a dark mode", Intent.FEEDBACK),
            ("My package never arrived", Intent.COMPLAINT),
            ("Flying to Boston today", Intent.OTHER),
        ],
    )
    def test_intent(self, text: str, intent: Intent) -> None:
        """The intent and its ``intent:<name>`` label."""
        signals = _assess(text)
        assert signals.intent is intent
        assert f"intent:{intent.value}" in signals.labels


class TestCues:
    def test_every_text_cue_points_into_the_text(self) -> None:
        """Spans slice the original text, even with invisible characters inside."""
        text = "@acme I am \u200bnot happy: my bag is LOST \U0001f621 #fail"
        signals = _assess(text)
        assert signals.cues
        for cue in signals.cues:
            if cue.span is not None:
                start, end = cue.span
                assert 0 <= start <= end <= len(text)
        assert any("LOST" in t for t in _cue_texts(signals, text, "service_failure"))

    def test_cues_name_their_signal_and_source(self) -> None:
        """A cue says which signal it fed and which classifier produced it."""
        text = "still waiting"
        cue = _assess(text).cues_for(Signal.COMPLAINT)[0]
        assert (cue.name, cue.signal, cue.source, cue.text(text)) == (
            "service_failure",
            Signal.COMPLAINT,
            "care",
            "still waiting",
        )

    def test_non_ascii_offsets_map_back(self) -> None:
        """A text whose lower case changes length still gets correct spans."""
        text = "İİ the service was terrible"
        signals = _assess(text)
        assert _cue_texts(signals, text, "lexicon") == ["terrible"]


class TestWeights:
    def test_weights_move_the_threshold(self) -> None:
        """A more skeptical bias makes fewer complaints."""
        strict = Triage(classifiers=(CareClassifier(weights=CareWeights(complaint_bias=-8.0)),))
        assert TRIAGE.assess_text("it is late").complaint
        assert not strict.assess_text("it is late").complaint

    def test_max_chars_must_be_positive(self) -> None:
        """A classifier that reads nothing is a mistake."""
        with pytest.raises(ValueError, match="max_chars"):
            CareClassifier(max_chars=0)

    def test_extra_valence_overrides(self) -> None:
        """Words of the brand's own vocabulary can be given a valence."""
        clf = CareClassifier(extra_valence={"megadeal": 3.0})
        assert clf.classify("the megadeal").sentiment or 0 > 0


class TestQuestionsAndPoliteness:
    def test_praise_words_in_a_question_count_less(self) -> None:
        """ "any good deals?" asks; it does not praise."""
        asked = _assess("any good deals for March?")
        assert asked.polarity is not Polarity.POSITIVE
        assert _assess("good deals for March").sentiment > asked.sentiment

    def test_thanks_in_a_request_is_politeness(self) -> None:
        """Thanks closing a question or a request is not praise."""
        polite = _assess("can you check my booking please? thanks")
        assert polite.intent is not Intent.PRAISE
        assert polite.sentiment < _assess("thanks").sentiment

    def test_a_question_about_a_failure_counts_less(self) -> None:
        """Asking about a delay (a question at the end) weighs less than reporting one."""
        asked = _assess("flight 12 delayed - any chance of an earlier flight?").complaint_score
        told = _assess("flight 12 delayed. no chance of an earlier flight.").complaint_score
        assert asked < told


class TestChallenges:
    @pytest.mark.parametrize(
        "text",
        ["why would you charge me for that?", "how could you let this happen", "why is it so hard"],
    )
    def test_a_why_put_to_the_brand_is_a_complaint(self, text: str) -> None:
        """ "why would you..." is a complaint even with nothing else negative."""
        signals = _assess(text)
        assert signals.complaint
        assert any(cue.name == "challenge" for cue in signals.cues)


class TestCareVocabulary:
    @pytest.mark.parametrize(
        "text",
        [
            "the agent never replied",
            "they did not even apologize",
            "such poor organisation",
            "only one agent at the desk and 40 people in line",
            "the refund took forever",
            "such a lack of communication",
            "you guys need to get your act together",
            "they treated us like cattle",
            "hour 5 at the gate",
        ],
    )
    def test_failures_a_care_team_knows(self, text: str) -> None:
        signals = _assess(text)
        assert signals.complaint
        assert any(cue.name == "service_failure" for cue in signals.cues)


class TestHashtags:
    @pytest.mark.parametrize("tag", ["#badcustomerservice", "#awfulservice", "#nothappy"])
    def test_compound_tags_are_read_word_by_word(self, tag: str) -> None:
        """A tag of several words means what its words mean, negation included."""
        assert _assess(f"flight home {tag}").sentiment < 0

    def test_a_tag_is_not_split_into_stray_words(self) -> None:
        """ "#passion" is not "p", "ass", "i", "on"."""
        assert not _assess("#passion").cues

    def test_a_hostile_tag_is_an_insult(self) -> None:
        text = "he is a #usefulidiot"
        names = [cue.name for cue in _assess(text).cues_for(Signal.HOSTILITY)]
        assert names
        assert "hostile_emoji" not in names


class TestShoutingAndEmoji:
    def test_capitals_with_apostrophes_are_shouting(self) -> None:
        """Words in capitals count even with an apostrophe ("I'M")."""
        text = "I'M SO DONE WITH THIS AIRLINE"
        assert any(cue.name == "shouting" for cue in _assess(text).cues)

    def test_a_few_capitals_are_not_shouting(self) -> None:
        text = "flying with USA Airways to JFK tomorrow"
        assert not any(cue.name == "shouting" for cue in _assess(text).cues)

    def test_a_sad_emoji_is_not_an_insult(self) -> None:
        """A sad face next to "she is" is grief, not a directed insult."""
        signals = _assess("she is watching over you now 😢😢")
        assert not signals.hostile
        assert not signals.cues_for(Signal.HOSTILITY)


class TestModeration:
    @pytest.mark.parametrize(
        "text", ["typical snowflakes", "what a bunch of suckers", "you bunch of bootlickers"]
    )
    def test_name_calling_is_hostile(self, text: str) -> None:
        assert _assess(text).hostile

    def test_mild_profanity_alone_is_not(self) -> None:
        """ "what the hell" is frustration, not abuse of an agent."""
        assert not _assess("what the hell is going on").hostile

    @pytest.mark.parametrize(
        "text", ["you b!tch", "sh!t service", "f!ck you", "what a p*ssy", "a%%hole"]
    )
    def test_profanity_masked_with_any_mask_character_is_hostile(self, text: str) -> None:
        """ "!" and "%" mask letters as "*" and "$" do."""
        assert _assess(text).hostile
        assert _assess(text).cues_for(Signal.HOSTILITY)[0].name == "profanity"

    @pytest.mark.parametrize(
        "text",
        ["sh! the baby is asleep", "push! push!", "wow!!! 50% off", "my bags always get lost"],
    )
    def test_exclamations_and_ordinary_words_are_not_masked_profanity(self, text: str) -> None:
        assert not _assess(text).hostile

    @pytest.mark.parametrize(
        "text", ["shut the hell up", "what is wrong with you", "wtf is wrong with u", "ur a tool"]
    )
    def test_dismissive_abuse_is_hostile(self, text: str) -> None:
        assert _assess(text).hostile

    @pytest.mark.parametrize(
        "text",
        [
            "go back to your country",
            "you people are animals",
            "these people are subhuman",
            "nobody likes you",
        ],
    )
    def test_xenophobia_dehumanizing_and_bullying_are_hostile(self, text: str) -> None:
        assert _assess(text).hostile

    @pytest.mark.parametrize(
        "text",
        ["we saw animals at the zoo", "nobody likes waiting on hold", "no one wants you to wait"],
    )
    def test_the_same_words_in_ordinary_sentences_are_not(self, text: str) -> None:
        assert not _assess(text).hostile

    def test_a_tool_that_works_is_not_an_insult(self) -> None:
        assert not _assess("what a tool this app is, love it").hostile
        assert not _assess("what is wrong with my order?").hostile

    @pytest.mark.parametrize("text", ["fuuckkk youuu", "Ur fucken fake", "so fukn what"])
    def test_profanity_held_or_spelled_as_said_is_hostile(self, text: str) -> None:
        """A held letter beside a double one ("fuuckkk") is still the word."""
        signals = _assess(text)
        assert signals.hostile
        assert signals.cues_for(Signal.HOSTILITY)

    @pytest.mark.parametrize(
        "text",
        [
            "who the hell does she think she is?",
            "who in the hell do you think you are",
            "you make me sick",
            "they are a cancer on this country",
        ],
    )
    def test_contempt_for_a_person_is_hostile(self, text: str) -> None:
        assert _assess(text).hostile

    @pytest.mark.parametrize(
        "text",
        [
            "my mother has cancer and I need to change my flight",
            "this delay makes me sick",
            "who do you think will answer first?",
            "sooo goood",
            "the food made me sick, I want a refund",
        ],
    )
    def test_illness_and_questions_are_not_contempt(self, text: str) -> None:
        assert not _assess(text).hostile

    @pytest.mark.parametrize("text", ["even shittier seats", "what a clusterfuck", "bitchass"])
    def test_a_word_made_on_a_profanity_is_profanity(self, text: str) -> None:
        signals = _assess(text)
        assert signals.hostile
        assert signals.cues_for(Signal.HOSTILITY)[0].name == "profanity"

    @pytest.mark.parametrize(
        "text", ["flights from Scunthorpe", "reading Dickens on board", "a shiitake risotto"]
    )
    def test_innocent_words_that_hold_those_letters_are_not(self, text: str) -> None:
        assert not _assess(text).cues_for(Signal.HOSTILITY)

    @pytest.mark.parametrize(
        "text", ["liberals are disgusting", "what a spiteful woman", "clueless people everywhere"]
    )
    def test_a_harsh_word_said_of_a_group_or_before_a_person_is_an_insult(self, text: str) -> None:
        signals = _assess(text)
        assert signals.hostile
        assert any(cue.name == "directed_insult" for cue in signals.cues)

    @pytest.mark.parametrize(
        "text",
        [
            "people are sick and tired of waiting",
            "they are worried and upset",
            "he is hurt and stranded",
        ],
    )
    def test_a_feeling_said_of_someone_is_no_insult(self, text: str) -> None:
        assert not _assess(text).cues_for(Signal.HOSTILITY)

    @pytest.mark.parametrize(
        "text",
        ["he should be shot", "she deserves to be hanged", "you are a waste of space"],
    )
    def test_wishes_of_violence_and_contempt_are_hostile(self, text: str) -> None:
        assert _assess(text).hostile

    @pytest.mark.parametrize(
        "text",
        [
            "will you ever address my complaint, or do you just ignore it?",
            "I need to put down a deposit to book",
            "tf is wrong with my keyboard",
            "your staff disgusted me with the level of service",
            "hoe long does a refund take?",
        ],
    )
    def test_a_pointed_complaint_is_not_hostile(self, text: str) -> None:
        """Two weak cues near "you", a deposit put down, an expletive: no insult."""
        signals = _assess(text)
        assert not signals.hostile
        assert Urgency.SAFETY not in signals.urgency

    @pytest.mark.parametrize(
        "text",
        [
            "Stupid question - can I split payment methods?",
            "dumb question but is wifi free?",
            "can I bring guinea pigs in a pet carrier?",
            "thanks for the #Twitter chat",
        ],
    )
    def test_harmless_pairs_and_names_are_not_insults(self, text: str) -> None:
        assert not _assess(text).cues_for(Signal.HOSTILITY)

    @pytest.mark.parametrize(
        "text",
        [
            "there was a cockroach in my room",
            "scammers called me pretending to be you",
            "a thief took my bag at the gate",
            "the file is corrupt, please resend it",
        ],
    )
    def test_reports_that_name_a_pest_or_a_crime_are_not_hostile(self, text: str) -> None:
        assert not _assess(text).hostile


class TestLinks:
    def test_a_link_hides_nothing_after_a_line_break(self) -> None:
        """A link ends at any white space, not only at a space."""
        text = "see http://t.co/x\nawful"
        assert "awful" in _cue_texts(_assess(text), text, "lexicon")

    def test_a_link_means_nothing(self) -> None:
        assert not _assess("https://t.co/thanks-for-nothing-awful").cues


def test_a_word_in_two_weight_groups_is_an_error() -> None:
    """A lexicon table lists each word once: a second weight would silently win."""
    from socialcx.triage._lexicon import _weighted

    assert _weighted({1.0: "rude curt", 2.0: "vile"}) == {"rude": 1.0, "curt": 1.0, "vile": 2.0}
    with pytest.raises(ValueError, match="'rude' is listed twice"):
        _weighted({1.0: "rude curt", 2.0: "rude"})
