"""Continuous linkage from the command line: `padan link --state DIR` and `padan erase`.

`padan link --state DIR NAME=FILE...` brings each named list's new version into the state folder
(a whole list, or NAME=X.delta.padan with X.removed.csv beside it, as `padan encode --previous`
writes them), links incrementally, and writes into --out what `padan link` writes, under stable
group ids, plus for each agency NAME.changes.csv: each of its links new / unchanged / changed,
and the links of the last run that are gone (pseudo_id,other_party,group_id,band,status).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from padan.cli.failures import err_console, fail, reports_errors
from padan.i18n import _, number

DEFAULT_SMALL_CELL_K = 5


def register(app: typer.Typer) -> None:
    app.command("erase")(erase_command)


def versions_of(named: dict[str, Path]) -> dict:
    """NAME -> Version: X.delta.padan is a delta (with X.removed.csv), any other file whole."""
    from padan.encoder.list_versions import read_removed
    from padan.linker.continuous import Version

    versions = {}
    for name, path in named.items():
        if path.name.endswith(".delta.padan"):
            removed = path.with_name(path.name.removesuffix(".delta.padan") + ".removed.csv")
            if not removed.is_file():
                raise fail(_("{path}: a delta needs {removed} beside it (padan encode "
                             "--previous writes both)").format(path=path, removed=removed.name))
            versions[name] = Version.delta(path, read_removed(removed))
        else:
            versions[name] = Version.whole(path)
    return versions


def write_run(run, output: Path, params, *, small_cell_k: int = DEFAULT_SMALL_CELL_K) -> dict:
    """Each agency's results (stable ids) and changes, report.json, report.html, lineage.json;
    returns a summary for the terminal or --json."""
    from padan.linker.dashboard import render_dashboard
    from padan.linker.party_changes import changes_csv
    from padan.linker.party_results import party_results_csv

    output.mkdir(parents=True, exist_ok=True)
    result = run.result
    summary: dict = {"incremental": not run.incremental.afresh,
                     "comparisons": run.incremental.comparisons,
                     "lists": {n: c.to_dict() for n, c in run.incremental.changes.items()},
                     "links": {}, "results": {}, "changes": {}}
    for name in result.parties:
        path = output / f"{name}.results.csv"
        path.write_bytes(party_results_csv(run.matches_for(name), result.duplicates_for(name)))
        changes = run.changes_for(name)
        changes_path = output / f"{name}.changes.csv"
        changes_path.write_bytes(changes_csv(changes))
        counts = {status: 0 for status in ("new", "unchanged", "changed", "gone")}
        for change in changes:
            counts[change.status] += 1
        summary["links"][name] = counts
        summary["results"][name], summary["changes"][name] = str(path), str(changes_path)
    header = next(iter(run.incremental.standing.lists.values())).header
    envelope = {"project_id": header.project_id, "run_id": None, "small_cell_k": small_cell_k,
                "parameters": params.to_dict(),
                "report": result.report.suppressed(small_cell_k).to_dict()}
    (output / "report.json").write_text(json.dumps(envelope, indent=2) + "\n", encoding="utf-8")
    (output / "report.html").write_text(render_dashboard(envelope, None), encoding="utf-8")
    (output / "lineage.json").write_text(json.dumps(run.events, indent=1) + "\n",
                                         encoding="utf-8")
    return summary


def link_state(named: dict[str, Path], state: Path, output: Path, params, *,
               small_cell_k: int = DEFAULT_SMALL_CELL_K) -> dict:
    from padan.linker.continuous import link_versions

    run = link_versions(state, versions_of(named), params)
    return write_run(run, output, params, small_cell_k=small_cell_k)


def print_summary(summary: dict) -> None:
    how = _("incremental") if summary["incremental"] else _("full (a new state, or other "
                                                            "parameters)")
    err_console.print(_("linked: {how}, {comparisons} comparisons").format(
        how=how, comparisons=number(summary["comparisons"])))
    for name, lists in summary["lists"].items():
        links = summary["links"].get(name, {})
        err_console.print(_(
            "{name}: list {added} added, {changed} changed, {removed} removed, {unchanged} "
            "unchanged; links {new} new, {same} unchanged, {different} changed, {gone} gone "
            "-> {path}").format(
                name=name, added=number(lists["added"]), changed=number(lists["changed"]),
                removed=number(lists["removed"]), unchanged=number(lists["unchanged"]),
                new=number(links.get("new", 0)), same=number(links.get("unchanged", 0)),
                different=number(links.get("changed", 0)), gone=number(links.get("gone", 0)),
                path=summary["changes"].get(name, "")))


@reports_errors
def erase_command(
    party: Annotated[str, typer.Argument(help="The agency whose records are withdrawn.")],
    state: Annotated[Path, typer.Option("--state", help="The state folder of `padan link "
                                        "--state`.")],
    pseudo_ids: Annotated[Path | None, typer.Option(
        "--pseudo-ids", help="A CSV with a pseudo_id column: the records to erase (without "
                             "it, the agency's whole list).")] = None,
    output: Annotated[Path, typer.Option("--out", "-o", help="Folder for the results and the "
                                         "report after the erasure.")] = Path("padan-link"),
    small_cell_k: Annotated[int, typer.Option(
        "--small-cell-k", min=1, help="Counts from 1 to k-1 in the report show as <k "
                                      "(1: no suppression).")] = DEFAULT_SMALL_CELL_K,
) -> None:
    """Erase an agency's records, or its whole list, from a state folder (right to erasure).

    They leave the stored lists, the candidate pairs and the groups; the rest is linked again and
    the results written to --out. The audit log (STATE/audit.jsonl) records the erasure: when,
    which agency, how many records.

    Examples: padan erase KJP --state state --pseudo-ids withdrawn.csv ; padan erase KIS --state
    state
    """
    from padan.encoder.list_versions import read_removed
    from padan.linker.continuous import erase
    from padan.linker.standing_store import load

    if not (state / "standing.json").is_file():
        raise fail(_("{path}: no state here (padan link --state writes one)").format(
            path=state))
    if party not in load(state).standing.lists:
        raise fail(_("party '{party}' has no list in {path}").format(party=party, path=state))
    ids = read_removed(pseudo_ids) if pseudo_ids is not None else None
    run = erase(state, party, ids)
    count = _("its whole list") if ids is None else _("{count} records").format(
        count=number(len(ids)))
    err_console.print(_("erased from {path}: {party}, {count}").format(path=state, party=party,
                                                                        count=count))
    if run is None:
        err_console.print(_("no list is left in the state"))
        return
    params = run.result.params
    print_summary(write_run(run, output, params, small_cell_k=small_cell_k))
