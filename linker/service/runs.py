"""Runs as jobs in the database: queued -> running (leased by one worker) -> done | failed.

A worker claims with SELECT … FOR UPDATE SKIP LOCKED (PostgreSQL; SQLite ignores the clause and
serialises transactions instead) and a conditional UPDATE, renews its lease while it works, and
finishes only if it still holds the lease. A job whose lease lapsed (its worker died) is claimed
again by the next worker and computed again from the same stored inputs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from padan.linker.service.audit import Actor, append_entry
from padan.linker.service.continuous_runs import new_continuous_run
from padan.linker.service.errors import Conflict, Gone, LimitExceeded, NotFound
from padan.linker.service.parties import Caller, agencies_of
from padan.linker.service.tables import MAX_INTEGER_ID, Project, Run
from padan.linker.service.uploads import current_uploads

MAX_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class ClaimedRun:
    """What a worker needs to compute a run, read while it claimed it."""

    run_id: int
    project_id: str
    inputs: dict[str, str]
    parameters: dict
    attempt: int
    kind: str = "link"       # link, continuous or erase (padan.linker.service.continuous_runs)
    plan: dict | None = None


def create_run(session: Session, caller: Caller, project: Project,
               max_runs: int | None = None) -> Run:
    """Queue a run over every agency's current upload; refuse while any agency has none."""
    if max_runs is not None:
        runs = session.scalar(select(func.count()).select_from(Run)
                              .where(Run.project_id == project.id))
        if runs >= max_runs:
            raise LimitExceeded(f"project '{project.id}' already has {runs} runs",
                                setting="PADAN_MAX_RUNS_PER_PROJECT", limit=max_runs)
    if project.continuous:
        run = new_continuous_run(session, project)
        session.add(run)
        session.flush()
        append_entry(session, caller.actor, "run.create", project_id=project.id, run=run.id,
                     inputs=run.inputs, kind=run.kind)
        return run
    uploads = {name: upload.sha256 for upload, name in current_uploads(session, project.id)}
    missing = [party.name for party in agencies_of(session, project.id)
               if party.name not in uploads]
    if missing:
        raise Conflict(f"not every agency has uploaded: waiting for {', '.join(missing)}",
                       missing=missing)
    run = Run(project_id=project.id, state="queued", progress=0.0, inputs=uploads,
              parameters=project.parameters, invalidated=False, attempts=0)
    session.add(run)
    session.flush()
    append_entry(session, caller.actor, "run.create", project_id=project.id, run=run.id,
                 inputs=uploads)
    return run


def run_of(session: Session, project: Project, run_id: int | str) -> Run:
    """A run of the project by id, or "latest": the newest finished run."""
    if run_id == "latest":
        run = session.scalars(select(Run).where(Run.project_id == project.id,
                                                Run.state == "done")
                              .order_by(Run.id.desc()).limit(1)).first()
        if run is None:
            raise NotFound("this project has no finished run yet", project=project.id)
        return run
    try:
        number = int(run_id)
    except ValueError:
        raise NotFound("run not found", run=str(run_id)) from None
    if not 1 <= number <= MAX_INTEGER_ID:  # no such run; PostgreSQL would refuse the query
        raise NotFound("run not found", run=str(run_id))
    run = session.get(Run, number)
    if run is None or run.project_id != project.id:
        raise NotFound("run not found", run=number)
    return run


def finished_run(session: Session, project: Project, run_id: int | str) -> Run:
    run = run_of(session, project, run_id)
    if run.state != "done":
        raise Conflict(f"run {run.id} is {run.state}, not done", run=run.id, state=run.state)
    if run.invalidated:
        if run.kind in ("continuous", "erase"):   # only an erasure invalidates these
            raise Gone(f"the results of run {run.id} are out of date: records were erased "
                       "after it; fetch the latest run's", run=run.id)
        raise Gone(f"the results of run {run.id} are out of date: an upload was replaced "
                   "after it started; start a new run", run=run.id)
    return run


def list_runs(session: Session, project: Project) -> list[Run]:
    return list(session.scalars(select(Run).where(Run.project_id == project.id)
                                .order_by(Run.id)))


def claim_run(session: Session, worker: str, lease_seconds: float) -> ClaimedRun | None:
    """Claim the oldest queued run, or a running one whose lease has lapsed."""
    now = time.time()
    claimable = or_(Run.state == "queued",
                    (Run.state == "running") & (Run.lease_expires < now))
    run = session.scalars(select(Run).where(claimable).order_by(Run.id).limit(1)
                          .with_for_update(skip_locked=True)).first()
    if run is None:
        return None
    reclaimed = run.state == "running"
    taken = session.execute(
        update(Run).where(Run.id == run.id, claimable)
        .values(state="running", lease_owner=worker, lease_expires=now + lease_seconds,
                attempts=Run.attempts + 1, started_at=datetime.now(UTC), progress=0.0)
        .execution_options(synchronize_session=False))
    if taken.rowcount != 1:
        return None
    session.refresh(run)
    append_entry(session, Actor(worker, "worker"), "run.claim", project_id=run.project_id,
                 run=run.id, attempt=run.attempts, reclaimed=reclaimed)
    return ClaimedRun(run.id, run.project_id, dict(run.inputs), dict(run.parameters),
                      run.attempts, run.kind or "link", run.plan)


def renew_lease(session: Session, run_id: int, worker: str, lease_seconds: float,
                progress: float | None = None) -> bool:
    """Extend the lease (and record progress); False if another worker has taken the run."""
    values: dict = {"lease_expires": time.time() + lease_seconds}
    if progress is not None:
        values["progress"] = progress
    result = session.execute(update(Run).where(Run.id == run_id, Run.lease_owner == worker,
                                               Run.state == "running").values(**values))
    return result.rowcount == 1


def complete_run(session: Session, run_id: int, worker: str, *, results: dict[str, str],
                 report_sha256: str | None, counts: dict,
                 changes: dict[str, str] | None = None) -> bool:
    """Record results atomically, only if this worker still holds the run."""
    done = session.execute(update(Run).where(Run.id == run_id, Run.lease_owner == worker,
                                             Run.state == "running")
                           .values(state="done", progress=1.0, results=results,
                                   changes=changes, report_sha256=report_sha256,
                                   finished_at=datetime.now(UTC), lease_expires=None))
    if done.rowcount != 1:
        return False
    run = session.get(Run, run_id)
    append_entry(session, Actor(worker, "worker"), "run.done", project_id=run.project_id,
                 run=run_id, results=results, report=report_sha256, **counts)
    return True


def fail_run(session: Session, run_id: int, worker: str, error: str, *,
             retry: bool) -> list[str]:
    """Fail a run for good, or (transient trouble) put it back in the queue; the store files
    to delete once this commits (an erasure's pseudo-ids, when it failed for good)."""
    run = session.get(Run, run_id)
    if run is None or run.lease_owner != worker or run.state != "running":
        return []
    if retry and run.attempts < MAX_ATTEMPTS:
        run.state, run.lease_owner, run.lease_expires = "queued", None, None
        action = "run.retry"
    else:
        run.state, run.error, run.finished_at = "failed", error, datetime.now(UTC)
        action = "run.fail"
    append_entry(session, Actor(worker, "worker"), action, project_id=run.project_id,
                 run=run_id, error=error)
    if action == "run.fail" and run.kind == "erase" and (run.plan or {}).get("pseudo_ids"):
        return [run.plan["pseudo_ids"]]
    return []
