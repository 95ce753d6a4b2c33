"""Reading agency lists (CSV, XLSX, Parquet) in streaming batches of raw values.

Well-kept readers do the parsing: pyarrow.csv (every column read as text, so NIKs keep their
leading zeros), python-calamine or openpyxl in read-only mode (xlsx_books.py), pyarrow.parquet.
The records reach Python a batch at a time: memory is bounded by the batch size, not the file
size (python-calamine holds the parsed sheet, at most 1,048,576 rows, in Rust).

Row numbers are the ones a spreadsheet shows: the header is row 1 and the first record row 2 (for
XLSX, the header is the first non-empty row and numbers are the sheet's own). A CSV record whose
quoted field spans lines counts as one row; a blank line counts as a row. Blank rows (every cell
empty) are not records: they are skipped silently but still counted, so numbers stay those of the
spreadsheet; each RawBatch carries the row number of every record. Errors name the file and what
is wrong, never a value.
See docs/input-files.md.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from operator import itemgetter
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from padan.encoder.columns import looks_like_a_record
from padan.encoder.errors import InputFileError
from padan.encoder.xlsx_books import XLSX_READERS, Book, open_book
from padan.i18n import _

CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
PARQUET_SUFFIXES = {".parquet", ".pq"}
DELIMITERS = (",", ";", "\t", "|")
_SAMPLE_BYTES = 64 * 1024
_SCAN_CHUNK = 1 << 20
_MIN_BLOCK, _MAX_BLOCK = 1 << 20, 16 << 20
_CP1252_UNDEFINED = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")
# A multi-byte UTF-8 character: in cp1252 text these byte pairs would be mojibake ("Ã©").
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}"
                            rb"|[\xf0-\xf4][\x80-\xbf]{3}")
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 13)) + b"\x7f"


@dataclass(frozen=True, slots=True)
class RawBatch:
    """Records of a file, in file order, with their spreadsheet row numbers.

    columns holds only the mapped columns, keyed by schema field name; values are raw python
    objects (str, int, float, datetime, date, None; an empty cell is None). A whole number from
    an XLSX number cell is a SheetInt (an int that says it went through a spreadsheet's 15
    digits). rows[i] is the row number of record i (int64, increasing); first_row is rows[0].
    Rows are consecutive except where the reader skipped a blank or malformed row, so use
    `rows`, not first_row + i. bad_rows lists the rows skipped as malformed while reading this
    batch, with the reason (never the value); a batch may carry only malformed rows (size 0;
    first_row is then the row after the last record read).
    """

    first_row: int
    columns: dict[str, list[object]]
    bad_rows: list[tuple[int, str]] = field(default_factory=list)
    rows: np.ndarray = field(default=None, compare=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.rows is None:
            count = len(next(iter(self.columns.values()), []))
            object.__setattr__(self, "rows", np.arange(self.first_row, self.first_row + count,
                                                       dtype=np.int64))

    @property
    def size(self) -> int:
        return len(self.rows)


class ListSource:
    """An opened list: its header and, once, its records in batches (open_list).

    A workbook is parsed once for both (python-calamine parses the whole sheet): prefer this to
    read_columns followed by iter_batches. Close it, or use it in a with block, when the batches
    are not read to the end.
    """

    def __init__(self, path: Path, sheet: str | None, xlsx_reader: str) -> None:
        if xlsx_reader not in XLSX_READERS:
            raise ValueError(f"xlsx_reader must be one of {', '.join(XLSX_READERS)}")
        self.path, self.kind = path, _kind_of(path, sheet)
        self.description = str(path)
        self._book: Book | None = None
        if self.kind == "csv":
            self._dialect = _sniff_csv(path)
            self.columns = self._dialect.header
        elif self.kind == "xlsx":
            self._book = open_book(path, sheet, reader=xlsx_reader)
            try:
                self._header = _xlsx_header(path, self._book, sheet)
            except BaseException:
                self._book.close()
                raise
            self.columns = self._header.names
            self.description = _sheet_description(path, self._book, sheet)
        else:
            self.columns = _parquet_header(path)

    def batches(self, mapping: dict[str, str], *,
                batch_rows: int = 65_536) -> Iterator[RawBatch]:
        """The mapped columns in batches of at most batch_rows records (see iter_batches)."""
        if batch_rows < 1:
            raise ValueError("batch_rows must be at least 1")
        path = self.path
        _check_mapped(path, mapping, self.columns)
        if self.kind == "csv":
            chunks = _csv_chunks(path, mapping, self._dialect, batch_rows)
        elif self.kind == "xlsx":
            if self._book is None:
                raise RuntimeError("the records of this workbook were read already")
            book, self._book = self._book, None
            chunks = _xlsx_chunks(book, mapping, self._header, batch_rows)
        else:
            chunks = _parquet_chunks(path, mapping, batch_rows)
        return _rebatch(chunks, list(mapping), batch_rows)

    def close(self) -> None:
        if self._book is not None:
            self._book.close()
            self._book = None

    def __enter__(self) -> ListSource:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def open_list(path: Path, *, sheet: str | None = None, xlsx_reader: str = "auto") -> ListSource:
    """Open a list (CSV, XLSX, Parquet) and check its header; errors raise here.

    sheet: the worksheet of an XLSX workbook, by name (default: the first). xlsx_reader:
    "auto" (python-calamine, or openpyxl when it is not installed or cannot read the file),
    "calamine" or "openpyxl".
    """
    return ListSource(path, sheet, xlsx_reader)


def read_columns(path: Path, *, sheet: str | None = None,
                 xlsx_reader: str = "auto") -> list[str]:
    """The column names of the file's header, checked unique and named.

    sheet, xlsx_reader: as for open_list.
    """
    with open_list(path, sheet=sheet, xlsx_reader=xlsx_reader) as source:
        return source.columns


def describe_source(path: Path, *, sheet: str | None = None, xlsx_reader: str = "auto") -> str:
    """How messages name the list: the path, and for a workbook of several sheets which sheet
    was read and how to choose another."""
    if _kind_of(path, sheet) != "xlsx":
        return str(path)
    book = open_book(path, sheet, reader=xlsx_reader, rows=False)
    book.close()
    return _sheet_description(path, book, sheet)


def _sheet_description(path: Path, book: Book, sheet: str | None) -> str:
    if len(book.titles) == 1:
        return str(path)
    if sheet is not None:
        return _("{path}, sheet '{sheet}'").format(path=path, sheet=book.title)
    return _("{path}, sheet '{sheet}' (the first of {count} sheets; choose another with "
             "--sheet NAME)").format(path=path, sheet=book.title, count=len(book.titles))


def iter_batches(path: Path, mapping: dict[str, str], *, batch_rows: int = 65_536,
                 sheet: str | None = None, xlsx_reader: str = "auto") -> Iterator[RawBatch]:
    """Stream the mapped columns in batches of at most batch_rows records.

    mapping is {field name: column name} from map_columns. The header is checked at once (errors
    raise here); the records are read lazily as the batches are consumed. A header-only file
    yields nothing. sheet, xlsx_reader: as for open_list.
    """
    if batch_rows < 1:
        raise ValueError("batch_rows must be at least 1")
    source = open_list(path, sheet=sheet, xlsx_reader=xlsx_reader)
    try:
        return source.batches(mapping, batch_rows=batch_rows)
    except BaseException:
        source.close()
        raise


# --- common -------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Chunk:
    """Records as read, with their row numbers (increasing, maybe with gaps)."""

    rows: np.ndarray
    columns: dict[str, list[object]]
    bad_rows: list[tuple[int, str]]


def _kind_of(path: Path, sheet: str | None = None) -> str:
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise InputFileError(_("old Excel format (.xls) is not supported: save it as .xlsx or CSV"),
                             path=str(path))
    kinds = {**dict.fromkeys(CSV_SUFFIXES, "csv"), **dict.fromkeys(XLSX_SUFFIXES, "xlsx"),
             **dict.fromkeys(PARQUET_SUFFIXES, "parquet")}
    if suffix not in kinds:
        supported = ", ".join(sorted(kinds))
        raise InputFileError(_("unsupported file type '{suffix}' (supported: {supported})").format(
            suffix=suffix or "(none)", supported=supported), path=str(path))
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputFileError(_("file not found"), path=str(path)) from None
    except OSError as exc:
        raise InputFileError(_("cannot be read ({reason})").format(reason=exc.strerror),
                             path=str(path)) from None
    if not path.is_file():
        raise InputFileError(_("is not a regular file"), path=str(path))
    if size == 0:
        raise InputFileError(_("the file is empty (0 bytes)"), path=str(path))
    if sheet is not None and kinds[suffix] != "xlsx":
        raise InputFileError(_("only an XLSX workbook has sheets to choose from; leave out "
                               "--sheet"), path=str(path))
    return kinds[suffix]


def _check_header(path: Path | str, names: list[str], *, first_column: int = 1) -> list[str]:
    record_like = looks_like_a_record(names)
    for position, name in enumerate(names, start=first_column):
        if not name.strip():
            raise InputFileError(_("column {position} of the header has no name; give every "
                                   "column a name").format(position=position), path=str(path))
    seen: set[str] = set()
    for name in names:
        if name in seen:
            what = (_("the first row looks like a record rather than column names (does the file "
                      "lack a header row?)") if record_like
                    else _("column name '{name}' appears more than once in the header").format(
                        name=name))
            raise InputFileError(what + "; " + _("column names must be unique"), path=str(path))
        seen.add(name)
    return names


def _check_mapped(path: Path, mapping: dict[str, str], header: list[str]) -> None:
    missing = [field_name for field_name, column in mapping.items() if column not in header]
    if missing:
        names = ", ".join(f"'{m}'" for m in missing)
        raise InputFileError(_("field {names} is mapped to a column the file does not "
                               "have").format(names=names), path=str(path))


def _rebatch(chunks: Iterable[_Chunk], fields: list[str],
             batch_rows: int) -> Iterator[RawBatch]:
    """Cut the chunks of a reader into batches of batch_rows records (the last may be smaller)."""
    parts: list[_Chunk] = []
    size, next_row = 0, 2
    bad: list[tuple[int, str]] = []
    for chunk in chunks:
        bad.extend(chunk.bad_rows)
        start = 0
        while start < len(chunk.rows):
            take = min(len(chunk.rows) - start, batch_rows - size)
            parts.append(_Chunk(chunk.rows[start:start + take],
                                {f: chunk.columns[f][start:start + take] for f in fields}, []))
            size, start = size + take, start + take
            if size == batch_rows:
                yield _joined(parts, fields, bad)
                next_row = int(parts[-1].rows[-1]) + 1
                parts, size, bad = [], 0, []
    if size or bad:
        yield _joined(parts, fields, bad) if size else RawBatch(next_row, {f: [] for f in fields},
                                                                bad)


def _joined(parts: list[_Chunk], fields: list[str], bad: list[tuple[int, str]]) -> RawBatch:
    rows = parts[0].rows if len(parts) == 1 else np.concatenate([p.rows for p in parts])
    columns = {f: [v for p in parts for v in p.columns[f]] if len(parts) > 1
               else parts[0].columns[f] for f in fields}
    return RawBatch(int(rows[0]), columns, bad, rows)


# --- CSV ----------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _CsvDialect:
    encoding: str
    delimiter: str
    header: list[str]
    bytes_per_row: float
    has_records: bool
    title_rows: int = 0   # rows above the header: a title, a period, blank lines


def detect_encoding(path: Path) -> str:
    """'utf-8' or 'cp1252', or InputFileError when the bytes are neither (or not text at all).

    Reads until the first non-ASCII bytes decide (all of a pure-ASCII file, in 1 MiB pieces).
    """
    with _opened(path) as stream:
        head = stream.read(_SCAN_CHUNK)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8"
        _refuse_non_text(path, head)
        decoder = codecs.getincrementaldecoder("utf-8")()
        chunk = head
        while chunk:
            following = stream.read(_SCAN_CHUNK)
            if b"\x00" in chunk:
                raise InputFileError(_("holds binary data, not CSV text"), path=str(path))
            if not chunk.isascii():
                try:
                    decoder.decode(chunk, final=not following)
                    return "utf-8"
                except UnicodeDecodeError:
                    if any(b in chunk for b in _CP1252_UNDEFINED):
                        raise InputFileError(_("text is neither UTF-8 nor cp1252: save it as "
                                               "'CSV UTF-8'"), path=str(path)) from None
                    if _UTF8_SEQUENCE.search(chunk):
                        raise InputFileError(_("text mixes UTF-8 and another encoding: save it "
                                               "as 'CSV UTF-8'"), path=str(path)) from None
                    return "cp1252"
            chunk = following
    return "utf-8"


def _refuse_non_text(path: Path, head: bytes) -> None:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputFileError(_("UTF-16 text is not supported: save it as 'CSV UTF-8'"),
                             path=str(path))
    if head.startswith(b"PK\x03\x04"):
        raise InputFileError(_("is a ZIP archive (an XLSX workbook?), not CSV text: give it the "
                               "right extension"), path=str(path))
    if head.startswith(b"PAR1"):
        raise InputFileError(_("is a Parquet file, not CSV text: name it .parquet"), path=str(path))
    controls = sum(head.count(bytes([b])) for b in _CONTROL_BYTES)
    if b"\x00" in head or (controls >= 4 and controls * 100 > len(head)):
        raise InputFileError(_("holds binary data, not CSV text"), path=str(path))


def _sniff_csv(path: Path) -> _CsvDialect:
    encoding = detect_encoding(path)
    with _opened(path) as stream:
        raw = stream.read(_SAMPLE_BYTES + 1)
    truncated = len(raw) > _SAMPLE_BYTES
    raw = raw[:_SAMPLE_BYTES]
    if truncated and b"\n" in raw:
        raw = raw[:raw.rindex(b"\n") + 1]
    text = raw.decode("utf-8-sig" if encoding == "utf-8" else encoding, errors="replace")
    best: tuple[tuple[float, int], str, list[list[str]], int] | None = None
    for delimiter in DELIMITERS:
        every = list(islice(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), 200))
        titles = _csv_title_rows(every)
        rows = [r for r in every[titles:] if r]
        if truncated and len(rows) > 2:
            rows = rows[:-1]  # the last row of a cut sample may be cut too
        if not rows:
            break
        data = rows[1:]
        consistent = sum(len(r) == len(rows[0]) for r in data) / len(data) if data else 1.0
        score = (consistent if len(rows[0]) > 1 else -1.0, len(rows[0]))
        if best is None or score > best[0]:
            best = (score, delimiter, rows, titles)
    if best is None:
        raise InputFileError(_("has no header row (the file holds only blank lines)"),
                             path=str(path))
    _score, delimiter, rows, titles = best
    header = _check_header(path, rows[0])
    return _CsvDialect(encoding, delimiter, header,
                       bytes_per_row=len(raw) / max(raw.count(b"\n"), 1),
                       has_records=truncated or len(rows) > 1, title_rows=titles)


def _csv_title_rows(rows: list[list[str]]) -> int:
    """How many rows above the header are a title: rows of at most one filled cell (a title, a
    period, a blank line) before the first row of two or more, searched in the first
    _HEADER_SEARCH_ROWS rows. 0 when no such header row follows (a one-column file)."""
    for index, row in enumerate(rows[:_HEADER_SEARCH_ROWS]):
        if sum(bool(cell.strip()) for cell in row) >= 2:
            return index
    return 0


class _RowLedger:
    """pyarrow's invalid-row handler: rows it skips, by number (bad ones are reported)."""

    def __init__(self, first_row: int = 2) -> None:
        self.skipped: list[int] = []
        self.bad: list[tuple[int, str]] = []
        self.next_row = first_row   # the row number of the first record (the header's + 1)

    def __call__(self, row: pacsv.InvalidRow) -> str:
        if row.number is None:
            raise RuntimeError("pyarrow did not number a skipped CSV row")
        self.skipped.append(row.number)
        if row.text.strip():
            self.bad.append((row.number, f"has {row.actual_columns} fields where the header has "
                                         f"{row.expected_columns}"))
        return "skip"

    def number(self, count: int) -> np.ndarray:
        """Row numbers of the next `count` rows pyarrow kept."""
        pending = [n for n in self.skipped if n >= self.next_row]
        self.skipped = pending
        rows = np.arange(self.next_row, self.next_row + count + len(pending), dtype=np.int64)
        if pending:
            rows = rows[~np.isin(rows, pending)]
        rows = rows[:count]
        if count:
            self.next_row = int(rows[-1]) + 1
        return rows

    def take_bad(self) -> list[tuple[int, str]]:
        bad, self.bad = self.bad, []
        return bad


