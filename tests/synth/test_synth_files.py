"""Date formats, file writers (read back with pyarrow and openpyxl) and the `padan synth` CLI."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from pathlib import Path

import numpy as np
import openpyxl
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from padan.cli.main import app
from padan.synth import (
    AgencySpec,
    DirtLevel,
    SynthConfig,
    SynthConfigError,
    generate,
    write_lists,
    writers,
)
from padan.synth.dates import MONTHS, format_dates

SPECS = (AgencySpec("DTKS", 600, stratum="PROVINSI"),
         AgencySpec("KIS", 400, date_format="excel-serial", sex_codes=("1", "2")))


def _dates(*values: dt.date) -> np.ndarray:
    return np.array([v.isoformat() for v in values], dtype="datetime64[D]")


@pytest.mark.parametrize(("date_format", "expected"), [
    ("%d-%m-%Y", "05-01-1980"), ("%d/%m/%Y", "05/01/1980"), ("%Y-%m-%d", "1980-01-05"),
    ("%d-%m-%y", "05-01-80"), ("%d.%m.%Y", "05.01.1980"), ("indonesian", "5 Januari 1980"),
    ("indonesian-short", "5 Jan 1980"), ("excel-serial", "29225"),
])
def test_date_formats_known_answers(date_format, expected):
    assert format_dates(_dates(dt.date(1980, 1, 5)), date_format).to_pylist() == [expected]


def test_short_months_use_indonesian_abbreviations():
    values = format_dates(_dates(dt.date(1999, 8, 17), dt.date(2001, 12, 31)),
                          "indonesian-short").to_pylist()
    assert values == ["17 Agu 1999", "31 Des 2001"]


@given(st.lists(st.dates(dt.date(1900, 3, 1), dt.date(2030, 12, 31)), min_size=1, max_size=20),
       st.sampled_from(["%d-%m-%Y", "%Y/%m/%d", "%d%m%Y", "%m-%d-%y"]))
def test_date_patterns_agree_with_strftime_and_excel(dates, pattern):
    array = _dates(*dates)
    assert format_dates(array, pattern).to_pylist() == [d.strftime(pattern) for d in dates]
    serials = format_dates(array, "excel-serial").to_pylist()
    assert serials == [str((d - dt.date(1899, 12, 30)).days) for d in dates]
    long = format_dates(array, "indonesian").to_pylist()
    assert long == [f"{d.day} {MONTHS[d.month - 1]} {d.year}" for d in dates]


@pytest.fixture(scope="module")
def lists():
    return generate(SynthConfig(seed=3, population=3_000, agencies=SPECS,
                                dirt=DirtLevel.HEAVY))


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
def test_same_seed_gives_byte_identical_files_and_another_seed_does_not(tmp_path, lists, fmt):
    again = generate(lists.config)
    other = generate(SynthConfig(seed=4, population=3_000, agencies=SPECS, dirt=DirtLevel.HEAVY))
    first = write_lists(lists, tmp_path / "a", fmt=fmt)
    second = write_lists(again, tmp_path / "b", fmt=fmt)
    third = write_lists(other, tmp_path / "c", fmt=fmt)
    assert set(first) == {"DTKS", "KIS", "truth"}
    assert first["DTKS"].name == f"DTKS.{fmt}" and first["truth"].name == "truth.csv"
    for key in first:
        assert _digest(first[key]) == _digest(second[key]), key
        assert _digest(first[key]) != _digest(third[key]), key


def test_csv_reads_back_to_the_table_and_the_truth(tmp_path, lists):
    paths = write_lists(lists, tmp_path, fmt="csv")
    for agency, table in lists.tables.items():
        with open(paths[agency], newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        assert rows[0] == table.column_names
        expected = [["" if v is None else v for v in row.values()] for row in table.to_pylist()]
        assert rows[1:] == expected
    with open(paths["truth"], newline="") as handle:
        truth = list(csv.DictReader(handle))
    assert len(truth) == sum(t.num_rows for t in lists.tables.values())
    kis = [r for r in truth if r["agency"] == "KIS"]
    assert kis[0]["row"] == "2"
    assert [int(r["person_id"]) for r in kis] == lists.truth["KIS"].tolist()


def test_parquet_reads_back_equal(tmp_path, lists):
    paths = write_lists(lists, tmp_path, fmt="parquet")
    for agency, table in lists.tables.items():
        assert pq.read_table(paths[agency]).equals(table)


def test_xlsx_reads_back_with_serial_dates_as_numbers(tmp_path, lists):
    paths = write_lists(lists, tmp_path, fmt="xlsx")
    for agency, table in lists.tables.items():
        sheet = openpyxl.load_workbook(paths[agency], read_only=True).active
        rows = list(sheet.iter_rows(values_only=True))
        assert list(rows[0]) == table.column_names
        assert len(rows) == table.num_rows + 1
        for written, original in zip(rows[1:], table.to_pylist(), strict=True):
            padded = [*written, *[None] * (len(original) - len(written))]  # empty cells at the end
            for cell, value in zip(padded, original.values(), strict=True):
                if isinstance(cell, int):
                    assert agency == "KIS" and str(cell) == value
                else:
                    assert cell == value
    serials = [r[2] for r in openpyxl.load_workbook(paths["KIS"]).active.iter_rows(
        min_row=2, values_only=True)]
    assert sum(isinstance(v, int) for v in serials) > 0.8 * len(serials)


def test_writers_refuse_unknown_formats_and_oversized_sheets(tmp_path, lists, monkeypatch):
    with pytest.raises(SynthConfigError) as caught:
        write_lists(lists, tmp_path, fmt="json")
    assert caught.value.setting == "format"
    monkeypatch.setattr(writers, "XLSX_MAX_RECORDS", 100)
    with pytest.raises(SynthConfigError, match="at most 100 records"):
        write_lists(lists, tmp_path, fmt="xlsx")


# --- the command ---

runner = CliRunner()


def test_cli_writes_the_lists_and_reports_them(tmp_path):
    out = tmp_path / "data"
    result = runner.invoke(app, ["synth", "--out", str(out), "--population", "3000",
                                 "--agencies", "DTKS:500,KJP:200,BPJS:100", "--seed", "1"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["BPJS.csv", "DTKS.csv", "KJP.csv",
                                                    "truth.csv"]
    for word in ("DTKS", "KJP", "BPJS", "truth", "500"):
        assert word in result.output
    header = (out / "KJP.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == ("NIK_SISWA,Nama Siswa,Tanggal Lahir,JK,Tempat Lahir,Alamat,Kelurahan,"
                      "Kecamatan,Kab/Kota,Nama Ibu,No KK")
    again = tmp_path / "again"
    runner.invoke(app, ["synth", "--out", str(again), "--population", "3000",
                        "--agencies", "DTKS:500,KJP:200,BPJS:100", "--seed", "1"])
    assert _digest(out / "DTKS.csv") == _digest(again / "DTKS.csv")


def test_cli_formats_and_dirt_levels(tmp_path):
    result = runner.invoke(app, ["synth", "--out", str(tmp_path), "--population", "800",
                                 "--agencies", "KIS:300", "--format", "parquet",
                                 "--dirt", "none", "--duplicates", "0"])
    assert result.exit_code == 0, result.output
    table = pq.read_table(tmp_path / "KIS.parquet")
    assert table.num_rows == 300
    assert all(len(v) == 16 and v.isdigit() for v in table["NoKTP"].to_pylist())


@pytest.mark.parametrize(("arguments", "needle"), [
    (["--agencies", "DTKS:abc"], "agencies"),
    (["--agencies", "truth:5"], "agencies"),
    (["--agencies", "DTKS:900000"], "population"),
    (["--overlap", "2"], "overlap"),
    (["--duplicates", "0.9"], "duplicate_rate"),
    (["--dirt", "filthy"], "--dirt"),
    (["--format", "json"], "--format"),
    (["--population", "0"], "--population"),
])
def test_cli_bad_options_exit_2_with_a_clear_error(tmp_path, arguments, needle):
    result = runner.invoke(app, ["synth", "--out", str(tmp_path / "x"), *arguments])
    assert result.exit_code == 2
    assert needle in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "x").exists()


def test_cli_help_has_an_example():
    result = runner.invoke(app, ["synth", "--help"])
    assert result.exit_code == 0
    assert "Example: padan synth" in result.output


def test_cli_choices_mirror_the_library():
    from padan.cli.synth_commands import Dirt, FileFormat
    from padan.synth import FORMATS

    assert [d.value for d in Dirt] == [d.value for d in DirtLevel]
    assert tuple(f.value for f in FileFormat) == FORMATS
