"""An incremental run equals a full run of the latest versions: groups, bands and duplicates.

The lists are real encodings of synthetic lists (padan synth, padan's encoder); each version of
a list removes, changes and adds records at random, keeping the pseudo-ids of the rest, as
`padan encode --previous` does. A change gives a record another record's encoding (a corrected
name, a moved person): the kind of change a monthly update brings. Some records are put into
one crowded block (as a placeholder birthdate does), so that with a small max_block_size blocks
cross the limit both ways from version to version.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from padan.encoder.default_schema import default_schema
from padan.encoder.encoding_file import (
    open_encoding_file,
    record_dtype,
    write_encoding_file,
)
from padan.encoder.pipeline import encode_file
from padan.encoder.pseudo_ids import random_pseudo_ids
from padan.linker.engine import LinkParameters, Party, link
from padan.linker.incremental import Standing, update
from padan.synth import SynthConfig, generate, parse_agencies, write_lists

SECRET = bytes(range(32))
NAMES = ("DTKS", "KJP", "KIS")
CROWDED_KEY = 0x5EED_0000_0000_0001


@pytest.fixture(scope="module")
def pool(tmp_path_factory):
    """Per agency, the encoded records of a synthetic list (more than any version holds)."""
    folder = tmp_path_factory.mktemp("pool")
    lists = generate(SynthConfig(seed=5, population=700, duplicate_rate=0.05,
                                 agencies=parse_agencies("DTKS:260,KJP:200,KIS:160")))
    write_lists(lists, folder)
    schema = default_schema("versions")
    opened = {}
    for name in NAMES:
        encode_file(folder / f"{name}.csv", schema, SECRET, folder / f"{name}.padan", workers=1)
        opened[name] = open_encoding_file(folder / f"{name}.padan")
    return opened


def write_version(path: Path, template, records: np.ndarray):
    header = template.header.model_copy(update={"record_count": len(records)})
    dtype = record_dtype(header.filter_words, len(header.blocking_keys))
    write_encoding_file(path, header, np.ascontiguousarray(records.astype(dtype)))
    return open_encoding_file(path)


class Versions:
    """The lists' versions: records by pseudo-id, changed at random step by step."""

    def __init__(self, pool, rng: np.random.Generator, folder: Path):
        self.pool, self.rng, self.folder = pool, rng, folder
        self.current: dict[str, np.ndarray] = {}
        self.step = 0

    def start(self, names) -> None:
        for name in names:
            source = np.array(self.pool[name].records)
            take = self.rng.permutation(len(source))[: int(0.7 * len(source))]
            records = source[take]
            records["pseudo_id"] = random_pseudo_ids(len(records))
            self.crowd(name, records, np.arange(len(records)), 0.05)
            self.current[name] = records

    def crowd(self, name: str, records: np.ndarray, rows: np.ndarray, share: float) -> None:
        """Put a share of `rows` into one crowded block of each keyed pass, as near-copies of a
        few people (so the crowded blocks hold pairs that score)."""
        donors = np.array(self.pool[name].records[:3])
        for column in ("blocks", "identity"):
            chosen = rows[self.rng.random(len(rows)) < share]
            records["filter"][chosen] = donors["filter"][self.rng.integers(0, 3, len(chosen))]
            if column == "blocks":
                records["blocks"][chosen, 0] = CROWDED_KEY
            else:
                records["identity"][chosen] = CROWDED_KEY

    def change(self, name: str, removed: float, changed: float, added: float) -> None:
        records = self.current[name]
        source = np.array(self.pool[name].records)
        n = len(records)
        keep = self.rng.random(n) >= removed
        records = records[keep].copy()
        altered = np.flatnonzero(self.rng.random(len(records)) < changed)
        donors = self.rng.integers(0, len(source), len(altered))
        for row, donor in zip(altered.tolist(), donors.tolist(), strict=True):
            pid = records["pseudo_id"][row]
            records[row] = source[donor]
            records["pseudo_id"][row] = pid
        extra = source[self.rng.integers(0, len(source), int(added * n))].copy()
        extra["pseudo_id"] = random_pseudo_ids(len(extra))
        self.crowd(name, records, altered, 0.3)
        self.crowd(name, extra, np.arange(len(extra)), 0.1)
        records = np.concatenate([records, extra])
        self.current[name] = records[self.rng.permutation(len(records))]

    def parties(self) -> list[Party]:
        self.step += 1
        out = []
        for name, records in self.current.items():
            path = self.folder / f"{name}.v{self.step}.padan"
            out.append(Party(name, write_version(path, self.pool[name], records)))
        return out


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

step = st.tuples(st.sampled_from([0.0, 0.02, 0.1, 0.3]), st.sampled_from([0.0, 0.02, 0.1]),
                 st.sampled_from([0.0, 0.05, 0.2]))


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


def test_other_parameters_start_afresh(pool, tmp_path):
    versions = Versions(pool, np.random.default_rng(3), tmp_path)
    versions.start(NAMES)
    parties = versions.parties()
    first = update(Standing.empty(), parties)
    other = LinkParameters(max_block_size=5)
    second = update(first.standing, parties, other)
    assert second.afresh
    assert_same_result(second.result, link(parties, other))
