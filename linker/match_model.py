"""A Fellegi–Sunter match model over comparison vectors, learned by EM without ground truth.

Each candidate pair has a comparison vector (padan.linker.comparison). The model says how
likely each level of each comparison is among matches (m) and among non-matches (u), and what
share of the candidate pairs are matches (the prior, lambda). Assuming the comparisons are
independent given the match status, a pair's match weight is

    log2(lambda / (1 - lambda)) + sum over comparisons of log2(m[level] / u[level])

(null levels count 0) and its match probability is 1 / (1 + 2 ** -weight). m, u and lambda are
estimated by expectation-maximisation on the run's own candidate pairs (Fellegi and Sunter 1969;
Winkler 1988; Jaro 1989): every run learns its own weights, so a crowded birthdate or a dirtier
list changes them, and no truth is needed. EM works on the distinct vectors with their counts,
so its cost follows the number of distinct vectors (a few thousand), not of pairs.

`expected_f1_threshold` then picks the match threshold without truth: the probabilities say how
many true matches lie above and below any threshold, so the one that maximises the expected F1
can be read off them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from padan.linker.comparison import Comparison, ComparisonVectors, likely_matches

# Added to each level's tally, as a share of the class's pairs: no level is ever impossible, so
# weights stay bounded (about 17 bits), and a small class (a few matches) is not drowned.
SMOOTHING = 1e-5
MAX_ITERATIONS = 500
TOLERANCE = 1e-8        # largest change of any parameter between iterations at convergence


@dataclass(frozen=True, slots=True)
class MatchModel:
    comparisons: tuple[Comparison, ...]
    m: tuple[np.ndarray, ...]   # per comparison: P(level | match), index 0 (null) unused
    u: tuple[np.ndarray, ...]   # per comparison: P(level | non-match)
    prior: float                # share of candidate pairs that are matches
    iterations: int
    converged: bool
    pairs: int                  # candidate pairs the model was fitted on

    def level_weights(self) -> tuple[np.ndarray, ...]:
        """log2(m / u) per level of each comparison; 0 for the null level."""
        out = []
        for m, u in zip(self.m, self.u, strict=True):
            with np.errstate(divide="ignore", invalid="ignore"):   # level 0 of an unfitted model
                weight = np.log2(m / u)
            weight[0] = 0.0
            out.append(weight)
        return tuple(out)

    def match_weight(self, levels: np.ndarray) -> np.ndarray:
        weight = np.full(len(levels), np.log2(self.prior / (1 - self.prior)))
        for k, table in enumerate(self.level_weights()):
            weight += table[levels[:, k]]
        return weight

    def probability(self, levels: np.ndarray) -> np.ndarray:
        return probability_of(self.match_weight(levels))

    def to_dict(self) -> dict:
        """What the run's report shows: levels, m, u and weights per comparison, the prior and
        the convergence. Aggregates of the run's pairs only: nothing identifies a record."""
        weights = self.level_weights()
        return {
            "prior": round(self.prior, 6), "iterations": self.iterations,
            "converged": self.converged, "pairs": self.pairs,
            "comparisons": [{
                "name": c.name,
                "levels": [{"label": label, "m": round(float(m[i]), 6),
                            "u": round(float(u[i]), 6), "weight": round(float(w[i]), 3)}
                           for i, label in enumerate(c.levels) if i > 0]}
                for c, m, u, w in zip(self.comparisons, self.m, self.u, weights, strict=True)],
        }


def probability_of(weight: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp2(-np.clip(weight, -60, 60)))


def fit(vectors: ComparisonVectors, *, max_iterations: int = MAX_ITERATIONS,
        tolerance: float = TOLERANCE) -> MatchModel:
    """m, u and the prior by EM on the distinct comparison vectors and their counts."""
    comparisons = vectors.comparisons
    sizes = [len(c.levels) for c in comparisons]
    patterns, counts = distinct_patterns(vectors.levels.reshape(-1, len(sizes)), sizes)
    return fit_patterns(comparisons, patterns, counts, max_iterations=max_iterations,
                        tolerance=tolerance)


