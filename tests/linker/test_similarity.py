from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from padan.linker.errors import ParameterError
from padan.linker.similarity import (
    KERNELS,
    dice,
    dice_pairs,
    dice_pairs_numba,
    dice_pairs_numpy,
)
from tests.linker.conftest import noisy_copies, random_filters


def assert_same(x, y):
    x, y = x.sorted(), y.sorted()
    assert np.array_equal(x.left, y.left)
    assert np.array_equal(x.right, y.right)
    assert np.array_equal(x.score, y.score)


def test_public_kernel_is_the_fast_one():
    assert dice_pairs is KERNELS["numba"]
    assert set(KERNELS) >= {"numpy", "numba"}


@pytest.mark.parametrize("bits", [64, 65, 100, 127, 128, 1000, 1024, 1090, 2048, 4096, 8192])
@pytest.mark.parametrize("same", [False, True])
def test_numba_equals_numpy_for_every_filter_length(bits, same):
    rng = np.random.default_rng(bits)
    left = random_filters(rng, 70, bits)
    right = left if same else np.concatenate([noisy_copies(rng, left[:40]),
                                              random_filters(rng, 30, bits)])
    for threshold in (0.3, 0.7, 0.9, 1.0):
        expected = dice_pairs_numpy(left, right, threshold, same=same)
        assert_same(dice_pairs_numba(left, right, threshold, same=same), expected)
    if not same:
        assert len(dice_pairs_numpy(left, right, 0.7)) >= 40   # the noisy copies are found


@settings(max_examples=40, deadline=None)
@given(words=st.integers(1, 130), left_rows=st.integers(0, 40), right_rows=st.integers(0, 40),
       threshold=st.floats(0.05, 1.0), same=st.booleans(), seed=st.integers(0, 2**32 - 1),
       empty_rows=st.integers(0, 3))
def test_numba_equals_numpy_on_random_inputs(words, left_rows, right_rows, threshold, same,
                                             seed, empty_rows):
    rng = np.random.default_rng(seed)
    left = random_filters(rng, left_rows, words * 64, rng.uniform(0.05, 0.6))
    left[:empty_rows] = 0
    right = left if same else noisy_copies(rng, left[rng.integers(0, max(left_rows, 1),
                                                                  right_rows) % max(left_rows, 1)]
                                           ) if left_rows else random_filters(rng, right_rows,
                                                                              words * 64)
    result = dice_pairs_numba(left, right, threshold, same=same)
    assert_same(result, dice_pairs_numpy(left, right, threshold, same=same))
    assert np.all((result.score >= threshold) & (result.score <= 1.0))
    if same:
        assert np.all(result.left < result.right)


@settings(max_examples=50, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), words=st.integers(1, 32))
def test_dice_is_symmetric_and_in_unit_interval(seed, words):
    rng = np.random.default_rng(seed)
    a, b = random_filters(rng, 2, words * 64, rng.uniform(0, 0.8))
    assert dice(a, b) == dice(b, a)
    assert 0.0 <= dice(a, b) <= 1.0
    forward = dice_pairs_numba(a[None], b[None], 0.01)
    backward = dice_pairs_numba(b[None], a[None], 0.01)
    assert np.array_equal(forward.score, backward.score)


def test_identical_filters_score_one_and_empty_filters_never_match():
    rng = np.random.default_rng(1)
    a = random_filters(rng, 3, 1024)
    result = dice_pairs_numba(a, a.copy(), 1.0)
    assert set(zip(result.left.tolist(), result.right.tolist(), strict=True)) >= {(0, 0), (1, 1),
                                                                                (2, 2)}
    assert np.all(result.score == 1.0)
    empty = np.zeros((4, 16), np.uint64)
    assert dice(empty[0], empty[1]) == 0.0
    assert len(dice_pairs_numba(empty, empty, 0.01)) == 0
    assert len(dice_pairs_numpy(empty, empty, 0.01)) == 0


