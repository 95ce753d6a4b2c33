"""Attacks on the other identifying fields' own values: nama ibu kandung, tempat lahir, alamat.

A field enters the default schema only once the attacks have tried to recover its values, not
only the names beside it (docs/threat-model.md, "What the measurements say", "The other
fields"). The name attacks serve unchanged: for the attack, the attacked field plays the name
(its values are what the attacker guesses and what is scored), the real name becomes an ordinary
field of the schema the attacker reads, and the public sample holds the attacked field's values
of other people of the same population model, as a leaked register with these columns would.

An address is scored by its words (street, alley or hamlet name, markers such as JL. left out,
as the address tokeniser leaves them out); RT, RW and house numbers, tokens of their own, are
left to the attacker as unexplained bits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from padan.encoder.normalise import Status, normalise_address, normalise_name, normalise_place
from padan.encoder.schema import LinkageSchema, QgramTokeniser
from padan.encoder.tokens import address_parts
from padan.evaluation.attacks import AttackOutcome, AttackTarget, PublicNames, public_names
from padan.evaluation.labelled import LabelledParty
from padan.evaluation.simulation import (
    ATTACK_NAME_MODEL,
    ATTACKS,
    PUBLIC_SEED_OFFSET,
    attack_outcomes,
    encoded_party,
    names_only_control,
)
from padan.synth import AgencySpec, SynthConfig, generate
from padan.synth.field_columns import headers_for

# The kinds whose values the attacks try to recover (No KK is positional digits, not q-grams:
# the attacks here do not model it, and no schema of docs/schemas puts it in a filter).
ATTACKED_KINDS = ("mother_name", "birthplace", "address")


def _usable(result) -> bool:
    return result.status in (Status.VALID, Status.REPAIRED) and bool(result.value)


def _name(raw: object) -> str | None:
    result = normalise_name(raw)
    return result.value if _usable(result) else None


def _place(raw: object) -> str | None:
    result = normalise_place(raw)
    return result.value if _usable(result) else None


def _address_words(raw: object) -> str | None:
    """The address's words as the tokeniser keeps them: no markers, no numbers, no RT/RW."""
    result = normalise_address(raw)
    if not _usable(result):
        return None
    words, _numbers = address_parts(result.value)
    return " ".join(words) or None


VALUE_OF: dict[str, Callable[[object], str | None]] = {
    "mother_name": _name, "birthplace": _place, "address": _address_words}


def attacked_field(schema: LinkageSchema, kind: str) -> str:
    """The name of the schema's field of `kind`, which the attack will try to recover."""
    if kind not in VALUE_OF:
        raise ValueError(f"no attack on fields of kind '{kind}'; choose from "
                         f"{', '.join(ATTACKED_KINDS)}")
    spec = schema.field_of_kind(kind)
    if spec is None:
        raise ValueError(f"the schema has no field of kind '{kind}'")
    return spec.name


def as_attacker_reads(schema: LinkageSchema, kind: str) -> LinkageSchema:
    """The schema with the field of `kind` in the name's place: the attacks look for the field
    of kind 'name' (its tokeniser, the segments that hold it)."""
    attacked = attacked_field(schema, kind)
    fields = [_as_name(f) if f.name == attacked
              else f.model_copy(update={"kind": "text"}) if f.kind == "name" else f
              for f in schema.fields]
    return schema.model_copy(update={"fields": fields})


def _as_name(spec):
    """The attacked field as the name: an address's words are q-grams like a name's (the
    attacker's value leaves the markers and numbers out, evaluation scores the words)."""
    update = {"kind": "name"}
    if spec.tokeniser.kind == "address":
        update["tokeniser"] = QgramTokeniser(q=spec.tokeniser.q)
    return spec.model_copy(update=update)


def field_target(party: LabelledParty, schema: LinkageSchema, kind: str) -> AttackTarget:
    """The linker's view of a party encoded with keep_values=True, scored on the field's
    values."""
    if party.values is None:
        raise ValueError("encode the party with keep_values=True to score attacks on it")
    raw = party.values[attacked_field(schema, kind)]
    value = VALUE_OF[kind]
    return AttackTarget(np.asarray(party.encodings.records), as_attacker_reads(schema, kind),
                        tuple(party.encodings.header.blocking_keys),
                        tuple(value(v) for v in raw))


def encoded_field_target(schema: LinkageSchema, kind: str, *, records: int,
                         dirt: str = "moderate", seed: int = 7,
                         names: str = ATTACK_NAME_MODEL) -> AttackTarget:
    """The linker's view of simulation.encoded_party's list, scored on the field's values."""
    party = encoded_party(schema, records=records, dirt=dirt, seed=seed, names=names)
    return field_target(party, schema, kind)


def public_field_sample(kind: str, size: int, seed: int, names: str = ATTACK_NAME_MODEL
                        ) -> PublicNames:
    """The field's values of `size` people of another population (clean, as a register would
    publish them), with their birthdates, sexes and NIK provinces."""
    spec = AgencySpec(name="PUBLIC", size=size)
    config = SynthConfig(seed=seed + PUBLIC_SEED_OFFSET, population=max(2 * size, 100),
                         agencies=(spec,), dirt="none", overlap=0.0, names=names)
    table = generate(config).tables["PUBLIC"]
    headers = {**headers_for(spec), **spec.columns}
    return public_names(table.column(headers[kind]).to_pylist(),
                        table.column(headers["birthdate"]).to_pylist(),
                        table.column(headers["sex"]).to_pylist(),
                        [int(n[:2]) if n and n[:2].isdigit() else 0
                         for n in table.column(headers["nik"]).to_pylist()],
                        normalise=VALUE_OF[kind])


def field_attack_outcomes(schema: LinkageSchema, kind: str, *, records: int, public: int,
                          seed: int = 7, names: str = ATTACK_NAME_MODEL, dirt: str = "moderate",
                          attacks: Sequence[str] = ATTACKS,
                          bit_range: tuple[int, int] | None = None) -> list[AttackOutcome]:
    """Every chosen attack family on the values of the schema's field of `kind`, each outcome
    named '<attack>[<segment>]@<kind>'."""
    target = encoded_field_target(schema, kind, records=records, dirt=dirt, seed=seed,
                                  names=names)
    sample = public_field_sample(kind, public, seed, names)
    return [replace(o, attack=f"{o.attack}@{kind}")
            for o in attack_outcomes(target, sample, attacks, bit_range=bit_range)]


def field_control(kind: str, project_id: str = "privacy") -> str:
    """The control of the attacks on a field: its tokens alone in an unsalted, unhardened
    record-level filter, 20 bits each (the attacks must recover values there): the names-only
    control with the name's bits moved to the field."""
    tokeniser = '{ kind = "address", q = 2 }' if kind == "address" else \
        '{ kind = "qgram", q = 2 }'
    names_only = names_only_control(project_id)
    assert names_only.count("bits_per_token = 20") == 1   # the name's
    return names_only.replace("bits_per_token = 20", "bits_per_token = 0") + f"""\
[[fields]]
name = "attacked"
kind = "{kind}"
required = false
tokeniser = {tokeniser}
bits_per_token = 20
"""
