"""The engine's grouping on hand-made filters: no chaining of look-alikes, bands that stay true."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from padan.encoder.encoding_file import open_encoding_file
from padan.linker.engine import LinkParameters, Party, link
from padan.linker.results import BANDS, GroupTable, LinkResult
from padan.linker.similarity import dice
from padan.linker.synthetic import people, write_party

BITS = 1024
# these tests set Dice scores by hand and check the bands on them
ALL_PAIRS = LinkParameters(blocking=("none",), scoring="dice")


def band_filter(start: int, width: int = 100) -> np.ndarray:
    """A filter with bits [start, start + width) set: shifting by k gives Dice 1 - k / width."""
    dense = np.zeros(BITS, bool)
    dense[start:start + width] = True
    return np.packbits(dense, bitorder="little").view(np.uint64)


def write(tmp_path: Path, name: str, filters: list[np.ndarray]) -> tuple[Party, np.ndarray]:
    """An encoding file of these filters (shuffled); returns the party and each filter's row."""
    group = people(len(filters), seed=len(filters))
    rows = write_party(tmp_path / f"{name}.padan", group, np.stack(filters),
                       seed=sum(map(ord, name)))   # distinct pseudo-ids per party
    return Party(name, open_encoding_file(tmp_path / f"{name}.padan")), rows


def pseudo(party: Party, row: int) -> int:
    return int(party.encodings.records["pseudo_id"][row])


def groups_by_pseudo(table: GroupTable) -> list[set[int]]:
    return [set(table.pseudo_id[table.group_id == g].tolist()) for g in range(table.groups)]


def test_a_chain_of_look_alikes_is_not_one_duplicate_group(tmp_path):
    # each filter is 0.92 from the next and 0.84 from the one after: one list, six records
    filters = [band_filter(8 * k) for k in range(6)] + [band_filter(500 + 3 * k)
                                                        for k in range(14)]
    party, rows = write(tmp_path, "DTKS", filters)
    params = LinkParameters(blocking=("none",), duplicate_threshold=0.9,
                            duplicate_possible_threshold=0.9)
    result = link([party], params)
    chain = {pseudo(party, rows[k]) for k in range(6)}
    groups = [g for g in groups_by_pseudo(result.duplicates) if g & chain]
    assert len(groups) >= 2 and all(len(g) == 2 for g in groups)
    filters_of = {pseudo(party, rows[k]): filters[k] for k in range(len(filters))}
    for group in groups_by_pseudo(result.duplicates):   # every member pair is a duplicate
        members = sorted(group)
        assert all(dice(filters_of[a], filters_of[b]) >= 0.9
                   for i, a in enumerate(members) for b in members[i + 1:])


def test_duplicate_groups_have_their_own_thresholds(tmp_path):
    filters = [band_filter(0), band_filter(12), band_filter(300), band_filter(303)]
    party, rows = write(tmp_path, "DTKS", filters)   # Dice 0.88 and 0.97
    result = link([party], ALL_PAIRS)   # defaults: duplicates match >= 0.90, possible >= 0.85
    bands = {frozenset(g): BANDS[result.duplicates.band[result.duplicates.group_id == i][0]]
             for i, g in enumerate(groups_by_pseudo(result.duplicates))}
    assert bands == {frozenset({pseudo(party, rows[0]), pseudo(party, rows[1])}): "possible",
                     frozenset({pseudo(party, rows[2]), pseudo(party, rows[3])}): "match"}
    counts = result.report.duplicates["DTKS"]
    assert (counts["groups"], counts["match"], counts["possible"], counts["records"]) == \
        (2, 1, 1, 4)
    strict = link([party], LinkParameters(blocking=("none",), duplicate_threshold=0.95,
                                          duplicate_possible_threshold=0.95))
    assert strict.duplicates.groups == 1


def test_a_possible_third_agency_does_not_demote_a_match(tmp_path):
    # DTKS~KJP Dice 0.95 (match); KIS is 0.75 from KJP and 0.70 from DTKS (possible at most)
    dtks, _ = write(tmp_path, "DTKS", [band_filter(0), band_filter(600)])
    kjp, _ = write(tmp_path, "KJP", [band_filter(5), band_filter(900)])
    kis, kis_rows = write(tmp_path, "KIS", [band_filter(30), band_filter(300)])
    # write() gives every list of two the same synthetic people (and so the same identity
    # tokens): switch the same-NIK rule off, or it would rightly make KIS~KJP a match
    result = link([dtks, kjp, kis], dataclasses.replace(ALL_PAIRS, identity_threshold=1.0))
    table = result.groups
    assert table.groups == 1 and table.band_names() == ["match", "match"]
    assert pseudo(kis, kis_rows[0]) not in set(table.pseudo_id.tolist())
    pairwise = {tuple(p["parties"]): (p["match"], p["possible"]) for p in result.report.pairwise}
    assert pairwise[("DTKS", "KJP")] == (1, 0) and pairwise[("KJP", "KIS")] == (0, 0)
    assert [m.band for m in result.for_party("KJP")] == ["match"]


