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
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from padan.encoder import readers, xlsx_books
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


# --- the block-wise reading (readers._xlsx_chunks) against the row by row reference -----------

def _reference_chunks(book, mapping, header):
    """The records, row numbers and reported rows as padan read them row by row and cell by cell
    before reading went block-wise (readers._xlsx_chunks up to commit 8d8e916), in one piece."""
    first, last = header.first_index, header.first_index + len(header.names)
    indices = [first + header.names.index(mapping[f]) for f in mapping]
    width = max(indices) + 1
    rows, picked, bad, held = [], [], [], None

    def add(number, values):
        values = (*values, *(None,) * (width - len(values)))
        rows.append(number)
        picked.append([values[i] for i in indices])

    for number, values in book.rows():
        if number <= header.row:
            continue
        kind = readers._row_kind(values[first:last])
        if kind == readers._BLANK or number in header.skip:
            continue
        if kind == readers._TOTALS_ROW:
            for held_row in held or []:
                add(*held_row)
            held = []
            bad.append((number, readers._TOTALS_REASON))
        elif held is not None:
            held.append((number, values))
            if len(held) > readers._MAX_HELD_ROWS:
                for held_row in held:
                    add(*held_row)
                held = None
        else:
            add(number, values)
    bad.extend((number, readers._FOOTER_REASON) for number, _ in held or [])
    columns = {f: [book.record_cell(p[k]) for p in picked] for k, f in enumerate(mapping)}
    return rows, {f: [(type(v), v) for v in c] for f, c in columns.items()}, bad


class _ListBook(xlsx_books.Book):
    """A sheet given as Python rows, with the cells of one of the two readers."""

    title, titles = "Sheet1", ["Sheet1"]

    def __init__(self, rows, reader):
        self._rows = rows
        book = xlsx_books._CalamineBook if reader == "calamine" else xlsx_books._OpenpyxlBook
        self.header_cell, self.record_cell = book.header_cell, book.record_cell
        self.record_column = book.record_column.__get__(self)

    def values(self):
        return iter(self._rows)

    def merged_first_rows(self):
        return set()

    def close(self):
        pass


_TEXTS = st.sampled_from(["Siti", "3171010101800001", "0171010101800002", " ", "JUMLAH",
                          "Total Penerima", "jumlah\nx", "(2)", "Mengetahui,", "x\njumlah"])
_NUMBERS = st.one_of(st.integers(-2**60, 2**60).map(float),
                     st.sampled_from([0.0, 1.5, -2.25, 3171010101800001.0, 2.0**53, 1e300]),
                     st.floats(allow_nan=False, allow_infinity=False))
_DATES = st.one_of(st.dates(), st.datetimes())
_CALAMINE_CELLS = st.one_of(_TEXTS, st.just(""), _NUMBERS, _DATES, st.booleans(),
                            st.times())
_OPENPYXL_CELLS = st.one_of(_TEXTS, st.just(None), st.integers(-10**15, 10**15),
                            _NUMBERS, st.datetimes(), st.booleans())
_HEADER = ["NO", "NIK", "NAMA", "TGL"]


@st.composite
def _sheets(draw, reader):
    """A header at row 2 (a title above), then rows of one kind of cell per column or of any
    kind, blank rows, totals rows, short rows (openpyxl), and a footer."""
    cells = _CALAMINE_CELLS if reader == "calamine" else _OPENPYXL_CELLS
    empty = "" if reader == "calamine" else None
    kinds = [draw(st.sampled_from(["any", "text", "number", "date"])) for _ in _HEADER]
    pools = {"any": cells, "text": _TEXTS, "number": _NUMBERS, "date": st.datetimes()
             if reader == "openpyxl" else st.dates()}
    rows = [[empty] * 4 if reader == "calamine" else (), ["DAFTAR", empty, empty, empty],
            list(_HEADER)]
    for _ in range(draw(st.integers(0, 40))):
        shape = draw(st.sampled_from(["record"] * 6 + ["blank", "totals", "short"]))
        if shape == "blank":
            rows.append([empty, " ", empty, empty] if reader == "calamine" else ())
        elif shape == "totals":
            rows.append(["JUMLAH", empty, 4.0, empty])
        else:
            row = [draw(pools[kind]) for kind in kinds]
            rows.append(row[:draw(st.integers(1, 3))] if shape == "short"
                        and reader == "openpyxl" else row)
    return rows


@pytest.mark.parametrize("reader", ["calamine", "openpyxl"])
@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data(), block_rows=st.sampled_from([1, 2, 3, 7, 512]),
       batch_rows=st.sampled_from([1, 2, 5, 1000]))
