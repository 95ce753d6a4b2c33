"""`padan demo`: the whole job on synthetic data, on this machine, with no server to set up.

Each role does what it would do for real, with the real code:
  agencies     synthetic lists (padan.synth, with dirt) -> `padan encode` -> upload -> results ->
               reveal, each in its own folder OUT/agencies/NAME/
  coordinator  the linker service (create_app) on SQLite in OUT/linker with its embedded
               worker; the project, the run
  auditor      the report, the audit chain and the dashboard, in OUT/auditor/
The service runs in this process, served by uvicorn on a free port of 127.0.0.1 (nothing outside
this machine can reach it) for as long as the demo runs; each party talks to it with the real
typed PadanClient over HTTP, as it would across a network. Tokens are written to
OUT/tokens/ (mode 0600), so `PADAN_DATA_DIR=OUT/linker padan serve` serves the same project
afterwards. Finally the matches are scored against the synthetic truth (pairs of records).
"""

from __future__ import annotations

import csv
import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Column, Table

from padan.cli.failures import err_console, fail, reports_errors
from padan.cli.reveal_commands import RecordMatch, RevealSummary, print_summary, summary_counts
from padan.cli.tables import JSON_HELP, print_json, readable
from padan.i18n import _, decimal, number

MARKER = ".padan-demo"
AGENCY_SHARES = (("DTKS", 1.0), ("KJP", 0.25), ("KIS", 0.75))  # list sizes relative to --size
POPULATION_FACTOR = 5
out = Console(highlight=False, soft_wrap=True)


@dataclass(frozen=True, slots=True)
class PairQuality:
    """Pairs of records (of different agencies) put in one group, scored against the truth."""

    bands: str               # "match" or "match+possible"
    true_pairs: int
    found_pairs: int
    correct: int

    @property
    def precision(self) -> float | None:
        return self.correct / self.found_pairs if self.found_pairs else None

    @property
    def recall(self) -> float | None:
        return self.correct / self.true_pairs if self.true_pairs else None


@dataclass(frozen=True, slots=True)
class DemoResult:
    folder: Path
    report: dict                          # the auditor's report envelope (ReportPublic)
    dashboard: Path
    revealed: dict[str, RevealSummary]
    quality: list[PairQuality]
    seconds: float


def read_truth(path: Path) -> dict[tuple[str, int], int]:
    """(agency, row) -> person id, from the synthetic truth.csv."""
    with open(path, encoding="utf-8", newline="") as handle:
        return {(r["agency"], int(r["row"])): int(r["person_id"]) for r in csv.DictReader(handle)}


def pair_quality(truth: dict[tuple[str, int], int],
                 matched: dict[str, dict[int, RecordMatch]]) -> list[PairQuality]:
    """Precision and recall over cross-agency record pairs, for the match band alone and for
    match and possible together. A true pair is two records of different agencies with the
    same person; a found pair is two records of different agencies in one group."""
    people: dict[int, dict[str, int]] = {}
    for (agency, _row), person in truth.items():
        people.setdefault(person, {}).setdefault(agency, 0)
        people[person][agency] += 1
    true_pairs = sum(a * b for counts in people.values()
                     for a, b in combinations(counts.values(), 2))
    groups: dict[int, list[tuple[str, int, str]]] = {}
    for agency, rows in matched.items():
        for row, match in rows.items():
            groups.setdefault(match.group_id, []).append((agency, row, match.band))
    scores = []
    for bands in (("match",), ("match", "possible")):
        found = correct = 0
        for members in groups.values():
            for (a, row_a, band), (b, row_b, _band) in combinations(members, 2):
                if a == b or band not in bands:
                    continue
                found += 1
                person_a, person_b = truth.get((a, row_a)), truth.get((b, row_b))
                correct += person_a is not None and person_a == person_b
        scores.append(PairQuality("+".join(bands), true_pairs, found, correct))
    return scores


def prepare_folder(folder: Path) -> None:
    """Create the demo folder; replace an earlier demo's, refuse anything else."""
    if folder.exists():
        if not folder.is_dir():
            raise fail(_("{path}: exists and is not a folder; choose another --out").format(
                path=folder))
        if any(folder.iterdir()):
            if not (folder / MARKER).is_file():
                raise fail(_("{path}: the folder holds files that padan demo did not write; "
                             "choose another --out (nothing was changed)").format(path=folder))
            shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MARKER).write_text("written by padan demo; it replaces this folder when run "
                                 "again\n", encoding="utf-8")