def reference_for_party(result: LinkResult, name: str) -> list[tuple]:
    """The plain loop for_party replaced: every (own row, other agency in its group)."""
    me = result.parties.index(name)
    table = result.groups
    rows = []
    for row in np.flatnonzero(table.party == me):
        group = table.group_id[row]
        for other in table.party[table.group_id == group]:
            if other != me:
                rows.append((int(table.pseudo_id[row]), int(group), result.parties[other],
                             BANDS[table.band[row]]))
    return rows


@st.composite
def group_tables(draw):
    parties = draw(st.integers(2, 5))
    groups = draw(st.lists(st.lists(st.integers(0, parties - 1), min_size=2, max_size=parties,
                                    unique=True), max_size=30))
    group_id, party = [], []
    for g, members in enumerate(groups):
        for p in sorted(members):
            group_id.append(g)
            party.append(p)
    bands = draw(st.lists(st.integers(0, 1), min_size=len(groups), max_size=len(groups)))
    count = len(group_id)
    table = GroupTable(np.array(group_id, np.int64), np.array(party, np.int16),
                       np.arange(1, count + 1, dtype=np.uint64),
                       np.array([bands[g] for g in group_id], np.uint8))
    names = tuple(f"P{i}" for i in range(parties))
    return LinkResult(names, ALL_PAIRS, table, GroupTable.empty(), None)


@settings(max_examples=150, deadline=None)
@given(result=group_tables())
def test_for_party_equals_the_plain_loop(result):
    for name in result.parties:
        rows = result.for_party(name)
        expected = reference_for_party(result, name)
        assert [(m.pseudo_id, m.group_id, m.other_party, m.band) for m in rows] == expected
        assert len(rows) == len(expected)
        if expected:
            assert rows[-1].pseudo_id == expected[-1][0] and len(rows[:2]) == min(2, len(rows))
        own = set(result.groups.pseudo_id[result.groups.party == result.parties.index(name)]
                  .tolist())
        assert set(rows.pseudo_id.tolist()) <= own   # never another agency's pseudo-id
        assert not hasattr(rows, "score")


def test_for_party_of_a_million_groups_is_columnar():
    count = 1_000_000
    table = GroupTable(np.repeat(np.arange(count), 2), np.tile(np.array([0, 1], np.int16), count),
                       np.arange(2 * count, dtype=np.uint64), np.zeros(2 * count, np.uint8))
    result = LinkResult(("A", "B"), ALL_PAIRS, table, GroupTable.empty(), None)
    rows = result.for_party("B")
    assert len(rows) == count and rows.pseudo_id.dtype == np.uint64
    assert np.array_equal(rows.pseudo_id, np.arange(1, 2 * count, 2, dtype=np.uint64))
    assert set(np.unique(rows.other).tolist()) == {0} and rows[0].other_party == "A"


@pytest.mark.parametrize(("setting", "value"), [
    ("duplicate_threshold", 0.0), ("duplicate_possible_threshold", 1.5),
    ("duplicate_threshold", True), ("duplicate_threshold", "0.9")])
def test_duplicate_thresholds_are_validated(setting, value):
    with pytest.raises(Exception, match=setting):
        LinkParameters(**{setting: value})


def test_duplicate_possible_must_not_exceed_duplicate_match():
    with pytest.raises(Exception, match="must not exceed duplicate_threshold"):
        LinkParameters(duplicate_threshold=0.85, duplicate_possible_threshold=0.9)
    assert LinkParameters(duplicate_possible_threshold=0.5,
                          corroborated_threshold=0.6).keep_threshold == 0.5


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_an_agency_receives_its_own_duplicate_groups_only_renumbered(data):
    parties = data.draw(st.integers(1, 4))
    sizes = data.draw(st.lists(st.integers(2, 4), max_size=12))
    owners = [data.draw(st.integers(0, parties - 1)) for _ in sizes]
    bands = [data.draw(st.integers(0, 1)) for _ in sizes]
    group_id = np.repeat(np.arange(len(sizes)), sizes).astype(np.int64)
    table = GroupTable(group_id, np.repeat(owners, sizes).astype(np.int16),
                       np.arange(1, len(group_id) + 1, dtype=np.uint64),
                       np.repeat(bands, sizes).astype(np.uint8))
    result = LinkResult(tuple(f"P{i}" for i in range(parties)), ALL_PAIRS, GroupTable.empty(),
                        table, None)
    for me, name in enumerate(result.parties):
        own = result.duplicates_for(name)
        mine = [g for g, owner in enumerate(owners) if owner == me]
        assert set(own.pseudo_id.tolist()) == set(table.pseudo_id[table.party == me].tolist())
        assert own.groups == len(mine)   # numbered 0.. within the agency: no gaps to count
        assert sorted(set(own.group_id.tolist())) == list(range(len(mine)))
        for dup in own:
            original = mine[dup.group_id]
            assert table.group_id[int(dup.pseudo_id) - 1] == original
            assert dup.band == BANDS[bands[original]]
        assert len(own[:1]) == min(1, len(own))
