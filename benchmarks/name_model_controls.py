"""The attacks that compare whole names, on their controls under each name model (synth
--names): on the names-only control the filter frequency attack with rank alignment only and
with the filter's length, q-gram graph matching and the Hamming weight; on the record-level
filter (the joint token attack's control: blocking keys birth year x name code and birthdate x
sex) the joint token frequency attack; and the blind guess (the public sample's commonest name
for every record, on the control's list). Pattern mining and whole-name graph matching are in
benchmarks/privacy.py and benchmarks/mining.py.

    python benchmarks/name_model_controls.py --records 5000 --public 5000 --seeds 1
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from privacy import NAMES_ONLY  # noqa: E402

from padan.encoder.default_schema import record_level_schema  # noqa: E402
from padan.encoder.schema import parse_schema  # noqa: E402
from padan.evaluation.attacks import (  # noqa: E402
    filter_frequency_attack,
    hamming_weight_attack,
    joint_token_frequency_attack,
    qgram_graph_matching_attack,
)
from padan.evaluation.simulation import encoded_target, public_sample  # noqa: E402
from padan.synth.config import NAME_MODELS  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--public", type=int, default=20_000)
    parser.add_argument("--seeds", default="1")
    args = parser.parse_args()
    print("| names | seed | frequency:filters (ranks) | frequency:filters (ranks + length) | "
          "graph-matching:qgrams | hamming-weight | frequency:blocking (record level) | "
          "blind guess |")
    print("|---|---|---|---|---|---|---|---|", flush=True)
    for names in NAME_MODELS:
        for seed in (int(s) for s in args.seeds.split(",")):
            started = time.perf_counter()
            target = encoded_target(parse_schema(NAMES_ONLY), records=args.records, seed=seed,
                                    names=names)
            public = public_sample(args.public, seed, names)
            ranks = filter_frequency_attack(target, public, weight_tells_length=False)
            length = filter_frequency_attack(target, public)
            graph = qgram_graph_matching_attack(target, public)
            weight = hamming_weight_attack(target, public)
            record_level = encoded_target(record_level_schema("privacy"), records=args.records,
                                          seed=seed, names=names)
            joint = joint_token_frequency_attack(record_level, public)
            commonest = public.ranked()[0][0]
            blind = sum(name == commonest for name in target.true_names) / len(target)
            print(f"| {names} | {seed} | {ranks.name_share:.2%} | {length.name_share:.2%} | "
                  f"{graph.name_share:.2%} | {weight.name_share:.2%} | "
                  f"{joint.name_share:.2%} | {blind:.2%} |", flush=True)
            print(f"[{time.perf_counter() - started:.0f} s] {names} seed {seed}",
                  file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
