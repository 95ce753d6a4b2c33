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
afterwards. Besides the three programmes, Dukcapil takes part with two registers: the deaths
(KEMATIAN, most of the synthetic dead, whom the programmes still list) and the population
(PENDUDUK); the report answers the three questions (padan.linker.registers). Finally the matches
are scored against the synthetic truth (pairs of records of two programmes), and so are the three
answers (records).
"""

from __future__ import annotations

import csv
import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Column, Table

from padan.cli.failures import err_console, fail, reports_errors
from padan.cli.reveal_commands import RecordMatch, RevealSummary, print_summary, summary_counts
from padan.cli.synth_commands import NAMES_HELP, NameModel
from padan.cli.tables import JSON_HELP, print_json, readable
from padan.i18n import _, decimal, number

MARKER = ".padan-demo"
AGENCY_SHARES = (("DTKS", 1.0), ("KJP", 0.25), ("KIS", 0.75))  # list sizes relative to --size
POPULATION_FACTOR = 5
DEATH_RATE = 0.02          # of the synthetic population: the programmes still list them
DEATHS_REPORTED = 0.9      # the share of the dead the death register holds
# the registers: (name, kind, size relative to --size; None: the reported dead)
REGISTERS = (("KEMATIAN", "deaths", None), ("PENDUDUK", "population", 0.5))
PROGRAMME_KINDS = ("DTKS=bansos", "KJP=bansos", "KIS=kesehatan")
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
class AnswerQuality:
    """One of the three answers (match band), scored against the truth over records."""

    question: str            # "double_recipients", "dead_still_paid" or "eligible_missing"
    lists: str               # which lists it is about
    true_records: int
    found_records: int
    correct: int

    @property
    def precision(self) -> float | None:
        return self.correct / self.found_records if self.found_records else None

    @property
    def recall(self) -> float | None:
        return self.correct / self.true_records if self.true_records else None


@dataclass(frozen=True, slots=True)
class DemoResult:
    folder: Path
    report: dict                          # the auditor's report envelope (ReportPublic)
    dashboard: Path
    revealed: dict[str, RevealSummary]
    quality: list[PairQuality]
    seconds: float
    answers: list[AnswerQuality] = field(default_factory=list)


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


def answer_quality(truth: dict[tuple[str, int], int], revealed: dict[str, RevealSummary],
                   kinds: dict[str, str], registers: dict[str, str]) -> list[AnswerQuality]:
    """Precision and recall of the three answers over records, from what each agency's revealed
    file says (the match band) against the synthetic truth:
    - double recipients: a programme record is one where its person is on another programme of
      its kind (truth), where its file names such a programme in padan_also_in (found);
    - the dead still paid: a programme record of a person the death register lists (truth),
      padan_in_death_register "yes" (found);
    - eligible but missing: a population register record whose person is on no programme and
      not in the death register (truth); found on no programme and not in the death register.
    kinds: programme -> kind; registers: register -> kind."""
    rows_of: dict[str, list[int]] = {}
    lists_of: dict[int, set[str]] = {}
    for (agency, row), person in truth.items():
        rows_of.setdefault(agency, []).append(row)
        lists_of.setdefault(person, set()).add(agency)
    dead = {person for person, lists in lists_of.items()
            if any(registers.get(a) == "deaths" for a in lists)}

    def linked(agency: str, row: int) -> set[str]:
        match = revealed[agency].matches.get(row)
        return set() if match is None or match.band != "match" else set(match.others)

    def in_deaths(agency: str, row: int) -> bool:
        return revealed[agency].registers.get(row, {}).get("deaths") == "match"

    def score(question: str, lists: str, true: set, found: set) -> AnswerQuality:
        return AnswerQuality(question, lists, len(true), len(found), len(true & found))

    scores = []
    for kind in sorted(set(kinds.values())):
        same = [p for p, k in kinds.items() if k == kind]
        if len(same) < 2:
            continue
        true, found = set(), set()
        for agency in same:
            for row in rows_of.get(agency, []):
                if len(lists_of[truth[(agency, row)]] & set(same)) >= 2:
                    true.add((agency, row))
                if linked(agency, row) & (set(same) - {agency}):
                    found.add((agency, row))
        scores.append(score("double_recipients", f"{kind}: {', '.join(same)}", true, found))
    if "deaths" in registers.values():
        true = {(a, r) for a in kinds for r in rows_of.get(a, []) if truth[(a, r)] in dead}
        found = {(a, r) for a in kinds for r in rows_of.get(a, []) if in_deaths(a, r)}
        scores.append(score("dead_still_paid", ", ".join(kinds), true, found))
    for register, kind in registers.items():
        if kind not in ("population", "eligibility"):
            continue
        rows = rows_of.get(register, [])
        true = {(register, r) for r in rows
                if not lists_of[truth[(register, r)]] & set(kinds)
                and truth[(register, r)] not in dead}
        found = {(register, r) for r in rows
                 if not (revealed[register].matches.get(r) is not None
                         and set(revealed[register].matches[r].others) & set(kinds))
                 and not revealed[register].registers.get(r, {}).get("deaths")}
        scores.append(score("eligible_missing", register, true, found))
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


def run_demo(folder: Path, *, size: int, seed: int, dirt: str, name_model: str = "realistic",
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
    from padan.synth import AgencySpec, SynthConfig, generate, parse_agencies, write_lists

    started = time.perf_counter()
    prepare_folder(folder)   # refuses a folder it did not write (before any work)
    programmes = [name for name, _share in AGENCY_SHARES]
    registers = {name: kind for name, kind, _share in REGISTERS}
    names = [*programmes, *registers]
    step(_("generating synthetic lists"), 0.0)
    sizes = ",".join(f"{name}:{max(1, round(size * share))}" for name, share in AGENCY_SHARES)
    population = POPULATION_FACTOR * size
    register_specs = tuple(AgencySpec(
        name=name, register=kind, size=max(1, round(
            DEATHS_REPORTED * DEATH_RATE * population if share is None else share * size)))
        for name, kind, share in REGISTERS)
    lists = generate(SynthConfig(seed=seed, population=population, death_rate=DEATH_RATE,
                                 agencies=parse_agencies(sizes) + register_specs, dirt=dirt,
                                 names=name_model))
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
                agencies=names, auditors=["auditor"], description="padan demo",
                parameters={"registers": [f"{n}={k}" for n, k in registers.items()],
                            "programme_kinds": list(PROGRAMME_KINDS)}))
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
    truth = read_truth(written["truth"])
    quality = pair_quality({key: person for key, person in truth.items()
                            if key[0] in programmes},
                           {name: revealed[name].matches for name in programmes})
    kinds = dict(entry.split("=") for entry in PROGRAMME_KINDS)
    answers = answer_quality(truth, revealed, kinds, registers)
    step(_("done"), 1.0)
    return DemoResult(folder, report, dashboard, revealed, quality,
                      time.perf_counter() - started, answers)


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
            "answers_against_truth": [
                {"question": a.question, "lists": a.lists, "true_records": a.true_records,
                 "found_records": a.found_records, "correct": a.correct,
                 "precision": a.precision, "recall": a.recall} for a in result.answers],
            "seconds": round(result.seconds, 3)}


def answers_table(answers: list[AnswerQuality]) -> Table:
    names = {"double_recipients": _("double recipients"),
             "dead_still_paid": _("the dead still paid"),
             "eligible_missing": _("eligible but missing")}
    table = Table(_("question"), _("lists"),
                  *(Column(name, justify="right") for name in
                    (_("true records"), _("found"), _("correct"), _("precision"), _("recall"))),
                  title=_("the three answers against the synthetic truth (records, match band)"))
    for a in answers:
        table.add_row(names[a.question], a.lists, number(a.true_records),
                      number(a.found_records), number(a.correct), _share(a.precision),
                      _share(a.recall))
    return readable(table)


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
    names: Annotated[NameModel, typer.Option(help=NAMES_HELP)] = NameModel.REALISTIC,
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """Run the whole job on synthetic data: three programmes, two registers, linker, auditor.

    Generates dirty synthetic lists for the programmes DTKS, KJP and KIS and Dukcapil's death
    (KEMATIAN) and population (PENDUDUK) registers, encodes each, starts the linker in this
    process (SQLite, embedded worker), uploads, links, reveals each agency's matches into its
    folder, prints the overlap report, the three answers (double recipients, the dead still paid,
    the eligible who are missing) and precision and recall against the synthetic truth, and
    writes the auditors' dashboard.

    Example: padan demo --out padan-demo --size 20000 --dirt heavy
    """
    if dirt not in ("none", "moderate", "heavy"):
        raise fail(_("--dirt must be none, moderate or heavy, not '{dirt}'").format(dirt=dirt))
    prepare_folder(output)   # so a refusal comes before the progress display
    columns = (TextColumn("{task.description:<58}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err_console, transient=True) as bar:
        task = bar.add_task(_("starting"), total=1.0)
        result = run_demo(output, size=size, seed=seed, dirt=dirt, name_model=names.value,
                          step=lambda what, done: bar.update(task, description=what,
                                                             completed=done))
    if as_json:
        print_json(result_document(result))
        return
    from padan.cli.link_commands import combinations_table, overlap_table
    from padan.cli.questions import questions_table

    body = result.report
    out.print(overlap_table(body, _("pairwise overlap, project {project} run {run} (cells below "
                                    "{k} suppressed)").format(project=body["project_id"],
                                                              run=body["run_id"],
                                                              k=body["small_cell_k"])))
    out.print(combinations_table(body))
    answers = questions_table(body)
    if answers is not None:
        out.print(answers)
    for name, summary in result.revealed.items():
        print_summary(summary, out, title=_("{agency}: {matched} of {records} records found on "
                                            "another list").format(
                                                agency=name, matched=number(summary.matched),
                                                records=number(summary.records)))
    table = Table(_("bands"), *(Column(name, justify="right") for name in
                                (_("true pairs"), _("found"), _("correct"), _("precision"),
                                 _("recall"))),
                  title=_("against the synthetic truth (pairs of records of two programmes)"))
    for score in result.quality:
        table.add_row(_(score.bands) if "+" not in score.bands else
                      "+".join(_(band) for band in score.bands.split("+")),
                      number(score.true_pairs), number(score.found_pairs),
                      number(score.correct), _share(score.precision), _share(score.recall))
    out.print(readable(table))
    out.print(answers_table(result.answers))
    out.print(_("agencies' revealed files: {pattern}").format(
        pattern=f"{result.folder / 'agencies'}/*/*.revealed.csv"))
    out.print(_("auditors' dashboard: {path}").format(path=result.dashboard))
    out.print(_("finished in {seconds} s").format(seconds=decimal(result.seconds, 1)))
