"""Readers: every format round-trips, rows keep spreadsheet numbers, bad files are refused clearly.

All lists are synthetic and written here, in tmp_path, with the libraries themselves.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from padan.encoder.errors import InputFileError
from padan.encoder.normalise.cells import SheetInt
from padan.encoder.readers import RawBatch, detect_encoding, iter_batches, read_columns

HEADER = ["NIK", "NAMA", "TGL_LAHIR", "JK", "ALAMAT"]
RECORDS = [
    ["0171010101800001", "Andrés Siregar", "01-01-1980", "L", "Jl. Mawar 1"],
    ["3171014505850002", "Siti Nurhaliza É", "05-05-1985", "P", "Jl. Melati, RT 2"],
    ["3273010711900003", "I Made Wirawan", "07-11-1990", "L", ""],
    ["9401012212000004", "Yohana Kogoya", "", "P", "Jl. Sentani 4"],
]
MAPPING = {"nik": "NIK", "nama": "NAMA", "tanggal_lahir": "TGL_LAHIR", "jk": "JK"}


def write_csv(path: Path, rows: list[list[str]], *, delimiter: str = ",",
              encoding: str = "utf-8", newline: str = "\n") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=newline).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def read_all(path: Path, mapping: dict[str, str] = MAPPING, batch_rows: int = 65_536):
    batches = list(iter_batches(path, mapping, batch_rows=batch_rows))
    columns = {f: [v for b in batches for v in b.columns[f]] for f in mapping}
    rows = [int(r) for b in batches for r in b.rows]
    bad = [item for b in batches for item in b.bad_rows]
    return columns, rows, bad, batches


def expected_columns(records=RECORDS):
    index = {name: i for i, name in enumerate(HEADER)}
    return {f: [r[index[c]] or None for r in records] for f, c in MAPPING.items()}


def refusal(call, *args, **kwargs) -> InputFileError:
    with pytest.raises(InputFileError) as caught:
        result = call(*args, **kwargs)
        if not isinstance(result, list):
            list(result)
    return caught.value


# --- CSV --------------------------------------------------------------------------------------

@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_csv_round_trip_whatever_the_delimiter_and_encoding(tmp_path, delimiter, encoding):
    path = write_csv(tmp_path / "list.csv", [HEADER, *RECORDS], delimiter=delimiter,
                     encoding=encoding)
    assert read_columns(path) == HEADER
    columns, rows, bad, _ = read_all(path)
    assert columns == expected_columns()
    assert rows == [2, 3, 4, 5]
    assert bad == []


def test_encoding_detection(tmp_path):
    def detected(data: bytes) -> str:
        path = tmp_path / "x.csv"
        path.write_bytes(data)
        return detect_encoding(path)

    assert detected("NAMA\nAndrés\n".encode()) == "utf-8"
    assert detected("NAMA\nAndrés\n".encode("utf-8-sig")) == "utf-8"
    assert detected("NAMA\nAndrés\n".encode("cp1252")) == "cp1252"
    assert detected(b"NAMA\nBudi\n") == "utf-8"  # pure ASCII reads the same either way
    # the deciding byte far beyond the first MiB is still found
    assert detected(b"NAMA\n" + b"Budi\n" * 300_000 + "Andrés\n".encode("cp1252")) == "cp1252"


def test_crlf_line_ends_and_no_final_newline(tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(b"NIK,NAMA\r\n0171,Budi\r\n0172,Sari")
    columns, rows, _, _ = read_all(path, {"nik": "NIK", "nama": "NAMA"})
    assert columns == {"nik": ["0171", "0172"], "nama": ["Budi", "Sari"]}
    assert rows == [2, 3]


def test_csv_nik_stays_text_with_leading_zeros_and_all_digits(tmp_path):
    niks = ["0012345678901234", "3171019999999999", "1.23457E+15", "'3171010101800001"]
    path = write_csv(tmp_path / "list.csv", [["NIK"], *[[n] for n in niks]])
    columns, _, _, _ = read_all(path, {"nik": "NIK"})
    assert columns["nik"] == niks
    assert all(isinstance(v, str) for v in columns["nik"])


def test_csv_columns_that_look_like_numbers_and_dates_stay_text(tmp_path):
    path = write_csv(tmp_path / "list.csv", [["NIK", "TGL"], ["1", "2020-01-01"], ["x", "n/a"]])
    columns, _, _, _ = read_all(path, {"nik": "NIK", "tgl": "TGL"})
    assert columns == {"nik": ["1", "x"], "tgl": ["2020-01-01", "n/a"]}


def test_empty_cells_become_none_but_words_like_null_do_not(tmp_path):
    path = write_csv(tmp_path / "list.csv", [["NIK", "NAMA"], ["", "NA"], ['""', "null"]])
    path.write_text('NIK,NAMA\n,NA\n"",null\n')
    columns, _, _, _ = read_all(path, {"nik": "NIK", "nama": "NAMA"})
    assert columns == {"nik": [None, None], "nama": ["NA", "null"]}


def test_only_mapped_columns_keyed_by_field_name(tmp_path):
    path = write_csv(tmp_path / "list.csv", [HEADER, *RECORDS])
    batch = next(iter(iter_batches(path, {"nomor": "NIK"})))
    assert list(batch.columns) == ["nomor"]
    assert batch.columns["nomor"][0] == RECORDS[0][0]


def test_ragged_rows_are_skipped_and_reported_by_row_without_the_value(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("NIK,NAMA,TGL_LAHIR,JK\n"
                    "3171010101800001,Budi,01-01-1980,L\n"
                    "3171010101800002,Sari\n"                           # row 3: too few
                    "3171010101800003,Dewi,03-01-1980,P,extra\n"        # row 4: too many
                    "3171010101800004,Agus,04-01-1980,L\n")
    columns, rows, bad, _ = read_all(path)
    assert rows == [2, 5]
    assert columns["nik"] == ["3171010101800001", "3171010101800004"]
    assert [row for row, _ in bad] == [3, 4]
    assert "has 2 fields where the header has 4" in bad[0][1]
    assert "has 5 fields" in bad[1][1]
    for _, reason in bad:
        assert "3171" not in reason and "Sari" not in reason and "Dewi" not in reason


def test_row_numbers_count_quoted_newlines_once_and_blank_lines_as_rows(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text('NIK,NAMA\n'
                    '0001,"Siti\nNurhaliza"\n'   # row 2 spans two lines
                    '\n'                          # row 3: blank, skipped silently
                    '0003,Budi\n'                 # row 4
                    ',\n'                         # row 5: every cell empty, skipped silently
                    '   \n'                       # row 6: only spaces, skipped silently
                    '0006\n'                      # row 7: too few fields, reported
                    '0007,Agus\n'                 # row 8
                    '\n\n')                       # rows 9-10: trailing blank lines
    columns, rows, bad, _ = read_all(path, {"nik": "NIK", "nama": "NAMA"})
    assert rows == [2, 4, 8]
    assert columns["nama"] == ["Siti\nNurhaliza", "Budi", "Agus"]
    assert [row for row, _ in bad] == [7]


def test_a_row_with_only_unmapped_values_is_a_record(tmp_path):
    path = write_csv(tmp_path / "list.csv", [["NIK", "ALAMAT"], ["", "Jl. Mawar"]])
    columns, rows, _, _ = read_all(path, {"nik": "NIK"})
    assert columns == {"nik": [None]} and rows == [2]


def test_batches_and_row_numbers_across_batch_boundaries(tmp_path):
    records = [[f"{i:016d}", f"Nama {i}"] for i in range(1, 26)]
    lines = [["NIK", "NAMA"], *records[:10], ["bad"], *records[10:]]  # row 12 is bad
    path = write_csv(tmp_path / "list.csv", lines)
    columns, rows, bad, batches = read_all(path, {"nik": "NIK", "nama": "NAMA"}, batch_rows=4)
    assert [b.size for b in batches] == [4, 4, 4, 4, 4, 4, 1]
    assert rows == [*range(2, 12), *range(13, 28)]
    assert columns["nik"] == [r[0] for r in records]
    assert [row for row, _ in bad] == [12]
    for batch in batches:
        assert batch.first_row == batch.rows[0]
        assert len(batch.rows) == batch.size == len(batch.columns["nik"])
        assert np.all(np.diff(batch.rows) > 0)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kinds=st.lists(st.sampled_from(["ok", "ok", "ok", "blank", "bad", "multiline"]),
                      max_size=60),
       batch_rows=st.integers(1, 7))
def test_row_numbers_are_those_of_the_spreadsheet(tmp_path, kinds, batch_rows):
    """Property: whatever mix of records, blank and bad rows, each record keeps its row number."""
    lines, expected_rows, expected_bad = ["ID,NAMA"], [], []
    for row, kind in enumerate(kinds, start=2):
        if kind == "blank":
            lines.append("")
        elif kind == "bad":
            lines.append(f"{row},x,y")
            expected_bad.append(row)
        else:
            name = f'"a\nb{row}"' if kind == "multiline" else f"n{row}"
            lines.append(f"{row},{name}")
            expected_rows.append(row)
    path = tmp_path / "prop.csv"
    path.write_text("\n".join(lines) + "\n")
    columns, rows, bad, batches = read_all(path, {"id": "ID"}, batch_rows=batch_rows)
    assert rows == expected_rows
    assert columns["id"] == [str(r) for r in expected_rows]
    assert [r for r, _ in bad] == expected_bad
    assert all(0 < b.size <= batch_rows or (b.size == 0 and b.bad_rows) for b in batches)


def test_a_file_of_only_bad_rows_yields_a_batch_with_bad_rows_only(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("NIK,NAMA\n1\n2\n")
    _, rows, bad, batches = read_all(path, {"nik": "NIK"})
    assert rows == [] and [r for r, _ in bad] == [2, 3]
    assert batches[-1].size == 0


def test_header_only_files_yield_nothing(tmp_path):
    for text in ("NIK,NAMA\n", "NIK,NAMA", "NIK,NAMA\n\n\n"):
        path = tmp_path / "list.csv"
        path.write_text(text)
        assert read_columns(path) == ["NIK", "NAMA"]
        assert list(iter_batches(path, {"nik": "NIK"})) == []


def test_single_column_csv(tmp_path):
    path = write_csv(tmp_path / "list.csv", [["NIK"], ["0171"], ["0172"]])
    assert read_columns(path) == ["NIK"]
    assert read_all(path, {"nik": "NIK"})[0] == {"nik": ["0171", "0172"]}


def test_semicolon_file_with_commas_inside_names(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("NIK;NAMA;JK\n0171;Siregar, S.Pd;L\n0172;Hj. Ani, S.E.;P\n")
    assert read_columns(path) == ["NIK", "NAMA", "JK"]
    assert read_all(path, {"nama": "NAMA"})[0] == {"nama": ["Siregar, S.Pd", "Hj. Ani, S.E."]}


def test_iter_batches_is_lazy_and_memory_stays_bounded(tmp_path):
    """Batches come while the file is still being read; pyarrow holds only a block or two."""
    path = tmp_path / "big.csv"
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("NIK,NAMA,TGL_LAHIR,JK,ALAMAT\n")
        handle.write("3171010101800000,Andrés,01-01-1980,L,Jl. Mawar\n")
        for i in range(1, 300_000):
            handle.write(f"{3171010101800000 + i},Nama Ke {i},01-01-1980,L,Jl. Melati {i}\n")
    size = path.stat().st_size
    batches = iter_batches(path, {"nik": "NIK", "nama": "NAMA"}, batch_rows=1000)
    first = next(batches)
    assert first.size == 1000 and first.first_row == 2
    assert pa.total_allocated_bytes() < size / 4  # far from the whole file
    expected_row, peak = 1002, 0
    for batch in batches:
        assert batch.first_row == expected_row
        assert batch.size == 1000 or expected_row + batch.size == 300_002  # only the last less
        assert batch.columns["nik"][0] == str(3171010101800000 + expected_row - 2)
        expected_row += batch.size
        peak = max(peak, pa.total_allocated_bytes())
    assert expected_row == 300_002
    assert peak < size / 4


# --- XLSX -------------------------------------------------------------------------------------

def write_xlsx(path: Path, rows: list[list[object]], *, start_row: int = 1,
               start_column: int = 1) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for r, values in enumerate(rows, start=start_row):
        for c, value in enumerate(values, start=start_column):
            if value is not None:
                sheet.cell(row=r, column=c, value=value)
    workbook.create_sheet("Other")["A1"] = "ignored"
    workbook.save(path)
    return path


def test_xlsx_round_trip_keeps_cell_types(tmp_path, xlsx_reader):
    rows = [HEADER,
            [171010101800001, "Andrés Siregar", dt.datetime(1980, 1, 1), "L", "Jl. Mawar"],
            ["3171014505850002", "Siti Nurhaliza É", "05-05-1985", "P", None],
            [3.17101E+15, "I Made Wirawan", 32880, "L", "Jl. Kenanga"]]
    path = write_xlsx(tmp_path / "list.xlsx", rows)
    assert read_columns(path) == HEADER
    columns, row_numbers, bad, _ = read_all(path)
    assert columns["nik"] == [171010101800001, "3171014505850002", 3.17101E+15]
    assert columns["tanggal_lahir"] == [dt.datetime(1980, 1, 1), "05-05-1985", 32880]
    assert columns["nama"][1] == "Siti Nurhaliza É"
    assert row_numbers == [2, 3, 4] and bad == []


def test_xlsx_whole_number_cells_are_marked_as_spreadsheet_numbers(tmp_path, xlsx_reader):
    """A number cell went through a double (Excel keeps 15 digits): the NIK normaliser must
    know, so whole numbers come as SheetInt (an int to everyone else); text stays text."""
    rows = [HEADER, [3171010501800010, "A", 29221, 1, None],
            ["3171010501800010", "B", "05-01-1980", "L", None]]
    columns, _, _, _ = read_all(write_xlsx(tmp_path / "list.xlsx", rows))
    assert [type(v) for v in columns["nik"]] == [SheetInt, str]
    assert columns["nik"][0] == 3171010501800010
    assert type(columns["tanggal_lahir"][0]) is SheetInt and columns["tanggal_lahir"][0] == 29221
    assert type(columns["jk"][0]) is SheetInt


def test_xlsx_header_in_the_first_non_empty_row_and_table_away_from_a1(tmp_path, xlsx_reader):
    rows = [["NIK", "NAMA"], ["0171", "Budi"], [None, None], ["0173", "Sari"]]
    path = write_xlsx(tmp_path / "list.xlsx", rows, start_row=3, start_column=2)
    assert read_columns(path) == ["NIK", "NAMA"]
    columns, row_numbers, _, _ = read_all(path, {"nik": "NIK", "nama": "NAMA"})
    assert columns == {"nik": ["0171", "0173"], "nama": ["Budi", "Sari"]}
    assert row_numbers == [4, 6]  # the sheet's own numbers; row 5 is blank


def test_xlsx_short_rows_and_empty_strings_are_none(tmp_path, xlsx_reader):
    path = write_xlsx(tmp_path / "list.xlsx", [["NIK", "NAMA", "JK"], ["0171", "", None],
                                               ["0172"]])
    columns, _, _, _ = read_all(path, {"nik": "NIK", "nama": "NAMA", "jk": "JK"})
    assert columns == {"nik": ["0171", "0172"], "nama": [None, None], "jk": [None, None]}


def test_xlsx_batches(tmp_path, xlsx_reader):
    rows = [["NIK"], *[[f"{i:04d}"] for i in range(10)]]
    path = write_xlsx(tmp_path / "list.xlsx", rows)
    columns, row_numbers, _, batches = read_all(path, {"nik": "NIK"}, batch_rows=3)
    assert [b.size for b in batches] == [3, 3, 3, 1]
    assert row_numbers == list(range(2, 12))
    assert columns["nik"] == [f"{i:04d}" for i in range(10)]


def test_xlsx_header_only_yields_nothing(tmp_path, xlsx_reader):
    path = write_xlsx(tmp_path / "list.xlsx", [["NIK", "NAMA"]])
    assert list(iter_batches(path, {"nik": "NIK"})) == []


def test_xlsx_empty_first_sheet_is_refused(tmp_path, xlsx_reader):
    path = write_xlsx(tmp_path / "list.xlsx", [])
    assert "first sheet is empty" in str(refusal(read_columns, path))


def test_xlsx_blank_header_cell_between_names_is_refused(tmp_path, xlsx_reader):
    path = write_xlsx(tmp_path / "list.xlsx", [["NIK", None, "NAMA"], ["1", "2", "3"]])
    assert "column 2 of the header has no name" in str(refusal(read_columns, path))


def test_xlsx_that_is_not_a_zip_is_refused(tmp_path, xlsx_reader):
    path = tmp_path / "list.xlsx"
    path.write_bytes(b"NIK,NAMA\n0171,Budi\n")
    error = refusal(read_columns, path)
    assert "not a readable XLSX workbook" in str(error) and "Budi" not in str(error)


def test_password_protected_or_renamed_xls_is_refused(tmp_path, xlsx_reader):
    path = tmp_path / "list.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    assert "password-protected or an old .xls" in str(refusal(read_columns, path))


def test_corrupted_xlsx_is_refused(tmp_path, xlsx_reader):
    good = write_xlsx(tmp_path / "good.xlsx", [["NIK"], ["3171010101800001"]])
    data = bytearray(good.read_bytes())
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(bytes(data[: len(data) // 2]))
    assert "not a readable XLSX workbook" in str(refusal(read_columns, truncated))
    # a valid zip whose sheet XML is damaged
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet1"):
                body = body[: len(body) // 2]
            target.writestr(item, body)
    error = refusal(read_columns, damaged)
    assert str(damaged) in str(error) and "3171010101800001" not in str(error)


# --- Parquet ----------------------------------------------------------------------------------

def test_parquet_round_trip(tmp_path):
    table = pa.table({
        "NIK": ["0171010101800001", "3171014505850002", None],
        "NAMA": ["Andrés", "", "Siti Nurhaliza É"],
        "TGL_LAHIR": [dt.date(1980, 1, 1), None, dt.date(1990, 11, 7)],
        "JK": ["L", "P", "L"],
        "UMUR": [44, 39, 34],
    })
    path = tmp_path / "list.parquet"
    pq.write_table(table, path)
    assert read_columns(path) == ["NIK", "NAMA", "TGL_LAHIR", "JK", "UMUR"]
    columns, rows, bad, _ = read_all(path, {"nik": "NIK", "nama": "NAMA",
                                            "tanggal_lahir": "TGL_LAHIR", "umur": "UMUR"})
    assert columns == {"nik": ["0171010101800001", "3171014505850002", None],
                       "nama": ["Andrés", None, "Siti Nurhaliza É"],
                       "tanggal_lahir": [dt.date(1980, 1, 1), None, dt.date(1990, 11, 7)],
                       "umur": [44, 39, 34]}
    assert rows == [2, 3, 4] and bad == []


def test_parquet_batches(tmp_path):
    path = tmp_path / "list.parquet"
    pq.write_table(pa.table({"NIK": [f"{i:016d}" for i in range(25)]}), path, row_group_size=7)
    columns, rows, _, batches = read_all(path, {"nik": "NIK"}, batch_rows=4)
    assert all(b.size <= 4 for b in batches)
    assert rows == list(range(2, 27))
    assert columns["nik"] == [f"{i:016d}" for i in range(25)]


def test_parquet_without_rows_yields_nothing(tmp_path):
    path = tmp_path / "list.parquet"
    pq.write_table(pa.table({"NIK": pa.array([], pa.string())}), path)
    assert list(iter_batches(path, {"nik": "NIK"})) == []


def test_corrupted_parquet_is_refused(tmp_path):
    path = tmp_path / "list.parquet"
    pq.write_table(pa.table({"NIK": ["3171010101800001"] * 100}), path)
    path.write_bytes(path.read_bytes()[:-30])
    error = refusal(read_columns, path)
    assert "not a readable Parquet file" in str(error) and "3171" not in str(error)


def test_parquet_duplicate_column_names_are_refused(tmp_path):
    path = tmp_path / "list.parquet"
    pq.write_table(pa.Table.from_arrays([pa.array(["1"]), pa.array(["2"])], names=["NIK", "NIK"]),
                   path)
    assert "'NIK' appears more than once" in str(refusal(read_columns, path))


# --- refusals common to every format ----------------------------------------------------------

def test_unsupported_extension(tmp_path):
    path = tmp_path / "list.json"
    path.write_text("{}")
    error = refusal(read_columns, path)
    assert "unsupported file type '.json'" in str(error) and ".csv" in str(error)
    old = tmp_path / "list.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    assert "save it as .xlsx" in str(refusal(read_columns, old))


@pytest.mark.parametrize("name", ["list.csv", "list.xlsx", "list.parquet"])
def test_missing_and_empty_files(tmp_path, name):
    path = tmp_path / name
    error = refusal(read_columns, path)
    assert error.path == str(path) and "not found" in str(error)
    path.write_bytes(b"")
    assert "empty (0 bytes)" in str(refusal(read_columns, path))
    assert "empty (0 bytes)" in str(refusal(iter_batches, path, {"nik": "NIK"}))


def test_a_directory_is_refused(tmp_path):
    folder = tmp_path / "list.csv"
    folder.mkdir()
    assert "not a regular file" in str(refusal(read_columns, folder))


@pytest.mark.parametrize(("data", "reason"), [
    (bytes(range(256)) * 20, "binary data"),
    (b"NIK,NAMA\n" * 10 + b"1,Bu\x00di\n", "binary data"),
    (b"NIK,NAMA\n\x81\x8d\x8f\xe9\n", "neither UTF-8 nor cp1252"),
    ("NIK,NAMA\n1,Budi\n".encode("utf-16"), "UTF-16"),
    (b"PK\x03\x04" + b"\x14" * 40, "ZIP archive"),
    (b"PAR1" + b"\x15\x04" * 40, "Parquet file"),
    (b"NIK,NAMA\n\x01\x02\x03\x04\x05,\x06\x07\n", "binary data"),
])
def test_bytes_that_are_not_csv_text_are_refused(tmp_path, data, reason):
    path = tmp_path / "list.csv"
    path.write_bytes(data)
    error = refusal(read_columns, path)
    assert reason in str(error) and str(path) in str(error)


def test_random_garbage_is_refused(tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(np.random.default_rng(7).integers(0, 256, 5000, dtype=np.uint8).tobytes())
    assert str(path) in str(refusal(read_columns, path))


def test_mixed_encodings_are_refused_without_the_value(tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes("NIK,NAMA\n1,Andrés\n".encode() + b"2,Ren\xe9\n")
    error = refusal(read_columns, path)
    assert "mixes UTF-8 and another encoding" in str(error) and "Ren" not in str(error)


def test_mixed_encodings_found_while_reading_name_the_last_good_row(tmp_path):
    path = tmp_path / "list.csv"
    body = "NIK,NAMA\n" + "".join(f"{i},Andrés {i}\n" for i in range(100_000))
    path.write_bytes(body.encode() + b"100000,Ren\xe9\n")  # far beyond what detection reads
    batches = iter_batches(path, {"nama": "NAMA"}, batch_rows=10_000)
    assert next(batches).size == 10_000
    with pytest.raises(InputFileError) as caught:
        list(batches)
    message = str(caught.value)
    assert "not valid utf-8 somewhere after row" in message and "Ren" not in message


@pytest.mark.parametrize(("text", "reason"), [
    ("NIK,,NAMA\n1,2,3\n", "column 2 of the header has no name"),
    ("NIK,NAMA,\n1,2,\n", "column 3 of the header has no name"),
    ("NIK,NAMA,NIK\n1,2,3\n", "column name 'NIK' appears more than once"),
    ("\n\n\n", "no header row"),
])
def test_bad_headers_are_refused(tmp_path, text, reason):
    path = tmp_path / "list.csv"
    path.write_text(text)
    assert reason in str(refusal(read_columns, path))
    assert reason in str(refusal(iter_batches, path, {}))


def test_a_duplicated_header_that_looks_like_a_record_is_not_echoed(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("3171010101800001,Budi,Budi\n3171010101800002,Sari,Sari\n")
    error = str(refusal(read_columns, path))
    assert "looks like a record" in error and "Budi" not in error


def test_mapping_to_a_column_the_file_lacks_is_refused(tmp_path):
    path = write_csv(tmp_path / "list.csv", [HEADER, *RECORDS])
    assert "does not have" in str(refusal(iter_batches, path, {"nik": "NOMOR"}))


def test_errors_are_raised_when_iter_batches_is_called(tmp_path):
    path = tmp_path / "missing.csv"
    with pytest.raises(InputFileError):
        iter_batches(path, {"nik": "NIK"})  # not only once iterated


def test_raw_batch_defaults_to_consecutive_rows():
    batch = RawBatch(first_row=5, columns={"nik": ["a", "b", "c"]})
    assert batch.size == 3 and batch.rows.tolist() == [5, 6, 7] and batch.bad_rows == []
