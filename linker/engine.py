"""link(): blocking -> Dice kernel -> solver -> groups, duplicates and an OverlapReport.

Typical use (the service and the CLI do this):

    parties = [Party("DTKS", open_encoding_file(a)), Party("KJP", open_encoding_file(b))]
    result = link(parties, LinkParameters(), executor=process_pool(2))
    result.for_party("KJP")     # what KJP may receive
    result.report.suppressed(10).to_dict()   # what an auditor may see

A run is cut into units (pair of lists x blocking pass x partition) that the executor maps; the
driver only keeps the pairs some rule reads (LinkParameters.pass_keep: from the keep threshold
across lists, from the duplicate possible threshold within one) and one best score per record, so
memory follows the number of records and block sizes, not the number of comparisons.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from itertools import combinations

import numpy as np

from padan.encoder.encoding_file import EncodingFile
from padan.i18n import N_, _
from padan.linker.blocking import (
    LshSettings,
    corroboration_tokens,
    identity_tokens,
    makes_pairs,
    plan_passes,
    resolve_blocking,
)
from padan.linker.columns import forget_columns
from padan.linker.comparison import compare
from padan.linker.errors import IncompatibleEncodingsError, LinkerError
from padan.linker.executors import Executor, in_process
from padan.linker.model_scoring import Comparer, score_with_model
from padan.linker.parameters import SENSITIVITY_THRESHOLDS, LinkParameters
from padan.linker.registers import questions_for
from padan.linker.report import OverlapReport, best_match_histogram, valley
from padan.linker.results import GroupTable, LinkResult, PartyMatch, PartyMatches, group_table
from padan.linker.similarity import CandidatePairs, kernel
from padan.linker.solver import MAX_PARTIES, Edges, cluster, solve, with_identity_evidence
from padan.linker.work import Unit, UnitResult, forget_keys, run_unit

__all__ = ["LinkParameters", "LinkResult", "OverlapReport", "Party", "PartyMatch", "PartyMatches",
           "check_compatible", "link"]


@dataclass(frozen=True, slots=True)
class Party:
    name: str                    # agency name, e.g. "DTKS"
    encodings: EncodingFile      # from padan.encoder.encoding_file.open_encoding_file
    source: str | None = None    # where other workers read it (path or fsspec URL); default: path


_CHECKED = (
    ("schema_fingerprint", N_("a different schema"), N_("re-encode with the project's schema")),
    ("key_check", N_("a different secret (key check value)"),
     N_("re-encode with the project's key file")),
    ("project_id", N_("a different project"), N_("re-encode for this project")),
    ("filter_bits", N_("a different filter length"), N_("re-encode with the project's schema")),
)


def check_compatible(parties: Sequence[Party]) -> None:
    """Raise LinkerError unless the parties' encodings can be compared with each other."""
    if len(parties) < 1:
        raise LinkerError(_("a run needs at least one party"))
    if len(parties) > MAX_PARTIES:
        raise LinkerError(_("a run takes at most {most} parties, not {count}").format(
            most=MAX_PARTIES, count=len(parties)))
    names = [p.name for p in parties]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise LinkerError(_("party names must be unique; repeated: {names}").format(
            names=", ".join(repeated)))
    first = parties[0]
    for party in parties[1:]:
        for attribute, what, fix in _CHECKED:
            mine = getattr(party.encodings.header, attribute)
            theirs = getattr(first.encodings.header, attribute)
            if mine != theirs:
                raise IncompatibleEncodingsError(
                    _("party '{party}' was encoded with {what} ({mine} vs {theirs} of "
                      "'{first}'); {fix}").format(party=party.name, what=_(what),
                                                 mine=_short(mine), theirs=_short(theirs),
                                                 first=first.name, fix=_(fix)),
                    party=party.name, other=first.name)
        if party.encodings.header.blocking_keys != first.encodings.header.blocking_keys:
            raise IncompatibleEncodingsError(
                _("party '{party}' has blocking keys {mine} but '{first}' has {theirs}; "
                  "re-encode with the project's schema").format(
                      party=party.name, mine=party.encodings.header.blocking_keys,
                      first=first.name, theirs=first.encodings.header.blocking_keys),
                party=party.name, other=first.name)


def _short(value) -> str:
    text = str(value)
    return text[:4] + "…" if len(text) > 8 and not text.isdigit() else text


DEFAULT_PARAMETERS = LinkParameters()   # frozen, so a shared default is safe


