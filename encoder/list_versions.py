"""Versions of a list: the same row keeps its pseudo-id, and what changed is written apart.

An agency that sends its list every month names a record key column it chooses (its own ID
column): `padan encode` then keeps a key map NAME.keys.csv (key <-> pseudo-id, mode 0600, stays
at the agency like the id map). Encoding the next version with `--previous LAST.padan` reads
LAST.keys.csv: a key seen before keeps its pseudo-id, a new key gets a fresh random one (never
one the list used before), and the versions are compared record by record:

  NAME.padan          the whole new version (upload this, or the delta)
  NAME.delta.padan    only the records added or changed since LAST.padan
  NAME.removed.csv    the pseudo-ids of LAST.padan that the new version no longer holds

So the linker sees which records changed and nothing more. The key is never written into any
file that leaves the agency: the pseudo-ids stay random 64-bit values drawn by the OS.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import numpy as np

from padan.encoder.encoding_file import EncodingFile
from padan.encoder.errors import InputError, InputFileError
from padan.encoder.pseudo_ids import parse_pseudo_id, pseudo_id_texts, random_pseudo_ids
from padan.i18n import _

KEY_MAP_COLUMNS = ("key", "pseudo_id")
REMOVED_COLUMNS = ("pseudo_id",)
_KEY_FIELD = "record key"   # the name errors give the key column's field


def stem_of(output: Path) -> str:
    return output.name[: -len(".padan")] if output.name.endswith(".padan") else output.name


def key_map_path(output: Path) -> Path:
    """NAME.keys.csv next to NAME.padan: record key <-> pseudo-id, kept at the agency."""
    return output.with_name(stem_of(output) + ".keys.csv")


def delta_paths(output: Path) -> tuple[Path, Path]:
    """NAME.delta.padan (added and changed records) and NAME.removed.csv (withdrawn ids)."""
    stem = stem_of(output)
    return output.with_name(stem + ".delta.padan"), output.with_name(stem + ".removed.csv")


def read_record_keys(path: Path, column: str, rows: np.ndarray, *,
                     sheet: str | None = None) -> list[str]:
    """The key of each encoded row (`rows`, in that order), read as `padan encode` reads the
    list; refuses an empty or repeated key, naming the row and the column, never the value."""
    from padan.encoder.readers import iter_batches

    by_row: dict[int, str] = {}
    seen: dict[str, int] = {}
    for batch in iter_batches(path, {_KEY_FIELD: column}, sheet=sheet):
        for row, value in zip(batch.rows.tolist(), batch.columns[_KEY_FIELD], strict=True):
            text = "" if value is None else str(value).strip()
            if not text:
                raise InputError(_("the record key is empty; every row needs a key of its own"),
                                 field=column, row=row)
            first = seen.setdefault(text, row)
            if first != row:
                raise InputError(_("the record key repeats the key of row {first}; keys must "
                                   "be unique").format(first=first), field=column, row=row)
            by_row[row] = text
    return [by_row[row] for row in rows.tolist()]


def read_key_map(path: Path) -> dict[str, int]:
    """key -> pseudo-id, from NAME.keys.csv."""
    try:
        handle = open(path, encoding="utf-8", newline="")  # noqa: SIM115 - closed below
    except FileNotFoundError:
        raise InputFileError(_("key map not found: --previous needs the NAME.keys.csv that "
                               "encoding it with --key-column wrote next to it"),
                             path=str(path)) from None
    keys: dict[str, int] = {}
    with handle:
        reader = csv.reader(handle)
        if tuple(next(reader, ())) != KEY_MAP_COLUMNS:
            raise InputFileError(_("not a key map: expected the columns key,pseudo_id"),
                                 path=str(path))
        for cells in reader:
            if len(cells) != 2:
                raise InputFileError(_("line {line}: expected two cells").format(
                    line=reader.line_num), path=str(path))
            try:
                keys[cells[0]] = parse_pseudo_id(cells[1])
            except ValueError as exc:
                raise InputFileError(_("line {line}: {reason}").format(
                    line=reader.line_num, reason=exc), path=str(path)) from None
    return keys


def _private_text(path: Path):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)   # an older file keeps its mode on O_TRUNC
    return os.fdopen(fd, "w", encoding="utf-8", newline="")


def write_key_map(path: Path, keys: list[str], pseudo_ids: np.ndarray) -> None:
    """NAME.keys.csv, sorted by key, readable by its owner only (the keys are the agency's)."""
    order = sorted(range(len(keys)), key=keys.__getitem__)
    texts = pseudo_id_texts(np.asarray(pseudo_ids, np.uint64)[order])
    with _private_text(path) as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(KEY_MAP_COLUMNS)
        writer.writerows((keys[i], text) for i, text in zip(order, texts, strict=True))


def stable_pseudo_ids(keys: list[str], previous: dict[str, int]) -> np.ndarray:
    """A pseudo-id per key: the previous one where the key was there before, else a fresh
    random one that no previous key held."""
    ids = np.zeros(len(keys), np.uint64)
    fresh = []
    for i, key in enumerate(keys):
        known = previous.get(key)
        if known is None:
            fresh.append(i)
        else:
            ids[i] = known
    used = np.fromiter(previous.values(), np.uint64, len(previous))
    drawn = random_pseudo_ids(len(fresh))
    while True:
        clash = np.isin(drawn, used)
        if not clash.any():
            break
        drawn[clash] = random_pseudo_ids(int(clash.sum()))
        _, first = np.unique(drawn, return_index=True)
        if len(first) != len(drawn):
            drawn = random_pseudo_ids(len(fresh))
    ids[fresh] = drawn
    return ids


def check_same_project(previous: EncodingFile, header, path: Path) -> None:
    """--previous must be an encoding of this project with the same schema and secret."""
    for attribute in ("project_id", "schema_fingerprint", "key_check", "filter_bits"):
        if getattr(previous.header, attribute) != getattr(header, attribute):
            raise InputFileError(_("--previous was encoded with a different {what}; a version "
                                   "compares only with one of the same project, schema and "
                                   "secret").format(what=attribute), path=str(path))


def write_removed(path: Path, pseudo_ids: np.ndarray) -> None:
    with open(path, "w", encoding="ascii", newline="") as out:
        out.write(",".join(REMOVED_COLUMNS) + "\n")
        out.writelines(f"{text}\n" for text in pseudo_id_texts(np.sort(pseudo_ids)))


def read_removed(path: Path) -> np.ndarray:
    """The pseudo-ids of NAME.removed.csv (uint64)."""
    try:
        lines = path.read_text(encoding="ascii").splitlines()
    except (OSError, UnicodeDecodeError):
        raise InputFileError(_("not a readable list of removed pseudo-ids"),
                             path=str(path)) from None
    if not lines or lines[0].strip() != "pseudo_id":
        raise InputFileError(_("not a list of removed pseudo-ids: expected the column "
                               "pseudo_id"), path=str(path))
    values = []
    for line, text in enumerate(lines[1:], start=2):
        if text.strip():
            try:
                values.append(parse_pseudo_id(text))
            except ValueError as exc:
                raise InputFileError(_("line {line}: {reason}").format(line=line, reason=exc),
                                     path=str(path)) from None
    return np.array(values, np.uint64)
