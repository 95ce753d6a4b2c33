"""The two XLSX readers: python-calamine gives what openpyxl gives, and openpyxl takes over.

Every workbook is synthetic and written here with openpyxl.
"""

from __future__ import annotations

import datetime as dt
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pytest

from padan.encoder import xlsx_books
from padan.encoder.errors import InputFileError
from padan.encoder.normalise import normalise_nik
from padan.encoder.normalise.cells import SheetInt
from padan.encoder.readers import iter_batches, open_list, read_columns

HEADER = ["NO", "NIK", "NAMA", "TGL_LAHIR", "JAM", "AKTIF", "NILAI", "CATATAN"]
MAPPING = {name.lower(): name for name in HEADER}


def quirky_workbook(path: Path) -> Path:
    """A title, a blank row, the table from B3, and every kind of cell an office list holds."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["B1"] = "DAFTAR PENERIMA (data sintetis)"
    for column, name in enumerate(HEADER, start=2):
        sheet.cell(row=3, column=column, value=name)
    rows = [
        [1, 3171014501800001, "Siti Nurhaliza", dt.datetime(1980, 1, 5), dt.time(7, 30), True,
         1.5, "=1+1"],
        [2, "0171010101800002", " Budi ", dt.date(1979, 5, 5), None, False, 0, ""],
        [3, 3171010101800010.0, "", dt.datetime(1965, 7, 12, 10, 30), None, None, -2.25, "x"],
        [None, None, None, None, None, None, None, None],  # a blank row: skipped, still counted
        [4, 3.17101E+15, "Dewi", 29221, None, None, 10**15, "  "],
        ["JUMLAH", None, 4],  # a totals row, then records: subtotals
        [5, "3204106608900004", "Yohana", "26-08-1990", None, None, 12345678901234, None],
        ["TOTAL", None, 5],
        [None, None, None, "Mengetahui,"],  # the footer
    ]
    for number, values in enumerate(rows, start=4):
        for column, value in enumerate(values, start=2):
            if value is not None:
                sheet.cell(row=number, column=column, value=value)
    sheet.cell(row=4, column=3).number_format = "0"
    workbook.save(path)
    return path


def read_all(path: Path, reader: str, batch_rows: int = 3):
    batches = list(iter_batches(path, MAPPING, batch_rows=batch_rows, xlsx_reader=reader))
    typed = {f: [(type(v), v) for b in batches for v in b.columns[f]] for f in MAPPING}
    rows = [int(r) for b in batches for r in b.rows]
    bad = sorted(item for b in batches for item in b.bad_rows)
    return typed, rows, bad


def test_calamine_gives_the_values_and_types_openpyxl_gives(tmp_path):
    path = quirky_workbook(tmp_path / "list.xlsx")
    assert read_columns(path, xlsx_reader="calamine") == HEADER
    fast, slow = read_all(path, "calamine"), read_all(path, "openpyxl")
    # The one difference: python-calamine gives a cell of only spaces as empty (None), openpyxl
    # as the spaces; every normaliser takes both for a missing value.
    assert slow[0]["catatan"][3] == (str, "  ") and fast[0]["catatan"][3] == (type(None), None)
    slow[0]["catatan"][3] = (type(None), None)
    assert fast == slow
    typed, rows, bad = fast
    assert rows == [4, 5, 6, 8, 10]
    assert [row for row, _ in bad] == [9, 11, 12]
    assert typed["nik"][0] == (SheetInt, 3171014501800001)
    assert typed["nik"][1] == (str, "0171010101800002")  # text keeps its leading zero
    assert typed["tgl_lahir"][1] == (dt.datetime, dt.datetime(1979, 5, 5))
    assert typed["jam"][0] == (dt.time, dt.time(7, 30))
    assert typed["aktif"][:2] == [(bool, True), (bool, False)]
    assert typed["nilai"][:3] == [(float, 1.5), (SheetInt, 0), (float, -2.25)]
    assert typed["catatan"][:2] == [(type(None), None), (type(None), None)]  # formula, ""


def test_a_number_beyond_a_doubles_exact_range_stays_a_float_and_is_not_trusted(tmp_path):
    """python-calamine reads number cells as doubles: from 2**53 on the last digit is gone, so
    such a cell stays a float and a 16-digit NIK is excel-lost-digit, as Excel's own files (15
    digits) always are. openpyxl reads the digits the file wrote."""
    workbook = openpyxl.Workbook()
    workbook.active.append(["NIK"])
    workbook.active.append([9101014501800010])
    path = tmp_path / "papua.xlsx"
    workbook.save(path)
    fast = next(iter_batches(path, {"nik": "NIK"}, xlsx_reader="calamine")).columns["nik"][0]
    slow = next(iter_batches(path, {"nik": "NIK"}, xlsx_reader="openpyxl")).columns["nik"][0]
    assert type(fast) is float and type(slow) is SheetInt
    assert normalise_nik(fast).note == normalise_nik(slow).note == "excel-lost-digit"


def test_auto_falls_back_to_openpyxl_when_calamine_cannot_read_the_file(tmp_path, monkeypatch):
    path = quirky_workbook(tmp_path / "list.xlsx")
    opened = []

    class Refusing(xlsx_books._CalamineBook):
        def __init__(self, *args, **kwargs):
            opened.append("calamine")
            raise RuntimeError("a workbook python-calamine cannot parse")

    monkeypatch.setattr(xlsx_books, "_CalamineBook", Refusing)
    book = xlsx_books.open_book(path, reader="auto")
    book.close()
    assert opened == ["calamine"] and isinstance(book, xlsx_books._OpenpyxlBook)
    assert read_all(path, "auto")[1] == [4, 5, 6, 8, 10]
    with pytest.raises(InputFileError, match="not a readable XLSX workbook"):
        read_columns(path, xlsx_reader="calamine")


def test_auto_uses_openpyxl_when_calamine_is_not_installed(tmp_path, monkeypatch):
    path = quirky_workbook(tmp_path / "list.xlsx")
    monkeypatch.setattr(xlsx_books, "calamine_available", lambda: False)
    book = xlsx_books.open_book(path)
    book.close()
    assert isinstance(book, xlsx_books._OpenpyxlBook)
    with pytest.raises(ValueError, match="needs python-calamine"):
        read_columns(path, xlsx_reader="calamine")
    with pytest.raises(ValueError, match="xlsx_reader must be one of"):
        read_columns(path, xlsx_reader="pandas")


def test_a_sheet_calamine_cannot_parse_is_refused_without_its_values(tmp_path):
    good = tmp_path / "good.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(["NIK"])
    workbook.active.append(["3171010101800001"])
    workbook.save(good)
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet1"):
                body = body[: len(body) // 2]
            target.writestr(item, body)
    for reader in ("calamine", "auto"):
        with pytest.raises(InputFileError) as caught:
            read_columns(damaged, xlsx_reader=reader)
        assert str(damaged) in str(caught.value)
        assert "3171010101800001" not in str(caught.value)


def test_open_list_parses_the_workbook_once_for_header_and_records(tmp_path, monkeypatch):
    path = quirky_workbook(tmp_path / "list.xlsx")
    loads = []
    original = xlsx_books._CalamineBook.__init__

    def counting(self, *args, **kwargs):
        loads.append(kwargs.get("rows"))
        original(self, *args, **kwargs)

    monkeypatch.setattr(xlsx_books._CalamineBook, "__init__", counting)
    with open_list(path, xlsx_reader="calamine") as source:
        assert source.columns == HEADER and source.description == str(path)
        records = sum(batch.size for batch in source.batches(MAPPING))
        with pytest.raises(RuntimeError, match="read already"):
            source.batches(MAPPING)
    assert records == 5 and loads == [True]


def test_a_large_sheet_comes_in_full_batches_and_python_memory_stays_bounded(tmp_path):
    """Batches of exactly batch_rows records (the last one less), and the Python objects held
    while streaming stay far below those of the whole sheet: python-calamine holds the parsed
    sheet in Rust, the records reach Python a batch at a time. (openpyxl streams the XML; its
    batches are checked on small sheets in test_readers.py, both readers.)"""
    count, batch_rows, reader = 40_500, 1_000, "calamine"
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Penerima")
    sheet.append(["NIK", "NAMA", "TGL_LAHIR"])
    for i in range(count):
        sheet.append([f"{3171010101800000 + i}", f"Nama Penerima Ke {i}",
                      dt.datetime(1980, 1, 1) + dt.timedelta(days=i % 20_000)])
    path = tmp_path / "large.xlsx"
    workbook.save(path)
    mapping = {"nik": "NIK", "nama": "NAMA", "tgl": "TGL_LAHIR"}

    tracemalloc.start()
    try:
        sizes, expected_row = [], 2
        for batch in iter_batches(path, mapping, batch_rows=batch_rows, xlsx_reader=reader):
            assert batch.first_row == expected_row
            assert batch.columns["nik"][-1] == str(3171010101800000 + expected_row + batch.size
                                                   - 3)
            expected_row += batch.size
            sizes.append(batch.size)
        _, streaming_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        held = list(iter_batches(path, mapping, batch_rows=batch_rows, xlsx_reader=reader))
        _, holding_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert sizes == [batch_rows] * (count // batch_rows) + ([count % batch_rows] if count %
                                                            batch_rows else [])
    assert sum(b.size for b in held) == count
    assert streaming_peak < holding_peak / 4


def test_an_error_cell_is_empty_to_calamine_and_text_to_openpyxl_no_value_to_either(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append(["NIK", "NAMA"])
    workbook.active.append(["#N/A", "Siti"])  # openpyxl writes it as an error cell
    path = tmp_path / "errors.xlsx"
    workbook.save(path)
    fast = next(iter_batches(path, {"nik": "NIK"}, xlsx_reader="calamine")).columns["nik"][0]
    slow = next(iter_batches(path, {"nik": "NIK"}, xlsx_reader="openpyxl")).columns["nik"][0]
    assert fast is None and slow == "#N/A"
    assert normalise_nik(fast).value is None and normalise_nik(slow).value is None
