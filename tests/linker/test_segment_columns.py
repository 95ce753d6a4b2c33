"""A pass cut into partitions reads each list's segment words once, from a copy of its own
(linker/columns.py), and the copy leaves nothing behind on disk."""

from __future__ import annotations

import tempfile

import numpy as np
import pytest

from padan.linker import columns
from padan.linker.engine import LinkParameters, Party, link


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    yield tmp_path
    columns.forget_columns()


def test_a_column_is_the_words_of_every_record_kept_without_a_name(pair, private_tmp):
    _, left, _ = pair
    words = (3, 9)
    got = columns.column(left, words)
    assert np.array_equal(got, left.filters[:, 3:9]) and got.dtype == np.uint64
    assert columns.column(left, words) is got          # made once, then reused
    assert list(private_tmp.iterdir()) == []            # the file's name is gone at once
    assert np.array_equal(columns.column(left, (0, 0)), np.zeros((len(left), 0)))


def test_the_least_recently_used_column_goes_beyond_kept(pair, private_tmp):
    _, left, right = pair
    first = columns.column(left, (0, 1))
    for k in range(1, columns.KEPT + 1):
        columns.column(right, (k, k + 1))
    assert columns.column(left, (0, 1)) is not first    # dropped, so made again
    assert np.array_equal(first, left.filters[:, :1])   # a holder still reads its map
    columns.forget_columns()
    assert not columns._COLUMNS


def test_a_partitioned_run_copies_each_segment_once_and_reads_it_every_unit(pair, private_tmp,
                                                                            monkeypatch):
    _, left, right = pair
    made, asked = [], []
    original = columns._mapped

    def counting(shape):
        made.append(shape)
        return original(shape)

    def asking(encodings, words):
        asked.append((id(encodings), words))
        return column(encodings, words)

    column = columns.column
    monkeypatch.setattr(columns, "_mapped", counting)
    from padan.linker import work
    monkeypatch.setattr(work, "column", asking)
    parties = [Party("DTKS", left), Party("KJP", right)]
    link(parties, LinkParameters(partitions=3))
    assert made and len(asked) > len(made)              # units of a pass share one copy
    assert len(made) == len(set(asked))                 # and each is copied once
    assert not columns._COLUMNS and list(private_tmp.iterdir()) == []   # gone after the run
