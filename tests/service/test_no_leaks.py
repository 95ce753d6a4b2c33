"""No agency can obtain another party's pseudo-id or a score from any endpoint; the report and the
dashboard hold no pseudo-id and no per-record score.

Real encodings: synthetic lists of three agencies (matches across lists and duplicates within
them) encoded with the default schema, uploaded, linked once. Every GET route of the app is called
(listed from app.routes, query variants from the OpenAPI document), so a new endpoint is checked
without being named here; the routes a role may not call must refuse it. Each absence is asserted
after a positive control shows the same check finds what is there.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import fastapi.routing
import httpx
import pytest
from fastapi.testclient import TestClient

from padan.encoder.default_schema import default_schema_text
from padan.encoder.keys import generate_secret_file, load_secret
from padan.encoder.pipeline import encode_file
from padan.encoder.schema import LinkageSchema, parse_schema
from padan.linker.parameters import LinkParameters
from padan.linker.service import Settings, Worker, create_app, create_coordinator_token
from padan.synth import SynthConfig, generate, parse_agencies, write_lists

from .helpers import (
    REPORT_FRACTION_KEYS,
    SCORE_KEY,
    PseudoIdFinder,
    auth,
    fractions,
    json_keys,
    make_project,
    model_problems,
    module_database,
    on_percent_grid,
    pseudo_ids_of,
    text_fractions,
    upload,
)

PROJECT = "proj"
AGENCIES = ("DTKS", "KJP", "KIS")
P = f"/projects/{PROJECT}"
RUN = "/projects/{project_id}/runs/{run_id}"
# GET routes each role must be refused (403); every other GET route must answer it (200)
REFUSED = {
    "agency": {f"{RUN}/report", f"{RUN}/dashboard", "/audit", "/audit/verify", "/audit/chain",
               "/audit/key", "/audit/checkpoint"},
    "overseer": {f"{RUN}/results", "/projects/{project_id}/uploads/{upload_id}"},
}
# query answers a one-off project does not have (404): a continuous project's changes
NOT_HERE = ("format=changes",)
# seconds the run took; the fitted model (checked apart: per-level aggregates)
NOT_RECORD_VALUES = frozenset({"timings", "match_model"})


def linkage_schema() -> LinkageSchema:
    return parse_schema(default_schema_text(PROJECT))


@dataclass
class World:
    app: object
    client: TestClient
    headers: dict[str, dict[str, str]]        # party (or "coordinator") -> auth header
    ids: dict[str, set[int]]                  # agency -> its pseudo-ids, from its encoding file
    pending: dict[str, str]                   # agency -> an open upload session of its own
    run_id: int
    uploaded: dict[str, list[httpx.Response]] = field(default_factory=dict)

    def finder(self, *agencies: str) -> PseudoIdFinder:
        return PseudoIdFinder(set().union(*(self.ids[a] for a in agencies)))

    def get(self, party: str, url: str) -> httpx.Response:
        return self.client.get(url, headers=self.headers[party])


def encode_lists(folder: Path) -> dict[str, Path]:
    lists = generate(SynthConfig(seed=5, population=900, duplicate_rate=0.04,
                                 agencies=parse_agencies("DTKS:400,KJP:300,KIS:350")))
    write_lists(lists, folder)
    generate_secret_file(folder / "project.key")
    secret = load_secret(folder / "project.key")
    for name in AGENCIES:
        encode_file(folder / f"{name}.csv", linkage_schema(), secret, folder / f"{name}.padan",
                    workers=1)
    return {name: folder / f"{name}.padan" for name in AGENCIES}


@pytest.fixture(scope="module", params=["sqlite",
                                        pytest.param("postgresql", marks=pytest.mark.postgres)])
def world(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("leaks")
    files = encode_lists(tmp)
    with module_database(request.param, tmp) as url:
        settings = Settings(data_dir=tmp / "data", database_url=url, max_upload_bytes=1 << 22)
        app = create_app(settings)
        coordinator = create_coordinator_token(settings, "koordinator")
        with TestClient(app, raise_server_exceptions=False) as client:
            # thresholds in the project's parameters: fractions an agency may see (a control)
            tokens = make_project(client, coordinator, agencies=AGENCIES,
                                  schema_fingerprint=linkage_schema().fingerprint,
                                  parameters={"match_threshold": 0.8,
                                              "possible_threshold": 0.7})
            headers = {party: auth(token) for party, token in tokens.items()}
            headers["coordinator"] = auth(coordinator)
            uploaded, pending = {}, {}
            for name, path in files.items():
                finished = upload(client, tokens[name], PROJECT, path.read_bytes())
                assert finished.status_code == 200, finished.text
                uploaded[name] = [finished]
                opened = client.post(f"{P}/uploads", headers=headers[name], json={"size": 10})
                assert opened.status_code == 201, opened.text
                pending[name] = opened.json()["upload_id"]
            run = client.post(f"{P}/runs", headers=headers["coordinator"])
            assert run.status_code == 201, run.text
            assert Worker(settings, app.state.padan.factory).run_once()
            world = World(app, client, headers, {n: pseudo_ids_of(p) for n, p in files.items()},
                          pending, run.json()["run_id"], uploaded)
            assert world.get("coordinator", f"{P}/runs/latest").json()["state"] == "done"
            report = world.get("coordinator", f"{P}/runs/latest/report").json()["report"]
            # the lists must hold what could leak: matches across lists, duplicates within them
            assert all(row["match"] for row in report["pairwise"]), report["pairwise"]
            assert sum(d["groups"] or 0 for d in report["duplicates"].values()) > 0
            yield world
        app.state.padan.engine.dispose()


def get_routes(app) -> list[str]:
    """The path of every GET route, included routers flattened (FastAPI 0.165 nests them)."""
    flatten = getattr(fastapi.routing, "iter_route_contexts", list)
    return sorted({route.path for route in flatten(app.routes)
                   if "GET" in (getattr(route, "methods", None) or ())})


def concrete_urls(path: str, values: dict[str, list[str]], openapi: dict) -> list[str]:
    """The route with each combination of path values, bare and with each enum query value."""
    names = re.findall(r"{(\w+)}", path)
    missing = [name for name in names if name not in values]
    assert not missing, f"GET {path}: no value for {missing}; add one so this route is checked"
    parameters = openapi["paths"].get(path, {}).get("get", {}).get("parameters", [])
    queries = [""] + [f"?{p['name']}={v}" for p in parameters if p["in"] == "query"
                      for v in p["schema"].get("enum", [])]
    urls = []
    for combination in itertools.product(*(values[name] for name in names)):
        url = path
        for name, value in zip(names, combination, strict=True):
            url = url.replace("{" + name + "}", value)
        urls += [url + query for query in queries]
    return urls


def every_get(world: World, party: str, refused: set[str],
              upload_id: str) -> list[tuple[str, httpx.Response]]:
    """Call every GET route of the app as `party`; refused routes must answer 403, others 200."""
    openapi = world.get("coordinator", "/openapi.json").json()
    values = {"project_id": [PROJECT], "run_id": ["latest", str(world.run_id)],
              "upload_id": [upload_id]}
    routes = get_routes(world.app)
    assert {p for p, ops in openapi["paths"].items() if "get" in ops} <= set(routes)
    assert refused <= set(routes), "a refused route no longer exists: update REFUSED"
    answers = []
    for path in routes:
        for url in concrete_urls(path, values, openapi):
            response = world.get(party, url)
            want = 403 if path in refused else 404 if url.endswith(NOT_HERE) else 200
            assert response.status_code == want, (party, url, response.text[:300])
            answers.append((url, response))
    return answers


def leaks(finder: PseudoIdFinder, answers: list[tuple[str, httpx.Response]]) -> dict[str, int]:
    """url -> how many of the finder's pseudo-ids its body holds (none expected)."""
    found = {url: len(finder.find(response.text)) for url, response in answers}
    return {url: count for url, count in found.items() if count}


