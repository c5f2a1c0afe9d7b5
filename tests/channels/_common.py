"""What the adapter tests and their fake networks share.

``run``, the message builders, the JSON strategies and the assertions serve
the ``test_*`` modules; :class:`FakeHarness` holds the parts of a contract
harness (:class:`socialcx.testing.contract.ChannelHarness`) that are the same
for every fake network.
"""

from __future__ import annotations

import asyncio
import types
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx
from hypothesis import strategies as st

from socialcx.errors import InvalidPayload
from socialcx.model import ChannelRef, Mention, OutboundMessage, Visibility
from socialcx.testing.contract import ContractFault

T = TypeVar("T")

#: When the test messages were written.
SENT_AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def run(awaitable: Awaitable[T]) -> T:
    """Await ``awaitable`` in a new event loop and return its result."""

    async def main() -> T:
        return await awaitable

    return asyncio.run(main())


def public_reply(ref: ChannelRef, target: str, text: str, **fields: Any) -> OutboundMessage:
    """A public reply on ``ref`` to post ``target``; ``fields`` override the rest."""
    defaults = {"id": "out-1", "visibility": Visibility.PUBLIC, "in_reply_to": target}
    return _outbound(ref, text, {**defaults, **fields})


def private_message(ref: ChannelRef, recipient: str, text: str, **fields: Any) -> OutboundMessage:
    """A private message on ``ref`` to ``recipient``; ``fields`` override the rest."""
    defaults = {"id": "out-dm", "visibility": Visibility.PRIVATE, "recipient": recipient}
    return _outbound(ref, text, {**defaults, **fields})


def _outbound(ref: ChannelRef, text: str, fields: Mapping[str, Any]) -> OutboundMessage:
    values = {"case_id": "case-1", "channel": ref, "text": text, "created_at": SENT_AT, **fields}
    return OutboundMessage(**values)


# --- parsers and module surfaces ---------------------------------------------------

#: Any decoded JSON value, NaN included.
JSON: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


def json_with_keys(keys: Sequence[str]) -> st.SearchStrategy[Any]:
    """Decoded JSON whose objects mostly use ``keys``, the field names a parser looks for."""
    leaves = st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
        lambda inner: (
            st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12), inner, max_size=5)
        ),
        max_leaves=30,
    )
    return st.recursive(
        leaves,
        lambda inner: (
            st.dictionaries(st.sampled_from(keys), inner, max_size=6) | st.lists(inner, max_size=4)
        ),
        max_leaves=40,
    )


def assert_entries_or_invalid(
    parse: Callable[..., Sequence[object]], payload: Any, *, ref: ChannelRef
) -> None:
    """``parse(payload, ref=ref)`` gives mentions and rejected items, or raises InvalidPayload.

    Nothing else: no other exception, no other kind of entry.
    """
    try:
        parsed = parse(payload, ref=ref)
    except InvalidPayload:
        return
    assert all(isinstance(entry, Mention | InvalidPayload) for entry in parsed)


def assert_all_is_honest(module: types.ModuleType) -> None:
    """``module.__all__`` is exactly its public names, sorted constants, classes, functions.

    Public names are the classes and functions it defines and its string constants.
    """
    public = {
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and (
            (isinstance(value, type | types.FunctionType) and value.__module__ == module.__name__)
            or (name.isupper() and isinstance(value, str))
        )
    }
    assert set(module.__all__) == public
    names = list(module.__all__)
    assert names == sorted(names, key=lambda n: (not n.isupper(), not n[0].isupper(), n))


# --- the fake networks ------------------------------------------------------------------


def next_fault(
    fail: list[str], request: httpx.Request, *, writes_only: Collection[str] = ()
) -> str | None:
    """Take the fault a fake server owes ``request`` from its ``fail`` list.

    A timeout is raised here; any other fault is returned for the server to
    answer as its network would. A fault in ``writes_only`` (a lost answer,
    say) stays pending until a ``POST`` comes.

    Raises:
        httpx.ReadTimeout: The fault is ``"timeout"``.
    """
    fault = fail.pop(0) if fail else None
    if fault is not None and fault in writes_only and request.method != "POST":
        fail.insert(0, fault)  # about a write: wait for one
        fault = None
    if fault == "timeout":
        raise httpx.ReadTimeout("timed out", request=request)
    return fault


class FakeHarness:
    """The parts of a contract harness that every fake network shares.

    A subclass sets ``self.server``: a fake with a ``handler`` for
    ``httpx.MockTransport``, a ``fail`` list of pending faults, and
    ``brand_posts`` and ``requests`` counts. It adds ``make_channel`` and
    ``customer_post``, and overrides what its network does differently.
    """

    faults: frozenset[ContractFault] = frozenset(ContractFault)
    server: Any

    def client(self) -> httpx.AsyncClient:
        """An HTTP client whose every request the fake server answers."""
        return httpx.AsyncClient(transport=httpx.MockTransport(self.server.handler))

    def fail_next(self, fault: ContractFault) -> None:
        """Make the next request fail."""
        self.server.fail.append(fault.value)

    def brand_post_count(self) -> int:
        """Posts and private messages the brand made on the server."""
        return int(self.server.brand_posts)

    def request_count(self) -> int:
        """Requests that reached the server."""
        return int(self.server.requests)

    def webhook(self, native_id: str) -> tuple[Mapping[str, str], bytes] | None:
        """No push deliveries: the network has none for this channel."""
        return None
