"""Encoding a whole list: read -> map columns -> encode in worker processes -> shuffle -> write.

Outputs, side by side:
  NAME.padan         the encoding file (the only thing that is uploaded)
  NAME.idmap.csv     row number <-> pseudo-id, mode 0600: stays at the agency, never uploaded
  NAME.quality.json  the data-quality report: counts and row numbers, no values

With a record key column (`key_column`), also NAME.keys.csv, and with the previous version
(`previous`) the pseudo-ids stay those of the same keys and the delta is written too
(padan.encoder.list_versions).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from padan.encoder.columns import map_columns
from padan.encoder.encoding_file import (
    VersionDelta,
    new_header,
    open_encoding_file,
    record_dtype,
    version_delta,
    write_encoding_file,
)
from padan.encoder.errors import InputError, InputFileError
from padan.encoder.keys import key_check_value
from padan.encoder.list_versions import (
    check_same_project,
    delta_paths,
    key_map_path,
    read_key_map,
    read_record_keys,
    stable_pseudo_ids,
    write_key_map,
    write_removed,
)
from padan.encoder.normalise import clear_caches
from padan.encoder.pseudo_ids import pseudo_id_texts, random_pseudo_ids
from padan.encoder.quality import QualityReport
from padan.encoder.readers import RawBatch, open_list
from padan.encoder.record_encoder import EncodedBatch, RecordEncoder
from padan.encoder.schema import LinkageSchema
from padan.encoder.shuffle import shuffled_chunks
from padan.i18n import _


@dataclass(frozen=True, slots=True)
class EncodeSummary:
    output: Path
    id_map: Path
    quality_path: Path
    quality: QualityReport
    records: int
    seconds: float
    key_map: Path | None = None          # NAME.keys.csv, with a record key column
    delta: VersionDelta | None = None    # against --previous
    delta_path: Path | None = None       # NAME.delta.padan: the records added or changed
    removed_path: Path | None = None     # NAME.removed.csv: the pseudo-ids withdrawn


def side_paths(output: Path) -> tuple[Path, Path]:
    """The id map and quality report written next to an encoding file."""
    stem = output.name[: -len(".padan")] if output.name.endswith(".padan") else output.name
    return output.with_name(stem + ".idmap.csv"), output.with_name(stem + ".quality.json")


# -- worker processes -------------------------------------------------------------------------

_worker_encoder: RecordEncoder | None = None


def _init_worker(schema_json: str, secret: bytes) -> None:
    global _worker_encoder
    _worker_encoder = RecordEncoder(LinkageSchema.model_validate_json(schema_json), secret)


def _encode_in_worker(columns: dict, rows: np.ndarray) -> EncodedBatch:
    assert _worker_encoder is not None
    return _worker_encoder.encode(columns, rows)


def _batch_rows(batch: RawBatch) -> np.ndarray:
    rows = getattr(batch, "rows", None)
    if rows is not None:
        return np.asarray(rows, dtype=np.int64)
    return np.arange(batch.first_row, batch.first_row + batch.size, dtype=np.int64)


def _encoded_batches(batches: Iterator[RawBatch], schema: LinkageSchema, secret: bytes,
                     workers: int) -> Iterator[tuple[RawBatch, EncodedBatch]]:
    """Encode batches in order; in-process for one worker, else a bounded process pool."""
    if workers <= 1:
        encoder = RecordEncoder(schema, secret)
        for batch in batches:
            yield batch, encoder.encode(batch.columns, _batch_rows(batch))
        return
    # forkserver: children fork from a clean server that has imported the encoder once, so
    # they start fast and never inherit the reader's (pyarrow's) threads.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["padan.encoder.record_encoder"])
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker,
                             initargs=(schema.model_dump_json(), secret)) as pool:
        pending: list[tuple[RawBatch, Future]] = []
        for batch in batches:
            pending.append((batch, pool.submit(_encode_in_worker, batch.columns,
                                               _batch_rows(batch))))
            if len(pending) >= 2 * workers:
                done_batch, future = pending.pop(0)
                yield done_batch, future.result()
        for done_batch, future in pending:
            yield done_batch, future.result()


# -- the run ----------------------------------------------------------------------------------

def count_records(path: Path) -> int | None:
    """A cheap estimate of the number of records, for the progress bar (CSV only)."""
    if path.suffix.lower() not in (".csv", ".txt", ".tsv"):
        return None
    lines = 0
    try:
        with open(path, "rb") as handle:
            while block := handle.read(1 << 24):
                lines += block.count(b"\n")
    except OSError:
        return None  # the reader reports a missing or unreadable file properly
    return max(lines - 1, 0)


# Below this input size a worker pool costs more than it saves: starting the workers and
# warming their caches took longer than encoding 100,000 records in-process (docs/benchmarks.md).
POOL_MIN_BYTES = 32 * 1024 * 1024


def default_workers(path: Path) -> int:
    """All cores for a large list, one process for a small one."""
    try:
        small = path.stat().st_size < POOL_MIN_BYTES
    except OSError:
        small = True  # the reader reports the problem
    return 1 if small else (os.cpu_count() or 1)


def encode_file(input_path: Path, schema: LinkageSchema, secret: bytes, output: Path, *,
                overrides: dict[str, str] | None = None, strict: bool = False,
                workers: int | None = None, batch_rows: int = 65_536,
                progress: Callable[[int], None] | None = None,
                sheet: str | None = None, key_column: str | None = None,
                previous: Path | None = None) -> EncodeSummary:
    """Encode one list into `output`; see the module docstring for the files written.

    sheet: the worksheet of an XLSX workbook to read, by name (default: the first).
    key_column: the list's own record key; previous: the last version's encoding file."""
    started = time.perf_counter()
    if previous is not None and key_column is None:
        raise InputFileError(_("a new version (--previous) needs the record key column "
                               "(--key-column) that says which rows are the same"),
                             path=str(input_path))
    previous_keys = read_key_map(key_map_path(previous)) if previous is not None else {}
    source = open_list(input_path, sheet=sheet)  # a workbook is parsed once, header and records
    try:
        mapping = map_columns(source.columns, schema.fields, overrides, path=source.description)
    except BaseException:
        source.close()
        raise
    workers = workers or default_workers(input_path)
    quality = QualityReport()
    dtype = record_dtype(-(-schema.encoded_bits // 64), len(schema.blocking))
    output.parent.mkdir(parents=True, exist_ok=True)
    scratch = output.with_name(output.name + ".records.tmp")
    rows_parts: list[np.ndarray] = []
    try:
        with open(scratch, "wb") as spill:
            batches = source.batches(mapping, batch_rows=batch_rows)
            for batch, encoded in _encoded_batches(batches, schema, secret, workers):
                for row, reason in batch.bad_rows:
                    quality.add_malformed_row(row, reason)
                quality.merge(encoded.quality)
                if strict and quality.bad_rows_total:
                    first = min(quality.bad_rows, key=lambda b: b.row)
                    raise InputError(first.reason + " " + _(
                        "(--strict stops at the first malformed row or row with an invalid "
                        "field)"), field=first.field, row=first.row)
                spill.write(encoded.records.tobytes())
                rows_parts.append(encoded.rows)
                if progress:
                    progress(batch.size + len(batch.bad_rows))
        total = sum(len(r) for r in rows_parts)
        if quality.rows_read == 0:
            raise InputFileError(_("the file has a header but no records"),
                                 path=str(input_path))
        if total == 0:
            raise InputFileError(_("no record has a usable NIK, name or birthdate; check the "
                                   "column mapping (--map) and the quality report"),
                                 path=str(input_path))
        header = new_header(
            project_id=schema.project_id, schema_fingerprint=schema.fingerprint,
            key_check=key_check_value(secret, schema.project_id),
            filter_bits=schema.encoded_bits, record_count=total,
            blocking_keys=[b.name for b in schema.blocking], stratum=schema.stratum,
            segments=schema.segment_layout())
        staged = np.memmap(scratch, dtype=dtype, mode="r", shape=(total,))
        rows = np.concatenate(rows_parts)
        id_map, quality_path = side_paths(output)
        keys = (read_record_keys(input_path, key_column, rows, sheet=sheet)
                if key_column is not None else None)
        ids = stable_pseudo_ids(keys, previous_keys) if keys is not None else None
        _write_shuffled(output, header, staged, rows, id_map, ids)
        del staged
    finally:
        source.close()  # a parsed sheet, when the batches were not read to the end
        scratch.unlink(missing_ok=True)
        clear_caches()  # no cache keyed by personal data outlives the run
    quality_path.write_text(json.dumps(quality.to_dict(), indent=2) + "\n", encoding="utf-8")
    key_map = delta = delta_path = removed_path = None
    if keys is not None:
        key_map = key_map_path(output)
        write_key_map(key_map, keys, ids)
    if previous is not None:
        delta, delta_path, removed_path = _write_delta(output, previous)
    return EncodeSummary(output=output, id_map=id_map, quality_path=quality_path,
                         quality=quality, records=total,
                         seconds=time.perf_counter() - started, key_map=key_map, delta=delta,
                         delta_path=delta_path, removed_path=removed_path)


def _write_delta(output: Path, previous: Path) -> tuple[VersionDelta, Path, Path]:
    """NAME.delta.padan (the records added or changed since `previous`) and NAME.removed.csv."""
    old, new = open_encoding_file(previous), open_encoding_file(output)
    check_same_project(old, new.header, previous)
    delta = version_delta(old.records, new.records)
    sent = np.isin(new.records["pseudo_id"], np.concatenate([delta.added, delta.changed]))
    delta_path, removed_path = delta_paths(output)
    records = np.ascontiguousarray(new.records[sent])
    write_encoding_file(delta_path, new.header.model_copy(update={"record_count": len(records)}),
                        records)
    write_removed(removed_path, delta.removed)
    return delta, delta_path, removed_path


def _write_shuffled(output: Path, header, staged: np.ndarray, rows: np.ndarray,
                    id_map: Path, ids: np.ndarray | None = None) -> None:
    """Records in a random order with fresh random pseudo-ids (or `ids`, one per staged record:
    a version's stable ones); the id map sorted by row. The reordering reads and writes its
    files in sequence, a bucket in memory at a time (padan.encoder.shuffle)."""
    total = len(rows)
    order = np.random.default_rng(int.from_bytes(os.urandom(16), "little")).permutation(total)
    pseudo_ids = random_pseudo_ids(total) if ids is None else ids[order]

    with tempfile.TemporaryDirectory(dir=output.parent, prefix=f".{output.name}.") as folder:
        def chunks() -> Iterator[np.ndarray]:
            # position j of the file holds staged record order[j] under pseudo-id pseudo_ids[j]
            start = 0
            for chunk in shuffled_chunks(staged, order, Path(folder)):
                chunk["pseudo_id"] = pseudo_ids[start:start + len(chunk)]
                start += len(chunk)
                yield chunk

        write_encoding_file(output, header, chunks())
    _write_id_map(id_map, rows[order], pseudo_ids)


def _write_id_map(path: Path, rows_at_position: np.ndarray, pseudo_ids: np.ndarray) -> None:
    """Local row <-> pseudo-id map sorted by row, readable by the agency's owner only."""
    by_row = np.argsort(rows_at_position, kind="stable")
    texts = pseudo_id_texts(pseudo_ids[by_row])
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii", newline="") as out:
        out.write("row,pseudo_id\n")
        out.writelines(f"{row},{pid}\n" for row, pid in
                       zip(rows_at_position[by_row].tolist(), texts, strict=True))
