"""The same run gives the same result in-process, in a process pool and on Dask."""

from __future__ import annotations

import numpy as np
import pytest

from padan.linker.engine import LinkParameters, Party, link
from padan.linker.executors import dask_cluster, in_process, process_pool

PARAMS = LinkParameters(lsh_bands=6, partitions=3)


def assert_same_result(a, b):
    for table in ("groups", "duplicates"):
        x, y = getattr(a, table), getattr(b, table)
        for column in ("group_id", "party", "pseudo_id", "band"):
            assert np.array_equal(getattr(x, column), getattr(y, column)), (table, column)
    da, db = a.report.to_dict(), b.report.to_dict()
    da.pop("timings"), db.pop("timings")
    assert da == db


@pytest.fixture(scope="module")
def reference(pair):
    _, left, right = pair
    parties = [Party("DTKS", left), Party("KJP", right)]
    return parties, link(parties, PARAMS, executor=in_process())


def test_partitions_do_not_change_results(reference):
    parties, expected = reference
    single = link(parties, LinkParameters(lsh_bands=6, partitions=1))
    assert_same_result(single, expected)


def test_large_lists_are_cut_into_partitions_by_size_with_the_same_result(reference,
                                                                          monkeypatch):
    from padan.linker import engine

    parties, expected = reference
    monkeypatch.setattr(engine, "RECORDS_PER_PARTITION", 64)
    largest = max(len(p.encodings) for p in parties)
    params = LinkParameters(lsh_bands=6)   # partitions 0: the engine chooses
    units = engine._units(parties, params, in_process(), [])
    assert {u.partitions for u in units} == {-(-largest // 64)} and largest > 64
    assert_same_result(link(parties, params), expected)


def test_process_pool_equals_in_process(reference):
    parties, expected = reference
    assert_same_result(link(parties, PARAMS, executor=process_pool(2)), expected)


def test_dask_local_cluster_equals_in_process(reference):
    distributed = pytest.importorskip("distributed")
    parties, expected = reference
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        executor = dask_cluster(client)
        assert executor.suggested_partitions == 4 and executor.threads_per_unit == 1
        assert_same_result(link(parties, PARAMS, executor=executor), expected)


def test_pool_refuses_zero_workers():
    with pytest.raises(ValueError, match="workers"):
        process_pool(0)


def test_a_pass_keys_are_computed_once_per_list_and_forgotten_after_the_run(pair, monkeypatch):
    from padan.linker import work
    from padan.linker.blocking import LshSettings, plan_passes

    _, left, right = pair
    calls = []
    real = work.pass_keys
    monkeypatch.setattr(work, "pass_keys", lambda *a: calls.append(a[:2]) or real(*a))
    spec = plan_passes(("lsh",), left.header.blocking_keys, 2)[0]
    lsh = LshSettings(2, 24, 1)
    first = work.keys_of(left, spec, lsh)
    assert work.keys_of(left, spec, lsh) is first and not first.flags.writeable
    assert np.array_equal(first, real(left, spec, lsh))
    for other in (right, *[left] * 3):   # the cache holds the last few (list, pass) pairs
        work.keys_of(other, spec, LshSettings(2, 24, len(calls) + 7))
    assert len(work._KEYS) == work.KEYS_KEPT
    work.forget_keys()
    assert not work._KEYS
    # a whole run computes each (list, pass) once: the pair's unit and the dedup units share
    calls.clear()
    link([Party("DTKS", left), Party("KJP", right)],
         LinkParameters(blocking=("identity", "keys", "lsh"), lsh_bands=3))
    assert len(calls) == len(set((id(e), s) for e, s in calls)) == 2 * (3 + 3)
    assert not work._KEYS
