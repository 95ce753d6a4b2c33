"""Opening an XLSX workbook with a Rust-backed reader (python-calamine), or openpyxl.

Both give the sheet as numbered rows of cell values that readers.py turns into records; each book
says how its raw cells become the values openpyxl's read-only mode has always given (the
readers' contract, docs/input-files.md):

- python-calamine (the default; about 17x openpyxl's rows per CPU second, docs/benchmarks.md)
  parses the chosen sheet at once in Rust and hands rows to Python one by one. Its memory grows
  with the sheet (an XLSX sheet holds at most 1,048,576 rows), not with the Python objects. It
  gives every number cell as a float, an empty cell as "", a date cell at midnight as a date:
  `record_cell` makes them SheetInt, None and a datetime, as openpyxl gives them. It gives a
  cell of only spaces and an error cell (#N/A) as "" too, so None (openpyxl: the text).
- openpyxl streams the sheet's XML (slow) and is the fallback: when python-calamine is not
  installed, or cannot read a file that openpyxl can.

Reader choice: "auto" (python-calamine, else openpyxl), "calamine" or "openpyxl".
"""

from __future__ import annotations

import datetime
import re
import zipfile
from collections.abc import Callable, Iterator
from itertools import chain, count, repeat
from operator import itemgetter
from pathlib import Path

from padan.encoder.errors import InputFileError
from padan.encoder.normalise.cells import SheetInt
from padan.i18n import _

XLSX_READERS = ("auto", "calamine", "openpyxl")
_SCAN_CHUNK = 1 << 20
_EXACT_BELOW = 2**53  # a double holds every whole number below this exactly
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="[A-Z]+(\d+):[A-Z]+\d+"')


def calamine_available() -> bool:
    try:
        import python_calamine  # noqa: F401
    except ImportError:
        return False
    return True


class Book:
    """One worksheet of a workbook: its title, the titles of all worksheets, its rows."""

    title: str
    titles: list[str]

    def values(self) -> Iterator[list | tuple]:
        """The raw values of every row from row 1 on, from column A (a row may be shorter)."""
        raise NotImplementedError

    def rows(self) -> Iterator[tuple[int, list | tuple]]:
        """(sheet row number, raw values from column A), every row from row 1 on."""
        return enumerate(self.values(), start=1)

    def merged_first_rows(self) -> set[int]:
        """Sheet rows where a merged cell starts."""
        raise NotImplementedError

    # header_cell: a raw value as openpyxl gives it; record_cell: as a RawBatch carries it.
    header_cell: Callable[[object], object]
    record_cell: Callable[[object], object]

    def record_column(self, column: list) -> list:
        """record_cell of every value of one column of a block (a new list, or `column`)."""
        cell = self.record_cell
        # Text, the commonest cell, is taken as it is without a call (both readers do so).
        return [v if v.__class__ is str and v else cell(v) for v in column]

    def close(self) -> None:
        raise NotImplementedError

    def label(self, path: Path) -> str:
        return f"{path}, sheet '{self.title}'"


def open_book(path: Path, sheet: str | None = None, *, reader: str = "auto",
              rows: bool = True) -> Book:
    """The worksheet `sheet` (by name, else the first). rows=False when only the titles are
    needed (python-calamine then parses no sheet)."""
    if reader not in XLSX_READERS:
        raise ValueError(f"xlsx_reader must be one of {', '.join(XLSX_READERS)}")
    _check_container(path)
    if reader == "openpyxl" or (reader == "auto" and not calamine_available()):
        return _OpenpyxlBook(path, sheet)
    if reader == "calamine" and not calamine_available():
        raise ValueError("xlsx_reader='calamine' needs python-calamine installed")
    try:
        return _CalamineBook(path, sheet, rows=rows)
    except InputFileError:
        raise  # a fact of the file (no such sheet, no worksheet): openpyxl would say the same
    except Exception as exc:
        if reader == "calamine":
            raise InputFileError(_("is not a readable XLSX workbook ({reason})").format(
                reason=type(exc).__name__),
                                 path=str(path)) from None
    return _OpenpyxlBook(path, sheet)