def _csv_chunks(path: Path, mapping: dict[str, str], dialect: _CsvDialect,
                batch_rows: int) -> Iterator[_Chunk]:
    if not dialect.has_records:
        return
    ledger = _RowLedger(first_row=dialect.title_rows + 2)
    block = int(min(max(dialect.bytes_per_row * batch_rows * 1.5, _MIN_BLOCK), _MAX_BLOCK))
    try:
        # Memory-mapped: opened by path, pyarrow would read tens of blocks ahead into memory.
        reader = pacsv.open_csv(
            pa.memory_map(str(path)),
            read_options=pacsv.ReadOptions(encoding=dialect.encoding, block_size=block,
                                           skip_rows=dialect.title_rows,
                                           use_threads=False),  # serial: rows get numbers
            parse_options=pacsv.ParseOptions(delimiter=dialect.delimiter,
                                             newlines_in_values=True, ignore_empty_lines=False,
                                             invalid_row_handler=ledger),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(dialect.header, pa.string()),
                strings_can_be_null=True, null_values=[""]))
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise _csv_failure(path, exc, ledger, dialect.encoding) from None
    except OSError as exc:
        raise InputFileError(_("cannot be read ({reason})").format(
            reason=exc.strerror or type(exc).__name__), path=str(path)) from None
    try:
        if reader.schema.names != dialect.header:
            raise InputFileError(_("the header could not be read consistently (check the "
                                   "quoting of the first row)"), path=str(path))
        for batch in _arrow_batches(path, reader, ledger):
            rows = ledger.number(batch.num_rows)
            blank = _all_null(batch)
            keep = pc.invert(blank)
            yield _Chunk(rows[~blank.to_numpy(zero_copy_only=False)],
                         {f: batch.column(c).filter(keep).to_pylist()
                          for f, c in mapping.items()}, ledger.take_bad())
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise _csv_failure(path, exc, ledger, dialect.encoding) from None
    finally:
        reader.close()
    bad = ledger.take_bad()
    if bad:
        yield _Chunk(np.empty(0, dtype=np.int64), {f: [] for f in mapping}, bad)


