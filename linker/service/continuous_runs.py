"""Runs of continuous projects: versions linked into the project's standing state, erasures.

The engine does the work (padan.linker.continuous: link_versions, erase); this module decides
what a run brings in, computes it on a working copy of the state (padan.linker.service.standing),
and settles the bookkeeping when the run is done:

- a `continuous` run brings in every agency's current upload not linked yet (a whole list, or a
  delta with its removed list); the first run of a project waits for every agency, as a one-off
  run does. Once linked, an upload's files leave the store: the state holds the records.
- an `erase` run withdraws some of an agency's records (its pseudo-ids, kept in the store only
  until the run ends) or its whole list, and links the rest again. Earlier runs' results are
  deleted and the runs marked out of date, so the records leave the results as well.

One run of a continuous project at a time: both the state and the order of versions need it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from padan.encoder.encoding_file import open_encoding_file
from padan.linker.service.audit import append_entry
from padan.linker.service.errors import Conflict
from padan.linker.service.parties import Caller, agencies_of
from padan.linker.service.standing import working_state
from padan.linker.service.store import Store
from padan.linker.service.tables import Party, Project, Run, Upload
from padan.linker.service.uploads import current_uploads
from padan.linker.service.versions import parse_removed, removed_csv

CONTINUOUS_KINDS = ("continuous", "erase")


@dataclass(frozen=True, slots=True)
class ContinuousOutput:
    results: dict[str, str]    # party -> sha256 of its results CSV (stable group ids)
    changes: dict[str, str]    # party -> sha256 of its changes CSV
    report_sha256: str | None  # None: no list is left after an erasure
    summary: dict[str, int]    # counts for the audit log (never identifiers)


# -- creating runs (API) ------------------------------------------------------------------------
def _require_idle(session: Session, project: Project) -> None:
    # two requests at once: the second waits for the first's transaction (SQLite serialises
    # transactions already), then sees its run
    session.execute(select(Project.id).where(Project.id == project.id).with_for_update())
    busy = session.scalars(select(Run.id).where(
        Run.project_id == project.id, Run.state.in_(("queued", "running")))
        .order_by(Run.id).limit(1)).first()
    if busy is not None:
        raise Conflict(f"run {busy} of this project is not finished yet: a continuous project "
                       "updates its state one run at a time; wait for it", run=busy)


def _has_linked(session: Session, project: Project) -> bool:
    return session.scalars(select(Run.id).where(
        Run.project_id == project.id, Run.state == "done",
        Run.kind.in_(CONTINUOUS_KINDS)).limit(1)).first() is not None


def new_continuous_run(session: Session, project: Project) -> Run:
    """A run bringing in every current upload not linked yet (the caller appends and audits)."""
    _require_idle(session, project)
    uploads = current_uploads(session, project.id)
    if not _has_linked(session, project):
        have = {name for _, name in uploads}
        missing = [party.name for party in agencies_of(session, project.id)
                   if party.name not in have]
        if missing:
            raise Conflict(f"not every agency has uploaded: waiting for {', '.join(missing)}",
                           missing=missing)
    versions = {name: {"upload": upload.id, "sha256": upload.sha256, "kind": upload.kind,
                       "removed": upload.removed_sha256}
                for upload, name in uploads if not upload.linked}
    if not versions and not _has_linked(session, project):
        raise Conflict("no agency has uploaded yet")
    if not versions:
        raise Conflict("no agency has uploaded a new version since the last run: nothing to "
                       "link")
    return Run(project_id=project.id, kind="continuous", state="queued", progress=0.0,
               inputs={name: version["sha256"] for name, version in versions.items()},
               plan={"versions": versions}, parameters=project.parameters, invalidated=False,
               attempts=0)


def create_erasure(session: Session, caller: Caller, project: Project, store: Store,
                   pseudo_ids: list[int] | None) -> Run:
    """Queue the erasure of some of the caller's records (None: its whole list)."""
    if not project.continuous:
        raise Conflict(f"project '{project.id}' keeps no standing state: erasure through the "
                       "API is for continuous projects; a one-off project's encodings leave "
                       "the store when it is closed", project=project.id)
    _require_idle(session, project)
    linked = session.scalars(select(Upload).where(
        Upload.project_id == project.id, Upload.party_id == caller.party_id, Upload.current,
        Upload.linked)).first()
    if linked is None:
        pending = session.scalars(select(Upload.id).where(
            Upload.project_id == project.id, Upload.party_id == caller.party_id,
            Upload.current)).first()
        if pending is not None and pseudo_ids is not None:
            raise Conflict("your latest upload is not linked yet, and it may hold the records: "
                           "wait for the run, then erase them", party=caller.name)
        if pending is None:
            raise Conflict(f"party '{caller.name}' has no list in this project's state",
                           party=caller.name)
    blob = None
    if pseudo_ids is not None:
        blob = store.put_bytes(removed_csv(np.array(pseudo_ids, np.uint64)))
    run = Run(project_id=project.id, kind="erase", state="queued", progress=0.0, inputs={},
              plan={"party": caller.name, "pseudo_ids": blob,
                    "records": None if pseudo_ids is None else len(set(pseudo_ids))},
              parameters=project.parameters, invalidated=False, attempts=0)
    session.add(run)
    session.flush()
    append_entry(session, caller.actor, "erasure.request", project_id=project.id, run=run.id,
                 party=caller.name, whole_list=pseudo_ids is None,
                 **({} if pseudo_ids is None else {"records": len(set(pseudo_ids))}))
    return run


