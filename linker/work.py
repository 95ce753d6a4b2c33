"""One unit of work: one blocking pass over one partition of one pair of lists.

Units are independent and picklable. On another process or machine they carry the paths of the
encoding files, which the worker memory-maps (opened once per process), so filters never travel.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from padan.encoder.encoding_file import EncodingFile, open_encoding_file
from padan.i18n import _
from padan.linker.blocking import (
    Buckets,
    LshSettings,
    PassSpec,
    make_buckets,
    nameless_pairs,
    pass_keys,
)
from padan.linker.columns import column
from padan.linker.errors import LinkerError
from padan.linker.executors import parallel_kernels
from padan.linker.fetched import fetch, is_remote
from padan.linker.gather import distinct_rows, gather_rows
from padan.linker.recent import RecentByFile
from padan.linker.similarity import CandidatePairs, rowwise_dice, score_buckets

_OPENED: dict[tuple[str, int], EncodingFile] = {}
_TEMPORARY: list[tempfile.TemporaryDirectory] = []
# A pass's keys of one list serve every unit of that pass that reads the list (the pair and the
# list's own dedup).
KEYS_KEPT = 4
_KEYS: RecentByFile[np.ndarray] = RecentByFile(KEYS_KEPT)
VETO_SLICE = 1 << 20   # pairs whose veto words are gathered at once


@dataclass(frozen=True, slots=True)
class Unit:
    left: int                        # party index
    right: int                       # party index; equal to left for within-list duplicates
    sources: tuple[EncodingFile | str, EncodingFile | str]
    names: tuple[str, str]           # party names, for error messages
    spec: PassSpec
    partition: int
    partitions: int
    max_block_size: int
    lsh: LshSettings
    threshold: float                 # pairs kept
    floor: float                     # best scores tracked
    threads: int | None = None
    kernel: str = "auto"             # similarity.KERNEL_NAMES
    veto_threshold: float = 0.0      # pairs whose veto segments' Dice is below this are dropped

    @property
    def same(self) -> bool:
        return self.left == self.right


@dataclass(frozen=True, slots=True)
class UnitResult:
    left: int
    right: int
    pass_name: str
    pairs: CandidatePairs            # row numbers in each party's own file; left < right if same
    best_left: tuple[np.ndarray, np.ndarray]    # (rows, scores) where a score >= floor was seen
    best_right: tuple[np.ndarray, np.ndarray]
    comparisons: int
    oversized: int
    skipped_records: int
    seconds: float


def resolve(source: EncodingFile | str, name: str) -> EncodingFile:
    """The opened encoding file of a unit's source (re-opened once per worker process): a path
    every worker sees, or an fsspec URL (a remote store) copied here once."""
    if isinstance(source, EncodingFile):
        return source
    try:
        path = fetch(source, _fetch_directory()) if is_remote(source) else Path(source)
        key = (source, path.stat().st_mtime_ns)
    except OSError:
        raise LinkerError(_("party '{party}': encoding file {path} is not readable on this "
                            "worker; every worker must see the run's files").format(
                                party=name, path=source)) from None
    if key not in _OPENED:
        if len(_OPENED) >= 8:   # an old run's maps are released, and their fetched copies
            _OPENED.clear()
            _KEYS.clear()
            shutil.rmtree(_fetch_directory(), ignore_errors=True)
        _OPENED[key] = open_encoding_file(path, verify=False)
    return _OPENED[key]


def _fetch_directory() -> Path:
    """Where this process keeps copies of remote encodings: a Dask worker's own directory
    (removed with the worker), else a temporary directory removed at exit."""
    try:
        from distributed import get_worker

        return Path(get_worker().local_directory) / "padan-fetched"
    except (ImportError, ValueError):
        if not _TEMPORARY:
            _TEMPORARY.append(tempfile.TemporaryDirectory(prefix="padan-fetched-"))
        return Path(_TEMPORARY[0].name)


def keys_of(encodings: EncodingFile, spec: PassSpec, lsh: LshSettings) -> np.ndarray:
    """pass_keys, remembered for the last few (list, pass) pairs of this process."""
    def make() -> np.ndarray:
        keys = pass_keys(encodings, spec, lsh)
        keys.flags.writeable = False   # shared between units
        return keys

    return _KEYS.get(encodings, (spec, lsh), make)


def forget_keys() -> None:
    """Drop this process's remembered keys (the engine does so after each run)."""
    _KEYS.clear()


def _filters(encodings: EncodingFile, rows: np.ndarray, words: tuple[int, int] | None,
             columns: bool = False) -> np.ndarray:
    """The filters (or the segment `words` of them) of `rows`, contiguous for the kernel. Only
    the segment's words are gathered: whole rows of a million records would be 320 MB more.
    With `columns`, from the segment's own copy (linker/columns.py) rather than the file."""
    if words is None:   # the whole filter
        words = (0, encodings.filters.shape[1])
    matrix, wanted = _words_of(encodings, words, columns)
    return gather_rows(matrix, rows, wanted)


def _words_of(encodings: EncodingFile, words: tuple[int, int], columns: bool
              ) -> tuple[np.ndarray, slice]:
    """Where to read the `words` of every record: the file, or (columns) the segment's copy."""
    if columns:
        return column(encodings, words), slice(None)
    return encodings.filters, slice(*words)


