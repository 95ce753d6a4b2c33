"""The privacy table of docs/threat-model.md and docs/evaluation.md: candidate encodings x every
attack padan has x linkage quality, printed in one run.

    python benchmarks/privacy.py                          # every candidate (about an hour)
    python benchmarks/privacy.py --configs default --seeds 1,2,3
    python benchmarks/privacy.py --records 8000 --configs control,default --seeds 1

Per candidate and seed (each seed draws its own lists, public sample and a fresh key):
- each attack's share of the encoded records whose full name it re-identifies, run on one
  synthetic list of --records records (moderate dirt) against a public list of --public
  different people of the same population model;
- F1 of cross-list links for every pair of three agencies (DTKS, KJP, KIS drawn from one
  population of --records people, moderate dirt) at the default link parameters, and the F1 of
  two lists at heavy dirt.
The controls (names-only and record-level filters without salt) are there to prove each attack
works: an attack that finds nothing on them is broken, not defeated. Each column is an attack
family's worst share over the segments (or blocking keys) it was pointed at.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from padan.encoder.default_schema import (  # noqa: E402
    default_schema,
    default_schema_text,
    record_level_schema,
    record_level_schema_text,
)
from padan.encoder.schema import LinkageSchema, parse_schema  # noqa: E402
from padan.evaluation.assessment import assess  # noqa: E402
from padan.evaluation.datasets import generate_synthetic, synthetic_parties  # noqa: E402
from padan.evaluation.labelled import throwaway_secret  # noqa: E402
from padan.evaluation.simulation import (  # noqa: E402
    ATTACK_NAME_MODEL,
    names_only_control,
    public_sample,
    run_attacks,
)
from padan.synth import SynthConfig, parse_agencies  # noqa: E402
from padan.synth.config import NAME_MODELS  # noqa: E402

NAMES_ONLY = names_only_control()


# One cohort of the default's name segment, as an attacker who groups records by their salt token
# sees it: the same salt for all, so an unsalted name filter. (Bigrams at 10 bits each rather than
# the default's 256 bits shared out per name: the mining models a fixed count per q-gram.)
COHORT = NAMES_ONLY.replace("bits_per_token = 20", "bits_per_token = 10")


def _record_level(**hardening) -> LinkageSchema:
    text = record_level_schema_text("privacy")
    for step, value in hardening.items():
        default = "0.0" if step == "blip_epsilon" else "false"
        text = text.replace(f"{step} = {default}", f"{step} = {str(value).lower()}")
    return parse_schema(text)


def _salted_record_level(salt: str) -> LinkageSchema:
    text = record_level_schema_text("privacy").replace(
        'kind = "name"\n', f'kind = "name"\nsalt_with = "{salt}"\n', 1)
    return parse_schema(text)


def _default_birth_only() -> LinkageSchema:
    """The default's first segment alone: the name salted with the birthdate."""
    text = default_schema_text("privacy")
    return parse_schema(text[:text.index('[[segments]]\nname = "nama_nik"')])


def _example(name: str) -> LinkageSchema:
    """An example schema of docs/schemas/ (the default and the other identifying fields)."""
    text = (ROOT / "docs" / "schemas" / f"{name}.toml").read_text(encoding="utf-8")
    return parse_schema(text.replace('project_id = "evaluation"', 'project_id = "privacy"'))


def configurations() -> dict[str, tuple[str, LinkageSchema]]:
    return {
        "control": ("names only, 20 bits per bigram, unsalted (the attacks' control)",
                    parse_schema(NAMES_ONLY)),
        "record_level": ("the first default: one unsalted filter of name, birthdate, sex and "
                         "NIK digits", record_level_schema("privacy")),
        "record_balance": ("record level + balancing", _record_level(balance=True)),
        "record_xor": ("record level + XOR folding", _record_level(xor_fold=True)),
        "record_blip": ("record level + BLIP, epsilon 4", _record_level(blip_epsilon=4.0)),
        "salt_year": ("record level, name salted with the birth year",
                      _salted_record_level("birth_year")),
        "birth_segment": ("name salted with the birthdate only",
                          _default_birth_only()),
        "four_fields": ("the default until 2026-11-29: name salted with the birthdate, and "
                        "with the NIK (docs/schemas/four-fields.toml)",
                        default_schema("privacy", other_fields=False)),
        "default": ("the default: the four fields' segments, the address, and the "
                    "birthplace with the mother's name, each in a segment salted with the "
                    "birthdate (their own values: benchmarks/field_privacy.py), and the name "
                    "salted with the family card (No KK)",
                    default_schema("privacy")),
        "without_family_card": ("the default of 2026-11-29, without the name salted with the "
                                "family card (docs/schemas/without-family-card.toml)",
                                _example("without-family-card")),
        "default_fields_name": ("a candidate, not the default: the four fields' segments + "
                                "name, address, birthplace and mother's name in one segment "
                                "salted with the birthdate (docs/schemas/fields-with-name.toml)",
                                _example("fields-with-name")),
    }


# Columns: an attack family's worst share of names over the segments it was pointed at
# ("attack[segment]"), its forms ("graph-matching" of whole names and "graph-matching:qgrams")
# or the blocking keys ("frequency:<key>").
FAMILIES = ("pattern-mining", "salt-aware-mining", "graph-matching", "hamming-weight",
            "frequency:filters", "frequency:blocking", "frequency:key")


