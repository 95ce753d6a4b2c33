"""Limits: request bodies, uploads, parties, runs and open uploads, each refused with a clear 4xx
in the API's one error shape that names the limit."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from padan.linker.service import Settings, create_app, create_coordinator_token

from .helpers import auth, encoding_bytes, make_project, upload


@pytest.fixture
def limited(tmp_path, database_url):
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url,
                        max_upload_bytes=1 << 20, max_request_bytes=4096,
                        max_parties_per_project=4, max_runs_per_project=2,
                        max_open_uploads_per_party=2)
    app = create_app(settings)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, create_coordinator_token(settings, "koordinator")
    app.state.padan.engine.dispose()


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code
    return body["error"]


def test_a_large_request_body_is_refused_declared_or_streamed(limited):
    client, coordinator = limited
    big = {"project_id": "p", "schema_fingerprint": "f", "agencies": ["a"],
           "description": "x" * 5000}
    error = _error(client.post("/projects", headers=auth(coordinator), json=big),
                   413, "too_large")
    assert error["details"] == {"limit": 4096} and "4096 bytes" in error["message"]

    def stream():  # no Content-Length: counted as it arrives
        yield b'{"project_id": "p", "schema_fingerprint": "f", "agencies": ["a"], '
        for _ in range(10):
            yield b'"padding": "' + b"y" * 1000 + b'", '
        yield b'"z": 1}'

    streamed = client.post("/projects", headers={**auth(coordinator),
                                                 "content-type": "application/json"},
                           content=stream())
    _error(streamed, 413, "too_large")
    assert client.get("/projects", headers=auth(coordinator)).json() == []


def test_chunks_are_not_held_to_the_request_cap_but_files_to_the_upload_cap(limited, tmp_path):
    client, coordinator = limited
    tokens = make_project(client, coordinator, agencies=("dtks", "kjp"))
    data = encoding_bytes(tmp_path, count=300)  # larger than the 4096-byte request cap
    assert len(data) > 4096
    assert upload(client, tokens["dtks"], "proj", data, chunk=len(data)).status_code == 200
    too_big = client.post("/projects/proj/uploads", headers=auth(tokens["kjp"]),
                          json={"size": (1 << 20) + 1})
    assert _error(too_big, 413, "too_large")["details"]["limit"] == 1 << 20


def test_too_many_parties_are_refused(limited):
    client, coordinator = limited
    response = client.post("/projects", headers=auth(coordinator), json={
        "project_id": "p", "schema_fingerprint": "f", "agencies": ["a", "b", "c", "d"],
        "auditors": ["u"]})
    error = _error(response, 422, "limit_exceeded")
    assert error["details"] == {"setting": "PADAN_MAX_PARTIES_PER_PROJECT", "limit": 4}
    assert "5" in error["message"]


def test_too_many_runs_are_refused(limited, tmp_path):
    client, coordinator = limited
    tokens = make_project(client, coordinator, agencies=("dtks", "kjp"), auditors=["bpk"],
                          parameters={"blocking": ["none"]})
    for seed, name in enumerate(("dtks", "kjp")):
        assert upload(client, tokens[name], "proj", encoding_bytes(tmp_path, seed=seed)
                      ).status_code == 200
    for _ in range(2):
        assert client.post("/projects/proj/runs", headers=auth(coordinator)).status_code == 201
    third = client.post("/projects/proj/runs", headers=auth(coordinator))
    error = _error(third, 409, "limit_exceeded")
    assert error["details"] == {"setting": "PADAN_MAX_RUNS_PER_PROJECT", "limit": 2}


def test_too_many_unfinished_uploads_are_refused_but_resuming_is_not(limited):
    client, coordinator = limited
    tokens = make_project(client, coordinator, agencies=("dtks", "kjp"))
    headers = auth(tokens["dtks"])
    first = {"size": 100, "sha256": "a" * 64}
    assert client.post("/projects/proj/uploads", headers=headers, json=first).status_code == 201
    assert client.post("/projects/proj/uploads", headers=headers,
                       json={"size": 100}).status_code == 201
    error = _error(client.post("/projects/proj/uploads", headers=headers, json={"size": 100}),
                   409, "limit_exceeded")
    assert error["details"]["setting"] == "PADAN_MAX_OPEN_UPLOADS_PER_PARTY"
    assert client.post("/projects/proj/uploads", headers=headers, json=first).status_code == 201
    other = client.post("/projects/proj/uploads", headers=auth(tokens["kjp"]), json={"size": 9})
    assert other.status_code == 201