def run_demo(folder: Path, *, size: int, seed: int, dirt: str,
             step: Callable[[str, float], None] = lambda _what, _done: None) -> DemoResult:
    """Every role's part, in order (see the module docstring); `step(what, share_done)`."""
    import httpx

    from padan.cli.client import PadanClient
    from padan.cli.local_server import serve_in_thread
    from padan.cli.reveal_commands import reveal_file
    from padan.encoder.default_schema import default_schema_text
    from padan.encoder.keys import generate_secret_file, load_secret
    from padan.encoder.pipeline import encode_file
    from padan.encoder.schema import load_schema
    from padan.linker.dashboard import render_dashboard
    from padan.linker.service import Settings, create_app, create_coordinator_token
    from padan.linker.service.api_models import ProjectCreate
    from padan.synth import SynthConfig, generate, parse_agencies, write_lists

    started = time.perf_counter()
    prepare_folder(folder)   # refuses a folder it did not write (before any work)
    names = [name for name, _share in AGENCY_SHARES]
    step(_("generating synthetic lists"), 0.0)
    sizes = ",".join(f"{name}:{max(1, round(size * share))}" for name, share in AGENCY_SHARES)
    lists = generate(SynthConfig(seed=seed, population=POPULATION_FACTOR * size,
                                 agencies=parse_agencies(sizes), dirt=dirt))
    written = write_lists(lists, folder / "synthetic")
    agency_dir = {name: folder / "agencies" / name for name in names}
    list_of = {}
    for name in names:
        agency_dir[name].mkdir(parents=True)
        list_of[name] = agency_dir[name] / written[name].name
        written[name].replace(list_of[name])

    step(_("creating the key and the schema"), 0.1)
    key, schema_path = folder / "project.key", folder / "schema.toml"
    generate_secret_file(key)
    schema_path.write_text(default_schema_text("demo"), encoding="utf-8")
    schema, secret = load_schema(schema_path), load_secret(key)
    encodings = {}
    for index, name in enumerate(names):
        step(_("{agency} encodes its list").format(agency=name),
             0.15 + 0.35 * index / len(names))
        encodings[name] = encode_file(list_of[name], schema, secret,
                                      list_of[name].with_suffix(".padan"), workers=1)

    step(_("starting the linker (SQLite, embedded worker)"), 0.5)
    settings = Settings(env="development", data_dir=folder / "linker",
                        database_url=f"sqlite:///{(folder / 'linker' / 'padan.db').resolve()}",
                        store_url=str((folder / "linker" / "store").resolve()),
                        dask_scheduler=None, embedded_worker=True, worker_poll_seconds=0.05)
    app = create_app(settings)
    tokens_dir = folder / "tokens"
    tokens_dir.mkdir()
    try:
        with serve_in_thread(app) as base_url, httpx.Client(base_url=base_url,
                                                            timeout=60) as http:
            coordinator_token = create_coordinator_token(settings, "coordinator")
            coordinator = PadanClient(http, token=coordinator_token)
            created = coordinator.create_project(ProjectCreate(
                project_id=schema.project_id, schema_fingerprint=schema.fingerprint,
                agencies=names, auditors=["auditor"], description="padan demo"))
            tokens = {t.party: t.token for t in created.tokens} | {
                "coordinator": coordinator_token}
            for party, token in tokens.items():
                path = tokens_dir / f"{party}.token"
                path.touch(mode=0o600)
                path.write_text(token + "\n", encoding="ascii")
            for index, name in enumerate(names):
                step(_("{agency} uploads its encodings").format(agency=name),
                     0.55 + 0.05 * index)
                PadanClient(http, token=tokens[name]).upload_file(schema.project_id,
                                                                  encodings[name].output)
            linking = _("the coordinator runs the linkage")
            step(linking, 0.7)
            run = coordinator.start_run(schema.project_id)
            run = coordinator.wait_for_run(
                schema.project_id, run.run_id, poll_seconds=0.05, timeout_seconds=900,
                progress=lambda r: step(linking, 0.7 + 0.15 * r.progress))
            if run.state != "done":
                raise fail(_("the run failed: {reason}").format(reason=run.error), 1)
            revealed = {}
            for name in names:
                step(_("{agency} downloads and reveals its matches").format(agency=name), 0.85)
                results = agency_dir[name] / f"{name}.results.csv"
                results.write_bytes(PadanClient(http, token=tokens[name]).results_csv(
                    schema.project_id, run.run_id))
                revealed[name] = reveal_file(
                    results, list_of[name], agency_dir[name] / f"{name}.revealed.csv",
                    id_map_path=encodings[name].id_map)
            step(_("the auditor reads the report and checks the audit chain"), 0.95)
            auditor = PadanClient(http, token=tokens["auditor"])
            report = auditor.report(schema.project_id, run.run_id).model_dump(mode="json")
            chain = auditor.audit_verify().model_dump()
            parameters = auditor.project(schema.project_id).parameters
    finally:
        app.state.padan.engine.dispose()
    auditor_dir = folder / "auditor"
    auditor_dir.mkdir()
    (auditor_dir / "report.json").write_text(json.dumps(report, indent=2) + "\n",
                                             encoding="utf-8")
    dashboard = auditor_dir / "dashboard.html"
    dashboard.write_text(render_dashboard(report, chain, parameters=parameters),
                         encoding="utf-8")
    quality = pair_quality(read_truth(written["truth"]),
                           {name: summary.matches for name, summary in revealed.items()})
    step(_("done"), 1.0)
    return DemoResult(folder, report, dashboard, revealed, quality,
                      time.perf_counter() - started)


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def result_document(result: DemoResult) -> dict:
    """What the demo prints, for --json."""
    return {"folder": result.folder, "report": result.report, "dashboard": result.dashboard,
            "revealed": {name: summary_counts(summary)
                         for name, summary in result.revealed.items()},
            "against_truth": [{"bands": q.bands, "true_pairs": q.true_pairs,
                               "found_pairs": q.found_pairs, "correct": q.correct,
                               "precision": q.precision, "recall": q.recall}
                              for q in result.quality],
            "seconds": round(result.seconds, 3)}


