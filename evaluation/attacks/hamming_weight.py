"""Hamming-weight attack: the number of set bits of a filter betrays the length of the name.

Every token sets `bits_per_token` positions drawn (by a keyed hash, so as if at random) from the
filter's m bits. A record whose fields yield D draws in all has, in expectation,
m (1 - (1 - 1/m)^D) bits set, with a known variance (the occupancy distribution). The attacker
knows the schema (Kerckhoffs) and models every field but the name: a NIK marked valid gives its
10 positional digits, a birthdate its 4 date tokens (1 for a placeholder, 0 when missing, as the
flags say), the sex 1 token. What is left is the name's number of distinct q-grams; each record
is guessed the public name (of its stratum, where published) that is most probable given it:
P(name | weight) ~ P(name) * P(weight | q-grams of the name).

With `bit_range` only bits [start, stop) are counted: a window of the filter (each draw lands in
it with probability (stop - start) / m), or, with `segment_fields`, a separate segment of its own
that holds only those fields' tokens.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

import numpy as np

from padan.encoder.encoding_file import FLAG_NIK_VALID
from padan.encoder.tokens import NIK_FUZZY_POSITIONS, name_qgrams
from padan.evaluation.attacks.knowledge import (
    AttackOutcome,
    AttackTarget,
    PublicNames,
    checked_range,
    score_guesses,
)

_MAX_QGRAMS = 64
_LEAST_STRATUM = 300      # public people a stratum needs before its own name frequencies count
_DATE_TOKENS = 4          # day, month, year, day-month pair (tokens.date_tokens)


def other_draws(target: AttackTarget, fields: Sequence[str] | None = None) -> np.ndarray:
    """Positions drawn per record by every field but the name, as the schema and the flags
    tell the attacker (only `fields`, by name, when given)."""
    placeholder, missing = target.date_flags()
    nik_valid = (np.asarray(target.records["flags"], np.int64) & FLAG_NIK_VALID) != 0
    draws = np.zeros(len(target), np.float64)
    for spec in target.schema.fields:
        if spec.kind == "name" or not spec.bits_per_token or (fields and spec.name not in
                                                              fields):
            continue
        if spec.kind == "nik":
            tokens = np.where(nik_valid, len(NIK_FUZZY_POSITIONS), 0)
        elif spec.kind == "birthdate":
            full = _DATE_TOKENS if spec.tokeniser.kind == "date" else 1
            tokens = np.where(missing, 0, np.where(placeholder, 1, full))
        else:   # sex: one token
            tokens = np.ones(len(target))
        draws += spec.bits_per_token * tokens
    return draws


def weight_moments(draws: np.ndarray, bins: int, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean and variance of the set bits within `window` of `bins` positions after `draws`
    uniform draws (occupancy of the window's cells)."""
    empty = (1 - 1 / bins) ** draws
    both_empty = (1 - 2 / bins) ** draws
    mean = window * (1 - empty)
    variance = window * (window - 1) * both_empty + window * empty - window ** 2 * empty ** 2
    return mean, np.maximum(variance, 0.25)


def _geometry(target: AttackTarget, bit_range: tuple[int, int] | None,
              segment_fields: Sequence[str] | None) -> tuple[int, int]:
    start, stop = checked_range(bit_range, target.filter_bits)
    window = stop - start
    bins = window if segment_fields else target.schema.filter_bits
    return bins, window


def qgram_counts_from_weights(target: AttackTarget, weights: np.ndarray,
                              bit_range: tuple[int, int] | None = None,
                              segment_fields: Sequence[str] | None = None) -> np.ndarray:
    """Estimated name q-grams behind each weight (others' draws at their average)."""
    spec = target.schema.field_of_kind("name")
    bins, window = _geometry(target, bit_range, segment_fields)
    outside = bool(segment_fields) and spec is not None and spec.name not in segment_fields
    if spec is None or not spec.bits_per_token or outside:
        return np.zeros(len(weights))
    filled = np.clip(np.asarray(weights, np.float64) / window, 0, 1 - 1e-6)
    draws = np.log(1 - filled) / np.log(1 - 1 / bins)
    others = other_draws(target, segment_fields).mean() if len(target) else 0.0
    return np.maximum(draws - others, 0) / spec.bits_per_token


