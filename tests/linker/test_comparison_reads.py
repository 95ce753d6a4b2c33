"""The comparison vectors read each segment's words in file order: one forward sweep of each
list a segment, whatever order the pairs come in (linker/comparison.py, _Pairs)."""

from __future__ import annotations

import numpy as np
import pytest
from versions_helpers import NAMES, Versions, encoded_pool

from padan.linker import comparison
from padan.linker.comparison import compare


@pytest.fixture(scope="module")
def lists(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reads")
    versions = Versions(encoded_pool(folder / "pool"), np.random.default_rng(8), folder)
    versions.start(NAMES[:2])
    return [p.encodings for p in versions.parties()]


def shuffled_pairs(lists, seed: int, within: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Every pair across the two lists and `within` pairs within the first, in a random
    order."""
    rng = np.random.default_rng(seed)
    a, b = np.meshgrid(np.arange(len(lists[0])), len(lists[0]) + np.arange(len(lists[1])),
                       indexing="ij")
    a = np.r_[a.reshape(-1), rng.integers(0, len(lists[0]), within)]
    b = np.r_[b.reshape(-1), rng.integers(0, len(lists[0]), within)]
    order = rng.permutation(len(a))
    return a[order], b[order]


def vectors_equal(mine, theirs) -> bool:
    return all(np.array_equal(getattr(mine, c), getattr(theirs, c))
               for c in ("levels", "name_dice", "other_dice", "same_identity"))


def test_the_slice_size_and_the_pair_order_change_nothing(lists):
    a, b = shuffled_pairs(lists, 1, within=500)
    whole = compare(lists, a, b, chunk=len(a))
    assert vectors_equal(compare(lists, a, b, chunk=97), whole)
    order = np.random.default_rng(2).permutation(len(a))
    again = compare(lists, a[order], b[order], chunk=211)
    assert all(np.array_equal(getattr(again, c), getattr(whole, c)[order])
               for c in ("levels", "name_dice", "other_dice", "same_identity"))
    assert (whole.name_dice >= 0).any() and (whole.levels[:, 0] == 8).any()   # a real mix


def test_each_segment_sweeps_each_list_forward_once(lists, monkeypatch):
    asked: dict[tuple, list[np.ndarray]] = {}
    original = comparison.gather_rows

    def recording(matrix, rows, columns=slice(None)):
        key = (matrix.ctypes.data, columns.start, columns.stop)   # which list, which words
        asked.setdefault(key, []).append(np.array(rows))
        return original(matrix, rows, columns)

    monkeypatch.setattr(comparison, "gather_rows", recording)
    a, b = shuffled_pairs(lists, 3)
    compare(lists, a, b, chunk=97)
    assert {key[1:] for key in asked} == {s.words for s in lists[0].header.segments}
    for calls in asked.values():
        rows = np.concatenate(calls)
        assert np.all(np.diff(rows) >= 0)   # one forward sweep, however many slices
    # the right-hand records' words are read once each, in one gather a segment
    right_list = lists[1].filters.ctypes.data
    for key, calls in asked.items():
        if key[0] == right_list:
            assert len(calls) == 1 and np.all(np.diff(calls[0]) > 0)
