"""A CSV exported with a title above the table: the header is found below it, and every row keeps
the number the spreadsheet shows (records, malformed rows)."""

from __future__ import annotations

import pytest

from padan.encoder.readers import iter_batches, read_columns

TITLED = ("DAFTAR PENERIMA BANSOS 2024\n"
          "Periode: Januari;\n"
          "\n"
          "NIK;NAMA;TGL_LAHIR\n"
          "3201010101800001;BUDI;01-01-1980\n"
          "3201010101800002;SITI;01-01-1980;extra\n"
          "3201010101800003;AHMAD;02-01-1980\n")


def _read(path):
    mapping = {"nik": "NIK", "nama": "NAMA"}
    batches = list(iter_batches(path, mapping))
    rows = [int(r) for b in batches for r in b.rows]
    names = [n for b in batches for n in b.columns["nama"]]
    bad = [row for b in batches for row, _ in b.bad_rows]
    return rows, names, bad


def test_the_header_is_found_below_a_title_and_rows_keep_their_numbers(tmp_path):
    path = tmp_path / "daftar.csv"
    path.write_text(TITLED, encoding="utf-8")
    assert read_columns(path) == ["NIK", "NAMA", "TGL_LAHIR"]
    rows, names, bad = _read(path)
    assert rows == [5, 7]
    assert names == ["BUDI", "AHMAD"]
    assert bad == [6]   # the malformed row, named by the line the spreadsheet shows


@pytest.mark.parametrize("text", [
    "NIK;NAMA\n3201010101800001;BUDI\n",           # no title: the first row is the header
    "NAMA\nBUDI\nSITI\n",                           # one column: nothing to tell a title by
])
def test_files_without_a_title_are_read_as_before(tmp_path, text):
    path = tmp_path / "daftar.csv"
    path.write_text(text, encoding="utf-8")
    header = text.splitlines()[0].split(";")
    assert read_columns(path) == header
    batches = list(iter_batches(path, {"nama": "NAMA"}))
    assert next(int(r) for b in batches for r in b.rows) == 2
