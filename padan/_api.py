"""The functions behind `import padan`: the same code the CLI runs, with Python values.

Lists come as pandas DataFrames or as files (CSV, XLSX, Parquet); schemas and keys as objects or
as files. Results come back as typed records (`Encoding`, `Linkage`) and the joined matches as a
DataFrame. Errors are padan's own (`EncoderError`, `LinkerError`): they name the argument, file,
row and field, never a value.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from padan.cli.reveal_commands import RevealError  # results and id maps that do not fit
from padan.encoder.errors import EncoderError, InputFileError, KeyFileError
from padan.encoder.schema import LinkageSchema
from padan.linker.errors import LinkerError, ParameterError
from padan.linker.parameters import LinkParameters

if TYPE_CHECKING:
    import pandas

PathLike = Union[str, "os.PathLike[str]"]
DATAFRAME_ROW_OFFSET = 2  # padan numbers records as a spreadsheet does: the first is row 2


@dataclass(frozen=True, slots=True)
class Encoding:
    """What `encode` wrote: the encoding file to upload and the files that stay with you."""

    path: Path               # NAME.padan: the only file that leaves the agency
    id_map: Path             # NAME.idmap.csv: row <-> pseudo-id, keep it (mode 0600)
    quality_report: Path     # NAME.quality.json
    quality: dict[str, Any]  # the quality report: counts per field and status, no values
    records: int             # records encoded
    rows_read: int           # records read (skipped rows included)
    from_dataframe: bool     # True: row r of the id map is the frame's position r - 2


@dataclass(frozen=True, slots=True)
class Linkage:
    """What `link` wrote into its folder, and the report it holds (counts only)."""

    folder: Path
    results: dict[str, Path]       # party -> its own results CSV (give each party only its own)
    report: dict[str, Any]         # the report envelope, as report.json
    report_html: Path              # the auditors' dashboard
    matches: dict[str, int]        # party -> records found on another list
    duplicates: dict[str, int]     # party -> records in its own duplicate groups
    seconds: float

    @property
    def parameters(self) -> LinkParameters:
        """The parameters the run linked at."""
        return LinkParameters.from_dict(self.report["parameters"])

    @property
    def pairwise(self) -> list[dict[str, Any]]:
        """People on both lists of each pair: {"parties", "match", "possible"} (None: <k)."""
        return list(self.report["report"]["pairwise"])


# -- schema and key -----------------------------------------------------------------------------

def default_schema(project_id: str = "demo") -> LinkageSchema:
    """The documented default linkage schema (NIK, name, birthdate, sex) for a project."""
    from padan.encoder.default_schema import default_schema as make

    return make(project_id)


def load_schema(path: PathLike) -> LinkageSchema:
    """A schema file (TOML), validated; `SchemaError` names the file and the setting."""
    from padan.encoder.schema import load_schema as load

    return load(Path(path))


def new_key(path: PathLike, *, overwrite: bool = False) -> bytes:
    """Write a new 256-bit project secret to `path` (mode 0600) and return it.

    Share the file only with the other agencies, never with the linker.
    """
    from padan.encoder.keys import generate_secret_file

    generate_secret_file(Path(path), overwrite=overwrite)
    return load_key(path)


def load_key(path: PathLike) -> bytes:
    """The project secret from a key file (refused when others may read it)."""
    from padan.encoder.keys import load_secret

    return load_secret(Path(path), environ={})


def _schema(schema: LinkageSchema | PathLike) -> LinkageSchema:
    if isinstance(schema, LinkageSchema):
        return schema
    if isinstance(schema, str | os.PathLike):
        return load_schema(schema)
    raise TypeError("schema: give a LinkageSchema (padan.default_schema()) or a schema file path")


def _key(key: bytes | PathLike) -> bytes:
    if isinstance(key, bytes):
        if len(key) != 32:
            raise KeyFileError("key: a project secret is 32 bytes (padan.new_key)")
        return key
    if isinstance(key, str | os.PathLike):
        return load_key(key)
    raise TypeError("key: give the secret (bytes) or the path of its key file")


# -- encode -------------------------------------------------------------------------------------

def _is_dataframe(data: object) -> bool:
    return hasattr(data, "to_parquet") and hasattr(data, "columns")


def _frame_to_parquet(frame: pandas.DataFrame, path: Path) -> None:
    """The frame as a Parquet file, column names as text; a column pyarrow cannot store is
    named (never its values)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    frame = frame.rename(columns=str).reset_index(drop=True)
    try:
        table = pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        for column in frame.columns:
            try:
                pa.Table.from_pandas(frame[[column]], preserve_index=False)
            except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
                raise InputFileError(
                    f"column '{column}' mixes kinds of values (text and numbers?); convert it "
                    f"first, e.g. frame['{column}'] = frame['{column}'].astype('string')",
                    path="the DataFrame") from None
        raise
    pq.write_table(table, path)


