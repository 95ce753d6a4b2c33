"""One attack simulation end to end: a synthetic list, its encodings, a public sample, attacks.

The encoded list and the public sample come from two populations generated with different
seeds: the attacker knows the name (and birthdate, sex, province) frequencies, not the people on
the list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from padan.encoder.schema import LinkageSchema
from padan.evaluation.attacks import (
    AttackOutcome,
    AttackTarget,
    PublicNames,
    attack_target,
    filter_frequency_attack,
    graph_matching_attack,
    hamming_weight_attack,
    joint_token_frequency_attack,
    pattern_mining_attack,
    public_names,
    qgram_graph_matching_attack,
    salt_aware_mining_attack,
    token_frequency_attack,
)
from padan.evaluation.datasets import synthetic_parties
from padan.evaluation.labelled import LabelledParty, throwaway_secret
from padan.synth import AgencySpec, SynthConfig, generate
from padan.synth.agencies import rng_for
from padan.synth.population import generate_population

PUBLIC_SEED_OFFSET = 1_000_003   # the public sample's population is another draw
# The attacks run on classic names unless told otherwise, although the generator's default is
# realistic: classic names are about ten times as concentrated as e-KTP names, which helps every
# attack that aligns by frequency (a blind guess of the commonest name is right six times as
# often), so a schema that holds there is tested in the harder case for privacy. `names=`
# ("realistic") runs the same attacks on e-KTP-like names (docs/evaluation.md).
ATTACK_NAME_MODEL = "classic"
# Attack families, in the order they run and print; `padan attack --only` takes these names.
ATTACKS = ("frequency", "pattern-mining", "salt-aware-mining", "graph-matching",
           "hamming-weight")


def names_only_control(project_id: str = "privacy") -> str:
    """The attacks' control: a record-level filter of the name's bigrams alone, 20 bits each,
    unsalted and unhardened (every attack must succeed on it). Schema text, so a caller can
    vary it."""
    return f"""\
schema_version = 2
project_id = "{project_id}"
filter_bits = 1024
identity_field = "nik"
[[fields]]
name = "nik"
kind = "nik"
tokeniser = {{ kind = "nik_digits" }}
bits_per_token = 0
[[fields]]
name = "nama"
kind = "name"
tokeniser = {{ kind = "qgram", q = 2 }}
bits_per_token = 20
"""


def public_sample(size: int, seed: int, names: str = ATTACK_NAME_MODEL) -> PublicNames:
    """Names, birthdates, sexes and NIK provinces of `size` people of another population (of
    the same name model as the target's, synth.config.NAME_MODELS)."""
    table = generate_population(rng_for(seed + PUBLIC_SEED_OFFSET, "population"),
                                size, names).to_table()
    provinces = [int(nik[:2]) for nik in table.column("nik").to_pylist()]
    return public_names(table.column("name").to_pylist(), table.column("birthdate").to_pylist(),
                        table.column("sex").to_pylist(), provinces)


def encoded_party(schema: LinkageSchema, *, records: int, dirt: str = "moderate",
                  seed: int = 7, names: str = ATTACK_NAME_MODEL) -> LabelledParty:
    """One synthetic list of `records` people encoded with `schema` under a throwaway key,
    its raw values kept for scoring."""
    config = SynthConfig(seed=seed, population=max(2 * records, 100),
                         agencies=(AgencySpec(name="TARGET", size=records),), dirt=dirt,
                         overlap=0.0, names=names)
    return synthetic_parties(generate(config), schema, throwaway_secret(), keep_values=True)[0]


def encoded_target(schema: LinkageSchema, *, records: int, dirt: str = "moderate",
                   seed: int = 7, names: str = ATTACK_NAME_MODEL) -> AttackTarget:
    """The linker's view of encoded_party's list, scored on its names."""
    party = encoded_party(schema, records=records, dirt=dirt, seed=seed, names=names)
    return attack_target(party, schema)


def attack_outcomes(target: AttackTarget, public: PublicNames, attacks: Sequence[str] = ATTACKS,
                    *, bit_range: tuple[int, int] | None = None) -> list[AttackOutcome]:
    """Run the chosen attack families on one target."""
    unknown = [a for a in attacks if a not in ATTACKS]
    if unknown:
        raise ValueError(f"unknown attack '{unknown[0]}'; choose from {', '.join(ATTACKS)}")
    outcomes = []
    if "frequency" in attacks:
        outcomes += [token_frequency_attack(target, public, key.name)
                     for key in target.schema.blocking]
        outcomes.append(joint_token_frequency_attack(target, public, bit_range=bit_range))
    for segment in _filters_to_attack(target.schema, bit_range):
        found = []
        if "frequency" in attacks:
            found.append(filter_frequency_attack(
                target, public, bit_range=segment.range, segment_fields=segment.fields,
                weight_tells_length=segment.record_bits is None))
        if "pattern-mining" in attacks:
            found.append(pattern_mining_attack(target, public, bit_range=segment.range))
        if "salt-aware-mining" in attacks:
            found.append(salt_aware_mining_attack(target, public, bit_range=segment.range))
        if "graph-matching" in attacks:
            found.append(graph_matching_attack(target, public, bit_range=segment.range))
            found.append(qgram_graph_matching_attack(target, public, bit_range=segment.range,
                                                     segment_fields=segment.fields))
        if "hamming-weight" in attacks:
            found.append(hamming_weight_attack(target, public, bit_range=segment.range,
                                               segment_fields=segment.fields,
                                               record_bits=segment.record_bits))
        outcomes += [replace(o, attack=f"{o.attack}[{segment.name}]") if segment.name else o
                     for o in found]
    return outcomes


@dataclass(frozen=True, slots=True)
class _Filter:
    """What a filter-level attack is pointed at: the whole filter, or one segment of it."""

    name: str
    range: tuple[int, int] | None
    fields: tuple[str, ...] | None = None
    record_bits: int | None = None


def _filters_to_attack(schema: LinkageSchema, bit_range: tuple[int, int] | None
                       ) -> list[_Filter]:
    """Each segment that holds the name (a determined attacker takes them one by one), or the
    record-level filter (or the bit range asked for)."""
    if bit_range is not None or not schema.segments:
        return [_Filter("", bit_range)]
    name = schema.field_of_kind("name")
    return [_Filter(s["name"], (s["start"], s["start"] + s["bits"]), tuple(spec.fields),
                    spec.record_bits)
            for s, spec in zip(schema.segment_layout(), schema.segments, strict=True)
            if name is not None and name.name in spec.fields]


def run_attacks(schema: LinkageSchema, *, records: int, public: int, dirt: str = "moderate",
                seed: int = 7, attacks: Sequence[str] = ATTACKS,
                public_names_sample: PublicNames | None = None,
                bit_range: tuple[int, int] | None = None,
                names: str = ATTACK_NAME_MODEL) -> list[AttackOutcome]:
    """Encode one synthetic list with `schema` and run the chosen attacks on it."""
    target = encoded_target(schema, records=records, dirt=dirt, seed=seed, names=names)
    sample = public_names_sample or public_sample(public, seed, names)
    return attack_outcomes(target, sample, attacks, bit_range=bit_range)