def _arrow_batches(path: Path, reader, ledger: _RowLedger) -> Iterator[pa.RecordBatch]:
    while True:
        try:
            batch = reader.read_next_batch()
        except StopIteration:
            return
        except pa.ArrowInvalid:
            raise
        except OSError as exc:
            raise InputFileError(_("could not be read after row {row} ({reason})").format(
                row=ledger.next_row - 1, reason=exc.strerror or type(exc).__name__),
                path=str(path)) from None
        if batch.num_rows:
            yield batch


def _all_null(batch: pa.RecordBatch) -> pa.BooleanArray:
    blank = pa.array(np.ones(batch.num_rows, dtype=bool))
    for column in batch.columns:
        blank = pc.and_(blank, pc.is_null(column))
    return blank


def _csv_failure(path: Path, exc: Exception, ledger: _RowLedger,
                 encoding: str) -> InputFileError:
    # pyarrow's messages may quote the data, so only their kind is used.
    after = (" " + _("somewhere after row {row}").format(row=ledger.next_row - 1)
             if ledger.next_row > 2 else "")
    if isinstance(exc, UnicodeDecodeError) or "UTF8" in str(exc):
        reason = _("text is not valid {encoding}{after} (does the file mix encodings?); save it "
                   "as 'CSV UTF-8'").format(encoding=encoding, after=after)
    else:
        reason = _("the CSV cannot be parsed{after} (an unclosed quote or a very long "
                   "row?)").format(after=after)
    return InputFileError(reason, path=str(path))


