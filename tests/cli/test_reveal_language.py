"""`padan reveal` in Bahasa Indonesia: the added columns, the bands, the summary and the errors."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from padan.cli.main import app
from padan.encoder.default_schema import default_schema_text
from padan.encoder.keys import generate_secret_file, load_secret
from padan.encoder.pipeline import encode_file
from padan.encoder.schema import load_schema
from padan.synth import SynthConfig, generate, parse_agencies, write_lists

runner = CliRunner()
INDONESIAN_COLUMNS = ["padan_baris", "padan_kelompok", "padan_kategori", "padan_juga_di",
                      "padan_baris_ganda", "padan_kategori_ganda", "padan_register",
                      "padan_di_register_kematian"]


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("dunia")
    lists = generate(SynthConfig(seed=11, population=600, duplicate_rate=0.05,
                                 agencies=parse_agencies("DTKS:150,KJP:60")))
    write_lists(lists, folder)
    generate_secret_file(folder / "project.key")
    (folder / "schema.toml").write_text(default_schema_text("uji"))
    schema, secret = load_schema(folder / "schema.toml"), load_secret(folder / "project.key")
    for name in ("DTKS", "KJP"):
        encode_file(folder / f"{name}.csv", schema, secret, folder / f"{name}.padan", workers=1)
    result = runner.invoke(app, ["link", f"DTKS={folder / 'DTKS.padan'}",
                                 f"KJP={folder / 'KJP.padan'}", "--out", str(folder / "run")])
    assert result.exit_code == 0, result.output
    return folder


def reveal_args(world: Path, output: Path) -> list[str]:
    return ["reveal", str(world / "run" / "DTKS.results.csv"), str(world / "DTKS.csv"),
            "--out", str(output)]


def test_the_revealed_file_speaks_indonesian_under_lang_id(world, tmp_path):
    output = tmp_path / "dtks-terungkap.csv"
    result = runner.invoke(app, ["--lang", "id", *reveal_args(world, output)])
    assert result.exit_code == 0, result.output
    with open(output, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0])[-8:] == INDONESIAN_COLUMNS
    assert rows and {r["padan_kategori"] for r in rows} <= {"padan", "mungkin padan", ""}
    assert any(r["padan_kategori"] == "padan" for r in rows)
    assert "data ditemukan di daftar lain" in result.output
    assert "juga ada di daftar" in result.output
    assert "menulis" in result.output and "berisi data pribadi" in result.output


def test_the_revealed_file_keeps_its_english_names_by_default(world, tmp_path):
    output = tmp_path / "dtks-revealed.csv"
    assert runner.invoke(app, reveal_args(world, output)).exit_code == 0
    header = output.read_text(encoding="utf-8").splitlines()[0]
    assert header.endswith("padan_row,padan_group,padan_band,padan_also_in,"
                           "padan_duplicate_rows,padan_duplicate_band,padan_registers,"
                           "padan_in_death_register")


@pytest.mark.parametrize("how", [["--lang", "id"], []])
def test_errors_in_indonesian_under_lang_id_and_padan_lang(world, tmp_path, how):
    env = {} if how else {"PADAN_LANG": "id"}
    result = runner.invoke(app, [*how, *reveal_args(world, tmp_path / "hasil.txt")], env=env)
    assert result.exit_code == 2
    assert "kesalahan:" in result.output
    assert "berkas keluaran harus berakhiran .csv atau .xlsx" in result.output
    missing = runner.invoke(app, [*how, "reveal", str(tmp_path / "tidak-ada.csv"),
                                  str(world / "DTKS.csv")], env=env)
    assert missing.exit_code == 2
    assert "berkas hasil padan tidak ditemukan" in missing.output
    assert "error:" not in missing.output and "Traceback" not in missing.output