def hamming_weight_attack(target: AttackTarget, public: PublicNames, *,
                          bit_range: tuple[int, int] | None = None,
                          segment_fields: Sequence[str] | None = None,
                          record_bits: int | None = None,
                          min_posterior: float = 0.0, min_lift: float = 2.0) -> AttackOutcome:
    """Guess each record the most probable public name given its filter's weight (and its
    stratum); no guess where that name's posterior is below `min_posterior`. With
    `record_bits` (a segment whose tokens share that many positions), the attacker models the
    weight as the schema makes it: the same number of draws for every name length.

    A guess is made only where the weight makes its name at least `min_lift` times as likely as
    it was before looking (its share of the public names): guessing the commonest name for
    every record re-identifies no one, whatever its hit rate on a list of common names."""
    attack = "hamming-weight"
    spec = target.schema.field_of_kind("name")
    guesses: list[str | None] = [None] * len(target)
    if (spec is None or not spec.bits_per_token or not len(target) or not public.names
            or (segment_fields and spec.name not in segment_fields)):
        return score_guesses(attack, target, guesses, public)
    q = spec.tokeniser.q if spec.tokeniser.kind == "qgram" else 0
    bins, window = _geometry(target, bit_range, segment_fields)
    weights = target.bits(bit_range).sum(axis=1).astype(np.float64)
    others = other_draws(target, segment_fields)
    strata = target.strata()
    tables = _names_by_length(public, q, strata.any())
    lengths = np.arange(1, _MAX_QGRAMS + 1)
    for stratum in np.unique(strata).tolist():
        rows = np.flatnonzero(strata == stratum)
        top_names, top_mass, length_mass = tables.get(stratum) or tables[0]
        # log P(weight | g q-grams) for every record of the stratum and every g
        name_draws = (spec.bits_per_token * lengths if record_bits is None
                      else np.full(len(lengths), float(record_bits)))
        mean, variance = weight_moments(others[rows, None] + name_draws, bins, window)
        loglik = -0.5 * ((weights[rows, None] - mean) ** 2 / variance + np.log(variance))
        with np.errstate(divide="ignore"):
            joint = loglik + np.log(top_mass)[None, :]
            evidence = loglik + np.log(length_mass)[None, :]
        best = np.argmax(joint, axis=1)
        peak = evidence.max(axis=1, keepdims=True)
        normaliser = peak[:, 0] + np.log(np.exp(evidence - peak).sum(axis=1))
        posterior = np.exp(joint[np.arange(len(rows)), best] - normaliser)
        for row, g, p in zip(rows.tolist(), best.tolist(), posterior.tolist(), strict=True):
            if top_names[g] is not None and p >= max(min_posterior, min_lift * top_mass[g]):
                guesses[row] = top_names[g]
    return score_guesses(attack, target, guesses, public)


def _names_by_length(public: PublicNames, q: int, by_stratum: bool
                     ) -> dict[int, tuple[list[str | None], np.ndarray, np.ndarray]]:
    """Per stratum (0: everyone): for each q-gram count g = 1.._MAX_QGRAMS, the commonest name
    with g q-grams, its share of the people, and the share of all names with g q-grams."""
    provinces = (public.provinces if by_stratum and public.provinces is not None
                 else np.zeros(len(public), np.int64))
    people: dict[int, Counter] = defaultdict(Counter)
    for name, province in zip(public.names, provinces.tolist(), strict=True):
        people[0][name] += 1
        if province:
            people[province][name] += 1
    tables = {}
    for stratum, counts in people.items():
        total = sum(counts.values())
        if stratum and total < _LEAST_STRATUM:
            continue    # too few public people there: the stratum's guesses would be noise
        top: list[str | None] = [None] * _MAX_QGRAMS
        top_mass = np.zeros(_MAX_QGRAMS)
        mass = np.zeros(_MAX_QGRAMS)
        for name, count in counts.most_common():
            g = min(len(name_qgrams(name, q)) if q else 1, _MAX_QGRAMS) - 1
            mass[g] += count / total
            if top[g] is None:
                top[g], top_mass[g] = name, count / total
        tables[stratum] = (top, top_mass, mass)
    return tables
