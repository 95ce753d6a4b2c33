"""The records of a list in a random order, with memory bounded however long the list is.

The encoder stages a list's records in a file in the order it read them; the encoding file holds
them in a uniformly random order (the order of a list must not tell its rows). Gathering each
record from a random place of the staged file needs the whole file in memory (the page cache),
or the disk is read at random: at 10 M records (7.4 GB staged) in an 8 GiB memory cgroup that
gather took most of the encoder's time (docs/scaling.md). Here the output is cut into buckets of
consecutive positions (BUCKET_BYTES each): one sequential pass over the staged file appends each
record to its bucket's file; then each bucket is read whole, its records put in their places and
handed on. Every read and write is sequential; memory is one bucket and 16 bytes a record (the
permutation and its inverse). The records land exactly where the gather puts them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np

BUCKET_BYTES = 256 << 20   # records put in their places in memory at once
MAX_BUCKETS = 256          # open files of the scatter pass; past it, buckets grow instead
READ_CHUNK = 1 << 18       # staged records read at once in the scatter pass


def shuffled_chunks(staged: np.ndarray, order: np.ndarray, folder: Path, *,
                    bucket_bytes: int = BUCKET_BYTES) -> Iterator[np.ndarray]:
    """Record `order[j]` of `staged` at position j, as consecutive chunks (fresh arrays).

    `folder` holds the buckets' files while they live (the caller's temporary folder, on the
    disk of the output)."""
    total = len(order)
    per = max(1, bucket_bytes // staged.dtype.itemsize, -(-total // MAX_BUCKETS))
    if total <= per:   # one bucket: the list fits in memory as it is
        if total:
            yield np.array(staged[order])
        return
    buckets = -(-total // per)
    position = np.empty(total, np.int64)
    position[order] = np.arange(total)
    paths = [folder / f"bucket-{k}.tmp" for k in range(buckets)]
    try:
        _scatter(staged, position // per, paths)
        size = staged.dtype.itemsize
        for k, path in enumerate(paths):
            # as bytes, so that every byte of a record moves (a structured copy would leave its
            # padding to np.empty: whatever memory held before, into the file)
            records = np.fromfile(path, dtype=np.uint8).reshape(-1, size)
            path.unlink()
            first = k * per
            in_staged_order = np.sort(order[first:first + per])   # as the scatter wrote them
            out = np.empty((len(records), size), np.uint8)
            out[position[in_staged_order] - first] = records
            yield out.reshape(-1).view(staged.dtype)
    finally:
        for path in paths:
            path.unlink(missing_ok=True)


def _scatter(staged: np.ndarray, bucket: np.ndarray, paths: list[Path]) -> None:
    """Append each staged record, in staged order, to the file of its bucket."""
    with contextlib.ExitStack() as stack:
        files = [stack.enter_context(open(path, "wb")) for path in paths]
        edges = np.arange(len(paths) + 1)
        for start in range(0, len(staged), READ_CHUNK):
            chunk = np.asarray(staged[start:start + READ_CHUNK])
            of_chunk = bucket[start:start + READ_CHUNK]
            by_bucket = np.argsort(of_chunk, kind="stable")
            cuts = np.searchsorted(of_chunk[by_bucket], edges)
            for k in np.flatnonzero(np.diff(cuts)).tolist():
                files[k].write(chunk[by_bucket[cuts[k]:cuts[k + 1]]].tobytes())