def link(parties: Sequence[Party], params: LinkParameters = DEFAULT_PARAMETERS, *,
         executor: Executor | None = None,
         progress: Callable[[int, int], None] | None = None) -> LinkResult:
    """Link the parties' encodings; see the module docstring."""
    started = time.perf_counter()
    kernel(params.kernel)   # refuses an unavailable kernel before any work
    check_compatible(parties)
    executor = executor or in_process()
    header = parties[0].encodings.header
    units = _units(parties, params, executor, header.blocking_keys)
    collected = _Collected(parties)
    if progress:
        progress(0, len(units))
    try:
        for done, result in enumerate(executor.map_unordered(run_unit, units), start=1):
            collected.add(result)
            if progress:
                progress(done, len(units))
    finally:
        forget_keys()      # in-process units cached keys and columns here:
        forget_columns()   # nothing outlives the run
    return finish(parties, params, collected, started=started, scored=time.perf_counter())


def finish(parties: Sequence[Party], params: LinkParameters, collected: _Collected, *,
           started: float, scored: float, comparer: Comparer = compare) -> LinkResult:
    """From the run's candidate pairs (collected) to groups, duplicates and the report: the part
    of a run after the comparisons, shared by `link` and the incremental run
    (padan.linker.incremental), which hands it the same pairs a full run would find and a
    `comparer` that knows the standing pairs' comparison vectors."""
    offsets = np.cumsum([0, *(len(p.encodings) for p in parties)])
    party_of = np.repeat(np.arange(len(parties), dtype=np.int16), np.diff(offsets))
    pseudo = np.concatenate([np.asarray(p.encodings.record_field("pseudo_id"), np.uint64)
                             for p in parties]) if len(parties) else np.zeros(0, np.uint64)
    lists = [p.encodings for p in parties]
    cross, match_at, possible_at, model = cross_edges(lists, collected.edges(offsets, cross=True),
                                                      params, comparer)
    components = cluster(cross, party_of, match_threshold=match_at,
                         possible_threshold=possible_at, constrained=True, complete=False,
                         ordered=True)
    _, sensitivity = solve(cross, party_of, constrained=True, ordered=True,
                           cut_thresholds=SENSITIVITY_THRESHOLDS)
    duplicates = GroupTable.empty()
    cross_label = components.label
    if params.dedup:
        within = collected.edges(offsets, cross=False)
        dup = cluster(within, party_of, match_threshold=params.duplicate_threshold,
                      possible_threshold=params.duplicate_possible_threshold,
                      constrained=False, complete=True)
        duplicates = group_table(dup.label, dup.weakest, party_of, pseudo,
                                 params.duplicate_threshold)
        cross_label = absorb_duplicates(cross_label, dup.label,
                                        dup.weakest >= params.duplicate_threshold)
    groups = group_table(cross_label, components.weakest, party_of, pseudo, match_at)
    solved = time.perf_counter()

    timings = {"scoring": scored - started, "solving": solved - scored}
    report = _report(parties, params, groups, duplicates, sensitivity, collected, party_of,
                     cross_label >= 0, timings, model)
    report = replace(report, questions=questions_for(parties, params, groups))
    timings["total"] = time.perf_counter() - started
    return LinkResult(tuple(p.name for p in parties), params, groups, duplicates, report)


def cross_edges(lists: Sequence[EncodingFile], edges: Edges, params: LinkParameters,
                comparer: Comparer = compare) -> tuple[Edges, float, float, dict | None]:
    """Candidate pairs across lists scored as `params.scoring` says, in the solver's order, with
    the match and possible thresholds on that score and the fitted model's report (None where
    the run scored by Dice: asked to, or too few comparisons vary to fit a model)."""
    scores = (score_with_model(lists, edges, params, comparer=comparer)
              if params.scoring == "model" else None)
    if scores is not None:
        match_at = scores.match_threshold
        return (scores.edges, match_at, min(params.possible_probability, match_at),
                scores.report())
    identity = identity_tokens(lists)
    scored = with_identity_evidence(
        edges, identity, match_threshold=params.match_threshold,
        identity_threshold=params.identity_threshold,
        corroboration=corroboration_tokens(lists),
        corroborated_threshold=params.corroborated_threshold).ordered()
    return scored, params.match_threshold, params.possible_threshold, None


def absorb_duplicates(cross_label: np.ndarray, dup_label: np.ndarray, dup_match: np.ndarray
                      ) -> np.ndarray:
    """A record outside every cross-list group joins the group of its duplicates (a match-band
    duplicate group whose grouped members all sit in one cross-list group): the same person
    listed twice is on the other list twice over, and the agency is told so for both rows."""
    label = cross_label.copy()
    in_dup = np.flatnonzero(dup_label >= 0)
    in_dup = in_dup[dup_match[dup_label[in_dup]]]
    if not len(in_dup):
        return label
    group, joined = dup_label[in_dup], cross_label[in_dup]
    groups = int(group.max()) + 1
    low = np.full(groups, np.iinfo(np.int64).max)
    high = np.full(groups, -1, np.int64)
    grouped = joined >= 0
    np.minimum.at(low, group[grouped], joined[grouped])
    np.maximum.at(high, group[grouped], joined[grouped])
    one = (high >= 0) & (low == high)
    take = one[group] & ~grouped
    label[in_dup[take]] = high[group[take]]
    return label


