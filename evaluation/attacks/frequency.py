"""Frequency attacks: align how often an encoding occurs with how often a value occurs.

- On whole filters: records with the same name and nothing else encoded get identical filters,
  so the k-th most frequent filter is guessed to be the k-th most frequent public name.
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


def filter_frequency_attack(target: AttackTarget, public: PublicNames, *,
                            min_count: int = 2,
                            bit_range: tuple[int, int] | None = None) -> AttackOutcome:
    filters = np.packbits(target.bits(bit_range), axis=1)
    guesses: list[str | None] = [None] * len(target)
    ranked = public.ranked()
    for rank, rows in enumerate(_ranked_groups(filters, min_count)):
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
