"""Continuous linkage through the service, on SQLite and PostgreSQL: two monthly versions of three
programme lists and a death register (whole lists and deltas), stable group ids, each agency's
changes, equality with a full run, the three answers, and erasure that leaves no trace."""

from __future__ import annotations

import os
import sys
import time
from collections import Counter, defaultdict
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
from alembic import command
from alembic.config import Config
from fastapi.testclient import TestClient
from sqlalchemy import text
from typer.testing import CliRunner

from padan.cli.client import PadanClient
from padan.cli.main import app as cli_app
from padan.encoder.default_schema import default_schema
from padan.encoder.encoding_file import open_encoding_file, version_delta
from padan.encoder.pipeline import encode_file
from padan.encoder.pseudo_ids import pseudo_id_text, pseudo_id_texts
from padan.linker.engine import Party, link
from padan.linker.service import Settings, create_app, create_coordinator_token
from padan.linker.service.database import migrate, new_engine
from padan.linker.standing_store import load
from padan.synth import SynthConfig, generate, parse_agencies, write_lists

sys.path.insert(0, str(Path(__file__).parents[1] / "linker"))
from versions_helpers import SECRET, Versions, write_version

from .helpers import auth

NAMES = ("DTKS", "KJP", "KIS", "MATI")
PROGRAMMES = ("DTKS", "KJP", "KIS")
runner = CliRunner()


@pytest.fixture(scope="module")
def pool(tmp_path_factory):
    """Per list, the encoded records of a synthetic list; MATI is the death register. The
    records are put in the order of their filters (the encoder shuffles them), so that every
    run of the test draws the same versions."""
    folder = tmp_path_factory.mktemp("pool")
    lists = generate(SynthConfig(seed=12, population=600, duplicate_rate=0.03,
                                 agencies=parse_agencies("DTKS:220,KJP:170,KIS:140,MATI:80")))
    write_lists(lists, folder)
    schema = default_schema("bansos")
    opened = {}
    for name in NAMES:
        encode_file(folder / f"{name}.csv", schema, SECRET, folder / f"{name}.padan", workers=1)
        encoded = open_encoding_file(folder / f"{name}.padan")
        records = np.asarray(encoded.records)
        order = np.lexsort(records["filter"].T[::-1])
        opened[name] = write_version(folder / f"{name}.sorted.padan", encoded, records[order])
    return opened


def wait(client: TestClient, token: str, run_id: int) -> dict:
    deadline = time.monotonic() + 180
    while (run := client.get(f"/projects/bansos/runs/{run_id}", headers=auth(token)).json()
           )["state"] in ("queued", "running"):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert run["state"] == "done", run
    return run


def link_now(client: TestClient, coordinator: str) -> dict:
    started = client.post("/projects/bansos/runs", headers=auth(coordinator))
    assert started.status_code == 201, started.text
    return wait(client, coordinator, started.json()["run_id"])


def members(parties, party, pseudo_id, group, band) -> dict[int, frozenset]:
    out: dict[int, set] = {}
    for p, pid, g, b in zip(party.tolist(), pseudo_id.tolist(), group.tolist(), band.tolist(),
                            strict=True):
        out.setdefault(int(g), set()).add((parties[p], int(pid), int(b)))
    return {g: frozenset(m) for g, m in out.items()}


def traces(records: np.ndarray, seen: dict[bytes, set]) -> list[bytes]:
    """What would betray a record: its pseudo-id (8 bytes both orders, text, hex digits) and its
    filter, unless another record of any version has the very same filter (the same person
    spelled alike: those bytes stay legitimately)."""
    pids = np.asarray(records["pseudo_id"], np.uint64)
    out = [p.tobytes() for p in pids] + [p.astype(">u8").tobytes() for p in pids]
    out += [t.encode() for t in pseudo_id_texts(pids)]
    out += [t[1:].encode() for t in pseudo_id_texts(pids)]
    out += [f for f in (np.ascontiguousarray(f).tobytes() for f in records["filter"])
            if len(seen[f]) == 1]
    return out


def occurrences(paths: list[Path], needles: list[bytes]) -> list[str]:
    found = []
    for root in paths:
        for path in [root] if root.is_file() else root.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                found += [path.name for needle in needles if needle in data]
    return found