def is_json(response: httpx.Response) -> bool:
    return "json" in response.headers.get("content-type", "")


def result_rows(response: httpx.Response) -> list[dict]:
    """Every row an agency receives: its links and its own duplicate groups."""
    if is_json(response):
        body = response.json()
        return body["matches"] + body.get("duplicates", [])
    return list(csv.DictReader(io.StringIO(response.text)))


def row_fractions(row: dict) -> list[str]:
    """The values of a result row that read as a number strictly between 0 and 1."""
    def fraction(value) -> bool:
        try:
            return 0 < float(value) < 1
        except (TypeError, ValueError):
            return False
    return [key for key, value in row.items() if fraction(value)]


def test_the_finder_sees_a_pseudo_id_in_every_form(world):
    pid = max(world.ids["KJP"])  # the largest: its signed 64-bit form may be negative
    finder = world.finder("KJP")
    signed = pid - (1 << 64) if pid >= 1 << 63 else pid
    forms = [f'{{"id": {pid}}}', f"id,{signed}\n", f"p{pid:016x}", f"P{pid:016X}",
             f"0x{pid:016x}", f"abc{pid:016x}def0", pid.to_bytes(8, "little").hex(),
             f"row {pid:016X}."]
    assert [form for form in forms if finder.find(form) != {pid}] == []
    assert finder.find(f"{pid:016x}"[:15] + " " + str(pid)[:-1]) == set()  # a part is no hit
    assert not finder.find(json.dumps(sorted(world.ids["DTKS"] | world.ids["KIS"])))