def by_family(outcomes) -> dict[str, float]:
    worst: dict[str, float] = {}
    for outcome in outcomes:
        family = outcome.attack.split("[", 1)[0]
        if family.startswith("salt-aware-mining"):   # ":<how the cohorts were formed>"
            family = "salt-aware-mining"
        elif family.startswith("graph-matching"):    # whole names, or ":qgrams"
            family = "graph-matching"
        elif family.startswith("frequency:") and family not in FAMILIES:
            family = "frequency:key"
        worst[family] = max(worst.get(family, 0.0), outcome.name_share)
    return worst


def quality(schema: LinkageSchema, records: int, seed: int,
            names: str = ATTACK_NAME_MODEL) -> tuple[list, float]:
    """Per-pair F1 of three agencies at moderate dirt, and F1 of two lists at heavy dirt."""
    agencies = f"DTKS:{records // 2},KJP:{records // 4},KIS:{records * 3 // 8}"
    lists = generate_synthetic(SynthConfig(seed=seed, population=records,
                                           agencies=parse_agencies(agencies), dirt="moderate",
                                           names=names))
    moderate = assess(synthetic_parties(lists, schema, throwaway_secret()), with_blocking=False)
    heavy_lists = generate_synthetic(SynthConfig(seed=seed, population=records,
                                                 agencies=parse_agencies(
                                                     f"A:{records // 2},B:{records // 2}"),
                                                 dirt="heavy", names=names))
    heavy = assess(synthetic_parties(heavy_lists, schema, throwaway_secret()),
                   with_blocking=False)
    return list(moderate.pairwise), heavy.links.f1


def print_cohorts(sizes: list[int], seed: int, public_size: int,
                  names: str = ATTACK_NAME_MODEL) -> None:
    """Inside a cohort (records sharing a birthdate) the salt is constant: the name
    segment is an unsalted filter of the cohort's records. How large must a cohort be before the
    attacks recover names from it?"""
    schema = parse_schema(COHORT)
    public = public_sample(public_size, seed=seed, names=names)
    print("\n| cohort size | " + " | ".join(FAMILIES[:4]) + " |")
    print("|---|" + "---|" * 4)
    for size in sizes:
        worst = by_family(run_attacks(schema, records=size, public=0, seed=seed,
                                      public_names_sample=public, names=names,
                                      attacks=("pattern-mining", "graph-matching",
                                               "hamming-weight")))
        print(f"| {size:,} | " + " | ".join(f"{worst[f]:.2%}" if f in worst else "–"
                                            for f in FAMILIES[:4]) + " |", flush=True)


def print_row(name: str, seed: int, bits: int, outcomes, pairs, heavy) -> None:
    worst = by_family(outcomes)
    cells = [f"{worst[f]:.2%}" if f in worst else "–" for f in FAMILIES]
    pair_text = ("–" if pairs is None else
                 ", ".join(f"{a}–{b} {q.f1:.4f}" for (a, b), q in pairs))
    print(f"| {name} | {seed} | {bits} | " + " | ".join(cells) +
          f" | {max(o.name_share for o in outcomes):.2%} | {pair_text} | "
          f"{'–' if heavy is None else f'{heavy:.4f}'} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--public", type=int, default=20_000)
    parser.add_argument("--configs", default="")
    parser.add_argument("--seeds", default="1,2,3",
                        help="seeds of the default (the other candidates use the first)")
    parser.add_argument("--no-quality", action="store_true")
    # classic by default, unlike padan synth: the harder case for privacy (simulation.py,
    # ATTACK_NAME_MODEL)
    parser.add_argument("--names", choices=NAME_MODELS, default=ATTACK_NAME_MODEL,
                        help="name model of the lists and the public sample (synth)")
    parser.add_argument("--cohorts", default="",
                        help="also attack single cohorts of these sizes (e.g. 500,2000,5000)")
    args = parser.parse_args()
    every = configurations()
    chosen = [c for c in args.configs.split(",") if c] or list(every)
    seeds = [int(s) for s in args.seeds.split(",")]
    started = time.perf_counter()
    print("| candidate | seed | bits | " + " | ".join(FAMILIES) + " | worst | F1 per pair "
          "(moderate) | F1 heavy |")
    print("|---|---|---|" + "---|" * len(FAMILIES) + "---|---|---|", flush=True)
    for name in chosen:
        schema = every[name][1]
        for seed in seeds if name == "default" else seeds[:1]:
            public = public_sample(args.public, seed=seed, names=args.names)
            outcomes = run_attacks(schema, records=args.records, public=0, seed=seed,
                                   public_names_sample=public, names=args.names)
            pairs, heavy = ((None, None) if args.no_quality
                            else quality(schema, args.records, seed, args.names))
            print_row(name, seed, schema.encoded_bits, outcomes, pairs, heavy)
            print(f"[{time.perf_counter() - started:.0f} s] {name} seed {seed}",
                  file=sys.stderr, flush=True)
    print()
    for name in chosen:
        print(f"- `{name}`: {every[name][0]}")
    if args.cohorts:
        print_cohorts([int(c) for c in args.cohorts.split(",")], seeds[0], args.public,
                      args.names)
    print(f"\n({time.perf_counter() - started:.0f} s in all; {args.records:,} records, public "
          f"sample {args.public:,}, {args.names} names)", file=sys.stderr)


if __name__ == "__main__":
    main()
