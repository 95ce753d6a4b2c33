"""The linker service's reliability, measured: fuzzing, load, faults and a scan of every log.

    python -m benchmarks.service_reliability                 # everything (PostgreSQL needed)
    python -m benchmarks.service_reliability --only fuzz --examples 5

PostgreSQL: PADAN_TEST_POSTGRES_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/test,
as the tests); each part works in a fresh schema, dropped afterwards. Everything listens on
127.0.0.1 only. Synthetic data only (padan.synth lists, encoded with the default schema).

1. fuzz   schemathesis against the OpenAPI document, in process, with each role's token (and
          none): every operation, valid and invalid inputs, path values of a real project and
          random ones, a bounded number of examples each. Counts server errors (5xx) and schema
          violations (a documented status whose body or content type breaks the document).
2. load   one `padan serve` process on PostgreSQL: 100 agencies upload at once, then 200 report
          reads at once; failures and p50/p99 latency of each.
3. faults kill -9 of the API mid-upload, restart, resume: the stored encoding must be byte-
          identical; the service's PostgreSQL connections terminated (pg_terminate_backend) three
          times under load: it must recover without a restart and lose nothing; a `dask worker`
          (of a scheduler and two workers started by their own commands) SIGKILLed while it holds
          units of a run: the run must complete with the same results as in-process.
4. logs   every log written above, scanned for the synthetic lists' names and NIKs.

Prints markdown tables; writes the figures to OUT/figures.json (default OUT:
test-artifacts/reliability). Exit status 1 if any target is missed (a server error, a schema
violation, a failed request, a lost write, a changed byte, a leaked value).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

BIN = Path(sys.executable).parent
POSTGRES_URL = os.environ.get("PADAN_TEST_POSTGRES_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/test")
APPLICATION_NAME = "padan_reliability"
NO_THROTTLE = {"auth_throttle": "1000000/minute", "auth_throttle_per_token": "1000000/minute",
               "auth_lockout_after": "1000000/hour"}


# -- fuzzing -----------------------------------------------------------------------------------
@dataclass
class FuzzWorld:
    """What the fuzzer needs: a token per role and real values for path parameters."""

    headers: dict[str, dict[str, str]]  # role -> request headers ("none": no token)
    path_values: dict[str, str]


@dataclass
class FuzzFigures:
    operations: int = 0
    cases: int = 0
    statuses: Counter = field(default_factory=Counter)
    by_role: dict[str, Counter] = field(default_factory=dict)
    server_errors: int = 0
    schema_violations: int = 0
    unsatisfiable: int = 0  # (operation, role, mode) combinations with no input to generate
    examples: list[str] = field(default_factory=list)  # the first few problems, described


# Operations that change who may do what, or close the project: fuzzed last, in this order.
DESTRUCTIVE = ("DELETE /projects/{project_id}/parties/{party}/token",
               "POST /projects/{project_id}/parties/{party}/token",
               "POST /projects/{project_id}/close", "POST /token/rotate")


def fuzz(app, world: FuzzWorld, *, examples: int, seed: int = 2026,
         modes: tuple[str, ...] = ("positive", "negative")) -> FuzzFigures:
    """Fuzz every operation of `app` as every role; count 5xx and schema violations."""
    import schemathesis
    from schemathesis import GenerationMode
    from schemathesis.checks import (
        content_type_conformance,
        not_a_server_error,
        response_schema_conformance,
    )

    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    operations.sort(key=lambda op: DESTRUCTIVE.index(op.label) if op.label in DESTRUCTIVE else -1)
    figures = FuzzFigures(operations=len(operations))
    checks = [not_a_server_error, response_schema_conformance, content_type_conformance]
    for operation in operations:
        names = {p.name for p in operation.path_parameters}
        known = {name: world.path_values[name] for name in names if name in world.path_values}
        for role, headers in world.headers.items():
            for mode in modes:
                for path_parameters in ([known, None] if names else [None]):
                    strategy = operation.as_strategy(GenerationMode(mode),
                                                     path_parameters=path_parameters)

                    _fuzz_one(strategy, figures, checks, examples=examples, seed=seed,
                              label=f"{operation.label} as {role} ({mode})", headers=headers,
                              role=f"{role}, {mode}")
    return figures


def _fuzz_one(strategy, figures: FuzzFigures, checks: list, *, examples: int, seed: int,
              label: str, headers: dict[str, str], role: str) -> None:
    import hypothesis
    from hypothesis import HealthCheck, Phase

    @hypothesis.seed(seed)
    @hypothesis.settings(max_examples=examples, deadline=None, database=None,
                         phases=[Phase.explicit, Phase.generate],
                         suppress_health_check=list(HealthCheck))
    @hypothesis.given(case=strategy)
    def one(case) -> None:
        # Negative cases may mangle the security header too; keep the role's token (or none)
        # so invalid bodies, queries and paths reach the code behind authentication.
        case.headers = {key: value for key, value in (case.headers or {}).items()
                        if key.lower() != "authorization"} | headers
        figures.cases += 1
        try:
            response = case.call()
        except Exception as exc:  # the in-process transport re-raises what the app did not handle
            figures.server_errors += 1
            if len(figures.examples) < 10:
                figures.examples.append(f"{label}: unhandled {type(exc).__name__}: "
                                        f"{' '.join(str(exc).split())[:300]}")
            return
        figures.statuses[response.status_code] += 1
        figures.by_role.setdefault(role, Counter())[response.status_code] += 1
        try:
            case.validate_response(response, checks=checks, headers=headers)
        except AssertionError as problem:  # schemathesis failures are these
            if response.status_code >= 500:
                figures.server_errors += 1
            else:
                figures.schema_violations += 1
            if len(figures.examples) < 10:
                text = " ".join(str(problem).split())[:400]
                figures.examples.append(f"{label}: {response.status_code}: {text}")

    try:
        one()
    except hypothesis.errors.Unsatisfiable:  # e.g. no invalid input exists for GET /health
        figures.unsatisfiable += 1


def print_fuzz(figures: FuzzFigures, title: str) -> None:
    print(f"\n### Fuzzing: {title}\n")
    print("| operations | cases | server errors (5xx) | schema violations | statuses |")
    print("|---|---|---|---|---|")
    statuses = ", ".join(f"{code}: {count}" for code, count in sorted(figures.statuses.items()))
    print(f"| {figures.operations} | {figures.cases} | {figures.server_errors} | "
          f"{figures.schema_violations} | {statuses} |")
    for role, statuses in sorted(figures.by_role.items()):
        print(f"- {role}: " + ", ".join(f"{code}: {n}" for code, n in sorted(statuses.items())))
    for example in figures.examples:
        print(f"- {example}")


# -- synthetic data ----------------------------------------------------------------------------
@dataclass
class Data:
    folder: Path
    schema: object  # padan.encoder.schema.LinkageSchema
    lists: dict[str, Path]  # agency -> CSV
    encodings: dict[str, Path]  # agency -> .padan


def make_data(folder: Path, *, agencies: int, records: int, big: int) -> Data:
    """`agencies` small lists and one big one (BIG, for the interrupted upload), encoded."""
    from padan.encoder.default_schema import default_schema_text
    from padan.encoder.keys import generate_secret_file, load_secret
    from padan.encoder.pipeline import encode_file
    from padan.encoder.schema import load_schema
    from padan.synth import SynthConfig, generate, parse_agencies, write_lists

    folder.mkdir(parents=True, exist_ok=True)
    spec = ",".join([f"A{n:03d}:{records}" for n in range(agencies)] + [f"BIG:{big}"])
    population = 2 * (agencies * records + big)
    written = write_lists(generate(SynthConfig(seed=14, population=population,
                                               agencies=parse_agencies(spec), dirt="moderate")),
                          folder / "lists")
    lists = {name: path for name, path in written.items() if name != "truth"}
    key, schema_path = folder / "project.key", folder / "schema.toml"
    key.unlink(missing_ok=True)
    generate_secret_file(key)
    schema_path.write_text(default_schema_text("reliability"), encoding="utf-8")
    schema, secret = load_schema(schema_path), load_secret(key)
    encodings = {}
    for name, path in lists.items():
        encodings[name] = folder / f"{name}.padan"
        encode_file(path, schema, secret, encodings[name], workers=1)
    return Data(folder, schema, dict(lists), encodings)


# -- a PostgreSQL schema and a real server -----------------------------------------------------
@contextmanager
def postgres_schema() -> Iterator[str]:
    from sqlalchemy import create_engine, text

    schema = f"rel_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield (f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
               f"&application_name={APPLICATION_NAME}")
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`padan serve` in a subprocess; its output goes to a log file (scanned at the end)."""

    def __init__(self, folder: Path, database_url: str, logs: Path, **settings: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.logs, self.starts = logs, 0
        self.env = {**os.environ, "PADAN_DATA_DIR": str(folder), "PADAN_DATABASE_URL":
                    database_url, "PADAN_HOST": "127.0.0.1", "PADAN_PORT": str(self.port),
                    **{f"PADAN_{k.upper()}": str(v) for k, v in NO_THROTTLE.items()},
                    **{f"PADAN_{k.upper()}": str(v) for k, v in settings.items()}}
        self.process: subprocess.Popen | None = None

    def settings(self):
        from padan.linker.service import Settings

        names = {name.upper(): name for name in Settings.model_fields}
        return Settings(**{names[key[6:]]: value for key, value in self.env.items()
                           if key.startswith("PADAN_") and key[6:] in names})

    def start(self) -> None:
        self.starts += 1
        self.log_path = self.logs / f"serve-{self.port}-{self.starts}.log"
        log = open(self.log_path, "wb")  # noqa: SIM115 - the process writes it until it ends
        self.process = subprocess.Popen([str(BIN / "padan"), "serve"], env=self.env,
                                        stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/ready", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise RuntimeError(f"padan serve did not start; see {log.name}")

    def log_size(self) -> int:
        return len(self.log_path.read_text(errors="replace"))

    def retried_since(self, offset: int) -> int:
        """503 answers (database unavailable or busy) logged after `offset`: clients retry them."""
        return self.log_path.read_text(errors="replace")[offset:].count("database unavailable")

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=60)

    def client(self, token: str, retries: int = 0):
        from padan.cli.client import ClientSettings, PadanClient

        return PadanClient.connect(ClientSettings(server_url=self.url, token=token,
                                                  retries=retries, timeout_seconds=300))


def new_project(server: Server, coordinator: str, data: Data, project: str,
                agencies: list[str], **extra):
    from padan.linker.service.api_models import ProjectCreate

    with server.client(coordinator) as client:
        created = client.create_project(ProjectCreate(
            project_id=project, schema_fingerprint=data.schema.fingerprint,
            agencies=agencies, auditors=["bpk"], **extra))
    return {token.party: token.token for token in created.tokens}


def _encoding_for(data: Data, project: str, agency: str, source: str, folder: Path) -> Path:
    """The source agency's encoding, relabelled for `project` (the header names the project)."""
    from padan.encoder.encoding_file import open_encoding_file, write_encoding_file

    opened = open_encoding_file(data.encodings[source])
    header = opened.header.model_copy(update={"project_id": project})
    target = folder / f"{project}-{agency}.padan"
    write_encoding_file(target, header, opened.records)
    return target


# -- load --------------------------------------------------------------------------------------
@dataclass
class Timed:
    seconds: list[float] = field(default_factory=list)
    failures: Counter = field(default_factory=Counter)
    retried: int = 0  # 503 answers the clients retried

    def row(self, what: str, wall: float) -> str:
        ordered = sorted(self.seconds)
        p50 = statistics.median(ordered) if ordered else float("nan")
        p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))] \
            if ordered else float("nan")
        failures = ", ".join(f"{k}: {v}" for k, v in self.failures.items()) or "0"
        return (f"| {what} | {len(ordered) + sum(self.failures.values())} | {failures} | "
                f"{self.retried} | {p50 * 1000:.0f} | {p99 * 1000:.0f} | {wall:.1f} |")


