"""The example connector from docs/connectors.md passes the contract suite over MockTransport."""

from __future__ import annotations

import pytest

from socialcx.channels import WebhookChannel
from socialcx.testing.contract import ChannelContract
from tests.channels.acme_connector import AcmeChannel, AcmeHarness


class TestAcmeChannel(ChannelContract):
    """A vendor's whole test file: one fixture, the suite inherited."""

    @pytest.fixture
    def channel_harness(self) -> AcmeHarness:
        return AcmeHarness()


def test_example_is_a_webhook_channel() -> None:
    """The example satisfies the protocol, push included."""
    assert isinstance(AcmeHarness().make_channel(), WebhookChannel)


def test_repr_hides_the_token() -> None:
    """The access token never shows in the channel's repr."""
    channel = AcmeChannel(account="acme", token="very-secret-token")
    assert "very-secret-token" not in repr(channel)
