"""FakeChannel passes the contract suite it ships with, in several configurations."""

from __future__ import annotations

from datetime import timedelta

import pytest

from socialcx.model import ChannelCapabilities, LengthUnit
from socialcx.testing import FakeChannel
from socialcx.testing.contract import ChannelContract, ContractFault, FakeChannelHarness


class TestFakeChannel(ChannelContract):
    """The default fake: public and private, idempotent send, webhooks."""

    @pytest.fixture
    def channel_harness(self) -> FakeChannelHarness:
        return FakeChannelHarness()


class TestFakeChannelWithoutPrivateOrIdempotency(ChannelContract):
    """A Reddit-like fake: public only, no idempotent send, graphemes, page of one."""

    @pytest.fixture
    def channel_harness(self) -> FakeChannelHarness:
        caps = ChannelCapabilities(
            public_reply=True,
            private_message=False,
            max_length=300,
            length_unit=LengthUnit.GRAPHEMES,
            idempotent_send=False,
        )
        return FakeChannelHarness(fake=FakeChannel(capabilities=caps, page_size=1))


class TestFakeChannelWithoutEchoesOrFaults(ChannelContract):
    """A fake that never echoes the brand and whose harness produces no faults."""

    @pytest.fixture
    def channel_harness(self) -> FakeChannelHarness:
        caps = ChannelCapabilities(
            private_message=True,
            brand_can_start_private=True,
            private_window=timedelta(days=7),
            idempotent_send=True,
        )
        fake = FakeChannel(capabilities=caps, page_size=50, echo_brand_posts=False)
        return FakeChannelHarness(fake=fake, faults=frozenset[ContractFault]())
