"""Where the independent units of a run execute: in this process, a process pool, or Dask.

One small interface: `map_unordered(function, items)` yields results as units finish (the engine
combines them in an order-independent way), `suggested_partitions` says how finely to cut work,
and `ships_files` says whether units must carry paths (workers re-open the encoding files, which
are memory-mapped, so no filter data travels) rather than the opened files.

numba's parallel kernels run on a threading layer; where neither TBB nor OpenMP is installed it is
"workqueue", which aborts the whole process when two threads enter it at once (a Dask worker with
`--nthreads 2`). `parallel_kernels()` detects that layer and lets one thread in at a time.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from contextlib import contextmanager
from typing import Any, Protocol


class Executor(Protocol):
    suggested_partitions: int
    ships_files: bool
    threads_per_unit: int | None

    def map_unordered(self, function: Callable[[Any], Any], items: Iterable[Any]
                      ) -> Iterator[Any]: ...


class InProcess:
    """Runs units one after another here; numba still uses every core inside a unit."""

    suggested_partitions = 1
    ships_files = False
    threads_per_unit: int | None = None

    def map_unordered(self, function, items):
        for item in items:
            yield function(item)


class ProcessPool:
    """A local pool of `workers` processes (spawned: no numba threads are forked)."""

    ships_files = True
    threads_per_unit: int | None = None   # set once per worker process by the initializer

    def __init__(self, workers: int):
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.workers = workers
        self.suggested_partitions = 2 * workers

    def map_unordered(self, function, items):
        threads = max(1, (os.cpu_count() or 1) // self.workers)
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(self.workers, mp_context=context, initializer=_limit_threads,
                                 initargs=(threads,)) as pool:
            yield from _bounded(pool.submit, function, items, 2 * self.workers)


class DaskCluster:
    """Units as tasks on a dask.distributed cluster; every worker must read the encoding files:
    a path on a shared volume, or an fsspec URL each worker copies once (padan.linker.fetched)."""

    ships_files = True

    def __init__(self, client):
        self.client = client
        workers = client.scheduler_info().get("workers", {})
        self.suggested_partitions = 2 * max(1, len(workers))
        # a Dask worker runs nthreads tasks at once; give each task's kernel that many threads
        self.threads_per_unit = min((w.get("nthreads", 1) for w in workers.values()), default=1)

    def map_unordered(self, function, items):
        from distributed import as_completed

        futures = self.client.map(function, list(items), pure=False)
        for future in as_completed(futures):
            yield future.result()
            future.release()


THREADSAFE_LAYERS = frozenset({"tbb", "omp"})   # numba's layers that several threads may enter
_ONE_AT_A_TIME = threading.Lock()
_LAUNCHING = threading.Lock()
_LAYER: list[str] = []


def threading_layer() -> str:
    """numba's threading layer in this process ("tbb", "omp" or "workqueue"), started if need be
    (NUMBA_THREADING_LAYER and the libraries installed decide which)."""
    if not _LAYER:
        with _LAUNCHING:
            if not _LAYER:
                import numba
                from numba.np.ufunc.parallel import _launch_threads

                _launch_threads()
                _LAYER.append(numba.threading_layer())
    return _LAYER[0]


@contextmanager
def parallel_kernels() -> Iterator[None]:
    """Wrap every call into numba's parallel kernels: free where the threading layer is
    threadsafe, one thread at a time where it is workqueue (each call still uses every numba
    thread, so a worker's cores stay busy)."""
    if threading_layer() in THREADSAFE_LAYERS:
        yield
        return
    with _ONE_AT_A_TIME:
        yield


def _bounded(submit, function, items, in_flight: int) -> Iterator[Any]:
    """Submit at most `in_flight` units at once, so results never pile up in memory."""
    pending = set()
    for item in items:
        pending.add(submit(function, item))
        if len(pending) >= in_flight:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield future.result()
    while pending:
        done, pending = wait(pending, return_when=FIRST_COMPLETED)
        for future in done:
            yield future.result()


def _limit_threads(threads: int) -> None:
    import numba

    numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))


def in_process() -> InProcess:
    return InProcess()


def process_pool(workers: int) -> ProcessPool:
    return ProcessPool(workers)


def dask_cluster(address) -> DaskCluster:
    """A Dask executor from a scheduler address ("tcp://host:8786") or a distributed.Client."""
    from distributed import Client

    client = address if isinstance(address, Client) else Client(address)
    return DaskCluster(client)