def at_once(count: int, task: Callable[[int], None]) -> tuple[Timed, float]:
    """Run `task(i)` for i < count in `count` threads released together; time each."""
    timed, barrier = Timed(), threading.Barrier(count)

    def one(index: int) -> None:
        barrier.wait()
        started = time.perf_counter()
        try:
            task(index)
        except Exception as exc:  # counted, by kind: the figure is how many failed
            timed.failures[getattr(exc, "code", type(exc).__name__)] += 1
        else:
            timed.seconds.append(time.perf_counter() - started)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=count) as pool:
        list(pool.map(one, range(count)))
    return timed, time.perf_counter() - started


def run_worker_once(server: Server) -> None:
    from padan.linker.service import Worker, open_state

    state = open_state(server.settings())
    try:
        Worker(state.settings, state.factory, name="reliability").run_once()
    finally:
        state.engine.dispose()


def load(data: Data, server: Server, coordinator: str, uploads: int, reads: int) -> dict:
    agencies = [name for name in data.encodings if name.startswith("A")][:uploads]
    tokens = new_project(server, coordinator, data, "reliability", agencies,
                         parameters={"blocking": ["none"]})

    # The CLI's client as agencies run it: 503s (database busy) are retried with backoff.
    def upload(index: int) -> None:
        with server.client(tokens[agencies[index]], retries=4) as client:
            client.upload_file("reliability", data.encodings[agencies[index]])

    mark = server.log_size()
    uploaded, upload_wall = at_once(len(agencies), upload)
    uploaded.retried = server.retried_since(mark)
    readers = new_project(server, coordinator, data, "reads", ["R0", "R1", "R2"],
                          parameters={"blocking": ["none"]})
    for number, name in enumerate(("R0", "R1", "R2")):
        path = _encoding_for(data, "reads", name, agencies[number], data.folder)
        with server.client(readers[name]) as client:
            client.upload_file("reads", path)
    with server.client(coordinator) as client:
        client.start_run("reads")
    run_worker_once(server)

    def read(_index: int) -> None:
        with server.client(readers["bpk"], retries=4) as client:
            client.report("reads")

    mark = server.log_size()
    read_timed, read_wall = at_once(reads, read)
    read_timed.retried = server.retried_since(mark)
    print("\n### Load: one API process on PostgreSQL\n")
    print("| operation | requests | failures | 503 answers (retried) | p50 ms | p99 ms | wall s |")
    print("|---|---|---|---|---|---|---|")
    print(uploaded.row(f"{len(agencies)} concurrent uploads (create, PUT, finish)", upload_wall))
    print(read_timed.row(f"{reads} concurrent report reads", read_wall))
    return {"uploads": _figures(uploaded, upload_wall), "reads": _figures(read_timed, read_wall),
            "tokens": readers}


