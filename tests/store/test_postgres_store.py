"""PostgresStore passes the store contract against a real server."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from socialcx.errors import StoreError
from socialcx.store import PostgresStore
from socialcx.testing.store_contract import StoreContract

DSN = os.environ.get("SOCIALCX_TEST_POSTGRES_DSN")

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not DSN, reason="set SOCIALCX_TEST_POSTGRES_DSN to a PostgreSQL server to run these"
    ),
]


@pytest.fixture
def pg_store() -> Iterator[PostgresStore]:
    assert DSN is not None
    store = PostgresStore(DSN, schema=f"t_{uuid.uuid4().hex[:12]}")
    yield store
    store.drop_everything()
    store.close()


class TestPostgresStore(StoreContract):
    @pytest.fixture
    def store(self, pg_store: PostgresStore) -> PostgresStore:
        return pg_store


def test_the_password_never_shows() -> None:
    with pytest.raises(StoreError) as info:
        PostgresStore("postgresql://u:hunter2@127.0.0.1:1/nope", min_size=0, timeout=0.5)
    assert "hunter2" not in str(info.value)


def test_repr_hides_the_password(pg_store: PostgresStore) -> None:
    assert DSN is not None
    store = PostgresStore(DSN.replace("postgres@", "postgres:s3cret@"), schema=pg_store.schema)
    assert "s3cret" not in repr(store)
    store.close()
