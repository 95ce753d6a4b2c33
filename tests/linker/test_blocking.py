from __future__ import annotations

import numpy as np

from padan.encoder.encoding_file import FLAG_BIRTHDATE_PLACEHOLDER
from padan.linker.blocking import (
    LshSettings,
    PassSpec,
    lsh_positions,
    lsh_signature,
    make_buckets,
    pass_keys,
    plan_passes,
)
from padan.linker.parameters import LinkParameters
from padan.linker.quality import blocking_quality


def pairs_of(buckets):
    found = set()
    for (l0, l1), (r0, r1) in zip(buckets.left_ranges, buckets.right_ranges, strict=True):
        for i in buckets.left_rows[l0:l1]:
            for j in buckets.right_rows[r0:r1]:
                found.add((int(i), int(j)))
    return found


def test_buckets_pair_equal_nonzero_keys_only():
    left = np.array([5, 0, 7, 5, 9], np.uint64)
    right = np.array([0, 5, 7, 8], np.uint64)
    assert pairs_of(make_buckets(left, right, max_block_size=10)) == {(0, 1), (3, 1), (2, 2)}


def test_oversized_bucket_is_skipped_and_counted():
    left = np.array([1] * 50 + [2], np.uint64)
    right = np.array([1] * 3 + [2], np.uint64)
    buckets = make_buckets(left, right, max_block_size=10)
    assert pairs_of(buckets) == {(50, 3)}
    assert buckets.oversized == 1 and buckets.skipped_records == 53


def test_partitions_split_buckets_without_losing_or_repeating_any():
    rng = np.random.default_rng(0)
    left = rng.integers(1, 30, 300).astype(np.uint64)
    right = rng.integers(1, 30, 200).astype(np.uint64)
    whole = pairs_of(make_buckets(left, right, max_block_size=1000))
    parts = [pairs_of(make_buckets(left, right, max_block_size=1000, partition=p, partitions=3))
             for p in range(3)]
    assert set().union(*parts) == whole
    assert sum(len(p) for p in parts) == len(whole)


def test_one_list_buckets_need_two_records():
    keys = np.array([4, 4, 6, 0, 0], np.uint64)
    buckets = make_buckets(keys, None, max_block_size=10)
    assert len(buckets.left_ranges) == 1
    assert np.array_equal(buckets.left_ranges, buckets.right_ranges)


def test_placeholder_birthdates_make_no_birthdate_blocks(pair):
    _, left, _ = pair
    keys = pass_keys(left, PassSpec("key", 0), LshSettings(1, 8, 1))
    flagged = (left.records["flags"] & FLAG_BIRTHDATE_PLACEHOLDER) != 0
    assert flagged.any()
    assert np.all(keys[flagged] == 0) and np.all(keys[~flagged] != 0)
    other = pass_keys(left, PassSpec("key", 1), LshSettings(1, 8, 1))   # birth_year_name
    assert np.all(other[flagged] != 0)


def test_lsh_is_seeded_and_ignores_empty_filters():
    settings = LshSettings(bands=2, bits=12, seed=5)
    assert np.array_equal(lsh_positions(1000, settings, 0), lsh_positions(1000, settings, 0))
    assert not np.array_equal(lsh_positions(1000, settings, 0), lsh_positions(1000, settings, 1))
    assert lsh_positions(1000, settings, 0).max() < 1000
    filters = np.zeros((3, 16), np.uint64)
    filters[1, 0] = 0xFF
    signature = lsh_signature(filters, lsh_positions(1024, settings, 0))
    assert signature[0] == 0 and signature[2] == 0 and signature[1] != 0


def test_plan_expands_keys_and_bands():
    names = [p.name for p in plan_passes(("identity", "keys", "lsh"), ["a", "b"], 2)]
    assert names == ["identity", "key:a", "key:b", "lsh:0", "lsh:1"]
    assert [p.kind for p in plan_passes(("none",), ["a"], 4)] == ["none"]


def test_blocking_quality_reports_each_pass_and_the_union(pair):
    made, left, right = pair
    rows = blocking_quality(left, right, made.true_left, made.true_right, LinkParameters())
    by_name = {r.name: r for r in rows}
    assert rows[-1].name == "union"
    assert by_name["union"].pair_completeness >= max(r.pair_completeness for r in rows[:-1])
    assert by_name["union"].pair_completeness > 0.99
    assert 0.8 < by_name["identity"].pair_completeness < 0.95   # ~10% + 10% NIKs missing
    assert all(0.0 <= r.reduction_ratio <= 1.0 for r in rows)
    none = blocking_quality(left, right, made.true_left, made.true_right,
                            LinkParameters(blocking=("none",)))
    assert none[0].pair_completeness == 1.0 and none[0].reduction_ratio == 0.0


def test_lsh_auto_adds_lsh_only_where_valid_niks_are_scarce():
    from types import SimpleNamespace

    from padan.linker.blocking import resolve_blocking

    def encodings(with_identity: int, total: int = 10):
        identity = np.zeros(total, dtype=np.uint64)
        identity[:with_identity] = np.arange(1, with_identity + 1, dtype=np.uint64)
        return SimpleNamespace(records={"identity": identity})

    blocking = ("identity", "keys", "lsh_auto")
    many, few = encodings(9), encodings(5)
    assert resolve_blocking(blocking, 0.8, [many, many]) == ("identity", "keys")
    assert resolve_blocking(blocking, 0.8, [many, few]) == ("identity", "keys", "lsh")
    assert resolve_blocking(blocking, 0.0, [few, few]) == ("identity", "keys")
    assert resolve_blocking(("identity", "lsh"), 0.8, [few]) == ("identity", "lsh")
    assert resolve_blocking(("lsh", "lsh_auto"), 0.8, [few]) == ("lsh",)
    assert resolve_blocking(blocking, 0.8, [encodings(0, total=0)]) == ("identity", "keys", "lsh")


def test_lsh_auto_needs_bands_and_a_share():
    import pytest

    from padan.linker.errors import ParameterError
    from padan.linker.parameters import LinkParameters

    with pytest.raises(ParameterError, match="lsh_bands"):
        LinkParameters(lsh_bands=0)
    with pytest.raises(ParameterError, match="lsh_auto_min_identity"):
        LinkParameters(lsh_auto_min_identity=1.5)
    assert LinkParameters(blocking=("identity", "keys"), lsh_bands=0).lsh_bands == 0


def test_salted_segments_get_one_pass_each_over_their_own_words():
    from padan.encoder.encoding_file import SegmentInfo

    segments = [SegmentInfo(name="nama_lahir", start=0, bits=1024, salt="lahir"),
                SegmentInfo(name="nama_nik", start=1024, bits=1024, salt="identity")]
    passes = plan_passes(("identity", "keys", "lsh_auto"), ["lahir"], 4, segments)
    assert [(p.kind, p.name, p.words, p.salted) for p in passes] == [
        ("key", "segment:nama_lahir", (0, 16), True),
        ("identity", "segment:nama_nik", (16, 32), True)]
    # an unsalted segment takes the ordinary passes, over its own words only
    mixed = [segments[1], SegmentInfo(name="rest", start=1024, bits=512)]
    passes = plan_passes(("identity", "keys", "lsh"), ["lahir", "tahun"], 1, mixed)
    assert [(p.name, p.words) for p in passes] == [
        ("segment:nama_nik", (16, 32)), ("key:lahir", (16, 24)),
        ("key:tahun", (16, 24)), ("lsh:0", (16, 24))]