def _figures(timed: Timed, wall: float) -> dict:
    ordered = sorted(timed.seconds)
    return {"ok": len(ordered), "failures": dict(timed.failures), "wall_s": round(wall, 2),
            "answered_503_then_retried": timed.retried,
            "p50_ms": round(1000 * statistics.median(ordered), 1) if ordered else None,
            "p99_ms": round(1000 * ordered[round(0.99 * (len(ordered) - 1))], 1)
            if ordered else None}


# -- faults ------------------------------------------------------------------------------------
def kill_mid_upload(data: Data, server: Server, coordinator: str) -> dict:
    from padan.cli.client import ApiError, file_sha256

    tokens = new_project(server, coordinator, data, "killed", ["BIG"])
    path = _encoding_for(data, "killed", "BIG", "BIG", data.folder)
    size, chunk = path.stat().st_size, 128 * 1024

    def kill_at_40_percent(sent: int, total: int) -> None:
        if sent >= 0.4 * total and server.process.poll() is None:
            server.kill()

    with server.client(tokens["BIG"]) as client:
        try:
            client.upload_file("killed", path, chunk_bytes=chunk, progress=kill_at_40_percent)
            interrupted = False
        except ApiError:
            interrupted = True
    server.start()
    digest = file_sha256(path)
    with server.client(tokens["BIG"]) as client:
        pending = client._send("POST", "/projects/killed/uploads",
                               json={"size": size, "sha256": digest}).json()
        done = client.upload_file("killed", path, chunk_bytes=chunk)
    stored = server.settings().store_location / digest[:2] / digest[2:4] / digest
    identical = stored.read_bytes() == path.read_bytes()
    figures = {"file_bytes": size, "interrupted": interrupted,
               "resumed_from_byte": pending["offset"], "stored_sha256": done.sha256,
               "byte_identical": identical}
    print("\n### Fault: kill -9 of the API mid-upload, restart, resume\n")
    print("| file bytes | interrupted | resumed from byte | stored file byte-identical |")
    print("|---|---|---|---|")
    print(f"| {size} | {'yes' if interrupted else 'no'} | {pending['offset']} | "
          f"{'yes' if identical else 'NO'} |")
    return figures