RECORDS_PER_PARTITION = 2_000_000


def _units(parties: Sequence[Party], params: LinkParameters, executor: Executor,
           blocking_keys: list[str]) -> list[Unit]:
    blocking = resolve_blocking(params.blocking, params.lsh_auto_min_identity,
                                [p.encodings for p in parties])
    passes = plan_passes(blocking, blocking_keys, params.lsh_bands,
                         parties[0].encodings.header.segments)
    lsh = LshSettings(params.lsh_bands, params.lsh_bits, params.lsh_seed)
    pairs = list(combinations(range(len(parties)), 2))
    if params.dedup or len(parties) == 1:
        pairs += [(i, i) for i in range(len(parties))]
    partitions = params.partitions
    if not partitions:
        # every unit reads its pass's keys for whole lists, so cut passes only when there are
        # too few (pair, pass) units to keep the executor busy
        busy = len(pairs) * len(passes) >= 2 * executor.suggested_partitions
        partitions = 1 if busy else executor.suggested_partitions
        # and cut them by size: a unit's pairs, before the veto thins them, grow with the square
        # of its buckets (280 M of them in one unit at 10 M records), so no unit covers more than
        # RECORDS_PER_PARTITION records of a list; the pairs are the same however cut
        largest = max(len(p.encodings) for p in parties)
        partitions = max(partitions, -(-largest // RECORDS_PER_PARTITION))

    def source(party: Party):
        if not executor.ships_files:
            return party.encodings
        return party.source or str(party.encodings.path)

    return [Unit(i, j, (source(parties[i]), source(parties[j])),
                 (parties[i].name, parties[j].name), spec, part, partitions,
                 params.max_block_size, lsh, params.pass_keep(within=i == j),
                 min(params.histogram_floor, params.keep_threshold),
                 executor.threads_per_unit, params.kernel,
                 params.duplicate_veto_threshold if i == j else params.veto_threshold)
            # pass by pass, so a worker's cached keys of a list serve its next units
            for spec in passes for i, j in pairs for part in range(partitions)
            if makes_pairs(spec, i, j)]


class _Collected:
    """Pairs per pair of lists (deduplicated across passes) and best scores per record."""

    def __init__(self, parties: Sequence[Party]):
        self.sizes = [len(p.encodings) for p in parties]
        self.pairs: dict[tuple[int, int], list[CandidatePairs]] = {}
        self.best_cross = [np.full(n, -1.0, np.float32) for n in self.sizes]
        self.best_within = [np.full(n, -1.0, np.float32) for n in self.sizes]
        self.passes: dict[str, dict[str, int]] = {}
        self.comparisons = 0
        self.distinct_size: dict[tuple[int, int], int] = {}

    def add(self, result: UnitResult) -> None:
        key = (result.left, result.right)
        parts = self.pairs.setdefault(key, [])
        parts.append(result.pairs)
        held = sum(len(p) for p in parts)
        if held > 2 * self.distinct_size.get(key, 1 << 20):
            # keep memory near the distinct pairs, not their repeats across passes
            parts[:] = [_distinct(parts)]
            self.distinct_size[key] = len(parts[0])
        best = self.best_within if result.left == result.right else self.best_cross
        for party, (rows, scores) in ((result.left, result.best_left),
                                      (result.right, result.best_right)):
            # a row sits in one bucket per pass, so rows are unique within a result
            best[party][rows] = np.maximum(best[party][rows], scores)
        stats = self.passes.setdefault(result.pass_name, {
            "pass": result.pass_name, "comparisons": 0, "oversized_blocks": 0,
            "skipped_records": 0})
        stats["comparisons"] += result.comparisons
        stats["oversized_blocks"] += result.oversized
        stats["skipped_records"] += result.skipped_records
        self.comparisons += result.comparisons

    def distinct(self) -> dict[tuple[int, int], CandidatePairs]:
        """Distinct pairs per pair of lists, in a fixed order whatever order units finished in."""
        for key in self.pairs:
            if len(self.pairs[key]) > 1 or key not in self.distinct_size:
                self.pairs[key] = [_distinct(self.pairs[key])]
                self.distinct_size[key] = len(self.pairs[key][0])
        return {key: self.pairs[key][0] for key in sorted(self.pairs)}

    def edges(self, offsets: np.ndarray, *, cross: bool) -> Edges:
        a, b, s = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)], [np.zeros(0, np.float32)]
        for (i, j), pairs in self.distinct().items():
            if (i != j) == cross:
                a.append(pairs.left + offsets[i])
                b.append(pairs.right + offsets[j])
                s.append(pairs.score)
        return Edges(np.concatenate(a), np.concatenate(b), np.concatenate(s))


