"""Known-plaintext bootstrap: records re-identified with near certainty reveal more positions.

A record re-identified with posterior >= 0.99 is, to the attacker, a known plaintext: its name's
q-grams without an identified pattern set some of its other bits. Two ways to use them:
- a mined pattern that no q-gram was aligned to: the unidentified q-gram that (nearly) all of its
  confidently re-identified rows contain, and no other as often, is its q-gram;
- a q-gram that has no mined pattern at all: in a confident record whose other q-grams are all
  identified, the set bits they leave unexplained are its positions (peeling, see
  peel_unmined).
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from padan.encoder.tokens import name_qgrams
from padan.evaluation.attacks.mining.patterns import Pattern, holding_rows, size_slack
from padan.evaluation.attacks.mining.public_model import PublicQgrams

_MIN_WITNESSES = 3         # confident rows needed to name a mined pattern
_AGREEMENT = 0.9           # share of them whose name holds the q-gram
_PEELED_MIN_SIZE = 12      # positions a peeled pattern needs (chance holders stay rare)


def confident_grams(names: list[str | None], posterior: np.ndarray, grams: PublicQgrams,
                    threshold: float) -> list[frozenset[int] | None]:
    """The public q-gram indices of each confidently re-identified record (None otherwise)."""
    index = grams.index
    cache: dict[str, frozenset[int]] = {}
    out: list[frozenset[int] | None] = []
    for name, p in zip(names, posterior.tolist(), strict=True):
        if name is None or p < threshold:
            out.append(None)
            continue
        if name not in cache:
            cache[name] = frozenset(index[g] for g in name_qgrams(name, grams.q) if g in index)
        out.append(cache[name])
    return out


def name_unaligned(patterns: list[Pattern], aligned: dict[int, int],
                   known: list[frozenset[int] | None], identified: set[int]) -> dict[int, int]:
    """Pattern index -> q-gram for mined patterns without a q-gram, by their plaintext rows."""
    found: dict[int, int] = {}
    taken = set(identified)
    for p, pattern in enumerate(patterns):
        if p in aligned:
            continue
        witnesses = [known[r] for r in np.flatnonzero(pattern.rows).tolist()
                     if known[r] is not None]
        if len(witnesses) < _MIN_WITNESSES:
            continue
        tally: dict[int, int] = defaultdict(int)
        for grams in witnesses:
            for g in grams - taken:
                tally[g] += 1
        ranked = sorted(tally.items(), key=lambda item: -item[1])
        if not ranked or ranked[0][1] < _AGREEMENT * len(witnesses):
            continue
        if len(ranked) > 1 and ranked[1][1] >= _AGREEMENT * len(witnesses):
            continue      # two q-grams always together here: cannot tell which
        found[p] = ranked[0][0]
        taken.add(ranked[0][0])
    return found


def peel_unmined(bits: np.ndarray, known: list[frozenset[int] | None],
                 identified: dict[int, np.ndarray], bits_per_token: int
                 ) -> dict[int, np.ndarray]:
    """q-gram -> positions for q-grams without a pattern, peeled from the confident records.

    In a known-plaintext record, the set bits that none of its identified q-grams explain belong
    to its unidentified q-grams. Where only one is left, they are its positions (less those it
    shares with the identified ones); several such records fill in each other's gaps and must
    agree (each record's set bits contain every position of the q-gram). Learning it leaves
    other records with one unidentified q-gram: repeat until nothing more comes off.
    """
    width = bits.shape[1]
    positions_of = dict(identified)
    unknown: dict[int, set[int]] = {}
    unexplained: dict[int, np.ndarray] = {}
    for r, grams in enumerate(known):
        if grams is None:
            continue
        rest = {g for g in grams if g not in positions_of}
        if not rest:
            continue
        free = bits[r].copy()
        for g in grams:
            if g in positions_of:
                free[positions_of[g]] = False
        unknown[r], unexplained[r] = rest, free
    smallest = min(bits_per_token - size_slack(bits_per_token), _PEELED_MIN_SIZE)
    learned: dict[int, np.ndarray] = {}
    progress = True
    while progress:
        progress = False
        single: dict[int, list[int]] = defaultdict(list)
        for r, rest in unknown.items():
            if len(rest) == 1:
                single[next(iter(rest))].append(r)
        for g, rows in single.items():
            lower = np.zeros(width, bool)
            upper = np.ones(width, bool)
            for r in rows:
                lower |= unexplained[r]
                upper &= bits[r]
            found = np.flatnonzero(lower)
            if (lower & ~upper).any() or not smallest <= len(found) <= bits_per_token:
                continue                       # the records disagree: one of them is wrong
            learned[g] = positions_of[g] = found
            progress = True
        for r in list(unknown):
            hit = unknown[r] & learned.keys()
            if hit:
                for g in hit:
                    unexplained[r][learned[g]] = False
                unknown[r] -= hit
                if not unknown[r]:
                    del unknown[r]
    return learned


def supported(bits: np.ndarray, learned: dict[int, np.ndarray], min_support: int
              ) -> dict[int, np.ndarray]:
    """Keep learned patterns that enough filters hold (a few rows are no evidence)."""
    return {g: positions for g, positions in learned.items()
            if holding_rows(bits, positions).sum() >= min_support}
