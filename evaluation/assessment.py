"""Assessing a run against the truth: what `padan evaluate` and the quality benchmark report.

The run itself is the real engine (`padan.linker.engine.link`). Beside it, the candidate pairs
of the same blocking passes are collected once with their scores, so the F1-vs-threshold curve
costs one greedy solve per threshold and no rescoring: the greedy solver takes edges in
descending order, so its result at threshold t is what it takes from the edges >= t.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from padan.evaluation.labelled import LabelledParty
from padan.evaluation.metrics import (
    Quality,
    ThresholdCurve,
    curve_from,
    group_quality,
    pair_quality,
    thresholds_between,
)
from padan.evaluation.truth import global_numbers, pairs_of_labels
from padan.linker.blocking import (
    LshSettings,
    corroboration_tokens,
    identity_tokens,
    plan_passes,
    resolve_blocking,
)
from padan.linker.engine import absorb_duplicates, cross_edges, link
from padan.linker.parameters import LinkParameters
from padan.linker.quality import blocking_quality
from padan.linker.results import MATCH, GroupTable
from padan.linker.solver import Edges, solve, with_identity_evidence
from padan.linker.work import Unit, run_unit

CURVE_THRESHOLDS = thresholds_between(0.50, 0.98, 0.02)
# scoring "model": the curve runs over match probabilities
PROBABILITY_THRESHOLDS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95,
                          0.98, 0.99, 0.995, 0.999)


@dataclass(frozen=True, slots=True)
class BlockingRow:
    parties: tuple[str, str]
    name: str                  # pass name, or "union"
    pair_completeness: float
    reduction_ratio: float
    comparisons: int


@dataclass(frozen=True, slots=True)
class Assessment:
    """Everything measured about one run on labelled data."""

    parties: tuple[str, ...]
    records: dict[str, int]
    params: LinkParameters
    links: Quality             # pairs in "match" groups across lists
    links_possible: Quality    # pairs in groups of either band
    groups: Quality            # whole groups across lists
    duplicates: Quality        # pairs in "match" duplicate groups within lists
    blocking: tuple[BlockingRow, ...]
    curve: ThresholdCurve      # pair F1 across lists by match threshold
    histogram_valley: float | None  # the report's suggestion; the run used params' thresholds
    pairwise: tuple[tuple[tuple[str, str], Quality], ...] = ()   # links, per pair of lists
    match_model: dict | None = None   # scoring "model": the run's fitted model and threshold

    @property
    def used_threshold(self) -> float:
        """The match threshold the run linked at (a probability with scoring "model")."""
        if self.match_model is not None:
            return self.match_model["match_threshold"]
        return self.params.match_threshold

    @property
    def best_threshold(self) -> float:
        return self.curve.best.threshold

    @property
    def valley_distance(self) -> float | None:
        """How far the histogram valley lands from the best threshold (threshold units)."""
        if self.histogram_valley is None:
            return None
        return round(abs(self.histogram_valley - self.best_threshold), 4)

    @property
    def valley_f1(self) -> float | None:
        """Pair F1 across lists had the run linked at the histogram valley."""
        if self.histogram_valley is None:
            return None
        return self.curve.at(self.histogram_valley).quality.f1

    def to_dict(self) -> dict:
        return {
            "parties": list(self.parties), "records": self.records,
            "params": self.params.to_dict(), "links": self.links.to_dict(),
            "links_possible": self.links_possible.to_dict(), "groups": self.groups.to_dict(),
            "duplicates": self.duplicates.to_dict(),
            "blocking": [{"parties": list(r.parties), "pass": r.name,
                          "pair_completeness": round(r.pair_completeness, 6),
                          "reduction_ratio": round(r.reduction_ratio, 6),
                          "comparisons": r.comparisons} for r in self.blocking],
            "curve": self.curve.to_dict(),
            "scoring": self.params.scoring, "match_threshold": self.used_threshold,
            "match_model": self.match_model,
            "possible_threshold": self.params.possible_threshold,
            "best_threshold": self.best_threshold, "histogram_valley": self.histogram_valley,
            "valley_distance": self.valley_distance,
            "valley_f1": None if self.valley_f1 is None else round(self.valley_f1, 6),
            "pairwise": [{"parties": list(names), **quality.to_dict()}
                         for names, quality in self.pairwise],
        }


def assess(parties: Sequence[LabelledParty], params: LinkParameters | None = None, *,
           thresholds: Sequence[float] | None = None,
           with_blocking: bool = True) -> Assessment:
    """Link `parties` with the real engine and measure the result against their truth."""
    params = params or LinkParameters()
    result = link([p.party() for p in parties], params)
    sizes = [len(p) for p in parties]
    offsets, party = global_numbers(sizes)
    entity = np.concatenate([p.entity for p in parties]) if parties else np.zeros(0, np.int64)
    true_cross = pairs_of_labels(entity, party, cross=True)
    true_within = pairs_of_labels(entity, party, cross=False)

    match_groups = _labels(result.groups, offsets, len(entity), band=MATCH)
    all_groups = _labels(result.groups, offsets, len(entity))
    dup_groups = _labels(result.duplicates, offsets, len(entity), band=MATCH)
    links = pair_quality(pairs_of_labels(match_groups, party, cross=True), true_cross)
    links_possible = pair_quality(pairs_of_labels(all_groups, party, cross=True), true_cross)
    groups = group_quality(match_groups, entity, party)
    duplicates = pair_quality(pairs_of_labels(dup_groups, party, cross=False), true_within)

    modelled = result.report.match_model is not None   # else the run scored by Dice
    curve_thresholds = thresholds or (PROBABILITY_THRESHOLDS if modelled else CURVE_THRESHOLDS)
    if modelled:
        # the same candidates, scored by the same model the run fitted (EM is deterministic)
        edges = candidate_edges(parties, params, floor=params.keep_threshold)
        scored, _, _, _ = cross_edges([p.encodings for p in parties], edges, params)

        def at_threshold(t: float) -> Edges:
            return scored.at_least(t)
    else:
        # pairs below the thresholds still count when they share a valid NIK (identity rule)
        edges = candidate_edges(parties, params, floor=min(
            *curve_thresholds, params.identity_threshold, params.corroborated_threshold))
        identity = identity_tokens([p.encodings for p in parties])
        corroboration = corroboration_tokens([p.encodings for p in parties])

        def at_threshold(t: float) -> Edges:  # as the engine scores them at match threshold t
            return with_identity_evidence(
                edges, identity, match_threshold=t, identity_threshold=params.identity_threshold,
                corroboration=corroboration,
                corroborated_threshold=params.corroborated_threshold).at_least(t)

    def labels_at(t: float) -> np.ndarray:  # the engine's groups at match threshold t
        label = solve(at_threshold(t), party, constrained=True,
                      ordered=modelled)[0].label
        return absorb_duplicates(label, dup_groups, np.ones(max(result.duplicates.groups, 1),
                                                            bool))

    curve = curve_from([(t, pair_quality(pairs_of_labels(labels_at(t), party, cross=True),
                                         true_cross)) for t in curve_thresholds])
    blocking = _blocking_rows(parties, params) if with_blocking else ()
    pairwise = tuple(((parties[i].name, parties[j].name),
                      _pair_of_lists(match_groups, entity, party, i, j))
                     for i, j in combinations(range(len(parties)), 2))
    return Assessment(tuple(p.name for p in parties), {p.name: len(p) for p in parties}, params,
                      links, links_possible, groups, duplicates, blocking, curve,
                      result.report.histogram_valley, pairwise, result.report.match_model)


def _pair_of_lists(groups: np.ndarray, entity: np.ndarray, party: np.ndarray, i: int,
                   j: int) -> Quality:
    """Links between lists i and j alone: the run's groups against the truth."""
    rows = np.flatnonzero((party == i) | (party == j))
    return pair_quality(pairs_of_labels(groups[rows], party[rows], cross=True),
                        pairs_of_labels(entity[rows], party[rows], cross=True))


