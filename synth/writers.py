"""Writing the lists as the agencies would hand them over: CSV, XLSX or Parquet, plus the truth.

Files are byte-identical for identical lists: CSV and Parquet are by nature; XLSX gets fixed zip
timestamps and document dates, since openpyxl stamps the current time.
"""

from __future__ import annotations

import csv
import os
import re
import zipfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from padan.i18n import _, number
from padan.synth.agencies import (
    BATCH_ROWS,
    FIRST_DATA_ROW,
    SynthLists,
    build_world,
    list_batches,
)
from padan.synth.config import SynthConfig, SynthConfigError

FORMATS = ("csv", "xlsx", "parquet")
XLSX_MAX_RECORDS = 1_048_575  # Excel's 1,048,576 rows less the header
_FIXED_TIME = (2026, 1, 1, 0, 0, 0)


def write_csv(table: pa.Table, path: Path, *, batch_rows: int = 100_000) -> None:
    """UTF-8, comma-separated, header row, quotes only where a value holds a comma or quote (as
    spreadsheet programs write), empty cell = missing, \n line ends."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        _append_csv(handle, table, header=True, batch_rows=batch_rows)


def _append_csv(handle, table: pa.Table, *, header: bool, batch_rows: int = 100_000) -> None:
    writer = csv.writer(handle, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    if header:
        writer.writerow(table.column_names)
    for batch in table.to_batches(max_chunksize=batch_rows):
        writer.writerows(zip(*(column.to_pylist() for column in batch.columns), strict=True))


def write_parquet(table: pa.Table, path: Path) -> None:
    pq.write_table(table, path, compression="zstd")


def write_xlsx(table: pa.Table, path: Path, *, numeric_columns: frozenset[str] = frozenset()):
    """One sheet; cells are text except digit-only cells of `numeric_columns` (Excel serial
    dates), which are numbers as in a real export."""
    from openpyxl import Workbook  # only XLSX writing pays for importing openpyxl

    if table.num_rows > XLSX_MAX_RECORDS:
        raise SynthConfigError(_("an XLSX sheet holds at most {count} records; use csv or "
                                 "parquet for larger lists").format(
                                     count=number(XLSX_MAX_RECORDS)), setting="format")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Sheet1")
    sheet.append(table.column_names)
    columns = [column.to_pylist() for column in table.columns]
    numeric = [name in numeric_columns for name in table.column_names]
    for row in zip(*columns, strict=True):
        sheet.append([int(v) if is_number and v is not None and v.isdigit() else v
                      for v, is_number in zip(row, numeric, strict=True)])
    workbook.save(path)
    _freeze_zip(path)


def _freeze_zip(path: Path) -> None:
    """Rewrite the zip with fixed entry times and document dates, so files are reproducible."""
    with zipfile.ZipFile(path) as source:
        entries = [(info.filename, source.read(info)) for info in source.infolist()]
    temporary = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as target:
        for filename, data in entries:
            if filename == "docProps/core.xml":
                data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2026-01-01T00:00:00Z", data)
            info = zipfile.ZipInfo(filename, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, data)
    os.replace(temporary, path)


def write_lists(lists: SynthLists, folder: Path, *, fmt: str = "csv") -> dict[str, Path]:
    """Write <agency>.<fmt> for every agency and truth.csv (agency,row,person_id); return
    agency -> path, plus "truth" -> the truth file."""
    if fmt not in FORMATS:
        raise SynthConfigError(_("format is one of {choices}").format(
            choices=", ".join(FORMATS)), setting="format")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for agency, table in lists.tables.items():
        path = folder / f"{agency}.{fmt}"
        if fmt == "csv":
            write_csv(table, path)
        elif fmt == "parquet":
            write_parquet(table, path)
        else:
            spec = lists.spec(agency)
            serial = (frozenset({spec.columns["birthdate"]})
                      if spec.date_format == "excel-serial" else frozenset())
            write_xlsx(table, path, numeric_columns=serial)
        written[agency] = path
    truth = folder / "truth.csv"
    write_csv(lists.truth_table(), truth)
    written["truth"] = truth
    return written


def _truth_part(agency: str, person_ids: np.ndarray, first_row: int) -> pa.Table:
    return pa.table({
        "agency": pa.array([agency] * len(person_ids), type=pa.string()),
        "row": pa.array(np.arange(first_row, first_row + len(person_ids), dtype=np.int64)),
        "person_id": pa.array(person_ids, type=pa.int64()),
    })


def write_generated(config: SynthConfig, folder: Path, *, fmt: str = "csv",
                    batch_rows: int = BATCH_ROWS) -> dict[str, Path]:
    """Generate and write the lists of `config` as write_lists(generate(config)) would, holding
    only the population and one batch of rows at a time (padan synth at 10 M records a list).
    Same files as write_lists for lists of up to BATCH_ROWS rows."""
    if fmt not in FORMATS:
        raise SynthConfigError(_("format is one of {choices}").format(
            choices=", ".join(FORMATS)), setting="format")
    if fmt == "xlsx" and any(spec.size > XLSX_MAX_RECORDS for spec in config.agencies):
        raise SynthConfigError(_("an XLSX sheet holds at most {count} records; use csv or "
                                 "parquet for larger lists").format(
                                     count=number(XLSX_MAX_RECORDS)), setting="format")
    world = build_world(config)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for index, spec in enumerate(config.agencies):
        path = folder / f"{spec.name}.{fmt}"
        batches = (batch.table for batch in list_batches(config, world, index, batch_rows))
        if fmt == "csv":
            with open(path, "w", encoding="utf-8", newline="") as handle:
                for number_, table in enumerate(batches):
                    _append_csv(handle, table, header=number_ == 0)
        elif fmt == "parquet":
            writer = None
            for table in batches:
                writer = writer or pq.ParquetWriter(path, table.schema, compression="zstd")
                writer.write_table(table)
            if writer is not None:
                writer.close()
        else:   # one batch: the XLSX limit is below BATCH_ROWS
            serial = (frozenset({spec.columns["birthdate"]})
                      if spec.date_format == "excel-serial" else frozenset())
            write_xlsx(pa.concat_tables(list(batches)), path, numeric_columns=serial)
        written[spec.name] = path
    truth = folder / "truth.csv"
    with open(truth, "w", encoding="utf-8", newline="") as handle:
        for index, (agency, ids) in enumerate(world.members.items()):
            for start in range(0, len(ids), batch_rows):
                _append_csv(handle, _truth_part(agency, ids[start:start + batch_rows],
                                                FIRST_DATA_ROW + start),
                            header=index == 0 and start == 0)
    written["truth"] = truth
    return written
