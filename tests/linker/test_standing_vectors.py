"""The kernels that make an incremental run quick give exactly what the plain ones give: the
distinct EM patterns, the bucket sizes, the pairs deduplicated across passes, and comparison
vectors carried over from the standing state."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from versions_helpers import NAMES, Versions, encoded_pool, write_version

from padan.linker.comparison import ComparisonVectors, bucket_sizes, compare, describe
from padan.linker.engine import _distinct
from padan.linker.match_model import distinct_patterns, fit
from padan.linker.model_scoring import REFUSED_WEIGHT, _weights_in_order
from padan.linker.similarity import CandidatePairs
from padan.linker.solver import Edges
from padan.linker.standing_vectors import CachedComparison


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1),
       sizes=st.lists(st.integers(1, 12), min_size=1, max_size=6), rows=st.integers(0, 300))
def test_distinct_patterns_are_np_unique(seed, sizes, rows):
    rng = np.random.default_rng(seed)
    levels = np.stack([rng.integers(0, s, rows) for s in sizes], axis=1).astype(np.uint8)
    levels = levels[rng.integers(0, max(rows, 1), rows)] if rows else levels
    patterns, counts = distinct_patterns(levels, sizes)
    expected, expected_counts = np.unique(levels, axis=0, return_counts=True)
    assert np.array_equal(patterns, expected) and patterns.dtype == expected.dtype
    assert np.array_equal(counts, expected_counts)


def test_distinct_patterns_of_a_huge_space_fall_back_to_np_unique():
    sizes = [250] * 8    # more codes than an int64 holds
    levels = np.random.default_rng(0).integers(0, 250, (500, 8)).astype(np.uint8)
    patterns, counts = distinct_patterns(np.concatenate([levels, levels[:50]]), sizes)
    assert len(patterns) == 500 and counts.sum() == 550


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), columns=st.integers(1, 3), rows=st.integers(0, 200))
def test_bucket_sizes_count_equal_rows(seed, columns, rows):
    tokens = np.random.default_rng(seed).integers(0, 4, (rows, columns)).astype(np.uint64)
    _, inverse, counts = np.unique(tokens, axis=0, return_inverse=True, return_counts=True)
    expected = counts[inverse.reshape(-1)]
    expected[(tokens == 0).any(axis=1)] = 0
    assert np.array_equal(bucket_sizes(tokens), expected)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), parts=st.integers(1, 4), rows=st.integers(0, 100))
def test_pairs_deduplicated_across_passes_keep_the_best_score(seed, parts, rows):
    rng = np.random.default_rng(seed)
    found = [CandidatePairs(rng.integers(0, 9, rows), rng.integers(0, 9, rows),
                            rng.choice(np.float32([0.6, 0.7, 0.9]), rows)) for _ in range(parts)]
    pairs = _distinct(found)
    left = np.concatenate([p.left for p in found])
    right = np.concatenate([p.right for p in found])
    best: dict[tuple[int, int], float] = {}
    for a, b, s in zip(left.tolist(), right.tolist(),
                       np.concatenate([p.score for p in found]).tolist(), strict=True):
        best[(a, b)] = max(best.get((a, b), -1.0), s)
    assert list(zip(pairs.left.tolist(), pairs.right.tolist(), strict=True)) == sorted(best)
    assert pairs.score.tolist() == [best[k] for k in sorted(best)]


@pytest.fixture(scope="module")
def pool(tmp_path_factory):
    return encoded_pool(tmp_path_factory.mktemp("pool"))


def started(versions: Versions) -> list:
    versions.start(NAMES[:2])
    return [p.encodings for p in versions.parties()]


def all_pairs(lists):
    """Every pair across the first two lists, as global record numbers."""
    a, b = np.meshgrid(np.arange(len(lists[0])), len(lists[0]) + np.arange(len(lists[1])),
                       indexing="ij")
    return a.reshape(-1), b.reshape(-1)


def same_vectors(mine, theirs) -> bool:
    return all(np.array_equal(getattr(mine, c), getattr(theirs, c))
               for c in ("levels", "name_dice", "other_dice", "same_identity"))


def test_carried_vectors_equal_computed_ones(pool, tmp_path):
    lists = started(Versions(pool, np.random.default_rng(4), tmp_path))
    a, b = all_pairs(lists)
    expected = compare(lists, a, b)
    known = np.random.default_rng(5).random(len(a)) < 0.7
    sizes = [len(e) for e in lists]
    first = CachedComparison(None, sizes)
    assert same_vectors(first(lists, a[known], b[known]), compare(lists, a[known], b[known]))
    second = CachedComparison(first.table, sizes)
    assert same_vectors(second(lists, a, b), expected)
    whole = CachedComparison(None, sizes)
    whole(lists, a, b)
    assert second.table.dtype == whole.table.dtype and len(second.table) == len(a)
    for column in ("left", "right", "left_row", "right_row", "name_dice", "other_dice",
                   "same_identity"):
        assert np.array_equal(second.table[column], whole.table[column]), column
    assert np.array_equal(second.table["levels"][:, :-1], whole.table["levels"][:, :-1])
    assert np.array_equal(second.table["levels"][:, -1] > 0, whole.table["levels"][:, -1] > 0)


def test_carried_vectors_take_the_new_bucket_sizes(pool, tmp_path):
    """A pair of unchanged records keeps its levels, but its frequency level follows the
    bucket sizes of the new versions: a carried level that kept the old size is caught."""
    lists = started(Versions(pool, np.random.default_rng(6), tmp_path))
    a, b = all_pairs(lists)
    first = CachedComparison(None, [len(e) for e in lists])
    first(lists, a, b)
    crowded = list(lists)
    records = np.concatenate([np.asarray(lists[1].records), np.asarray(lists[1].records)])
    records["pseudo_id"][len(lists[1]):] += np.uint64(1 << 62)
    crowded[1] = write_version(tmp_path / "twice.padan", lists[1], records)
    expected = compare(crowded, a, b)     # the same pairs, every bucket twice as crowded
    assert not np.array_equal(expected.levels[:, -1], first.table["levels"][:, -1])
    second = CachedComparison(first.table, [len(e) for e in crowded])
    assert same_vectors(second(crowded, a, b), expected)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), rows=st.integers(1, 400))
def test_weights_in_order_are_lexsort_by_weight_then_records(seed, rows):
    rng = np.random.default_rng(seed)
    comparisons = describe([], 64)
    sizes = [len(c.levels) for c in comparisons]
    levels = np.stack([rng.integers(0, min(s, 3), rows) for s in sizes], 1).astype(np.uint8)
    vectors = ComparisonVectors(comparisons, levels, rng.random(rows).astype(np.float32),
                                rng.random(rows) < 0.5)
    model = fit(vectors)
    allowed = rng.random(rows) < 0.8
    code = rng.choice(1 << 20, rows, replace=False)
    edges = Edges(code >> 10, (code & 1023) + (1 << 10), np.zeros(rows, np.float32))
    weight, order = _weights_in_order(model, vectors, allowed, edges)
    expected = np.where(allowed, model.match_weight(levels), REFUSED_WEIGHT)
    assert np.array_equal(weight, expected)
    assert np.array_equal(order, np.lexsort((edges.b, edges.a, -expected)))
