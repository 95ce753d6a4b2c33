"""One attack simulation end to end: a synthetic list, its encodings, a public sample, attacks.

The encoded list and the public sample come from two populations generated with different
seeds: the attacker knows the name frequencies, not the people on the list.
"""

from __future__ import annotations

from collections.abc import Sequence

from padan.encoder.schema import LinkageSchema
from padan.evaluation.attacks import (
    AttackOutcome,
    PublicNames,
    attack_target,
    filter_frequency_attack,
    graph_matching_attack,
    pattern_mining_attack,
    public_names,
    token_frequency_attack,
)
from padan.evaluation.datasets import synthetic_parties
from padan.evaluation.labelled import throwaway_secret
from padan.synth import AgencySpec, SynthConfig, generate
from padan.synth.agencies import rng_for
from padan.synth.population import generate_population

PUBLIC_SEED_OFFSET = 1_000_003   # the public sample's population is another draw


def public_sample(size: int, seed: int) -> PublicNames:
    table = generate_population(rng_for(seed + PUBLIC_SEED_OFFSET, "population"),
                                size).to_table()
    return public_names(table.column("name").to_pylist(), table.column("birthdate").to_pylist(),
                        table.column("sex").to_pylist())


def run_attacks(schema: LinkageSchema, *, records: int, public: int, dirt: str = "moderate",
                seed: int = 7, attacks: Sequence[str] = ("frequency", "pattern-mining",
                                                         "graph-matching"),
                public_names_sample: PublicNames | None = None) -> list[AttackOutcome]:
    """Encode one synthetic list with `schema` and run the chosen attacks on it."""
    config = SynthConfig(seed=seed, population=max(2 * records, 100),
                         agencies=(AgencySpec(name="TARGET", size=records),), dirt=dirt,
                         overlap=0.0)
    party = synthetic_parties(generate(config), schema, throwaway_secret(),
                              keep_values=True)[0]
    target = attack_target(party, schema)
    sample = public_names_sample or public_sample(public, seed)
    outcomes = []
    if "frequency" in attacks:
        outcomes.append(filter_frequency_attack(target, sample))
        outcomes += [token_frequency_attack(target, sample, key.name)
                     for key in schema.blocking]
    if "pattern-mining" in attacks:
        outcomes.append(pattern_mining_attack(target, sample))
    if "graph-matching" in attacks:
        outcomes.append(graph_matching_attack(target, sample))
    return outcomes
