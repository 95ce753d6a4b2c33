"""Routes for runs: start, status, each agency's own results, the report (counts only)."""

from __future__ import annotations

from importlib import util
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response, status
from fastapi.responses import HTMLResponse

from padan.linker.party_changes import read_changes
from padan.linker.party_results import read_rows, rows_csv
from padan.linker.service.api.deps import CurrentCaller, SessionDep, StateDep
from padan.linker.service.api.views import run_view
from padan.linker.service.api_models import (
    DuplicatePublic,
    MatchPublic,
    RegisterPublic,
    ReportPublic,
    ResultsPublic,
    RunPublic,
)
from padan.linker.service.audit import append_entry, verify_chain
from padan.linker.service.errors import Forbidden, NotFound
from padan.linker.service.execution import read_report
from padan.linker.service.parties import ROLES
from padan.linker.service.projects import project_for, require_open
from padan.linker.service.runs import create_run, finished_run, list_runs, run_of

router = APIRouter(prefix="/projects/{project_id}/runs", tags=["runs"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=RunPublic)
def start(project_id: str, caller: CurrentCaller, session: SessionDep,
          state: StateDep) -> RunPublic:
    """Queue a run over every agency's current upload (all agencies must have uploaded)."""
    project = project_for(session, caller, project_id, "coordinator")
    require_open(project)
    return run_view(create_run(session, caller, project,
                               max_runs=state.settings.max_runs_per_project))


@router.get("", response_model=list[RunPublic])
def list_all(project_id: str, caller: CurrentCaller, session: SessionDep) -> list[RunPublic]:
    project = project_for(session, caller, project_id, *ROLES)
    return [run_view(run) for run in list_runs(session, project)]


@router.get("/{run_id}", response_model=RunPublic)
def show(project_id: str, run_id: str, caller: CurrentCaller, session: SessionDep) -> RunPublic:
    """State, progress and timings of a run (`latest` = the newest finished run)."""
    project = project_for(session, caller, project_id, *ROLES)
    return run_view(run_of(session, project, run_id))


@router.get("/{run_id}/results", response_model=ResultsPublic,
            responses={200: {"content": {"text/csv": {}}}})
def results(project_id: str, run_id: str, caller: CurrentCaller, session: SessionDep,
            state: StateDep,
            format: Annotated[Literal["json", "csv", "changes"], Query()] = "json",
            ) -> ResultsPublic | Response:
    """The calling agency's own pseudo-ids: those found on other agencies' lists (with the other
    agency, group and band) and its own duplicate groups (group and band).

    In a continuous project each link also has its status since the last run (new, unchanged,
    changed; the gone ones under `gone`); `format=changes` gives them as CSV
    (pseudo_id,other_party,group_id,band,status), the file `padan reveal --changes` reads."""
    project = project_for(session, caller, project_id, "agency")
    if project.result_policy != "own_matches":
        raise Forbidden("this project's result policy is counts only: agencies receive no "
                        "pseudo-ids; ask the coordinator for the report", policy="counts_only")
    run = finished_run(session, project, run_id)
    sha256 = (run.results or {}).get(caller.name)
    if sha256 is None:
        raise NotFound(f"run {run.id} has no results for party '{caller.name}'", run=run.id)
    changes_sha256 = (run.changes or {}).get(caller.name)
    if format == "changes" and changes_sha256 is None:
        raise NotFound(f"run {run.id} is not a run of continuous linkage: it has no changes",
                       run=run.id)
    data = state.store.read_bytes(sha256)
    changes = read_changes(state.store.read_bytes(changes_sha256)) if changes_sha256 else []
    append_entry(session, caller.actor, "results.download", project_id=project.id, run=run.id,
                 party=caller.name, format=format)
    if format == "changes":
        return Response(state.store.read_bytes(changes_sha256), media_type="text/csv")
    rows = read_rows(data)  # results of earlier versions come out in today's form
    if format == "csv":
        return Response(rows_csv(rows), media_type="text/csv")
    status_of = {(c.pseudo_id, c.other_party): c.status for c in changes if c.status != "gone"}
    return ResultsPublic(
        project_id=project.id, run_id=run.id, party=caller.name,
        matches=[MatchPublic(pseudo_id=r.pseudo_id, group_id=r.group_id,
                             other_party=r.other_party, band=r.band,
                             status=status_of.get((r.pseudo_id, r.other_party)))
                 for r in rows if r.kind == "link"],
        gone=[MatchPublic(pseudo_id=c.pseudo_id, group_id=c.group_id, other_party=c.other_party,
                          band=c.band, status=c.status) for c in changes if c.status == "gone"],
        duplicates=[DuplicatePublic(pseudo_id=r.pseudo_id, group_id=r.group_id, band=r.band)
                    for r in rows if r.kind == "duplicate"],
        registers=[RegisterPublic(pseudo_id=r.pseudo_id, group_id=r.group_id,
                                  kind=r.other_party, band=r.band)
                   for r in rows if r.kind == "register"])


def _report(session, caller, project_id: str, run_id: str, state) -> ReportPublic:
    project = project_for(session, caller, project_id, "coordinator", "auditor")
    run = finished_run(session, project, run_id)
    if run.report_sha256 is None:
        raise NotFound(f"run {run.id} has no report: no list was left after the erasure",
                       run=run.id)
    k = project.small_cell_k or state.settings.small_cell_k
    report = read_report(state.store, run.report_sha256, k)
    append_entry(session, caller.actor, "report.view", project_id=project.id, run=run.id)
    return ReportPublic(project_id=project.id, run_id=run.id, small_cell_k=k, report=report)


@router.get("/{run_id}/report", response_model=ReportPublic)
def report(project_id: str, run_id: str, caller: CurrentCaller, session: SessionDep,
           state: StateDep) -> ReportPublic:
    """Counts only (overlaps, combinations, duplicates, sensitivity), small cells suppressed."""
    return _report(session, caller, project_id, run_id, state)


@router.get("/{run_id}/dashboard", response_class=HTMLResponse)
def dashboard(project_id: str, run_id: str, caller: CurrentCaller, session: SessionDep,
              state: StateDep, lang: Literal["id", "en"] | None = None) -> HTMLResponse:
    """The auditors' HTML dashboard of the report, when padan.linker.dashboard is installed;
    in Bahasa Indonesia with ?lang=id (default: the server's PADAN_LANG or locale; the API's
    own messages stay English)."""
    body = _report(session, caller, project_id, run_id, state)
    if util.find_spec("padan.linker.dashboard") is None:
        raise NotFound("the dashboard is not part of this installation")
    from padan.i18n import environment_language
    from padan.linker.dashboard import render_dashboard

    chain = verify_chain(session)
    audit_status = {"ok": chain.ok, "entries": chain.entries, "head_hash": chain.head_hash,
                    "first_bad_seq": chain.first_bad_seq, "reason": chain.reason}
    parameters = project_for(session, caller, project_id, "coordinator", "auditor").parameters
    return HTMLResponse(render_dashboard(body.model_dump(mode="json"), audit_status,
                                         parameters=parameters,
                                         lang=lang or environment_language()))
