"""Incremental linkage: link only what changed against the standing state, equal to a full run.

A full run (padan.linker.engine.link) compares records that share a key in some blocking pass,
keeps the candidate pairs from each pass's threshold (LinkParameters.pass_keep), and then fits
the match model on them, scores, solves and reports (`engine.finish`). The comparisons are the
expensive part, and a pair's Dice depends on its two records only. So the standing state
(`Standing`) keeps:

- each party's last version of its list (its records, by pseudo-id);
- every candidate pair each pass found, by the two pseudo-ids, with its Dice;
- per pass and pair of lists, the blocks that pass skipped as oversized (larger than
  max_block_size on a side): a block's size depends on every record, so one added record can
  make a block oversized (its pairs go) or bring one back under the limit (its pairs come).

`update` takes the parties' new versions and works out, per list, which records were added or
changed (compared record by record with the last version, by pseudo-id) and which were removed.
Per pass it drops the standing pairs of removed and changed records and of blocks that became
oversized, and compares only the "dirty" records (added, changed, or in a block that came back)
with every record they share a block with. The standing pairs plus the new ones are then exactly
the pairs a full run finds, and `engine.finish` does the rest on all of them: the match model is
refitted by EM and its threshold chosen on the full standing set of pairs, and the groups are
solved afresh (a refitted model changes every pair's probability, so no part of the solve can be
kept). The comparison vectors are not recomputed whole: the state keeps each cross-list pair's
vector (padan.linker.standing_vectors), a pair of two unchanged records keeps its levels, and only
the frequency level (a bucket's size depends on every record) is computed again for every pair.
Doing the rest whole is what makes the incremental run's groups and bands equal to a full run's
(tests/linker/test_incremental.py checks it on random sequences of versions).

The standing pairs of each pass and pair of lists are kept sorted by rows, so the new ones are
merged in and the passes' pairs deduplicated by merging sorted runs.

When the pairs a run would find depend on something else that changed (the parameters that
shape blocking and scoring, the schema, the passes "lsh_auto" resolves to), `update` starts
afresh: every record is dirty, which is a full run.

What differs from a full run: the report's best-match histogram counts the kept pairs only (a
full run also counts scores from the histogram floor up to the keep threshold, and vetoed pairs),
and its comparison counts are this run's own.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from padan.encoder.encoding_file import EncodingFile, same_records_at
from padan.linker.blocking import (
    LshSettings,
    PassSpec,
    make_buckets,
    makes_pairs,
    pass_keys,
    plan_passes,
    resolve_blocking,
)
from padan.linker.engine import DEFAULT_PARAMETERS, Party, _Collected, check_compatible, finish
from padan.linker.parameters import LinkParameters
from padan.linker.results import LinkResult
from padan.linker.similarity import CandidatePairs, kernel, score_buckets
from padan.linker.standing_vectors import CachedComparison, carried
from padan.linker.work import _filters, _without_vetoed, with_nameless

# one row per (pass, pair of lists, candidate pair); left/right index Standing.parties, and
# left_row/right_row are the records' rows in those parties' standing lists
PAIR_DTYPE = np.dtype([("pass_index", "<i2"), ("left", "<i2"), ("right", "<i2"),
                       ("left_row", "<i8"), ("right_row", "<i8"), ("score", "<f4")])
# one row per (pass, pair of lists, oversized block key)
OVERSIZED_DTYPE = np.dtype([("pass_index", "<i2"), ("left", "<i2"), ("right", "<i2"),
                            ("key", "<u8")])
_NO_LIMIT = 1 << 62


@dataclass
class Standing:
    """The state an incremental run starts from (see the module docstring)."""

    parties: tuple[str, ...]
    signature: str                       # what the pairs depend on; another one starts afresh
    lists: dict[str, EncodingFile]       # each party's last version
    pairs: np.ndarray                    # PAIR_DTYPE, rows of `lists`
    oversized: np.ndarray                # OVERSIZED_DTYPE
    # the comparison vectors of the distinct cross-list pairs (standing_vectors.vector_dtype);
    # None: not known (scored by Dice, or a state written before they were kept)
    vectors: np.ndarray | None = None

    @classmethod
    def empty(cls) -> Standing:
        return cls((), "", {}, np.zeros(0, PAIR_DTYPE), np.zeros(0, OVERSIZED_DTYPE))


@dataclass(frozen=True, slots=True)
class PartyChange:
    """How one party's list changed since the standing state (counts of records)."""

    added: int
    changed: int
    removed: int
    unchanged: int

    def to_dict(self) -> dict:
        return {"added": self.added, "changed": self.changed, "removed": self.removed,
                "unchanged": self.unchanged}


