"""The short reliability run: schemathesis fuzzing of every operation as every role (0 server
errors, 0 schema violations), and a dropped database connection answered 503 to be retried.

The full run, with load and faults on PostgreSQL: python -m benchmarks.service_reliability.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from padan.linker.service import Settings, create_app, create_coordinator_token

from .helpers import auth

ROOT = Path(__file__).resolve().parents[2]


def _benchmark():
    spec = importlib.util.spec_from_file_location(
        "service_reliability", ROOT / "benchmarks" / "service_reliability.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def reliability():
    return _benchmark()


def test_fuzzing_every_operation_as_every_role_finds_no_server_error(reliability, tmp_path):
    data = reliability.make_data(tmp_path / "data", agencies=2, records=40, big=40)
    settings = Settings(data_dir=tmp_path / "linker",
                        database_url=f"sqlite:///{tmp_path / 'fuzz.db'}", **reliability.NO_THROTTLE)
    app = create_app(settings)
    world = reliability.fuzz_world_in_process(app, settings, data)
    figures = reliability.fuzz(app, world, examples=2)
    app.state.padan.engine.dispose()
    assert figures.operations >= 25 and figures.cases > 500
    assert (figures.server_errors, figures.schema_violations) == (0, 0), figures.examples
    reached = {status for counter in figures.by_role.values() for status in counter}
    assert {200, 201, 401, 403, 404} <= reached  # the fuzzer got past authentication


def test_a_lost_database_connection_is_a_503_to_retry(tmp_path, monkeypatch):
    settings = Settings(data_dir=tmp_path / "data", database_url=f"sqlite:///{tmp_path / 'p.db'}")
    app = create_app(settings)
    coordinator = create_coordinator_token(settings, "koordinator")

    def cut(*_args, **_kwargs):
        raise OperationalError("SELECT 1", {}, ConnectionResetError("server closed"))

    monkeypatch.setattr("padan.linker.service.api.projects.list_projects", cut)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/projects", headers=auth(coordinator))
    assert response.status_code == 503 and response.headers["retry-after"] == "1"
    error = response.json()["error"]
    assert error["code"] == "database_unavailable" and set(error["details"]) == {"request_id"}
    app.state.padan.engine.dispose()


def test_numbers_beyond_the_columns_are_refused_not_a_server_error(client, coordinator_token):
    """Found by the fuzzer on PostgreSQL: `after` and run ids past a 32-bit column were a 500."""
    headers = auth(coordinator_token)
    assert client.get("/audit", params={"after": 2**40}, headers=headers).status_code == 422
    assert client.get("/audit/chain", params={"after": 2**40},
                      headers=headers).status_code == 422
    client.post("/projects", headers=headers,
                json={"project_id": "p", "schema_fingerprint": "f", "agencies": ["a"]})
    huge = client.get(f"/projects/p/runs/{2**40}", headers=headers)
    assert huge.status_code == 404 and huge.json()["error"]["code"] == "not_found"
    too_big_k = client.post("/projects", headers=headers, json={
        "project_id": "q", "schema_fingerprint": "f", "agencies": ["a"], "small_cell_k": 2**40})
    assert too_big_k.status_code == 422
