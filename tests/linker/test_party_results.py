"""An agency's results as CSV: links and its own duplicates, pseudo-ids as the id map has them."""

import numpy as np

from padan.linker.party_results import RESULT_COLUMNS, party_results_csv, read_rows
from padan.linker.results import PartyDuplicates, PartyMatches


def sample() -> tuple[PartyMatches, PartyDuplicates]:
    matches = PartyMatches(("A", "B", "C"), np.array([255, 7], np.uint64),
                           np.array([4, 9], np.int64), np.array([1, 2], np.int16),
                           np.array([0, 1], np.uint8))
    duplicates = PartyDuplicates(np.array([3, 2**64 - 1], np.uint64), np.array([0, 0], np.int64),
                                 np.array([1, 1], np.uint8))
    return matches, duplicates


def test_rows_are_written_sorted_with_both_kinds():
    text = party_results_csv(*sample()).decode()
    assert text.splitlines() == [
        ",".join(RESULT_COLUMNS),
        "p00000000000000ff,link,4,B,match",
        "p0000000000000007,link,9,C,possible",
        "p0000000000000003,duplicate,0,,possible",
        "pffffffffffffffff,duplicate,0,,possible",
    ]
    assert party_results_csv(*sample()) == party_results_csv(*sample())


def test_stored_results_of_both_versions_read_back_in_todays_form():
    data = party_results_csv(*sample())
    rows = read_rows(data)
    assert [(r.pseudo_id, r.kind, r.group_id) for r in rows][:1] == [("p00000000000000ff",
                                                                       "link", 4)]
    legacy = b"pseudo_id,group_id,other_party,band\n255,4,B,match\n"
    (old,) = read_rows(legacy)
    assert (old.pseudo_id, old.kind, old.group_id, old.other_party, old.band) == (
        "p00000000000000ff", "link", 4, "B", "match")