@dataclass(frozen=True)
class IncrementalResult:
    result: LinkResult
    standing: Standing
    changes: dict[str, PartyChange]
    afresh: bool                  # True when every record was compared (a full run)
    comparisons: int
    seconds: dict[str, float] = field(default_factory=dict)


def signature(parties: Sequence[Party], params: LinkParameters,
              passes: Sequence[PassSpec]) -> str:
    """Everything the candidate pairs depend on besides the records themselves."""
    header = parties[0].encodings.header
    return json.dumps({
        "project_id": header.project_id, "schema": header.schema_fingerprint,
        "key_check": header.key_check, "passes": [repr(p) for p in passes],
        "max_block_size": params.max_block_size, "keep": params.keep_threshold,
        "pass_keep": [params.pass_keep(within=False), params.pass_keep(within=True)],
        "lsh": [params.lsh_bands, params.lsh_bits, params.lsh_seed],
        "veto": [params.veto_threshold, params.duplicate_veto_threshold],
        "dedup": params.dedup or len(parties) == 1}, sort_keys=True)


def list_pairs(count: int, params: LinkParameters) -> list[tuple[int, int]]:
    """The pairs of lists a run compares (as engine._units does): each pair, and each list with
    itself when finding duplicates (or when it is the only list)."""
    pairs = [(i, j) for i in range(count) for j in range(i + 1, count)]
    if params.dedup or count == 1:
        pairs += [(i, i) for i in range(count)]
    return pairs


def update(standing: Standing | None, parties: Sequence[Party],
           params: LinkParameters = DEFAULT_PARAMETERS) -> IncrementalResult:
    """Link `parties` (each party's latest version) from `standing`; see the module docstring."""
    started = time.perf_counter()
    kernel(params.kernel)
    check_compatible(parties)
    lists = [p.encodings for p in parties]
    header = lists[0].header
    blocking = resolve_blocking(params.blocking, params.lsh_auto_min_identity, lists)
    passes = plan_passes(blocking, header.blocking_keys, params.lsh_bands, header.segments)
    sign = signature(parties, params, passes)
    standing = standing if standing is not None else Standing.empty()
    afresh = standing.signature != sign
    if afresh:
        standing = Standing.empty()
    names = [p.name for p in parties]
    old_pairs = _grouped(_renumbered(standing.pairs, standing.parties, names))
    old_over = _grouped(_renumbered_oversized(standing.oversized, standing.parties, names))
    dirty, changes, new_row = [], {}, []
    for party in parties:
        rows_dirty, change, moved = _dirty_rows(standing.lists.get(party.name), party.encodings)
        dirty.append(rows_dirty)
        changes[party.name] = change
        new_row.append(moved)
    lsh = LshSettings(params.lsh_bands, params.lsh_bits, params.lsh_seed)
    kept_pairs, new_over = [], []
    collected = _Collected(parties)
    comparisons = 0
    for k, spec in enumerate(passes):
        keys = [pass_keys(e, spec, lsh) for e in lists]
        blocks = [np.unique(key[key != 0], return_counts=True) for key in keys]
        for i, j in sorted(list_pairs(len(parties), params)):   # the order of the table
            if not makes_pairs(spec, i, j):
                continue
            here = PairWork(k, spec, i, j, lists, keys, params, blocks)
            over = here.oversized_keys()
            new_over.append(_oversized_rows(k, i, j, over))
            before = old_over.get((k, i, j), _NO_OVERSIZED)["key"]
            was_linked = names[i] in standing.lists and names[j] in standing.lists
            if was_linked:
                came_back = np.setdiff1d(before, over)
                went_over = np.setdiff1d(over, before)
            else:
                came_back = went_over = np.zeros(0, np.uint64)
            dirty_i = dirty[i] | np.isin(keys[i], came_back)
            dirty_j = dirty_i if i == j else dirty[j] | np.isin(keys[j], came_back)
            if not was_linked:
                dirty_i = np.ones(len(lists[i]), bool)
                dirty_j = dirty_i if i == j else np.ones(len(lists[j]), bool)
            standing_here = old_pairs.get((k, i, j), _NO_PAIRS)
            # each standing row at its new row, -1 where removed or dirty: one gather a side
            rows_a = _clean_rows(new_row[i], dirty_i)[standing_here["left_row"]]
            rows_b = _clean_rows(new_row[j], dirty_j)[standing_here["right_row"]]
            keep = (rows_a >= 0) & (rows_b >= 0)
            if went_over.size:
                keep[keep] &= ~np.isin(keys[i][rows_a[keep]], went_over)
            kept = standing_here[keep]
            kept["left_row"], kept["right_row"] = rows_a[keep], rows_b[keep]
            found, compared = here.compare_dirty(dirty_i, dirty_j, over)
            comparisons += compared
            fresh = np.zeros(len(found), PAIR_DTYPE)
            fresh["pass_index"], fresh["left"], fresh["right"] = k, i, j
            fresh["left_row"], fresh["right_row"] = found.left, found.right
            fresh["score"] = found.score
            ordered = _in_order(kept, fresh, same=i == j)
            kept_pairs.append(ordered)
            collected.pairs.setdefault((i, j), []).append(CandidatePairs(
                ordered["left_row"].astype(np.int64), ordered["right_row"].astype(np.int64),
                ordered["score"].astype(np.float32)))
    for key, parts in collected.pairs.items():
        collected.pairs[key] = [CandidatePairs(np.concatenate([p.left for p in parts]),
                                               np.concatenate([p.right for p in parts]),
                                               np.concatenate([p.score for p in parts]))]
    _best_scores(collected)
    collected.comparisons = comparisons
    # the lists keep their numbers when the parties come in the same order (new ones last)
    same_numbers = list(standing.parties) == names[:len(standing.parties)]
    known = carried(standing.vectors, new_row, [~rows for rows in dirty]) if (
        same_numbers and not afresh) else None
    comparer = CachedComparison(known, [len(e) for e in lists])
    scored = time.perf_counter()
    result = finish(parties, params, collected, started=started, scored=scored,
                    comparer=comparer)
    new_standing = Standing(tuple(names), sign, {p.name: p.encodings for p in parties},
                            np.concatenate(kept_pairs) if kept_pairs
                            else np.zeros(0, PAIR_DTYPE),
                            np.concatenate(new_over) if new_over
                            else np.zeros(0, OVERSIZED_DTYPE), comparer.table)
    return IncrementalResult(result, new_standing, changes, afresh, comparisons,
                             {"comparing": scored - started,
                              "total": time.perf_counter() - started})


