"""The other identifying fields end to end: `padan synth` lists with tempat lahir, alamat, nama
ibu and No KK, encoded with the default schema (`padan schema init`) and the example of
docs/schemas/ that holds them too by `padan encode` and linked by `padan link`; quality reports
count the new fields and print none of their values."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from padan.cli.main import app
from padan.encoder.encoding_file import open_encoding_file
from padan.encoder.keys import generate_secret_file
from padan.encoder.schema import load_schema
from padan.synth import SynthConfig, generate, parse_agencies, write_lists

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = sorted((ROOT / "docs" / "schemas").glob("*.toml"))
AGENCIES = ("DTKS", "KIS")
runner = CliRunner()


@pytest.fixture(scope="module")
def lists(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("fields")
    write_lists(generate(SynthConfig(seed=5, population=1500, agencies=parse_agencies(
        "DTKS:300,KIS:200"))), folder)
    generate_secret_file(folder / "project.key")
    return folder


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.stem)
def test_the_example_schemas_load(path):
    schema = load_schema(path)
    assert schema.schema_version == 2
    core = {f.kind for f in schema.fields} <= {"nik", "name", "birthdate", "sex"}
    assert core == (path.stem == "four-fields")   # the default before the other fields


def test_the_four_field_example_is_the_defaults_core():
    from padan.encoder.default_schema import default_schema

    four = load_schema(ROOT / "docs" / "schemas" / "four-fields.toml")
    assert four.fingerprint == default_schema("evaluation", other_fields=False).fingerprint


@pytest.mark.parametrize("name", ["default", "fields-with-name", "without-family-card"])
def test_encode_and_link_with_the_new_fields(lists, tmp_path, name):
    schema_path = ROOT / "docs" / "schemas" / f"{name}.toml"
    if name == "default":
        schema_path = tmp_path / "schema.toml"
        result = runner.invoke(app, ["schema", "init", str(schema_path)])
        assert result.exit_code == 0, result.output
    for agency in AGENCIES:
        result = runner.invoke(app, ["encode", str(lists / f"{agency}.csv"), "--schema",
                                     str(schema_path), "--key-file", str(lists / "project.key"),
                                     "--out", str(tmp_path / f"{agency}.padan")])
        assert result.exit_code == 0, result.output
        quality = json.loads((tmp_path / f"{agency}.quality.json").read_text())
        for field in ("tempat_lahir", "alamat", "nama_ibu", "no_kk"):
            statuses = quality["fields"][field]["statuses"]
            assert statuses.get("valid", 0) + statuses.get("repaired", 0) > 0.8 * sum(
                statuses.values())
        assert quality["fields"]["no_kk"]["statuses"].get("invalid", 0) > 0  # Excel damage
        header = open_encoding_file(tmp_path / f"{agency}.padan").header
        assert [s.name for s in header.segments][-1] == {
            "default": "nama_kk", "fields-with-name": "nama_alamat_lahir",
            "without-family-card": "asal_lahir"}[name]
        text = (tmp_path / f"{agency}.quality.json").read_text()
        with open(lists / f"{agency}.csv", newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                for column in ("ALAMAT", "ALAMAT_PESERTA", "NAMA_IBU_KANDUNG", "NM_IBU"):
                    value = row.get(column)
                    assert not value or value not in text
    result = runner.invoke(app, ["link", *(f"{a}={tmp_path / a}.padan" for a in AGENCIES),
                                 "--out", str(tmp_path / "run")])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "run" / "report.json").read_text())
    assert report
    linked = (tmp_path / "run" / "DTKS.results.csv").read_text().splitlines()
    assert len(linked) > 20   # the lists share people: many are linked
