"""Stable group ids follow the written rules (padan.linker.group_ids) across merges and splits."""

import numpy as np

from padan.linker.group_ids import assign, link_changes
from padan.linker.results import GroupTable

PARTIES = ("A", "B", "C")


def table(rows):
    """rows: (run group, party index, pseudo-id, band) sorted by group then party."""
    group, party, pid, band = zip(*rows, strict=True)
    return GroupTable(np.array(group, np.int64), np.array(party, np.int16),
                      np.array(pid, np.uint64), np.array(band, np.uint8))


def ids_by_member(stable, groups):
    return {(int(p), int(i)): int(stable[g]) for g, p, i in
            zip(groups.group_id, groups.party, groups.pseudo_id, strict=True)}


def test_an_unchanged_run_keeps_every_id_and_records_nothing():
    first = table([(0, 0, 1, 0), (0, 1, 2, 0), (1, 0, 3, 0), (1, 2, 4, 1)])
    stable, members, events = assign(None, PARTIES, first)
    assert stable.tolist() == [1, 2] and events == []
    # the same groups, numbered the other way round by the run
    again = table([(0, 0, 3, 0), (0, 2, 4, 1), (1, 0, 1, 0), (1, 1, 2, 0)])
    stable2, members2, events2 = assign(members, PARTIES, again)
    assert stable2.tolist() == [2, 1] and events2 == []
    assert members2.run == 2 and members2.since.tolist() == [1, 1, 1, 1]
    changes = link_changes(members, members2, "A")
    assert {c.status for c in changes} == {"unchanged"} and len(changes) == 2


def test_a_merge_keeps_the_oldest_id_and_a_split_keeps_it_with_the_earliest_member():
    _, one, _ = assign(None, PARTIES, table([(0, 0, 1, 0), (0, 1, 2, 0)]))        # id 1
    _, two, _ = assign(one, PARTIES, table([(0, 0, 1, 0), (0, 1, 2, 0),
                                            (1, 0, 5, 0), (1, 2, 6, 0)]))         # id 2 new
    assert two.next_id == 3
    # run 3: both groups merge into one (A:1, B:2, C:6), A:5 leaves
    merged = table([(0, 0, 1, 0), (0, 1, 2, 0), (0, 2, 6, 0)])
    stable, three, events = assign(two, PARTIES, merged)
    assert stable.tolist() == [1]
    assert {"run": 3, "event": "merged", "group": 2, "into": 1} in events
    member_since = dict(zip(three.pseudo_id.tolist(), three.since.tolist(), strict=True))
    assert member_since == {1: 1, 2: 1, 6: 3}
    # run 4: the group splits; A:1 and B:2 joined earliest, so their part keeps id 1
    split = table([(0, 0, 1, 1), (0, 1, 2, 1), (1, 0, 7, 0), (1, 2, 6, 0)])
    stable, four, events = assign(three, PARTIES, split)
    assert ids_by_member(stable, split) == {(0, 1): 1, (1, 2): 1, (0, 7): 3, (2, 6): 3}
    assert {"run": 4, "event": "split", "group": 3, "from": 1} in events
    changes = {(c.pseudo_id, c.other_party): c.status for c in link_changes(three, four, "A")}
    assert changes == {(1, "B"): "changed",    # band now possible
                       (1, "C"): "gone", (7, "C"): "new"}


def test_a_group_whose_members_all_left_has_ended():
    _, one, _ = assign(None, PARTIES, table([(0, 0, 1, 0), (0, 1, 2, 0)]))
    stable, two, events = assign(one, PARTIES, table([(0, 0, 8, 0), (0, 1, 9, 0)]))
    assert stable.tolist() == [2]
    assert {"run": 2, "event": "ended", "group": 1} in events
    statuses = sorted(c.status for c in link_changes(one, two, "B"))
    assert statuses == ["gone", "new"]


def test_without_drops_an_agencys_records():
    _, one, _ = assign(None, PARTIES, table([(0, 0, 1, 0), (0, 1, 2, 0), (1, 0, 3, 0),
                                             (1, 1, 4, 0)]))
    assert one.without("A", np.array([1], np.uint64)).pseudo_id.tolist() == [2, 3, 4]
    assert one.without("B").pseudo_id.tolist() == [1, 3]