def test_empty_inputs_give_empty_results():
    none = np.zeros((0, 16), np.uint64)
    some = random_filters(np.random.default_rng(2), 5, 1024)
    for kernel in KERNELS.values():
        assert len(kernel(none, some, 0.5)) == 0
        assert len(kernel(some, none, 0.5)) == 0
        assert len(kernel(none, none, 0.5, same=True)) == 0


@pytest.mark.parametrize("threshold", [0.0, -0.1, 1.5])
def test_threshold_out_of_range_is_refused(threshold):
    some = random_filters(np.random.default_rng(3), 2, 128)
    with pytest.raises(ParameterError, match="threshold"):
        dice_pairs(some, some, threshold)


def test_mismatched_inputs_are_refused():
    a = random_filters(np.random.default_rng(4), 2, 128)
    with pytest.raises(ParameterError, match="words per filter"):
        dice_pairs(a, a[:, :1].copy(), 0.5)
    with pytest.raises(ParameterError, match="uint64"):
        dice_pairs(a.astype(np.int64), a, 0.5)


@pytest.mark.parametrize("same", [False, True])
def test_every_early_exit_position_gives_the_same_pairs(monkeypatch, same):
    """The exit position only changes speed: every split, from none to the last vector."""
    from padan.linker import similarity

    rng = np.random.default_rng(12)
    left = np.concatenate([random_filters(rng, 150, 1100, fill) for fill in (0.2, 0.4, 0.6)])
    right = left if same else np.concatenate([noisy_copies(rng, left[::3], 0.1),
                                              random_filters(rng, 100, 1100, 0.3)])
    vectors = (left.shape[1] + 3) // 4
    for threshold in (0.45, 0.6, 0.75, 0.9):
        expected = dice_pairs_numpy(left, right, threshold, same=same)
        for half in range(vectors):
            monkeypatch.setattr(similarity, "early_exit_vector", lambda *_, half=half: half)
            assert_same(dice_pairs_numba(left, right, threshold, same=same), expected)


def test_early_exit_position_follows_threshold_and_density():
    from padan.linker.similarity import early_exit_vector

    rng = np.random.default_rng(13)
    sparse, dense = random_filters(rng, 50, 2048, 0.2), random_filters(rng, 50, 2048, 0.5)
    assert early_exit_vector(sparse, sparse, 0.9) < early_exit_vector(sparse, sparse, 0.6)
    assert early_exit_vector(sparse, sparse, 0.7) < early_exit_vector(dense, dense, 0.7)
    assert 1 <= early_exit_vector(dense, dense, 0.8) <= 7
    assert early_exit_vector(dense, dense, 0.5) == 0   # would come too late to pay: none
    assert early_exit_vector(sparse[:, :3], sparse[:, :3], 0.5) == 0   # one vector: no split


def test_many_passing_pairs_are_all_kept():
    """Dense filters at a low threshold: nearly every pair passes, far beyond a first buffer."""
    rng = np.random.default_rng(14)
    left, right = random_filters(rng, 400, 1024, 0.6), random_filters(rng, 700, 1024, 0.6)
    result = dice_pairs_numba(left, right, 0.5)
    assert len(result) > 0.9 * 400 * 700
    assert_same(result, dice_pairs_numpy(left, right, 0.5))


@pytest.mark.parametrize("same", [False, True])
def test_rows_of_unlike_density_are_pruned_exactly(same):
    """Blocks dropped on popcounts alone (2 min(|a|, |b|) < t (|a| + |b|)) lose no pair: rows of
    interleaved densities put like and unlike rows in the same blocks."""
    rng = np.random.default_rng(15)
    fills = np.resize([0.05, 0.6, 0.3, 0.1, 0.5], 200)
    left = np.concatenate([random_filters(rng, 1, 1024, fill) for fill in fills])
    right = left if same else noisy_copies(rng, left[rng.permutation(200)], 0.02)
    for threshold in (0.5, 0.7, 0.9):
        expected = dice_pairs_numpy(left, right, threshold, same=same)
        assert_same(dice_pairs_numba(left, right, threshold, same=same), expected)
        if not same and threshold == 0.5:
            assert len(expected) >= 190   # the copies
