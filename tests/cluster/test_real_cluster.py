"""A real Dask cluster: `dask scheduler` and two `dask worker` processes started by their own
commands, the store a shared directory or S3 (moto's server on loopback). Every run stores the
same bytes as the same run computed in-process, also when a Dask worker is killed mid-run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import cloudpickle
import httpx
import pytest
from service.helpers import FINGERPRINT, encoding_bytes

from padan.linker.service.execution import compute_run
from padan.linker.service.store import ContentStore, RemoteStore

from .conftest import BIN, BUCKET, free_port

pytestmark = pytest.mark.slow
# 3 lists, each pair and each list's duplicates, every pair compared, cut in 8: 48 units
PARAMETERS = {"blocking": ["none"], "partitions": 8}
NO_PROGRESS = lambda done, total: None  # noqa: E731
# the probes below run on the Dask workers, which cannot import this test module
cloudpickle.register_pickle_by_value(sys.modules[__name__])


def _inputs(store, tmp_path: Path) -> dict[str, str]:
    return {name: store.put_bytes(encoding_bytes(tmp_path, seed=seed, count=400,
                                                 shared_from=150, duplicated=5))
            for name, seed in (("DTKS", 1), ("KJP", 2), ("KIS", 3))}


def _assert_same(store, local, remote) -> None:
    assert remote.results == local.results   # byte-identical result files per agency
    assert local.summary["matches_DTKS"] > 0 and local.summary["duplicates_KJP"] > 0
    reports = [json.loads(store.read_bytes(run.report_sha256)) for run in (local, remote)]
    for report in reports:
        report.pop("timings")
    assert reports[0] == reports[1]


def _worker_state(address: str, function) -> dict:
    from distributed import Client

    with Client(address, timeout=30) as client:
        return client.run(function)


def _opened() -> int:
    from padan.linker import work

    return len(work._OPENED)


def test_directory_store_on_two_dask_workers_equals_in_process(s3_and_dask, tmp_path):
    address, _ = s3_and_dask
    store = ContentStore(tmp_path / "store")
    inputs = _inputs(store, tmp_path)
    local = compute_run(inputs, PARAMETERS, store, dask_scheduler=None, progress=NO_PROGRESS)
    remote = compute_run(inputs, PARAMETERS, store, dask_scheduler=address,
                         progress=NO_PROGRESS)
    _assert_same(store, local, remote)
    opened = _worker_state(address, _opened)
    assert len(opened) == 2 and all(count > 0 for count in opened.values()), opened


def _fetched(dask_worker) -> list[str]:
    directory = Path(dask_worker.local_directory) / "padan-fetched"
    return sorted(p.name for p in directory.iterdir()) if directory.is_dir() else []


def test_s3_store_on_two_dask_workers_equals_in_process(s3_and_dask, tmp_path):
    address, _ = s3_and_dask
    store = RemoteStore(f"s3://{BUCKET}/store", cache=tmp_path / "fetched")
    assert store.ready()
    inputs = _inputs(store, tmp_path)
    local = compute_run(inputs, PARAMETERS, store, dask_scheduler=None, progress=NO_PROGRESS)
    remote = compute_run(inputs, PARAMETERS, store, dask_scheduler=address,
                         progress=NO_PROGRESS)
    _assert_same(store, local, remote)
    # the Dask workers copied the encodings from S3 themselves (each its own directory, checked
    # digests): which lists each one needed depends on the units the scheduler gave it
    fetched = _worker_state(address, _fetched)
    assert len(fetched) == 2
    assert all(set(names) <= set(inputs.values()) for names in fetched.values()), fetched
    assert set().union(*fetched.values()) == set(inputs.values()), fetched
    assert all(store.contains(sha) for sha in local.results.values())


def test_padan_serve_and_worker_on_the_scheduler_with_the_store_on_s3(s3_and_dask, tmp_path):
    """The service end to end: uploads land in S3, `padan worker` hands the run to the Dask
    scheduler, and the results it stores are the bytes an in-process run computes."""
    from padan.cli.client import ClientSettings, PadanClient
    from padan.linker.service.api_models import ProjectCreate

    address, processes = s3_and_dask
    port = free_port()
    server = f"http://127.0.0.1:{port}"
    env = {"PADAN_DATA_DIR": str(tmp_path / "data"), "PADAN_HOST": "127.0.0.1",
           "PADAN_PORT": str(port), "PADAN_STORE_URL": f"s3://{BUCKET}/service",
           "PADAN_DASK_SCHEDULER": address, "PADAN_WORKER_POLL_SECONDS": "0.2"}
    made = subprocess.run([str(BIN / "padan"), "admin", "create-coordinator", "kemensos",
                           "--token-file", str(tmp_path / "coordinator.token")],
                          env={**processes.env, **env}, capture_output=True, text=True,
                          timeout=120)
    assert made.returncode == 0, made.stderr
    coordinator_token = (tmp_path / "coordinator.token").read_text().strip()
    serve = processes.start("serve", [str(BIN / "padan"), "serve"], **env)
    worker = processes.start("padan-worker", [str(BIN / "padan"), "worker"], **env)

    def client(token: str) -> PadanClient:
        return PadanClient.connect(ClientSettings(server_url=server, token=token, retries=2))

    deadline = time.monotonic() + 90
    while not _ready(server):
        assert time.monotonic() < deadline and serve.poll() is None, processes.log("serve")
        time.sleep(0.2)
    parameters = {"blocking": ["none"], "partitions": 2}
    with client(coordinator_token) as coordinator:
        created = coordinator.create_project(ProjectCreate(
            project_id="bansos", schema_fingerprint=FINGERPRINT, agencies=["dtks", "kjp"],
            auditors=["bpk"], parameters=parameters, small_cell_k=2))
    tokens = {t.party: t.token for t in created.tokens}
    local_store = ContentStore(tmp_path / "local")
    inputs = {}
    for seed, name in enumerate(("dtks", "kjp")):
        data = encoding_bytes(tmp_path, project_id="bansos", seed=seed, count=150,
                              shared_from=50)
        (tmp_path / f"{name}.padan").write_bytes(data)
        inputs[name] = local_store.put_bytes(data)
        with client(tokens[name]) as agency:
            assert agency.upload_file("bansos", tmp_path / f"{name}.padan").record_count == 150
    with client(coordinator_token) as coordinator:
        run = coordinator.start_run("bansos")
        finished = coordinator.wait_for_run("bansos", run.run_id, poll_seconds=0.2,
                                            timeout_seconds=120)
    assert finished.state == "done", (finished, processes.log("padan-worker"))
    assert worker.poll() is None
    expected = compute_run(inputs, parameters, local_store, dask_scheduler=None,
                           progress=NO_PROGRESS)
    s3 = RemoteStore(f"s3://{BUCKET}/service", cache=tmp_path / "fetched")
    assert all(s3.contains(sha) for sha in [*inputs.values(), *expected.results.values()])
    assert not (tmp_path / "data" / "store").exists()   # nothing went to a local directory
    fetched = set().union(*_worker_state(address, _fetched).values())
    assert set(inputs.values()) <= fetched   # the Dask workers read the lists from S3
    assert "Remove worker" not in processes.log("scheduler")   # no worker died on the way
    os.killpg(serve.pid, signal.SIGTERM)
    os.killpg(worker.pid, signal.SIGTERM)


def _ready(server: str) -> bool:
    try:
        return httpx.get(f"{server}/ready", timeout=5).status_code == 200
    except httpx.TransportError:
        return False


def test_a_dask_worker_killed_mid_run_changes_nothing(s3_and_dask, tmp_path):
    from distributed import Client

    address, _ = s3_and_dask
    store = ContentStore(tmp_path / "store")
    inputs = _inputs(store, tmp_path)
    parameters = {**PARAMETERS, "partitions": 24}   # 144 units
    local = compute_run(inputs, parameters, store, dask_scheduler=None, progress=NO_PROGRESS)
    seen = {"done": 0, "total": 0}
    killed: dict[str, object] = {}

    with Client(address, timeout=30, set_as_default=False) as observer:
        pids = observer.run(os.getpid)

        def progress(done: int, total: int) -> None:
            """At the first unit done, SIGKILL the worker the scheduler has handed most units.
            Called by the run in this thread: a second thread polling the observer while the
            run's own client waited failed now and then ("bound to a different event loop")."""
            seen.update(done=done, total=total)
            if killed:
                return
            busy = {worker: keys for worker, keys in observer.processing().items() if keys}
            if busy:
                victim = max(busy, key=lambda worker: len(busy[worker]))
                os.kill(pids[victim], signal.SIGKILL)
                killed.update(pid=pids[victim], processing=len(busy[victim]), **seen)

        remote = compute_run(inputs, parameters, store, dask_scheduler=address,
                             progress=progress)
    assert killed and killed["processing"] > 0 and killed["done"] < seen["total"], killed
    with pytest.raises(ProcessLookupError):
        os.kill(killed["pid"], 0)
    _assert_same(store, local, remote)
