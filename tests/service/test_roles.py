"""Every endpoint × every role: the status code, the error shape, and nothing leaked in bodies.

Roles: the coordinator, an agency of the project (dtks), an agency of another project (luar), the
project's auditor (bpk), no token, and a garbage token. Endpoints run in order, read-only first,
destructive last; for each, the refused roles go first, so a refusal that changed something would
show up in the allowed call.
"""

from __future__ import annotations

import json
from importlib import util

import pytest
from fastapi.testclient import TestClient

from padan.encoder.pseudo_ids import parse_pseudo_id
from padan.linker.service import Settings, Worker, create_app, create_coordinator_token

from .helpers import auth, encoding_bytes, forms_of, make_project, upload

ROLES = ("coordinator", "agency", "other_agency", "auditor", "none", "garbage")
HAS_DASHBOARD = util.find_spec("padan.linker.dashboard") is not None
P = "/projects/proj"


@pytest.fixture(scope="module", params=["sqlite",
                                        pytest.param("postgresql", marks=pytest.mark.postgres)])
def world(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("roles")
    if request.param == "sqlite":
        url = f"sqlite:///{tmp / 'padan.db'}"
        cleanup = None
    else:
        import uuid

        from sqlalchemy import create_engine, text

        from .conftest import POSTGRES_URL
        schema = f"t_{uuid.uuid4().hex[:12]}"
        admin = create_engine(POSTGRES_URL)
        with admin.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
        url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"

        def cleanup():
            with admin.begin() as connection:
                connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            admin.dispose()
    # every endpoint is also called with a garbage and with no token: no throttling here
    settings = Settings(data_dir=tmp / "data", database_url=url, max_upload_bytes=1 << 20,
                        auth_throttle="1000/minute", auth_throttle_per_token="1000/minute",
                        auth_lockout_after="1000/hour")
    app = create_app(settings)
    coordinator = create_coordinator_token(settings, "koordinator")
    with TestClient(app, raise_server_exceptions=False) as client:
        tokens = make_project(client, coordinator, parameters={"blocking": ["none"]})
        other = make_project(client, coordinator, project_id="other", agencies=("luar",))
        pseudo_ids = {}
        for seed, name in enumerate(("dtks", "kjp", "kis")):
            data = encoding_bytes(tmp, seed=seed, shared_from=20)
            assert upload(client, tokens[name], "proj", data).status_code == 200
            pseudo_ids[name] = _pseudo_ids(data)
        run = client.post(f"{P}/runs", headers=auth(coordinator))
        assert run.status_code == 201, run.text
        assert Worker(settings, app.state.padan.factory).run_once()
        pending = client.post(f"{P}/uploads", headers=auth(tokens["dtks"]),
                              json={"size": 10}).json()
        headers = {"coordinator": auth(coordinator), "agency": auth(tokens["dtks"]),
                   "other_agency": auth(other["luar"]), "auditor": auth(tokens["bpk"]),
                   "none": {}, "garbage": auth("padan_" + "x" * 43)}
        secrets = [coordinator, *tokens.values(), *other.values()]
        yield client, headers, pending["upload_id"], secrets, pseudo_ids
    app.state.padan.engine.dispose()
    if cleanup:
        cleanup()


def _pseudo_ids(data: bytes) -> set[int]:
    import tempfile
    from pathlib import Path

    from padan.encoder.encoding_file import open_encoding_file

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "f.padan"
        path.write_bytes(data)
        return {int(x) for x in open_encoding_file(path).records["pseudo_id"]}


OK_ALL = dict.fromkeys(("coordinator", "agency", "auditor"), 200)
# (method, path, body, {role: status}); roles not named: 401 without a valid token, else 403/404.
ENDPOINTS = [
    ("GET", "/health", None, dict.fromkeys(ROLES, 200)),
    ("GET", "/ready", None, dict.fromkeys(ROLES, 200)),
    ("GET", "/projects", None, {**OK_ALL, "other_agency": 200}),
    ("GET", P, None, OK_ALL),
    ("GET", f"{P}/uploads", None, OK_ALL),
    ("GET", f"{P}/uploads/{{upload}}", None, {"agency": 200}),
    ("PUT", f"{P}/uploads/{{upload}}?offset=0", b"0123", {"agency": 200}),
    ("POST", f"{P}/uploads/{{upload}}/finish", None, {"agency": 409}),
    ("POST", f"{P}/uploads", {"size": 10}, {"agency": 201}),
    ("GET", f"{P}/runs", None, OK_ALL),
    ("GET", f"{P}/runs/1", None, OK_ALL),
    ("GET", f"{P}/runs/latest", None, OK_ALL),
    ("GET", f"{P}/runs/1/results", None, {"agency": 200}),
    ("GET", f"{P}/runs/1/results?format=csv", None, {"agency": 200}),
    ("GET", f"{P}/runs/1/report", None, {"coordinator": 200, "auditor": 200}),
    ("GET", f"{P}/runs/1/dashboard", None,
     dict.fromkeys(("coordinator", "auditor"), 200 if HAS_DASHBOARD else 404)),
    ("GET", "/audit", None, {"coordinator": 200, "auditor": 200}),
    ("GET", "/audit/verify", None, {"coordinator": 200, "auditor": 200}),
    ("GET", "/audit/chain", None, {"coordinator": 200, "auditor": 200}),
    ("GET", "/audit/key", None, {"coordinator": 200, "auditor": 200}),
    ("GET", "/audit/checkpoint", None, {"coordinator": 200, "auditor": 200}),
    ("POST", "/projects", "new-project", {"coordinator": 201}),
    ("POST", f"{P}/runs", None, {"coordinator": 201}),
    ("POST", f"{P}/parties/kis/token", None, {"coordinator": 201}),
    ("DELETE", f"{P}/parties/kis/token", None, {"coordinator": 204}),
    ("POST", f"{P}/close", None, {"coordinator": 200}),
    # last: each role's token is replaced by a new one
    ("POST", "/token/rotate", None,
     dict.fromkeys(("coordinator", "agency", "other_agency", "auditor"), 201)),
]


def expected_status(role: str, path: str, allowed: dict[str, int]) -> int:
    if role in allowed:
        return allowed[role]
    if role in ("none", "garbage"):
        return 401
    if role == "other_agency" and path.startswith(P):
        return 404  # another project's token learns nothing about this project
    return 403


@pytest.mark.parametrize(("method", "path", "body", "allowed"), ENDPOINTS,
                         ids=[f"{m} {p}" for m, p, _, _ in ENDPOINTS])
def test_endpoint_for_every_role(world, method, path, body, allowed):
    client, headers, upload_id, secrets, pseudo_ids = world
    path = path.replace("{upload}", upload_id)
    order = sorted(ROLES, key=lambda role: role in allowed)  # refused roles first
    for number, role in enumerate(order):
        kwargs = {}
        if body == "new-project":
            kwargs["json"] = {"project_id": f"new-{number}", "schema_fingerprint": "f" * 64,
                              "agencies": ["a"]}
        elif isinstance(body, bytes):
            kwargs["content"] = body
        elif body is not None:
            kwargs["json"] = body
        response = client.request(method, path, headers=headers[role], **kwargs)
        want = expected_status(role, path, allowed)
        assert response.status_code == want, (role, response.text)
        text = response.text
        if response.status_code >= 400:
            error = response.json()
            assert set(error) == {"error"} and set(error["error"]) == {"code", "message",
                                                                        "details"}
        if role == "coordinator" and "/token" in path and method == "POST":
            secrets = [*secrets, response.json()["token"]]
        else:
            assert not any(secret in text for secret in secrets), (role, "token leaked")
        if role != "agency":  # only an agency gets pseudo-ids, and only its own
            leaked = [p for ids in pseudo_ids.values() for p in ids
                      if any(form in text for form in forms_of(p))]
            assert not leaked, (role, "pseudo-ids leaked")
        else:
            others = pseudo_ids["kjp"] | pseudo_ids["kis"]
            assert not [p for p in others if any(form in text for form in forms_of(p))], \
                "another agency's pseudo-ids"
        if role == "other_agency" and path == "/projects" and method == "GET":
            assert [p["project_id"] for p in response.json()] == ["other"]
        if role == "agency" and path.endswith("/results") and response.status_code == 200:
            matches = response.json()["matches"]
            assert matches and {parse_pseudo_id(m["pseudo_id"]) for m in matches} \
                <= pseudo_ids["dtks"]
            assert {m["other_party"] for m in matches} == {"kjp", "kis"}
            assert not any("score" in m or "similarity" in m for m in matches)
        if path == "/audit" and role == "auditor":
            assert {e["project_id"] for e in response.json()} == {"proj"}
        if path == "/audit/chain" and role == "auditor":
            readable = [link["entry"] for link in response.json() if link["entry"]]
            assert readable and {e["project_id"] for e in readable} == {"proj"}
            assert any(link["entry"] is None for link in response.json())
        if response.status_code == 200 and "json" in response.headers.get("content-type", ""):
            json.loads(text)  # well-formed
