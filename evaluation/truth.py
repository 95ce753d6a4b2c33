"""Ground truth as pairs: which records are the same person, across lists and within a list.

Records are numbered globally (the records of party 0, then of party 1, ...), and a pair is one
int64 code a * records + b with a < b, so sets of pairs are sorted int64 arrays that numpy
intersects quickly. The same functions turn predicted groups into predicted pairs, so truth
and prediction are compared in one currency.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class PairSet:
    """Sorted unique pair codes over `records` globally numbered records."""

    codes: np.ndarray   # int64, sorted, unique
    records: int

    def __len__(self) -> int:
        return len(self.codes)

    def split(self) -> tuple[np.ndarray, np.ndarray]:
        """The two record numbers of every pair (a < b)."""
        return self.codes // max(self.records, 1), self.codes % max(self.records, 1)


def pairs_of_labels(label: np.ndarray, party: np.ndarray, *, cross: bool) -> PairSet:
    """All pairs of records that share a label (>= 0): across parties, or within one party.

    Used for the truth (label = person id) and for predictions (label = group id).
    """
    label = np.asarray(label, np.int64)
    party = np.asarray(party, np.int64)
    records = len(label)
    if len(party) != records:
        raise ValueError("label and party must have one entry per record")
    members = np.flatnonzero(label >= 0)
    order = members[np.argsort(label[members], kind="stable")]
    sorted_label = label[order]
    codes = []
    for gap in range(1, len(order)):
        same = sorted_label[gap:] == sorted_label[:-gap]
        if not same.any():
            break   # labels are sorted: no run is longer than this gap
        a, b = order[:-gap][same], order[gap:][same]
        keep = (party[a] != party[b]) if cross else (party[a] == party[b])
        a, b = a[keep], b[keep]
        low, high = np.minimum(a, b), np.maximum(a, b)
        codes.append(low * records + high)
    if not codes:
        return PairSet(np.zeros(0, np.int64), records)
    return PairSet(np.unique(np.concatenate(codes)), records)


def pair_set(a: np.ndarray, b: np.ndarray, records: int) -> PairSet:
    """Pairs given as two arrays of global record numbers (either order)."""
    a, b = np.asarray(a, np.int64), np.asarray(b, np.int64)
    low, high = np.minimum(a, b), np.maximum(a, b)
    return PairSet(np.unique(low * records + high), records)


def global_numbers(sizes: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Offsets of each party's first record and the party of every global record."""
    offsets = np.cumsum([0, *sizes]).astype(np.int64)
    party = np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)
    return offsets, party
