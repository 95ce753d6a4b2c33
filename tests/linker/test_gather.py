"""linker/gather.py reads rows in file order and hands them back in the order asked for."""

from __future__ import annotations

import numpy as np
import pytest

from padan.linker import gather


@pytest.mark.parametrize("columns", [slice(None), slice(2, 5), slice(0, 1), slice(7, 7)])
def test_same_as_a_plain_gather(tmp_path, monkeypatch, columns):
    monkeypatch.setattr(gather, "CHUNK", 64)   # several chunks
    rng = np.random.default_rng(4)
    matrix = rng.integers(0, 2**63, (500, 8), dtype=np.uint64)
    matrix.tofile(tmp_path / "m")
    mapped = np.memmap(tmp_path / "m", dtype=np.uint64, mode="r", shape=(500, 8))
    for rows in (rng.integers(0, 500, 1000), rng.permutation(500), np.arange(500)[::-1],
                 np.array([3]), np.array([], np.int64), np.array([9, 9, 9, 2])):
        got = gather.gather_rows(mapped, rows, columns)
        assert got.flags.c_contiguous and got.dtype == np.uint64
        assert np.array_equal(got, matrix[rows, columns])


def test_rows_are_read_in_ascending_order(monkeypatch):
    """The point of it: each chunk asks the memory map for ascending rows."""
    asked = []

    class Recording(np.ndarray):
        def __getitem__(self, key):
            if isinstance(key, tuple) and isinstance(key[0], np.ndarray):
                asked.append(key[0].copy())
            return np.asarray(self)[key]

    monkeypatch.setattr(gather, "CHUNK", 100)
    matrix = np.arange(1000 * 4, dtype=np.uint64).reshape(1000, 4).view(Recording)
    rows = np.random.default_rng(5).permutation(1000)
    got = gather.gather_rows(matrix, rows, slice(1, 3))
    assert np.array_equal(got, np.asarray(matrix)[rows, 1:3])
    assert len(asked) == 10 and all(np.all(np.diff(a) > 0) for a in asked)
    assert np.all(np.diff(np.concatenate(asked)) > 0)   # one forward sweep