# -- computing them (worker) --------------------------------------------------------------------
def compute_continuous(kind: str, project_id: str, plan: dict, parameters: dict, store: Store,
                       *, work_root: Path, keep) -> ContinuousOutput:
    from padan.linker.continuous import Version, erase, link_versions
    from padan.linker.engine import LinkParameters
    from padan.linker.standing_store import load

    params = LinkParameters.from_dict(parameters)
    with working_state(store, project_id, work_root, keep) as folder:
        if kind == "erase":
            party = plan["party"]
            ids = (None if plan["pseudo_ids"] is None
                   else parse_removed(store.read_bytes(plan["pseudo_ids"])))
            standing = load(folder).standing.lists.get(party)
            held = 0 if standing is None else (
                len(standing) if ids is None else
                int(np.isin(standing.records["pseudo_id"], ids).sum()))
            if standing is not None:
                run = erase(folder, party, ids, params)
            else:   # only an upload not linked yet: nothing to take out of the state
                run = link_versions(folder, {}, params) if load(folder).standing.lists else None
            summary = {"erased": held}
        else:
            versions = {}
            for name, version in sorted(plan["versions"].items()):
                encodings = open_encoding_file(store.local_path(version["sha256"]))
                removed = (parse_removed(store.read_bytes(version["removed"]))
                           if version["kind"] == "delta" else None)
                versions[name] = Version(encodings, removed)
            run = link_versions(folder, versions, params)
            summary = {"incremental": int(not run.incremental.afresh),
                       "comparisons": run.incremental.comparisons}
        if run is None:
            return ContinuousOutput({}, {}, None, summary)
        return _store_output(run, params, store, summary)


def _store_output(run, params, store: Store, summary: dict) -> ContinuousOutput:
    from padan.linker.party_changes import changes_csv, count_statuses
    from padan.linker.party_results import party_results_csv
    from padan.linker.registers import Roles

    registers = Roles.from_parameters(params).registers
    result = run.result
    results, changes = {}, {}
    for name in sorted(result.parties):
        matches = run.matches_for(name)
        results[name] = store.put_bytes(party_results_csv(matches, result.duplicates_for(name),
                                                          registers))
        # a register's name stays hidden (its links show as the register's kind in results)
        links = [c for c in run.changes_for(name) if c.other_party not in registers]
        changes[name] = store.put_bytes(changes_csv(links))
        summary[f"matches_{name}"] = len(matches)
        for status, count in count_statuses(links).items():
            summary[f"{status}_{name}"] = count
    report = json.dumps(result.report.to_dict(), sort_keys=True, separators=(",", ":"))
    return ContinuousOutput(results, changes, store.put_bytes(report.encode()), summary)


# -- settling them (worker, in the transaction that completes the run) -----------------------
def settle(session: Session, run: Run) -> list[str]:
    """Bookkeeping of a finished continuous or erase run; the store files to delete once the
    transaction commits (uploads now in the state, erased records' earlier results)."""
    doomed: list[str] = []
    if run.kind == "continuous":
        for version in run.plan["versions"].values():
            upload = session.get(Upload, version["upload"])
            if upload is not None:
                upload.linked = True
            doomed += [version["sha256"], *([version["removed"]] if version["removed"] else [])]
        return sorted(set(doomed))
    party = run.plan["party"]
    party_id = session.scalars(select(Party.id).where(
        Party.project_id == run.project_id, Party.name == party,
        Party.role == "agency")).first()
    for upload in session.scalars(select(Upload).where(Upload.project_id == run.project_id,
                                                       Upload.party_id == party_id)):
        doomed += [upload.sha256, *([upload.removed_sha256] if upload.removed_sha256 else [])]
        if run.plan["pseudo_ids"] is None:
            upload.current = False
    for earlier in session.scalars(select(Run).where(Run.project_id == run.project_id,
                                                     Run.id != run.id)):
        for stored in (earlier.results or {}, earlier.changes or {}):
            if party in stored:
                doomed.append(stored[party])
    session.execute(update(Run).where(Run.project_id == run.project_id, Run.id < run.id)
                    .values(invalidated=True))
    if run.plan["pseudo_ids"]:
        doomed.append(run.plan["pseudo_ids"])
    # the same bytes may be this run's own results (a party whose results did not change)
    kept = {*(run.results or {}).values(), *(run.changes or {}).values(), run.report_sha256}
    return sorted(set(doomed) - kept)
