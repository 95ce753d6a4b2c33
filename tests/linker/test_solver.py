from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from padan.linker.solver import Edges, cluster, solve


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


# --- cluster: the two-stage grouping the engine reports ---------------------------------------

def cluster_of(rows, party, *, match=0.8, possible=0.7, constrained=False, complete=True):
    return cluster(as_edges(rows), np.asarray(party, np.int16), match_threshold=match,
                   possible_threshold=possible, constrained=constrained, complete=complete)


def groups_of(components) -> list[set[int]]:
    label = components.label
    return [set(np.flatnonzero(label == g).tolist()) for g in range(len(components.weakest))]


def test_a_chain_of_look_alikes_is_not_one_duplicate_group():
    # A~B and B~C match, A and C are far apart: union-find made {A, B, C}
    rows = [(0, 1, 0.92), (1, 2, 0.90), (2, 3, 0.91), (3, 4, 0.93)]
    components = cluster_of(rows, [0] * 5)
    groups = groups_of(components)
    assert all(len(g) == 2 for g in groups)
    assert {3, 4} in groups and {0, 1} in groups   # the strongest edges win
    assert np.all(components.weakest >= 0.8)


def test_a_record_joins_a_group_only_when_it_matches_every_member():
    rows = [(0, 1, 0.95), (1, 2, 0.90), (0, 2, 0.85), (2, 3, 0.92), (0, 3, 0.60)]
    components = cluster_of(rows, [0] * 4)
    groups = groups_of(components)
    # 3 is close to 2 (0.92) but not to 0, so 3 cannot join {0, 1, 2}; 1-3 was never scored
    assert {2, 3} in groups and {0, 1} in groups
    every_pair = [*rows[:4], (1, 3, 0.9), (0, 3, 0.88)]
    assert groups_of(cluster_of(every_pair, [0] * 4)) == [{0, 1, 2, 3}]


def test_weak_edges_never_pull_a_match_group_into_the_possible_band():
    # three agencies: 0~1 is a clear match, 2 only a possible match of 1
    components = cluster_of([(0, 1, 0.95), (1, 2, 0.75)], [0, 1, 2], constrained=True,
                            complete=False)
    assert components.label.tolist() == [0, 0, -1]
    assert components.weakest[0] >= 0.8
    # within a list too: a possible look-alike does not demote a match pair
    dup = cluster_of([(0, 1, 0.95), (1, 2, 0.75), (0, 2, 0.74)], [0, 0, 0])
    assert dup.label.tolist() == [0, 0, -1]


def test_possible_groups_form_among_records_without_a_match():
    components = cluster_of([(0, 1, 0.95), (2, 3, 0.75), (1, 3, 0.72)], [0, 1, 0, 1],
                            constrained=True, complete=False)
    groups = groups_of(components)
    assert groups == [{0, 1}, {2, 3}]
    bands = components.weakest >= 0.8
    assert bands.tolist() == [True, False]


def test_thresholds_are_checked():
    with pytest.raises(ValueError, match="possible_threshold"):
        cluster_of([], [0, 0], match=0.7, possible=0.8)


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11),
                               st.floats(0.5, 1.0, width=32)), max_size=50),
       match=st.sampled_from([0.8, 0.9]), possible=st.sampled_from([0.6, 0.7, 0.8]))
def test_complete_linkage_groups_are_cliques_at_their_band(rows, match, possible):
    rows = [(a, b, s) for a, b, s in rows if a != b]
    score = {}
    for a, b, s in rows:   # the kernel reports a pair once; keep the first
        score.setdefault((min(a, b), max(a, b)), s)
    rows = [(a, b, s) for (a, b), s in score.items()]
    components = cluster_of(rows, [0] * 12, match=match, possible=possible)
    for group, weakest in zip(groups_of(components), components.weakest, strict=True):
        members = sorted(group)
        pairs = [score.get((x, y), -1.0) for i, x in enumerate(members) for y in members[i + 1:]]
        assert len(members) >= 2
        # scores are float32, and so is every comparison the solver makes
        weakest_pair, strongest_pair = np.float32(min(pairs)), np.float32(max(pairs))
        assert weakest_pair >= np.float32(possible) and weakest_pair == weakest
        if weakest < np.float32(match):   # a possible group holds no pair that matches alone
            assert strongest_pair < np.float32(match)


@settings(max_examples=100, deadline=None)
@given(rows=edges_strategy(3, 5), threshold=st.sampled_from([0.6, 0.75, 0.9]))
def test_cluster_at_one_threshold_is_the_greedy_solver(rows, threshold):
    party = np.repeat(np.arange(3, dtype=np.int16), 5)
    greedy, _ = solve(as_edges(rows).at_least(threshold), party, constrained=True)
    both = cluster_of(rows, party, match=threshold, possible=threshold, constrained=True,
                      complete=False)
    assert sorted(map(sorted, groups_of(greedy))) == sorted(map(sorted, groups_of(both)))
    assert sorted(greedy.weakest.tolist()) == sorted(both.weakest.tolist())


