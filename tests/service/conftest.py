"""Fixtures for the service tests: a database per test on SQLite and on PostgreSQL.

PostgreSQL runs at 127.0.0.1:5432 (trust auth; CI starts it). Each test gets its own schema, so
tests and other engineers' runs never collide; it is dropped afterwards. If PostgreSQL is down the
PostgreSQL variants FAIL (they do not skip): the service must be proven on both.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from padan.linker.service import Settings, create_app, create_coordinator_token

POSTGRES_URL = os.environ.get("PADAN_TEST_POSTGRES_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture
def postgres_schema_url() -> Iterator[str]:
    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = create_engine(POSTGRES_URL)
    with engine.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'padan.db'}"
    return request.getfixturevalue("postgres_schema_url")


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=database_url,
                    max_upload_bytes=1 << 20, lease_seconds=30, worker_poll_seconds=0.1)


@pytest.fixture
def app(settings: Settings):
    application = create_app(settings)
    yield application
    application.state.padan.engine.dispose()


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def coordinator_token(settings: Settings) -> str:
    return create_coordinator_token(settings, "koordinator")