def _without_vetoed(pairs: CandidatePairs, left: EncodingFile, right: EncodingFile,
                    words: tuple[int, int], threshold: float, columns: bool = False
                    ) -> CandidatePairs:
    """Drop pairs whose veto segments are both set and agree less than `threshold` (Dice).

    Only the veto words are gathered, and each row's once: a birthdate-salted pass brings
    millions of pairs over a few million rows, and whole filters of each pair would outweigh
    everything else. The rows are read in file order (linker/gather.py), then the pairs are
    compared a slice at a time."""
    left_words, left_at = _rows_words(left, pairs.left, words, columns)
    right_words, right_at = _rows_words(right, pairs.right, words, columns)
    keep = np.ones(len(pairs), bool)
    for start in range(0, len(pairs), VETO_SLICE):
        part = slice(start, start + VETO_SLICE)
        dice, both = rowwise_dice(left_words[left_at[pairs.left[part]]],
                                  right_words[right_at[pairs.right[part]]])
        keep[part] = ~both | (dice >= threshold)
    return CandidatePairs(pairs.left[keep], pairs.right[keep], pairs.score[keep])


def _rows_words(encodings: EncodingFile, rows: np.ndarray, words: tuple[int, int],
                columns: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The `words` of each distinct row in `rows`, and where each row of the file is in them."""
    distinct, at = distinct_rows(rows, len(encodings))
    matrix, wanted = _words_of(encodings, words, columns)
    return gather_rows(matrix, distinct, wanted), at


def run_unit(unit: Unit) -> UnitResult:
    started = time.perf_counter()
    left = resolve(unit.sources[0], unit.names[0])
    right = left if unit.same else resolve(unit.sources[1], unit.names[1])
    buckets = _buckets(unit, left, right)
    # a pass cut into partitions reads each record's words from a copy made once per process
    # (linker/columns.py), not from the whole file once per partition
    columns = unit.partitions > 1
    left_filters = _filters(left, buckets.left_rows, unit.spec.words, columns)
    right_filters = (left_filters if unit.same
                     else _filters(right, buckets.right_rows, unit.spec.words, columns))
    with parallel_kernels():   # a Dask worker's threads may not share numba's workqueue layer
        if unit.threads:
            import numba

            numba.set_num_threads(min(unit.threads, numba.config.NUMBA_NUM_THREADS))
        scored = score_buckets(unit.kernel, left_filters, right_filters, buckets.left_ranges,
                               buckets.right_ranges, unit.threshold, floor=unit.floor,
                               same=unit.same)
    pairs = scored.pairs
    if not unit.same:
        pairs = with_nameless(pairs, unit.spec, left_filters, right_filters, buckets)
    i = buckets.left_rows[pairs.left]
    j = buckets.right_rows[pairs.right]
    if unit.same:
        i, j = np.minimum(i, j), np.maximum(i, j)
    pairs = CandidatePairs(i, j, pairs.score)
    if unit.spec.veto is not None and len(pairs):
        pairs = _without_vetoed(pairs, left, right, unit.spec.veto, unit.veto_threshold,
                                columns)
    return UnitResult(unit.left, unit.right, unit.spec.name, pairs,
                      _seen(buckets.left_rows, scored.best_left),
                      _seen(buckets.right_rows, scored.best_right), scored.comparisons,
                      buckets.oversized, buckets.skipped_records,
                      time.perf_counter() - started)


def with_nameless(pairs: CandidatePairs, spec: PassSpec, left_filters: np.ndarray,
                  right_filters: np.ndarray, buckets: Buckets) -> CandidatePairs:
    """The kernel's pairs (rows into the filters) and the NIK pass's pairs where a name is
    missing (blocking.nameless_pairs), scored 0: the match model decides them."""
    i, j = nameless_pairs(spec, left_filters, right_filters, buckets.left_ranges,
                          buckets.right_ranges)
    if not len(i):
        return pairs
    return CandidatePairs(np.concatenate([pairs.left, i]), np.concatenate([pairs.right, j]),
                          np.concatenate([pairs.score, np.zeros(len(i), np.float32)]))


def _buckets(unit: Unit, left: EncodingFile, right: EncodingFile) -> Buckets:
    if unit.spec.kind == "none":
        # every pair: cut the left list into partitions, each against the whole right list
        if unit.same and unit.partition > 0:
            rows = np.zeros(0, np.int64)
            ranges = np.zeros((0, 2), np.int64)
            return Buckets(rows, rows, ranges, ranges, 0, 0)
        rows = np.arange(len(left), dtype=np.int64)
        if not unit.same:
            rows = rows[rows % unit.partitions == unit.partition]
        others = rows if unit.same else np.arange(len(right), dtype=np.int64)
        return Buckets(rows, others, np.array([[0, len(rows)]]), np.array([[0, len(others)]]),
                       0, 0)
    left_keys = keys_of(left, unit.spec, unit.lsh)
    right_keys = None if unit.same else keys_of(right, unit.spec, unit.lsh)
    return make_buckets(left_keys, right_keys, max_block_size=unit.max_block_size,
                        partition=unit.partition, partitions=unit.partitions)


def _seen(rows: np.ndarray, best: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    hit = np.flatnonzero(best >= 0)
    return rows[hit], best[hit]
