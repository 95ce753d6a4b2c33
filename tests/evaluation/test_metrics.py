"""Metrics on hand-made truth, including the edge cases (no matches, all matches)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from padan.evaluation.metrics import (
    Quality,
    curve_from,
    group_quality,
    pair_quality,
    thresholds_between,
)
from padan.evaluation.truth import global_numbers, pair_set, pairs_of_labels


def test_pairs_of_labels_across_and_within_lists():
    # party 0: records 0,1,2; party 1: records 3,4. Person 7 is 0,1 (a repeat) and 3.
    label = np.array([7, 7, 8, 7, 9])
    party = np.array([0, 0, 0, 1, 1])
    cross = pairs_of_labels(label, party, cross=True)
    within = pairs_of_labels(label, party, cross=False)
    assert sorted(zip(*cross.split(), strict=True)) == [(0, 3), (1, 3)]
    assert sorted(zip(*within.split(), strict=True)) == [(0, 1)]


def test_negative_labels_are_in_no_pair():
    pairs = pairs_of_labels(np.array([-1, -1, 2, 2]), np.array([0, 1, 0, 1]), cross=True)
    assert sorted(zip(*pairs.split(), strict=True)) == [(2, 3)]


def test_pair_quality_counts_and_rates():
    truth = pair_set([0, 1, 2], [3, 4, 5], 6)
    predicted = pair_set([0, 1, 2], [3, 5, 4], 6)   # one right, two wrong
    quality = pair_quality(predicted, truth)
    assert (quality.true_positives, quality.false_positives, quality.false_negatives) == (1, 2, 2)
    assert quality.precision == pytest.approx(1 / 3)
    assert quality.recall == pytest.approx(1 / 3)
    assert quality.f1 == pytest.approx(1 / 3)


def test_all_matches_found_is_perfect():
    truth = pair_set([0, 1], [2, 3], 4)
    quality = pair_quality(truth, truth)
    assert quality.precision == quality.recall == quality.f1 == 1.0


def test_no_matches_and_none_predicted_is_perfect():
    empty = pair_set([], [], 4)
    quality = pair_quality(empty, empty)
    assert (quality.precision, quality.recall, quality.f1) == (1.0, 1.0, 1.0)


def test_nothing_predicted_when_there_are_matches_scores_zero():
    quality = pair_quality(pair_set([], [], 4), pair_set([0], [2], 4))
    assert quality.recall == 0.0 and quality.f1 == 0.0 and quality.precision == 1.0


def test_predictions_when_there_are_no_matches_score_zero():
    quality = pair_quality(pair_set([0], [2], 4), pair_set([], [], 4))
    assert quality.precision == 0.0 and quality.f1 == 0.0


def test_pair_sets_over_different_records_are_refused():
    with pytest.raises(ValueError):
        pair_quality(pair_set([0], [1], 4), pair_set([0], [1], 5))


def test_group_quality_judges_whole_groups():
    # parties: records 0,1 in party 0; 2,3 in party 1; 4 in party 2
    party = np.array([0, 0, 1, 1, 2])
    entity = np.array([1, 2, 1, 2, 1])        # person 1 on all three lists, person 2 on two
    right = np.array([0, 1, 0, 1, 0])
    assert group_quality(right, entity, party) == Quality(2, 0, 0)
    partial = np.array([0, 1, 0, 1, -1])     # person 1's group misses party 2
    assert group_quality(partial, entity, party) == Quality(1, 1, 1)
    mixed = np.array([0, 0, -1, -1, -1])      # two people of one list in one group
    assert group_quality(mixed, entity, party) == Quality(0, 1, 2)


def test_group_quality_ignores_within_list_repeats():
    party = np.array([0, 0, 1])
    entity = np.array([5, 5, 5])
    assert group_quality(np.array([0, -1, 0]), entity, party) == Quality(1, 0, 0)


def test_curve_best_and_nearest_point():
    curve = curve_from([(0.7, Quality(5, 5, 0)), (0.8, Quality(5, 0, 0)),
                        (0.9, Quality(4, 0, 1))])
    assert curve.best.threshold == 0.8
    assert curve.at(0.84).threshold == 0.8
    assert thresholds_between(0.5, 0.6, 0.05) == (0.5, 0.55, 0.6)


def test_global_numbers():
    offsets, party = global_numbers([2, 3])
    assert offsets.tolist() == [0, 2, 5]
    assert party.tolist() == [0, 0, 1, 1, 1]


labels = st.lists(st.integers(-1, 6), min_size=0, max_size=40)


@given(labels, st.data())
def test_pair_counts_follow_group_sizes(label, data):
    party = data.draw(st.lists(st.integers(0, 2), min_size=len(label), max_size=len(label)))
    label, party = np.array(label, np.int64), np.array(party, np.int64)
    cross = pairs_of_labels(label, party, cross=True)
    within = pairs_of_labels(label, party, cross=False)
    expected_all = sum(c * (c - 1) // 2 for c in np.bincount(label[label >= 0]).tolist())
    assert len(cross) + len(within) == expected_all
    a, b = cross.split()
    assert np.all(a < b) and np.all(party[a] != party[b]) and np.all(label[a] == label[b])


@given(labels, labels)
def test_quality_is_bounded_and_perfect_on_itself(truth_label, predicted_label):
    n = min(len(truth_label), len(predicted_label))
    party = np.arange(n) % 2
    truth = pairs_of_labels(np.array(truth_label[:n], np.int64), party, cross=True)
    predicted = pairs_of_labels(np.array(predicted_label[:n], np.int64), party, cross=True)
    quality = pair_quality(predicted, truth)
    assert 0.0 <= quality.precision <= 1.0 and 0.0 <= quality.recall <= 1.0
    assert 0.0 <= quality.f1 <= 1.0
    assert pair_quality(truth, truth).f1 == 1.0


def test_nothing_true_and_nothing_found_is_not_measured():
    assert not Quality(0, 0, 0).measurable
    assert Quality(0, 0, 0).to_dict() == {"true_positives": 0, "false_positives": 0,
                                          "false_negatives": 0, "precision": None,
                                          "recall": None, "f1": None}
    assert Quality(0, 1, 0).measurable and Quality(0, 1, 0).to_dict()["precision"] == 0.0
