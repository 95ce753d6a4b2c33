"""The fast attacks on the names-only control under each name model (synth --names): the filter
frequency attack with rank alignment only and with the filter's length, the Hamming weight, and
the blind guess (the public sample's commonest name for every record). The slow families
(pattern mining, graph matching) are in benchmarks/privacy.py and benchmarks/mining.py.

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

from padan.encoder.schema import parse_schema  # noqa: E402
from padan.evaluation.attacks import filter_frequency_attack, hamming_weight_attack  # noqa: E402
from padan.evaluation.simulation import encoded_target, public_sample  # noqa: E402
from padan.synth.config import NAME_MODELS  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--public", type=int, default=20_000)
    parser.add_argument("--seeds", default="1")
    args = parser.parse_args()
    print("| names | seed | frequency:filters (ranks) | frequency:filters (ranks + length) | "
          "hamming-weight | blind guess |")
    print("|---|---|---|---|---|---|", flush=True)
    for names in NAME_MODELS:
        for seed in (int(s) for s in args.seeds.split(",")):
            started = time.perf_counter()
            target = encoded_target(parse_schema(NAMES_ONLY), records=args.records, seed=seed,
                                    names=names)
            public = public_sample(args.public, seed, names)
            ranks = filter_frequency_attack(target, public, weight_tells_length=False)
            length = filter_frequency_attack(target, public)
            weight = hamming_weight_attack(target, public)
            commonest = public.ranked()[0][0]
            blind = sum(name == commonest for name in target.true_names) / len(target)
            print(f"| {names} | {seed} | {ranks.name_share:.2%} | {length.name_share:.2%} | "
                  f"{weight.name_share:.2%} | {blind:.2%} |", flush=True)
            print(f"[{time.perf_counter() - started:.0f} s] {names} seed {seed}",
                  file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
