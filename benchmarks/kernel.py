"""Kernel throughput: padan's numba Dice kernel against anonlink, thresholds x densities x bits.

One run prints the whole grid: for each filter length (1024, 2048 bits), share of bits set
(20 % to 60 %) and threshold (0.5 to 0.9), the same filters and threshold go to padan
(`dice_pairs_numba`) and to anonlink's `dice_coefficient_accelerated`, alternately, best of
`--repeats`; then a case where about 1 % of the pairs pass. Run single-threaded for per-core
figures (anonlink is single-threaded). Times are process CPU seconds by default, which a
shared machine disturbs far less than elapsed time (`--clock wall` for elapsed):

    NUMBA_NUM_THREADS=1 python -m benchmarks.kernel [--rows 2000] [--repeats 3]

anonlink runs in its own virtualenv (`benchmarks/_reference.py` creates `.refenv` on first
use) as one long-lived process fed over a pipe, so its start-up is outside the clock. The
header names the CPU, its popcount-related features (read from /proc/cpuinfo now) and the load
average. Prints a markdown table; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks._reference import TO_BITARRAYS, ensure_refenv, python
from padan.linker import _dice_blocks
from padan.linker.similarity import dice_pairs_numba

THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9)
DENSITIES = (0.2, 0.3, 0.4, 0.5, 0.6)
FEATURES = ("popcnt", "avx2", "avx512f", "avx512_vpopcntdq", "avx512_bitalg")

_SERVER = r"""
import json, sys, time
import numpy as np
from anonlink.similarities import dice_coefficient_accelerated
from bitarray import bitarray
""" + TO_BITARRAYS + r"""left = right = None
for line in sys.stdin:
    ask = json.loads(line)
    if "load" in ask:
        data = np.load(ask["load"])
        left, right = to_bitarrays(data["left"]), to_bitarrays(data["right"])
        print(json.dumps({"loaded": len(left)}), flush=True)
        continue
    clock = time.process_time if ask["clock"] == "cpu" else time.perf_counter
    start = clock()
    scores = dice_coefficient_accelerated((left, right), ask["threshold"], k=len(right))[0]
    print(json.dumps({"seconds": clock() - start, "pairs": len(scores)}), flush=True)
