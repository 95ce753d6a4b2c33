"""`padan link --registers`: the three questions in the CLI output and report.json, and what a
programme's results and revealed file say of a register (its kind, nothing else)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from padan.cli.demo_commands import read_truth
from padan.cli.main import app
from padan.encoder.default_schema import default_schema_text
from padan.encoder.keys import generate_secret_file, load_secret
from padan.encoder.pipeline import encode_file
from padan.encoder.schema import load_schema
from padan.synth import AgencySpec, SynthConfig, generate, parse_agencies, write_lists

runner = CliRunner()
PROGRAMMES = ("DTKS", "KJP", "KIS")
LISTS = (*PROGRAMMES, "KEMATIAN", "PENDUDUK")
ROLES = ["--registers", "KEMATIAN=deaths,PENDUDUK=population",
         "--programme-kinds", "DTKS=bansos,KJP=bansos,KIS=kesehatan"]


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    """Three programmes, a death register (most of the dead) and a population register, linked
    with their roles and no suppression (--small-cell-k 1) into world/run."""
    folder = tmp_path_factory.mktemp("registers")
    registers = (AgencySpec(name="KEMATIAN", size=70, register="deaths"),
                 AgencySpec(name="PENDUDUK", size=300, register="population"))
    lists = generate(SynthConfig(seed=4, population=2000, death_rate=0.04,
                                 agencies=parse_agencies("DTKS:400,KJP:100,KIS:300")
                                 + registers))
    write_lists(lists, folder)
    generate_secret_file(folder / "project.key")
    # the regency stratum (the default is the province): the answers split by both
    (folder / "schema.toml").write_text(default_schema_text("demo").replace(
        'stratum = "province"', 'stratum = "regency"'))
    schema, secret = load_schema(folder / "schema.toml"), load_secret(folder / "project.key")
    for name in LISTS:
        encode_file(folder / f"{name}.csv", schema, secret, folder / f"{name}.padan", workers=1)
    result = runner.invoke(app, ["link", *(f"{n}={folder / n}.padan" for n in LISTS),
                                 "--out", str(folder / "run"), "--small-cell-k", "1", *ROLES],
                           env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    (folder / "output.txt").write_text(result.output)
    return folder


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_link_prints_the_three_questions(world):
    output = (world / "output.txt").read_text()
    assert "the three questions" in output
    for needle in ("double recipients", "bansos: DTKS, KJP", "the dead still paid",
                   "eligible but missing", "PENDUDUK (population register)",
                   "by regency or city, match band: the 10 of", "missing: PENDUDUK"):
        assert needle in output, needle


def test_the_report_answers_by_name_and_province(world):
    envelope = json.loads((world / "run" / "report.json").read_text())
    assert envelope["parameters"]["registers"] == ["KEMATIAN=deaths", "PENDUDUK=population"]
    questions = envelope["report"]["questions"]
    assert questions["roles"]["KEMATIAN"] == {"register": "deaths"}
    (double,) = questions["double_recipients"]        # kesehatan has one programme
    assert double["programmes"] == ["DTKS", "KJP"] and double["match"] > 0
    assert [r["programme"] for r in questions["dead_still_paid"]] == list(PROGRAMMES)
    (missing,) = questions["eligible_missing"]
    assert questions["stratum"] == "regency" and not questions["stratum_mixed"]
    # the records per stratum stay by province (the regencies are the three questions' only)
    assert {row["stratum"] for row in envelope["report"]["strata"]} <= set(range(100))
    for row in [double, *questions["dead_still_paid"], missing]:
        assert sum(cell["match"] for cell in row["by_stratum"]) == row["match"]
        assert row["by_regency"] and all(c["stratum"] > 1100 for c in row["by_regency"])
        for province in row["by_stratum"]:
            under = [c["match"] for c in row["by_regency"]
                     if c["stratum"] // 100 == province["stratum"]]
            assert province["stratum"] == 0 or sum(under) == province["match"]


def test_a_programme_learns_the_register_kind_and_nothing_else(world):
    run = world / "run"
    for name in PROGRAMMES:
        own = rows(run / f"{name}.results.csv")
        assert {r["other_party"] for r in own} & {"KEMATIAN", "PENDUDUK"} == set()
        assert {r["other_party"] for r in own if r["kind"] == "register"} <= {"deaths",
                                                                              "population"}
    # the register still sees the programmes it shares people with, as any agency does
    assert {r["other_party"] for r in rows(run / "KEMATIAN.results.csv")} & set(PROGRAMMES)


def test_reveal_says_also_in_the_death_register_and_the_report_counts_the_same(world,
                                                                                tmp_path):
    envelope = json.loads((world / "run" / "report.json").read_text())
    dead_paid = {r["programme"]: r["match"]
                 for r in envelope["report"]["questions"]["dead_still_paid"]}
    truth = read_truth(world / "truth.csv")
    dead = {person for (agency, _row), person in truth.items() if agency == "KEMATIAN"}
    for name in PROGRAMMES:
        out = tmp_path / f"{name}.revealed.csv"
        done = runner.invoke(app, ["reveal", str(world / "run" / f"{name}.results.csv"),
                                   str(world / f"{name}.csv"), "--out", str(out)])
        assert done.exit_code == 0, done.output
        flagged = [int(r["padan_row"]) for r in rows(out)
                   if r["padan_in_death_register"] == "yes"]
        assert "death register" in {r["padan_registers"] for r in rows(out)
                                    if r["padan_in_death_register"] == "yes"}
        assert len(flagged) == dead_paid[name]
        assert flagged, name
        right = sum(truth[(name, row)] in dead for row in flagged)
        assert right / len(flagged) > 0.9
        assert "also in the death register" in done.output


def test_link_refuses_a_register_that_is_no_party(world, tmp_path):
    done = runner.invoke(app, ["link", *(f"{n}={world / n}.padan" for n in PROGRAMMES),
                               "--out", str(tmp_path / "x"), "--registers", "KEMATIAN=deaths"])
    assert done.exit_code == 2, done.output
    assert "--registers" in done.output and "KEMATIAN" in done.output
    done = runner.invoke(app, ["link", *(f"{n}={world / n}.padan" for n in PROGRAMMES),
                               "--out", str(tmp_path / "x"), "--registers", "DTKS=graves"])
    assert done.exit_code == 2 and "deaths, population, eligibility" in done.output
