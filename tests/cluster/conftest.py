"""Real processes for the cluster tests, each started by its own command on a free loopback port
and always torn down: `dask scheduler`, `dask worker`s, moto's S3 server (`moto_server`), and the
service's `padan serve` and `padan worker`."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

BIN = Path(sys.executable).parent
BUCKET = "padan-test"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Processes:
    """Processes started by their own commands, logs under `directory`, stopped at the end."""

    def __init__(self, directory: Path, env: dict[str, str]):
        self.directory, self.env = directory, env
        self.started: list[subprocess.Popen] = []

    def start(self, name: str, command: list[str], **env: str) -> subprocess.Popen:
        log = open(self.directory / f"{name}.log", "wb")  # noqa: SIM115 - lives with the process
        process = subprocess.Popen(command, env={**self.env, **env}, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        self.started.append(process)
        return process

    def log(self, name: str) -> str:
        return (self.directory / f"{name}.log").read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        for process in self.started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)   # a nanny's worker goes with it
        for process in self.started:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=15)


def start_dask(processes: Processes, *, workers: int, nthreads: int = 1,
               **env: str) -> str:
    """`dask scheduler` and `workers` × `dask worker`; the scheduler's address once all joined."""
    from distributed import Client

    address = f"tcp://127.0.0.1:{free_port()}"
    processes.start("scheduler", [str(BIN / "dask"), "scheduler", "--host", "127.0.0.1",
                                  "--port", address.rsplit(":", 1)[1], "--no-dashboard"], **env)
    for number in range(workers):
        local = processes.directory / f"dask-worker-{number}"
        processes.start(f"dask-worker-{number}", [
            str(BIN / "dask"), "worker", address, "--host", "127.0.0.1", "--nthreads",
            str(nthreads), "--no-dashboard", "--local-directory", str(local),
            "--name", f"w{number}", "--death-timeout", "60"], **env)
    with Client(address, timeout=60) as client:
        try:
            client.wait_for_workers(workers, timeout=90)
        except TimeoutError:
            raise AssertionError(processes.log("scheduler")) from None
    return address


def start_moto(processes: Processes) -> dict[str, str]:
    """moto's S3 server on loopback with one bucket; the environment that points S3 at it."""
    port = free_port()
    processes.start("moto", [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)])
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(endpoint, timeout=2)
            break
        except httpx.TransportError:
            assert time.monotonic() < deadline, processes.log("moto")
            time.sleep(0.2)
    env = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
           "AWS_DEFAULT_REGION": "us-east-1", "AWS_ENDPOINT_URL": endpoint}
    httpx.put(f"{endpoint}/{BUCKET}", timeout=10).raise_for_status()   # create the bucket
    return env


@pytest.fixture(scope="module")
def s3_and_dask(tmp_path_factory) -> Iterator[tuple[str, Processes]]:
    """moto on loopback, then a scheduler and two one-thread workers that see it; the test
    process sees it too (the S3 variables are set here for the module)."""
    directory = tmp_path_factory.mktemp("cluster")
    processes = Processes(directory, dict(os.environ))
    saved = dict(os.environ)
    try:
        s3 = start_moto(processes)
        os.environ.update(s3)
        processes.env.update(s3)
        address = start_dask(processes, workers=2)
        yield address, processes
    finally:
        processes.stop()
        os.environ.clear()
        os.environ.update(saved)
