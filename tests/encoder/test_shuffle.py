"""The bucketed shuffle (encoder/shuffle.py) puts every record exactly where gathering
`staged[order]` would, whatever the bucket size, and leaves no bucket file behind."""

from __future__ import annotations

import numpy as np
import pytest

from padan.encoder import shuffle
from padan.encoder.encoding_file import record_dtype

DTYPE = record_dtype(3, 2)


def staged_records(n: int, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    records = np.zeros(n, DTYPE)
    raw = records.view(np.uint8)
    raw[:] = rng.integers(0, 256, raw.shape, dtype=np.uint8)
    return records


@pytest.mark.parametrize(("n", "per_bucket"), [(1, 10), (10, 10), (11, 10), (1000, 7),
                                                (1000, 1), (4097, 256), (999, 1000)])
def test_same_records_in_the_same_places_as_a_gather(tmp_path, n, per_bucket):
    staged = staged_records(n)
    order = np.random.default_rng(n).permutation(n)
    chunks = list(shuffle.shuffled_chunks(staged, order, tmp_path,
                                          bucket_bytes=per_bucket * DTYPE.itemsize))
    per = max(per_bucket, -(-n // shuffle.MAX_BUCKETS))   # (1000, 1): 250 buckets of 4
    assert len(chunks) == -(-n // per)
    assert np.concatenate(chunks).tobytes() == staged[order].tobytes()
    assert not list(tmp_path.iterdir())


def test_a_memory_map_staged_list_and_few_open_files(tmp_path, monkeypatch):
    """As the pipeline calls it: the staged records memory-mapped; and past MAX_BUCKETS the
    buckets grow instead of the open files."""
    monkeypatch.setattr(shuffle, "MAX_BUCKETS", 4)
    monkeypatch.setattr(shuffle, "READ_CHUNK", 100)
    records = staged_records(1000, seed=2)
    records.tofile(tmp_path / "staged")
    staged = np.memmap(tmp_path / "staged", dtype=DTYPE, mode="r", shape=(1000,))
    order = np.random.default_rng(3).permutation(1000)
    folder = tmp_path / "buckets"
    folder.mkdir()
    chunks = list(shuffle.shuffled_chunks(staged, order, folder, bucket_bytes=DTYPE.itemsize))
    assert [len(c) for c in chunks] == [250] * 4
    assert np.concatenate(chunks).tobytes() == records[order].tobytes()


def test_no_bucket_file_outlives_a_run_stopped_half_way(tmp_path):
    staged = staged_records(100)
    chunks = shuffle.shuffled_chunks(staged, np.arange(100)[::-1], tmp_path,
                                     bucket_bytes=10 * DTYPE.itemsize)
    first = next(chunks)
    assert first.tobytes() == staged[::-1][:10].tobytes()
    assert len(list(tmp_path.iterdir())) == 9    # the buckets not yet handed on
    chunks.close()
    assert not list(tmp_path.iterdir())


def test_an_empty_list_gives_no_chunk(tmp_path):
    assert list(shuffle.shuffled_chunks(staged_records(0), np.arange(0), tmp_path)) == []
