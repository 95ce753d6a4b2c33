"""Scoring candidate pairs across lists with the run's own match model (the default).

comparison vectors (padan.linker.comparison) -> EM fit (padan.linker.match_model) -> a match
probability per pair, with one rule above the model: **a match needs the name**. A pair whose
name is not comparable, or agrees less than `name_floor` (Dice), is never linked, unless both
records carry the same NIK, or another identifying field agrees closely (Dice >= 0.87: the
address, the mother's name), and the name still reaches `corroborated_threshold`. Where the name
is missing on a side, only everything else together stands in for it: the same valid NIK, the
same birthdate, and another identifying field agreeing closely. A pair whose birthdate and NIK
both fail to agree (found through the family card: one household) needs a name of Dice
`HOUSEHOLD_NAME_FLOOR` (0.85): siblings' names are alike more often than strangers'. Without the
rule,
a birthdate shared in a small bucket and similar NIK digits could outvote plainly different
names, which is how precision collapsed at 1 M records (issue 16); with it, no combination of
birthdate, sex and NIK fragments alone makes a match.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from padan.encoder.encoding_file import EncodingFile
from padan.linker.comparison import (
    IDENTITY_LEVELS,
    NIK_KNOWN_LEVELS,
    ComparisonVectors,
    compare,
)
from padan.linker.match_model import (
    MatchModel,
    ThresholdChoice,
    expected_f1_threshold,
    fit,
    pattern_codes,
    pattern_levels,
    probability_of,
)
from padan.linker.parameters import LinkParameters
from padan.linker.solver import Edges

Comparer = Callable[[Sequence[EncodingFile], np.ndarray, np.ndarray], ComparisonVectors]
HISTOGRAM_BIN = 0.05     # the report's distribution of match probabilities (small cells hidden)
REFUSED_WEIGHT = -60.0   # the weight of a pair the name rule refuses: probability ~1e-18


@dataclass(frozen=True, slots=True)
class ModelScores:
    edges: Edges                 # score = match probability; ordered by match weight, then (a, b)
    model: MatchModel
    automatic: ThresholdChoice   # the threshold the model's own probabilities suggest
    match_threshold: float       # the one used: params.match_probability or the automatic one
    refused: int                 # pairs the name rule kept from linking
    histogram: list[int]         # pairs the rule let through, per probability bin of 0.05

    def report(self) -> dict:
        """The fitted model and the chosen threshold, as the run's report shows them."""
        return {**self.model.to_dict(), "refused_by_name_rule": self.refused,
                "automatic_threshold": round(self.automatic.threshold, 6),
                "expected_precision": round(self.automatic.expected_precision, 6),
                "expected_recall": round(self.automatic.expected_recall, 6),
                "match_threshold": round(self.match_threshold, 6),
                "probability_histogram": {"bin_width": HISTOGRAM_BIN, "counts": self.histogram}}


# Another identifying field (the address, the birthplace, the mother's name) that agrees at least
# this much corroborates a weaker name, as the same NIK does.
OTHER_FIELD_AGREES = 0.87
# The name's Dice a pair needs when neither its birthdate nor its NIK agrees (docs/evaluation.md)
HOUSEHOLD_NAME_FLOOR = 0.85


def name_agrees(vectors: ComparisonVectors, name_floor: float,
                corroborated_threshold: float) -> np.ndarray:
    """Pairs the name rule lets through (every pair where the encodings do not say which
    segments hold the name, as in files written before the segments carried field kinds)."""
    if not len(vectors) or (vectors.name_dice < 0).all():
        return np.ones(len(vectors), bool)
    corroborated = vectors.same_identity
    nameless = np.zeros(len(vectors), bool)
    if vectors.other_dice is not None:
        other_agrees = vectors.other_dice >= OTHER_FIELD_AGREES
        corroborated = corroborated | other_agrees
        nameless = (vectors.name_dice < 0) & other_agrees & _identity_level(
            vectors, "NIK and salts agree")
    named = (vectors.name_dice >= name_floor) | (
        corroborated & (vectors.name_dice >= corroborated_threshold))
    # found by the family card alone (neither the birthdate nor the NIK agrees): members of one
    # household, whose names are alike more often than strangers' are
    named &= (vectors.name_dice >= HOUSEHOLD_NAME_FLOOR) | ~_identity_level(
        vectors, "nothing agrees")
    return named | nameless