def cli(app, monkeypatch, token: str, *args: str):
    """A client command against the in-process service, as the agency holding `token`."""
    import padan.cli.service_commands as commands

    monkeypatch.setattr(commands, "_client", lambda server: PadanClient(
        TestClient(app, raise_server_exceptions=False), token=token))
    return runner.invoke(cli_app, list(args))


def test_two_months_of_versions_through_the_service(pool, tmp_path, database_url, monkeypatch):
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url,
                        embedded_worker=True, worker_poll_seconds=0.1)
    coordinator = create_coordinator_token(settings, "koordinator")
    header = pool["DTKS"].header
    app = create_app(settings)
    versions = Versions(pool, np.random.default_rng(3), tmp_path / "lists")
    (tmp_path / "lists").mkdir()
    with TestClient(app, raise_server_exceptions=False) as client:
        created = client.post("/projects", headers=auth(coordinator), json={
            "project_id": header.project_id, "schema_fingerprint": header.schema_fingerprint,
            "agencies": list(NAMES), "auditors": ["bpk"], "continuous": True,
            "parameters": {"registers": ["MATI=deaths"],
                           "programme_kinds": [f"{n}=bansos" for n in PROGRAMMES]}})
        assert created.status_code == 201, created.text
        assert created.json()["project"]["continuous"] is True
        tokens = {t["party"]: t["token"] for t in created.json()["tokens"]}
        agency = {n: PadanClient(client, token=tokens[n]) for n in NAMES}

        # month 1: every list whole
        versions.start(NAMES)
        month1 = {p.name: p.encodings for p in versions.parties()}
        for name in NAMES:
            assert agency[name].upload_file("bansos", Path(month1[name].path)).kind == "whole"
        first = link_now(client, coordinator)
        assert first["kind"] == "continuous"
        state_folder = settings.store_location / "states" / "bansos"
        before = load(state_folder)
        assert set(before.standing.lists) == set(NAMES)
        dtks1 = agency["DTKS"].results("bansos", first["run_id"])
        assert dtks1.matches and {m.status for m in dtks1.matches} == {"new"}
        # once linked, an upload's file has left the store (the state holds the records)
        assert all(u.linked for u in agency["DTKS"].uploads("bansos"))
        assert not any((settings.store_location / u.sha256[:2] / u.sha256[2:4] / u.sha256)
                       .exists() for u in agency["DTKS"].uploads("bansos"))

        # month 2: DTKS and MATI send deltas, KJP its whole list, KIS nothing
        versions.change("DTKS", 0.05, 0.05, 0.05)
        versions.change("KJP", 0.03, 0.0, 0.03)
        versions.change("MATI", 0.0, 0.0, 0.2)
        month2 = {p.name: p.encodings for p in versions.parties()}
        for name in ("DTKS", "MATI"):
            old, new = np.asarray(month1[name].records), np.asarray(month2[name].records)
            delta = version_delta(old, new)
            sent = np.isin(new["pseudo_id"], np.r_[delta.added, delta.changed])
            path = tmp_path / f"{name.lower()}-2.delta.padan"
            write_version(path, month2[name], new[sent])
            (tmp_path / f"{name.lower()}-2.removed.csv").write_text(
                "pseudo_id\n" + "".join(f"{t}\n" for t in pseudo_id_texts(delta.removed)))
            if name == "DTKS":  # through the client command: X.removed.csv found beside it
                result = cli(app, monkeypatch, tokens[name], "upload", "bansos", str(path))
                assert result.exit_code == 0, result.output
            else:
                done = agency[name].upload_file(
                    "bansos", path, removed=tmp_path / f"{name.lower()}-2.removed.csv")
                assert done.kind == "delta" and not done.replaced
        agency["KJP"].upload_file("bansos", Path(month2["KJP"].path))
        second = link_now(client, coordinator)
        again = client.post("/projects/bansos/runs", headers=auth(coordinator))
        assert again.status_code == 409 and "nothing to link" in again.json()["error"]["message"]
        after = load(state_folder)
        for name in NAMES:
            assert sorted(after.standing.lists[name].records["pseudo_id"].tolist()) == sorted(
                month2[name].records["pseudo_id"].tolist())

        # the incremental run's groups equal a full run of the latest versions
        full = link([Party(n, after.standing.lists[n]) for n in after.standing.parties])
        mine = set(members(after.groups.parties, after.groups.party, after.groups.pseudo_id,
                           after.groups.group, after.groups.band).values())
        table = full.groups
        theirs = set(members(full.parties, table.party, table.pseudo_id, table.group_id,
                             table.band).values())
        assert mine == theirs and len(mine) > 20
        # unchanged people keep their group ids
        old_ids = members(before.groups.parties, before.groups.party, before.groups.pseudo_id,
                          before.groups.group, np.zeros_like(before.groups.band))
        new_ids = members(after.groups.parties, after.groups.party, after.groups.pseudo_id,
                          after.groups.group, np.zeros_like(after.groups.band))
        same = {people: gid for gid, people in new_ids.items()}
        kept = [gid for gid, people in old_ids.items() if people in same]
        assert len(kept) > 10 and all(same[old_ids[gid]] == gid for gid in kept)

        # each agency sees its own links with their status, and only its own records
        dtks2 = agency["DTKS"].results("bansos", second["run_id"])
        statuses = Counter(m.status for m in dtks2.matches)
        assert statuses["unchanged"] > 0 and set(statuses) <= {"new", "unchanged", "changed"}
        assert all(g.status == "gone" for g in dtks2.gone)
        own = set(pseudo_id_texts(np.r_[month1["DTKS"].records["pseudo_id"],
                                        month2["DTKS"].records["pseudo_id"]]))
        assert {m.pseudo_id for m in [*dtks2.matches, *dtks2.gone]} <= own
        earlier = {(m.pseudo_id, m.other_party): m.group_id for m in dtks1.matches}
        assert all(earlier[(m.pseudo_id, m.other_party)] == m.group_id
                   for m in dtks2.matches if m.status == "unchanged")
        assert {m.other_party for m in dtks2.matches} <= set(PROGRAMMES) - {"DTKS"}
        assert {r.kind for r in dtks2.registers} <= {"deaths"}
        result = cli(app, monkeypatch, tokens["DTKS"], "results", "bansos", "--output",
                     str(tmp_path / "dtks.csv"), "--changes", str(tmp_path / "dtks-changes.csv"))
        assert result.exit_code == 0, result.output
        written = (tmp_path / "dtks-changes.csv").read_text().splitlines()
        assert written[0] == "pseudo_id,other_party,group_id,band,status"
        # one change per (record, other agency): a group may hold two records of the other
        # agency (its within-list duplicates), which the results list one by one
        assert len(written) - 1 == len({(m.pseudo_id, m.other_party) for m in dtks2.matches}
                                       ) + len(dtks2.gone)
        assert "MATI" not in (tmp_path / "dtks-changes.csv").read_text()
        assert client.get("/projects/bansos/runs/latest/results?format=changes",
                          headers=auth(tokens["bpk"])).status_code == 403

        # the three answers are in the JSON report
        report = client.get("/projects/bansos/runs/latest/report",
                            headers=auth(tokens["bpk"])).json()["report"]
        assert set(report["questions"]) >= {"double_recipients", "dead_still_paid",
                                            "eligible_missing"}
        assert report["questions"]["dead_still_paid"]

        # erasure: some KJP records (grouped, with a filter no other record has), then KIS
        data = [tmp_path / "data", *(tmp_path.glob("padan.db*"))]
        seen: dict[bytes, set] = defaultdict(set)   # filter -> the records holding it
        for month in (month1, month2):
            for name, encodings in month.items():
                for record in np.asarray(encodings.records):
                    seen[np.ascontiguousarray(record["filter"]).tobytes()].add(
                        (name, int(record["pseudo_id"])))
        kjp = np.asarray(after.standing.lists["KJP"].records)
        grouped = set(after.groups.pseudo_id[after.groups.party ==
                                             after.groups.parties.index("KJP")].tolist())
        unique = [i for i, r in enumerate(kjp)
                  if len(seen[np.ascontiguousarray(r["filter"]).tobytes()]) == 1]
        chosen = sorted(unique, key=lambda i: int(kjp[i]["pseudo_id"]) not in grouped)[:5]
        gone = kjp[chosen]
        assert len(gone) == 5 and int(gone[0]["pseudo_id"]) in grouped
        assert occurrences(data, traces(gone, seen))   # found before
        (tmp_path / "withdrawn.csv").write_text(
            "pseudo_id\n" + "".join(f"{t}\n" for t in pseudo_id_texts(gone["pseudo_id"])))
        result = cli(app, monkeypatch, tokens["KJP"], "withdraw", "bansos", "--pseudo-ids",
                     str(tmp_path / "withdrawn.csv"))
        assert result.exit_code == 0, result.output
        assert occurrences(data, traces(gone, seen)) == []   # and not after
        erased = load(state_folder)
        assert len(erased.standing.lists["KJP"]) == len(kjp) - len(gone)
        kjp3 = agency["KJP"].results("bansos")
        assert not {pseudo_id_text(int(p)) for p in gone["pseudo_id"]} & {
            m.pseudo_id for m in [*kjp3.matches, *kjp3.gone, *kjp3.duplicates]}
        stale = client.get(f"/projects/bansos/runs/{second['run_id']}/results",
                           headers=auth(tokens["KJP"]))
        assert stale.status_code == 410 and "erased" in stale.json()["error"]["message"]
        log = client.get("/audit", headers=auth(tokens["bpk"])).json()
        asked = [e for e in log if e["action"] == "erasure.request"]
        assert [(e["details"]["party"], e["details"]["records"]) for e in asked] == [
            ("KJP", len(gone))]
        assert not any(t in str(log) for t in pseudo_id_texts(gone["pseudo_id"]))

        kis = np.asarray(erased.standing.lists["KIS"].records)
        assert occurrences(data, traces(kis, seen))
        whole = agency["KIS"].erase("bansos", None)
        assert whole.kind == "erase"
        wait(client, coordinator, whole.run_id)
        assert occurrences(data, traces(kis, seen)) == []
        assert "KIS" not in load(state_folder).standing.lists
        assert client.get("/projects/bansos/runs/latest/results",
                          headers=auth(tokens["KIS"])).status_code == 404
        assert agency["KIS"].uploads("bansos") == []
    app.state.padan.engine.dispose()


