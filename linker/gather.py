"""Rows of a memory-mapped encoding file, read in the order the file holds them.

The link reads filters in bucket order and in pair order: at random, for a memory map. While a
list's encodings sit in the page cache that costs little. When they do not fit beside the
link's own memory (10 M records of 5,632 bits are 7.4 GB a list), every row faults its own page
and the readahead around it is wasted: in an 8 GiB memory cgroup the 10 M link read the disk at
700-800 MB/s for tens of minutes and hardly advanced (docs/scaling.md). Taking the rows in
ascending order makes each gather one forward sweep over the file; the result is put back in
the order asked for, in memory.
"""

from __future__ import annotations

import numpy as np

CHUNK = 1 << 18   # rows gathered at once (with the column slice: one pass's words)


def gather_rows(matrix: np.ndarray, rows: np.ndarray, columns: slice = slice(None)
                ) -> np.ndarray:
    """`matrix[rows, columns]` as a fresh C-contiguous array, read in ascending row order."""
    rows = np.asarray(rows)
    if len(rows) < 2 or np.all(rows[1:] >= rows[:-1]):   # already in file order
        return np.ascontiguousarray(matrix[rows, columns])
    order = np.argsort(rows)   # any order of equal rows will do: they get the same words
    width = len(range(*columns.indices(matrix.shape[1])))
    out = np.empty((len(rows), width), matrix.dtype)
    for start in range(0, len(rows), CHUNK):
        part = order[start:start + CHUNK]
        out[part] = matrix[rows[part], columns]
    return out


def distinct_rows(rows: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of `rows` (row numbers below `size`) in ascending order, and for
    every row number where it is among them: `distinct[at[r]] == r` for each r in `rows`.
    Gathering the distinct rows once and indexing with `at` reads each row once however many
    pairs name it."""
    used = np.zeros(size, bool)
    used[rows] = True
    return np.flatnonzero(used), np.cumsum(used) - 1
