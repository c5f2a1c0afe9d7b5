"""Channel capabilities: lengths counted as each network counts them."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

import socialcx as sx
from socialcx.model import graphemes

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # one emoji, five code points
FLAG = "\U0001f1e9\U0001f1ea"  # two regional indicators, one flag
THUMBS = "\U0001f44d\U0001f3fd"  # thumbs up with a skin tone
ACCENT = "e\u0301"  # e + combining acute


def test_graphemes_keep_emoji_sequences_and_marks_together() -> None:
    """ZWJ families, flags, skin tones and combining marks are one character each."""
    assert graphemes(FAMILY + FLAG + THUMBS + ACCENT + "a") == [FAMILY, FLAG, THUMBS, ACCENT, "a"]
    assert len(graphemes(FLAG * 3)) == 3


def test_units() -> None:
    """Characters, graphemes, X's weights and bytes differ on the same text."""
    text = "caf" + ACCENT + " " + FAMILY
    chars = sx.ChannelCapabilities(length_unit="characters")
    assert chars.length(text) == len(text)
    assert sx.ChannelCapabilities(length_unit="graphemes").length(text) == 6
    assert sx.ChannelCapabilities(length_unit="weighted").length(text) == 7
    assert sx.ChannelCapabilities(length_unit="bytes").length(text) == len(text.encode())
    assert sx.ChannelCapabilities(length_unit="weighted").length("日本") == 4


def test_urls_count_as_fixed_length() -> None:
    """With url_length set, every link counts the same however long it is."""
    caps = sx.ChannelCapabilities(max_length=30, url_length=23)
    text = "see https://example.com/" + "a" * 200
    assert caps.length(text) == 4 + 23
    assert caps.fits(text, private=False)


def test_remote_mentions_count_without_their_domain_where_the_network_says_so() -> None:
    """Mastodon counts @dana@example.social as @dana; an e-mail address is not a mention."""
    text = "@dana@example.social sorry, write to help@acme.example"
    plain = sx.ChannelCapabilities()
    mastodon = sx.ChannelCapabilities(mention_domain_free=True)
    assert plain.length(text) == len(text)
    assert mastodon.length(text) == len(text) - len("@example.social")
    assert mastodon.length("@dana hi") == len("@dana hi")


def test_the_gate_counts_a_mastodon_reply_to_a_remote_customer_as_mastodon_does() -> None:
    from socialcx.gate import capabilities_for

    caps = capabilities_for("mastodon")
    text = "@dana@a-very-long-instance-name.example " + "x" * 494
    assert caps.length(text) == 500
    assert caps.fits(text, private=False)


def test_private_limit_falls_back_to_public() -> None:
    """A private limit applies to private messages; otherwise the public one does."""
    caps = sx.ChannelCapabilities(max_length=10, private_max_length=100)
    assert not caps.fits("x" * 50, private=False)
    assert caps.fits("x" * 50, private=True)
    assert sx.ChannelCapabilities(max_length=10).limit(private=True) == 10


@given(st.text())
def test_graphemes_partition_the_text(text: str) -> None:
    """Clusters concatenate back to the text, and there are never more than code points."""
    clusters = graphemes(text)
    assert "".join(clusters) == text
    assert len(clusters) <= len(text)
