"""What the attacker holds and how a guess is scored.

AttackTarget is the linker's view of one encoded list plus, for scoring only, the normalised
name behind each record. PublicNames is the attacker's public knowledge: an independent sample
of the population (normalised names, birth years, sexes), e.g. a leaked or published register
extract, with the frequencies it implies.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from padan.encoder.normalise import Status, name_code, normalise_birthdate, normalise_name
from padan.encoder.schema import LinkageSchema
from padan.evaluation.labelled import LabelledParty

_USABLE = (Status.VALID, Status.REPAIRED)


@dataclass(frozen=True, slots=True)
class AttackTarget:
    """The encodings as the linker sees them, the schema, and (for scoring) the true names."""

    records: np.ndarray           # encoding_file records: filter, identity, blocks, flags, ...
    schema: LinkageSchema
    blocking_keys: tuple[str, ...]
    true_names: tuple[str | None, ...]   # normalised name behind each record (None: unusable)

    @property
    def filter_bits(self) -> int:
        return self.schema.encoded_bits

    def __len__(self) -> int:
        return len(self.records)


def attack_target(party: LabelledParty, schema: LinkageSchema) -> AttackTarget:
    """The target built from a party encoded with keep_values=True."""
    if party.values is None:
        raise ValueError("encode the party with keep_values=True to score attacks on it")
    spec = schema.field_of_kind("name")
    raw = party.values.get(spec.name) if spec else None
    names = tuple(_normalised(v) for v in raw) if raw else (None,) * len(party)
    return AttackTarget(np.asarray(party.encodings.records), schema,
                        tuple(party.encodings.header.blocking_keys), names)


def _normalised(raw: object) -> str | None:
    result = normalise_name(raw)
    return result.value if result.status in _USABLE else None


@dataclass(frozen=True, slots=True)
class PublicNames:
    """The attacker's public sample: one entry per person, normalised."""

    names: tuple[str, ...]
    birth_years: np.ndarray   # int, 0 where unknown
    female: np.ndarray        # bool

    def counts(self) -> Counter:
        return Counter(self.names)

    def ranked(self) -> list[tuple[str, int]]:
        """Distinct names, most frequent first (ties by name, so the order is stable)."""
        return sorted(self.counts().items(), key=lambda item: (-item[1], item[0]))

    def codes(self) -> list[str]:
        return [name_code(n) for n in self.names]


def public_names(names: Sequence[object], birthdates: Sequence[object] | None = None,
                 sexes: Sequence[str] | None = None) -> PublicNames:
    """Normalise a public sample; people whose name does not normalise are left out."""
    kept, years, female = [], [], []
    for i, raw in enumerate(names):
        value = _normalised(raw)
        if value is None:
            continue
        kept.append(value)
        year = 0
        if birthdates is not None:
            date = normalise_birthdate(birthdates[i])
            year = date.value.year if date.status in _USABLE and date.value else 0
        years.append(year)
        female.append(sexes is not None and sexes[i] == "P")
    return PublicNames(tuple(kept), np.array(years, np.int64), np.array(female, bool))


@dataclass(frozen=True, slots=True)
class AttackOutcome:
    """How much one attack re-identified. Shares are of records (or distinct names) whose
    name the encoding carries."""

    attack: str
    records: int
    names_correct: int          # records whose whole name was guessed right
    first_names_correct: int    # records whose first word was guessed right
    distinct_names: int
    distinct_recovered: int     # distinct names guessed right for at least one record
    guessed: int                # records the attack made a guess for
    baseline_first_names: int   # blind guess (the most frequent public first name) for all
    attackable: int | None = None   # records the attack could work on (None: all of them)

    @property
    def name_share(self) -> float:
        return self.names_correct / self.records if self.records else 0.0

    @property
    def first_name_share(self) -> float:
        return self.first_names_correct / self.records if self.records else 0.0

    @property
    def value_share(self) -> float:
        return self.distinct_recovered / self.distinct_names if self.distinct_names else 0.0

    @property
    def guess_precision(self) -> float:
        """Share of the guesses made that were right (an attack that refuses when unsure
        has a high one)."""
        return self.names_correct / self.guessed if self.guessed else 0.0

    @property
    def baseline_share(self) -> float:
        return self.baseline_first_names / self.records if self.records else 0.0

    def to_dict(self) -> dict:
        return {"attack": self.attack, "records": self.records,
                "name_share": round(self.name_share, 6),
                "first_name_share": round(self.first_name_share, 6),
                "value_share": round(self.value_share, 6), "guessed": self.guessed,
                "guess_precision": round(self.guess_precision, 6),
                "blind_first_name_share": round(self.baseline_share, 6),
                **({} if self.attackable is None else {"attackable": self.attackable})}


def first_word(name: str | None) -> str | None:
    return name.split(" ", 1)[0] if name else None


def score_guesses(attack: str, target: AttackTarget, guesses: Sequence[str | None],
                  public: PublicNames, *, attackable: int | None = None) -> AttackOutcome:
    """Score one guess (or None) per record against the true names."""
    if len(guesses) != len(target):
        raise ValueError("one guess per record")
    truth = target.true_names
    scored = [i for i, t in enumerate(truth) if t is not None]
    names_ok = sum(1 for i in scored if guesses[i] == truth[i])
    firsts_ok = sum(1 for i in scored if guesses[i] is not None
                    and first_word(guesses[i]) == first_word(truth[i]))
    distinct = {truth[i] for i in scored}
    recovered = {truth[i] for i in scored if guesses[i] == truth[i]}
    firsts = Counter(first_word(n) for n in public.names)
    blind = firsts.most_common(1)[0][0] if firsts else None
    baseline = sum(1 for i in scored if first_word(truth[i]) == blind)
    return AttackOutcome(attack, len(scored), names_ok, firsts_ok, len(distinct), len(recovered),
                         sum(1 for g in guesses if g is not None), baseline, attackable)
