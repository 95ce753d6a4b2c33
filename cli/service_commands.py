"""Service commands: serve and worker (coordinator's host), projects, uploads, runs, results,
reports and the audit chain (through the HTTP API with cli.client).

Tokens come from PADAN_TOKEN or PADAN_TOKEN_FILE (never from an argument); the server from
PADAN_SERVER_URL or --server.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from importlib import util
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn
from rich.table import Table

from padan.cli.client import ApiError, ClientSettings, PadanClient
from padan.cli.failures import bad_input_errors, err_console, fail, reports_errors
from padan.cli.questions import questions_table
from padan.cli.tables import JSON_HELP, print_json, readable
from padan.i18n import _, number, set_language
from padan.linker.service.api_models import ProjectCreate, ProjectPublic, RunPublic
from padan.linker.service.errors import ServiceError

bad_input_errors(ApiError, ServiceError)
out = Console(highlight=False, soft_wrap=True)
project_app = typer.Typer(help="Create, show and close linkage projects (coordinator).",
                          no_args_is_help=True)
audit_app = typer.Typer(help="Check the hash-chained audit log (auditor).", no_args_is_help=True)
admin_app = typer.Typer(help="Operator tasks on the server host.", no_args_is_help=True)

Server = Annotated[str | None, typer.Option(
    "--server", help="Linker URL (default: PADAN_SERVER_URL, else http://127.0.0.1:8000).")]
RunId = Annotated[str, typer.Option("--run", help="Run number, or 'latest' finished run.")]
JsonFlag = Annotated[bool, typer.Option("--json", help=JSON_HELP)]


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.command("worker")(worker)
    app.command("upload")(upload)
    app.command("run")(run)
    app.command("status")(status)
    app.command("results")(results)
    app.command("withdraw")(withdraw)
    app.command("report")(report)
    app.add_typer(project_app, name="project")
    app.add_typer(audit_app, name="audit")
    app.add_typer(admin_app, name="admin")


def _client(server: str | None) -> PadanClient:
    settings = ClientSettings() if server is None else ClientSettings(server_url=server)
    return PadanClient.connect(settings)


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)


# -- server host ------------------------------------------------------------------------------
@reports_errors
def serve(
    host: Annotated[str | None, typer.Option(
        "--host", help="Address to listen on (default: PADAN_HOST, else 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(
        "--port", min=0, max=65535, help="Port (default: PADAN_PORT, else 8000).")] = None,
) -> None:
    """Run the linker API (settings from PADAN_* environment; see docs/operations.md).

    Example: padan serve --host 127.0.0.1 --port 9000
    """
    import uvicorn

    from padan.linker.service import create_app, get_settings

    set_language("en")  # the API's messages are read by programs; the dashboard has ?lang=

    settings = get_settings()
    tls = {}
    if settings.tls_certfile:
        tls = {"ssl_certfile": str(settings.tls_certfile),
               "ssl_keyfile": str(settings.tls_keyfile)}
    uvicorn.run(create_app(settings), host=host or settings.host,
                port=settings.port if port is None else port, log_level="info",
                proxy_headers=True, forwarded_allow_ips=settings.forwarded_allow_ips, **tls)


@reports_errors
def worker(
    once: Annotated[bool, typer.Option("--once", help="Run one queued job, then exit.")] = False,
    concurrency: Annotated[int, typer.Option(
        "--concurrency", min=1, max=256, help="Worker processes here, each running one job at "
        "a time.")] = 1,
) -> None:
    """Run linkage jobs from the database queue (any number of workers may run).

    Example: padan worker --concurrency 4
    """
    if concurrency == 1 or once:
        _work(once)
        return
    import multiprocessing

    spawn = multiprocessing.get_context("spawn")  # a fresh process: no inherited connections
    processes = [spawn.Process(target=_work, args=(False,), name=f"padan-worker-{n}")
                 for n in range(concurrency)]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    if any(process.exitcode for process in processes):
        raise typer.Exit(1)


def _work(once: bool) -> None:
    import logging

    from padan.linker.service import Worker, get_settings, open_state

    set_language("en")  # a run's error is stored and served by the API: English

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    state = open_state(get_settings())
    job_worker = Worker(state.settings, state.factory)
    if once:
        job_worker.run_once()
    else:
        job_worker.run_forever()


@admin_app.command("create-coordinator")
@reports_errors
def create_coordinator(
    name: Annotated[str, typer.Argument(help="The coordinator's name, e.g. a person or office.")],
    token_file: Annotated[Path | None, typer.Option(
        help="Write the token to this file (mode 0600) instead of printing it.")] = None,
) -> None:
    """Create a coordinator token on the server host (talks to the database directly).

    Example: padan admin create-coordinator kemensos --token-file coordinator.token
    """
    from padan.linker.service import create_coordinator_token, get_settings

    token = create_coordinator_token(get_settings(), name)
    if token_file:
        _write_private(token_file, token + "\n")
        err_console.print(_("wrote the coordinator token to {path} (mode 0600)").format(
            path=token_file))
    else:
        out.print(token)
        err_console.print(_("this token is shown once: keep it in a file readable only by you"))


# -- projects ---------------------------------------------------------------------------------
def _print_project(project: ProjectPublic, as_json: bool = False) -> None:
    if as_json:
        print_json(project.model_dump(mode="json"))
        return
    out.print(_("project {project} ({state}), policy {policy}, small cells below {k} "
                "suppressed").format(project=project.project_id, state=project.state,
                                     policy=project.result_policy, k=project.small_cell_k))
    out.print(_("schema fingerprint {fingerprint}").format(fingerprint=project.schema_fingerprint))
    table = Table(_("party"), _("role"), _("uploaded"), _("revoked"), _("token expires"))
    for party in project.parties:
        expires = f"{party.expires_at:%Y-%m-%d}" if party.expires_at else ""
        table.add_row(party.name, party.role, _("yes") if party.uploaded else _("no"),
                      _("yes") if party.revoked else "", expires)
    out.print(readable(table))


@project_app.command("create")
@reports_errors
def project_create(
    schema: Annotated[Path, typer.Option(help="The project's linkage schema (TOML): gives the "
                                              "project id and fingerprint.")],
    agency: Annotated[list[str], typer.Option(help="An agency taking part (repeat).")],
    auditor: Annotated[list[str] | None, typer.Option(help="An auditor (repeat).")] = None,
    parameters: Annotated[Path | None, typer.Option(help="Run parameters (JSON file).")] = None,
    policy: Annotated[str, typer.Option(help="own_matches or counts_only.")] = "own_matches",
    small_cell_k: Annotated[int | None, typer.Option(help="Suppress counts below k.")] = None,
    tokens_dir: Annotated[Path | None, typer.Option(
        help="Write each party's token to DIR/<party>.token (mode 0600).")] = None,
    register: Annotated[list[str] | None, typer.Option(
        help="An agency that is a register, NAME=KIND with KIND deaths, population or "
             "eligibility (repeat; docs/three-questions.md).")] = None,
    programme_kind: Annotated[list[str] | None, typer.Option(
        help="A programme's kind, NAME=KIND, e.g. KJP=bansos (repeat).")] = None,
    continuous: Annotated[bool, typer.Option(
        "--continuous", help="Monthly versions of the lists (whole or delta) linked against a "
                             "standing state, stable group ids, erasure "
                             "(docs/continuous-linkage.md).")] = False,
    server: Server = None,
) -> None:
    """Create a project; each party's token is shown once (or written to --tokens-dir).

    --register and --programme-kind (e.g. --register mati=deaths) add to the run parameters'
    registers and programme_kinds: the report then answers the three questions (double
    recipients, the dead still paid, the eligible who are missing).

    Example: padan project create --schema bansos.toml --agency dtks --agency kjp --auditor bpk
    """
    from padan.encoder.schema import load_schema

    linkage = load_schema(schema)
    params = json.loads(parameters.read_text()) if parameters else {}
    for key, given in (("registers", register), ("programme_kinds", programme_kind)):
        if given:
            params[key] = [*params.get(key, []), *given]
    body = ProjectCreate(project_id=linkage.project_id, schema_fingerprint=linkage.fingerprint,
                         agencies=agency, auditors=auditor or ["auditor"], parameters=params,
                         result_policy=policy, small_cell_k=small_cell_k,
                         continuous=continuous)
    with _client(server) as client:
        created = client.create_project(body)
    _print_project(created.project)
    if tokens_dir:
        tokens_dir.mkdir(parents=True, exist_ok=True)
        for token in created.tokens:
            _write_private(tokens_dir / f"{token.party}.token", token.token + "\n")
        err_console.print(_("wrote {count} tokens to {path} (mode 0600); hand each to its party "
                            "over a private channel").format(count=len(created.tokens),
                                                             path=tokens_dir))
        return
    table = Table(_("party"), _("role"), _("token (shown once)"))
    for token in created.tokens:
        table.add_row(token.party, token.role, token.token)
    out.print(table)


@project_app.command("show")
@reports_errors
def project_show(project_id: str, server: Server = None, as_json: JsonFlag = False) -> None:
    """Show a project, its parties and who has uploaded.

    Example: padan project show bansos
    """
    with _client(server) as client:
        _print_project(client.project(project_id), as_json)


@project_app.command("close")
@reports_errors
def project_close(project_id: str, server: Server = None, as_json: JsonFlag = False) -> None:
    """Close a project and delete its encodings from the store.

    Example: padan project close bansos
    """
    with _client(server) as client:
        _print_project(client.close_project(project_id), as_json)


# -- agency -----------------------------------------------------------------------------------
def _removed_beside(file: Path) -> Path | None:
    """X.removed.csv beside X.delta.padan (padan encode --previous writes both); None for a
    whole list."""
    if not file.name.endswith(".delta.padan"):
        return None
    removed = file.with_name(file.name.removesuffix(".delta.padan") + ".removed.csv")
    if not removed.is_file():
        raise fail(_("{path}: a delta needs {removed} beside it (padan encode --previous "
                     "writes both)").format(path=file, removed=removed.name))
    return removed


@reports_errors
def upload(project_id: str, file: Annotated[Path, typer.Argument(help="The encoding file.")],
           server: Server = None) -> None:
    """Upload an encoding file (resumes an interrupted upload of the same file).

    In a continuous project, a file named X.delta.padan is a delta: the records added or changed
    since your last version, sent with X.removed.csv from beside it (padan encode --previous
    writes both); any other file is your whole list.

    Example: PADAN_TOKEN_FILE=dtks.token padan upload bansos dtks.padan
    """
    if not file.is_file():
        raise fail(_("{path}: file not found").format(path=file))
    removed = _removed_beside(file)
    columns = (TextColumn(_("upload")), BarColumn(), DownloadColumn())
    with _client(server) as client, Progress(*columns, console=err_console) as bar:
        task = bar.add_task("upload", total=file.stat().st_size)
        done = client.upload_file(project_id, file, removed=removed,
                                  progress=lambda sent, _total: bar.update(task, completed=sent))
    note = " " + _("(already uploaded; nothing changed)") if done.unchanged else (
        " " + _("(replaced the earlier upload; earlier results are out of date)")
        if done.replaced else "")
    what = _("a delta") if done.kind == "delta" else _("the whole list")
    out.print(_("uploaded {records} records as {digest}… ({what})").format(
        records=done.record_count, digest=done.sha256[:16], what=what) + note)


@reports_errors
def results(project_id: str, run_id: RunId = "latest",
            output: Annotated[Path | None, typer.Option(help="Write CSV here.")] = None,
            changes: Annotated[Path | None, typer.Option(
                "--changes", help="Continuous projects: write each link's status since the "
                                  "last run here (pseudo_id, other_party, group_id, band, "
                                  "status: new, unchanged, changed or gone).")] = None,
            server: Server = None) -> None:
    """Download this agency's own results as CSV: its records found on other lists and its own
    duplicate groups (pseudo_id, kind, group_id, other_party, band).

    Pseudo-ids are written as in your id map ('p' and 16 hex digits); `padan reveal` joins
    them back to your rows (with --changes FILE, `padan reveal --changes FILE` adds each link's
    status).

    Example: padan results bansos --output dtks-matches.csv --changes dtks-changes.csv
    """
    with _client(server) as client:
        data = client.results_csv(project_id, run_id)
        changed = client.results_changes(project_id, run_id) if changes else None
    if changes and changed is not None:
        _write_changes(changes, changed)
    if output:
        output.write_bytes(data)
        links, duplicates = data.count(b",link,"), data.count(b",duplicate,")
        err_console.print(_("wrote {links} matches and {duplicates} records of your own "
                            "duplicate groups to {path}").format(links=links,
                                                                 duplicates=duplicates,
                                                                 path=output))
        registers = data.count(b",register,")
        if registers:
            err_console.print(_("{count} rows of kind register: your records also in a "
                                "register the project declared (padan reveal: {column})").format(
                                    count=registers, column=_("padan_registers")))
    else:
        sys.stdout.write(data.decode())


def _write_changes(path: Path, data: bytes) -> None:
    from padan.linker.party_changes import STATUSES, count_statuses, read_changes

    path.write_bytes(data)
    counts = count_statuses(read_changes(data))
    table = Table(_("status"), _("links"))
    labels = {"new": _("new"), "unchanged": _("unchanged"), "changed": _("changed"),
              "gone": _("gone")}
    for status in STATUSES:
        table.add_row(labels[status], number(counts[status]))
    err_console.print(readable(table))
    err_console.print(_("wrote the status of each link to {path}").format(path=path))


ERASE_BATCH = 20_000   # pseudo-ids per request (the request body limit is 1 MiB by default)


@reports_errors
def withdraw(project_id: str,
             pseudo_ids: Annotated[Path | None, typer.Option(
                 "--pseudo-ids", help="A CSV with a pseudo_id column: the records to erase.")]
             = None,
             whole_list: Annotated[bool, typer.Option(
                 "--whole-list", help="Erase your whole list from the project.")] = False,
             server: Server = None) -> None:
    """Erase some of your records, or your whole list, from a continuous project (right to
    erasure): they leave the linker's store, its state, later reports and results; the audit
    log records who, which party and how many records.

    Example: PADAN_TOKEN_FILE=kjp.token padan withdraw bansos --pseudo-ids withdrawn.csv
    """
    from padan.encoder.list_versions import read_removed
    from padan.encoder.pseudo_ids import pseudo_id_texts

    if (pseudo_ids is None) == (not whole_list):
        raise fail(_("give --pseudo-ids FILE or --whole-list (one of them)"))
    texts = None if pseudo_ids is None else pseudo_id_texts(read_removed(pseudo_ids))
    if texts == []:
        raise fail(_("{path}: no pseudo-ids to erase").format(path=pseudo_ids))
    batches = [None] if texts is None else [texts[i:i + ERASE_BATCH]
                                            for i in range(0, len(texts), ERASE_BATCH)]
    with _client(server) as client:
        for batch in batches:
            started = client.erase(project_id, batch)
            finished = client.wait_for_run(project_id, started.run_id)
            _print_run(finished)
            if finished.state == "failed":
                raise typer.Exit(1)
    count = _("your whole list") if texts is None else _("{count} records").format(
        count=number(len(texts)))
    out.print(_("erased from project {project}: {count}").format(project=project_id,
                                                                 count=count))


# -- coordinator ------------------------------------------------------------------------------
def _print_run(run: RunPublic) -> None:
    took = ", " + _("{seconds} s").format(seconds=run.seconds) if run.seconds is not None else ""
    stale = "" if not run.invalidated else " " + (
        _("(out of date: records were erased after it)") if run.kind in ("continuous", "erase")
        else _("(out of date: an upload was replaced)"))
    error = f": {run.error}" if run.error else ""
    kinds = {"continuous": _("continuous"), "erase": _("erasure")}
    kind = f" ({kinds[run.kind]})" if run.kind in kinds else ""
    out.print(_("run {run}: {state} {progress}, attempt {attempt}").format(
        run=run.run_id, state=run.state, progress=f"{run.progress:.0%}",
        attempt=run.attempts) + f"{kind}{took}{stale}{error}")


@reports_errors
def run(project_id: str,
        no_wait: Annotated[bool, typer.Option("--no-wait", help="Queue and return.")] = False,
        server: Server = None) -> None:
    """Start a run over every agency's current upload; wait with a progress bar.

    Example: padan run bansos
    """
    with _client(server) as client:
        started = client.start_run(project_id)
        if no_wait:
            _print_run(started)
            return
        with Progress(TextColumn(_("linking")), BarColumn(), console=err_console) as bar:
            task = bar.add_task("run", total=1.0)
            finished = client.wait_for_run(
                project_id, started.run_id,
                progress=lambda r: bar.update(task, completed=r.progress))
    _print_run(finished)
    if finished.state == "failed":
        raise typer.Exit(1)


@reports_errors
def status(project_id: str, run_id: Annotated[str | None, typer.Argument(
        help="A run number; default: every run.")] = None, server: Server = None) -> None:
    """Show state, progress and timings of a project's runs.

    Example: padan status bansos
    """
    with _client(server) as client:
        for item in [client.run(project_id, run_id)] if run_id else client.runs(project_id):
            _print_run(item)


# -- auditor ----------------------------------------------------------------------------------
def _rows(value: Any, path: str = "") -> list[tuple[str, str]]:
    """Flatten a report to (path, value) rows; suppressed cells (None) show as 'suppressed'."""
    if isinstance(value, dict):
        return [row for key, item in value.items()
                for row in _rows(item, f"{path}.{key}" if path else str(key))]
    if isinstance(value, list):
        return [row for index, item in enumerate(value) for row in _rows(item, f"{path}[{index}]")]
    return [(path, "suppressed" if value is None else str(value))]


@reports_errors
def report(project_id: str, run_id: RunId = "latest",
           format: Annotated[str, typer.Option(help="table, json, csv or html.")] = "table",
           output: Annotated[Path | None, typer.Option(help="Write to this file.")] = None,
           server: Server = None) -> None:
    """The overlap report (counts only; small cells suppressed).

    Example: padan report bansos --format html --output report.html
    """
    if format not in ("table", "json", "csv", "html"):
        raise fail(_("--format must be table, json, csv or html, not '{format}'").format(
            format=format))
    if format == "html" and util.find_spec("padan.linker.dashboard") is None:
        raise fail(_("--format html needs the dashboard (padan.linker.dashboard), which this "
                     "installation lacks; use --format json or csv"))
    with _client(server) as client:
        body = client.report(project_id, run_id)
        chain = client.audit_verify() if format == "html" else None
        parameters = client.project(project_id).parameters if format == "html" else None
    if format == "json":
        text = json.dumps(body.model_dump(mode="json"), indent=2)
    elif format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["item", "value"])
        writer.writerows(_rows(body.report))
        text = buffer.getvalue()
    elif format == "html":
        from padan.linker.dashboard import render_dashboard

        text = render_dashboard(body.model_dump(mode="json"), chain.model_dump(),
                                parameters=parameters)
    else:
        table = Table(_("item"), _("value"), title=_(
            "{project}, run {run} (cells below {k} suppressed)").format(
                project=body.project_id, run=body.run_id, k=body.small_cell_k))
        for item, value in _rows(body.report):
            table.add_row(item, _(value) if value == "suppressed" else value)
        console = Console(file=output.open("w"), width=120) if output else out
        console.print(table)
        answers = questions_table(body.model_dump(mode="json"))
        if answers is not None:
            console.print(answers)
        return
    if output:
        output.write_text(text)
        err_console.print(_("wrote the report to {path}").format(path=output))
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
