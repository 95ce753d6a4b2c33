"""Several threads in one process (a `dask worker --nthreads 2`) on numba's workqueue threading
layer, the only one there is without TBB or OpenMP: the engine lets one thread into the parallel
kernel at a time instead of letting numba abort the process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import cloudpickle
import pytest
from service.helpers import encoding_bytes

from padan.encoder.encoding_file import open_encoding_file
from padan.linker.engine import LinkParameters, Party, link
from padan.linker.executors import dask_cluster, in_process

from .conftest import Processes, start_dask

cloudpickle.register_pickle_by_value(sys.modules[__name__])   # _layer runs on the worker

pytestmark = pytest.mark.slow
HERE = Path(__file__).parent
WORKQUEUE = {"NUMBA_THREADING_LAYER": "workqueue"}


@pytest.fixture(scope="module")
def lists(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("lists")
    for name, seed in (("DTKS", 1), ("KJP", 2)):
        (directory / f"{name}.padan").write_bytes(
            encoding_bytes(directory, seed=seed, count=1000, shared_from=200, duplicated=10))
    for scratch in directory.glob("enc-*"):
        scratch.unlink()
    return directory


def _threads(lists: Path, *flags: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(HERE / "threads_script.py"), str(lists), *flags],
                          env={**os.environ, **WORKQUEUE}, capture_output=True, text=True,
                          timeout=120)


def test_two_threads_on_workqueue_abort_without_the_guard_and_pass_with_it(lists):
    unguarded = _threads(lists, "unguarded")
    assert unguarded.returncode != 0 and "Concurrent access" in unguarded.stderr
    guarded = _threads(lists)
    assert guarded.returncode == 0, guarded.stderr[-2000:]
    layer, comparisons = guarded.stdout.split()
    assert layer == "workqueue" and int(comparisons) == 1000 * 1000 + 2 * (1000 * 999 // 2)


def _layer() -> str:
    from padan.linker.executors import threading_layer

    return threading_layer()


def test_a_two_thread_dask_worker_on_workqueue_equals_in_process(lists, tmp_path):
    from distributed import Client

    parties = [Party(path.stem, open_encoding_file(path)) for path in sorted(lists.glob("*"))]
    params = LinkParameters(blocking=("none",), partitions=12)
    expected = link(parties, params, executor=in_process())
    processes = Processes(tmp_path, dict(os.environ))
    try:
        address = start_dask(processes, workers=1, nthreads=2, **WORKQUEUE)
        with Client(address, timeout=30) as client:
            before = client.run(os.getpid)
            executor = dask_cluster(client)
            assert executor.threads_per_unit == 2
            result = link(parties, params, executor=executor)
            assert client.run(_layer) == {worker: "workqueue" for worker in before}
            assert client.run(os.getpid) == before, processes.log("dask-worker-0")
    finally:
        processes.stop()
    assert "Concurrent access" not in processes.log("dask-worker-0")
    assert result.report.comparisons == expected.report.comparisons > 0
    for table in ("groups", "duplicates"):
        mine, theirs = getattr(result, table), getattr(expected, table)
        assert len(theirs.group_id) > 0
        for column in ("group_id", "party", "pseudo_id", "band"):
            assert (getattr(mine, column) == getattr(theirs, column)).all(), (table, column)
