"""Pattern mining at published strength: the control, the default schema, the salt-aware
control, per seed (each seed: its own synthetic list, key and public sample of other people).

- control: a name-only filter (1,024 bits, bigrams, 20 bits per bigram, nothing else);
- default: `padan schema init`'s schema (docs/schema.md), global mining, then salt-aware mining
  inside every cohort its blocking tokens, identity tokens and stratum expose;
- salted: the control with the name salted with the birth year and a blocking key on the birth
  year (global mining, then mining each year cohort the key exposes).

Every run encodes under a fresh random key, so repeating a seed measures another key.

    python benchmarks/mining.py --records 20000 --public 20000 --seeds 7 8 9
    python benchmarks/mining.py --only control --seeds 1 2 3 4 5
"""

from __future__ import annotations

import argparse
import time

from padan.encoder.default_schema import default_schema
from padan.encoder.schema import parse_schema
from padan.evaluation.attacks import (
    attack_target,
    pattern_mining_attack,
    salt_aware_mining_attack,
)
from padan.evaluation.datasets import synthetic_parties
from padan.evaluation.labelled import throwaway_secret
from padan.evaluation.simulation import ATTACK_NAME_MODEL, public_sample
from padan.synth import AgencySpec, SynthConfig, generate
from padan.synth.config import NAME_MODELS

NAME_ONLY = """\
schema_version = 2
project_id = "mining-benchmark"
filter_bits = 1024
identity_field = "nik"
[[fields]]
name = "nik"
kind = "nik"
tokeniser = {{ kind = "nik_digits" }}
bits_per_token = 0
[[fields]]
name = "tanggal_lahir"
kind = "birthdate"
tokeniser = {{ kind = "date" }}
bits_per_token = 0
[[fields]]
name = "nama"
kind = "name"
tokeniser = {{ kind = "qgram", q = 2 }}
bits_per_token = 20
{salt}
[[blocking]]
name = "year"
parts = ["birth_year"]
"""
SCHEMAS = {
    "control": lambda: parse_schema(NAME_ONLY.format(salt="")),
    "default": lambda: default_schema("mining-benchmark"),
    "salted": lambda: parse_schema(NAME_ONLY.format(salt='salt_with = "birth_year"')),
}


def target_for(schema, records: int, seed: int, names: str = ATTACK_NAME_MODEL):
    config = SynthConfig(seed=seed, population=2 * records,
                         agencies=(AgencySpec(name="TARGET", size=records),), dirt="moderate",
                         overlap=0.0, names=names)
    party = synthetic_parties(generate(config), schema, throwaway_secret(), keep_values=True)[0]
    return attack_target(party, schema)


def line(label: str, seed: int, outcome, seconds: float) -> str:
    attackable = "" if outcome.attackable is None else f"  attackable {outcome.attackable}"
    return (f"{label:8} seed {seed}  {outcome.attack:34} names {outcome.name_share:7.2%}  "
            f"first names {outcome.first_name_share:7.2%}  guessed {outcome.guessed:6}  "
            f"precision {outcome.guess_precision:7.2%}{attackable}  {seconds:6.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--public", type=int, default=20_000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[7, 8, 9])
    parser.add_argument("--only", choices=sorted(SCHEMAS), nargs="+", default=sorted(SCHEMAS))
    parser.add_argument("--global-only", action="store_true",
                        help="skip salt-aware mining (on the default it mines every province "
                             "cohort: tens of minutes on 2 cores)")
    # classic by default, unlike padan synth: the harder case for privacy (simulation.py,
    # ATTACK_NAME_MODEL)
    parser.add_argument("--names", choices=NAME_MODELS, default=ATTACK_NAME_MODEL,
                        help="name model of the list and the public sample (synth)")
    args = parser.parse_args()
    for seed in args.seeds:
        public = public_sample(args.public, seed, args.names)
        for label in args.only:
            target = target_for(SCHEMAS[label](), args.records, seed, args.names)
            started = time.perf_counter()
            outcome = pattern_mining_attack(target, public)
            print(line(label, seed, outcome, time.perf_counter() - started), flush=True)
            if label in ("default", "salted") and not args.global_only:
                started = time.perf_counter()
                partition = target.records["blocks"][:, 0] if label == "salted" else None
                outcome = salt_aware_mining_attack(target, public, partition=partition)
                print(line(label, seed, outcome, time.perf_counter() - started), flush=True)


if __name__ == "__main__":
    main()
