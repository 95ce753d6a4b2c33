"""The GPU kernel's tiling and thresholding, run through its numpy backend in CI.

On a machine with a CUDA device the same checks run on the device (benchmarks/kernel_gpu.py
compares it with the CPU kernels); here we prove the shared logic equals the reference.
"""

import numpy as np
import pytest

from padan.linker import dice_gpu
from padan.linker.errors import LinkerError
from padan.linker.similarity import dice_pairs_numpy


def filters(n, words, seed, density=0.35):
    rng = np.random.default_rng(seed)
    bits = rng.random((n, words * 64)) < density
    packed = np.packbits(bits, axis=1, bitorder="little").view("<u8").astype(np.uint64)
    return packed


@pytest.mark.parametrize("words", [1, 3, 16, 32])
@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.9])
def test_numpy_backend_equals_reference_with_small_tiles(words, threshold):
    left, right = filters(70, words, 1), filters(53, words, 2)
    right[:10] = left[:10]  # some exact matches
    right[10, :] = 0  # an empty filter never matches
    expected = dice_pairs_numpy(left, right, threshold).sorted()
    got = dice_gpu.dice_pairs_gpu(left, right, threshold, device="numpy", tile_rows=16,
                                  tile_columns=24).sorted()
    assert np.array_equal(got.left, expected.left)
    assert np.array_equal(got.right, expected.right)
    assert np.allclose(got.score, expected.score)


def test_same_list_gives_only_pairs_i_below_j():
    data = filters(90, 4, 3)
    data[50:60] = data[:10]
    expected = dice_pairs_numpy(data, data, 0.4, same=True).sorted()
    got = dice_gpu.dice_pairs_gpu(data, data, 0.4, same=True, device="numpy", tile_rows=16,
                                  tile_columns=32).sorted()
    assert (got.left < got.right).all()
    assert np.array_equal(got.left, expected.left) and np.array_equal(got.right, expected.right)


def test_without_a_gpu_the_kernel_says_so():
    if dice_gpu.available():  # pragma: no cover - only on a GPU machine
        pytest.skip("a GPU is present: the refusal path cannot be shown")
    with pytest.raises(LinkerError, match="CUDA"):
        dice_gpu.dice_pairs_gpu(filters(2, 1, 0), filters(2, 1, 1), 0.5)