def terminate_connections() -> int:
    from sqlalchemy import create_engine, text

    admin = create_engine(POSTGRES_URL)
    try:
        with admin.begin() as connection:
            return len(connection.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = :name AND pid <> pg_backend_pid()"),
                {"name": APPLICATION_NAME}).all())
    finally:
        admin.dispose()


def audited_reads(server: Server, coordinator: str) -> int:
    """Report views of the project "reads" in the audit log (every page of it)."""
    with server.client(coordinator) as client:
        return sum(1 for link in client.audit_chain() if link.entry is not None
                   and link.entry.action == "report.view" and link.entry.project_id == "reads")


def drop_connections(server: Server, coordinator: str, readers: dict[str, str],
                     seconds: float = 8.0, threads: int = 8) -> dict:
    """Readers (each read is audited: a write) run while the service's connections are cut."""
    from padan.cli.client import ApiError

    pid = server.process.pid
    stop, lock = threading.Event(), threading.Lock()
    answered, failed = Counter(), Counter()

    def reader() -> None:
        with server.client(readers["bpk"], retries=4) as client:
            while not stop.is_set():
                try:
                    client.report("reads")
                    with lock:
                        answered["report"] += 1
                except ApiError as exc:
                    with lock:
                        failed[f"{exc.status} {exc.code}"] += 1

    mark = server.log_size()
    before = audited_reads(server, coordinator)
    pool = [threading.Thread(target=reader) for _ in range(threads)]
    for thread in pool:
        thread.start()
    terminated = []
    for _ in range(3):
        time.sleep(seconds / 4)
        terminated.append(terminate_connections())
    time.sleep(seconds / 4)
    stop.set()
    for thread in pool:
        thread.join()
    after = audited_reads(server, coordinator)
    with server.client(coordinator) as client:
        chain = client.audit_verify()
    retried = server.retried_since(mark)
    figures = {"connections_terminated": terminated, "reads_answered": answered["report"],
               "answered_503_then_retried": retried,
               "reads_failed": dict(failed), "audited_reads": after - before,
               "lost": answered["report"] - (after - before), "chain_ok": chain.ok,
               "same_process": server.process.pid == pid and server.process.poll() is None}
    print("\n### Fault: the service's PostgreSQL connections terminated (3 times, under load)\n")
    print("| connections terminated | reads answered | 503 answers (client retried) | reads "
          "failed | answered but not in audit log | audit chain | restarted |")
    print("|---|---|---|---|---|---|---|")
    print(f"| {' + '.join(map(str, terminated))} | {answered['report']} | {retried} | "
          f"{sum(failed.values())} {dict(failed) or ''} | {figures['lost']} | "
          f"{'intact' if chain.ok else 'BROKEN'} | {'no' if figures['same_process'] else 'YES'} |")
    return figures