# --- XLSX ---------------------------------------------------------------------------------------

def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass(frozen=True, slots=True)
class _SheetHeader:
    row: int          # sheet row number of the header (its last row, for a two-row header)
    names: list[str]
    first_index: int  # 0-based column index of the first name; the names are contiguous
    skip: frozenset[int] = frozenset()  # rows below the header that are not records


# A title above the table ("DAFTAR PENERIMA BANSOS ...", a period, a blank line) fills one or
# two cells; the header names every column. The header is the first row, among the first
# _HEADER_SEARCH_ROWS non-empty ones, that is not a title (_could_be_header).
_HEADER_SEARCH_ROWS = 30
_COLUMN_NUMBER = re.compile(r"\(?\s*(\d{1,3})\s*\)?")
# First text of a row that sums the rows above: JUMLAH, Jumlah Penerima, TOTAL, Grand Total.
_TOTALS = re.compile(r"(jumlah|total|grand\s*total|sub\s*total)\b", re.IGNORECASE)
_MAX_HELD_ROWS = 1000  # rows after a totals row held back: a footer is never this long
# Rows read at a time. Fewer than the garbage collector's first threshold (700 new container
# objects): the rows of a block are let go before it runs, so it seldom does (with blocks of
# 1,024 rows it took a fifth of padan's time, with whole chunks a third).
_BLOCK_ROWS = 512


