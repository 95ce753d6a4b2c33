"""Link quality counted from per-record labels, without listing the pairs.

assess() lists every true and predicted pair as int64 codes (padan.evaluation.truth), which holds
a few arrays of the lists' size plus the pairs: fine at 1 M records a list, in memory with the
lists. benchmarks/quality_at_scale.py reads a CLI run's files instead and only needs the counts,
so it counts pairs per shared key: the same numbers as pair_quality(pairs_of_labels(...)) for two
lists (tests/evaluation/test_pair_counts.py holds them equal).
"""

from __future__ import annotations

import numpy as np

from padan.evaluation.metrics import Quality


def cross_pairs(keys_a: np.ndarray, keys_b: np.ndarray) -> int:
    """Pairs (a, b), a a record of list A and b one of list B, with the same key: the sum over
    keys of (records of A with it) x (records of B with it)."""
    values_a, count_a = np.unique(np.asarray(keys_a, np.int64), return_counts=True)
    values_b, count_b = np.unique(np.asarray(keys_b, np.int64), return_counts=True)
    _, in_a, in_b = np.intersect1d(values_a, values_b, assume_unique=True,
                                   return_indices=True)
    return int(np.dot(count_a[in_a].astype(np.int64), count_b[in_b].astype(np.int64)))


def link_counts(person_a: np.ndarray, group_a: np.ndarray, person_b: np.ndarray,
                group_b: np.ndarray) -> Quality:
    """Cross-list links against the truth, as assess() counts `links`, for two lists.

    One entry per encoded record of each list: its person (>= 0; -1 unknown) and its match-band
    group (-1 none). True pairs: an A and a B record of one person (a person listed twice in A
    and once in B makes two); predicted: an A and a B record in one group; right: both.
    """
    person_a, group_a, person_b, group_b = (np.asarray(x, np.int64)
                                            for x in (person_a, group_a, person_b, group_b))
    known_a, known_b = person_a >= 0, person_b >= 0
    true = cross_pairs(person_a[known_a], person_b[known_b])
    grouped_a, grouped_b = group_a >= 0, group_b >= 0
    predicted = cross_pairs(group_a[grouped_a], group_b[grouped_b])
    # (group, person) as one int64 key
    span = int(max(person_a.max(initial=0), person_b.max(initial=0))) + 1
    both_a, both_b = grouped_a & known_a, grouped_b & known_b
    right = cross_pairs(group_a[both_a] * span + person_a[both_a],
                        group_b[both_b] * span + person_b[both_b])
    return Quality(right, predicted - right, true - right)