# -- logs --------------------------------------------------------------------------------------
def kill_dask_worker(data: Data, folder: Path, logs: Path) -> dict:
    """A run on a real Dask cluster (`dask scheduler`, two `dask worker`s, their own commands);
    the worker holding the most units is SIGKILLed as soon as the scheduler hands units out.
    The run must finish with the same result files and report as the same run in-process."""
    from distributed import Client

    from padan.linker.service.execution import compute_run
    from padan.linker.service.store import ContentStore

    store = ContentStore(folder / "dask-store")
    inputs = {name: store.put_bytes(data.encodings[name].read_bytes())
              for name in sorted(data.encodings)[:3]}
    parameters = {"blocking": ["none"], "partitions": 24}
    local = compute_run(inputs, parameters, store, dask_scheduler=None,
                        progress=lambda done, total: None)
    dask = str(Path(sys.executable).with_name("dask"))
    address = f"tcp://127.0.0.1:{free_port()}"
    commands = {"dask-scheduler": [dask, "scheduler", "--host", "127.0.0.1", "--port",
                                   address.rsplit(":", 1)[1], "--no-dashboard"]}
    for number in range(2):
        commands[f"dask-worker-{number}"] = [
            dask, "worker", address, "--host", "127.0.0.1", "--nthreads", "1", "--no-dashboard",
            "--local-directory", str(folder / f"dask-worker-{number}")]
    processes = []
    for name, command in commands.items():
        with open(logs / f"{name}.log", "wb") as log:   # the process keeps its own copy
            processes.append(subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT))
    killed: dict = {}
    try:
        with Client(address, timeout=60, set_as_default=False) as observer:
            observer.wait_for_workers(2, timeout=120)
            pids = observer.run(os.getpid)

            def kill_a_busy_worker() -> None:
                deadline = time.monotonic() + 120
                while time.monotonic() < deadline and not killed:
                    busy = {w: keys for w, keys in observer.processing().items() if keys}
                    if busy:
                        victim = max(busy, key=lambda worker: len(busy[worker]))
                        os.kill(pids[victim], signal.SIGKILL)
                        killed.update(processing=len(busy[victim]))
                    time.sleep(0.005)

            killer = threading.Thread(target=kill_a_busy_worker)
            killer.start()
            started = time.perf_counter()
            remote = compute_run(inputs, parameters, store, dask_scheduler=address,
                                 progress=lambda done, total: None)
            seconds = time.perf_counter() - started
            killer.join()
    finally:
        for process in processes:
            process.kill()
            process.wait(timeout=30)
    reports = []
    for run in (local, remote):
        report = json.loads(store.read_bytes(run.report_sha256))
        report.pop("timings", None)
        reports.append(report)
    figures = {"killed": bool(killed), "units_held": killed.get("processing", 0),
               "same_results": remote.results == local.results,
               "same_report": reports[0] == reports[1], "seconds": round(seconds, 1)}
    print("\n### Fault: a Dask worker SIGKILLed mid-run (scheduler and two workers)\n")
    print("| worker killed | units it held | run completed | same result files | same report |"
          " wall s |")
    print("|---|---|---|---|---|---|")
    print(f"| {'yes' if figures['killed'] else 'no'} | {figures['units_held']} | yes | "
          f"{'yes' if figures['same_results'] else 'no'} | "
          f"{'yes' if figures['same_report'] else 'no'} | {figures['seconds']} |")
    return figures


