"""Kernel throughput: comparisons per second per core, padan (numba, numpy) against anonlink.

Same random filters (35 % of bits set, a few noisy copies so some pairs pass) and the same
threshold for every kernel, in one run. Run single-threaded for per-core figures:

    NUMBA_NUM_THREADS=1 python -m benchmarks.kernel [--rows 4000] [--threshold 0.8]

anonlink comes from a separate virtualenv (benchmarks/_reference.py creates it on first use).
Prints a markdown table; nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np

from benchmarks._reference import reference_dice
from padan.linker.similarity import dice_pairs_numba, dice_pairs_numpy


def filters(rng: np.random.Generator, rows: int, bits: int) -> np.ndarray:
    dense = rng.random((rows, bits)) < 0.35
    return np.packbits(dense, axis=1, bitorder="little").view(np.uint64).copy()


def best_time(function, repeats: int) -> tuple[float, int]:
    best, found = float("inf"), 0
    for _ in range(repeats):
        start = time.perf_counter()
        found = len(function())
        best = min(best, time.perf_counter() - start)
    return best, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=4000)
    parser.add_argument("--threshold", type=float, default=0.8)
    parser.add_argument("--bits", type=int, nargs="+", default=[1024, 2048])
    parser.add_argument("--no-reference", action="store_true")
    args = parser.parse_args()
    rng = np.random.default_rng(42)
    threads = os.environ.get("NUMBA_NUM_THREADS", "all")
    print(f"machine: {platform.processor() or platform.machine()}, numba threads: {threads}, "
          f"{args.rows} x {args.rows} filters, threshold {args.threshold}")
    print("| bits | kernel | seconds | M comparisons/s | pairs found |")
    print("|---:|---|---:|---:|---:|")
    for bits in args.bits:
        left = filters(rng, args.rows, bits)
        right = filters(rng, args.rows, bits)
        right[: args.rows // 10] = left[: args.rows // 10] ^ filters(rng, args.rows // 10, bits) \
            & filters(rng, args.rows // 10, bits) & filters(rng, args.rows // 10, bits)
        comparisons = args.rows * args.rows
        dice_pairs_numba(left[:64], right[:64], args.threshold)   # compile outside the clock
        rows = [("padan numba", *best_time(
            lambda left=left, right=right: dice_pairs_numba(left, right, args.threshold), 3))]
        slab = max(1, args.rows // 4)
        numpy_time, numpy_found = best_time(
            lambda left=left, right=right, slab=slab: dice_pairs_numpy(left[:slab], right,
                                                            args.threshold), 1)
        rows.append(("padan numpy (reference)", numpy_time * args.rows / slab,
                     numpy_found))
        if not args.no_reference:
            ref = reference_dice(left, right, args.threshold)
            if "error" in ref:
                print(f"anonlink unavailable: {ref['error']}")
            else:
                rows.append(("anonlink accelerated", ref["seconds"], ref["pairs"]))
        for name, seconds, found in rows:
            print(f"| {bits} | {name} | {seconds:.3f} | {comparisons / seconds / 1e6:,.0f} "
                  f"| {found} |")


if __name__ == "__main__":
    main()
