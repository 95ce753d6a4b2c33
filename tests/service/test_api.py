"""API behaviour beyond the role matrix: errors, auth audit, revocation, embedded worker."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

import padan.linker.service as service
from padan.encoder.pseudo_ids import pseudo_id_text
from padan.linker.service import Settings, create_app, create_coordinator_token
from padan.linker.service.database import transaction
from padan.linker.service.tables import AuditEntry, Party

from .helpers import auth, encoding_bytes, make_project, pseudo_ids_in_bytes, upload


def test_public_surface_is_what_all_says():
    assert sorted(service.__all__) == ["Settings", "Worker", "create_app",
                                       "create_coordinator_token", "get_settings", "open_state"]
    for name in service.__all__:
        assert getattr(service, name) is not None
    with pytest.raises(AttributeError):
        _ = service.not_a_name


def test_failed_authentication_is_audited_without_the_token(client, app):
    garbage = "padan_" + "q" * 43
    response = client.get("/projects", headers=auth(garbage))
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["error"]["message"] == "a valid bearer token is required"
    with transaction(app.state.padan.factory) as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert (entry.action, entry.actor) == ("auth.failed", "anonymous")
    assert garbage not in entry.details and '"token_given":true' in entry.details


def test_tokens_are_stored_hashed_and_revocation_works(client, app, coordinator_token):
    tokens = make_project(client, coordinator_token)
    with transaction(app.state.padan.factory) as session:
        stored = session.scalars(select(Party.token_hash)).all()
    assert not set(tokens.values()) & set(stored)
    assert client.get("/projects/proj", headers=auth(tokens["kjp"])).status_code == 200
    revoked = client.delete("/projects/proj/parties/kjp/token", headers=auth(coordinator_token))
    assert revoked.status_code == 204
    assert client.get("/projects/proj", headers=auth(tokens["kjp"])).status_code == 401
    fresh = client.post("/projects/proj/parties/kjp/token", headers=auth(coordinator_token))
    assert fresh.status_code == 201 and fresh.json()["token"] != tokens["kjp"]
    assert client.get("/projects/proj", headers=auth(fresh.json()["token"])).status_code == 200
    assert client.get("/projects/proj", headers=auth(tokens["kjp"])).status_code == 401


def test_validation_errors_name_the_place_not_the_value(client, coordinator_token):
    secretish = "3171234567890001"
    response = client.post("/projects", headers=auth(coordinator_token),
                           json={"project_id": secretish + " bad", "schema_fingerprint": "f",
                                 "agencies": ["a"], "unexpected": secretish})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert {p["location"] for p in error["details"]["problems"]} >= {"body.project_id",
                                                                      "body.unexpected"}
    assert secretish not in response.text


def test_duplicate_project_and_bad_parameters_are_refused(client, coordinator_token):
    make_project(client, coordinator_token)
    again = client.post("/projects", headers=auth(coordinator_token),
                        json={"project_id": "proj", "schema_fingerprint": "f", "agencies": ["a"]})
    assert again.status_code == 409 and "already exists" in again.json()["error"]["message"]
    bad = client.post("/projects", headers=auth(coordinator_token),
                      json={"project_id": "p2", "schema_fingerprint": "f", "agencies": ["a"],
                            "parameters": {"match_threshold": 7}})
    assert bad.status_code == 422 and "match_threshold" in bad.json()["error"]["message"]


def test_a_500_carries_only_a_request_id(app, coordinator_token, monkeypatch):
    import padan.linker.service.api.projects as routes

    def broken(*_args, **_kwargs):
        raise RuntimeError("secret detail 3171234567890001")

    monkeypatch.setattr(routes, "list_projects", broken)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/projects", headers=auth(coordinator_token))
    assert response.status_code == 500
    error = response.json()["error"]
    assert error["code"] == "internal" and set(error["details"]) == {"request_id"}
    assert "secret" not in response.text and "3171" not in response.text


def test_unknown_route_uses_the_error_shape(client):
    response = client.get("/nope")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_openapi_documents_every_route(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert "/projects/{project_id}/uploads/{upload_id}/finish" in paths
    assert "/audit/verify" in paths


def test_embedded_worker_computes_runs(tmp_path, database_url):
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url,
                        embedded_worker=True, worker_poll_seconds=0.1)
    coordinator = create_coordinator_token(settings, "koordinator")
    app = create_app(settings)
    with TestClient(app, raise_server_exceptions=False) as client:
        tokens = make_project(client, coordinator, agencies=("dtks", "kjp"),
                              parameters={"blocking": ["none"]})
        own = set()
        for seed, name in enumerate(("dtks", "kjp")):
            data = encoding_bytes(tmp_path, seed=seed, shared_from=10,
                                  duplicated=3 if name == "dtks" else 0)
            assert upload(client, tokens[name], "proj", data).status_code == 200
            own = own or {pseudo_id_text(p) for p in pseudo_ids_in_bytes(tmp_path, data)}
        run = client.post("/projects/proj/runs", headers=auth(coordinator)).json()
        deadline = time.monotonic() + 60
        while (state := client.get(f"/projects/proj/runs/{run['run_id']}",
                                   headers=auth(coordinator)).json())["state"] != "done":
            assert state["state"] in ("queued", "running") and time.monotonic() < deadline
            time.sleep(0.1)
        results = client.get("/projects/proj/runs/latest/results",
                             headers=auth(tokens["dtks"])).json()
        matches = results["matches"]
        assert len(matches) == 10 and {m["other_party"] for m in matches} == {"kjp"}
        # the agency's own duplicates: three people listed twice, as three groups of two
        groups = [sorted(m["pseudo_id"] for m in results["duplicates"] if m["group_id"] == g)
                  for g in range(3)]
        assert len(results["duplicates"]) == 6 and all(len(g) == 2 for g in groups)
        assert {m["band"] for m in results["duplicates"]} == {"match"}
        kjp = client.get("/projects/proj/runs/latest/results", headers=auth(tokens["kjp"]))
        assert kjp.json()["duplicates"] == []   # no one else's duplicates
        given = {m["pseudo_id"] for m in [*matches, *results["duplicates"]]}
        assert given <= own   # in the id map's text form, and only its own
        report = client.get("/projects/proj/runs/latest/report", headers=auth(tokens["bpk"]))
        assert report.status_code == 200 and report.json()["small_cell_k"] == 5
    app.state.padan.engine.dispose()


def test_counts_only_policy_gives_agencies_no_pseudo_ids(client, app, coordinator_token,
                                                         tmp_path):
    tokens = make_project(client, coordinator_token, agencies=("dtks", "kjp"),
                          result_policy="counts_only", parameters={"blocking": ["none"]})
    for seed, name in enumerate(("dtks", "kjp")):
        upload(client, tokens[name], "proj", encoding_bytes(tmp_path, seed=seed, shared_from=5))
    client.post("/projects/proj/runs", headers=auth(coordinator_token))
    assert service.Worker(app.state.padan.settings, app.state.padan.factory).run_once()
    refused = client.get("/projects/proj/runs/latest/results", headers=auth(tokens["dtks"]))
    assert refused.status_code == 403 and "counts only" in refused.json()["error"]["message"]