class PairWork:
    """One pass over one pair of lists (i <= j; i == j for a list's own duplicates)."""

    def __init__(self, k: int, spec: PassSpec, i: int, j: int, lists: Sequence[EncodingFile],
                 keys: Sequence[np.ndarray], params: LinkParameters,
                 blocks: Sequence[tuple[np.ndarray, np.ndarray]]):
        self.k, self.spec, self.i, self.j = k, spec, i, j
        self.left_blocks, self.right_blocks = blocks[i], blocks[j]   # (keys, sizes) per list
        self.left, self.right = lists[i], lists[j]
        self.left_keys, self.right_keys = keys[i], keys[j]
        self.params = params
        self.same = i == j

    def oversized_keys(self) -> np.ndarray:
        """The keys of the blocks this pass skips for this pair of lists (a full run's rule:
        more than max_block_size records on either side of a block both sides share)."""
        if self.spec.kind == "none":
            return np.zeros(0, np.uint64)
        limit = self.params.max_block_size
        left, left_count = self.left_blocks
        if self.same:
            return left[left_count > limit]
        right, right_count = self.right_blocks
        both, at_left, at_right = np.intersect1d(left, right, assume_unique=True,
                                                 return_indices=True)
        return both[(left_count[at_left] > limit) | (right_count[at_right] > limit)]

    def compare_dirty(self, dirty_left: np.ndarray, dirty_right: np.ndarray,
                      oversized: np.ndarray) -> tuple[CandidatePairs, int]:
        """Every pair of this pass with a dirty record on a side, as a full run scores it."""
        left_keys = _without(self.left_keys, oversized)
        right_keys = left_keys if self.same else _without(self.right_keys, oversized)
        dirty_l = np.flatnonzero(dirty_left)
        if self.same:
            clean = np.flatnonzero(~dirty_left)
            parts = [self._score(dirty_l, dirty_l, left_keys, left_keys, same=True),
                     self._score(dirty_l, clean, left_keys, left_keys, same=False)]
        else:
            parts = [self._score(dirty_l, np.arange(len(self.right), dtype=np.int64),
                                 left_keys, right_keys, same=False),
                     self._score(np.flatnonzero(~dirty_left), np.flatnonzero(dirty_right),
                                 left_keys, right_keys, same=False)]
        pairs = CandidatePairs(np.concatenate([p[0].left for p in parts]),
                               np.concatenate([p[0].right for p in parts]),
                               np.concatenate([p[0].score for p in parts]))
        return pairs, sum(p[1] for p in parts)

    def _score(self, rows_l: np.ndarray, rows_r: np.ndarray, left_keys: np.ndarray,
               right_keys: np.ndarray, *, same: bool) -> tuple[CandidatePairs, int]:
        if not same:
            # only the rows of blocks the other side has: sorting a whole list per pass would
            # cost more than the comparisons of a small update
            # the smaller side first: its distinct keys are few (the same rows either way)
            if len(rows_l) <= len(rows_r):
                rows_r = rows_r[_among(right_keys[rows_r], left_keys[rows_l])]
                rows_l = rows_l[_among(left_keys[rows_l], right_keys[rows_r])]
            else:
                rows_l = rows_l[_among(left_keys[rows_l], right_keys[rows_r])]
                rows_r = rows_r[_among(right_keys[rows_r], left_keys[rows_l])]
        if not len(rows_l) or not len(rows_r):
            return CandidatePairs.empty(), 0
        buckets = make_buckets(left_keys[rows_l], None if same else right_keys[rows_r],
                               max_block_size=_NO_LIMIT)
        at_l = rows_l[buckets.left_rows]
        at_r = at_l if same else rows_r[buckets.right_rows]
        words = self.spec.words
        left_filters = _filters(self.left, at_l, words)
        right_filters = left_filters if same else _filters(self.right, at_r, words)
        scored = score_buckets(self.params.kernel, left_filters, right_filters,
                               buckets.left_ranges, buckets.right_ranges,
                               self.params.pass_keep(within=self.same),
                               floor=min(self.params.histogram_floor, self.params.keep_threshold),
                               same=same)
        pairs = (scored.pairs if self.same else
                 with_nameless(scored.pairs, self.spec, left_filters, right_filters, buckets))
        a, b = at_l[pairs.left], at_r[pairs.right]
        if self.same:
            a, b = np.minimum(a, b), np.maximum(a, b)
        pairs = CandidatePairs(a, b, pairs.score)
        if self.spec.veto is not None and len(pairs):
            veto = (self.params.duplicate_veto_threshold if self.same
                    else self.params.veto_threshold)
            pairs = _without_vetoed(pairs, self.left, self.right, self.spec.veto, veto)
        return pairs, scored.comparisons


