"""The contract suite can fail: each deliberately broken channel is caught by a named check."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path

import attrs
import httpx
import pytest

from socialcx._serialization import from_dict
from socialcx.channels import ChannelHealth, Cursor, Delivery, Page, check_outbound
from socialcx.errors import ChannelError, TransientChannelError
from socialcx.model import Mention, OutboundMessage, Visibility
from socialcx.testing import FakeChannel
from socialcx.testing._fake_channel import FaultTarget
from socialcx.testing.contract import ChannelContract, FakeChannelHarness


class SkipsOnCursor(FakeChannel):
    """Drops the first mention of every page after the first."""

    async def fetch(self, cursor: Cursor | None) -> Page:
        page = await super().fetch(cursor)
        if cursor is not None and json.loads(cursor)["after"] > 0 and page.mentions:
            return attrs.evolve(page, mentions=page.mentions[1:])
        return page


class RepeatsOnCursor(FakeChannel):
    """Starts every page with the last mention of the page before."""

    async def fetch(self, cursor: Cursor | None) -> Page:
        page = await super().fetch(cursor)
        after = json.loads(cursor)["after"] if cursor else 0
        if after and page.mentions:
            earlier = [e.mention for e in self._log if e.seq == after]
            return attrs.evolve(page, mentions=(*earlier, *page.mentions))
        return page


class NeverCatchesUp(FakeChannel):
    """Always claims there is more."""

    async def fetch(self, cursor: Cursor | None) -> Page:
        return attrs.evolve(await super().fetch(cursor), has_more=True)


class SendsTwice(FakeChannel):
    """Posts again on every send, although it claims idempotent send."""

    async def send(self, message: OutboundMessage) -> Delivery:
        check_outbound(message, self.capabilities, channel=self.ref)
        self._network_call(FaultTarget.SEND)
        return self._publish(message)


class WrongErrors(FakeChannel):
    """Lets library errors out instead of the mapped ones."""

    async def fetch(self, cursor: Cursor | None) -> Page:
        try:
            return await super().fetch(cursor)
        except TransientChannelError as exc:
            raise httpx.ReadTimeout("timed out") from exc
        except ChannelError as exc:
            raise RuntimeError(str(exc)) from exc


class ChecksLengthTooLate(FakeChannel):
    """Asks the server before checking the length limit."""

    async def send(self, message: OutboundMessage) -> Delivery:
        self.requests += 1
        return await super().send(message)


class LeaksPrivate(FakeChannel):
    """Reports private messages as public posts: the worst bug in the field."""

    async def fetch(self, cursor: Cursor | None) -> Page:
        page = await super().fetch(cursor)
        public = tuple(attrs.evolve(m, visibility=Visibility.PUBLIC) for m in page.mentions)
        return attrs.evolve(page, mentions=public)


class UnmarkedEchoes(FakeChannel):
    """Returns the brand's own replies as if a customer wrote them."""

    async def fetch(self, cursor: Cursor | None) -> Page:
        page = await super().fetch(cursor)
        mentions = tuple(
            attrs.evolve(m, author=attrs.evolve(m.author, is_brand=False)) for m in page.mentions
        )
        return attrs.evolve(page, mentions=mentions)


class UnstableKeys(FakeChannel):
    """Invents a new id for a post every time it is fetched."""

    async def fetch(self, cursor: Cursor | None) -> Page:
        page = await super().fetch(cursor)
        renamed = tuple(
            attrs.evolve(m, native_id=f"{m.native_id}-{self.requests}") for m in page.mentions
        )
        return attrs.evolve(page, mentions=renamed)


class ForgetsSends(FakeChannel):
    """Cannot find what it sent, so a restart would send again."""

    async def find_sent(self, message: OutboundMessage) -> Delivery | None:
        await super().find_sent(message)
        return None


class TrustsAnyWebhook(FakeChannel):
    """Parses webhooks without checking the signature."""

    def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> Sequence[Mention]:
        return [from_dict(Mention, item) for item in json.loads(body)["mentions"]]


class StaysHealthy(FakeChannel):
    """Reports healthy whatever happens."""

    @property
    def health(self) -> ChannelHealth:
        return ChannelHealth.HEALTHY


