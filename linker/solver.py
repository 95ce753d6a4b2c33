"""Solving: from scored candidate pairs to groups of records that are the same person.

Across agencies: edges (pairs from different parties) are taken greedily by descending score,
ties broken by record numbers so results never depend on arrival order. An edge joins two
groups only if no agency would then appear twice in the group; with two parties this is exactly
greedy 1:1 assignment. A group's band is that of its weakest accepted edge.

Within one list (duplicates): union-find over pairs at or above the threshold, no restriction;
a duplicate group's band is again its weakest edge. Chains can join records that do not match
directly; that is deliberate (duplicates are reported for review, not removed).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

MAX_PARTIES = 64   # agency sets are uint64 bit masks


@dataclass(frozen=True, slots=True)
class Edges:
    """Scored pairs between records numbered globally (party offset + row)."""

    a: np.ndarray       # int64 global record number
    b: np.ndarray       # int64
    score: np.ndarray   # float32

    def __len__(self) -> int:
        return len(self.a)

    def at_least(self, threshold: float) -> Edges:
        keep = self.score >= threshold
        return Edges(self.a[keep], self.b[keep], self.score[keep])

    def ordered(self) -> Edges:
        """Descending score, then ascending (a, b): the canonical order of the greedy solver."""
        by_records = np.argsort(self.a.astype(np.uint64) << np.uint64(32)
                                | self.b.astype(np.uint64))
        by_score = np.argsort(-self.score[by_records], kind="stable")
        order = by_records[by_score]
        return Edges(self.a[order], self.b[order], self.score[order])


@dataclass(frozen=True, slots=True)
class Components:
    """Group label per record (-1 = in no group) and the weakest edge score of each group."""

    label: np.ndarray     # int64 per global record
    weakest: np.ndarray   # float32 per label


@njit(cache=True)
def _find(parent, x):
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


@njit(cache=True)
def _greedy(a, b, score, party, parties, records, constrained, cuts):
    """Union-find over ordered edges; with `constrained`, refuse merges that repeat an agency.

    Returns root per record, weakest score per root, and for each cut index (edges taken so
    far) the count of groups containing each pair of agencies (the sensitivity table).
    """
    parent = np.arange(records)
    mask = np.zeros(records, np.uint64)
    for r in range(records):
        mask[r] = np.uint64(1) << np.uint64(party[r])
    weakest = np.full(records, 2.0, np.float32)
    together = np.zeros((parties, parties), np.int64)
    snapshots = np.zeros((len(cuts), parties, parties), np.int64)
    cut = 0
    for e in range(len(a) + 1):
        while cut < len(cuts) and cuts[cut] == e:
            snapshots[cut] = together
            cut += 1
        if e == len(a):
            break
        ra = _find(parent, a[e])
        rb = _find(parent, b[e])
        if ra == rb:
            continue
        if constrained and (mask[ra] & mask[rb]) != 0:
            continue
        for p in range(parties):
            if (mask[ra] >> np.uint64(p)) & np.uint64(1):
                for q in range(parties):
                    if (mask[rb] >> np.uint64(q)) & np.uint64(1):
                        together[min(p, q), max(p, q)] += 1
        parent[rb] = ra
        mask[ra] |= mask[rb]
        weakest[ra] = min(weakest[ra], weakest[rb], score[e])
    roots = np.empty(records, np.int64)
    for r in range(records):
        roots[r] = _find(parent, r)
    return roots, weakest, snapshots


def solve(edges: Edges, party: np.ndarray, *, constrained: bool, ordered: bool = False,
          cut_thresholds: tuple[float, ...] = ()) -> tuple[Components, np.ndarray]:
    """Group records by greedy merging of `edges` (ordered here unless `ordered` says they are).

    party: int16 party index per global record. Returns components (label -1 for records in no
    group) and, per cut threshold, the (parties x parties) upper-triangular counts of groups
    holding both agencies when only edges >= that threshold are taken.
    """
    parties = int(party.max()) + 1 if len(party) else 0
    if not ordered:
        edges = edges.ordered()
    score = edges.score
    cuts = np.array([int(np.sum(score >= t)) for t in cut_thresholds], np.int64)
    # snapshots are taken in edge order, so cut indices must ascend (thresholds descend)
    order = np.argsort(cuts, kind="stable")
    roots, weakest, snapshots = _greedy(edges.a, edges.b, score, party.astype(np.int64),
                                        max(parties, 1), len(party), constrained, cuts[order])
    sensitivity = np.empty_like(snapshots)
    sensitivity[order] = snapshots
    size = np.bincount(roots, minlength=len(party))
    in_group = size[roots] >= 2
    label = np.full(len(party), -1, np.int64)
    unique_roots, compact = np.unique(roots[in_group], return_inverse=True)
    label[in_group] = compact
    return Components(label, weakest[unique_roots]), sensitivity
