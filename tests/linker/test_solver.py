from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from padan.linker.solver import Edges, solve


def edges_strategy(parties: int, per_party: int):
    records = parties * per_party
    edge = st.tuples(st.integers(0, records - 1), st.integers(0, records - 1),
                     st.floats(0.5, 1.0, width=32))
    return st.lists(edge, max_size=60).map(lambda rows: [
        (a, b, s) for a, b, s in rows if a // per_party != b // per_party])


def as_edges(rows) -> Edges:
    if not rows:
        return Edges(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32))
    a, b, s = zip(*rows, strict=True)
    return Edges(np.array(a, np.int64), np.array(b, np.int64), np.array(s, np.float32))


@settings(max_examples=100, deadline=None)
@given(rows=edges_strategy(2, 8))
def test_two_parties_no_record_in_two_matches_and_greedy_order(rows):
    party = np.repeat(np.arange(2, dtype=np.int16), 8)
    components, _ = solve(as_edges(rows), party, constrained=True)
    label = components.label
    for group in range(len(components.weakest)):
        members = np.flatnonzero(label == group)
        assert len(members) == 2 and party[members[0]] != party[members[1]]
    # the best edge overall is always taken
    if rows:
        best = max(r[2] for r in rows)
        top = [r for r in rows if r[2] == best]
        assert any(label[x] == label[y] >= 0 for x, y, _ in top)


@settings(max_examples=100, deadline=None)
@given(rows=edges_strategy(4, 5))
def test_many_parties_groups_hold_each_agency_at_most_once(rows):
    party = np.repeat(np.arange(4, dtype=np.int16), 5)
    components, _ = solve(as_edges(rows), party, constrained=True)
    for group in range(len(components.weakest)):
        members = np.flatnonzero(components.label == group)
        assert len(members) >= 2
        assert len(set(party[members].tolist())) == len(members)


@settings(max_examples=50, deadline=None)
@given(rows=edges_strategy(3, 5))
def test_result_does_not_depend_on_edge_order(rows):
    party = np.repeat(np.arange(3, dtype=np.int16), 5)
    first, _ = solve(as_edges(rows), party, constrained=True)
    second, _ = solve(as_edges(rows[::-1]), party, constrained=True)
    assert np.array_equal(first.label, second.label)


def test_three_parties_chain_forms_one_group_with_weakest_band():
    party = np.array([0, 1, 2], np.int16)
    edges = as_edges([(0, 1, 0.95), (1, 2, 0.75)])
    components, sensitivity = solve(edges, party, constrained=True,
                                    cut_thresholds=(0.9, 0.7))
    assert components.label.tolist() == [0, 0, 0]
    assert np.isclose(components.weakest[0], 0.75)
    assert sensitivity[0][0, 1] == 1 and sensitivity[0][1, 2] == 0   # at 0.9 only 0-1
    assert sensitivity[1][0, 2] == 1 and sensitivity[1][1, 2] == 1   # at 0.7 all three


def test_conflicting_merge_is_refused():
    party = np.array([0, 1, 1], np.int16)
    components, _ = solve(as_edges([(0, 1, 0.9), (0, 2, 0.85)]), party, constrained=True)
    assert components.label.tolist() == [0, 0, -1]


def test_duplicates_use_plain_union_find():
    party = np.zeros(4, np.int16)
    components, _ = solve(as_edges([(0, 1, 0.9), (1, 2, 0.8)]), party, constrained=False)
    assert components.label.tolist() == [0, 0, 0, -1]