def encode(data: pandas.DataFrame | PathLike, schema: LinkageSchema | PathLike,
           key: bytes | PathLike, *, out: PathLike | None = None,
           columns: Mapping[str, str] | None = None, sheet: str | None = None,
           strict: bool = False, workers: int = 1) -> Encoding:
    """Encode a list into keyed Bloom-filter encodings, as `padan encode` does.

    data: a pandas DataFrame (one row per record) or a CSV, XLSX or Parquet file.
    schema: a LinkageSchema or its TOML file; key: the secret (bytes) or its key file.
    out: the encoding file to write; required for a DataFrame, else the file with .padan.
    columns: field -> column where the name is not recognised, e.g. {"nik": "No KTP"}.
    sheet: the sheet of an XLSX workbook, by name (default: the first).
    Writes `out`, its id map and its quality report beside it.
    """
    from padan.encoder.columns import parse_map_options
    from padan.encoder.pipeline import encode_file

    linkage_schema, secret = _schema(schema), _key(key)
    overrides = parse_map_options([f"{f}={c}" for f, c in (columns or {}).items()])
    if _is_dataframe(data):
        if out is None:
            raise TypeError("out: give the encoding file to write when data is a DataFrame")
        scratch = Path(tempfile.mkdtemp(prefix="padan-"))  # mode 0700: the list is personal
        try:
            source = scratch / "dataframe.parquet"
            _frame_to_parquet(data, source)
            summary = encode_file(source, linkage_schema, secret, Path(out),
                                  overrides=overrides, strict=strict, workers=workers)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    elif isinstance(data, str | os.PathLike):
        source = Path(data)
        output = Path(out) if out is not None else source.with_suffix(".padan")
        if output.resolve() == source.resolve():
            raise TypeError("out: must differ from the input file")
        summary = encode_file(source, linkage_schema, secret, output, overrides=overrides,
                              strict=strict, workers=workers, sheet=sheet)
    else:
        raise TypeError("data: give a pandas DataFrame or the path of a CSV, XLSX or Parquet "
                        "file")
    quality = summary.quality.to_dict()
    return Encoding(summary.output, summary.id_map, summary.quality_path, quality,
                    summary.records, summary.quality.rows_read, _is_dataframe(data))


# -- link ---------------------------------------------------------------------------------------

def _encoding_path(item: Encoding | PathLike) -> Path:
    return item.path if isinstance(item, Encoding) else Path(item)


