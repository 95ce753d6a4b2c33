"""`padan serve --host --port` and `padan worker --concurrency`: flags where habit puts them,
the PADAN_* environment still the default."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from padan.cli.main import app
from padan.linker.service import get_settings

from .test_end_to_end import free_port

runner = CliRunner()
BIN = Path(sys.executable).parent


@pytest.fixture
def uvicorn_calls(monkeypatch, tmp_path):
    import uvicorn

    calls: list[dict] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: calls.append(kwargs))
    monkeypatch.setenv("PADAN_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield calls
    get_settings.cache_clear()


def test_serve_port_and_host_options_win_over_the_environment(uvicorn_calls, monkeypatch):
    monkeypatch.setenv("PADAN_PORT", "8123")
    assert runner.invoke(app, ["serve"]).exit_code == 0
    assert runner.invoke(app, ["serve", "--port", "9000", "--host", "127.0.0.2"]).exit_code == 0
    assert [(c["host"], c["port"]) for c in uvicorn_calls] == [("127.0.0.1", 8123),
                                                               ("127.0.0.2", 9000)]


def test_serve_refuses_a_port_out_of_range():
    result = runner.invoke(app, ["serve", "--port", "70000"])
    assert result.exit_code == 2 and "--port" in result.output


@pytest.mark.slow
def test_serve_port_answers_on_that_port(tmp_path):
    port = free_port()
    env = {**os.environ, "PADAN_DATA_DIR": str(tmp_path)}
    env.pop("PADAN_PORT", None)
    server = subprocess.Popen([str(BIN / "padan"), "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                assert httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline and server.poll() is None
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=20)


@pytest.mark.slow
def test_worker_concurrency_starts_that_many_workers(tmp_path):
    env = {**os.environ, "PADAN_DATA_DIR": str(tmp_path), "PADAN_WORKER_POLL_SECONDS": "0.2"}
    log = tmp_path / "worker.log"
    with open(log, "wb") as handle:
        worker = subprocess.Popen([str(BIN / "padan"), "worker", "--concurrency", "3"], env=env,
                                  stdout=handle, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        names: set[str] = set()
        while len(names) < 3 and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.5)
            names = set(re.findall(r"worker (\S+) polling for runs", log.read_text()))
        assert len(names) == 3, log.read_text()
    finally:
        os.killpg(worker.pid, signal.SIGTERM)  # the whole group: the worker and its processes
        worker.wait(timeout=30)


def test_project_show_json_prints_the_project_as_the_api_gives_it(monkeypatch):
    import contextlib
    import datetime as dt
    import json

    import padan.cli.service_commands as commands
    from padan.linker.service.api_models import PartyPublic, ProjectPublic

    project = ProjectPublic(
        project_id="bansos", description="", schema_fingerprint="ab" * 32, key_check=None,
        parameters={}, result_policy="own_matches", small_cell_k=5, state="open",
        created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC), closed_at=None,
        parties=[PartyPublic(name="DINSOS-KABUPATEN-BANYUWANGI", role="agency", revoked=False,
                             uploaded=True)])

    class Client:
        def project(self, project_id):
            return project

    monkeypatch.setattr(commands, "_client", lambda server: contextlib.nullcontext(Client()))
    shown = runner.invoke(app, ["project", "show", "bansos", "--json"])
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout) == project.model_dump(mode="json")
    table = runner.invoke(app, ["project", "show", "bansos"])
    assert "DINSOS-KABUPATEN-BANYUWANGI" in table.stdout and "{" not in table.stdout
