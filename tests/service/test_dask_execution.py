"""A worker that hands the computation to a Dask scheduler stores the same results as one that
computes in-process (PADAN_DASK_SCHEDULER names the scheduler)."""

import json

import distributed

from padan.linker.service.execution import compute_run
from padan.linker.service.store import ContentStore

from .helpers import encoding_bytes


def test_run_on_a_dask_scheduler_equals_in_process(tmp_path):
    store = ContentStore(tmp_path / "store")
    inputs = {name: store.put_bytes(encoding_bytes(tmp_path, seed=seed, count=300,
                                                   shared_from=120))
              for name, seed in (("DTKS", 1), ("KJP", 2), ("KIS", 3))}
    parameters = {"blocking": ["none"]}
    local = compute_run(inputs, parameters, store, dask_scheduler=None,
                        progress=lambda done, total: None)
    assert local.summary["matches_DTKS"] > 0  # the shared people were found
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                  dashboard_address=None) as cluster:
        remote = compute_run(inputs, parameters, store, dask_scheduler=cluster.scheduler_address,
                             progress=lambda done, total: None)
    assert remote.results == local.results  # byte-identical result files per agency
    reports = [json.loads(store.read_bytes(run.report_sha256)) for run in (local, remote)]
    for report in reports:
        report.pop("timings")  # seconds differ from run to run; every count must not
    assert reports[0] == reports[1]
