"""The machine's real PostgreSQL for tests: a fresh schema per test, dropped afterwards."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import psycopg
import pytest

SERVER = "postgresql://postgres@127.0.0.1:5432/test"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A store URL whose connections work in a fresh schema of the test database.

    Without the server the test fails in CI (``CI`` set, as ``.ci/run`` runs) and is skipped,
    with the reason, elsewhere.
    """
    schema = f"test_{secrets.token_hex(4)}"
    try:
        admin = psycopg.connect(SERVER, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is not running at {SERVER}: {error}")
        pytest.skip(f"PostgreSQL is not running at {SERVER}")
    with admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{SERVER}?options=-csearch_path%3D{schema}"
    finally:
        # Over a new connection: a test that restarts the server or cuts sessions would have
        # cut one held for the whole test.
        with psycopg.connect(SERVER, autocommit=True, connect_timeout=30) as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")