def _filled(values: tuple) -> list[int]:
    return [i for i, v in enumerate(values) if not _is_blank(v)]


def _xlsx_header(path: Path, book: Book, sheet_name: str | None = None) -> _SheetHeader:
    """The header of the sheet: below any title rows, merged into one row when its names
    span two rows (a merged cell over sub-columns), trimmed of blank cells at either end."""
    rows: list[tuple[int, tuple]] = []
    cell = book.header_cell
    for number, values in book.rows():
        if _filled(values):
            rows.append((number, tuple(map(cell, values))))
            if len(rows) == _HEADER_SEARCH_ROWS:
                break
    merged_rows = book.merged_first_rows()
    where = book.label(path) if sheet_name else str(path)
    if not rows:
        message = (_("sheet '{sheet}' is empty (no header row)").format(sheet=book.title)
                   if sheet_name else _("the first sheet is empty (no header row)"))
        raise InputFileError(message, path=str(path))
    widest = max(len(_filled(values)) for _, values in rows)
    at = next(i for i, (_, values) in enumerate(rows) if _could_be_header(values, widest))
    number, top = rows[at]
    below = rows[at + 1] if at + 1 < len(rows) and rows[at + 1][0] == number + 1 else None
    if below is not None and number in merged_rows and _is_sub_header(top, below[1]):
        header_row, names, first = below[0], *_merged_names(top, below[1])
    else:
        filled = _filled(top)
        cells = top[filled[0]:filled[-1] + 1]
        header_row, first = number, filled[0]
        names = ["" if _is_blank(v) else str(v).strip() for v in cells]
    _check_header(where, names, first_column=first + 1)
    skip = set()
    following = [values for n, values in rows if n == header_row + 1]
    if following and _is_column_numbers(following[0][first:first + len(names)]):
        skip.add(header_row + 1)
    return _SheetHeader(header_row, names, first, frozenset(skip))