def _check_container(path: Path) -> None:
    try:
        with open(path, "rb") as stream:
            head = stream.read(8)
    except OSError as exc:
        raise InputFileError(_("cannot be read ({reason})").format(reason=exc.strerror),
                             path=str(path)) from None
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputFileError(_("is not a plain XLSX workbook: it is password-protected or an "
                               "old .xls file; remove the password or save it as .xlsx"),
                             path=str(path))
    if not head.startswith(b"PK\x03\x04"):
        raise InputFileError(_("is not a readable XLSX workbook ({reason})").format(
            reason=zipfile.BadZipFile.__name__),
                             path=str(path))


def _chosen(path: Path, titles: list[str], sheet: str | None) -> str:
    if not titles:
        raise InputFileError(_("the workbook has no worksheet"), path=str(path))
    if sheet is None:
        return titles[0]
    if sheet not in titles:  # sheet names are labels, not personal data: listing them helps
        names = ", ".join(f"'{title}'" for title in titles)
        raise InputFileError(_("has no sheet '{sheet}'; its sheets are {names} (--sheet takes "
                               "the name as Excel shows it on the tab)").format(
            sheet=sheet, names=names), path=str(path))
    return sheet


# --- python-calamine ----------------------------------------------------------------------------

def _calamine_header_cell(value: object) -> object:
    kind = type(value)
    if kind is str:
        return value or None
    if kind is float:
        return int(value) if value.is_integer() and -_EXACT_BELOW < value < _EXACT_BELOW \
            else value
    if kind is datetime.date:
        return datetime.datetime(value.year, value.month, value.day)
    return value


def _calamine_record_cell(value: object) -> object:
    kind = type(value)
    if kind is str:
        return value or None
    if kind is float:
        # A whole number as openpyxl gives it (an int: SheetInt). From 2**53 on a double has lost
        # the last digit of what the file wrote: it stays a float (a 16-digit NIK is then
        # flagged excel-lost-digit, which Excel's own files are anyway: they keep 15 digits).
        return SheetInt(int(value)) if value.is_integer() and \
            -_EXACT_BELOW < value < _EXACT_BELOW else value
    if kind is datetime.date:
        return datetime.datetime(value.year, value.month, value.day)
    return value


_MIDNIGHT = datetime.time()


def _calamine_record_column(column: list) -> list:
    """[_calamine_record_cell(v) for v in column], a column at a time: a column of one kind
    (text, dates, whole numbers) is converted by C loops (map) instead of a Python step per
    cell, one of text and numbers (NIKs) without a call per text. Tested equal to the cell by
    cell reference on random columns."""
    kinds = set(map(type, column))
    if kinds == {str}:
        return column if all(column) else [v or None for v in column]
    if kinds == {datetime.date}:  # a date cell at midnight: a datetime, as openpyxl gives it
        return list(map(datetime.datetime.combine, column, repeat(_MIDNIGHT)))
    if kinds == {float} and all(map(float.is_integer, column)) \
            and min(column) > -_EXACT_BELOW and max(column) < _EXACT_BELOW:
        return list(map(SheetInt, map(int, column)))
    if kinds == {str, float}:  # NIKs as text and as numbers: _calamine_record_cell inlined
        return [(v or None) if v.__class__ is str
                else SheetInt(v) if v.is_integer() and -_EXACT_BELOW < v < _EXACT_BELOW
                else v for v in column]
    return [v if v.__class__ is str and v else _calamine_record_cell(v) for v in column]


