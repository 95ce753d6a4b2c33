"""The pattern-mining attack end to end on one set of filters (or one segment of them).

mine -> set aside the other fields' patterns -> align with public q-grams -> re-identify ->
rounds of: withdraw q-grams whose holders are never re-identified (a wrong alignment rules out
the true name of every record holding the pattern) -> known-plaintext bootstrap (learn more
q-grams from near-certain records) -> re-identify.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from padan.encoder.hardening import to_bits
from padan.encoder.schema import LinkageSchema
from padan.evaluation.attacks.knowledge import PublicNames
from padan.evaluation.attacks.mining import bootstrap
from padan.evaluation.attacks.mining.alignment import align_patterns, anchor_fit
from padan.evaluation.attacks.mining.name_priors import NamePriors
from padan.evaluation.attacks.mining.other_fields import background, name_sized
from padan.evaluation.attacks.mining.patterns import (
    Pattern,
    holding_rows,
    mine_patterns,
    size_slack,
)
from padan.evaluation.attacks.mining.public_model import (
    PublicQgrams,
    public_qgrams,
    public_words,
)
from padan.evaluation.attacks.mining.reidentify import Reidentification, reidentify

KNOWN_PLAINTEXT = 0.99       # posterior from which a record counts as known plaintext
MIN_SUPPORT = 10             # rows a pattern needs (fewer: chance coincidences of positions)
_PERIOD = 10                 # years per span of the public's birth-year statistics
_MIN_COHORT_PEOPLE = 500
# a q-gram whose holders are re-identified this much less often than the list's records is
# withdrawn: a right one leaves its holders as easy to re-identify as anyone
_SUSPECT_RATIO = 0.05


@dataclass(frozen=True, slots=True)
class Knowledge:
    """The attacker's public knowledge, computed once per attack: q-gram statistics and
    name priors."""

    grams: PublicQgrams
    priors: NamePriors
    cohorts: tuple[PublicQgrams, ...] = ()   # the same, per sex and per span of birth years


def public_knowledge(public: PublicNames, q: int, *, cohorts: bool = False) -> Knowledge:
    """`cohorts`: also the q-gram statistics of the public's women, men, and each span of
    birth years, for cohorts that may be one sex or one birth year (names differ by sex and
    change with fashion: a list of girls is not the public)."""
    samples = []
    if cohorts:
        years = public.birth_years
        groups = [public.female, ~public.female]
        for start in range(int(years[years > 0].min(initial=0)) // _PERIOD * _PERIOD,
                           int(years.max(initial=0)) + 1, _PERIOD):
            groups.append((years >= start) & (years < start + _PERIOD))
        for group in groups:
            keep = np.flatnonzero(group).tolist()
            if len(keep) >= _MIN_COHORT_PEOPLE:
                samples.append(public_qgrams(PublicNames(
                    tuple(public.names[i] for i in keep), years[keep], public.female[keep]), q))
    return Knowledge(public_qgrams(public, q), NamePriors(public_words(public)), tuple(samples))


def min_support_for(records: int) -> int:
    """Rows a pattern needs: MIN_SUPPORT, fewer in a small cohort (a pattern of k positions
    held by 3 rows is no coincidence when k is large; the junk tests catch the rest)."""
    return max(3, min(MIN_SUPPORT, records // 200))


@dataclass(frozen=True, slots=True)
class MiningResult:
    """What the attacker learnt: q-gram positions, and the re-identification they give."""

    identified: dict[int, np.ndarray]   # public q-gram index -> positions
    patterns: int                       # patterns mined (all fields)
    reidentification: Reidentification


def filter_bits_of(records: np.ndarray, schema: LinkageSchema,
                   bit_range: tuple[int, int] | None) -> np.ndarray:
    """(records, bits) bool of the filters, or of bits [start, stop) only."""
    bits = to_bits(np.ascontiguousarray(records["filter"]), schema.encoded_bits).astype(bool)
    if bit_range is not None:
        start, stop = bit_range
        if not 0 <= start < stop <= bits.shape[1]:
            raise ValueError(f"bit_range {bit_range} is outside the {bits.shape[1]}-bit filter")
        bits = np.ascontiguousarray(bits[:, start:stop])
    return bits


def mine_names(bits: np.ndarray, schema: LinkageSchema, known: Knowledge, *, rounds: int = 3,
               min_support: int | None = None, restarts: int = 1) -> MiningResult:
    """The whole attack on `bits` ((records, bits) bool) for the name field of `schema`."""
    grams = known.grams
    if min_support is None:
        min_support = min_support_for(len(bits))
    name = schema.field_of_kind("name")
    k = name.bits_per_token
    token_sizes = [f.bits_per_token for f in schema.fields if f.bits_per_token]
    patterns = mine_patterns(bits, min_support=min_support,
                             min_size=max(2, min(k - size_slack(k) for k in token_sizes)),
                             max_size=max(token_sizes))
    candidates = name_sized(patterns, schema, len(bits))
    identified: dict[int, np.ndarray] = {}
    aligned: dict[int, int] = {}
    if candidates:
        held = np.stack([patterns[p].rows for p in candidates], axis=1)
        if known.cohorts:
            # the public sample (all, one sex, one span of birth years) that fits best
            grams = max((grams, *known.cohorts), key=lambda model: anchor_fit(held, model))
        alignment = align_patterns(held, grams, restarts=restarts)
        for i, p in enumerate(candidates):
            if alignment.gram[i] >= 0:
                aligned[p] = int(alignment.gram[i])
                identified[int(alignment.gram[i])] = patterns[p].positions
    explained = background(patterns, candidates, schema, len(bits))
    if explained is not None and explained.shape[1] < bits.shape[1]:
        explained = np.pad(explained, ((0, 0), (0, bits.shape[1] - explained.shape[1])))
    result = reidentify(bits, identified, grams, known.priors, k,
                            background=explained)
    for _ in range(rounds):
        withdrawn = _withdraw_suspects(bits, identified, aligned, result, min_support)
        if withdrawn:
            result = reidentify(bits, identified, grams, known.priors, k,
                                background=explained)
        learned = _learn(bits, explained, patterns, candidates, aligned, identified, result,
                         grams, k, min_support)
        if not learned and not withdrawn:
            break
        identified.update(learned)
        result = reidentify(bits, identified, grams, known.priors, k,
                            background=explained)
    return MiningResult(identified, len(patterns), result)


def _withdraw_suspects(bits: np.ndarray, identified: dict[int, np.ndarray],
                       aligned: dict[int, int], result: Reidentification, min_support: int
                       ) -> list[int]:
    """Withdraw the q-grams whose holders (at least min_support of them) are almost never
    re-identified, and free their patterns for the bootstrap to name from known plaintext.

    A pattern aligned with the wrong q-gram makes every record holding it demand a name with
    that q-gram: the true name is ruled out, and the record is refused or guessed wrong. Once
    the q-gram is withdrawn, its holders are re-identified from their other q-grams, and their
    names say which q-gram the pattern is (bootstrap.name_unaligned).
    """
    confident = result.posterior >= KNOWN_PLAINTEXT
    overall = float(confident.mean()) if len(confident) else 0.0
    suspects = []
    for g, positions in identified.items():
        holders = holding_rows(bits, positions)
        if holders.sum() >= min_support and \
                confident[holders].mean() < _SUSPECT_RATIO * overall:
            suspects.append(g)
    for g in suspects:
        del identified[g]
    for p in [p for p, g in aligned.items() if g in suspects]:
        del aligned[p]
    return suspects


def _learn(bits: np.ndarray, explained: np.ndarray | None, patterns: list[Pattern],
           candidates: list[int],
           aligned: dict[int, int], identified: dict[int, np.ndarray],
           result: Reidentification, grams: PublicQgrams, k: int, min_support: int
           ) -> dict[int, np.ndarray]:
    known = bootstrap.confident_grams(result.best, result.posterior, grams, KNOWN_PLAINTEXT)
    usable = [patterns[p] for p in candidates]
    local = {i: aligned[p] for i, p in enumerate(candidates) if p in aligned}
    named = bootstrap.name_unaligned(usable, local, known, set(identified))
    learned = {g: usable[i].positions for i, g in named.items()}
    for i, g in named.items():
        aligned[candidates[i]] = g
    unexplained = bits if explained is None else bits & ~explained
    peeled = bootstrap.peel_unmined(unexplained, known, {**identified, **learned}, k)
    learned.update(bootstrap.supported(bits, peeled, 2))
    return learned
