"""The comparison vectors of the standing pairs across lists, kept from run to run.

A candidate pair's comparison vector (padan.linker.comparison) depends on its two records and,
for the frequency level only, on the size of their bucket, which depends on every record. So an
incremental run (padan.linker.incremental) keeps each distinct cross-list pair's vector in the
standing state, carries over those whose records did not change, and has `compare` compute the
others and every pair's frequency level: the vectors equal a full run's, at the cost of the
pairs that changed.

The table has one row per distinct candidate pair across two lists: the two lists' numbers in
the run (`left` < `right`), the records' rows in them, the levels, the name's and the other
field sets' best Dice and whether the keyed NIK tokens agree; sorted by (left, left_row, right,
right_row), which is the order of global record numbers. It holds no pseudo-id and no filter.
A carried row keeps the frequency level of the run that computed it: only whether it is null
(the salts agree, which the records alone decide) is read from the table.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from padan.encoder.encoding_file import EncodingFile
from padan.linker.comparison import ComparisonVectors, compare


def vector_dtype(comparisons: int) -> np.dtype:
    return np.dtype([("left", "<i2"), ("right", "<i2"), ("left_row", "<i8"),
                     ("right_row", "<i8"), ("levels", "u1", (comparisons,)),
                     ("name_dice", "<f4"), ("other_dice", "<f4"), ("same_identity", "?")])


def carried(table: np.ndarray | None, new_row: Sequence[np.ndarray],
            unchanged: Sequence[np.ndarray]) -> np.ndarray | None:
    """The standing vectors whose two records are still there and unchanged, at their rows in
    the new versions (`new_row[p]`: each standing row of list p at its new row, -1: removed;
    `unchanged[p]`: bool per new row). The lists keep their numbers (the caller checks)."""
    if table is None or not len(table):
        return table
    if int(max(table["left"].max(), table["right"].max())) >= len(new_row):
        return None    # a list the run does not hold: not this run's numbers
    # one array for all lists: standing row -> new row (-1: removed), new row -> unchanged
    old_at = np.cumsum([0, *(len(moved) for moved in new_row)])
    moved = np.concatenate([np.asarray(m, np.int64) for m in new_row])
    new_at = np.cumsum([0, *(len(same) for same in unchanged)])
    same = np.concatenate([np.asarray(s, bool) for s in unchanged])
    rows, keep = [], np.ones(len(table), bool)
    for party, row in (("left", "left_row"), ("right", "right_row")):
        if not len(moved):
            return table[:0]
        at = moved[old_at[table[party]] + table[row]]
        keep &= at >= 0
        keep[keep] &= same[new_at[table[party][keep]] + at[keep]]
        rows.append(at)
    out = table[keep]
    out["left_row"], out["right_row"] = rows[0][keep], rows[1][keep]
    return out


class CachedComparison:
    """`compare` for engine.finish that takes the carried vectors of the pairs it knows and
    keeps every pair's vector for the next run (`table`)."""

    def __init__(self, known: np.ndarray | None, sizes: Sequence[int]):
        self.known = known
        self.offsets = np.cumsum([0, *sizes])
        self.table: np.ndarray | None = None

    def __call__(self, lists: Sequence[EncodingFile], a: np.ndarray, b: np.ndarray
                 ) -> ComparisonVectors:
        a, b = np.asarray(a, np.int64), np.asarray(b, np.int64)
        code = _code(a, b)
        known_at, found = np.zeros(len(a), bool), None
        if self.known is not None and len(self.known) and len(a):
            known = self.known
            known_code = _code(self.offsets[known["left"]] + known["left_row"],
                               self.offsets[known["right"]] + known["right_row"])
            if (known_code[1:] < known_code[:-1]).any():     # a list was reordered
                order = np.argsort(known_code, kind="stable")
                known, known_code = known[order], known_code[order]
            at = np.minimum(np.searchsorted(known_code, code), len(known_code) - 1)
            known_at = known_code[at] == code
            hits = at[known_at]
            # usually every standing pair is still a pair, in the same order: no gather
            every = len(hits) == len(known) and bool((hits == np.arange(len(hits))).all())
            found = known if every else known[hits]
        vectors = compare(lists, a, b, known=None if found is None else ComparisonVectors(
            (), found["levels"], found["name_dice"], found["same_identity"],
            found["other_dice"]), known_at=known_at)
        if found is not None and every:
            # the new pairs merged into the standing table, whose frequency levels stay as
            # they were: only whether one is null (the salts agree) is read from the table
            fresh = np.flatnonzero(~known_at)
            fresh = fresh[np.argsort(code[fresh], kind="stable")]
            self.table = np.insert(found, np.searchsorted(known_code, code[fresh]),
                                   self._tabled(a, b, code, vectors, fresh))
        else:
            self.table = self._tabled(a, b, code, vectors, None)
        return vectors

    def _tabled(self, a: np.ndarray, b: np.ndarray, code: np.ndarray,
                vectors: ComparisonVectors, rows: np.ndarray | None) -> np.ndarray:
        """The table of the pairs at `rows` (every pair where None), in the order of codes."""
        if rows is not None:
            a, b, code = a[rows], b[rows], code[rows]
            vectors = ComparisonVectors(vectors.comparisons, vectors.levels[rows],
                                        vectors.name_dice[rows], vectors.same_identity[rows],
                                        None if vectors.other_dice is None
                                        else vectors.other_dice[rows])
        table = np.zeros(len(a), vector_dtype(len(vectors.comparisons)))
        left = np.searchsorted(self.offsets, a, side="right") - 1
        right = np.searchsorted(self.offsets, b, side="right") - 1
        table["left"], table["right"] = left, right
        table["left_row"], table["right_row"] = a - self.offsets[left], b - self.offsets[right]
        table["levels"] = vectors.levels
        table["name_dice"] = vectors.name_dice
        table["other_dice"] = (vectors.other_dice if vectors.other_dice is not None
                               else np.float32(-1))
        table["same_identity"] = vectors.same_identity
        if (code[1:] < code[:-1]).any():    # runs sorted per pair of lists: merged
            table = table[np.argsort(code, kind="stable")]
        return table


def _code(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.asarray(a).astype(np.uint64) << np.uint64(32) | np.asarray(b).astype(np.uint64)
