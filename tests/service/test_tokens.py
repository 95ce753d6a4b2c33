"""Tokens expire, are rotated (by the coordinator, or by their holder) and revoked."""

from __future__ import annotations

import json
import os
import stat
import time
from datetime import UTC, datetime, timedelta

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from padan.cli.local_server import serve_in_thread
from padan.cli.main import app as cli
from padan.linker.service import Settings, create_app, create_coordinator_token
from padan.linker.service.database import transaction
from padan.linker.service.tables import AuditEntry

from .helpers import auth, make_project


def _last_failure_reason(app) -> str:
    with transaction(app.state.padan.factory) as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "auth.failed")
                                .order_by(AuditEntry.seq.desc())).first()
    return json.loads(entry.details)["reason"]


def _near(when: str, expected: datetime) -> bool:
    return abs(datetime.fromisoformat(when) - expected) < timedelta(minutes=1)


def test_tokens_carry_their_expiry_and_expired_tokens_are_refused(tmp_path, database_url):
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url,
                        token_lifetime_days=2 / 86400)  # two seconds
    app = create_app(settings)
    with TestClient(app, raise_server_exceptions=False) as client:
        coordinator = create_coordinator_token(settings, "koordinator")
        created = client.post("/projects", headers=auth(coordinator), json={
            "project_id": "proj", "schema_fingerprint": "f", "agencies": ["dtks"]}).json()
        expires = {t["party"]: t["expires_at"] for t in created["tokens"]}
        soon = datetime.now(UTC) + timedelta(seconds=2)
        assert all(_near(when, soon) for when in expires.values())
        parties = {p["name"]: p for p in created["project"]["parties"]}
        assert parties["dtks"]["expires_at"] == expires["dtks"]
        token = created["tokens"][0]["token"]
        assert client.get("/projects/proj", headers=auth(token)).status_code == 200
        time.sleep(2.2)
        expired = client.get("/projects/proj", headers=auth(token))
        assert expired.status_code == 401
        assert expired.json()["error"]["message"] == "a valid bearer token is required"
        assert _last_failure_reason(app) == "expired"
        assert client.get("/projects", headers=auth(coordinator)).status_code == 401
    app.state.padan.engine.dispose()


def test_rotation_by_the_coordinator_and_by_the_holder(client, app, coordinator_token):
    tokens = make_project(client, coordinator_token)
    year = datetime.now(UTC) + timedelta(days=180)
    rotated = client.post("/projects/proj/parties/dtks/token", headers=auth(coordinator_token))
    assert rotated.status_code == 201 and _near(rotated.json()["expires_at"], year)
    assert client.get("/projects/proj", headers=auth(tokens["dtks"])).status_code == 401
    new = rotated.json()["token"]
    own = client.post("/token/rotate", headers=auth(new))
    assert own.status_code == 201
    assert (own.json()["party"], own.json()["role"]) == ("dtks", "agency")
    assert client.get("/projects/proj", headers=auth(new)).status_code == 401
    assert client.get("/projects/proj", headers=auth(own.json()["token"])).status_code == 200
    coordinator_new = client.post("/token/rotate", headers=auth(coordinator_token)).json()
    assert coordinator_new["role"] == "coordinator"
    assert client.get("/projects", headers=auth(coordinator_token)).status_code == 401
    assert client.get("/projects", headers=auth(coordinator_new["token"])).status_code == 200
    with transaction(app.state.padan.factory) as session:
        actions = session.scalars(select(AuditEntry.action)).all()
        details = session.scalars(select(AuditEntry.details)).all()
    assert actions.count("token.rotate") == 2
    assert not any(own.json()["token"] in text or new in text for text in details)


def test_a_revoked_token_cannot_rotate_itself_back(client, app, coordinator_token):
    tokens = make_project(client, coordinator_token)
    assert client.delete("/projects/proj/parties/kjp/token",
                         headers=auth(coordinator_token)).status_code == 204
    assert client.post("/token/rotate", headers=auth(tokens["kjp"])).status_code == 401
    assert _last_failure_reason(app) == "revoked"
    again = client.delete("/projects/proj/parties/kjp/token", headers=auth(coordinator_token))
    assert again.status_code == 409
    assert client.get("/projects/proj", headers=auth(tokens["kis"])).status_code == 200


def test_cli_rotates_tokens_into_private_files(tmp_path, monkeypatch):
    settings = Settings(data_dir=tmp_path / "data",
                        database_url=f"sqlite:///{tmp_path / 'p.db'}")
    coordinator = create_coordinator_token(settings, "koordinator")
    runner = CliRunner()
    with serve_in_thread(create_app(settings)) as base_url:
        http = httpx.Client(base_url=base_url)
        tokens = make_project(http, coordinator)  # an httpx.Client is all make_project needs
        monkeypatch.setenv("PADAN_SERVER_URL", base_url)
        monkeypatch.setenv("PADAN_TOKEN", coordinator)
        dtks_file = tmp_path / "dtks.token"
        result = runner.invoke(cli, ["project", "rotate-token", "proj", "dtks",
                                     "--token-file", str(dtks_file)])
        assert result.exit_code == 0, result.output
        assert stat.S_IMODE(os.stat(dtks_file).st_mode) == 0o600
        dtks = dtks_file.read_text().strip()
        assert dtks not in result.output and dtks != tokens["dtks"]
        monkeypatch.delenv("PADAN_TOKEN")
        monkeypatch.setenv("PADAN_TOKEN_FILE", str(dtks_file))
        result = runner.invoke(cli, ["token", "rotate"])
        assert result.exit_code == 0, result.output
        newest = dtks_file.read_text().strip()
        assert newest != dtks and newest not in result.output
        assert http.get("/projects/proj", headers=auth(dtks)).status_code == 401
        assert http.get("/projects/proj", headers=auth(newest)).status_code == 200
        monkeypatch.setenv("PADAN_TOKEN", coordinator)
        monkeypatch.delenv("PADAN_TOKEN_FILE")
        result = runner.invoke(cli, ["project", "revoke-token", "proj", "dtks"])
        assert result.exit_code == 0, result.output
        assert http.get("/projects/proj", headers=auth(newest)).status_code == 401
        http.close()
