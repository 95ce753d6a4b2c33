"""End to end: the real server (uvicorn on a loopback port) and real worker processes.

Three agencies upload, the coordinator runs, each agency gets only its own results, the auditor
gets counts and verifies the audit chain; on SQLite and on PostgreSQL. A worker killed by SIGKILL
in the middle of a run loses nothing: the run is claimed again and ends with the same results.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from padan.cli.client import ApiError, ClientSettings, PadanClient
from padan.encoder.encoding_file import open_encoding_file
from padan.encoder.pseudo_ids import parse_pseudo_id
from padan.linker.service.api_models import ProjectCreate

from .commands import SERVE, WORKER
from .helpers import FINGERPRINT, encoding_bytes, forms_of

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent
HERE = Path(__file__).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Stack:
    """The processes of one deployment, with the environment they share."""

    def __init__(self, tmp: Path, database_url: str):
        self.tmp, self.port = tmp, free_port()
        self.env = {**os.environ, "PADAN_DATA_DIR": str(tmp / "data"),
                    "PADAN_DATABASE_URL": database_url, "PADAN_HOST": "127.0.0.1",
                    "PADAN_PORT": str(self.port), "PADAN_LEASE_SECONDS": "2",
                    "PADAN_WORKER_POLL_SECONDS": "0.2",
                    "PADAN_SERVER_URL": f"http://127.0.0.1:{self.port}"}
        self.processes: list[subprocess.Popen] = []

    def start(self, command: list[str], name: str) -> subprocess.Popen:
        log = open(self.tmp / f"{name}.log", "wb")  # noqa: SIM115 - lives as long as the process
        process = subprocess.Popen(command, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        self.processes.append(process)
        return process

    def padan(self, *args: str, token: str | None = None) -> subprocess.CompletedProcess:
        env = {**self.env, **({"PADAN_TOKEN": token} if token else {})}
        return subprocess.run([str(BIN / "padan"), *args], env=env, capture_output=True,
                              text=True, timeout=120)

    def client(self, token: str) -> PadanClient:
        return PadanClient.connect(ClientSettings(server_url=self.env["PADAN_SERVER_URL"],
                                                  token=token, retries=2))

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.env['PADAN_SERVER_URL']}/ready").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise AssertionError((self.tmp / "serve.log").read_text())

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def stack(tmp_path, database_url):
    deployment = Stack(tmp_path, database_url)
    made = deployment.padan("admin", "create-coordinator", "koordinator",
                            "--token-file", str(tmp_path / "coordinator.token"))
    assert made.returncode == 0, made.stderr
    deployment.coordinator = (tmp_path / "coordinator.token").read_text().strip()
    deployment.start([str(BIN / SERVE[0]), *SERVE[1:]], "serve")
    deployment.wait_ready()
    yield deployment
    deployment.stop()


def _project(stack: Stack, tmp: Path) -> tuple[dict[str, str], dict[str, set[int]]]:
    with stack.client(stack.coordinator) as coordinator:
        created = coordinator.create_project(ProjectCreate(
            project_id="bansos", schema_fingerprint=FINGERPRINT, agencies=["dtks", "kjp", "kis"],
            auditors=["bpk"], parameters={"blocking": ["none"]}, small_cell_k=2))
    tokens = {t.party: t.token for t in created.tokens}
    ids = {}
    for seed, name in enumerate(("dtks", "kjp", "kis")):
        path = tmp / f"{name}.padan"
        path.write_bytes(encoding_bytes(tmp, project_id="bansos", seed=seed, count=200,
                                        shared_from=30 + 10 * seed))
        ids[name] = {int(x) for x in open_encoding_file(path).records["pseudo_id"]}
    return tokens, ids


def _upload_all(stack: Stack, tmp: Path, tokens: dict[str, str]) -> None:
    # one agency through the CLI command, the others through the client
    done = stack.padan("upload", "bansos", str(tmp / "dtks.padan"), token=tokens["dtks"])
    assert done.returncode == 0, done.stderr
    assert "uploaded 200 records" in done.stdout
    for name in ("kjp", "kis"):
        with stack.client(tokens[name]) as agency:
            assert agency.upload_file("bansos", tmp / f"{name}.padan", chunk_bytes=4096
                                      ).record_count == 200


def test_three_agencies_coordinator_and_auditor(stack, tmp_path):
    stack.start([str(BIN / WORKER[0]), *WORKER[1:]], "worker")
    tokens, ids = _project(stack, tmp_path)
    with stack.client(stack.coordinator) as coordinator:
        with pytest.raises(ApiError) as early:
            coordinator.start_run("bansos")
        assert early.value.status == 409 and "dtks" in early.value.message
        _upload_all(stack, tmp_path, tokens)
        run = coordinator.start_run("bansos")
        finished = coordinator.wait_for_run("bansos", run.run_id, poll_seconds=0.2,
                                            timeout_seconds=120)
    assert finished.state == "done" and finished.progress == 1.0, finished
    for name in ("dtks", "kjp", "kis"):
        with stack.client(tokens[name]) as agency:
            results = agency.results("bansos")
        own = {parse_pseudo_id(m.pseudo_id) for m in [*results.matches, *results.duplicates]}
        assert results.party == name and own and own <= ids[name]
        others = set().union(*(ids[o] for o in ids if o != name))
        assert not own & others
        assert {m.other_party for m in results.matches} <= set(ids) - {name}
    with stack.client(tokens["bpk"]) as auditor:
        report = auditor.report("bansos")
        with pytest.raises(ApiError) as refused:
            auditor.results("bansos")
        assert refused.value.status == 403
        chain = auditor.audit_verify()
    assert report.run_id == run.run_id and report.report
    text = report.model_dump_json()
    assert not [p for group in ids.values() for p in group
                if any(form in text for form in forms_of(p))]
    assert chain.ok and chain.entries > 10
    verified = stack.padan("audit", "verify", token=tokens["bpk"])
    assert verified.returncode == 0 and "audit chain intact" in verified.stdout
    shown = stack.padan("report", "bansos", "--format", "json", token=tokens["bpk"])
    assert shown.returncode == 0 and '"run_id"' in shown.stdout
    wrong = stack.padan("results", "bansos", token="padan_wrong")
    assert wrong.returncode == 2 and wrong.stderr.startswith("error: ")
    assert "padan_wrong" not in wrong.stderr


def test_a_killed_worker_loses_nothing(stack, tmp_path):
    tokens, _ = _project(stack, tmp_path)
    _upload_all(stack, tmp_path, tokens)
    slow = stack.start([sys.executable, str(HERE / "slow_worker.py"), "30"], "slow-worker")
    with stack.client(stack.coordinator) as coordinator:
        run = coordinator.start_run("bansos")
        deadline = time.monotonic() + 60
        while coordinator.run("bansos", run.run_id).state != "running":
            assert time.monotonic() < deadline, (tmp_path / "slow-worker.log").read_text()
            time.sleep(0.1)
        time.sleep(0.5)
        slow.send_signal(signal.SIGKILL)
        slow.wait(timeout=10)
        assert coordinator.run("bansos", run.run_id).state == "running"  # orphaned, leased
        stack.start([str(BIN / WORKER[0]), *WORKER[1:]], "worker")
        finished = coordinator.wait_for_run("bansos", run.run_id, poll_seconds=0.2,
                                            timeout_seconds=120)
        assert finished.state == "done" and finished.attempts == 2, finished
        again = coordinator.start_run("bansos")
        clean = coordinator.wait_for_run("bansos", again.run_id, poll_seconds=0.2,
                                         timeout_seconds=120)
        assert clean.state == "done" and clean.attempts == 1
        chain = coordinator.audit_verify()
        actions = [e.action for e in coordinator.audit_entries()
                   if e.details.get("run") == run.run_id]
    assert chain.ok
    assert actions.count("run.claim") == 2 and actions.count("run.done") == 1
    for name in ("dtks", "kjp", "kis"):
        with stack.client(tokens[name]) as agency:
            assert agency.results_csv("bansos", run.run_id) == \
                agency.results_csv("bansos", again.run_id)