def _dirty_rows(previous: EncodingFile | None, current: EncodingFile
                ) -> tuple[np.ndarray, PartyChange, np.ndarray]:
    """Rows of `current` added or changed since `previous` (all rows without one), the change
    counts, and each row of `previous` at its row in `current` (-1: removed)."""
    if previous is None:
        return (np.ones(len(current), bool), PartyChange(len(current), 0, 0, 0),
                np.zeros(0, np.int64))
    if previous is current:
        # a party that sent nothing keeps its standing list (continuous.link_versions): the
        # same file, nothing to compare (a list is never edited in place)
        return (np.zeros(len(current), bool), PartyChange(0, 0, 0, len(current)),
                np.arange(len(current), dtype=np.int64))
    old_ids = np.asarray(previous.records["pseudo_id"], np.uint64)
    new_ids = np.asarray(current.records["pseudo_id"], np.uint64)
    _, in_old, in_new = np.intersect1d(old_ids, new_ids, assume_unique=True,
                                       return_indices=True)
    # read both files in the new version's order, not the pseudo-ids': nearly sequential when
    # the records that stay keep their order, as they mostly do
    order = np.argsort(in_new)
    in_old, in_new = in_old[order], in_new[order]
    same = same_records_at(previous.records, in_old, current.records, in_new)
    dirty = np.ones(len(current), bool)
    dirty[in_new[same]] = False
    moved = np.full(len(previous), -1, np.int64)
    moved[in_old] = in_new
    kept = len(in_old)
    return dirty, PartyChange(len(current) - kept, kept - int(same.sum()),
                              len(previous) - kept, int(same.sum())), moved


def _clean_rows(moved: np.ndarray, dirty: np.ndarray) -> np.ndarray:
    """Each standing row at its row in the new version, -1 where removed or dirty there."""
    out = moved.copy()
    out[out >= 0] = np.where(dirty[out[out >= 0]], -1, out[out >= 0])
    return out