def test_versions_are_refused_clearly(tmp_path, client, coordinator_token):
    from .helpers import encoding_bytes, make_project, upload

    tokens = make_project(client, coordinator_token)                        # one-off project
    response = client.post("/projects/proj/uploads", headers=auth(tokens["dtks"]),
                           json={"size": 10, "kind": "delta"})
    assert response.status_code == 422
    assert response.json()["error"]["details"]["field"] == "kind"
    erase = client.post("/projects/proj/erasures", headers=auth(tokens["dtks"]),
                        json={"whole_list": True})
    assert erase.status_code == 409 and "continuous" in erase.json()["error"]["message"]

    tokens = make_project(client, coordinator_token, project_id="cont", continuous=True)
    # a delta before any linked list
    response = client.post("/projects/cont/uploads", headers=auth(tokens["dtks"]),
                           json={"size": 10, "kind": "delta"})
    assert response.status_code == 409 and "linked" in response.json()["error"]["message"]
    assert upload(client, tokens["dtks"], "cont",
                  encoding_bytes(tmp_path, project_id="cont")).status_code == 200
    # a removed list on a whole upload, a bad removed list (lines named, never the value)
    pending = client.post("/projects/cont/uploads", headers=auth(tokens["dtks"]),
                          json={"size": 10}).json()["upload_id"]
    refused = client.put(f"/projects/cont/uploads/{pending}/removed",
                         headers=auth(tokens["dtks"]), content=b"pseudo_id\n")
    assert refused.status_code == 409
    # erasure requests: neither or both, a malformed pseudo-id
    for body in ({}, {"whole_list": True, "pseudo_ids": ["p" + "0" * 16]},
                 {"pseudo_ids": ["x123"]}):
        response = client.post("/projects/cont/erasures", headers=auth(tokens["dtks"]),
                               json=body)
        assert response.status_code == 422, body
    # only an agency erases its records
    assert client.post("/projects/cont/erasures", headers=auth(tokens["bpk"]),
                       json={"whole_list": True}).status_code == 403