def _could_be_header(values: tuple, widest: int) -> bool:
    """Not a title: a title fills one cell (merged across the table), or two of a table at
    least four wide ("Kabupaten:" and its name)."""
    filled = len(_filled(values))
    return not ((filled == 1 and widest >= 2) or (filled == 2 and widest >= 4))


def _is_sub_header(top: tuple, below: tuple) -> bool:
    """Is `below` the second row of a header whose `top` has merged cells (the caller checks
    that the sheet merges cells in `top`'s row)? Only names (words,
    nothing like a NIK or a date), one of them under a blank cell of `top` (the
    continuation of a merged cell)."""
    span = range(min(_filled(top) + _filled(below)), max(_filled(top) + _filled(below)) + 1)
    cells = [below[i] if i < len(below) else None for i in span]
    texts = [v for v in cells if not _is_blank(v)]
    if not all(isinstance(v, str) and any(c.isalpha() for c in v) for v in texts) \
            or looks_like_a_record(texts):
        return False
    return any(_is_blank(top[i] if i < len(top) else None) and not _is_blank(below[i])
               for i in span if i < len(below))


def _merged_names(top: tuple, below: tuple) -> tuple[list[str], int]:
    """One name per column of a two-row header: the lower name, or the upper where the lower
    is blank (a cell merged down); "upper lower" where a lower name alone would repeat."""
    both = sorted(set(_filled(top) + _filled(below)))
    first, last = both[0], both[-1]
    group, parts = "", []
    for i in range(first, last + 1):
        upper = top[i] if i < len(top) else None
        lower = below[i] if i < len(below) else None
        if not _is_blank(upper):
            group = str(upper).strip()
        elif _is_blank(lower):
            group = ""
        parts.append((group if not _is_blank(upper) or not _is_blank(lower) else "",
                      "" if _is_blank(lower) else str(lower).strip()))
    lowers = [lower for _, lower in parts if lower]
    names = []
    for upper, lower in parts:
        if not lower:
            names.append(upper)
        elif lowers.count(lower) > 1 and upper:
            names.append(f"{upper} {lower}")
        else:
            names.append(lower)
    return names, first