def _distinct(parts: list[CandidatePairs]) -> CandidatePairs:
    """Each pair once, with its best score over the passes that found it (passes over salted
    segments score different bits of the same pair)."""
    left = np.concatenate([p.left for p in parts])
    right = np.concatenate([p.right for p in parts])
    score = np.concatenate([p.score for p in parts])
    if not len(left):
        return CandidatePairs(left, right, score)
    code = left.astype(np.uint64) << np.uint64(32) | right.astype(np.uint64)
    # stable: quick on the sorted runs an incremental run hands in (one per pass)
    order = np.argsort(code, kind="stable")
    ordered = code[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    first = order[starts]
    return CandidatePairs(left[first], right[first], np.maximum.reduceat(score[order], starts))


def _report(parties, params, groups: GroupTable, duplicates: GroupTable, sensitivity,
            collected: _Collected, party_of, grouped: np.ndarray, timings,
            model: dict | None) -> OverlapReport:
    names = tuple(p.name for p in parties)
    n = len(parties)
    members = _group_masks(groups)          # agency bit mask per cross-party group
    bands = _group_bands(groups)
    pairwise = []
    for i, j in combinations(range(n), 2):
        both = (members >> i) & 1 & (members >> j) & 1 == 1
        pairwise.append({"parties": [names[i], names[j]],
                         "match": int(np.sum(both & (bands == 0))),
                         "possible": int(np.sum(both & (bands == 1)))})
    combos: dict[int, int] = {}
    for mask, count in zip(*np.unique(members, return_counts=True), strict=True):
        combos[int(mask)] = int(count)
    offsets = np.cumsum([0, *collected.sizes])
    for i in range(n):
        alone = int(np.sum(~grouped[offsets[i]:offsets[i + 1]]))
        combos[1 << i] = combos.get(1 << i, 0) + alone
    combinations_ = [{"parties": [names[p] for p in range(n) if mask >> p & 1], "count": c}
                     for mask, c in sorted(combos.items())]
    dup = {}
    dup_bands = _group_bands(duplicates)
    dup_party = _group_first(duplicates, duplicates.party)
    for i, name in enumerate(names):
        mine = dup_party == i
        dup[name] = {"groups": int(mine.sum()),
                     "records": int(np.sum(duplicates.party == i)),
                     "match": int(np.sum(mine & (dup_bands == 0))),
                     "possible": int(np.sum(mine & (dup_bands == 1)))}
    sens = [{"threshold": t, "pairwise": [
        {"parties": [names[i], names[j]], "count": int(sensitivity[k][i, j])}
        for i, j in combinations(range(n), 2)]} for k, t in enumerate(SENSITIVITY_THRESHOLDS)]
    best = collected.best_within if n == 1 else collected.best_cross
    histogram = best_match_histogram(np.concatenate(best), min(params.histogram_floor,
                                                             params.keep_threshold))
    auto, either_side = valley(histogram)
    strata = _strata(parties, grouped, offsets)
    distinct = collected.distinct()
    return OverlapReport(
        parties=names, record_counts={p.name: len(p.encodings) for p in parties},
        pairwise=pairwise, combinations=combinations_, duplicates=dup, sensitivity=sens,
        histogram=histogram, histogram_valley=auto, histogram_valley_counts=either_side,
        strata=strata, comparisons=collected.comparisons,
        candidate_pairs=sum(len(p) for p in distinct.values()), timings=timings,
        passes=list(collected.passes.values()), match_model=model)


def _group_first(table: GroupTable, column: np.ndarray) -> np.ndarray:
    """Value of `column` at the first row of each group (rows are sorted by group)."""
    if not len(table):
        return column[:0]
    starts = np.flatnonzero(np.r_[True, table.group_id[1:] != table.group_id[:-1]])
    return column[starts]


def _group_masks(table: GroupTable) -> np.ndarray:
    masks = np.zeros(table.groups, np.int64)
    np.bitwise_or.at(masks, table.group_id, np.left_shift(1, table.party.astype(np.int64)))
    return masks


def _group_bands(table: GroupTable) -> np.ndarray:
    return _group_first(table, table.band)


def _strata(parties, grouped: np.ndarray, offsets) -> list[dict] | None:
    if parties[0].encodings.header.stratum is None:
        return None
    rows = []
    for i, party in enumerate(parties):
        stratum = np.asarray(party.encodings.record_field("stratum"), np.int64)
        if party.encodings.header.stratum == "regency":   # records per province, as before
            stratum //= 100
        matched = grouped[offsets[i]:offsets[i + 1]]
        for code in np.unique(stratum):
            here = stratum == code
            rows.append({"stratum": int(code), "party": party.name,
                         "records": int(here.sum()), "matched": int(np.sum(here & matched))})
    return rows

