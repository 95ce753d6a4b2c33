"""Linkage quality against the truth: precision, recall, F1 of pairs and of groups, and the
F1-vs-threshold curve.

Conventions for the edge cases (tested): with nothing predicted precision is 1; with nothing
true recall is 1; F1 is 0 when precision and recall are both 0. An empty prediction on data with
matches scores F1 0. With nothing true and nothing predicted there is nothing to measure
(`measurable` is False): the properties still give 1.0 for the curve's arithmetic, but reports
(`to_dict`, `padan evaluate`) show null / "none to measure" with the counts, not a perfect
score.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from padan.evaluation.truth import PairSet


@dataclass(frozen=True, slots=True)
class Quality:
    """Counts and rates of one prediction against the truth."""

    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        predicted = self.true_positives + self.false_positives
        return self.true_positives / predicted if predicted else 1.0

    @property
    def recall(self) -> float:
        actual = self.true_positives + self.false_negatives
        return self.true_positives / actual if actual else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def measurable(self) -> bool:
        """False when there was nothing to find and nothing was found."""
        return bool(self.true_positives or self.false_positives or self.false_negatives)

    def to_dict(self) -> dict:
        rates = ({"precision": round(self.precision, 6), "recall": round(self.recall, 6),
                  "f1": round(self.f1, 6)} if self.measurable
                 else dict.fromkeys(("precision", "recall", "f1")))
        return {"true_positives": self.true_positives, "false_positives": self.false_positives,
                "false_negatives": self.false_negatives, **rates}


def pair_quality(predicted: PairSet, truth: PairSet) -> Quality:
    if predicted.records != truth.records:
        raise ValueError("predicted and true pairs must number the same records")
    hits = len(np.intersect1d(predicted.codes, truth.codes, assume_unique=True))
    return Quality(hits, len(predicted) - hits, len(truth) - hits)


def group_quality(group: np.ndarray, entity: np.ndarray, party: np.ndarray) -> Quality:
    """Groups across parties judged whole: a predicted group (label >= 0) is right when all its
    records are one person and it holds every party that has that person on its list.

    A person on two or more lists is a true group; a true group counts as found when some
    predicted group is right for it. Within-list repeats do not count against a group (the
    solver takes one record per party by design).
    """
    group, entity, party = (np.asarray(x, np.int64) for x in (group, entity, party))
    parties_of_entity: dict[int, set[int]] = {}
    for e, p in zip(entity.tolist(), party.tolist(), strict=True):
        if e >= 0:
            parties_of_entity.setdefault(e, set()).add(p)
    true_groups = sum(1 for ps in parties_of_entity.values() if len(ps) >= 2)
    members: dict[int, list[int]] = {}
    for record in np.flatnonzero(group >= 0).tolist():
        members.setdefault(int(group[record]), []).append(record)
    right = 0
    for records in members.values():
        people = {int(entity[r]) for r in records}
        if len(people) == 1 and -1 not in people:
            (person,) = people
            if {int(party[r]) for r in records} == parties_of_entity[person]:
                right += 1
    return Quality(right, len(members) - right, true_groups - right)


@dataclass(frozen=True, slots=True)
class CurvePoint:
    threshold: float
    quality: Quality


@dataclass(frozen=True, slots=True)
class ThresholdCurve:
    points: tuple[CurvePoint, ...]

    @property
    def best(self) -> CurvePoint:
        """The point of highest F1 (the lowest such threshold on ties)."""
        return max(self.points, key=lambda p: (p.quality.f1, -p.threshold))

    def at(self, threshold: float) -> CurvePoint:
        """The point nearest to `threshold`."""
        return min(self.points, key=lambda p: abs(p.threshold - threshold))

    def to_dict(self) -> list[dict]:
        return [{"threshold": p.threshold, **p.quality.to_dict()} for p in self.points]


def thresholds_between(low: float, high: float, step: float) -> tuple[float, ...]:
    count = round((high - low) / step) + 1
    return tuple(round(low + i * step, 4) for i in range(count))


def curve_from(qualities: Sequence[tuple[float, Quality]]) -> ThresholdCurve:
    return ThresholdCurve(tuple(CurvePoint(t, q) for t, q in qualities))
