"""What the attacker holds and how a guess is scored.

AttackTarget is the linker's view of one encoded list plus, for scoring only, the normalised
name (and birthdate and sex) behind each record. PublicNames is the attacker's public knowledge:
an independent sample of the population (normalised names, birthdates, sexes and, where the
register carries it, the NIK province), e.g. a leaked or published register or voter list, with
the frequencies it implies.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from padan.encoder.encoding_file import FLAG_BIRTHDATE_MISSING, FLAG_BIRTHDATE_PLACEHOLDER
from padan.encoder.hardening import to_bits
from padan.encoder.normalise import (
    Status,
    name_code,
    normalise_birthdate,
    normalise_name,
    normalise_sex,
)
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
    # for scoring recovered key values only (None where unknown or not kept)
    true_birthdates: tuple[dt.date | None, ...] | None = None
    true_sexes: tuple[str | None, ...] | None = None

    @property
    def filter_bits(self) -> int:
        return self.schema.encoded_bits

    def __len__(self) -> int:
        return len(self.records)

    def bits(self, bit_range: tuple[int, int] | None = None) -> np.ndarray:
        """The filters as (n, bits) uint8 0/1, only columns [start, stop) when given."""
        start, stop = checked_range(bit_range, self.filter_bits)
        bits = to_bits(np.ascontiguousarray(self.records["filter"]), self.filter_bits)
        return bits[:, start:stop]

    def strata(self) -> np.ndarray:
        """Each record's stratum (NIK province), or zeros when the schema publishes none."""
        if self.schema.stratum is None:
            return np.zeros(len(self), np.int64)
        return np.asarray(self.records["stratum"], np.int64)

    def date_flags(self) -> tuple[np.ndarray, np.ndarray]:
        """(placeholder birthdate, missing birthdate) per record, as the flags say."""
        flags = np.asarray(self.records["flags"], np.int64)
        return (flags & FLAG_BIRTHDATE_PLACEHOLDER) != 0, (flags & FLAG_BIRTHDATE_MISSING) != 0


def checked_range(bit_range: tuple[int, int] | None, filter_bits: int) -> tuple[int, int]:
    """[start, stop) of the filter bits an attack may look at (all of them by default)."""
    if bit_range is None:
        return 0, filter_bits
    start, stop = bit_range
    if not 0 <= start < stop <= filter_bits:
        raise ValueError(f"bit_range must satisfy 0 <= start < stop <= {filter_bits}")
    return int(start), int(stop)


def attack_target(party: LabelledParty, schema: LinkageSchema) -> AttackTarget:
    """The target built from a party encoded with keep_values=True."""
    if party.values is None:
        raise ValueError("encode the party with keep_values=True to score attacks on it")
    def column(kind: str, normalise) -> tuple | None:
        spec = schema.field_of_kind(kind)
        raw = party.values.get(spec.name) if spec else None
        return tuple(_usable(normalise(v)) for v in raw) if raw is not None else None

    names = column("name", normalise_name) or (None,) * len(party)
    return AttackTarget(np.asarray(party.encodings.records), schema,
                        tuple(party.encodings.header.blocking_keys), names,
                        column("birthdate", normalise_birthdate), column("sex", normalise_sex))


def _usable(result) -> object:
    return result.value if result.status in _USABLE else None


def _normalised(raw: object) -> str | None:
    return _usable(normalise_name(raw))


@dataclass(frozen=True, slots=True)
class PublicNames:
    """The attacker's public sample: one entry per person, normalised."""

    names: tuple[str, ...]
    birth_years: np.ndarray   # int, 0 where unknown
    female: np.ndarray        # bool
    # full birthdates as datetime64[D] (NaT where unknown), whether each is a placeholder date
    # (1 Jan, 1 Jul, 31 Dec), and the NIK province (0 where unknown): public registers and voter
    # lists carry them
    birthdates: np.ndarray | None = None
    placeholder: np.ndarray | None = None
    provinces: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.names)

    def counts(self) -> Counter:
        return Counter(self.names)

    def ranked(self) -> list[tuple[str, int]]:
        """Distinct names, most frequent first (ties by name, so the order is stable)."""
        return sorted(self.counts().items(), key=lambda item: (-item[1], item[0]))

    def codes(self) -> list[str]:
        return [name_code(n) for n in self.names]


def public_names(names: Sequence[object], birthdates: Sequence[object] | None = None,
                 sexes: Sequence[str] | None = None,
                 provinces: Sequence[int] | None = None, *,
                 normalise: Callable[[object], str | None] | None = None) -> PublicNames:
    """Normalise a public sample; people whose name does not normalise are left out.
    `normalise`: another field's normaliser, when the values are not names
    (evaluation/field_attacks.py)."""
    normalise = normalise or _normalised
    kept, years, female, dates, placeholder, province = [], [], [], [], [], []
    for i, raw in enumerate(names):
        value = normalise(raw)
        if value is None:
            continue
        kept.append(value)
        date = normalise_birthdate(birthdates[i]) if birthdates is not None else None
        usable = date is not None and date.status in _USABLE and date.value is not None
        years.append(date.value.year if usable else 0)
        dates.append(np.datetime64(date.value, "D") if usable else np.datetime64("NaT", "D"))
        placeholder.append(bool(usable and date.placeholder))
        female.append(sexes is not None and sexes[i] == "P")
        province.append(int(provinces[i]) if provinces is not None else 0)
    return PublicNames(tuple(kept), np.array(years, np.int64), np.array(female, bool),
                       np.array(dates, "datetime64[D]"), np.array(placeholder, bool),
                       np.array(province, np.int64))


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
    guessed_scored: int | None = None   # guesses for records that are scored (precision base)
    # share of records whose value of each recovered part (birth_year, birthdate, sex, ...) the
    # attack got right, for attacks that recover parts: a birthdate is a quasi-identifier even
    # when no name is guessed
    recovered: dict[str, float] | None = None
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

    @property
    def precision(self) -> float | None:
        """Share of the guesses (for scored records) that name the person right."""
        if self.guessed_scored is None:
            return None
        return self.names_correct / self.guessed_scored if self.guessed_scored else 0.0

    def to_dict(self) -> dict:
        out = {"attack": self.attack, "records": self.records,
               "name_share": round(self.name_share, 6),
               "first_name_share": round(self.first_name_share, 6),
               "value_share": round(self.value_share, 6), "guessed": self.guessed,
               "guess_precision": round(self.guess_precision, 6),
               "blind_first_name_share": round(self.baseline_share, 6)}
        if self.precision is not None:
            out["precision"] = round(self.precision, 6)
        if self.recovered is not None:
            out["recovered"] = {k: round(v, 6) for k, v in self.recovered.items()}
        if self.attackable is not None:
            out["attackable"] = self.attackable
        return out


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
                         sum(1 for g in guesses if g is not None), baseline,
                         guessed_scored=sum(1 for i in scored if guesses[i] is not None),
                         attackable=attackable)