def _share(value: float | None) -> str:
    return "n/a" if value is None else f"{decimal(100 * value, 1)}%"


@reports_errors
def demo(
    output: Annotated[Path, typer.Option("--out", help="Demo folder (replaced if an earlier "
                                         "demo wrote it).")] = Path("padan-demo"),
    size: Annotated[int, typer.Option(help="Records of the largest list (DTKS); KJP gets a "
                                      "quarter, KIS three quarters.", min=10,
                                      max=2_000_000)] = 10_000,
    seed: Annotated[int, typer.Option(help="Seed of the synthetic data.", min=0)] = 7,
    dirt: Annotated[str, typer.Option(help="none, moderate or heavy "
                                      "(docs/synthetic-data.md).")] = "moderate",
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """Run the whole job on synthetic data: three agencies, the linker, the auditor.

    Generates dirty synthetic lists for DTKS, KJP and KIS, encodes each, starts the linker in
    this process (SQLite, embedded worker), uploads, links, reveals each agency's matches into
    its folder, prints the overlap report and precision and recall against the synthetic truth,
    and writes the auditors' dashboard.

    Example: padan demo --out padan-demo --size 20000 --dirt heavy
    """
    if dirt not in ("none", "moderate", "heavy"):
        raise fail(_("--dirt must be none, moderate or heavy, not '{dirt}'").format(dirt=dirt))
    prepare_folder(output)   # so a refusal comes before the progress display
    columns = (TextColumn("{task.description:<58}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err_console, transient=True) as bar:
        task = bar.add_task(_("starting"), total=1.0)
        result = run_demo(output, size=size, seed=seed, dirt=dirt,
                          step=lambda what, done: bar.update(task, description=what,
                                                             completed=done))
    if as_json:
        print_json(result_document(result))
        return
    from padan.cli.link_commands import combinations_table, overlap_table

    body = result.report
    out.print(overlap_table(body, _("pairwise overlap, project {project} run {run} (cells below "
                                    "{k} suppressed)").format(project=body["project_id"],
                                                              run=body["run_id"],
                                                              k=body["small_cell_k"])))
    out.print(combinations_table(body))
    for name, summary in result.revealed.items():
        print_summary(summary, out, title=_("{agency}: {matched} of {records} records found on "
                                            "another list").format(
                                                agency=name, matched=number(summary.matched),
                                                records=number(summary.records)))
    table = Table(_("bands"), *(Column(name, justify="right") for name in
                                (_("true pairs"), _("found"), _("correct"), _("precision"),
                                 _("recall"))),
                  title=_("against the synthetic truth (pairs of records of two agencies)"))
    for score in result.quality:
        table.add_row(_(score.bands) if "+" not in score.bands else
                      "+".join(_(band) for band in score.bands.split("+")),
                      number(score.true_pairs), number(score.found_pairs),
                      number(score.correct), _share(score.precision), _share(score.recall))
    out.print(readable(table))
    out.print(_("agencies' revealed files: {pattern}").format(
        pattern=f"{result.folder / 'agencies'}/*/*.revealed.csv"))
    out.print(_("auditors' dashboard: {path}").format(path=result.dashboard))
    out.print(_("finished in {seconds} s").format(seconds=decimal(result.seconds, 1)))
