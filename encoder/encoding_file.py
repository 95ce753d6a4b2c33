"""The encoding file: the only thing that leaves an agency, and the contract with the linker.

Byte layout (all integers little-endian; documented in docs/schema.md):

    offset 0   prelude, 32 bytes: magic b"PADANENC", format version u16, flags u16,
               header length u32, records offset u64, record count u64
    offset 32  header: UTF-8 JSON (EncodingHeader), zero-padded to the records offset
    records    record_count fixed-size records, RECORD layout below, starting 64-byte aligned
    trailer    32 bytes: SHA-256 of every byte before it

Record (itemsize 24 + 8*blocking keys + 8*filter words, a multiple of 8 so uint64 views work):
    pseudo_id u64 | identity u64 (keyed NIK token, 0 = none) | stratum u16 | flags u16 |
    reserved u32 (zero) |
    blocks u64[k] (keyed blocking tokens, 0 = none) | filter u64[w] (bit i of the filter is bit
    i % 64 of word i // 64; unused high bits are zero)

The linker imports this module and nothing else from the encoder.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict, ValidationError

from padan.encoder.errors import EncodingFileError
from padan.i18n import _

MAGIC = b"PADANENC"
# 2: filters may be segments salted per record (schema version 2). Files of version 1 carry the
# unsalted default encoding that pattern mining re-identifies, and are refused.
FORMAT_VERSION = 2
_PRELUDE = struct.Struct("<8sHHIQQ")
_ALIGN = 64
_TRAILER = 32
_CHUNK = 1 << 24

# Record flags: facts the linker may use for blocking and weighting.
FLAG_NIK_VALID = 1 << 0
FLAG_BIRTHDATE_PLACEHOLDER = 1 << 1
FLAG_NIK_BIRTHDATE_DISAGREE = 1 << 2
FLAG_BIRTHDATE_MISSING = 1 << 3


class SegmentInfo(BaseModel):
    """Bits [start, start + bits) of each filter; compared only between records whose salt
    column holds the same non-zero token ("identity" or a blocking key), or freely if None."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    start: int
    bits: int
    salt: str | None = None
    purpose: str = "compare"   # or "veto": see padan.encoder.schema.Segment
    # the schema fields it encodes: segments of the same fields are views of one comparison
    # (the linker's match model counts their evidence once)
    fields: list[str] = []
    kinds: list[str] = []     # their kinds: a match needs the name's agreement

    @property
    def words(self) -> tuple[int, int]:
        return self.start // 64, (self.start + self.bits) // 64


