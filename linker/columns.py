"""One segment's words of every record of an encoding file, copied once into a file of their own.

A pass over large lists is cut into partitions by a hash of the blocking key (blocking.
partition_of), so the rows of one unit lie all over the encoding file. A record of the default
schema is 744 bytes and a pass reads 128 of them; a page holds five records, so gathering a
fifth of the rows reads nearly every page. While the encodings sit in the page cache that costs
little; when they do not (10 M records a list are 7.4 GB, in an 8 GiB memory cgroup), every
unit of a pass reads both whole files from disk again: docs/scaling.md measured the 10 M link
reading 1.5 GB/s for minutes at a few per cent of a core.

Here the first unit of a pass that needs a segment copies its words of every record, in one
forward sweep, into a temporary file (1.28 GB for 10 M records of a 1,024-bit segment), and
every later unit of the pass gathers from that file instead: a sixth of the bytes, contiguous,
and small enough to stay in the page cache. The file is memory-mapped, not held in the
process's memory, so the kernel can write its pages out and drop them under pressure. Its name
is removed as soon as it is mapped (in TMPDIR): the map keeps it, and its disk space goes back
when the map does (the least recently used beyond KEPT, `forget_columns` after a run, or the
process's end however it ends), so no copy outlives its process.
"""

from __future__ import annotations

import contextlib
import os
import tempfile

import numpy as np

from padan.encoder.encoding_file import EncodingFile
from padan.linker.recent import RecentByFile

KEPT = 4               # columns kept per process: a pass's two lists, its segment and its veto
SWEEP_ROWS = 1 << 16   # rows copied at a time

_COLUMNS: RecentByFile[np.ndarray] = RecentByFile(KEPT)


def column(encodings: EncodingFile, words: tuple[int, int]) -> np.ndarray:
    """(records, words) uint64: the `words` of every record, from a file made on first use."""
    return _COLUMNS.get(encodings, words, lambda: _copied(encodings, words))


def _copied(encodings: EncodingFile, words: tuple[int, int]) -> np.ndarray:
    filters = encodings.filters
    out = _mapped((len(filters), words[1] - words[0]))
    for start in range(0, len(filters), SWEEP_ROWS):
        out[start:start + SWEEP_ROWS] = filters[start:start + SWEEP_ROWS, words[0]:words[1]]
    return out


def _mapped(shape: tuple[int, int]) -> np.ndarray:
    """A writable uint64 array of `shape` in a temporary file whose name is already gone."""
    size = shape[0] * shape[1] * 8
    if size == 0:
        return np.zeros(shape, np.uint64)
    handle, name = tempfile.mkstemp(prefix="padan-column-", suffix=".words")
    try:
        os.ftruncate(handle, size)
        return np.memmap(name, np.uint64, "r+", shape=shape)
    finally:
        os.close(handle)
        with contextlib.suppress(OSError):   # where an open file cannot be removed, it stays
            os.unlink(name)                  # until the temporary folder is cleaned


def forget_columns() -> None:
    """Drop this process's columns (the engine does so after each run); their space goes back
    with their maps."""
    _COLUMNS.clear()