def _identity_level(vectors: ComparisonVectors, level: str) -> np.ndarray:
    """Pairs whose identity comparison is at `level` (an IDENTITY_LEVELS label)."""
    for comparison, column in zip(vectors.comparisons, vectors.levels.T, strict=True):
        if comparison.kind == "identity":
            return column == IDENTITY_LEVELS.index(level)
    return np.zeros(len(vectors), bool)


# A two-class mixture is identified by comparisons that carry evidence of identity on their own
# (Fellegi and Sunter need three for the general case): a NIK both records carry, and the
# similarity of each field set. The blocking bucket's size only shifts the prior. With fewer than
# two (FEBRL under the default schema: no NIK, the name alone), EM splits the pairs arbitrarily,
# so the run scores by Dice instead.
MIN_INFORMATIVE = 2


def informative(vectors: ComparisonVectors) -> int:
    """How many comparisons carry evidence of identity among the pairs: the identity comparison
    where some pair has a NIK on both sides, and each field set that takes two or more levels."""
    count = 0
    for comparison, column in zip(vectors.comparisons, vectors.levels.T, strict=True):
        if comparison.kind == "identity":
            count += bool(np.isin(column, NIK_KNOWN_LEVELS).any())
        elif comparison.kind == "similarity":
            count += np.count_nonzero(np.bincount(column[column > 0])) >= 2
    return count


def score_with_model(lists: Sequence[EncodingFile], edges: Edges,
                     params: LinkParameters, *, comparer: Comparer = compare
                     ) -> ModelScores | None:
    """Fit the model on `edges` (candidate pairs across lists, global record numbers) and score
    them (see the module docstring); None when the pairs carry too little to fit a model.
    `comparer` gives the comparison vectors (an incremental run passes one that knows the
    standing pairs' vectors: padan.linker.standing_vectors)."""
    vectors = comparer(lists, edges.a, edges.b)
    if informative(vectors) < MIN_INFORMATIVE:
        return None
    model = fit(vectors)
    allowed = name_agrees(vectors, params.name_floor, params.corroborated_threshold)
    weight, order = _weights_in_order(model, vectors, allowed, edges)
    probability = probability_of(weight)
    automatic = expected_f1_threshold(probability[allowed])
    threshold = (automatic.threshold if params.match_probability is None
                 else params.match_probability)
    ordered = Edges(edges.a[order], edges.b[order], probability[order].astype(np.float32))
    bins = np.minimum((probability[allowed] / HISTOGRAM_BIN).astype(np.int64),
                      round(1 / HISTOGRAM_BIN) - 1)
    histogram = np.bincount(bins, minlength=round(1 / HISTOGRAM_BIN)).tolist()
    return ModelScores(ordered, model, automatic, float(threshold),
                       int((~allowed).sum()), histogram)


def _weights_in_order(model: MatchModel, vectors: ComparisonVectors, allowed: np.ndarray,
                      edges: Edges) -> tuple[np.ndarray, np.ndarray]:
    """Each pair's match weight (REFUSED_WEIGHT where the name rule refuses it) and the
    solver's order: np.lexsort((b, a, -weight)), descending weight, then records.

    A pair's weight depends only on its comparison pattern and the rule, so it is looked up
    per distinct (pattern, allowed) and ranked among those few values; the pairs, put in
    record order first (a merge of the sorted runs each pair of lists brings), are then sorted
    stably by that small rank (a radix sort). Same floats, same order, many times faster than
    sorting every pair by three keys."""
    levels = vectors.levels
    sizes = [len(c.levels) for c in vectors.comparisons]
    space = 2 * int(np.prod(sizes, dtype=object)) if sizes else 2
    if space > 1 << 24 or not len(levels):
        weight = np.where(allowed, model.match_weight(levels), REFUSED_WEIGHT)
        return weight, np.lexsort((edges.b, edges.a, -weight))
    key = pattern_codes(levels, sizes) * 2 + allowed
    present = np.flatnonzero(np.bincount(key, minlength=space))
    lookup = np.zeros(space, np.int64)
    lookup[present] = np.arange(len(present))
    at = lookup[key]
    weights = np.where(present % 2 == 1, model.match_weight(pattern_levels(present // 2, sizes)),
                       REFUSED_WEIGHT)
    _, rank = np.unique(-weights, return_inverse=True)
    rank = rank.astype(np.uint16 if len(weights) < 1 << 16 else np.int64)[at]
    by_records = np.argsort(edges.a.astype(np.uint64) << np.uint64(32)
                            | edges.b.astype(np.uint64), kind="stable")
    order = by_records[np.argsort(rank[by_records], kind="stable")]
    return weights[at], order
