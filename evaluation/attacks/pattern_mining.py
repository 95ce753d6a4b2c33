"""Pattern-mining attack on Bloom filters, after Christen, Schnell, Vatsalan and Ranbaduge,
"Efficient cryptanalysis of Bloom filters for privacy-preserving record linkage" (PAKDD 2017).

The attacker knows the schema: q of the name q-grams and how many bit positions each token sets
(bits_per_token = k). Every q-gram sets the same k positions in every filter that holds it, so
its positions form a frequent bit pattern: a set of k positions that are all set together in
about as many filters as the q-gram's public frequency predicts.

1. Mine patterns: seed with a frequent position, then repeatedly add the position set in most
   of the filters that hold the pattern so far, until k positions; the filters holding all k
   are the pattern's support.
2. Align patterns with q-grams by frequency: the pattern of the i-th largest support is taken to
   be the i-th most frequent public q-gram.
3. Re-identify: which identified q-grams a filter holds (all k positions set) is a signature;
   the most frequent public name with that signature (or one q-gram off) is the guess.

Against an unhardened names-only filter this recovers names (the control test); hardening that
breaks "same token, same positions" (XOR folding, rule 90, BLIP flips) or adds other fields'
bits defeats it, which is what the evaluation measures.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from padan.encoder.hardening import to_bits
from padan.encoder.tokens import name_qgrams
from padan.evaluation.attacks.knowledge import (
    AttackOutcome,
    AttackTarget,
    PublicNames,
    score_guesses,
)

_SEED_MAX_FREQUENCY = 0.6   # balanced filters: complement positions are set in most filters
_FIRST_STEP_SHARE = 0.5     # the seed's filters are a mix; the first partner needs half of them
_NEXT_STEP_SHARE = 0.9      # after two positions the support is nearly one q-gram's filters
_CHUNK = 1024               # filters scored against every public name at once


@dataclass(frozen=True, slots=True)
class Pattern:
    positions: tuple[int, ...]
    support: int          # filters holding every position
    rows: np.ndarray      # bool per filter: holds every position


def mine_patterns(bits: np.ndarray, k: int, *, limit: int, min_support: int) -> list[Pattern]:
    """Frequent k-position patterns, largest support first (at most `limit`)."""
    n = len(bits)
    frequency = bits.sum(axis=0)
    tried = np.zeros(bits.shape[1], bool)
    patterns: list[Pattern] = []
    while len(patterns) < limit:
        eligible = (~tried) & (frequency >= min_support) & (frequency <= _SEED_MAX_FREQUENCY * n)
        if not eligible.any():
            break
        seed = int(np.flatnonzero(eligible)[np.argmax(frequency[eligible])])
        tried[seed] = True
        chosen, rows = [seed], bits[:, seed].copy()
        while len(chosen) < k:
            inside = bits[rows].sum(axis=0)
            inside[chosen] = -1
            best = int(np.argmax(inside))
            share = _FIRST_STEP_SHARE if len(chosen) == 1 else _NEXT_STEP_SHARE
            if inside[best] < share * rows.sum():
                break
            chosen.append(best)
            rows &= bits[:, best]
        support = int(rows.sum())
        known = any(len(set(chosen) & set(p.positions)) * 2 >= len(chosen) for p in patterns)
        if len(chosen) >= max(2, (2 * k + 2) // 3) and support >= min_support and not known:
            tried[chosen] = True
            patterns.append(Pattern(tuple(sorted(chosen)), support, rows))
    patterns.sort(key=lambda p: -p.support)
    return patterns


def align(patterns: list[Pattern], records: int, grams: list[str],
          grams_of: dict[str, frozenset], counts: Counter, *, rounds: int = 5) -> np.ndarray:
    """The q-gram (index into `grams`, most frequent first) of each pattern, or -1.

    Start from frequency ranks, then refine: a pattern's co-occurrence with the other patterns
    must look like its q-gram's co-occurrence with their q-grams in the public sample (this
    repairs swaps between q-grams of nearly equal frequency).
    """
    held = np.stack([p.rows for p in patterns], axis=1).astype(np.float32)
    encoded = held.T @ held / records                       # (patterns, patterns)
    support = held.mean(axis=0)
    names = list(counts)
    weight = np.array([counts[n] for n in names], np.float32)
    holds = np.array([[g in grams_of[n] for g in grams] for n in names], np.float32)
    public = (holds * weight[:, None]).T @ holds / weight.sum()   # (grams, grams)
    frequency = np.diag(public)
    assigned = np.full(len(patterns), -1, np.int64)
    first = min(len(patterns), len(grams))
    assigned[:first] = np.arange(first)
    for _ in range(rounds):
        known = assigned >= 0
        context = public[:, assigned[known]]                 # (grams, known patterns)
        cost = np.abs(encoded[:, None, known] - context[None, :, :]).sum(axis=2)
        cost += known.sum() * np.abs(support[:, None] - frequency[None, :])
        assigned = match_by_cost(cost)
    return assigned


def match_by_cost(cost: np.ndarray) -> np.ndarray:
    """Greedy 1:1 assignment of rows to columns by ascending cost (-1: left over)."""
    chosen = np.full(cost.shape[0], -1, np.int64)
    taken = np.zeros(cost.shape[1], bool)
    for flat in np.argsort(cost, axis=None, kind="stable").tolist():
        row, column = divmod(flat, cost.shape[1])
        if chosen[row] < 0 and not taken[column]:
            chosen[row], taken[column] = column, True
            if (chosen >= 0).all():
                break
    return chosen


def pattern_mining_attack(target: AttackTarget, public: PublicNames, *, qgrams: int = 120,
                          min_support_share: float = 0.005) -> AttackOutcome:
    spec = target.schema.field_of_kind("name")
    guesses: list[str | None] = [None] * len(target)
    if spec is None or spec.tokeniser.kind != "qgram" or not spec.bits_per_token \
            or not len(target):
        return score_guesses("pattern-mining", target, guesses, public)
    q, k = spec.tokeniser.q, spec.bits_per_token
    bits = to_bits(np.ascontiguousarray(target.records["filter"]), target.filter_bits)
    bits = bits.astype(bool)
    grams_of = {name: frozenset(name_qgrams(name, q)) for name in set(public.names)}
    document_frequency: Counter = Counter()
    for name, count in public.counts().items():
        document_frequency.update(dict.fromkeys(grams_of[name], count))
    ranked_grams = [g for g, _ in sorted(document_frequency.items(),
                                         key=lambda item: (-item[1], item[0]))]
    min_support = max(2, int(min_support_share * len(bits)))
    patterns = mine_patterns(bits, k, limit=qgrams, min_support=min_support)
    if not patterns:
        return score_guesses("pattern-mining", target, guesses, public)
    candidates = ranked_grams[:2 * len(patterns)]
    assigned = align(patterns, len(bits), candidates, grams_of, public.counts())
    identified = [(candidates[g], patterns[c]) for c, g in enumerate(assigned.tolist())
                  if g >= 0]

    # which identified q-grams each filter holds, against which each public name holds: the
    # guess is the public name of the most similar signature (Dice), the more frequent on ties
    holds = np.stack([bits[:, list(p.positions)].all(axis=1) for _, p in identified],
                     axis=1).astype(np.float32)
    counts = public.counts()
    names = sorted(counts, key=lambda n: (-counts[n], n))
    index_of = {g: i for i, (g, _) in enumerate(identified)}
    name_holds = np.zeros((len(names), len(identified)), np.float32)
    for row, name in enumerate(names):
        name_holds[row, [index_of[g] for g in grams_of[name] if g in index_of]] = 1
    name_sizes = name_holds.sum(axis=1)
    tie_break = np.linspace(1e-6, 0, len(names), dtype=np.float64)   # most frequent first
    for start in range(0, len(holds), _CHUNK):
        chunk = holds[start:start + _CHUNK]
        overlap = chunk @ name_holds.T
        total = chunk.sum(axis=1)[:, None] + name_sizes[None, :]
        dice = np.where(total > 0, 2 * overlap / np.maximum(total, 1), 0.0) + tie_break
        best = np.argmax(dice, axis=1)
        for offset, choice in enumerate(best.tolist()):
            if total[offset, choice] > 0:
                guesses[start + offset] = names[choice]
    return score_guesses("pattern-mining", target, guesses, public)