@settings(max_examples=100, deadline=None)
@given(rows=edges_strategy(4, 4))
def test_cluster_keeps_agencies_once_per_group_and_ignores_edge_order(rows):
    party = np.repeat(np.arange(4, dtype=np.int16), 4)
    first = cluster_of(rows, party, constrained=True, complete=False)
    second = cluster_of(rows[::-1], party, constrained=True, complete=False)
    assert np.array_equal(first.label, second.label)
    for group in groups_of(first):
        assert len({int(party[r]) for r in group}) == len(group)
    matched = {r for g, w in zip(groups_of(first), first.weakest, strict=True) if w >= 0.8
               for r in g}
    for a, b, s in rows:   # an unmatched pair >= match means one side had a better match
        if s >= 0.8 and first.label[a] != first.label[b]:
            assert a in matched or b in matched or party[a] == party[b]


def test_identity_evidence_lifts_only_same_nik_pairs_above_its_floor():
    import numpy as np

    from padan.linker.solver import Edges, with_identity_evidence

    identity = np.array([7, 0, 9, 7, 0, 5], dtype=np.uint64)  # records 0..5, global numbers
    edges = Edges(np.array([0, 1, 2, 0]), np.array([3, 4, 5, 3]),
                  np.array([0.65, 0.65, 0.65, 0.55], dtype=np.float32))
    lifted = with_identity_evidence(edges, identity, match_threshold=0.8,
                                    identity_threshold=0.6)
    # 0~3 share NIK 7 and Dice 0.65: a match; 1~4 have no NIK; 2~5 differ; 0~3 at 0.55 too weak
    assert lifted.score.tolist() == pytest.approx([0.8, 0.65, 0.65, 0.55])
    off = with_identity_evidence(edges, identity, match_threshold=0.8, identity_threshold=1.0)
    assert off.score.tolist() == pytest.approx(edges.score.tolist())


def test_pairs_down_to_the_identity_threshold_are_kept():
    from padan.linker.parameters import LinkParameters

    assert LinkParameters(identity_threshold=0.5,
                          corroborated_threshold=0.6).keep_threshold == 0.5
    assert LinkParameters(corroborated_threshold=0.3).keep_threshold == 0.3
    defaults = LinkParameters()
    assert defaults.keep_threshold <= min(defaults.identity_threshold,
                                          defaults.corroborated_threshold)


def test_corroborated_pairs_match_down_to_their_own_floor():
    import numpy as np

    from padan.linker.solver import Edges, with_identity_evidence

    identity = np.array([7, 8, 9, 7, 8, 9], dtype=np.uint64)
    # NIK and birthdate-sex salts agree for 0~3 and 1~4; 2~5 share the NIK only
    corroboration = np.array([11, 12, 13, 11, 12, 14], dtype=np.uint64)
    edges = Edges(np.array([0, 1, 2]), np.array([3, 4, 5]),
                  np.array([0.50, 0.40, 0.50], dtype=np.float32))
    lifted = with_identity_evidence(edges, identity, match_threshold=0.8,
                                    identity_threshold=0.6, corroboration=corroboration,
                                    corroborated_threshold=0.45)
    assert lifted.score.tolist() == pytest.approx([0.8, 0.40, 0.50])
    unset = with_identity_evidence(edges, identity, match_threshold=0.8,
                                   identity_threshold=0.6, corroboration=np.zeros(6, np.uint64),
                                   corroborated_threshold=0.45)
    assert unset.score.tolist() == pytest.approx(edges.score.tolist())


def test_duplicates_join_the_group_of_their_twin():
    import numpy as np

    from padan.linker.engine import absorb_duplicates

    # records 0..6; cross groups: {0, 3} and {1, 4}; duplicate groups: {0, 2}, {1, 5}, {4, 6}
    # ({1, 5}: 5 joins group 1; {4, 6}: 6 joins too; {0, 2} is a possible-band duplicate only)
    cross = np.array([0, 1, -1, 0, 1, -1, -1])
    dup = np.array([0, 1, 0, -1, 2, 1, 2])
    label = absorb_duplicates(cross, dup, np.array([False, True, True]))
    assert label.tolist() == [0, 1, -1, 0, 1, 1, 1]
    # duplicates whose twins sit in two different groups stay where they are
    split = absorb_duplicates(np.array([0, 1, -1]), np.array([0, 0, 0]), np.array([True]))
    assert split.tolist() == [0, 1, -1]
