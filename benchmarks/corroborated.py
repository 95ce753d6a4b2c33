"""How low the name may agree when the NIK and every salt agree (`corroborated_threshold`):
precision, recall and F1 of the match band at the automatic setting, per value, on the
synthetic lists (moderate, heavy, half of list B's NIKs gone) and on FEBRL4 under its own
schema (docs/schemas/febrl4-fields.toml). docs/evaluation.md records a run.

    python benchmarks/corroborated.py --values 0.45,0.40,0.35 --names realistic
    python benchmarks/corroborated.py --values 0.45,0.40 --names classic --size 200000
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.quality import FEBRL_SCHEMA, lists_for, without_niks  # noqa: E402
from padan.encoder.default_schema import default_schema  # noqa: E402
from padan.encoder.schema import load_schema  # noqa: E402
from padan.evaluation.assessment import assess  # noqa: E402
from padan.evaluation.datasets import (  # noqa: E402
    DatasetUnavailable,
    febrl4_parties,
    generate_synthetic,
    synthetic_parties,
)
from padan.evaluation.labelled import throwaway_secret  # noqa: E402
from padan.linker.parameters import LinkParameters  # noqa: E402
from padan.synth import SynthConfig, parse_agencies  # noqa: E402
from padan.synth.config import NAME_MODELS  # noqa: E402


def row(label: str, parties, values: list[float]) -> None:
    for value in values:
        links = assess(parties, LinkParameters(corroborated_threshold=value),
                       with_blocking=False).links
        print(f"| {label} | {value:.2f} | {links.precision:.4f} | {links.recall:.4f} | "
              f"{links.f1:.4f} | {links.false_positives:,} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--values", default="0.45,0.40,0.35")
    parser.add_argument("--names", choices=NAME_MODELS, default="realistic")
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--size", type=int, default=0,
                        help="instead: two lists of this many records from a population of "
                             "three times as many, moderate dirt (the sizes table's lists)")
    args = parser.parse_args()
    values = [float(v) for v in args.values.split(",")]
    secret = throwaway_secret()
    print("| lists | corroborated_threshold | precision | recall | F1 (automatic) "
          "| false matches |")
    print("|---|---|---|---|---|---|")
    if args.size:
        generated = generate_synthetic(SynthConfig(
            seed=3, population=3 * args.size, dirt="moderate", names=args.names,
            agencies=parse_agencies(f"A:{args.size},B:{args.size}")))
        row(f"{args.size:,} × {args.size:,}, {args.names}", synthetic_parties(
            generated, default_schema("quality"), secret), values)
        return
    for dirt, missing in (("moderate", None), ("heavy", None), ("moderate", 0.5)):
        generated = lists_for(dirt, args.records, args.names)
        label = f"{dirt}, {args.names}"
        if missing:
            generated, label = without_niks(generated, missing), f"{label}, half of B's NIKs gone"
        row(label, synthetic_parties(generated, default_schema("quality"), secret), values)
    try:
        row("FEBRL4, febrl4-fields.toml", febrl4_parties(load_schema(FEBRL_SCHEMA), secret),
            values)
    except DatasetUnavailable as exc:
        print(f"FEBRL4 skipped: {exc}", file=sys.stderr)


if __name__ == "__main__":
    main()
