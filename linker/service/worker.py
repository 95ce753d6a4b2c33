"""The worker: claims runs, keeps its lease alive while the engine works, stores the results.

`padan worker` runs `Worker.run_forever`; the API can run the same loop in a thread
(PADAN_EMBEDDED_WORKER) for the SQLite default.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid

from sqlalchemy.orm import Session, sessionmaker

from padan.linker.service.continuous_runs import CONTINUOUS_KINDS, compute_continuous, settle
from padan.linker.service.database import transaction
from padan.linker.service.execution import compute_run
from padan.linker.service.runs import ClaimedRun, claim_run, complete_run, fail_run, renew_lease
from padan.linker.service.settings import Settings
from padan.linker.service.store import open_store
from padan.linker.service.tables import Run

log = logging.getLogger("padan.worker")


class LeaseLost(Exception):
    """Another worker took the run over (this one was too slow to renew); stop computing it."""


def worker_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


class _LeaseKeeper(threading.Thread):
    """Renews the lease every third of its length and carries the engine's progress."""

    def __init__(self, factory: sessionmaker[Session], run_id: int, worker: str,
                 lease_seconds: float):
        super().__init__(daemon=True, name=f"lease-{run_id}")
        self.factory, self.run_id, self.worker = factory, run_id, worker
        self.lease_seconds = lease_seconds
        self.progress: float | None = None
        self.lost = threading.Event()
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.lease_seconds / 3):
            try:
                with transaction(self.factory) as session:
                    held = renew_lease(session, self.run_id, self.worker, self.lease_seconds,
                                       self.progress)
            except Exception:  # a database hiccup: try again before the lease runs out
                log.warning("could not renew the lease of run %s", self.run_id, exc_info=True)
                continue
            if not held:
                self.lost.set()
                return


class Worker:
    def __init__(self, settings: Settings, factory: sessionmaker[Session],
                 name: str | None = None):
        self.settings, self.factory = settings, factory
        self.name = name or worker_name()
        self.store = open_store(settings.store_location, settings.fetch_directory)
        self.stop = threading.Event()

    def run_once(self) -> bool:
        """Claim and compute one run; False if there was none to claim."""
        with transaction(self.factory) as session:
            claimed = claim_run(session, self.name, self.settings.lease_seconds)
        if claimed is None:
            return False
        self._compute(claimed)
        return True

    def run_forever(self) -> None:
        log.info("worker %s polling for runs", self.name)
        while not self.stop.is_set():
            try:
                busy = self.run_once()
            except Exception:  # the database is away: wait and poll again
                log.exception("worker %s could not poll for runs", self.name)
                busy = False
            if not busy:
                self.stop.wait(self.settings.worker_poll_seconds)

    def _compute(self, claimed: ClaimedRun) -> None:
        keeper = _LeaseKeeper(self.factory, claimed.run_id, self.name,
                              self.settings.lease_seconds)
        keeper.start()

        def progress(done: int, total: int) -> None:
            if keeper.lost.is_set():
                raise LeaseLost()
            keeper.progress = min(done / total, 0.99) if total else None

        started = time.monotonic()
        try:
            if claimed.kind in CONTINUOUS_KINDS:
                output = compute_continuous(
                    claimed.kind, claimed.project_id, claimed.plan or {}, claimed.parameters,
                    self.store, work_root=self.settings.fetch_directory,
                    keep=lambda: not keeper.lost.is_set())
            else:
                output = compute_run(claimed.inputs, claimed.parameters, self.store,
                                     dask_scheduler=self.settings.dask_scheduler,
                                     progress=progress)
        except LeaseLost:
            log.warning("worker %s lost the lease of run %s", self.name, claimed.run_id)
            return
        except Exception as exc:
            retry = not _is_bad_input(exc)
            message = str(exc) if not retry else f"{type(exc).__name__} in the worker"
            with transaction(self.factory) as session:
                doomed = fail_run(session, claimed.run_id, self.name, message, retry=retry)
            for sha256 in doomed:
                self.store.delete(sha256)
            log.exception("run %s failed", claimed.run_id)
            return
        finally:
            keeper.stopped.set()
            keeper.join()
        doomed: list[str] = []
        with transaction(self.factory) as session:
            stored = complete_run(session, claimed.run_id, self.name, results=output.results,
                                  report_sha256=output.report_sha256,
                                  counts={**output.summary,
                                          "seconds": round(time.monotonic() - started, 3)},
                                  changes=getattr(output, "changes", None))
            if stored and claimed.kind in CONTINUOUS_KINDS:
                doomed = settle(session, session.get(Run, claimed.run_id))
        for sha256 in doomed:
            self.store.delete(sha256)
        if not stored:
            log.warning("run %s was taken over before worker %s finished", claimed.run_id,
                        self.name)


def _is_bad_input(exc: Exception) -> bool:
    """Errors the engine raises on purpose are final; anything else may be transient."""
    try:
        from padan.linker.errors import LinkerError
    except ImportError:
        return False
    from padan.encoder.errors import EncodingFileError

    return isinstance(exc, LinkerError | EncodingFileError)