def link(encodings: Mapping[str, Encoding | PathLike], *, out: PathLike,
         parameters: LinkParameters | Mapping[str, Any] | None = None,
         small_cell_k: int = 5, workers: int = 1, **options: Any) -> Linkage:
    """Link encoding files here, without the service, as `padan link` does.

    encodings: party name -> Encoding (or encoding file). Run parameters come from
    `parameters` (a LinkParameters or a dict like the JSON file) and keyword options
    (match_threshold=0.85, ...: every field of LinkParameters); options win.
    Writes out/NAME.results.csv per party, out/report.json and out/report.html.
    """
    from padan.cli.link_commands import link_files, parse_party

    known = {field.name for field in fields(LinkParameters)}
    unknown = sorted(set(options) - known)
    if unknown:
        raise ParameterError(f"not a run parameter; known: {', '.join(sorted(known))}",
                             parameter=unknown[0])
    base = parameters.to_dict() if isinstance(parameters, LinkParameters) else dict(
        parameters or {})
    files = {}
    for name, item in encodings.items():
        parse_party(f"{name}=x")  # the CLI's rule for party names
        files[name] = _encoding_path(item)
    done = link_files(files, Path(out), parameters={**base, **options},
                      small_cell_k=small_cell_k, workers=workers)
    return Linkage(Path(out), done.results, done.report, done.report_html, done.matches,
                   done.duplicates, done.seconds)


# -- reveal -------------------------------------------------------------------------------------

def reveal(results: PathLike, encoding: Encoding, data: pandas.DataFrame) -> pandas.DataFrame:
    """The rows of `data` (the DataFrame that was encoded) with their matches, as
    `padan reveal --all` adds them: padan_group, padan_band, padan_also_in (the other lists),
    padan_duplicate_group and padan_duplicate_band (the same person twice in `data`), and
    padan_registers (the kinds of the registers the record is in, e.g. "deaths"; "(possible)"
    in the possible band: docs/three-questions.md).

    results: this party's own results CSV (Linkage.results[party], or `padan results`).
    Rows found nowhere keep empty cells. Refused when the results, the encoding and the frame
    do not belong together.
    """
    import pandas

    from padan.cli.reveal_commands import join_results, read_id_map, read_results

    if not encoding.from_dataframe:
        raise TypeError("encoding: reveal() joins to the DataFrame that was encoded; for a file, "
                        "use `padan reveal RESULTS LIST`")
    if len(data) != encoding.rows_read:
        raise RevealError(f"data has {len(data):,} rows but the encoded DataFrame had "
                          f"{encoding.rows_read:,}: give the DataFrame that was encoded",
                          path="the DataFrame")
    matches, duplicates, registers = join_results(read_results(Path(results)),
                                                  read_id_map(encoding.id_map),
                                                  results_path=Path(results),
                                                  id_map_path=encoding.id_map)
    size = len(data)
    group = pandas.array([None] * size, dtype="Int64")
    band = pandas.array([None] * size, dtype="string")
    also = pandas.array([None] * size, dtype="string")
    dup_group = pandas.array([None] * size, dtype="Int64")
    dup_band = pandas.array([None] * size, dtype="string")
    in_registers = pandas.array([None] * size, dtype="string")
    for row, match in matches.items():
        at = row - DATAFRAME_ROW_OFFSET
        group[at], band[at], also[at] = match.group_id, match.band, ", ".join(match.others)
    for row, duplicate in duplicates.items():
        at = row - DATAFRAME_ROW_OFFSET
        dup_group[at], dup_band[at] = duplicate.group_id, duplicate.band
    for row, kinds in registers.items():
        in_registers[row - DATAFRAME_ROW_OFFSET] = ", ".join(
            kind if band == "match" else f"{kind} ({band})" for kind, band in kinds.items())
    joined = data.copy()
    for name, values in (("padan_group", group), ("padan_band", band), ("padan_also_in", also),
                         ("padan_duplicate_group", dup_group),
                         ("padan_duplicate_band", dup_band), ("padan_registers", in_registers)):
        joined[name] = pandas.Series(values, index=data.index)
    return joined


__all__ = ["EncoderError", "Encoding", "LinkParameters", "Linkage", "LinkageSchema",
           "LinkerError", "RevealError", "default_schema", "encode", "link", "load_key",
           "load_schema", "new_key", "reveal"]