def _is_column_numbers(values: tuple) -> bool:
    """The row of column numbers (1), (2), (3) … that official forms print under the header."""
    numbers = []
    for value in values:
        if _is_blank(value):
            continue
        if type(value) is int:
            numbers.append(value)
            continue
        found = _COLUMN_NUMBER.fullmatch(str(value).strip())
        if not found:
            return False
        numbers.append(int(found.group(1)))
    return len(numbers) >= 2 and numbers == list(range(numbers[0], numbers[0] + len(numbers)))


_BLANK, _TOTALS_ROW, _RECORD = 0, 1, 2


def _row_kind(values) -> int:
    """Blank (every cell empty or only spaces), a totals row (its first filled cell is text
    starting with JUMLAH/TOTAL…), or a record. Usually decided by the first cell."""
    for value in values:
        if value is None:
            continue
        if isinstance(value, str):
            text = value.strip()
            if not text:
                continue
            return _TOTALS_ROW if _TOTALS.match(text) else _RECORD
        return _RECORD
    return _BLANK


_TOTALS_REASON = "a totals row (JUMLAH/TOTAL), not a record: not encoded"
_FOOTER_REASON = ("below the last totals row, not a record (a signature block or a note?): "
                  "not encoded; if the list goes on there, remove the totals row")


# The first text of a row in a block of rows joined by newlines: JUMLAH/TOTAL at a line's start.
# It may also match where no row is a totals row (a cell of several lines): the block is then
# judged row by row, which is exact, only slower.
_TOTALS_LINE = re.compile(r"^" + _TOTALS.pattern, re.IGNORECASE | re.MULTILINE)


def _all_records(block: list, first: int, width: int) -> bool:
    """Is every row of the block a record by its first cell (a number, a date, or text that
    does not start a totals row), each row at least `width` long? Checked by C loops (map), a
    block at a time; False sends the block row by row through _row_kind's rules."""
    if min(map(len, block)) < width:
        return False
    heads = list(map(itemgetter(first), block))
    kinds = set(map(type, heads))
    if str not in kinds:
        return type(None) not in kinds
    if kinds != {str}:
        return False
    texts = list(map(str.strip, heads))
    return "" not in texts and not _TOTALS_LINE.search("\n".join(texts))


