"""Two monthly versions of three lists through `padan encode --previous`, `padan link --state`
and `padan erase`, on real encodings of synthetic lists."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyarrow as pa
import pytest
from typer.testing import CliRunner

from padan.cli.main import app
from padan.encoder.default_schema import default_schema_text
from padan.encoder.encoding_file import open_encoding_file
from padan.encoder.keys import generate_secret_file
from padan.encoder.pseudo_ids import pseudo_id_texts
from padan.synth import SynthConfig, generate, parse_agencies
from padan.synth.writers import write_csv

runner = CliRunner()
AGENCIES = ("DTKS", "KJP", "KIS")


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def invoke(*args: str):
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result


def month_tables(table: pa.Table, month: int) -> pa.Table:
    """Month 1: rows 0..80 %; month 2: the first 5 % gone, 10 % more, every 20th name changed."""
    n = table.num_rows
    ids = pa.array([f"R{i}" for i in range(n)])
    table = table.append_column("ID", ids)
    if month == 1:
        return table.slice(0, int(0.8 * n))
    table = table.slice(int(0.05 * n), int(0.85 * n))
    column = next(c for c in table.column_names if c.upper().startswith("NAMA")
                  and "IBU" not in c.upper())
    names = table.column(column).to_pylist()
    names = [f"{v} WATI" if v and i % 20 == 0 else v for i, v in enumerate(names)]
    return table.set_column(table.schema.get_field_index(column), column, pa.array(names))


@pytest.fixture(scope="module")
def months(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("months")
    lists = generate(SynthConfig(seed=4, population=1200, duplicate_rate=0.05,
                                 agencies=parse_agencies("DTKS:300,KJP:120,KIS:200")))
    generate_secret_file(folder / "project.key")
    (folder / "schema.toml").write_text(default_schema_text("demo"))
    for name in AGENCIES:
        for month in (1, 2):
            write_csv(month_tables(lists.tables[name], month), folder / f"{name}-{month}.csv")
    return folder


def encode(folder: Path, name: str, month: int):
    extra = ["--previous", folder / f"{name}-{month - 1}.padan"] if month > 1 else []
    return invoke("encode", folder / f"{name}-{month}.csv", "--schema", folder / "schema.toml",
                  "--key-file", folder / "project.key", "--key-column", "ID", "-q", *extra)


def links(path: Path) -> set[tuple[str, str, str]]:
    return {(r["pseudo_id"], r["other_party"], r["band"]) for r in read_csv(path)
            if r["kind"] == "link"}


def test_two_months_through_link_state_and_an_erasure(months):
    folder, state = months, months / "state"
    for name in AGENCIES:
        encode(folder, name, 1)
    invoke("link", "--state", state, *(f"{n}={folder / n}-1.padan" for n in AGENCIES),
           "--out", folder / "run1")
    first = {n: read_csv(folder / "run1" / f"{n}.changes.csv") for n in AGENCIES}
    assert all(r["status"] == "new" for rows in first.values() for r in rows)
    for name in AGENCIES:
        encode(folder, name, 2)
    dtks = open_encoding_file(folder / "DTKS-2.delta.padan")
    assert 0 < len(dtks) < len(open_encoding_file(folder / "DTKS-2.padan"))
    result = invoke("link", "--state", state, f"DTKS={folder / 'DTKS-2.delta.padan'}",
                    f"KJP={folder / 'KJP-2.padan'}", f"KIS={folder / 'KIS-2.delta.padan'}",
                    "--out", folder / "run2", "--json")
    summary = json.loads(result.stdout)
    assert summary["incremental"] is True
    assert summary["lists"]["DTKS"]["removed"] == 15 and summary["lists"]["DTKS"]["added"] > 0
    statuses = {r["status"] for n in AGENCIES
                for r in read_csv(folder / "run2" / f"{n}.changes.csv")}
    assert {"new", "unchanged", "gone"} <= statuses
    # the same links as a full run of the latest whole lists
    invoke("link", *(f"{n}={folder / n}-2.padan" for n in AGENCIES), "--out", folder / "full")
    for name in AGENCIES:
        assert links(folder / "run2" / f"{name}.results.csv") == links(
            folder / "full" / f"{name}.results.csv")
    # an unchanged link keeps its group id from month 1
    month1 = {(r["pseudo_id"], r["other_party"]): r["group_id"] for r in first["DTKS"]}
    unchanged = [r for r in read_csv(folder / "run2" / "DTKS.changes.csv")
                 if r["status"] == "unchanged"]
    assert unchanged and all(month1[(r["pseudo_id"], r["other_party"])] == r["group_id"]
                             for r in unchanged)
    # padan reveal reads the results with the month-2 id map
    invoke("reveal", folder / "run2" / "DTKS.results.csv", folder / "DTKS-2.csv",
           "--out", folder / "DTKS-2.revealed.csv", "--changes",
           folder / "run2" / "DTKS.changes.csv")
    revealed = read_csv(folder / "DTKS-2.revealed.csv")
    cells = [r["padan_status"] for r in revealed]
    assert any(": unchanged" in c for c in cells) and any(": gone" in c for c in cells)
    assert all(r["padan_status"] for r in revealed if r["padan_group"])
    # KJP withdraws three linked records
    gone = sorted({r["pseudo_id"] for r in read_csv(folder / "run2" / "KJP.results.csv")
                   if r["kind"] == "link"})[:3]
    (folder / "withdrawn.csv").write_text("pseudo_id\n" + "".join(g + "\n" for g in gone))
    stored = b"".join(p.read_bytes() for p in state.rglob("*") if p.is_file())
    assert all(int(g[1:], 16).to_bytes(8, "little") in stored for g in gone)  # before: there
    invoke("erase", "KJP", "--state", state, "--pseudo-ids", folder / "withdrawn.csv",
           "--out", folder / "run3")
    for path in [*state.rglob("*"), *(folder / "run3").rglob("*")]:
        if path.is_file():
            data = path.read_bytes()
            assert not any(g.encode() in data or g[1:].encode() in data
                           or int(g[1:], 16).to_bytes(8, "little") in data for g in gone), path
    audit = [json.loads(line) for line in (state / "audit.jsonl").read_text().splitlines()]
    assert audit[-1]["action"] == "erase" and audit[-1]["records"] == 3
    assert set(pseudo_id_texts(open_encoding_file(
        next((state / "lists").glob("KJP.*.padan"))).records["pseudo_id"])).isdisjoint(gone)


def test_a_delta_without_a_standing_list_is_refused(months, tmp_path):
    encode(months, "KJP", 1)
    encode(months, "KJP", 2)
    result = runner.invoke(app, ["link", "--state", str(tmp_path / "s"),
                                 f"KJP={months / 'KJP-2.delta.padan'}", "--out",
                                 str(tmp_path / "o")])
    assert result.exit_code == 2 and "delta needs a standing list" in result.output
