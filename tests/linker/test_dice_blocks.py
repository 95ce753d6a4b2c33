"""The numba kernel's inner block (linker/_dice_blocks.py): every block layout counts exactly
what numpy counts, and the machine code uses the popcount instructions the CPU offers."""

from __future__ import annotations

import re

import numpy as np
import pytest
from numba import njit

from padan.linker import _dice_blocks as blocks
from tests.linker.conftest import random_filters

BLOCKS = {mode: blocks.make_block(mode) for mode in ("nibble", "wide512", "wide")}


def _probe(mode):
    counts = BLOCKS[mode]

    @njit
    def probe(a, b, v0, v1, rows, cols):
        return counts(a, b, v0, v1, rows, cols)

    return probe


PROBES = {mode: _probe(mode) for mode in BLOCKS}


def laid_out(filters, mode):
    vectors = (filters.shape[1] + 3) // 4
    out = np.full((len(filters), vectors * blocks.words_per_vector(mode)), 7, np.uint64)
    blocks.prepare_rows(filters, 0, len(filters), out, mode == "nibble")
    return out


@pytest.mark.parametrize("mode", ["nibble", "wide512", "wide"])
@pytest.mark.parametrize("bits", [64, 100, 256, 1000, 1024, 2048, 8192, 17_920])
def test_block_counts_equal_numpy(mode, bits):
    """17,920 bits = 70 vectors: more than one run of NIBBLE_RUN vectors. Ranges of an odd
    number of vectors, from even and odd starts, take wide512's last 256-bit step. (wide512
    runs anywhere: without AVX-512, LLVM splits its 512-bit vectors in two.)"""
    if mode == "nibble" and "avx2" not in blocks.cpu_features():
        pytest.skip("the nibble layout's table lookup needs AVX2")   # not on CI's x86-64 runners
    rng = np.random.default_rng(bits)
    left = random_filters(rng, 5, bits, 0.9)   # dense rows: byte counts near their limit
    right = random_filters(rng, 7, bits, rng.uniform(0.2, 1.0))
    right[6] = left[1]
    words = left.shape[1]
    vectors = (words + 3) // 4
    a, b = laid_out(left, mode), laid_out(right, mode)
    padded_left = np.zeros((5, 4 * vectors), np.uint64)
    padded_left[:, :words] = left
    padded_right = np.zeros((7, 4 * vectors), np.uint64)
    padded_right[:, :words] = right
    for rows, cols in (((0, 1), (0, 1, 2, 3)), ((4, 2), (6, 5, 5, 0)), ((3, 3), (1, 4, 2, 6))):
        for v0, v1 in ((0, vectors), (0, vectors // 2), (vectors // 2, vectors), (1, 1),
                       (1, vectors), (0, 1)):
            got = PROBES[mode](a, b, v0, v1, rows, cols)
            expected = [int(np.bitwise_count(padded_left[r, 4 * v0:4 * v1]
                                             & padded_right[c, 4 * v0:4 * v1]).sum())
                        for r in rows for c in cols]
            assert list(got) == expected


OVER = {mode: blocks.make_block(mode, reject=True) for mode in BLOCKS}


def _over_probe(mode):
    counts = OVER[mode]

    @njit
    def probe(a, b, v0, v1, rows, cols, limit):
        return counts(a, b, v0, v1, rows, cols, limit)

    return probe


@pytest.mark.parametrize("mode", ["nibble", "wide512", "wide"])
@pytest.mark.parametrize("bits", [256, 1024, 2048])
def test_rejecting_block_says_whether_a_count_reaches_the_limit(mode, bits):
    """The flag is 1 exactly when some count is at least `limit`, for limits around the largest
    count (below, at, one above), zero and negative ones; the counts are the plain block's."""
    if mode == "nibble" and "avx2" not in blocks.cpu_features():
        pytest.skip("the nibble layout's table lookup needs AVX2")
    rng = np.random.default_rng(bits + 1)
    left = random_filters(rng, 4, bits, 0.4)
    right = random_filters(rng, 6, bits, 0.4)
    a, b = laid_out(left, mode), laid_out(right, mode)
    vectors = a.shape[1] // blocks.words_per_vector(mode)
    plain, over = PROBES[mode], _over_probe(mode)
    for rows, cols in (((0, 1), (0, 1, 2, 3)), ((2, 3), (5, 4, 4, 1))):
        for v0, v1 in ((0, vectors), (1, vectors)):
            counts = plain(a, b, v0, v1, rows, cols)
            top = max(counts)
            for limit in (top - 5, top, top + 1, 0, -3, 10**6):
                got = over(a, b, v0, v1, rows, cols, limit)
                assert got[1:] == counts
                assert got[0] == int(top >= limit)


def test_nibble_layout_holds_every_bit_once_and_pads_with_zeros():
    rng = np.random.default_rng(5)
    filters = random_filters(rng, 3, 320, 0.5)   # 5 words: the second vector is padded
    out = laid_out(filters, "nibble").reshape(3, 2, 2, 4)   # rows, vectors, (low, high), lanes
    assert np.all(out < np.uint64(0x1010101010101010))
    rebuilt = (out[:, :, 0] | (out[:, :, 1] << np.uint64(4))).reshape(3, 8)
    assert np.array_equal(rebuilt[:, :5], filters)
    assert not rebuilt[:, 5:].any()
    wide = laid_out(filters, "wide")
    assert np.array_equal(wide[:, :5], filters) and not wide[:, 5:].any()


def test_layout_follows_the_cpu_features():
    assert blocks.choose_mode({"avx2", "popcnt"}) == "nibble"
    assert blocks.choose_mode({"avx2", "avx512f", "avx512vpopcntdq"}) == "wide512"
    assert blocks.choose_mode({"avx2", "avx512f"}) == "nibble"   # AVX-512 without VPOPCNTDQ
    assert blocks.choose_mode({"popcnt"}) == "wide"     # no AVX2: generic LLVM popcount
    assert blocks.choose_mode(blocks.cpu_features()) == blocks.MODE


def test_vpopcntdq_machines_get_vpopcntq():
    """Compiled for Zen 4 (AVX-512 VPOPCNTDQ) the generic layout counts with vpopcntq; for
    Zen 3 (AVX2 only) LLVM falls back to table lookups."""
    zen4 = blocks.popcount_instructions(blocks.block_assembly("wide", cpu="znver4"))
    assert zen4.get("vpopcntq", 0) > 0 and "vpshufb" not in zen4
    zen4_512 = blocks.block_assembly("wide512", cpu="znver4")
    assert blocks.popcount_instructions(zen4_512).get("vpopcntq", 0) > 0
    assert re.search(r"vpopcntq\s+%zmm", zen4_512)   # 512 bits per instruction
    zen3 = blocks.popcount_instructions(blocks.block_assembly("wide", cpu="znver3"))
    assert "vpopcntq" not in zen3 and zen3.get("vpshufb", 0) > 0


def test_host_block_uses_the_fast_instructions():
    found = blocks.popcount_instructions(blocks.block_assembly(blocks.MODE))
    features = blocks.cpu_features()
    if blocks.MODE == "nibble":
        assert found.get("vpshufb", 0) >= 16 and found.get("vpsadbw", 0) >= 8
    elif "avx512vpopcntdq" in features:
        assert found.get("vpopcntq", 0) > 0
    else:
        assert found   # some popcount sequence, whatever the CPU offers
