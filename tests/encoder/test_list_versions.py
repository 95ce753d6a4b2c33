"""Versions of a list: the same key keeps its pseudo-id; the delta says what changed."""

import csv
import stat

import numpy as np
import pytest
from encoder_samples import HEADER, SECRET, write_csv
from test_pipeline import many_people

from padan.encoder.encoding_file import (
    open_encoding_file,
    same_records,
    same_records_at,
    version_delta,
)
from padan.encoder.errors import InputError, InputFileError
from padan.encoder.list_versions import (
    read_key_map,
    read_removed,
    stable_pseudo_ids,
)
from padan.encoder.pipeline import encode_file
from padan.encoder.pseudo_ids import pseudo_id_texts


def with_ids(rows, ids):
    return [[f"K{i}", *row] for i, row in zip(ids, rows, strict=True)]


def write_version(path, rows):
    return write_csv(path, rows, header=["ID", *HEADER])


def pid_by_key(summary):
    return {key: pid for key, pid in read_key_map(summary.key_map).items()}


def test_a_new_version_keeps_pseudo_ids_and_writes_the_delta(tmp_path, schema):
    people = many_people(60)
    first = write_version(tmp_path / "m1.csv", with_ids(people[:50], range(50)))
    one = encode_file(first, schema, SECRET, tmp_path / "m1.padan", workers=1, key_column="ID")
    assert stat.S_IMODE(one.key_map.stat().st_mode) == 0o600
    assert one.delta is None
    # month 2: rows 0-4 removed, row 10 changed (name), rows 50-59 added, and the order shuffled
    second_rows = with_ids(people[5:60], range(5, 60))
    changed = second_rows[5]
    assert changed[0] == "K10"
    changed[2] = changed[2] + " Baru"
    second_rows.reverse()
    second = write_version(tmp_path / "m2.csv", second_rows)
    two = encode_file(second, schema, SECRET, tmp_path / "m2.padan", workers=1, key_column="ID",
                      previous=one.output)
    before, after = pid_by_key(one), pid_by_key(two)
    kept = set(before) & set(after)
    assert kept == {f"K{i}" for i in range(5, 50)}
    assert all(before[key] == after[key] for key in kept)
    fresh = {after[f"K{i}"] for i in range(50, 60)}
    assert len(fresh) == 10 and not fresh & set(before.values())
    assert two.delta.to_dict() == {"added": 10, "changed": 1, "removed": 5, "unchanged": 44}
    assert set(two.delta.changed.tolist()) == {before["K10"]}
    delta = open_encoding_file(two.delta_path)
    sent = set(delta.records["pseudo_id"].tolist())
    assert sent == fresh | {before["K10"]}
    assert set(read_removed(two.removed_path).tolist()) == {before[f"K{i}"] for i in range(5)}
    # the delta's records are the whole version's, byte for byte
    whole = open_encoding_file(two.output)
    by_pid = {pid: i for i, pid in enumerate(whole.records["pseudo_id"].tolist())}
    rows = [by_pid[pid] for pid in delta.records["pseudo_id"].tolist()]
    assert np.array_equal(whole.records[rows], delta.records)
    # the id map and the key map agree on each row's pseudo-id
    with open(two.id_map, newline="") as handle:
        id_map = {row["pseudo_id"] for row in csv.DictReader(handle)}
    assert id_map == set(pseudo_id_texts(np.array(list(after.values()), np.uint64)))


def test_an_unchanged_list_encodes_to_an_empty_delta(tmp_path, schema):
    rows = with_ids(many_people(20), range(20))
    one = encode_file(write_version(tmp_path / "a.csv", rows), schema, SECRET,
                      tmp_path / "a.padan", workers=1, key_column="ID")
    two = encode_file(write_version(tmp_path / "b.csv", rows), schema, SECRET,
                      tmp_path / "b.padan", workers=1, key_column="ID", previous=one.output)
    assert two.delta.to_dict() == {"added": 0, "changed": 0, "removed": 0, "unchanged": 20}
    assert len(open_encoding_file(two.delta_path)) == 0


def test_repeated_or_empty_keys_name_the_row_and_column_not_the_value(tmp_path, schema):
    rows = with_ids(many_people(4), ["SECRET1", "SECRET2", "SECRET1", "X"])
    source = write_version(tmp_path / "dup.csv", rows)
    with pytest.raises(InputError) as caught:
        encode_file(source, schema, SECRET, tmp_path / "dup.padan", workers=1, key_column="ID")
    assert caught.value.row == 4 and caught.value.field == "ID"
    assert "SECRET1" not in str(caught.value) and "row 2" in str(caught.value)
    rows = [[key, *row] for key, row in zip(["A", "", "C"], many_people(3), strict=True)]
    source = write_version(tmp_path / "empty.csv", rows)
    with pytest.raises(InputError) as caught:
        encode_file(source, schema, SECRET, tmp_path / "e.padan", workers=1, key_column="ID")
    assert caught.value.row == 3


def test_previous_needs_a_key_column(tmp_path, schema):
    source = write_version(tmp_path / "a.csv", with_ids(many_people(3), range(3)))
    with pytest.raises(InputFileError, match="key-column"):
        encode_file(source, schema, SECRET, tmp_path / "a.padan", workers=1,
                    previous=tmp_path / "old.padan")


def test_fresh_ids_never_reuse_a_previous_one():
    previous = {f"k{i}": i + 1 for i in range(100)}
    ids = stable_pseudo_ids(["k3", "new", "k7", "other"], previous)
    assert ids[0] == 4 and ids[2] == 8
    assert ids[1] not in previous.values() and ids[3] not in previous.values()
    assert ids[1] != ids[3] and 0 not in ids


def test_version_delta_compares_whole_records():
    dtype = np.dtype([("pseudo_id", "<u8"), ("filter", "<u8", (2,))])
    old = np.zeros(3, dtype)
    old["pseudo_id"] = [1, 2, 3]
    new = old[[2, 1]].copy()
    new["filter"][1, 1] = 5          # pseudo-id 2 changed
    new = np.concatenate([new, np.array([(9, [0, 0])], dtype)])
    delta = version_delta(old, new)
    assert delta.added.tolist() == [9] and delta.changed.tolist() == [2]
    assert delta.removed.tolist() == [1] and delta.unchanged == 1


def test_same_records_at_equals_gathering_whole():
    dtype = np.dtype([("pseudo_id", "<u8"), ("stratum", "<u2"), ("filter", "<u8", (3,))])
    rng = np.random.default_rng(5)
    left, right = np.zeros(50, dtype), np.zeros(60, dtype)
    for records in (left, right):
        records["stratum"] = rng.integers(0, 2, len(records))
        records["filter"] = rng.integers(0, 2, (len(records), 3))
    a, b = rng.integers(0, 50, 200), rng.integers(0, 60, 200)
    whole = same_records(left[a], right[b])
    assert whole.any() and not whole.all()
    for chunk in (1, 7, 64, 1 << 16):
        assert np.array_equal(same_records_at(left, a, right, b, chunk=chunk), whole)