@pytest.mark.parametrize("agency", AGENCIES)
def test_an_agency_gets_no_other_partys_pseudo_id_and_no_score(world, agency):
    answers = every_get(world, agency, REFUSED["agency"], world.pending[agency])
    for other in set(AGENCIES) - {agency}:  # another agency's upload session: as if absent
        url = f"{P}/uploads/{world.pending[other]}"
        response = world.get(agency, url)
        assert response.status_code == 404, response.text
        answers.append((url, response))
    answers += [("upload finish", response) for response in world.uploaded[agency]]
    own, others = world.finder(agency), world.finder(*(set(AGENCIES) - {agency}))

    results = [(url, r) for url, r in answers if "/results" in url and not url.endswith(NOT_HERE)]
    assert {url.partition("?")[2] for url, _ in results} == {"", "format=json", "format=csv"}
    for url, response in results:  # control: the finder sees this agency's ids in its rows
        rows = result_rows(response)
        assert rows, url
        assert own.each(row["pseudo_id"] for row in rows) == own.find(response.text), url
    assert leaks(others, answers) == {}

    keys = {url: json_keys(r.json()) for url, r in answers if is_json(r)}
    assert {"pseudo_id", "band"} <= keys[f"{P}/runs/latest/results"]  # control: keys are seen
    assert {url: sorted(k for k in found if SCORE_KEY.search(k))
            for url, found in keys.items() if any(SCORE_KEY.search(k) for k in found)} == {}

    project = world.get(agency, P).json()
    # the project's settings, never a per-record value
    assert {key for key, _ in fractions(project)} <= set(LinkParameters().to_dict())
    assert ("match_threshold", 0.8) in fractions(project)   # control: settings are seen
    for url, response in results:  # bands only, never a number between 0 and 1
        rows = result_rows(response)
        assert {row["band"] for row in rows} <= {"match", "possible"}
        assert [row for row in rows if row_fractions(row)] == [], url
        assert all(set(row) <= {"pseudo_id", "kind", "group_id", "other_party", "band",
                                "status"} for row in rows), url
        # a one-off project's links have no status (continuous projects: one of four words)
        assert {row.get("status") for row in rows} <= {None}, url


@pytest.mark.parametrize("overseer", ["bpk", "coordinator"])
def test_report_and_dashboard_hold_no_pseudo_id_and_no_per_record_score(world, overseer):
    everyone = world.finder(*AGENCIES)
    own_results = world.get("DTKS", f"{P}/runs/latest/results?format=csv")
    assert everyone.find(own_results.text) & world.ids["DTKS"]  # control: the finder works here
    answers = every_get(world, overseer, REFUSED["overseer"], world.pending["DTKS"])
    assert leaks(everyone, answers) == {}

    by_url = dict(answers)
    for run_id in ("latest", str(world.run_id)):
        report = by_url[f"{P}/runs/{run_id}/report"].json()["report"]
        assert not [k for k in json_keys(report, skip=NOT_RECORD_VALUES)
                    if SCORE_KEY.search(k)]
        assert model_problems(report["match_model"]) == []
        found = fractions(report, skip=NOT_RECORD_VALUES)
        assert {key for key, _ in found} >= {"threshold", "bin_width"}  # control: seen
        assert [(key, x) for key, x in found if key not in REPORT_FRACTION_KEYS] == []
        assert [x for _, x in found if not on_percent_grid(x)] == []
        page = by_url[f"{P}/runs/{run_id}/dashboard"].text
        shown = text_fractions(page)
        assert 0.8 in shown and 0.7 in shown  # control: the thresholds drawn are seen
        assert [x for x in shown if not on_percent_grid(x)] == []
