"""The attacks on the other fields' own values: nama ibu kandung, tempat lahir and the
address's words, each attacked like a name, on its control (the field alone, unsalted, 20 bits
per bigram: the attacks must recover values there), on the default schema and on the example
schema that holds it too, in one run (docs/threat-model.md, "What the measurements say", "The
other fields").

    python benchmarks/field_privacy.py                        # 20,000 records, about 30 minutes
    python benchmarks/field_privacy.py --records 4000 --kinds birthplace
    python benchmarks/field_privacy.py --cohorts 250,1000,4000  # inside one birthdate cohort

Each cell is an attack family's share of the records whose value of the field it recovered,
worst over the segments holding the field. --cohorts: inside a cohort (records sharing the
birthdate token) a birthdate-salted segment is an unsalted filter of the cohort's records; the
segment is attacked at those sizes with all records in one cohort, the name's segment beside it.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from padan.encoder.default_schema import default_schema  # noqa: E402
from padan.encoder.schema import LinkageSchema, parse_schema  # noqa: E402
from padan.evaluation.field_attacks import (  # noqa: E402
    ATTACKED_KINDS,
    field_attack_outcomes,
    field_control,
)
from padan.evaluation.simulation import ATTACK_NAME_MODEL, run_attacks  # noqa: E402
from padan.synth.config import NAME_MODELS  # noqa: E402

FAMILIES = ("pattern-mining", "salt-aware-mining", "graph-matching", "hamming-weight",
            "frequency:filters")
CANDIDATES = ("default", "fields-with-name")


def candidate(name: str) -> LinkageSchema:
    """The default schema, or an example schema of docs/schemas."""
    if name == "default":
        return default_schema("privacy")
    text = (ROOT / "docs" / "schemas" / f"{name}.toml").read_text(encoding="utf-8")
    return parse_schema(text.replace('project_id = "evaluation"', 'project_id = "privacy"'))


def by_family(outcomes) -> dict[str, float]:
    """An attack family's worst share over the segments it was pointed at."""
    worst: dict[str, float] = {}
    for outcome in outcomes:
        family = outcome.attack.split("[", 1)[0].split("@", 1)[0]
        for known in FAMILIES:
            if family.startswith(known):
                worst[known] = max(worst.get(known, 0.0), outcome.name_share)
    return worst


def row(label: str, kind: str, outcomes, seconds: float) -> str:
    worst = by_family(outcomes)
    cells = [f"{worst[f]:.2%}" if f in worst else "–" for f in FAMILIES]
    overall = max(worst.values(), default=0.0)
    return (f"| {kind} | {label} | " + " | ".join(cells) + f" | {overall:.2%} | "
            f"{seconds:.0f} s |")


def in_cohort(schema: LinkageSchema) -> LinkageSchema:
    """The schema as one cohort sees it: every segment's salt constant, i.e. unsalted."""
    segments = [s.model_copy(update={"salt": None}) for s in schema.segments
                if s.purpose == "compare"]
    return schema.model_copy(update={"segments": segments})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--public", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--kinds", default=",".join(ATTACKED_KINDS))
    parser.add_argument("--schemas", default=",".join(CANDIDATES),
                        help="'default' and example schemas of docs/schemas to attack")
    parser.add_argument("--names", choices=NAME_MODELS, default=ATTACK_NAME_MODEL)
    parser.add_argument("--cohorts", default="",
                        help="instead: attack one cohort of these sizes (e.g. 250,1000,4000)")
    args = parser.parse_args()
    kinds = [k for k in args.kinds.split(",") if k]
    schemas = {name: candidate(name) for name in args.schemas.split(",") if name}
    started = time.perf_counter()
    print("| field | encoding | " + " | ".join(FAMILIES) + " | worst | time |")
    print("|---|---|" + "---|" * len(FAMILIES) + "---|---|", flush=True)
    if args.cohorts:
        schema = in_cohort(next(iter(schemas.values())))
        for size in (int(s) for s in args.cohorts.split(",")):
            for kind in ["name", *kinds]:
                began = time.perf_counter()
                if kind == "name":
                    outcomes = run_attacks(schema, records=size, public=args.public,
                                           seed=args.seed, names=args.names)
                else:
                    outcomes = field_attack_outcomes(schema, kind, records=size,
                                                     public=args.public, seed=args.seed,
                                                     names=args.names)
                print(row(f"one cohort of {size:,}", kind, outcomes,
                          time.perf_counter() - began), flush=True)
    else:
        for kind in kinds:
            candidates = {"control": parse_schema(field_control(kind)), **schemas}
            for label, schema in candidates.items():
                began = time.perf_counter()
                outcomes = field_attack_outcomes(schema, kind, records=args.records,
                                                 public=args.public, seed=args.seed,
                                                 names=args.names)
                print(row(label, kind, outcomes, time.perf_counter() - began), flush=True)
    print(f"\n({time.perf_counter() - started:.0f} s in all; {args.records:,} records, public "
          f"sample {args.public:,}, {args.names} names, seed {args.seed})", file=sys.stderr)


if __name__ == "__main__":
    main()
