"""`padan link FILE...`: the linker engine on encoding files, locally, without the service.

For a small coordinator and for evaluation. Writes into --out:
  NAME.results.csv  each agency's own results, the same bytes the service hands that agency
                    (pseudo_id,kind,group_id,other_party,band: its links to other lists and
                    its own duplicate groups): give each agency only its own file
  report.json       the counts (small cells suppressed), as `padan report --format json`, with
                    the three questions where --registers names registers
  report.html       the auditors' dashboard of that report
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Column, Table

from padan.cli.failures import bad_input_errors, err_console, fail, reports_errors
from padan.cli.questions import questions_table
from padan.cli.run_options import option_name, with_run_options
from padan.cli.tables import JSON_HELP, print_json, readable
from padan.i18n import _, decimal, number
from padan.linker.errors import LinkerError, ParameterError

bad_input_errors(LinkerError)
out = Console(highlight=False, soft_wrap=True)
_PARTY_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
DEFAULT_SMALL_CELL_K = 5  # the service's default (PADAN_SMALL_CELL_K)


@dataclass(frozen=True, slots=True)
class LinkOutput:
    """What `link_files` wrote, and the report it wrote."""

    results: dict[str, Path]   # party -> its results CSV
    report_json: Path
    report_html: Path
    report: dict               # the report envelope written to report.json
    matches: dict[str, int]    # party -> link rows in its results
    duplicates: dict[str, int]  # party -> records in its own duplicate groups
    seconds: float


def parse_party(item: str) -> tuple[str, Path]:
    """NAME=FILE, or FILE (the name is the file name without .padan)."""
    name, sep, path = item.partition("=")
    if not sep:
        path, name = item, Path(item).name.removesuffix(".padan")
    if not _PARTY_NAME.fullmatch(name):
        raise fail(_("'{item}': a party name is 1-64 letters, digits, '.', '_' or '-' and "
                     "starts with a letter or digit; give one as NAME=FILE").format(item=item))
    return name, Path(path)


def read_parameters(path: Path | None) -> dict:
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise fail(_("{path}: parameters file not found").format(path=path)) from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise fail(_("{path}: not a JSON parameters file ({reason})").format(
            path=path, reason=type(exc).__name__)) from None
    if not isinstance(data, dict):
        raise fail(_("{path}: the parameters must be a JSON object, e.g. {example}").format(
            path=path, example='{"match_threshold": 0.85}'))
    return data


def open_parties(files: dict[str, Path], parameters: dict | None = None):
    """The parties' opened encoding files and the run's parameters, checked for a run."""
    from padan.encoder.encoding_file import open_encoding_file
    from padan.linker.engine import LinkParameters, Party, check_compatible
    from padan.linker.registers import Roles

    params = LinkParameters.from_dict(parameters or {})
    Roles.from_parameters(params).check(list(files))   # a register that is no party: a typo
    parties = [Party(name, open_encoding_file(path)) for name, path in files.items()]
    check_compatible(parties)
    return parties, params


def link_files(files: dict[str, Path], output: Path, *, parameters: dict | None = None,
               small_cell_k: int = DEFAULT_SMALL_CELL_K, workers: int = 1,
               progress=None) -> LinkOutput:
    """Link the encoding files (party -> path) and write results, report.json, report.html."""
    return link_parties(*open_parties(files, parameters), output, small_cell_k=small_cell_k,
                        workers=workers, progress=progress)


def link_parties(parties, params, output: Path, *, small_cell_k: int = DEFAULT_SMALL_CELL_K,
                 workers: int = 1, progress=None) -> LinkOutput:
    from padan.linker.dashboard import render_dashboard
    from padan.linker.engine import link
    from padan.linker.executors import in_process, process_pool
    from padan.linker.party_results import party_results_csv
    from padan.linker.registers import Roles

    executor = process_pool(workers) if workers > 1 else in_process()
    result = link(parties, params, executor=executor, progress=progress)
    output.mkdir(parents=True, exist_ok=True)
    written, matches, duplicates = {}, {}, {}
    registers = Roles.from_parameters(params).registers
    for party in parties:
        rows, own = result.for_party(party.name), result.duplicates_for(party.name)
        written[party.name] = output / f"{party.name}.results.csv"
        written[party.name].write_bytes(party_results_csv(rows, own, registers))
        matches[party.name], duplicates[party.name] = len(rows), len(own)
    envelope = {"project_id": parties[0].encodings.header.project_id, "run_id": None,
                "small_cell_k": small_cell_k, "parameters": params.to_dict(),
                "report": result.report.suppressed(small_cell_k).to_dict()}
    report_json, report_html = output / "report.json", output / "report.html"
    report_json.write_text(json.dumps(envelope, indent=2) + "\n", encoding="utf-8")
    report_html.write_text(render_dashboard(envelope, None), encoding="utf-8")
    return LinkOutput(written, report_json, report_html, envelope, matches, duplicates,
                      result.report.timings.get("total", 0.0))


def overlap_table(envelope: dict, title: str | None = None) -> Table:
    """The pairwise overlap of a report envelope as a rich table ("<k" for suppressed)."""
    report, k = envelope["report"], envelope.get("small_cell_k")

    def shown(value) -> str:
        return f"<{k}" if value is None else number(value)

    table = Table(_("agencies"), Column(_("match"), justify="right"),
                  Column(_("possible"), justify="right"),
                  title=title or _("pairwise overlap (people)"))
    for row in report["pairwise"]:
        table.add_row(" & ".join(row["parties"]), shown(row["match"]), shown(row["possible"]))
    return readable(table)


def thresholds_line(params, report: dict) -> str:
    """The thresholds the run linked at: the match model's (and how it chose them), or the Dice
    thresholds with the histogram valley as what it is, a suggestion."""
    duplicates = _("duplicates {duplicate}, possible {duplicate_possible} (Dice)").format(
        duplicate=decimal(params.duplicate_threshold),
        duplicate_possible=decimal(params.duplicate_possible_threshold))
    model = report.get("match_model")
    if model is not None:
        how = (_("automatic: where the F1 the model expects is highest; expected precision "
                 "{precision}") if params.match_probability is None else _("as given"))
        return _("match model: match probability {match} ({how}), possible {possible}; a match "
                 "needs the name's Dice {floor}; {duplicates} (--match-probability and the "
                 "other run options, or --parameters)").format(
                     match=decimal(model["match_threshold"], 4),
                     how=how.format(precision=decimal(model["expected_precision"], 4)),
                     possible=decimal(params.possible_probability),
                     floor=decimal(params.name_floor), duplicates=duplicates)
    used = _("thresholds used: match {match}, possible {possible}; duplicates {duplicate}, "
             "possible {duplicate_possible}; same NIK {identity} (--match-threshold and the "
             "other run options, or --parameters)").format(
                 match=decimal(params.match_threshold), possible=decimal(params.possible_threshold),
                 duplicate=decimal(params.duplicate_threshold),
                 duplicate_possible=decimal(params.duplicate_possible_threshold),
                 identity=decimal(params.identity_threshold))
    valley = report.get("histogram_valley")
    if valley is None:
        return used + "\n" + _("histogram valley: none (the similarity histogram has no valley)")
    return used + "\n" + _("histogram valley {valley}: a suggestion for the match threshold, not "
                           "used (where the similarity histogram is lowest; it can be far from "
                           "the best threshold, docs/evaluation.md)").format(valley=decimal(valley))


def combinations_table(envelope: dict) -> Table:
    report, k = envelope["report"], envelope.get("small_cell_k")
    table = Table(_("on exactly these lists"), Column(_("people"), justify="right"),
                  title=_("combinations (UpSet)"))
    for row in sorted(report["combinations"], key=lambda r: (-len(r["parties"]), r["parties"])):
        count = row["count"]
        table.add_row(" & ".join(row["parties"]), f"<{k}" if count is None else number(count))
    return readable(table)


def register(app: typer.Typer) -> None:
    app.command("link")(link_command)


@with_run_options
@reports_errors
def link_command(
    files: Annotated[list[str], typer.Argument(
        metavar="FILE...", help="Encoding files, as NAME=FILE or FILE (name: the file name "
                                "without .padan).")],
    output: Annotated[Path, typer.Option("--out", "-o", help="Folder for the results and the "
                                         "report (created if missing).")] = Path("padan-link"),
    parameters: Annotated[Path | None, typer.Option(
        "--parameters", help="Run parameters as a JSON file, e.g. "
                             '{"match_threshold": 0.85} (docs/api.md lists them); the run '
                             "options below override it.")] = None,
    small_cell_k: Annotated[int, typer.Option(
        "--small-cell-k", min=1, help="Counts from 1 to k-1 in the report show as <k "
                                      "(1: no suppression).")] = DEFAULT_SMALL_CELL_K,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Processes (1: this "
                                         "process, numba still uses every core).")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
    state: Annotated[Path | None, typer.Option(
        "--state", help="A state folder for monthly versions: link incrementally against it, "
                        "keep group ids stable, and write NAME.changes.csv (new / unchanged / "
                        "changed / gone). A list not named keeps its standing version; "
                        "NAME=X.delta.padan sends a delta (docs/continuous-linkage.md).")] = None,
    *,
    run_options: dict,
) -> None:
    """Link encoding files here, without the service; write each agency's results and the report.

    Writes OUT/NAME.results.csv for each agency (hand each agency only its own), OUT/report.json
    and the dashboard OUT/report.html.

    Every run parameter is an option (--match-threshold 0.85 ...) and may also come from a JSON
    file (--parameters); the options win.

    Examples: padan link DTKS=dtks.padan KJP=kjp.padan KIS=kis.padan --out run1 ; padan link
    dtks.padan kjp.padan --match-threshold 0.85 --possible-threshold 0.75 --json ; padan link
    --state state DTKS=dtks-12.delta.padan --out run-12
    """
    named = dict(parse_party(item) for item in files)
    if len(named) != len(files):
        raise fail(_("each party may be given once; two files have the same name (use "
                     "NAME=FILE)"))
    for name, path in named.items():
        if not path.is_file():
            raise fail(_("{path}: encoding file of '{name}' not found").format(path=path,
                                                                              name=name))
    given = {**read_parameters(parameters), **run_options}
    try:
        parties, params = open_parties(named, given)  # errors before the bar
    except ParameterError as exc:
        if exc.parameter not in run_options:
            raise
        raise fail(f"{option_name(exc.parameter)}: {exc.reason}") from None
    if state is not None:
        from padan.cli.continuous_commands import link_state, print_summary

        summary = link_state(named, state, output, params, small_cell_k=small_cell_k)
        if as_json:
            print_json(summary)
        else:
            print_summary(summary)
        return
    columns = (TextColumn(_("linking")), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err_console, transient=True) as bar:
        task = bar.add_task("link", total=None)
        done = link_parties(parties, params, output, small_cell_k=small_cell_k,
                            workers=workers,
                            progress=lambda finished, total: bar.update(task, completed=finished,
                                                                        total=total))
    if as_json:
        print_json({"report": done.report, "results": done.results, "matches": done.matches,
                    "duplicates": done.duplicates, "report_json": done.report_json,
                    "report_html": done.report_html, "seconds": round(done.seconds, 3)})
        return
    out.print(overlap_table(done.report))
    answers = questions_table(done.report)
    if answers is not None:
        out.print(answers)
    out.print(thresholds_line(params, done.report["report"]))
    for name, path in done.results.items():
        out.print(_("{name}: {matches} matches, {duplicates} records in its own duplicate "
                    "groups -> {path}").format(name=name, matches=number(done.matches[name]),
                                               duplicates=number(done.duplicates[name]),
                                               path=path))
    out.print(_("report: {json} and {html} ({seconds} s)").format(
        json=done.report_json, html=done.report_html, seconds=decimal(done.seconds, 1)))
