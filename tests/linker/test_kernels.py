"""Choosing the Dice kernel: lookup, the optional GPU kernel's registration and refusal, and the
same results through every kernel (the GPU path through dice_gpu's numpy backend in CI)."""

from __future__ import annotations

import functools
import subprocess
import sys

import numpy as np
import pytest

from padan.linker import dice_gpu, similarity
from padan.linker.engine import LinkParameters, Party, link
from padan.linker.errors import LinkerError, ParameterError
from padan.linker.similarity import KERNELS, kernel, score_buckets
from tests.linker.conftest import noisy_copies, random_filters


def test_auto_is_the_fast_cpu_kernel_and_unknown_names_are_refused():
    assert kernel() is kernel("auto") is KERNELS["numba"]
    assert kernel("numpy") is similarity.dice_pairs_numpy
    with pytest.raises(ParameterError, match="parameter 'kernel': unknown kernel; choose from"):
        kernel("cuda")
    with pytest.raises(ParameterError, match="kernel"):
        LinkParameters(kernel="cuda")


def test_gpu_is_refused_clearly_where_there_is_none(monkeypatch):
    monkeypatch.delitem(KERNELS, "gpu", raising=False)
    monkeypatch.setattr(dice_gpu, "available", lambda: False)
    with pytest.raises(ParameterError, match=r"needs PyTorch with a CUDA device.*'auto'"):
        kernel("gpu")
    assert "gpu" not in KERNELS
    params = LinkParameters(kernel="gpu")   # a valid name: availability is checked at run time
    with pytest.raises(LinkerError, match="CUDA"):
        link([], params)   # refused before any work, even before the parties are checked


def test_the_engine_imports_neither_the_gpu_kernel_nor_torch():
    code = ("import sys, padan.linker.engine, padan.linker.work; "
            "print(sorted(m for m in ('torch', 'padan.linker.dice_gpu') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"


def test_gpu_registers_on_first_use_when_available(monkeypatch):
    monkeypatch.setattr(dice_gpu, "available", lambda: True)
    saved = dict(KERNELS)
    KERNELS.pop("gpu", None)
    try:
        assert kernel("gpu") is dice_gpu.dice_pairs_gpu
        assert KERNELS["gpu"] is dice_gpu.dice_pairs_gpu
    finally:
        KERNELS.clear()
        KERNELS.update(saved)


def buckets(rng, *, same: bool, bits=256):
    base = random_filters(rng, 200, bits)
    if same:   # one list holding near-copies of its own records
        left = np.concatenate([base, noisy_copies(rng, base[:100], 0.03)])
        ranges = np.array([[0, 50], [50, 51], [51, 300], [300, 300]])
        return left, left, ranges, ranges
    right = np.concatenate([noisy_copies(rng, base[:150], 0.03), random_filters(rng, 150, bits)])
    left_ranges = np.array([[0, 100], [100, 101], [101, 200], [200, 200]])
    right_ranges = np.array([[0, 180], [180, 300], [300, 300], [150, 300]])
    return base, right, left_ranges, right_ranges


@pytest.mark.parametrize("same", [False, True])
def test_every_kernel_scores_buckets_alike(monkeypatch, same):
    left, right, left_ranges, right_ranges = buckets(np.random.default_rng(3), same=same)
    monkeypatch.setitem(KERNELS, "gpu", functools.partial(dice_gpu.dice_pairs_gpu,
                                                          device="numpy", tile_rows=64,
                                                          tile_columns=96))
    monkeypatch.setattr(similarity, "GPU_MIN_COMPARISONS", 10_000)  # some buckets stay on CPU
    threshold, floor = 0.6, 0.4
    fast = score_buckets("auto", left, right, left_ranges, right_ranges, threshold, floor=floor,
                         same=same)
    assert len(fast.pairs) > 40
    for name in ("numpy", "gpu"):
        other = score_buckets(name, left, right, left_ranges, right_ranges, threshold,
                              floor=floor, same=same)
        x, y = fast.pairs.sorted(), other.pairs.sorted()
        assert np.array_equal(x.left, y.left) and np.array_equal(x.right, y.right)
        assert np.array_equal(x.score, y.score)
        assert other.comparisons == fast.comparisons
        for mine, theirs in ((fast.best_left, other.best_left),
                             (fast.best_right, other.best_right)):
            high = mine >= threshold   # other kernels track best scores from the threshold
            assert np.array_equal(mine[high], theirs[high])
            assert np.all(theirs[~high] <= mine[~high])


def test_link_gives_the_same_groups_with_every_kernel(monkeypatch, pair):
    _, left, right = pair
    monkeypatch.setitem(KERNELS, "gpu", functools.partial(dice_gpu.dice_pairs_gpu,
                                                          device="numpy"))
    monkeypatch.setattr(similarity, "GPU_MIN_COMPARISONS", 1)
    parties = [Party("A", left), Party("B", right)]
    reference = link(parties, LinkParameters(lsh_bands=4))
    for name in ("numpy", "gpu"):
        other = link(parties, LinkParameters(lsh_bands=4, kernel=name))
        for table in ("groups", "duplicates"):
            mine, theirs = getattr(reference, table), getattr(other, table)
            for column in ("group_id", "party", "pseudo_id", "band"):
                assert np.array_equal(getattr(mine, column), getattr(theirs, column))
        assert other.report.pairwise == reference.report.pairwise
        assert other.report.comparisons == reference.report.comparisons