class _CalamineBook(Book):
    header_cell = staticmethod(_calamine_header_cell)
    record_cell = staticmethod(_calamine_record_cell)

    def record_column(self, column: list) -> list:
        return _calamine_record_column(column)

    def __init__(self, path: Path, sheet: str | None, *, rows: bool) -> None:
        from python_calamine import CalamineWorkbook, SheetTypeEnum

        self._workbook = CalamineWorkbook.from_path(str(path))
        try:
            self.titles = [meta.name for meta in self._workbook.sheets_metadata
                           if meta.typ == SheetTypeEnum.WorkSheet]
            self.title = _chosen(path, self.titles, sheet)
            self._sheet = self._workbook.get_sheet_by_name(self.title) if rows else None
        except BaseException:
            self._workbook.close()
            raise

    def values(self) -> Iterator[list]:
        sheet = self._sheet
        if sheet.start is None:
            return iter(())
        # iter_rows gives every row from row 1 (empty lists above the data) but the columns
        # only from the first one used: pad them back so that indices count from column A.
        pad = [""] * sheet.start[1]
        rows = (pad + values for values in sheet.iter_rows()) if pad else sheet.iter_rows()
        numbers = count(1)  # the rows counted in C (zip, map, chain: no Python step per row)

        def check() -> Iterator[list]:
            # zip drew one number more than there were rows before it found them ended.
            if next(numbers) - 2 != sheet.end[0] + 1:  # pinned by tests; guards a change
                raise RuntimeError("python-calamine did not give the sheet from its first row")
            yield from ()

        return chain(map(itemgetter(1), zip(numbers, rows, strict=False)), check())

    def merged_first_rows(self) -> set[int]:
        return {start[0] + 1 for start, _end in self._sheet.merged_cell_ranges or []}

    def close(self) -> None:
        self._sheet = None
        self._workbook.close()


# --- openpyxl -----------------------------------------------------------------------------------

def _openpyxl_record_cell(value: object) -> object:
    if type(value) is int:  # a number cell: Excel kept 15 digits of it at most
        return SheetInt(value)
    return None if value == "" else value


def _same(value: object) -> object:
    return value


class _OpenpyxlBook(Book):
    header_cell = staticmethod(_same)
    record_cell = staticmethod(_openpyxl_record_cell)

    def __init__(self, path: Path, sheet: str | None) -> None:
        from openpyxl import load_workbook  # imported late: only XLSX runs pay for it

        try:
            self._workbook = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # any failure of the parser on this file means it is unreadable
            raise InputFileError(_("is not a readable XLSX workbook ({reason})").format(
                reason=type(exc).__name__),
                                 path=str(path)) from None
        try:
            self.titles = [ws.title for ws in self._workbook.worksheets]
            self.title = _chosen(path, self.titles, sheet)
        except InputFileError:
            self._workbook.close()
            raise
        self._sheet = self._workbook[self.title]
        self._sheet.reset_dimensions()  # do not trust the stored size; some writers get it wrong
        self._path = path

    def values(self) -> Iterator[tuple]:
        try:
            yield from self._sheet.iter_rows(values_only=True)
        except Exception as exc:  # a damaged sheet fails while streaming
            raise InputFileError(_("the sheet cannot be read ({reason})").format(
                reason=type(exc).__name__),
                                 path=self.label(self._path)) from None

    def merged_first_rows(self) -> set[int]:
        """openpyxl's read-only mode does not give merged cells: they are found in the sheet's
        XML (after the data; scanned as bytes)."""
        rows: set[int] = set()
        tail = b""
        try:
            with self._workbook._archive.open(self._sheet._worksheet_path) as xml:
                while block := xml.read(_SCAN_CHUNK):
                    text = tail + block
                    rows.update(int(found.group(1)) for found in _MERGE.finditer(text))
                    tail = text[-256:]  # a tag cut by the block boundary is found in the next
        except Exception as exc:  # a damaged archive member
            raise InputFileError(_("the sheet cannot be read ({reason})").format(
                reason=type(exc).__name__),
                                 path=self.label(self._path)) from None
        return rows

    def close(self) -> None:
        self._workbook.close()
