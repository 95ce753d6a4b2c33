"""Reference run for benchmarks/quality.py: clkhash encodes two normalised CSVs with the schema
of _clkhash_encode.comparable_schema, anonlink finds every pair with Dice >= a floor (no
blocking). Runs inside the reference venv; writes left, right, score arrays to an .npz file.

Usage: python _anonlink_quality.py LEFT.csv RIGHT.csv FLOOR OUT.npz
"""

import csv
import sys
import time

import numpy as np
from _clkhash_encode import comparable_schema
from anonlink.candidate_generation import find_candidate_pairs
from anonlink.similarities import dice_coefficient_accelerated
from clkhash import clk


def read(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return [(r["nik"], r["name"], r["dob"], r["sex"]) for r in csv.DictReader(handle)]


def main():
    left_path, right_path, floor, out = sys.argv[1:]
    started = time.perf_counter()
    schema = comparable_schema()
    left = clk.generate_clks(read(left_path), schema, "secret-for-benchmark", validate=False,
                             max_workers=1)
    right = clk.generate_clks(read(right_path), schema, "secret-for-benchmark", validate=False,
                              max_workers=1)
    encoded = time.perf_counter()
    scores, _, (left_rows, right_rows) = find_candidate_pairs(
        [left, right], dice_coefficient_accelerated, float(floor))
    np.savez(out, left=np.asarray(left_rows), right=np.asarray(right_rows),
             score=np.asarray(scores), encode_s=encoded - started,
             compare_s=time.perf_counter() - encoded)


if __name__ == "__main__":
    main()