def distinct_patterns(levels: np.ndarray, sizes: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of `levels` (uint8, pairs x comparisons; column k below sizes[k]) in
    lexicographic order, with how many pairs hold each: np.unique(levels, axis=0,
    return_counts=True), through one integer code per row (first column most significant),
    which is much faster."""
    space = int(np.prod(sizes, dtype=object)) if sizes else 1
    if space >= 1 << 62:
        return np.unique(levels, axis=0, return_counts=True)
    codes = pattern_codes(levels, sizes)
    if space <= 1 << 24:
        tally = np.bincount(codes, minlength=space)
        present = np.flatnonzero(tally)
        return pattern_levels(present, sizes), tally[present]
    present, counts = np.unique(codes, return_counts=True)
    return pattern_levels(present, sizes), counts


def pattern_codes(levels: np.ndarray, sizes: list[int]) -> np.ndarray:
    """One int64 per row of `levels`, ordered as the rows are lexicographically."""
    codes = np.zeros(len(levels), np.int64)
    for k, size in enumerate(sizes):
        codes = codes * size + levels[:, k]
    return codes


def pattern_levels(codes: np.ndarray, sizes: list[int]) -> np.ndarray:
    """The rows of levels (uint8) that pattern_codes turned into `codes`."""
    out = np.zeros((len(codes), len(sizes)), np.uint8)
    rest = np.asarray(codes, np.int64).copy()
    for k in range(len(sizes) - 1, -1, -1):
        out[:, k] = rest % sizes[k]
        rest //= sizes[k]
    return out


def fit_patterns(comparisons, patterns: np.ndarray, counts: np.ndarray, *,
                 max_iterations: int = MAX_ITERATIONS,
                 tolerance: float = TOLERANCE) -> MatchModel:
    """`fit` on distinct patterns (uint8 rows, lexicographic order) and their pair counts."""
    sizes = [len(c.levels) for c in comparisons]
    counts = np.asarray(counts).astype(float)
    # start from a guess of the matches (the plainly agreeing pairs), then alternate
    share = np.where(likely_matches(comparisons, patterns), 0.9, 0.05)
    caps = [c.u_caps for c in comparisons]
    m, u, prior = _maximise(patterns, counts, share, sizes, caps)
    converged, iteration = not len(patterns), 0
    while not converged and iteration < max_iterations:
        iteration += 1
        log_m = np.full(len(patterns), np.log(prior))
        log_u = np.full(len(patterns), np.log(1 - prior))
        for k in range(len(sizes)):
            level = patterns[:, k]
            known = level > 0
            log_m[known] += np.log(m[k][level[known]])
            log_u[known] += np.log(u[k][level[known]])
        share = 1.0 / (1.0 + np.exp(np.clip(log_u - log_m, -700, 700)))   # P(match | vector)
        new_m, new_u, new_prior = _maximise(patterns, counts, share, sizes, caps)
        change = max(abs(new_prior - prior), *(np.abs(a - b).max() for a, b in
                                              zip(new_m + new_u, m + u, strict=True)))
        m, u, prior = new_m, new_u, new_prior
        converged = bool(change < tolerance)
    return MatchModel(comparisons, tuple(m), tuple(u), prior, iteration, converged,
                      int(counts.sum()))


def _maximise(patterns: np.ndarray, counts: np.ndarray, share: np.ndarray, sizes: list[int],
              caps: list) -> tuple[list[np.ndarray], list[np.ndarray], float]:
    """m, u and the prior given each pattern's share of matches (the M step), u within its
    comparisons' caps."""
    as_match, as_non = counts * share, counts * (1 - share)
    prior = float(np.clip(as_match.sum() / max(counts.sum(), 1e-12), 1e-6, 1 - 1e-6))
    m, u = [], []
    for k, size in enumerate(sizes):
        level = patterns[:, k].astype(np.int64)
        tally_m = np.bincount(level, weights=as_match, minlength=size)
        tally_u = np.bincount(level, weights=as_non, minlength=size)
        m.append(_normalised(tally_m))
        u.append(_capped(_normalised(tally_u), caps[k]))
    return m, u, prior


def _capped(probabilities: np.ndarray, caps) -> np.ndarray:
    """Levels above their cap lowered to it, the mass moved to the uncapped levels in
    proportion."""
    if caps is None:
        return probabilities
    out = probabilities.copy()
    capped = np.array([c is not None and out[i] > c for i, c in enumerate(caps)])
    capped[0] = False
    if not capped.any():
        return out
    free = ~capped
    free[0] = False
    excess = sum(out[i] - caps[i] for i in np.flatnonzero(capped))
    out[capped] = [caps[i] for i in np.flatnonzero(capped)]
    out[free] += excess * out[free] / max(out[free].sum(), 1e-12)
    return out


def _normalised(tally: np.ndarray) -> np.ndarray:
    smoothed = tally.astype(float) + SMOOTHING * tally[1:].sum() + 1e-12
    smoothed[0] = 0.0
    total = smoothed.sum()
    out = smoothed / total
    out[0] = 1.0   # null: weight log2(1/1) = 0
    return out


@dataclass(frozen=True, slots=True)
class ThresholdChoice:
    threshold: float            # match probability at which pairs are linked
    expected_precision: float
    expected_recall: float      # of the matches among the candidate pairs
    expected_f1: float


def expected_f1_threshold(probability: np.ndarray, *, floor: float = 0.05) -> ThresholdChoice:
    """The probability threshold that maximises the F1 the probabilities themselves expect:
    above a threshold t, sum(p) pairs are expected to be true and sum(1 - p) false; below it,
    sum(p) true matches are expected to be missed. Never below `floor`."""
    p = np.sort(np.asarray(probability, float))[::-1]
    if not len(p) or p[0] < floor:
        return ThresholdChoice(1.0, 1.0, 0.0, 0.0)
    true_above = np.cumsum(p)
    false_above = np.cumsum(1 - p)
    missed = true_above[-1] - true_above
    f1 = 2 * true_above / np.maximum(2 * true_above + false_above + missed, 1e-12)
    f1[p < floor] = -1
    best = int(np.argmax(f1))
    return ThresholdChoice(float(p[best]), float(true_above[best] / (best + 1)),
                           float(true_above[best] / max(true_above[-1], 1e-12)), float(f1[best]))
