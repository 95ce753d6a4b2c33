"""The typed client: in-process against the app, retries on transient failures, resumed uploads."""

from __future__ import annotations

import httpx
import pytest

from padan.cli.client import ApiError, ClientSettings, PadanClient
from padan.linker.service.api_models import ProjectCreate

from .helpers import FINGERPRINT, encoding_bytes


def test_client_drives_the_api_in_process(client, coordinator_token, tmp_path):
    coordinator = PadanClient(client, token=coordinator_token)
    created = coordinator.create_project(ProjectCreate(
        project_id="proj", schema_fingerprint=FINGERPRINT, agencies=["dtks", "kjp"]))
    tokens = {t.party: t.token for t in created.tokens}
    assert set(tokens) == {"dtks", "kjp", "auditor"}
    path = tmp_path / "dtks.padan"
    path.write_bytes(encoding_bytes(tmp_path, seed=1))
    seen = []
    agency = PadanClient(client, token=tokens["dtks"])
    done = agency.upload_file("proj", path, chunk_bytes=1000,
                              progress=lambda sent, total: seen.append((sent, total)))
    assert done.record_count == 50 and seen[-1] == (path.stat().st_size,) * 2
    assert agency.upload_file("proj", path).unchanged is True
    with pytest.raises(ApiError) as refused:
        coordinator.start_run("proj")
    assert (refused.value.status, refused.value.code) == (409, "conflict")
    assert refused.value.details["missing"] == ["kjp"]
    assert "kjp" in str(refused.value) and "HTTP 409" in str(refused.value)
    assert [p.project_id for p in PadanClient(client, token=tokens["kjp"]).projects()] == ["proj"]


def test_upload_resumes_after_a_lost_response(client, coordinator_token, tmp_path):
    """A chunk was stored but its answer lost: the client learns the offset and goes on."""
    coordinator = PadanClient(client, token=coordinator_token)
    tokens = {t.party: t.token for t in coordinator.create_project(ProjectCreate(
        project_id="proj", schema_fingerprint=FINGERPRINT, agencies=["dtks"])).tokens}
    path = tmp_path / "dtks.padan"
    path.write_bytes(encoding_bytes(tmp_path, seed=1))
    puts = {"count": 0}
    real_request = client.request

    def flaky(method, url, **kwargs):
        response = real_request(method, url, **kwargs)
        if method == "PUT":
            puts["count"] += 1
            if puts["count"] == 2:  # stored, then the connection dropped
                raise httpx.ReadTimeout("lost", request=response.request)
        return response

    client.request = flaky
    agency = PadanClient(client, token=tokens["dtks"], backoff_seconds=0)
    done = agency.upload_file("proj", path, chunk_bytes=2000)
    assert done.size == path.stat().st_size and puts["count"] > 2


def _mock(statuses: list[int | type[Exception]]):
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        outcome = statuses[min(len(calls), len(statuses)) - 1]
        if isinstance(outcome, type):
            raise outcome("boom", request=request)
        body = {"status": "ok"} if outcome == 200 else {
            "error": {"code": "x", "message": "unavailable", "details": {}}}
        return httpx.Response(outcome, json=body)

    http = httpx.Client(base_url="http://linker", transport=httpx.MockTransport(handler))
    return PadanClient(http, token="t", retries=3, backoff_seconds=0), calls


def test_idempotent_requests_are_retried_on_transient_failures():
    client, calls = _mock([503, httpx.ReadTimeout, 200])
    assert client.health() == {"status": "ok"} and calls == ["GET"] * 3


def test_retries_give_up_with_a_clear_error():
    client, calls = _mock([httpx.ConnectError])
    with pytest.raises(ApiError) as failed:
        client.health()
    assert failed.value.code == "unreachable" and "http://linker" in str(failed.value)
    assert len(calls) == 4


def test_a_post_that_may_have_arrived_is_not_repeated():
    client, calls = _mock([httpx.ReadTimeout, 200])
    with pytest.raises(ApiError):
        client.start_run("proj")
    assert calls == ["POST"]


def test_client_errors_are_not_retried():
    client, calls = _mock([403])
    with pytest.raises(ApiError) as refused:
        client.projects()
    assert refused.value.status == 403 and calls == ["GET"]


def test_token_comes_from_environment_or_file_never_an_argument(tmp_path, monkeypatch):
    token_file = tmp_path / "t.token"
    token_file.write_text("padan_abc\n")
    monkeypatch.setenv("PADAN_TOKEN_FILE", str(token_file))
    assert ClientSettings().resolved_token() == "padan_abc"
    monkeypatch.setenv("PADAN_TOKEN", "padan_env")
    assert ClientSettings().resolved_token() == "padan_env"
    monkeypatch.delenv("PADAN_TOKEN")
    monkeypatch.setenv("PADAN_TOKEN_FILE", str(tmp_path / "missing"))
    with pytest.raises(ApiError, match="token file"):
        ClientSettings().resolved_token()
