"""Failed authentication is throttled per address and per token prefix, and repeated failure locks
an address out for a while; every failure is still audited, never with the token."""

from __future__ import annotations

import json
import secrets
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import select

from padan.linker.service import Settings, create_app, create_coordinator_token
from padan.linker.service.database import transaction
from padan.linker.service.tables import AuditEntry

from .helpers import auth


def _settings(tmp_path: Path, **extra) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=f"sqlite:///{tmp_path / 'p.db'}",
                    **extra)


def _wrong_token() -> str:
    return "padan_" + secrets.token_urlsafe(32)


def _audit(app, action: str) -> list[dict]:
    with transaction(app.state.padan.factory) as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                               .order_by(AuditEntry.seq)).all()
    return [json.loads(row.details) for row in rows]


def _as(app, address: str) -> TestClient:
    return TestClient(app, raise_server_exceptions=False, client=(address, 40000))


def test_fifty_wrong_tokens_are_throttled_after_the_allowance(tmp_path):
    settings = _settings(tmp_path, auth_throttle="10/minute")
    app = create_app(settings)
    coordinator = create_coordinator_token(settings, "koordinator")
    attacker, other = _as(app, "10.0.0.7"), _as(app, "10.0.0.8")
    wrong = [_wrong_token() for _ in range(50)]
    answers = [attacker.get("/projects", headers=auth(token)) for token in wrong]
    assert [a.status_code for a in answers] == [401] * 10 + [429] * 40
    refused = answers[-1]
    assert refused.json()["error"]["code"] == "too_many_requests"
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.json()["error"]["details"]["retry_after"] == int(refused.headers["retry-after"])
    # a valid token from this address waits too; another address is not slowed down
    assert attacker.get("/projects", headers=auth(coordinator)).status_code == 429
    assert other.get("/projects", headers=auth(coordinator)).status_code == 200
    failures = _audit(app, "auth.failed")
    assert len(failures) == 10 and {f["address"] for f in failures} == {"10.0.0.7"}
    assert {f["reason"] for f in failures} == {"unknown"}
    everything = json.dumps(failures)
    assert not any(token in everything or token[:14] in everything for token in wrong)
    app.state.padan.engine.dispose()


def test_one_token_retried_from_many_addresses_is_throttled(tmp_path):
    app = create_app(_settings(tmp_path, auth_throttle="100/minute",
                               auth_throttle_per_token="5/minute"))
    revoked_looking = _wrong_token()
    codes = [_as(app, f"10.1.0.{n}").get("/projects", headers=auth(revoked_looking)).status_code
             for n in range(8)]
    assert codes == [401] * 5 + [429] * 3
    # the same prefix is what counts: a token differing only in its tail is throttled too
    sibling = revoked_looking[:14] + "x" * (len(revoked_looking) - 14)
    assert _as(app, "10.1.0.99").get("/projects", headers=auth(sibling)).status_code == 429
    app.state.padan.engine.dispose()


def test_repeated_failure_locks_the_address_out_then_lets_it_back(tmp_path):
    settings = _settings(tmp_path, auth_throttle="100/minute", auth_lockout_after="5/hour",
                         auth_lockout_seconds=2)
    app = create_app(settings)
    coordinator = create_coordinator_token(settings, "koordinator")
    caller = _as(app, "10.2.0.1")
    codes = [caller.get("/projects", headers=auth(_wrong_token())).status_code
             for _ in range(6)]
    assert codes == [401] * 6  # the sixth failure starts the lockout
    locked = caller.get("/projects", headers=auth(coordinator))
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) <= 2
    lockouts = _audit(app, "auth.lockout")
    assert lockouts == [{"address": "10.2.0.1", "seconds": 2}]
    time.sleep(2.2)
    assert caller.get("/projects", headers=auth(coordinator)).status_code == 200
    app.state.padan.engine.dispose()


def test_missing_revoked_and_unknown_tokens_are_audited_apart(tmp_path):
    settings = _settings(tmp_path)
    app = create_app(settings)
    coordinator = create_coordinator_token(settings, "koordinator")
    client = _as(app, "10.3.0.1")
    client.post("/projects", headers=auth(coordinator),
                json={"project_id": "p", "schema_fingerprint": "f", "agencies": ["a"]})
    token = client.post("/projects/p/parties/a/token", headers=auth(coordinator)).json()["token"]
    client.delete("/projects/p/parties/a/token", headers=auth(coordinator))
    assert client.get("/projects").status_code == 401
    assert client.get("/projects", headers=auth(_wrong_token())).status_code == 401
    assert client.get("/projects", headers=auth(token)).status_code == 401
    assert [f["reason"] for f in _audit(app, "auth.failed")] == ["missing", "unknown", "revoked"]
    app.state.padan.engine.dispose()


def test_counters_are_shared_through_redis_by_several_api_processes(tmp_path):
    shared = dict(auth_throttle="3/minute", rate_limit_storage="redis://127.0.0.1:6379/0")
    first = create_app(_settings(tmp_path / "a", **shared))
    second = create_app(_settings(tmp_path / "b", **shared))
    address = f"10.4.{secrets.randbelow(250)}.{secrets.randbelow(250)}"  # Redis is shared
    codes = [_as(app, address).get("/projects", headers=auth(_wrong_token())).status_code
             for app in (first, second, first, second)]
    assert codes == [401, 401, 401, 429]
    for app in (first, second):
        app.state.padan.engine.dispose()


@pytest.mark.parametrize("name", ["auth_throttle", "auth_throttle_per_token",
                                  "auth_lockout_after"])
def test_a_malformed_rate_names_its_setting(name):
    with pytest.raises(ValidationError, match=f"PADAN_{name.upper()}"):
        Settings(**{name: "lots"})
