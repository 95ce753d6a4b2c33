"""Counting links from per-record labels (benchmarks/quality_at_scale.py) as assess() does."""

import numpy as np

from padan.evaluation.metrics import pair_quality
from padan.evaluation.pair_counts import cross_pairs, link_counts
from padan.evaluation.truth import global_numbers, pairs_of_labels


def test_four_people_with_duplicates_and_one_wrong_link():
    # A: person 0 twice, 1, 2, 3 ; B: person 0, 1, 2 twice (4 unknown to the truth: -1)
    person_a = np.array([0, 0, 1, 2, 3])
    person_b = np.array([0, 1, 2, 2, -1])
    # true cross pairs: 0 -> 2 x 1, 1 -> 1, 2 -> 1 x 2: five
    # groups: g0 = A0, A1, B0 (two right pairs); g1 = A2 (person 1) with B2 (person 2): wrong;
    # g2 = A3 with B3 (right); A4 and B1, B4 in no group
    group_a = np.array([0, 0, 1, 2, -1])
    group_b = np.array([0, -1, 1, 2, -1])
    links = link_counts(person_a, group_a, person_b, group_b)
    assert (links.true_positives, links.false_positives, links.false_negatives) == (3, 1, 2)


def test_cross_pairs_multiplies_the_counts_per_key():
    assert cross_pairs(np.array([5, 5, 7, 9]), np.array([5, 5, 5, 9, 11])) == 2 * 3 + 1
    assert cross_pairs(np.array([1]), np.array([2])) == 0


def test_equal_to_the_pair_lists_of_assess():
    rng = np.random.default_rng(7)
    for _ in range(20):
        size_a, size_b = rng.integers(1, 60, size=2)
        person_a, person_b = rng.integers(-1, 25, size_a), rng.integers(-1, 25, size_b)
        group_a, group_b = rng.integers(-1, 15, size_a), rng.integers(-1, 15, size_b)
        _, party = global_numbers([int(size_a), int(size_b)])
        expected = pair_quality(
            pairs_of_labels(np.concatenate([group_a, group_b]), party, cross=True),
            pairs_of_labels(np.concatenate([person_a, person_b]), party, cross=True))
        assert link_counts(person_a, group_a, person_b, group_b) == expected