class EncodingHeader(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    format_version: int = FORMAT_VERSION
    project_id: str
    schema_fingerprint: str
    key_check: str
    filter_bits: int
    record_count: int
    blocking_keys: list[str]
    stratum: str | None = None
    created_at: str
    encoder: str = "padan"
    segments: list[SegmentInfo] = []

    @property
    def filter_words(self) -> int:
        return (self.filter_bits + 63) // 64


def record_dtype(filter_words: int, blocking_keys: int) -> np.dtype:
    """The numpy dtype of one record; see the module docstring for the layout.

    Every byte is a field: NumPy copies a structured record field by field, and bytes no field
    covers (padding) came out of a gather as whatever memory held before, then went into the
    file. `reserved` is written as zero (np.zeros, and copied as a field since)."""
    blocks_at = 24
    filter_at = blocks_at + 8 * blocking_keys
    spec = {
        "names": ["pseudo_id", "identity", "stratum", "flags", "reserved", "blocks", "filter"],
        "formats": [
            "<u8", "<u8", "<u2", "<u2", "<u4", ("<u8", (blocking_keys,)),
            ("<u8", (filter_words,)),
        ],
        "offsets": [0, 8, 16, 18, 20, blocks_at, filter_at],
        "itemsize": filter_at + 8 * filter_words,
    }
    return np.dtype(spec)


def new_records(count: int, filter_words: int, blocking_keys: int) -> np.ndarray:
    return np.zeros(count, dtype=record_dtype(filter_words, blocking_keys))


def _header_bytes(header: EncodingHeader) -> tuple[bytes, int]:
    text = json.dumps(header.model_dump(), sort_keys=True, separators=(",", ":")).encode()
    records_offset = -(-(_PRELUDE.size + len(text)) // _ALIGN) * _ALIGN
    prelude = _PRELUDE.pack(
        MAGIC, FORMAT_VERSION, 0, len(text), records_offset, header.record_count)
    return prelude + text.ljust(records_offset - _PRELUDE.size, b"\0"), records_offset


def write_encoding_file(path: Path, header: EncodingHeader,
                        records: np.ndarray | Iterable[np.ndarray]) -> None:
    """Write header, records and checksum atomically (temp file, then rename).

    `records` is one array or an iterable of arrays (chunks), so a file larger than memory can
    be written from a memory-mapped or generated source.
    """
    expected = record_dtype(header.filter_words, len(header.blocking_keys))
    chunks = [records] if isinstance(records, np.ndarray) else records
    head, _ = _header_bytes(header)
    tmp = path.with_name(path.name + ".partial")
    digest = hashlib.sha256()
    written = 0
    try:
        with open(tmp, "wb") as out:
            digest.update(head)
            out.write(head)
            for chunk in chunks:
                if chunk.dtype != expected:
                    raise ValueError("records do not have the header's record dtype")
                data = np.ascontiguousarray(chunk).view(np.uint8).reshape(-1)
                for i in range(0, len(data), _CHUNK):
                    block = data[i:i + _CHUNK]
                    digest.update(block)
                    out.write(block.tobytes())
                written += len(chunk)
            if written != header.record_count:
                raise ValueError(f"wrote {written} records, header says {header.record_count}")
            out.write(digest.digest())
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def new_header(*, project_id: str, schema_fingerprint: str, key_check: str, filter_bits: int,
               record_count: int, blocking_keys: list[str], stratum: str | None,
               segments: Iterable[SegmentInfo | dict] = ()) -> EncodingHeader:
    return EncodingHeader(
        project_id=project_id, schema_fingerprint=schema_fingerprint, key_check=key_check,
        filter_bits=filter_bits, record_count=record_count, blocking_keys=blocking_keys,
        stratum=stratum, created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        segments=list(segments))


SWEEP_RECORDS = 1 << 16   # records read at a time by EncodingFile.record_field


@dataclass(frozen=True, slots=True)
class EncodingFile:
    """An opened encoding file: its header and a read-only memory map of its records."""

    path: Path
    header: EncodingHeader
    records: np.ndarray
    _small: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def filters(self) -> np.ndarray:
        """(n, words) uint64 view of the filters, without copying."""
        return self.records["filter"]

    def record_field(self, name: str) -> np.ndarray:
        """A copy of one of the records' small fields (pseudo_id, identity, stratum, flags,
        blocks). On first use all of them are read together, in one forward sweep of the file,
        and kept (36 bytes a record with two blocking keys): `records[name]` is a view that
        reads every page of the file (a record is mostly its filter), each time it is read,
        when the file is not in the page cache."""
        if not self._small:
            names = [n for n in self.records.dtype.names if n not in ("filter", "reserved")]
            small = {n: np.empty((len(self), *self.records.dtype[n].shape),
                                 self.records.dtype[n].base) for n in names}
            for start in range(0, len(self), SWEEP_RECORDS):
                part = self.records[start:start + SWEEP_RECORDS]
                for n in names:
                    small[n][start:start + len(part)] = part[n]
            self._small.update(small)
        return self._small[name]

    def __len__(self) -> int:
        return len(self.records)


def read_header(path: Path) -> tuple[EncodingHeader, int]:
    """Parse and check prelude and header; return the header and the records offset."""
    name = str(path)
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            prelude = handle.read(_PRELUDE.size)
            if len(prelude) < _PRELUDE.size or not prelude.startswith(MAGIC):
                raise EncodingFileError(_("not a padan encoding file (bad magic bytes)"),
                                        path=name)
            _magic, version, _flags, header_len, records_offset, count = _PRELUDE.unpack(
                prelude)
            if version != FORMAT_VERSION:
                older = version < FORMAT_VERSION
                raise EncodingFileError(
                    _("encoding format version {version} is not supported (this padan reads "
                      "version {supported}); ").format(version=version, supported=FORMAT_VERSION)
                    + (_("files of older versions carry an encoding that leaks names: re-encode "
                         "the list with 'padan encode' and a schema from 'padan schema init'")
                       if older else _("upgrade padan to read it")), path=name)
            if records_offset < _PRELUDE.size + header_len or records_offset % _ALIGN:
                raise EncodingFileError(_("corrupted prelude (records offset)"), path=name)
            raw = handle.read(header_len)
    except FileNotFoundError:
        raise EncodingFileError(_("encoding file not found"), path=name) from None
    if len(raw) < header_len:
        raise EncodingFileError(_("file is truncated inside its header"), path=name)
    try:
        header = EncodingHeader.model_validate_json(raw)
    except ValidationError:
        raise EncodingFileError(_("corrupted header (not the expected JSON)"),
                                path=name) from None
    if header.record_count != count:
        raise EncodingFileError(_("corrupted header (record counts disagree)"), path=name)
    itemsize = record_dtype(header.filter_words, len(header.blocking_keys)).itemsize
    expected = records_offset + count * itemsize + _TRAILER
    if size < expected:
        raise EncodingFileError(
            _("file is truncated: {size} bytes, expected {expected}; copy or upload it "
              "again").format(size=size, expected=expected), path=name)
    if size > expected:
        raise EncodingFileError(_("file has {count} unexpected trailing bytes").format(
            count=size - expected), path=name)
    return header, records_offset


def verify_checksum(path: Path) -> None:
    """Recompute the SHA-256 over everything before the trailer; raise if it differs."""
    size = path.stat().st_size
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        remaining = size - _TRAILER
        while remaining > 0:
            block = handle.read(min(_CHUNK, remaining))
            if not block:
                break
            digest.update(block)
            remaining -= len(block)
        stored = handle.read(_TRAILER)
    if stored != digest.digest():
        raise EncodingFileError(_("checksum mismatch: the file is corrupted"), path=str(path))


def open_encoding_file(path: Path | str, *, verify: bool = True) -> EncodingFile:
    """Open an encoding file for reading; records are memory-mapped, never copied."""
    path = Path(path)
    header, offset = read_header(path)
    if verify:
        verify_checksum(path)
    dtype = record_dtype(header.filter_words, len(header.blocking_keys))
    if header.record_count == 0:
        records = np.zeros(0, dtype=dtype)
    else:
        records = np.memmap(path, dtype=dtype, mode="r", offset=offset,
                            shape=(header.record_count,))
    return EncodingFile(path=path, header=header, records=records)


# -- versions of a list (padan.encoder.list_versions writes them; the linker compares them) ----

@dataclass(frozen=True, slots=True)
class VersionDelta:
    """How one version of a list differs from the one before, by pseudo-id (uint64 arrays)."""

    added: np.ndarray
    changed: np.ndarray
    removed: np.ndarray
    unchanged: int

    def to_dict(self) -> dict:
        return {"added": len(self.added), "changed": len(self.changed),
                "removed": len(self.removed), "unchanged": self.unchanged}


def same_records(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Per row, whether two structured arrays of one dtype hold equal records, field by field
    (`reserved` is not part of a record: files written before it was a field hold arbitrary
    bytes there)."""
    same = np.ones(len(left), bool)
    for name in left.dtype.names:
        if name == "reserved":
            continue
        a, b = np.asarray(left[name]), np.asarray(right[name])
        equal = a == b
        same &= equal.reshape(len(left), -1).all(axis=1)
    return same


def same_records_at(left: np.ndarray, left_rows: np.ndarray, right: np.ndarray,
                    right_rows: np.ndarray, *, chunk: int = 1 << 16) -> np.ndarray:
    """same_records(left[left_rows], right[right_rows]), gathered a chunk of rows at a time:
    gathering two 1 M-record lists whole (700 MB of fresh copies) cost three times as much."""
    same = np.empty(len(left_rows), bool)
    for start in range(0, len(left_rows), chunk):
        end = start + chunk
        same[start:end] = same_records(left[left_rows[start:end]], right[right_rows[start:end]])
    return same


def version_delta(previous: np.ndarray, current: np.ndarray) -> VersionDelta:
    """Compare two versions' records (structured arrays of one dtype) by pseudo-id."""
    old_ids = np.asarray(previous["pseudo_id"], np.uint64)
    new_ids = np.asarray(current["pseudo_id"], np.uint64)
    both, in_old, in_new = np.intersect1d(old_ids, new_ids, assume_unique=True,
                                          return_indices=True)
    same = same_records_at(previous, in_old, current, in_new)
    return VersionDelta(added=np.setdiff1d(new_ids, old_ids, assume_unique=True),
                        changed=both[~same],
                        removed=np.setdiff1d(old_ids, new_ids, assume_unique=True),
                        unchanged=int(same.sum()))