def _labels(table: GroupTable, offsets: np.ndarray, records: int, *,
            band: int | None = None) -> np.ndarray:
    """Group label per global record (-1 = none); pseudo-id = record number + 1 (labelled)."""
    label = np.full(records, -1, np.int64)
    if not len(table):
        return label
    group_band = np.zeros(table.groups, np.int64)
    group_band[table.group_id] = table.band
    rows = table.pseudo_id.astype(np.int64) - 1 + offsets[table.party.astype(np.int64)]
    keep = np.ones(len(table), bool) if band is None else group_band[table.group_id] == band
    label[rows[keep]] = table.group_id[keep]
    return label


def candidate_edges(parties: Sequence[LabelledParty], params: LinkParameters, *,
                    floor: float) -> Edges:
    """Scored candidate pairs across lists (global numbers) from the run's blocking passes,
    kept from `floor` up; each pair once."""
    sizes = [len(p) for p in parties]
    offsets, _ = global_numbers(sizes)
    header = parties[0].encodings.header
    blocking = resolve_blocking(params.blocking, params.lsh_auto_min_identity,
                                [p.encodings for p in parties])
    passes = plan_passes(blocking, header.blocking_keys, params.lsh_bands, header.segments)
    lsh = LshSettings(params.lsh_bands, params.lsh_bits, params.lsh_seed)
    a, b, s = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)], [np.zeros(0, np.float32)]
    for i, j in combinations(range(len(parties)), 2):
        for spec in passes:
            unit = Unit(i, j, (parties[i].encodings, parties[j].encodings),
                        (parties[i].name, parties[j].name), spec, 0, 1,
                        params.max_block_size, lsh, floor, floor,
                        veto_threshold=params.veto_threshold)
            pairs = run_unit(unit).pairs
            a.append(pairs.left.astype(np.int64) + offsets[i])
            b.append(pairs.right.astype(np.int64) + offsets[j])
            s.append(pairs.score.astype(np.float32))
    a_all, b_all, s_all = np.concatenate(a), np.concatenate(b), np.concatenate(s)
    records = max(int(offsets[-1]), 1)
    code = np.minimum(a_all, b_all) * records + np.maximum(a_all, b_all)
    order = np.lexsort((-s_all, code))   # a pair found by several passes counts once, at best
    first = order[np.r_[True, code[order][1:] != code[order][:-1]]] if len(order) else order
    return Edges(a_all[first], b_all[first], s_all[first])


def _blocking_rows(parties: Sequence[LabelledParty], params: LinkParameters
                   ) -> tuple[BlockingRow, ...]:
    rows = []
    for left, right in combinations(parties, 2):
        true_left, true_right = true_rows(left.entity, right.entity)
        for quality in blocking_quality(left.encodings, right.encodings, true_left, true_right,
                                        params):
            rows.append(BlockingRow((left.name, right.name), quality.name,
                                    quality.pair_completeness, quality.reduction_ratio,
                                    quality.comparisons))
    return tuple(rows)


def true_rows(left_entity: np.ndarray, right_entity: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray]:
    """Row numbers (left, right) of every true pair between two lists."""
    offsets, party = global_numbers([len(left_entity), len(right_entity)])
    pairs = pairs_of_labels(np.concatenate([left_entity, right_entity]), party, cross=True)
    low, high = pairs.split()
    return low, high - offsets[1]