def personal_values(lists: dict[str, Path]) -> tuple[set[str], set[str]]:
    """NIKs (16 digits) and names (the NAMA/NAME column, upper case) of the synthetic lists."""
    niks, names = set(), set()
    for path in lists.values():
        with open(path, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                for column, value in row.items():
                    value = (value or "").strip()
                    if re.fullmatch(r"\d{16}", value):
                        niks.add(value)
                    elif "NAM" in column.upper() and len(value) >= 5:
                        names.add(value.upper())
    return niks, names


def scan_logs(folder: Path, lists: dict[str, Path]) -> dict:
    niks, names = personal_values(lists)
    multiword = {n for n in names if " " in n}
    single = names - multiword
    found, files, size = Counter(), 0, 0
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        files += 1
        text = path.read_text(encoding="utf-8", errors="replace")
        size += len(text)
        upper = text.upper()
        found["nik"] += len(set(re.findall(r"\d{16}", text)) & niks)
        words = re.findall(r"[A-Z][A-Z'.-]+", upper)
        found["name"] += len(set(words) & single)
        found["name"] += sum(1 for name in multiword if name in upper)
    figures = {"files": files, "characters": size, "niks_searched": len(niks),
               "names_searched": len(names), "niks_found": found["nik"],
               "names_found": found["name"]}
    print("\n### Logs scanned for the synthetic names and NIKs\n")
    print("| log files | characters | NIKs searched | names searched | NIKs found | names found |")
    print("|---|---|---|---|---|---|")
    print(f"| {files} | {size} | {len(niks)} | {len(names)} | {found['nik']} | "
          f"{found['name']} |")
    return figures


# -- the whole run -----------------------------------------------------------------------------
def fuzz_world_in_process(app, settings, data: Data) -> FuzzWorld:
    """A project with two uploads, a finished run and an open upload, through the API."""
    from fastapi.testclient import TestClient

    from padan.cli.client import PadanClient
    from padan.linker.service import Worker, create_coordinator_token
    from padan.linker.service.api_models import ProjectCreate

    coordinator = create_coordinator_token(settings, "koordinator")
    http = TestClient(app, raise_server_exceptions=False)
    created = PadanClient(http, token=coordinator).create_project(ProjectCreate(
        project_id="proj", schema_fingerprint=data.schema.fingerprint, agencies=["R0", "R1"],
        auditors=["bpk"], parameters={"blocking": ["none"]}))
    tokens = {t.party: t.token for t in created.tokens}
    for number, name in enumerate(("R0", "R1")):
        path = _encoding_for(data, "proj", name, f"A{number:03d}", data.folder)
        PadanClient(http, token=tokens[name]).upload_file("proj", path)
    PadanClient(http, token=coordinator).start_run("proj")
    Worker(settings, app.state.padan.factory).run_once()
    pending = http.post("/projects/proj/uploads", json={"size": 1000},
                        headers={"Authorization": f"Bearer {tokens['R0']}"}).json()
    return FuzzWorld(
        headers={"none": {}, "auditor": {"Authorization": f"Bearer {tokens['bpk']}"},
                 "agency": {"Authorization": f"Bearer {tokens['R0']}"},
                 "coordinator": {"Authorization": f"Bearer {coordinator}"}},
        path_values={"project_id": "proj", "run_id": "1", "upload_id": pending["upload_id"],
                     "party": "R1"})


def fuzz_on(kind: str, data: Data, folder: Path, examples: int) -> FuzzFigures:
    from padan.linker.service import Settings, create_app

    with (postgres_schema() if kind == "postgresql" else _sqlite(folder)) as url:
        settings = Settings(data_dir=folder / f"fuzz-{kind}", database_url=url,
                            max_upload_bytes=1 << 24, **NO_THROTTLE)
        app = create_app(settings)
        try:
            world = fuzz_world_in_process(app, settings, data)
            figures = fuzz(app, world, examples=examples)
        finally:
            app.state.padan.engine.dispose()
    print_fuzz(figures, f"{kind}, {examples} examples per operation, role, mode and path kind")
    return figures


@contextmanager
def _sqlite(folder: Path) -> Iterator[str]:
    folder.mkdir(parents=True, exist_ok=True)
    yield f"sqlite:///{folder / f'fuzz-{uuid.uuid4().hex[:6]}.db'}"


def machine() -> str:
    cpus = os.cpu_count()
    return f"{platform.node()}: {platform.processor() or platform.machine()}, {cpus} CPUs, " \
           f"Python {platform.python_version()}, {platform.system()} {platform.release()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("test-artifacts/reliability"))
    parser.add_argument("--examples", type=int, default=10)
    parser.add_argument("--uploads", type=int, default=100)
    parser.add_argument("--reads", type=int, default=200)
    parser.add_argument("--only", choices=["fuzz", "load", "faults"], default=None)
    args = parser.parse_args(argv)
    import logging

    logs = args.out / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(filename=logs / "benchmark.log", level=logging.INFO)
    print(f"# Service reliability\n\nmachine: {machine()}\n"
          f"command: python -m benchmarks.service_reliability {' '.join(argv or sys.argv[1:])}")
    data = make_data(args.out / "data", agencies=max(args.uploads, 3), records=300, big=20000)
    figures: dict = {"machine": machine()}
    if args.only in (None, "fuzz"):
        figures["fuzz"] = {kind: vars(fuzz_on(kind, data, args.out, args.examples))
                           for kind in ("sqlite", "postgresql")}
    if args.only in (None, "load", "faults"):
        with postgres_schema() as url:
            server = Server(args.out / "server", url, logs,
                            max_parties_per_project=args.uploads + 10)
            from padan.linker.service import create_coordinator_token

            server.start()
            try:
                coordinator = create_coordinator_token(server.settings(), "koordinator")
                loaded = load(data, server, coordinator, args.uploads, args.reads)
                figures["load"] = {k: v for k, v in loaded.items() if k != "tokens"}
                if args.only in (None, "faults"):
                    figures["kill_mid_upload"] = kill_mid_upload(data, server, coordinator)
                    figures["drop_connections"] = drop_connections(server, coordinator,
                                                                   loaded["tokens"])
            finally:
                server.stop()
    if args.only in (None, "faults"):
        figures["kill_dask_worker"] = kill_dask_worker(data, args.out, logs)
    figures["logs"] = scan_logs(logs, data.lists)
    (args.out / "figures.json").write_text(json.dumps(figures, indent=2, default=str))
    return 0 if targets_met(figures) else 1


def targets_met(figures: dict) -> bool:
    ok = all(f["server_errors"] == 0 and f["schema_violations"] == 0
             for f in figures.get("fuzz", {}).values())
    load_figures = figures.get("load", {})
    ok &= all(not part["failures"] for part in load_figures.values())
    if "kill_mid_upload" in figures:
        ok &= figures["kill_mid_upload"]["byte_identical"]
    if "drop_connections" in figures:
        dropped = figures["drop_connections"]
        ok &= dropped["lost"] == 0 and dropped["chain_ok"] and dropped["same_process"]
    if "kill_dask_worker" in figures:
        killed = figures["kill_dask_worker"]
        ok &= killed["killed"] and killed["same_results"] and killed["same_report"]
    ok &= figures["logs"]["niks_found"] == 0 and figures["logs"]["names_found"] == 0
    return bool(ok)


if __name__ == "__main__":
    sys.exit(main())