def _in_order(kept: np.ndarray, fresh: np.ndarray, *, same: bool) -> np.ndarray:
    """One pass's pairs of one pair of lists, the standing ones kept and the new ones found,
    sorted by rows (left_row <= right_row within a list). The kept ones come in order already
    unless a list was reordered, and the new ones are few: they are merged in. Sorted runs
    make deduplicating the passes' pairs quick (engine._distinct)."""
    for pairs in (kept, fresh):
        if same and (pairs["left_row"] > pairs["right_row"]).any():
            low = np.minimum(pairs["left_row"], pairs["right_row"])
            pairs["right_row"] = np.maximum(pairs["left_row"], pairs["right_row"])
            pairs["left_row"] = low
    kept_code, fresh_code = _row_code(kept), _row_code(fresh)
    if (kept_code[1:] < kept_code[:-1]).any():
        order = np.argsort(kept_code, kind="stable")
        kept, kept_code = kept[order], kept_code[order]
    order = np.argsort(fresh_code, kind="stable")
    # a new pair has a dirty record and a kept one has none: no pair is in both
    return np.insert(kept, np.searchsorted(kept_code, fresh_code[order]), fresh[order])


def _row_code(pairs: np.ndarray) -> np.ndarray:
    return pairs["left_row"].astype(np.uint64) << np.uint64(32) | pairs["right_row"].astype(
        np.uint64)


def _among(keys: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Whether each key is a non-zero key of `others`; cheap when `others` is small."""
    values = np.unique(others[others != 0])
    if not len(values):
        return np.zeros(len(keys), bool)
    at = np.minimum(np.searchsorted(values, keys), len(values) - 1)
    return (values[at] == keys) & (keys != 0)


def _without(keys: np.ndarray, oversized: np.ndarray) -> np.ndarray:
    if not oversized.size:
        return keys
    out = keys.copy()
    out[np.isin(keys, oversized)] = 0
    return out


def _oversized_rows(k: int, i: int, j: int, keys: np.ndarray) -> np.ndarray:
    rows = np.zeros(len(keys), OVERSIZED_DTYPE)
    rows["pass_index"], rows["left"], rows["right"], rows["key"] = k, i, j, keys
    return rows


_NO_PAIRS = np.zeros(0, PAIR_DTYPE)
_NO_OVERSIZED = np.zeros(0, OVERSIZED_DTYPE)


def _grouped(table: np.ndarray) -> dict[tuple[int, int, int], np.ndarray]:
    """The rows of a pairs or oversized table by (pass, left party, right party)."""
    if not len(table):
        return {}
    code = (table["pass_index"].astype(np.int64) << 32 | table["left"].astype(np.int64) << 16
            | table["right"].astype(np.int64))
    if (code[1:] < code[:-1]).any():    # a state written by `update` is in order already
        order = np.argsort(code, kind="stable")
        table, code = table[order], code[order]
    starts = np.flatnonzero(np.r_[True, code[1:] != code[:-1]])
    ends = np.r_[starts[1:], len(code)]
    return {(int(table["pass_index"][a]), int(table["left"][a]), int(table["right"][a])):
            table[a:b] for a, b in zip(starts.tolist(), ends.tolist(), strict=True)}


def _renumbered(pairs: np.ndarray, old: Sequence[str], new: Sequence[str]) -> np.ndarray:
    """Standing pairs with party numbers of the new run (left <= right), without the pairs of
    parties that are gone."""
    where = np.array([new.index(name) if name in new else -1 for name in old], np.int16)
    if not len(pairs) or list(old) == list(new[:len(old)]):
        return pairs     # the same numbers (new parties come last)
    out = pairs.copy()
    out["left"], out["right"] = where[pairs["left"]], where[pairs["right"]]
    out = out[(out["left"] >= 0) & (out["right"] >= 0)]
    swap = out["left"] > out["right"]
    out["left"][swap], out["right"][swap] = out["right"][swap], out["left"][swap]
    left_row = out["left_row"][swap].copy()
    out["left_row"][swap] = out["right_row"][swap]
    out["right_row"][swap] = left_row
    return out


def _renumbered_oversized(table: np.ndarray, old: Sequence[str], new: Sequence[str]
                          ) -> np.ndarray:
    where = np.array([new.index(name) if name in new else -1 for name in old], np.int16)
    if not len(table):
        return table
    out = table.copy()
    out["left"], out["right"] = where[table["left"]], where[table["right"]]
    out = out[(out["left"] >= 0) & (out["right"] >= 0)]
    low = np.minimum(out["left"], out["right"])
    out["right"] = np.maximum(out["left"], out["right"])
    out["left"] = low
    return out


def _best_scores(collected: _Collected) -> None:
    """Best kept score per record (the report's best-match histogram; see the docstring)."""
    for (i, j), parts in collected.pairs.items():
        best = collected.best_within if i == j else collected.best_cross
        for pairs in parts:
            np.maximum.at(best[i], pairs.left, pairs.score)
            np.maximum.at(best[j], pairs.right, pairs.score)
