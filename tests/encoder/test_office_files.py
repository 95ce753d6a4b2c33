"""XLSX lists as offices keep them: title rows, merged two-row headers, column numbers, several
sheets, NIKs in number cells, totals rows and a signature block below. Each is read correctly
or refused with a message naming the file, the sheet and what to do, never a value.

Every workbook is built here with openpyxl; the people are synthetic.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from padan.cli.main import app
from padan.encoder.default_schema import default_schema
from padan.encoder.errors import InputFileError
from padan.encoder.normalise.cells import SheetInt
from padan.encoder.pipeline import encode_file
from padan.encoder.readers import describe_source, iter_batches, read_columns

PEOPLE = [  # No, NIK (a number cell), Nama, Tempat, Tanggal lahir, JK
    (1, 3171014501800001, "Siti Nurhaliza", "Jakarta", dt.datetime(1980, 1, 5), "P"),
    (2, 3173020505790002, "Joko Cahyono", "Bogor", dt.datetime(1979, 5, 5), "L"),
    (3, 3578031207650003, "Slamet", "Surabaya", dt.datetime(1965, 7, 12), "L"),
]
SECOND_GROUP = [
    (4, 3204106608900004, "Dewi Lestari", "Bandung", dt.datetime(1990, 8, 26), "P"),
]


def office_workbook(path: Path, *, footer: bool = True, groups: bool = False) -> Path:
    """A sheet 'Penerima' as a Dinas would print it, after a 'Rekap' sheet."""
    workbook = openpyxl.Workbook()
    summary = workbook.active
    summary.title = "Rekap"
    summary.append(["Kecamatan", "Jumlah KPM"])
    summary.append(["Menteng", 3])
    sheet = workbook.create_sheet("Penerima")
    sheet["A1"] = "DAFTAR PENERIMA BANTUAN SOSIAL KABUPATEN CONTOH TAHUN 2026"
    sheet.merge_cells("A1:F1")
    sheet["A2"] = "Periode: Januari 2026"
    sheet.append([])                                            # row 3: blank
    sheet.append(["No", "NIK", "Nama", "Tempat/Tgl Lahir", None, "JK"])       # row 4
    sheet.append([None, None, None, "Tempat Lahir", "Tanggal Lahir", None])   # row 5
    for column in "ABCF":
        sheet.merge_cells(f"{column}4:{column}5")
    sheet.merge_cells("D4:E4")
    sheet.append(["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"])   # row 6: column numbers
    for person in PEOPLE:                                        # rows 7-9
        sheet.append(list(person))
    if groups:
        sheet.append(["Jumlah Kecamatan Menteng", None, 3])      # row 10: a subtotal
        for person in SECOND_GROUP:                               # row 11
            sheet.append(list(person))
    sheet.append(["JUMLAH", None, len(PEOPLE) + groups])          # the totals row
    if footer:
        sheet.append([])
        sheet.append([None, None, None, None, "Mengetahui,"])
        sheet.append([None, None, None, None, "Kepala Dinas Sosial"])
        sheet.append([None, None, None, None, "Drs. Bambang Sutrisno"])
        sheet.append([None, None, None, None, "NIP. 196501011990031001"])
    workbook.save(path)
    return path


MAPPING = {"nik": "NIK", "nama": "Nama", "tanggal_lahir": "Tanggal Lahir", "jenis_kelamin": "JK"}


def read_all(path: Path, sheet: str | None = "Penerima"):
    batches = list(iter_batches(path, MAPPING, sheet=sheet))
    columns = {f: [v for b in batches for v in b.columns[f]] for f in MAPPING}
    rows = [int(r) for b in batches for r in b.rows]
    bad = sorted(item for b in batches for item in b.bad_rows)
    return columns, rows, bad


def test_title_rows_a_merged_two_row_header_and_column_numbers(tmp_path, xlsx_reader):
    path = office_workbook(tmp_path / "dinsos.xlsx")
    assert read_columns(path, sheet="Penerima") == ["No", "NIK", "Nama", "Tempat Lahir",
                                                    "Tanggal Lahir", "JK"]
    columns, rows, _ = read_all(path)
    assert rows == [7, 8, 9]                        # the sheet's own row numbers
    assert columns["nama"] == [p[2] for p in PEOPLE]
    assert columns["tanggal_lahir"] == [p[4] for p in PEOPLE]


def test_niks_in_number_cells_come_as_spreadsheet_numbers(tmp_path, xlsx_reader):
    columns, _, _ = read_all(office_workbook(tmp_path / "dinsos.xlsx"))
    assert all(type(nik) is SheetInt for nik in columns["nik"])
    assert columns["nik"] == [p[1] for p in PEOPLE]


def test_the_totals_row_and_the_signature_block_are_not_records_and_are_reported(
        tmp_path, xlsx_reader):
    _, rows, bad = read_all(office_workbook(tmp_path / "dinsos.xlsx"))
    assert 10 not in rows and not [r for r in rows if r > 10]
    assert bad[0] == (10, "a totals row (JUMLAH/TOTAL), not a record: not encoded")
    assert [r for r, _ in bad[1:]] == [12, 13, 14, 15]
    assert all("signature block" in reason for _, reason in bad[1:])
    assert not [reason for _, reason in bad if "Bambang" in reason or "1965" in reason]


def test_records_between_subtotal_rows_are_read(tmp_path, xlsx_reader):
    columns, rows, bad = read_all(office_workbook(tmp_path / "dinsos.xlsx", groups=True,
                                                  footer=False))
    assert rows == [7, 8, 9, 11]                    # the group after the subtotal is read
    assert columns["nama"][-1] == "Dewi Lestari"
    assert [r for r, _ in bad] == [10, 12] and all("totals" in why for _, why in bad)


def test_the_sheet_is_chosen_by_name_and_a_wrong_name_lists_the_sheets(tmp_path, xlsx_reader):
    path = office_workbook(tmp_path / "dinsos.xlsx")
    assert read_columns(path) == ["Kecamatan", "Jumlah KPM"]  # the first sheet by default
    with pytest.raises(InputFileError) as caught:
        read_columns(path, sheet="Sheet1")
    message = str(caught.value)
    assert message.startswith(str(path)) and "no sheet 'Sheet1'" in message
    assert "'Rekap', 'Penerima'" in message


def test_a_sheet_for_a_csv_is_refused(tmp_path):
    (tmp_path / "list.csv").write_text("NIK,NAMA\n3171014501800001,A\n")
    with pytest.raises(InputFileError, match="only an XLSX workbook has sheets"):
        read_columns(tmp_path / "list.csv", sheet="Penerima")


def test_messages_about_a_workbook_of_several_sheets_say_which_sheet_and_how_to_choose(
        tmp_path, xlsx_reader):
    path = office_workbook(tmp_path / "dinsos.xlsx")
    assert describe_source(path) == (f"{path}, sheet 'Rekap' (the first of 2 sheets; choose "
                                     "another with --sheet NAME)")
    assert describe_source(path, sheet="Penerima") == f"{path}, sheet 'Penerima'"
    with pytest.raises(InputFileError) as caught:  # the first sheet is the summary
        encode_file(path, default_schema("uji"), b"k" * 32, tmp_path / "x.padan", workers=1)
    assert "sheet 'Rekap'" in str(caught.value) and "--sheet" in str(caught.value)


def test_encoding_the_office_sheet_counts_the_skipped_rows(tmp_path):
    path = office_workbook(tmp_path / "dinsos.xlsx")
    summary = encode_file(path, default_schema("uji"), b"k" * 32, tmp_path / "d.padan",
                          workers=1, sheet="Penerima")
    assert summary.records == 3
    assert summary.quality.rows_malformed == 5      # the totals row and four footer rows
    assert summary.quality.statuses["nik"]["valid"] == 3


def test_padan_encode_sheet_option(tmp_path):
    runner = CliRunner()
    path = office_workbook(tmp_path / "dinsos.xlsx")
    assert runner.invoke(app, ["keygen", str(tmp_path / "k.key")]).exit_code == 0
    assert runner.invoke(app, ["schema", "init", str(tmp_path / "s.toml")]).exit_code == 0
    args = ["encode", str(path), "--schema", str(tmp_path / "s.toml"), "--key-file",
            str(tmp_path / "k.key"), "--quiet", "--workers", "1"]
    refused = runner.invoke(app, args)
    assert refused.exit_code == 2 and "--sheet" in refused.output
    done = runner.invoke(app, [*args, "--sheet", "Penerima", "--json"])
    assert done.exit_code == 0, done.output
    assert '"records": 3' in done.stdout


def test_a_header_that_only_looks_merged_is_not_taken_for_two_rows(tmp_path, xlsx_reader):
    # no merged cells: a first record without NIK or date under a header is still a record
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["NIK", "Nama", "JK"])
    sheet.append([None, "Budi Santoso", "L", "catatan"])
    sheet.append(["3171014501800001", "Siti", "P"])
    workbook.save(tmp_path / "list.xlsx")
    assert read_columns(tmp_path / "list.xlsx") == ["NIK", "Nama", "JK"]


def test_reveal_joins_results_back_to_the_chosen_sheet(tmp_path):
    import csv

    import padan

    path = office_workbook(tmp_path / "dinsos.xlsx")
    schema, key = padan.default_schema("uji"), padan.new_key(tmp_path / "k.key")
    dinsos = padan.encode(path, schema, key, sheet="Penerima")
    other = tmp_path / "disdik.csv"
    other.write_text("NIK,NAMA,TGL_LAHIR,JK\n3173020505790002,Joko Cahyono,05-05-1979,L\n")
    disdik = padan.encode(other, schema, key)
    linkage = padan.link({"DINSOS": dinsos, "DISDIK": disdik}, out=tmp_path / "run",
                         small_cell_k=1)
    result = CliRunner().invoke(app, ["reveal", str(linkage.results["DINSOS"]), str(path),
                                      "--sheet", "Penerima", "--out", str(tmp_path / "r.csv")])
    assert result.exit_code == 0, result.output
    with open(tmp_path / "r.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["Nama"], r["padan_row"], r["padan_also_in"]) for r in rows] == [
        ("Joko Cahyono", "8", "DISDIK")]
