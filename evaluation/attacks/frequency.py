"""Frequency attacks: align how often an encoding occurs with how often a value occurs.

- On whole filters: records with the same name and nothing else encoded get identical filters,
  so the k-th most frequent filter is guessed to be the k-th most frequent public name. Where the
  filter's weight tells the name's length (no fixed-weight segment), the filters are instead
  assigned to public names one to one by likelihood: a Poisson term for the filter's count given
  the name's public frequency, and a Gaussian term for the q-grams its weight implies against the
  name's. On diverse names, where most counts are 1 or 2 and ranks carry little, the length
  separates names of equal frequency.
- On keyed tokens, one key at a time: a blocking token over (birth year, name code) is
  deterministic too; its frequency ranks are aligned with the public frequencies of the same
  parts, and the most frequent public name behind the aligned parts is guessed. Identity (NIK)
  tokens are unique per person and carry no frequency signal. token_frequency has the stronger
  joint attack over all keys at once.

Only encodings seen at least `min_count` times are aligned: below that, ranks are noise.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.special import gammaln

from padan.encoder.tokens import name_qgrams
from padan.evaluation.attacks.hamming_weight import qgram_counts_from_weights
from padan.evaluation.attacks.knowledge import (
    AttackOutcome,
    AttackTarget,
    PublicNames,
    score_guesses,
)

# Blocking-key parts the public sample can reproduce (it has names, birth years and sexes).
_PUBLIC_PARTS = ("birth_year", "name_code", "sex")


def _ranked_groups(keys: np.ndarray, min_count: int) -> list[np.ndarray]:
    """Record indices of each distinct key seen >= min_count times, most frequent first."""
    if not len(keys):
        return []
    unique, inverse, counts = np.unique(keys, axis=0, return_inverse=True, return_counts=True)
    inverse = inverse.reshape(-1)
    order = np.lexsort((np.arange(len(unique)), -counts))
    members = np.argsort(inverse, kind="stable")
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    return [members[starts[u]:starts[u] + counts[u]] for u in order if counts[u] >= min_count]


_LENGTH_SPREAD = 0.3   # standard deviation, in q-grams, of the length read from a filter's weight


def filter_frequency_attack(target: AttackTarget, public: PublicNames, *,
                            min_count: int = 2,
                            bit_range: tuple[int, int] | None = None,
                            segment_fields: tuple[str, ...] | None = None,
                            weight_tells_length: bool = True) -> AttackOutcome:
    """Guess each repeated filter a public name (module docstring); `segment_fields` and
    `weight_tells_length` describe the segment at `bit_range` (False for a fixed-weight
    segment: then only the frequency ranks are aligned)."""
    bits = target.bits(bit_range)
    filters = np.packbits(bits, axis=1)
    guesses: list[str | None] = [None] * len(target)
    ranked = public.ranked()
    groups = _ranked_groups(filters, min_count)
    spec = target.schema.field_of_kind("name")
    if (weight_tells_length and groups and ranked and spec is not None
            and spec.bits_per_token and spec.tokeniser.kind == "qgram"):
        weights = np.array([bits[rows[0]].sum() for rows in groups], np.float64)
        lengths = qgram_counts_from_weights(target, weights, bit_range, segment_fields)
        counts = np.array([len(rows) for rows in groups], np.float64)
        names = [name for name, _ in ranked]
        expected = np.maximum(np.array([c for _, c in ranked], np.float64)
                              * len(target) / len(public), 0.05)
        name_lengths = np.array([len(name_qgrams(n, spec.tokeniser.q)) for n in names],
                                np.float64)
        loglik = (counts[:, None] * np.log(expected)[None, :] - expected[None, :]
                  - gammaln(counts + 1)[:, None]
                  - 0.5 * ((lengths[:, None] - name_lengths[None, :]) / _LENGTH_SPREAD) ** 2)
        rows, columns = linear_sum_assignment(loglik, maximize=True)
        for group, name in zip(rows.tolist(), columns.tolist(), strict=True):
            for row in groups[group].tolist():
                guesses[row] = names[name]
        return score_guesses("frequency:filters", target, guesses, public)
    for rank, rows in enumerate(groups):
        if rank >= len(ranked) or ranked[rank][1] < min_count:
            break
        for row in rows.tolist():
            guesses[row] = ranked[rank][0]
    return score_guesses("frequency:filters", target, guesses, public)


def token_frequency_attack(target: AttackTarget, public: PublicNames, key: str, *,
                           min_count: int = 2) -> AttackOutcome:
    """Frequency attack on one blocking key's tokens (guesses names only if the key has a
    name part and all its parts are in the public sample)."""
    attack = f"frequency:{key}"
    spec = next((b for b in target.schema.blocking if b.name == key), None)
    if spec is None:
        raise ValueError(f"the schema has no blocking key '{key}'")
    guesses: list[str | None] = [None] * len(target)
    if "name_code" not in spec.parts or not set(spec.parts) <= set(_PUBLIC_PARTS):
        return score_guesses(attack, target, guesses, public)
    codes = public.codes()
    parts_of = {
        "birth_year": [str(y) if y else None for y in public.birth_years.tolist()],
        "name_code": codes,
        "sex": ["P" if f else "L" for f in public.female.tolist()],
    }
    tuples = [tuple(parts_of[p][i] for p in spec.parts) for i in range(len(public.names))]
    names_behind: dict[tuple, Counter] = {}
    for parts, name in zip(tuples, public.names, strict=True):
        if all(parts):
            names_behind.setdefault(parts, Counter())[name] += 1
    public_ranked = sorted(names_behind, key=lambda t: (-sum(names_behind[t].values()), t))
    column = list(target.blocking_keys).index(key)
    tokens = np.asarray(target.records["blocks"][:, column], np.uint64)
    present = np.flatnonzero(tokens != 0)
    for rank, rows in enumerate(_ranked_groups(tokens[present], min_count)):
        if rank >= len(public_ranked):
            break
        parts = public_ranked[rank]
        if sum(names_behind[parts].values()) < min_count:
            break
        guess = names_behind[parts].most_common(1)[0][0]
        for row in present[rows].tolist():
            guesses[row] = guess
    return score_guesses(attack, target, guesses, public)