def _xlsx_chunks(book: Book, mapping: dict[str, str], header: _SheetHeader,
                 batch_rows: int) -> Iterator[_Chunk]:
    """Records below the header. A totals row is reported and skipped; the rows after it are
    held back until another totals row shows they were a group of records (subtotals per
    kecamatan) or the sheet ends and shows they were a footer.

    Rows come in blocks of _BLOCK_ROWS. A block of records only (the usual case, _all_records)
    is taken whole, any other row by row; then each mapped column of the block's records is
    taken out and converted at once (book.record_column), not cell by cell, and the rows
    themselves are let go (see _BLOCK_ROWS)."""
    first, last = header.first_index, header.first_index + len(header.names)
    fields = list(mapping)
    indices = [first + header.names.index(mapping[f]) for f in fields]
    width = max(indices) + 1
    skip = header.skip
    rows: list[int] = []
    columns: list[list] = [[] for _ in fields]
    bad: list[tuple[int, str]] = []
    held: list[tuple[int, list | tuple]] | None = None  # rows after a totals row, not yet judged

    def take(records: list) -> None:
        for column, index in zip(columns, indices, strict=True):
            column.extend(book.record_column(list(map(itemgetter(index), records))))

    def chunk() -> _Chunk:
        nonlocal rows, columns, bad
        done = _Chunk(np.array(rows, dtype=np.int64), dict(zip(fields, columns, strict=True)),
                      bad)
        rows, columns, bad = [], [[] for _ in fields], []
        return done

    try:
        source = book.values()  # from row 1: the header's rows and those above are skipped
        done = sum(1 for _ in islice(source, header.row))
        while block := list(islice(source, min(_BLOCK_ROWS, batch_rows - len(rows)))):
            start, done = done + 1, done + len(block)
            if held is None and not any(start <= row <= done for row in skip) \
                    and _all_records(block, first, width):
                rows.extend(range(start, done + 1))
                take(block)
            else:
                records: list = []

                def add(number: int, values: list | tuple, records: list = records) -> None:
                    if len(values) < width:  # openpyxl ends a row at its last filled cell
                        values = (*values, *(None,) * (width - len(values)))
                    rows.append(number)
                    records.append(values)

                for number, values in enumerate(block, start=start):
                    kind = _row_kind(values[first:last])
                    if kind == _BLANK or number in skip:
                        continue
                    if kind == _TOTALS_ROW:
                        for held_number, held_values in held or []:
                            add(held_number, held_values)
                        held = []
                        bad.append((number, _TOTALS_REASON))
                    elif held is not None:
                        held.append((number, values))
                        if len(held) > _MAX_HELD_ROWS:  # too long for a footer: records
                            for held_number, held_values in held:
                                add(held_number, held_values)
                            held = None
                    else:
                        add(number, values)
                take(records)
            if len(rows) >= batch_rows:
                yield chunk()
        bad.extend((number, _FOOTER_REASON) for number, _ in held or [])
        if rows or bad:
            yield chunk()
    finally:
        book.close()


# --- Parquet ------------------------------------------------------------------------------------

def _parquet_file(path: Path) -> pq.ParquetFile:
    try:
        return pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        raise InputFileError(_("is not a readable Parquet file ({reason})").format(
            reason=type(exc).__name__),
                             path=str(path)) from None


def _parquet_header(path: Path) -> list[str]:
    return _check_header(path, list(_parquet_file(path).schema_arrow.names))


def _parquet_chunks(path: Path, mapping: dict[str, str], batch_rows: int) -> Iterator[_Chunk]:
    parquet = _parquet_file(path)
    next_row = 2  # Parquet has no header row; numbering as if it had, like the other formats
    try:
        for batch in parquet.iter_batches(batch_size=batch_rows, columns=list(mapping.values())):
            columns = {f: _python_values(batch.column(c)) for f, c in mapping.items()}
            yield _Chunk(np.arange(next_row, next_row + batch.num_rows, dtype=np.int64),
                         columns, [])
            next_row += batch.num_rows
    except (pa.ArrowException, OSError) as exc:
        raise InputFileError(_("the Parquet data cannot be read after row {row} "
                               "({reason})").format(row=next_row - 1, reason=type(exc).__name__),
                             path=str(path)) from None
    finally:
        parquet.close()


def _python_values(column: pa.Array) -> list[object]:
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        column = pc.if_else(pc.equal(column, ""), pa.scalar(None, column.type), column)
    return column.to_pylist()


def _opened(path: Path):
    try:
        return open(path, "rb")
    except OSError as exc:
        raise InputFileError(_("cannot be read ({reason})").format(reason=exc.strerror),
                             path=str(path)) from None