def test_block_wise_reading_gives_what_row_by_row_reading_gave(reader, data, block_rows,
                                                              batch_rows, monkeypatch):
    """Whatever the cells, blank and totals rows, and however blocks and batches cut the rows:
    the same records, row numbers, reported rows and values (types included) as the reference."""
    rows = data.draw(_sheets(reader))
    mapping = {"nik": "NIK", "nama": "NAMA", "tgl": "TGL", "no": "NO"}
    skip = data.draw(st.sampled_from([frozenset(), frozenset({4}), frozenset({6})]))
    header = readers._SheetHeader(3, list(_HEADER), 0, skip)
    monkeypatch.setattr(readers, "_BLOCK_ROWS", block_rows)
    expected = _reference_chunks(_ListBook(rows, reader), mapping, header)
    chunks = list(readers._xlsx_chunks(_ListBook(rows, reader), mapping, header, batch_rows))
    got_rows = [int(r) for c in chunks for r in c.rows]
    got = {f: [(type(v), v) for c in chunks for v in c.columns[f]] for f in mapping}
    got_bad = [item for c in chunks for item in c.bad_rows]
    assert (got_rows, got, sorted(got_bad)) == (expected[0], expected[1], sorted(expected[2]))


@settings(max_examples=200, deadline=None)
@given(column=st.one_of(st.lists(_CALAMINE_CELLS, max_size=30),
                        st.lists(_TEXTS | st.just(""), max_size=30),
                        st.lists(_NUMBERS, max_size=30), st.lists(st.dates(), max_size=30),
                        st.lists(_TEXTS | _NUMBERS, max_size=30)))
def test_a_column_converted_at_once_equals_the_cell_by_cell_reference(column):
    expected = [(type(v), v) for v in map(xlsx_books._calamine_record_cell, column)]
    assert [(type(v), v) for v in xlsx_books._calamine_record_column(list(column))] == expected


_WORKBOOK_CELLS = st.one_of(
    st.sampled_from(["Siti Nurhaliza", "3171014501800001", "0171010101800002", "", "26-08-1990",
                     "3.17101E+15", "L", "Jl. Mawar No. 5"]),
    st.just(None),
    st.integers(-10**15, 10**15),
    st.sampled_from([3171014501800001, 3171010101800010.0, 3.17101e15, 1.5, -2.25, 0]),
    st.floats(-1e15, 1e15, allow_nan=False).filter(lambda x: not x.is_integer()),
    st.dates(dt.date(1900, 3, 1), dt.date(2099, 12, 31)),
    st.datetimes(dt.datetime(1900, 3, 1), dt.datetime(2099, 12, 31)).map(
        lambda d: d.replace(microsecond=0)),
    st.booleans())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells=st.lists(st.lists(_WORKBOOK_CELLS, min_size=5, max_size=5), max_size=25),
       two_row_header=st.booleans(), first_column=st.integers(1, 3))
def test_calamine_and_openpyxl_give_the_same_columns_of_any_workbook(tmp_path_factory, cells,
                                                                    two_row_header,
                                                                    first_column):
    """A workbook written with openpyxl: a title merged across the table, a blank row, the
    header (maybe two rows with a merged cell), then rows of any cells (NIKs as text, as whole
    numbers and as floats Excel damaged, dates, blanks, text numbers, a totals row now and
    then). padan gives the same header, records, row numbers, reported rows and values (types
    included) through python-calamine, block by block, and through openpyxl."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    at = first_column
    sheet.cell(row=1, column=at, value="DAFTAR PENERIMA (data sintetis)")
    sheet.merge_cells(start_row=1, start_column=at, end_row=1, end_column=at + 4)
    if two_row_header:
        for offset, name in enumerate(["NO", "IDENTITAS", None, "TGL_LAHIR", "JK"]):
            sheet.cell(row=3, column=at + offset, value=name)
        sheet.merge_cells(start_row=3, start_column=at + 1, end_row=3, end_column=at + 2)
        sheet.cell(row=4, column=at + 1, value="NIK")
        sheet.cell(row=4, column=at + 2, value="NAMA")
    else:
        for offset, name in enumerate(["NO", "NIK", "NAMA", "TGL_LAHIR", "JK"]):
            sheet.cell(row=3, column=at + offset, value=name)
    below = 5 if two_row_header else 4
    for number, values in enumerate(cells, start=below):
        if number % 7 == 0:
            values = ["JUMLAH", None, len(cells), None, None]
        for offset, value in enumerate(values):
            if value is not None:
                sheet.cell(row=number, column=at + offset, value=value)
    path = tmp_path_factory.mktemp("random") / "list.xlsx"
    workbook.save(path)
    mapping = {"no": "NO", "nik": "NIK", "nama": "NAMA", "tgl": "TGL_LAHIR", "jk": "JK"}
    read = {}
    for reader in ("calamine", "openpyxl"):
        with open_list(path, xlsx_reader=reader) as source:
            batches = list(source.batches(mapping, batch_rows=4))
            read[reader] = (source.columns,
                            {f: [(type(v), v) for b in batches for v in b.columns[f]]
                             for f in mapping},
                            [int(r) for b in batches for r in b.rows],
                            sorted(item for b in batches for item in b.bad_rows))
    assert read["calamine"] == read["openpyxl"]
    assert read["calamine"][0] == ["NO", "NIK", "NAMA", "TGL_LAHIR", "JK"]
