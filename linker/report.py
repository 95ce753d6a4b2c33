"""OverlapReport: counts only, safe to show auditors once small counts are suppressed.

Definitions (docs/benchmarks.md and the glossary repeat them):
- pairwise: for each pair of agencies, the number of cross-party groups holding both, by band;
- combinations: UpSet-style, the number of groups per exact set of agencies; a record in no group
  counts once under its own agency alone;
- duplicates: per agency, within-list duplicate groups and the records in them;
- sensitivity: for each threshold 0.60 ... 0.95, the pairwise counts if that were the threshold;
- histogram: each record's best similarity to any record of another agency (within its own list
  for a one-party run), in bins of 0.01; records whose best stayed below `floor` (or that met no
  candidate at all) are counted in below_floor;
- histogram_valley: the deepest valley of that (usually bimodal) histogram, with the records
  either side. A suggestion for the match threshold, not used by the run (it links at the
  parameters' thresholds); it lands far from the best where the histogram has no clear valley
  (docs/evaluation.md). Reports written before it was renamed call it auto_threshold; they load.
- questions: the three questions agencies ask (double recipients, the dead still paid, the
  eligible who are missing), by programme or register and by stratum (padan.linker.registers).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np

from padan.linker.registers import suppress_questions

BIN_WIDTH = 0.01
BINS = 100
_SMOOTH = 5          # bins in the moving average before the valley search
_MIN_PEAK_GAP = 10   # bins between the two modes
# report keys of earlier versions -> today's: the valley was once called "automatic"
_RENAMED = {"auto_threshold": "histogram_valley",
            "auto_threshold_counts": "histogram_valley_counts"}


@dataclass(frozen=True)
class OverlapReport:
    parties: tuple[str, ...]
    record_counts: dict[str, int | None]
    pairwise: list[dict[str, Any]]          # {"parties": [a, b], "match": n, "possible": n}
    combinations: list[dict[str, Any]]      # {"parties": [...], "count": n}
    duplicates: dict[str, dict[str, Any]]   # party -> {"groups", "records", "match", "possible"}
    sensitivity: list[dict[str, Any]]       # {"threshold": t, "pairwise": [{"parties", "count"}]}
    histogram: dict[str, Any]               # {"bin_width", "floor", "counts", "below_floor"}
    histogram_valley: float | None
    histogram_valley_counts: tuple[int | None, int | None]
    strata: list[dict[str, Any]] | None     # {"stratum", "party", "records", "matched"}
    comparisons: int
    candidate_pairs: int
    timings: dict[str, float]
    passes: list[dict[str, Any]] = field(default_factory=list)  # per blocking pass, operational
    suppressed_below: int | None = None
    # scoring "model": the fitted match model (levels, m, u, weights, prior, convergence) and
    # the threshold chosen (padan.linker.model_scoring.ModelScores.report); None for "dice"
    match_model: dict[str, Any] | None = None
    # the three questions (padan.linker.registers.answer_questions): double recipients, the dead
    # still paid, the eligible who are missing; None in reports of earlier versions
    questions: dict[str, Any] | None = None

    def to_dict(self) -> dict:
        data = asdict(self)
        data["parties"] = list(self.parties)
        data["histogram_valley_counts"] = list(self.histogram_valley_counts)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> OverlapReport:
        values = dict(data)
        for old, new in _RENAMED.items():   # reports stored by earlier versions
            if old in values:
                values[new] = values.pop(old)
        values["parties"] = tuple(values["parties"])
        values["histogram_valley_counts"] = tuple(values["histogram_valley_counts"])
        return cls(**values)

    def suppressed(self, k: int) -> OverlapReport:
        """Every count of people c with 0 < c < k replaced by None (shown as "<k")."""
        if k <= 1:
            return self

        def hide(value):
            return None if value is not None and 0 < value < k else value

        def hide_all(row: dict, keys: tuple[str, ...]) -> dict:
            return {key: hide(v) if key in keys else v for key, v in row.items()}

        return replace(
            self,
            record_counts={p: hide(c) for p, c in self.record_counts.items()},
            pairwise=[hide_all(r, ("match", "possible")) for r in self.pairwise],
            combinations=[hide_all(r, ("count",)) for r in self.combinations],
            duplicates={p: hide_all(r, ("groups", "records", "match", "possible"))
                        for p, r in self.duplicates.items()},
            sensitivity=[{**s, "pairwise": [hide_all(r, ("count",)) for r in s["pairwise"]]}
                         for s in self.sensitivity],
            histogram={**self.histogram, "counts": [hide(c) for c in self.histogram["counts"]],
                       "below_floor": hide(self.histogram["below_floor"])},
            histogram_valley_counts=tuple(hide(c) for c in self.histogram_valley_counts),
            strata=None if self.strata is None else [hide_all(r, ("records", "matched"))
                                                     for r in self.strata],
            match_model=_hide_model_counts(self.match_model, hide),
            questions=suppress_questions(self.questions, hide, k),
            suppressed_below=k,
        )


def best_match_histogram(best: np.ndarray, floor: float) -> dict[str, Any]:
    """Histogram of best scores (float, -1 = below floor / none) in bins of 0.01."""
    seen = best[best >= 0]
    bins = np.minimum((seen.astype(np.float64) / BIN_WIDTH).astype(np.int64), BINS - 1)
    counts = np.bincount(bins, minlength=BINS)
    return {"bin_width": BIN_WIDTH, "floor": floor, "counts": counts.tolist(),
            "below_floor": int(len(best) - len(seen))}


def valley(histogram: dict[str, Any]) -> tuple[float | None, tuple[int, int]]:
    """Threshold at the deepest valley between two modes of the histogram, with counts either
    side (below includes below_floor); None when the histogram has no second mode."""
    counts = np.asarray(histogram["counts"], np.float64)
    below_floor = int(histogram["below_floor"])
    if counts.sum() == 0:
        return None, (below_floor, 0)
    smooth = np.convolve(counts, np.ones(_SMOOTH) / _SMOOTH, mode="same")
    best_depth, best_bin = 0.0, None
    for v in range(1, BINS - 1):
        peak_left = int(np.argmax(smooth[:v]))
        peak_right = int(np.argmax(smooth[v + 1:])) + v + 1
        if peak_right - peak_left < _MIN_PEAK_GAP:
            continue
        depth = min(smooth[peak_left], smooth[peak_right]) - smooth[v]
        if depth > best_depth + 1e-12:
            best_depth, best_bin = depth, v
    if best_bin is None:
        return None, (below_floor + int(counts.sum()), 0)
    above = int(counts[best_bin:].sum())
    return round(best_bin * BIN_WIDTH, 2), (below_floor + int(counts[:best_bin].sum()), above)


def _hide_model_counts(model: dict | None, hide) -> dict | None:
    """The match model's probability histogram with its small counts hidden like the others."""
    if not model or "probability_histogram" not in model:
        return model
    spread = model["probability_histogram"]
    return {**model, "probability_histogram": {
        **spread, "counts": [hide(c) for c in spread["counts"]]}}
