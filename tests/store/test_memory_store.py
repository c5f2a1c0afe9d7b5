"""MemoryStore passes the store contract."""

from __future__ import annotations

import pytest

from socialcx.store import MemoryStore
from socialcx.testing.store_contract import StoreContract, sample_mention


class TestMemoryStore(StoreContract):
    @pytest.fixture
    def store(self) -> MemoryStore:
        return MemoryStore()


def test_closed_store_refuses_writes() -> None:
    from socialcx.errors import StoreError

    store = MemoryStore()
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.add_mention(sample_mention())
