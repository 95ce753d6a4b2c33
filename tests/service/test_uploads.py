"""Uploads: validated, idempotent, resumable; every refused upload leaves stored data intact."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from padan.linker.service.database import transaction
from padan.linker.service.tables import AuditEntry, Run

from .helpers import auth, encoding_bytes, make_project, upload


@pytest.fixture
def world(client, coordinator_token, tmp_path):
    tokens = make_project(client, coordinator_token)
    first = encoding_bytes(tmp_path, seed=1)
    assert upload(client, tokens["dtks"], "proj", first).status_code == 200
    return tokens, first


def stored_state(client, app, coordinator_token) -> tuple:
    """Everything a refused upload must not change: uploads, store contents, runs."""
    state = app.state.padan
    uploads = client.get("/projects/proj/uploads", headers=auth(coordinator_token)).json()
    blobs = sorted(p.name for p in state.store.root.rglob("*") if p.is_file())
    with transaction(state.factory) as session:
        runs = [(r.id, r.state, r.invalidated) for r in session.scalars(select(Run))]
    project = client.get("/projects/proj", headers=auth(coordinator_token)).json()
    return uploads, blobs, runs, project["key_check"]


def _refused(response, status: int, code: str, *words: str) -> dict:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    for word in words:
        assert word in error["message"]
    return error


def test_accepted_upload_is_stored_under_its_digest(client, app, world, coordinator_token):
    tokens, first = world
    listed = client.get("/projects/proj/uploads", headers=auth(tokens["dtks"])).json()
    assert [u["party"] for u in listed] == ["dtks"]
    assert app.state.padan.store.read_bytes(listed[0]["sha256"]) == first
    assert listed[0]["record_count"] == 50


def test_the_same_file_twice_is_one_upload(client, app, world, coordinator_token):
    tokens, first = world
    before = stored_state(client, app, coordinator_token)
    again = upload(client, tokens["dtks"], "proj", first)
    assert again.status_code == 200 and again.json()["unchanged"] is True
    assert stored_state(client, app, coordinator_token) == before


@pytest.mark.parametrize("case", ["schema", "key", "project", "corrupted", "truncated",
                                  "garbage", "digest"])
def test_bad_files_are_refused_and_change_nothing(client, app, world, coordinator_token,
                                                  tmp_path, case):
    tokens, _ = world
    good = encoding_bytes(tmp_path, seed=2)
    data, status, code, words = {
        "schema": (encoding_bytes(tmp_path, seed=2, fingerprint="e" * 64), 422,
                   "upload_rejected", ("schema fingerprint",)),
        "key": (encoding_bytes(tmp_path, seed=2, key_check="z" * 32), 422, "upload_rejected",
                ("key check", "dtks")),
        "project": (encoding_bytes(tmp_path, seed=2, project_id="lain"), 422,
                    "upload_rejected", ("project 'lain'",)),
        "corrupted": (good[:500] + bytes([good[500] ^ 1]) + good[501:], 422,
                      "upload_rejected", ("checksum",)),
        "truncated": (good[:-100], 422, "upload_rejected", ("truncated",)),
        "garbage": (b"not an encoding file" * 10, 422, "upload_rejected", ("magic",)),
        "digest": (None, 422, "upload_rejected", ("SHA-256",)),
    }[case]
    before = stored_state(client, app, coordinator_token)
    if case == "digest":  # declared digest differs from the bytes that arrive
        created = client.post("/projects/proj/uploads", headers=auth(tokens["kjp"]),
                              json={"size": len(good), "sha256": "0" * 64}).json()
        url = f"/projects/proj/uploads/{created['upload_id']}"
        client.put(url, params={"offset": 0}, content=good, headers=auth(tokens["kjp"]))
        response = client.post(url + "/finish", headers=auth(tokens["kjp"]))
    else:
        response = upload(client, tokens["kjp"], "proj", data)
    _refused(response, status, code, *words)
    assert stored_state(client, app, coordinator_token) == before
    assert not list(app.state.padan.settings.upload_directory.iterdir())  # partial data removed
    with transaction(app.state.padan.factory) as session:
        last = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert (last.action, last.actor) == ("upload.refuse", "kjp")


def test_a_refused_replacement_keeps_the_earlier_upload(client, app, world, coordinator_token,
                                                        tmp_path):
    tokens, _first = world
    before = stored_state(client, app, coordinator_token)
    bad = encoding_bytes(tmp_path, seed=3, fingerprint="e" * 64)
    _refused(upload(client, tokens["dtks"], "proj", bad), 422, "upload_rejected")
    assert stored_state(client, app, coordinator_token) == before


def test_oversized_upload_is_refused_with_413(client, app, world, coordinator_token):
    tokens, _ = world
    before = stored_state(client, app, coordinator_token)
    limit = app.state.padan.settings.max_upload_bytes
    response = client.post("/projects/proj/uploads", headers=auth(tokens["kjp"]),
                           json={"size": limit + 1})
    error = _refused(response, 413, "too_large", str(limit))
    assert error["details"] == {"limit": limit}
    # A chunk beyond the declared size is refused too.
    created = client.post("/projects/proj/uploads", headers=auth(tokens["kjp"]),
                          json={"size": 10}).json()
    put = client.put(f"/projects/proj/uploads/{created['upload_id']}", params={"offset": 0},
                     content=b"x" * 11, headers=auth(tokens["kjp"]))
    _refused(put, 413, "too_large")
    assert stored_state(client, app, coordinator_token) == before


def test_upload_resumes_from_the_committed_offset(client, app, world, tmp_path):
    tokens, _ = world
    data = encoding_bytes(tmp_path, seed=4)
    created = client.post("/projects/proj/uploads", headers=auth(tokens["kjp"]),
                          json={"size": len(data)}).json()
    url = f"/projects/proj/uploads/{created['upload_id']}"
    client.put(url, params={"offset": 0}, content=data[:1000], headers=auth(tokens["kjp"]))
    gap = client.put(url, params={"offset": 2000}, content=data[2000:3000],
                     headers=auth(tokens["kjp"]))
    assert _refused(gap, 409, "conflict", "resume")["details"]["offset"] == 1000
    assert client.get(url, headers=auth(tokens["kjp"])).json()["offset"] == 1000
    early = client.post(url + "/finish", headers=auth(tokens["kjp"]))
    _refused(early, 409, "conflict", "incomplete")
    client.put(url, params={"offset": 1000}, content=data[1000:], headers=auth(tokens["kjp"]))
    done = client.post(url + "/finish", headers=auth(tokens["kjp"]))
    assert done.status_code == 200 and done.json()["party"] == "kjp"


def test_declaring_the_digest_resumes_the_same_session(client, world, tmp_path):
    tokens, _ = world
    data = encoding_bytes(tmp_path, seed=5)
    body = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    first = client.post("/projects/proj/uploads", headers=auth(tokens["kis"]), json=body).json()
    client.put(f"/projects/proj/uploads/{first['upload_id']}", params={"offset": 0},
               content=data[:700], headers=auth(tokens["kis"]))
    second = client.post("/projects/proj/uploads", headers=auth(tokens["kis"]), json=body).json()
    assert second["upload_id"] == first["upload_id"] and second["offset"] == 700


def test_run_before_all_uploads_is_refused(client, app, world, coordinator_token):
    before = stored_state(client, app, coordinator_token)
    response = client.post("/projects/proj/runs", headers=auth(coordinator_token))
    error = _refused(response, 409, "conflict", "kjp", "kis")
    assert error["details"]["missing"] == ["kis", "kjp"]
    assert stored_state(client, app, coordinator_token) == before


def test_a_replaced_upload_invalidates_earlier_runs(client, app, world, coordinator_token,
                                                    tmp_path):
    tokens, _ = world
    for name, seed in (("kjp", 6), ("kis", 7)):
        assert upload(client, tokens[name], "proj", encoding_bytes(tmp_path, seed=seed)
                      ).status_code == 200
    run = client.post("/projects/proj/runs", headers=auth(coordinator_token)).json()
    assert run["invalidated"] is False
    replaced = upload(client, tokens["kis"], "proj", encoding_bytes(tmp_path, seed=8))
    assert replaced.json()["replaced"] is True
    again = client.get(f"/projects/proj/runs/{run['run_id']}", headers=auth(coordinator_token))
    assert again.json()["invalidated"] is True
    with transaction(app.state.padan.factory) as session:
        session.get(Run, run["run_id"]).state = "done"
    stale = client.get(f"/projects/proj/runs/{run['run_id']}/results",
                       headers=auth(tokens["dtks"]))
    _refused(stale, 410, "gone", "out of date")


def test_closed_project_refuses_uploads_and_deletes_encodings(client, app, world,
                                                              coordinator_token, tmp_path):
    tokens, _first = world
    closed = client.post("/projects/proj/close", headers=auth(coordinator_token))
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    assert not [p for p in app.state.padan.store.root.rglob("*") if p.is_file()]
    response = client.post("/projects/proj/uploads", headers=auth(tokens["kjp"]),
                           json={"size": 100})
    _refused(response, 409, "conflict", "closed")