"""


class Anonlink:
    """anonlink in .refenv, one process for the whole run."""

    def __init__(self) -> None:
        problem = ensure_refenv()
        if problem:
            raise RuntimeError(problem)
        self.process = subprocess.Popen([str(python()), "-c", _SERVER], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True,
                                        env={"OMP_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"})

    def ask(self, **request) -> dict:
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait()


def cpu() -> tuple[str, list[str]]:
    """The CPU model and which of FEATURES it has, from /proc/cpuinfo (Linux) at run time."""
    model, flags = platform.processor() or platform.machine(), set()
    family = number = ""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return model, []
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key, value = key.strip(), value.strip()
        if key == "model name" and model in ("", platform.machine(), platform.processor()):
            model = value
        elif key == "cpu family" and not family:
            family = value
        elif key == "model" and not number:
            number = value
        elif key == "flags" and not flags:
            flags = set(value.split())
    return f"{model} (family {family}, model {number})", [f for f in FEATURES if f in flags]


def filters(rng: np.random.Generator, rows: int, bits: int, density: float) -> np.ndarray:
    dense = rng.random((rows, bits)) < density
    return np.packbits(dense, axis=1, bitorder="little").view(np.uint64).copy()


def with_copies(rng: np.random.Generator, left: np.ndarray, density: float) -> np.ndarray:
    """Random right filters, the first tenth noisy copies of left rows (so some pairs pass)."""
    rows, words = left.shape
    right = filters(rng, rows, words * 64, density)
    some = rows // 10
    flips = filters(rng, some, words * 64, 0.05)
    right[:some] = left[:some] ^ flips
    return right


def clustered(rng: np.random.Generator, rows: int, bits: int, density: float, share: float
              ) -> tuple[np.ndarray, np.ndarray]:
    """Lists made of noisy copies of a few base filters, sized so `share` of all pairs are
    copies of one base (and score high); the rest are random."""
    per_group = 60
    groups = max(1, round(share * rows * rows / per_group ** 2))
    base = filters(rng, groups, bits, density)

    def side():
        out = filters(rng, rows, bits, density)
        member = np.repeat(base, per_group, axis=0)[:rows]
        out[:len(member)] = member ^ filters(rng, len(member), bits, 0.04)
        return out

    return side(), side()


def compare(anonlink: Anonlink | None, left: np.ndarray, right: np.ndarray, threshold: float,
            repeats: int, clock: str) -> dict:
    """padan and anonlink alternately on the same filters; best seconds of each."""
    padan = reference = float("inf")
    found = pairs = -1
    now = time.process_time if clock == "cpu" else time.perf_counter
    for _ in range(repeats):
        start = now()
        found = len(dice_pairs_numba(left, right, threshold))
        padan = min(padan, now() - start)
        if anonlink is not None:
            answer = anonlink.ask(threshold=threshold, clock=clock)
            reference, pairs = min(reference, answer["seconds"]), answer["pairs"]
    return {"padan": padan, "anonlink": reference, "found": found, "pairs": pairs}


def row(label: str, bits: int, threshold: float, result: dict, comparisons: int) -> str:
    padan = comparisons / result["padan"] / 1e6
    anon = comparisons / result["anonlink"] / 1e6
    ratio = padan / anon if anon else float("nan")
    same = "" if result["pairs"] in (-1, result["found"]) else " (differs!)"
    return (f"| {bits} | {label} | {threshold:.1f} | {padan:,.0f} | {anon:,.0f} | {ratio:.2f}× "
            f"| {100 * result['found'] / comparisons:.3g} %{same} |")


def instructions(assembly: str) -> str:
    """Popcount instructions of a block's assembly, and how many work on 512-bit registers."""
    counts = _dice_blocks.popcount_instructions(assembly)
    text = ", ".join(f"{name} x{count}" for name, count in counts.items()) or "none"
    zmm = len(re.findall(r"^\s*vpopcntq\s+%zmm", assembly, re.M))
    return text + (f" ({zmm} on 512-bit zmm)" if zmm else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--bits", type=int, nargs="+", default=[1024, 2048])
    parser.add_argument("--densities", type=float, nargs="+", default=list(DENSITIES))
    parser.add_argument("--thresholds", type=float, nargs="+", default=list(THRESHOLDS))
    parser.add_argument("--clock", choices=("cpu", "wall"), default="cpu",
                        help="cpu: process CPU seconds (steady on a shared machine); wall: "
                             "elapsed seconds")
    parser.add_argument("--no-reference", action="store_true")
    args = parser.parse_args()
    rng = np.random.default_rng(42)
    model, features = cpu()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"CPU: {model}; features: {', '.join(features) or 'none of ' + ', '.join(FEATURES)}")
    print(f"padan block layout: {_dice_blocks.MODE}; numba threads: "
          f"{os.environ.get('NUMBA_NUM_THREADS', 'all')}; {args.rows} x {args.rows} filters; "
          f"best of {args.repeats} ({args.clock} seconds), padan and anonlink alternately; "
          f"load average at start: "
          f"{load}")
    here = _dice_blocks.block_assembly(_dice_blocks.MODE)
    zen3 = _dice_blocks.block_assembly("nibble", "znver3")
    zen4 = _dice_blocks.block_assembly("wide512", "znver4")
    print(f"popcount instructions in the compiled 2 x 4 block here: {instructions(here)}; "
          f"compiled for Zen 3 (AVX2, layout nibble): {instructions(zen3)}; "
          f"for Zen 4 (AVX-512 VPOPCNTDQ, layout wide512): {instructions(zen4)}")
    anonlink = None if args.no_reference else Anonlink()
    comparisons = args.rows * args.rows
    print("| bits | filters | threshold | padan M cmp/s | anonlink M cmp/s | ratio | pairs kept |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as folder:
        cases = [(bits, f"{round(100 * d)} % set", *(lambda left: (left, with_copies(
            rng, left, d)))(filters(rng, args.rows, bits, d)), args.thresholds)
            for bits in args.bits for d in args.densities]
        cases += [(bits, "about 1 % pass", *clustered(rng, args.rows, bits, 0.3, 0.01), [0.7])
                  for bits in args.bits]
        for bits, label, left, right, thresholds in cases:
            dice_pairs_numba(left[:64], right[:64], 0.5)   # compile outside the clock
            if anonlink is not None:
                data = Path(folder) / "filters.npz"
                np.savez(data, left=left, right=right)
                anonlink.ask(load=str(data))
            for threshold in thresholds:
                result = compare(anonlink, left, right, threshold, args.repeats, args.clock)
                print(row(label, bits, threshold, result, comparisons), flush=True)
    if anonlink is not None:
        anonlink.close()
    print(f"load average at end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
