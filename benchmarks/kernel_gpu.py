"""GPU Dice kernel throughput (optional path), checked against the CPU kernel on a sample.

Needs PyTorch with a CUDA device. Prints comparisons/s for 1024- and 2048-bit filters.

    python benchmarks/kernel_gpu.py --rows 200000 --columns 200000
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from padan.linker import dice_gpu
from padan.linker.similarity import KERNELS


def random_filters(rows: int, bits: int, seed: int, density: float = 0.3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = np.empty((rows, bits // 64), dtype=np.uint64)
    for start in range(0, rows, 65536):  # in slabs: the 0/1 matrix of all rows is large
        chunk = rng.random((min(65536, rows - start), bits), dtype=np.float32) < density
        out[start:start + len(chunk)] = np.packbits(chunk, axis=1, bitorder="little").view("<u8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--columns", type=int, default=200_000)
    parser.add_argument("--threshold", type=float, default=0.8)
    parser.add_argument("--check-rows", type=int, default=1000)
    args = parser.parse_args()
    import torch

    print(f"device: {torch.cuda.get_device_name(0)}; torch {torch.__version__}")
    cpu_name = "numba" if "numba" in KERNELS else "numpy"
    print(f"{'bits':>6}{'pairs compared':>18}{'seconds':>10}{'comparisons/s':>18}"
          f"{'kept':>10}{'equal to ' + cpu_name:>16}")
    for bits in (1024, 2048):
        left = random_filters(args.rows, bits, 1)
        right = random_filters(args.columns, bits, 2)
        planted = min(1000, args.rows, args.columns)
        right[:planted] = left[:planted]
        dice_gpu.dice_pairs_gpu(left[:5000], right[:5000], args.threshold)  # warm-up
        torch.cuda.synchronize()
        started = time.perf_counter()
        pairs = dice_gpu.dice_pairs_gpu(left, right, args.threshold)
        torch.cuda.synchronize()
        seconds = time.perf_counter() - started
        sample = slice(0, args.check_rows)
        cpu = KERNELS[cpu_name](left[sample], right, args.threshold).sorted()
        gpu = dice_gpu.dice_pairs_gpu(left[sample], right, args.threshold).sorted()
        equal = (np.array_equal(cpu.left, gpu.left) and np.array_equal(cpu.right, gpu.right)
                 and np.allclose(cpu.score, gpu.score))
        compared = args.rows * args.columns
        print(f"{bits:>6}{compared:>18,}{seconds:>10.2f}{compared / seconds:>18,.0f}"
              f"{len(pairs):>10,}{equal!s:>16}")


if __name__ == "__main__":
    main()
