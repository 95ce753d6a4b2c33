"""An agency's results as CSV: links and its own duplicates, pseudo-ids as the id map has them."""

import csv
import io

import numpy as np
import pytest

from padan.linker.party_results import (
    KINDS,
    RESULT_COLUMNS,
    party_results_csv,
    party_rows,
    read_rows,
    rows_csv,
)
from padan.linker.results import BANDS, PartyDuplicates, PartyMatches


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


def rows_one_by_one(matches, duplicates, registers):
    """The rows as party_rows built them before they were sorted in numpy (the oracle)."""
    rows, seen = [], set()
    for pid, group, other, band in zip(matches.pseudo_id.tolist(), matches.group_id.tolist(),
                                       matches.other.tolist(), matches.band.tolist(), strict=True):
        text, name = f"p{pid:016x}", matches.parties[other]
        if name not in registers:
            rows.append((text, "link", group, name, BANDS[band]))
        elif (text, registers[name]) not in seen:
            seen.add((text, registers[name]))
            rows.append((text, "register", group, registers[name], BANDS[band]))
    rows += [(f"p{pid:016x}", "duplicate", group, "", BANDS[band])
             for pid, group, band in zip(duplicates.pseudo_id.tolist(),
                                         duplicates.group_id.tolist(), duplicates.band.tolist(),
                                         strict=True)]
    rows.sort(key=lambda r: (KINDS.index(r[1]), r[2], r[0], r[3]))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(RESULT_COLUMNS)
    writer.writerows(rows)
    return out.getvalue().encode()


@pytest.mark.parametrize("seed", range(6))
def test_rows_sorted_in_numpy_are_the_rows_sorted_one_by_one(seed):
    rng = np.random.default_rng(seed)
    parties = ("DTKS", "KEMATIAN", "KJP", 'A "1",\nB', "DUKCAPIL")[:rng.integers(1, 6)]
    registers = {p: kind for p, kind in zip(parties, ("deaths", "population"), strict=False)
                 if rng.random() < 0.5 and p != parties[0]}
    n, d = int(rng.integers(0, 400)), int(rng.integers(0, 50))
    pool = rng.integers(0, 2**64, 30, dtype=np.uint64)   # repeats: one record, many rows
    matches = PartyMatches(parties, rng.choice(pool, n), rng.integers(0, 20, n),
                           rng.integers(0, len(parties), n).astype(np.int16),
                           rng.integers(0, 2, n).astype(np.uint8))
    duplicates = PartyDuplicates(rng.choice(pool, d), rng.integers(0, 5, d),
                                 rng.integers(0, 2, d).astype(np.uint8))
    expected = rows_one_by_one(matches, duplicates, registers)
    assert party_results_csv(matches, duplicates, registers) == expected
    assert rows_csv(party_rows(matches, duplicates, registers)) == expected
