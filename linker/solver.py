"""Solving: from scored candidate pairs to groups of records that are the same person.

Edges are taken greedily by descending score, ties broken by record numbers, so results never
depend on arrival order. `cluster` makes the groups a run reports, in two stages:

1. match stage: only edges >= the match threshold. Groups formed here are "match" groups.
2. possible stage: edges in [possible, match) join only records that no match group holds, and
   the groups they form are "possible" groups. So a weak edge never drags a match group down
   into the possible band, and a record with a match is never also offered as a possible one.

Across agencies (`constrained`): an edge joins two groups only if no agency would then appear
twice in the group; with two parties this is exactly greedy 1:1 assignment. Chains are bounded
by the number of agencies.

Within one list (`complete`): a group grows only if the new record scores at or above the
stage's threshold with EVERY member (complete linkage; a pair the blocking never compared counts
as below). Plain union-find would chain look-alikes with common names (A~B, B~C, C~D...) into
giant groups of different people; complete linkage cannot chain.

A group's `weakest` is its lowest edge (single linkage) or lowest member pair (complete linkage);
it is >= match exactly for the groups of the match stage.

`solve` is the one-threshold greedy (single linkage) that also yields the sensitivity table: its
result at threshold t is `cluster` with match = possible = t when constrained.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit, types
from numba.typed import Dict

MAX_PARTIES = 64   # agency sets are uint64 bit masks
_CHECK_AGAIN = 16  # complete linkage: member pairs above which a refusal is remembered


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


def with_identity_evidence(edges: Edges, identity: np.ndarray, *, match_threshold: float,
                           identity_threshold: float, corroboration: np.ndarray | None = None,
                           corroborated_threshold: float = 1.0) -> Edges:
    """Score a pair of records with the same valid NIK (equal non-zero identity tokens, indexed
    by global record number) and Dice >= identity_threshold at least at match_threshold; and
    likewise a pair with equal non-zero `corroboration` tokens (the NIK and every segment salt
    agree) and Dice >= corroborated_threshold."""
    if not len(edges):
        return edges
    lift = np.zeros(len(edges), bool)
    if identity_threshold < 1.0:
        left = identity[edges.a]
        lift |= (left == identity[edges.b]) & (left != 0) & (edges.score >= identity_threshold)
    if corroboration is not None and corroborated_threshold < 1.0:
        left = corroboration[edges.a]
        lift |= ((left == corroboration[edges.b]) & (left != 0)
                 & (edges.score >= corroborated_threshold))
    if not lift.any():
        return edges
    score = np.where(lift, np.maximum(edges.score, np.float32(match_threshold)), edges.score)
    return Edges(edges.a, edges.b, score.astype(np.float32))


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


def cluster(edges: Edges, party: np.ndarray, *, match_threshold: float,
            possible_threshold: float, constrained: bool, complete: bool,
            ordered: bool = False) -> Components:
    """Groups of records in two stages (match, then possible); see the module docstring.

    party: int16 party index per global record. Edges below possible_threshold are ignored.
    """
    if possible_threshold > match_threshold:
        raise ValueError("possible_threshold must not exceed match_threshold")
    edges = edges.at_least(possible_threshold)
    if not ordered:
        edges = edges.ordered()
    records = len(party)
    low, high = np.minimum(edges.a, edges.b), np.maximum(edges.a, edges.b)
    code = low.astype(np.uint64) << np.uint64(32) | high.astype(np.uint64)
    # complete linkage looks pairs up: the higher record's number in rows sorted by (low, high),
    # each low record's neighbours starting at neighbours_at[low]
    by_code = np.argsort(code) if complete else np.zeros(0, np.int64)
    neighbours_at = np.searchsorted(low[by_code], np.arange(records + 1 if complete else 0))
    roots, weakest = _cluster(edges.a, edges.b, edges.score, party.astype(np.int64), records,
                              np.float32(match_threshold), np.float32(possible_threshold),
                              constrained, complete, neighbours_at, high[by_code],
                              edges.score[by_code])
    size = np.bincount(roots, minlength=records)
    in_group = size[roots] >= 2
    label = np.full(records, -1, np.int64)
    # groups are numbered in the order of their first record, whichever record is the root
    unique_roots, first, compact = np.unique(roots[in_group], return_index=True,
                                             return_inverse=True)
    by_first = np.argsort(first)
    rank = np.empty_like(by_first)
    rank[by_first] = np.arange(len(by_first))
    label[in_group] = rank[compact]
    return Components(label, weakest[unique_roots[by_first]])


@njit(cache=True)
def _pair_score(neighbours_at, neighbour, neighbour_score, u, v):
    """Score of the candidate pair (u, v), or -1 when the blocking never scored it."""
    low, high = min(u, v), max(u, v)
    start, stop = neighbours_at[low], neighbours_at[low + 1]
    at = start + np.searchsorted(neighbour[start:stop], high)
    if at < stop and neighbour[at] == high:
        return neighbour_score[at]
    return np.float32(-1.0)


@njit(cache=True)
def _cluster(a, b, score, party, records, match, possible, constrained, complete,
             neighbours_at, neighbour, neighbour_score):
    """Two-stage greedy grouping over ordered edges; returns root per record, weakest per root.

    Members of a group are a linked list (head = root) so complete linkage can visit them; the
    smaller group is relabelled into the larger, so relabelling costs O(n log n) in all.
    """
    root = np.arange(records)
    following = np.full(records, -1, np.int64)   # next member in the group's list
    last = np.arange(records)                     # last member, per root
    size = np.ones(records, np.int64)
    mask = np.zeros(records, np.uint64)
    for r in range(records):
        mask[r] = np.uint64(1) << np.uint64(party[r])
    matched = np.zeros(records, np.bool_)        # group formed in the match stage
    weakest = np.full(records, 2.0, np.float32)
    refused = Dict.empty(key_type=types.int64, value_type=types.boolean)
    for e in range(len(a)):
        s = score[e]
        ra, rb = root[a[e]], root[b[e]]
        if ra == rb:
            continue
        if constrained and (mask[ra] & mask[rb]) != 0:
            continue
        stage_match = s >= match
        if not stage_match and (matched[ra] or matched[rb]):
            continue
        if size[ra] < size[rb]:
            ra, rb = rb, ra
        low = min(weakest[ra], weakest[rb], s)
        if complete:
            # groups only grow, so a refused pair of groups stays refused: remember the pairs
            # that are costly to check again (small ones are cheaper to check than to look up)
            costly = size[ra] * size[rb] > _CHECK_AGAIN
            key = min(ra, rb) * records + max(ra, rb)
            if costly and key in refused:
                continue
            need = match if stage_match else possible
            u = rb
            while u >= 0 and low >= need:
                v = ra
                while v >= 0:
                    pair = _pair_score(neighbours_at, neighbour, neighbour_score, u, v)
                    low = min(low, pair)
                    if pair < need:
                        break
                    v = following[v]
                u = following[u]
            if low < need:
                if costly:
                    refused[key] = True
                continue
        u = rb
        while u >= 0:
            root[u] = ra
            u = following[u]
        following[last[ra]] = rb
        last[ra] = last[rb]
        size[ra] += size[rb]
        mask[ra] |= mask[rb]
        matched[ra] = stage_match
        weakest[ra] = low
    return root, weakest
