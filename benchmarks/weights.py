"""Field weights sweep: F1 of the default schema with other bits per token, and without LSH.

For each (NIK, name, birthdate, sex) bits-per-token setting, encode two synthetic lists at
moderate and heavy dirt and print the best F1 on the threshold curve (pairs across lists), with
the linker's default blocking and with identity + keys only (no LSH).

    python benchmarks/weights.py --records 10000
"""

from __future__ import annotations

import argparse
import re

from padan.encoder.default_schema import default_schema_text
from padan.encoder.schema import parse_schema
from padan.evaluation import datasets
from padan.evaluation.assessment import assess
from padan.linker.parameters import LinkParameters
from padan.synth import SynthConfig, parse_agencies

WEIGHTS = [  # nik, name, birthdate, sex
    (6, 10, 12, 8),  # the first default
    (10, 10, 12, 8),
    (6, 10, 20, 8),
    (10, 10, 28, 8),
    (10, 10, 36, 8),
    (14, 10, 36, 8),
    (10, 8, 36, 8),
    (10, 10, 44, 8),
]
BLOCKINGS = (("identity", "keys", "lsh"), ("identity", "keys"))


def schema_with(weights: tuple[int, int, int, int]):
    text = default_schema_text("weights")
    parts = text.split("[[fields]]")
    for i, kind in enumerate(("nik", "name", "birthdate", "sex")):
        for j, part in enumerate(parts):
            if f'kind = "{kind}"' in part:
                parts[j] = re.sub(r"bits_per_token = \d+", f"bits_per_token = {weights[i]}",
                                  part)
    return parse_schema("[[fields]]".join(parts))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    lists = {dirt: datasets.generate_synthetic(SynthConfig(
        seed=args.seed, population=4 * args.records, dirt=dirt,
        agencies=parse_agencies(f"A:{args.records},B:{args.records}")))
        for dirt in ("moderate", "heavy")}
    print(f"{args.records:,} + {args.records:,} records, seed {args.seed}; "
          "best pair F1 @ threshold")
    print("| NIK | name | birthdate | sex | moderate, with LSH | moderate, no LSH "
          "| heavy, with LSH | heavy, no LSH |")
    print("|---:|---:|---:|---:|---|---|---|---|")
    for weights in WEIGHTS:
        schema = schema_with(weights)
        cells = []
        for dirt in ("moderate", "heavy"):
            parties = datasets.synthetic_parties(lists[dirt], schema, b"\x07" * 32)
            for blocking in BLOCKINGS:
                best = assess(parties, LinkParameters(blocking=blocking)).curve.best
                cells.append(f"{best.quality.f1:.4f} @{best.threshold:.2f}")
        print("| " + " | ".join(map(str, weights)) + " | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