BROKEN = [
    (SkipsOnCursor, "test_poll_never_skips_or_repeats"),
    (SkipsOnCursor, "test_failed_fetch_loses_nothing"),
    (RepeatsOnCursor, "test_poll_never_skips_or_repeats"),
    (RepeatsOnCursor, "test_stored_cursor_resumes_in_a_new_instance"),
    (NeverCatchesUp, "test_caught_up_poll_is_empty"),
    (SendsTwice, "test_send_is_idempotent_by_key"),
    (WrongErrors, "test_timeout_raises_transient"),
    (WrongErrors, "test_rate_limit_raises_rate_limited"),
    (WrongErrors, "test_expired_token_raises_auth_expired"),
    (WrongErrors, "test_malformed_body_raises_invalid_payload"),
    (ChecksLengthTooLate, "test_too_long_is_refused_before_any_request"),
    (LeaksPrivate, "test_private_messages_stay_private"),
    (UnmarkedEchoes, "test_brand_echoes_are_marked_as_brand"),
    (UnstableKeys, "test_dedupe_keys_are_stable"),
    (ForgetsSends, "test_find_sent_finds_a_sent_message"),
    (ForgetsSends, "test_lost_response_is_found_not_resent"),
    (TrustsAnyWebhook, "test_tampered_webhook_is_refused"),
    (TrustsAnyWebhook, "test_unsigned_webhook_is_refused"),
    (StaysHealthy, "test_rate_limit_raises_rate_limited"),
    (StaysHealthy, "test_expired_token_raises_auth_expired"),
]


def _outcome(kind: type[FakeChannel], check: str) -> str:
    harness = FakeChannelHarness(fake=kind(page_size=3))
    try:
        getattr(ChannelContract(), check)(harness)
    except pytest.skip.Exception:
        return "skipped"
    except (Exception, pytest.fail.Exception):
        return "failed"
    return "passed"


@pytest.mark.parametrize(("kind", "check"), BROKEN, ids=lambda v: getattr(v, "__name__", v))
def test_suite_fails_a_broken_channel(kind: type[FakeChannel], check: str) -> None:
    """The named check fails the broken channel and passes the honest fake."""
    assert _outcome(FakeChannel, check) == "passed"
    assert _outcome(kind, check) == "failed"


def test_unbroken_subclass_passes_every_check() -> None:
    """A subclass that changes nothing passes the whole suite (the failures above are real)."""

    class Honest(FakeChannel):
        pass

    checks = [name for name in dir(ChannelContract) if name.startswith("test_")]
    outcomes = {name: _outcome(Honest, name) for name in checks}
    assert set(outcomes.values()) <= {"passed", "skipped"}, outcomes
    assert list(outcomes.values()).count("passed") >= 25


def test_suite_reports_failures_through_pytest(tmp_path: Path) -> None:
    """Run as a vendor would (plugin + one harness class), a broken channel fails the run."""
    (tmp_path / "conftest.py").write_text('pytest_plugins = ["socialcx.testing.pytest_plugin"]\n')
    (tmp_path / "test_vendor.py").write_text(
        textwrap.dedent(
            """
            import attrs, pytest
            from socialcx.testing import FakeChannel
            from socialcx.testing.contract import ChannelContract, FakeChannelHarness

            class Broken(FakeChannel):
                async def fetch(self, cursor):
                    page = await super().fetch(cursor)
                    return attrs.evolve(page, mentions=page.mentions[1:])

            class TestHonest(ChannelContract):
                @pytest.fixture
                def channel_harness(self, fake_channel_harness):
                    return fake_channel_harness

            class TestBroken(ChannelContract):
                @pytest.fixture
                def channel_harness(self):
                    return FakeChannelHarness(fake=Broken(page_size=2))
            """
        )
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    summary = result.stdout.strip().splitlines()[-1]
    assert result.returncode == 1, result.stdout[-2000:]
    assert "TestBroken::test_poll_never_skips_or_repeats FAILED" in result.stdout or (
        "FAILED test_vendor.py::TestBroken::test_poll_never_skips_or_repeats" in result.stdout
    ), result.stdout[-2000:]
    assert "TestHonest" not in "\n".join(
        line for line in result.stdout.splitlines() if line.startswith("FAILED")
    ), summary
