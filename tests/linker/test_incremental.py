"""An incremental run equals a full run of the latest versions: groups, bands and duplicates.

The versions come from versions_helpers: random removals, changes and additions, with blocks
that cross max_block_size both ways.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from versions_helpers import NAMES, Versions, encoded_pool

from padan.linker.engine import LinkParameters, Party, link
from padan.linker.incremental import Standing, update


@pytest.fixture(scope="module")
def pool(tmp_path_factory):
    return encoded_pool(tmp_path_factory.mktemp("pool"))


def assert_same_result(incremental, full) -> None:
    for table in ("groups", "duplicates"):
        mine, theirs = getattr(incremental, table), getattr(full, table)
        for column in ("group_id", "party", "pseudo_id", "band"):
            assert np.array_equal(getattr(mine, column), getattr(theirs, column)), (table,
                                                                                  column)
    assert incremental.report.match_model == full.report.match_model
    assert incremental.report.pairwise == full.report.pairwise


PARAMETERS = {
    "default": LinkParameters(),
    "small blocks": LinkParameters(max_block_size=7),
    "lsh": LinkParameters(blocking=("identity", "keys", "lsh"), lsh_bands=4),
    "dice": LinkParameters(scoring="dice", max_block_size=9),
}

# shares of a list's records removed, changed, added and corrected (a few bits flipped)
step = st.tuples(st.sampled_from([0.0, 0.02, 0.1, 0.3]), st.sampled_from([0.0, 0.02, 0.1]),
                 st.sampled_from([0.0, 0.05, 0.2]), st.sampled_from([0.0, 0.05, 0.2]))


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), which=st.sampled_from(sorted(PARAMETERS)),
       steps=st.lists(st.fixed_dictionaries({name: step for name in NAMES}), min_size=1,
                      max_size=3),
       joins_late=st.booleans(), leaves=st.booleans())
def test_incremental_equals_a_full_run(pool, tmp_path_factory, seed, which, steps, joins_late,
                                       leaves):
    params = PARAMETERS[which]
    versions = Versions(pool, np.random.default_rng(seed), tmp_path_factory.mktemp("v"))
    versions.start(NAMES[:2] if joins_late else NAMES)
    standing = None
    for number, changes in enumerate([None, *steps]):
        if changes is not None:
            for name in list(versions.current):
                versions.change(name, *changes[name])
            if joins_late and number == 1:
                versions.start(NAMES[2:])
            if leaves and number == len(steps) and len(versions.current) > 2:
                del versions.current["KJP"]       # a whole list withdrawn
        parties = versions.parties()
        done = update(standing, parties, params)
        assert_same_result(done.result, link(parties, params))
        standing = done.standing


def test_an_unchanged_version_compares_nothing(pool, tmp_path):
    versions = Versions(pool, np.random.default_rng(1), tmp_path)
    versions.start(NAMES)
    first = update(None, versions.parties())
    assert first.afresh and first.comparisons > 0
    again = update(first.standing, versions.parties())
    assert not again.afresh and again.comparisons == 0
    assert all(c.to_dict() == {"added": 0, "changed": 0, "removed": 0,
                               "unchanged": len(versions.current[name])}
               for name, c in again.changes.items())
    assert_same_result(again.result, first.result)


def test_a_small_update_compares_a_small_share(pool, tmp_path):
    versions = Versions(pool, np.random.default_rng(2), tmp_path)
    versions.start(NAMES)
    first = update(None, versions.parties())
    versions.change("DTKS", 0.0, 0.02, 0.0)
    parties = versions.parties()
    second = update(first.standing, parties)
    assert second.changes["DTKS"].changed > 0
    assert 0 < second.comparisons < first.comparisons / 5
    assert_same_result(second.result, link(parties))


def test_a_party_that_sent_nothing_keeps_its_standing_list(pool, tmp_path):
    """A party given its standing list itself (as continuous.link_versions gives a party that
    sent nothing) is unchanged without a comparison of its records, and the run equals a full
    one."""
    versions = Versions(pool, np.random.default_rng(4), tmp_path)
    versions.start(NAMES)
    first = update(None, versions.parties())
    versions.change("DTKS", 0.05, 0.05, 0.05)
    parties = [p if p.name == "DTKS" else Party(p.name, first.standing.lists[p.name])
               for p in versions.parties()]
    second = update(first.standing, parties)
    for name in NAMES[1:]:
        assert second.changes[name].to_dict() == {
            "added": 0, "changed": 0, "removed": 0,
            "unchanged": len(first.standing.lists[name])}
    assert second.changes["DTKS"].changed > 0 and second.comparisons > 0
    assert_same_result(second.result, link(parties))


def test_other_parameters_start_afresh(pool, tmp_path):
    versions = Versions(pool, np.random.default_rng(3), tmp_path)
    versions.start(NAMES)
    parties = versions.parties()
    first = update(Standing.empty(), parties)
    other = LinkParameters(max_block_size=5)
    second = update(first.standing, parties, other)
    assert second.afresh
    assert_same_result(second.result, link(parties, other))