def test_a_bad_removed_list_names_its_lines(tmp_path, client, coordinator_token):
    from padan.linker.service.errors import UploadRejected
    from padan.linker.service.versions import parse_removed

    secret = "p" + "a" * 15 + "Z"
    with pytest.raises(UploadRejected) as caught:
        parse_removed(f"pseudo_id\np{'0' * 16}\n{secret}\nnope\n".encode())
    assert caught.value.details["lines"] == [3, 4] and caught.value.details["total"] == 2
    assert secret not in caught.value.message and "nope" not in caught.value.message
    with pytest.raises(UploadRejected):
        parse_removed(b"id\np0000000000000000\n")
    assert parse_removed(b"pseudo_id\n").tolist() == []


def test_the_migration_applies_on_top_of_the_previous_head(database_url):
    engine = new_engine(database_url)
    config = Config()
    config.set_main_option(
        "script_location",
        str(resources.files("padan.linker.service") / "migrations"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0002")
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO projects (id, description, schema_fingerprint, parameters, "
            "result_policy, state, created_at) VALUES ('old', '', 'f', '{}', 'own_matches', "
            "'open', CURRENT_TIMESTAMP)"))
        connection.execute(text(
            "INSERT INTO runs (project_id, state, progress, inputs, parameters, invalidated, "
            "attempts, created_at) VALUES ('old', 'done', 1.0, '{}', '{}', false, 1, "
            "CURRENT_TIMESTAMP)"))
    migrate(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT continuous FROM projects")).scalar() in (
            False, 0)
        assert connection.execute(text("SELECT kind FROM runs")).scalar() == "link"
        assert connection.execute(text("SELECT plan FROM runs")).scalar() is None
    engine.dispose()


@pytest.mark.parametrize("kind", ["local", "remote"])
def test_the_working_copy_of_a_state_is_written_back_whole(tmp_path, kind):
    from padan.linker.service.standing import delete_state, working_state
    from padan.linker.service.store import ContentStore, RemoteStore

    store = (ContentStore(tmp_path / "store") if kind == "local" else
             RemoteStore(f"memory://padan-{os.getpid()}-{tmp_path.name}", tmp_path / "cache"))
    with working_state(store, "proj", tmp_path / "work") as folder:
        (folder / "lists").mkdir()
        (folder / "lists" / "A.v1.padan").write_bytes(b"one")
        (folder / "standing.json").write_text("{}")
    with working_state(store, "proj", tmp_path / "work") as folder:
        assert (folder / "lists" / "A.v1.padan").read_bytes() == b"one"
        (folder / "lists" / "A.v1.padan").unlink()
        (folder / "lists" / "A.v2.padan").write_bytes(b"two")
    with pytest.raises(RuntimeError), working_state(store, "proj", tmp_path / "work") as folder:
        (folder / "lists" / "A.v2.padan").unlink()
        raise RuntimeError("the run failed")
    # a worker that lost its lease does not write its copy back
    with working_state(store, "proj", tmp_path / "work", keep=lambda: False) as folder:
        (folder / "standing.json").write_text("stale")
    with working_state(store, "proj", tmp_path / "work") as folder:
        names = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
        assert (folder / "standing.json").read_text() == "{}"
    assert names == ["lists/A.v2.padan", "standing.json"]
    if kind == "remote":
        assert list((tmp_path / "work").iterdir()) == []
    else:   # no working copy or old state left beside the state
        assert [p.name for p in (tmp_path / "store" / "states").iterdir()] == ["proj"]
    delete_state(store, "proj")
    with working_state(store, "proj", tmp_path / "work") as folder:
        assert list(folder.iterdir()) == []


def test_project_create_continuous_from_the_command_line(tmp_path, app, client,
                                                         coordinator_token, monkeypatch):
    from padan.encoder.default_schema import default_schema_text

    schema = tmp_path / "bansos.toml"
    schema.write_text(default_schema_text("bansos"))
    result = cli(app, monkeypatch, coordinator_token, "project", "create", "--schema",
                 str(schema), "--agency", "DTKS", "--agency", "KJP", "--continuous",
                 "--tokens-dir", str(tmp_path / "tokens"))
    assert result.exit_code == 0, result.output
    shown = client.get("/projects/bansos", headers=auth(coordinator_token)).json()
    assert shown["continuous"] is True
    (tmp_path / "oneoff.toml").write_text(default_schema_text("oneoff"))
    result = cli(app, monkeypatch, coordinator_token, "project", "create", "--schema",
                 str(tmp_path / "oneoff.toml"), "--agency", "DTKS",
                 "--tokens-dir", str(tmp_path / "tokens"))
    assert result.exit_code == 0, result.output
    assert client.get("/projects/oneoff",
                      headers=auth(coordinator_token)).json()["continuous"] is False
