"""LinkParameters: every setting of a run, each documented, validated, and round-tripped as JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from padan.i18n import _
from padan.linker.errors import ParameterError
from padan.linker.registers import REGISTER_KINDS, parse_roles
from padan.linker.similarity import KERNEL_NAMES

PASSES = ("identity", "keys", "lsh", "lsh_auto", "none")
SCORINGS = ("model", "dice")
SENSITIVITY_THRESHOLDS = (0.60, 0.65, 0.70, 0.75, 0.80, 0.85, 0.90, 0.95)


@dataclass(frozen=True, slots=True)
class LinkParameters:
    """Settings of one run. Defaults were chosen by measurement (docs/benchmarks.md, Linker)."""

    # How pairs across lists are scored. "model": a Fellegi–Sunter model fitted by EM on the
    # run's own candidate pairs gives each pair a match probability (padan.linker.model_scoring;
    # the fitted model is in the report); the bands below are then probabilities.
    # "dice": the pair's best segment Dice, with the NIK rules below (the first versions).
    scoring: str = "model"
    # scoring "model": pairs with a match probability at least this are matches; None picks the
    # threshold that maximises the F1 the model's own probabilities expect (no truth needed).
    match_probability: float | None = None
    # scoring "model": pairs from this probability up to the match threshold are "possible".
    possible_probability: float = 0.20
    # scoring "model": a pair is linked only if its names agree at least this much (Dice), or
    # its NIKs are equal and the names reach corroborated_threshold: no birthdate, sex or NIK
    # fragment can make a match without the name. docs/evaluation.md has the measurement.
    name_floor: float = 0.72

    # scoring "dice": pairs with Dice >= match_threshold form "match" groups.
    match_threshold: float = 0.80
    # Lower edge of the "possible match" band: pairs in [possible, match) join groups too, and
    # the group is then banded "possible". Must not exceed match_threshold.
    possible_threshold: float = 0.70
    # The same two bands for duplicates inside one list. The prior odds of a duplicate are far
    # lower than those of a match across lists (about 1 % of a list vs a third of it), so the same
    # score is weaker evidence: docs/benchmarks.md (Linker, "Duplicates") has the measurement.
    duplicate_threshold: float = 0.90
    duplicate_possible_threshold: float = 0.85
    # Two records of different lists with the same valid NIK (equal keyed identity tokens) and
    # Dice at least this count as a match even below match_threshold: on heavily corrupted
    # synthetic lists 43 % of the true pairs missed at 0.80 share the NIK, and no different
    # people did (docs/evaluation.md). 1.0 turns the rule off.
    identity_threshold: float = 0.60
    # Encodings with salted segments (schema version 2): two records of different lists with the
    # same valid NIK *and* the same salt of every other segment (the birthdate in the default
    # schema) count as a match when their name Dice reaches this. Different people almost never
    # share a NIK, a birthdate and a sex; the name then only has to agree, not to be spelled
    # alike ("AGUS P." and "AGUS PRIYANTO"), or one of two names may be missing: 0.40 found more
    # true pairs than 0.45 with no more false ones on every synthetic set and FEBRL4
    # (docs/evaluation.md has the measurement).
    corroborated_threshold: float = 0.40
    # Encodings with a veto segment (the default: the NIK's region and serial digits salted with
    # the birthdate): a pair found by the name among records of the same birthdate is refused when
    # both records carry NIK digits and their Dice is below this. A typo changes one or two of
    # the ten digits (Dice >= 0.8); two people of one birthdate from different districts differ
    # in several. 0 turns the veto off. docs/evaluation.md has the measurement.
    veto_threshold: float = 0.75
    # The same veto for two records of one list (a duplicate): stricter, since a wrong duplicate
    # also pulls its twin's cross-list group onto the wrong person. Two of ten digits apart
    # (0.8) is as often two namesakes of nearby districts with the same serial as a typo.
    duplicate_veto_threshold: float = 0.85
    # Blocking passes, combined by union: "identity" (keyed NIK), "keys" (every encoder blocking
    # key), "lsh" (bit-sampling LSH on the filters), "lsh_auto" (LSH only when some list has
    # fewer valid NIKs than lsh_auto_min_identity); ("none",) compares every pair. Where NIKs
    # are plentiful, the pairs only LSH finds are mostly look-alikes (same common name, no shared
    # NIK or key): leaving it out raised F1 at the default threshold from 0.962 to 0.978
    # (moderate dirt) and 0.938 to 0.947 (heavy) with 12x fewer comparisons; without NIKs
    # (FEBRL4) it is needed: pair completeness 0.90 without it (docs/evaluation.md).
    blocking: tuple[str, ...] = ("identity", "keys", "lsh_auto")
    # lsh_auto adds LSH when a list has a smaller share of records with a valid NIK than this.
    lsh_auto_min_identity: float = 0.8
    # Also find duplicates inside each list.
    dedup: bool = True
    # A bucket with more records than this on either side is skipped in its pass (the other
    # passes, and LSH when enabled, still reach its records): bounds the work of one bucket to
    # max_block_size ** 2 comparisons.
    max_block_size: int = 2000
    # LSH: number of bands, bits sampled per band, and the seed that picks the bits.
    lsh_bands: int = 24
    lsh_bits: int = 24
    lsh_seed: int = 20240601
    # Best-match scores below this are not tracked for the histogram (saves work in the kernel).
    histogram_floor: float = 0.40
    # Work is cut into this many partitions per pass (0 = as many as the executor suggests).
    partitions: int = 0
    # Dice kernel: "auto" (the fastest CPU kernel, numba), "numba", "numpy" (the slow reference)
    # or "gpu" (PyTorch with a CUDA device on every machine that scores; refused where there is
    # none). Results are the same with every kernel; see similarity.score_buckets.
    kernel: str = "auto"
    # Registers among the parties, "NAME=KIND" with KIND deaths, population or eligibility
    # (padan.linker.registers): programmes then learn which of their records are in a register,
    # and the report answers the three questions (double recipients, the dead still paid, the
    # eligible who are missing). Every other party is a programme.
    registers: tuple[str, ...] = ()
    # Programme kinds, "NAME=KIND" (e.g. KJP=pendidikan): double recipients are people on two
    # or more programmes of one kind; programmes not named here are all of one kind.
    programme_kinds: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.scoring not in SCORINGS:
            raise ParameterError(f"unknown scoring; choose from {', '.join(SCORINGS)}",
                                 parameter="scoring")
        probabilities = ["possible_probability"]
        if self.match_probability is not None:
            probabilities.append("match_probability")
        for name in ("match_threshold", "possible_threshold", "duplicate_threshold",
                     "duplicate_possible_threshold", "histogram_floor", "identity_threshold",
                     "corroborated_threshold", "name_floor", *probabilities):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) \
                    or not 0.0 < value <= 1.0:
                raise ParameterError(_("must be a number greater than 0 and at most 1"),
                                     parameter=name)
        for low, high in (("possible_threshold", "match_threshold"),
                          ("duplicate_possible_threshold", "duplicate_threshold")):
            if getattr(self, low) > getattr(self, high):
                raise ParameterError(_("must not exceed {other}").format(other=high),
                                     parameter=low)
        blocking = tuple(self.blocking)
        object.__setattr__(self, "blocking", blocking)
        unknown = [p for p in blocking if p not in PASSES]
        if unknown or not blocking:
            raise ParameterError(_("unknown or missing pass; choose from {choices}").format(
                choices=", ".join(PASSES)), parameter="blocking")
        if "none" in blocking and len(blocking) > 1:
            raise ParameterError(_("'none' compares every pair and cannot be combined"),
                                 parameter="blocking")
        for name, low, high in (("max_block_size", 2, 10**7), ("lsh_bands", 0, 1024),
                                ("lsh_bits", 1, 63), ("partitions", 0, 4096)):
            value = getattr(self, name)
            if not isinstance(value, int) or not low <= value <= high:
                raise ParameterError(_("must be an integer from {low} to {high}").format(
                    low=low, high=high), parameter=name)
        if self.kernel not in KERNEL_NAMES:
            raise ParameterError(_("unknown kernel; choose from {choices}").format(
                choices=", ".join(KERNEL_NAMES)), parameter="kernel")
        for name in ("veto_threshold", "duplicate_veto_threshold"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) \
                    or not 0.0 <= value <= 1.0:
                raise ParameterError(_("must be a number from 0 to 1"), parameter=name)
        object.__setattr__(self, "registers", parse_roles(
            self.registers, parameter="registers", kinds=REGISTER_KINDS))
        object.__setattr__(self, "programme_kinds", parse_roles(
            self.programme_kinds, parameter="programme_kinds"))
        named = set(_named(self.registers)) & set(_named(self.programme_kinds))
        if named:
            raise ParameterError(_("'{party}' is declared a register and a programme").format(
                party=sorted(named)[0]), parameter="programme_kinds")
        if not 0.0 <= self.lsh_auto_min_identity <= 1.0:
            raise ParameterError(_("must be a share from 0 to 1"),
                                 parameter="lsh_auto_min_identity")
        if ("lsh" in blocking or "lsh_auto" in blocking) and self.lsh_bands == 0:
            raise ParameterError(_("must be at least 1 when blocking uses 'lsh'"),
                                 parameter="lsh_bands")

    @property
    def keep_threshold(self) -> float:
        """Pairs kept from the kernel: low enough for the possible band, the sensitivity table
        and the same-NIK rules."""
        return min(self.possible_threshold, self.duplicate_possible_threshold,
                   SENSITIVITY_THRESHOLDS[0], self.identity_threshold,
                   self.corroborated_threshold, self.name_floor)

    def pass_keep(self, *, within: bool) -> float:
        """The Dice from which a pass keeps pairs: keep_threshold across lists (the match
        model's EM fit reads every candidate pair, the name refused ones included: without the
        weak names of different people it cannot tell matches from non-matches, measured in
        docs/evaluation.md); within one list duplicate_possible_threshold, since only the
        duplicate bands read those pairs (the solver drops every pair below it). The histogram
        floor is tracked apart."""
        if within:
            return max(self.keep_threshold, self.duplicate_possible_threshold)
        return self.keep_threshold

    def to_dict(self) -> dict:
        data = asdict(self)
        data["blocking"] = list(self.blocking)
        data["registers"] = list(self.registers)
        data["programme_kinds"] = list(self.programme_kinds)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> LinkParameters:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ParameterError(_("unknown setting; known: {known}").format(
                known=", ".join(sorted(known))), parameter=unknown[0])
        values = dict(data)
        for name in ("blocking", "registers", "programme_kinds"):
            if name in values and not isinstance(values[name], str):
                values[name] = tuple(values[name])
        return cls(**values)


def _named(entries: tuple[str, ...]) -> list[str]:
    return [entry.split("=", 1)[0] for entry in entries]
