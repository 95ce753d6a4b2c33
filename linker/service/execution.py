"""Computing one claimed run with the linker engine and storing what each role may fetch.

Results are written to the content-addressed store before the run row points at them, so a worker
that dies half-way leaves only unreferenced blobs; the next worker writes the same bytes again.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from padan.encoder.encoding_file import open_encoding_file
from padan.linker.service.store import ContentStore


@dataclass(frozen=True, slots=True)
class RunOutput:
    results: dict[str, str]  # party -> sha256 of its CSV of matches
    report_sha256: str
    summary: dict[str, int]  # counts for the audit log (never identifiers)


@contextmanager
def executor_for(dask_scheduler: str | None) -> Iterator[Any]:
    """In-process, or a Dask client for this run only (closed afterwards)."""
    from padan.linker.executors import dask_cluster, in_process

    if not dask_scheduler:
        yield in_process()
        return
    executor = dask_cluster(dask_scheduler)
    try:
        yield executor
    finally:
        executor.client.close()


def compute_run(inputs: dict[str, str], parameters: dict, store: ContentStore, *,
                dask_scheduler: str | None,
                progress: Callable[[int, int], None]) -> RunOutput:
    """Link the stored encodings of `inputs` (party -> sha256) and store results and report."""
    from padan.linker.engine import LinkParameters, Party, link
    from padan.linker.party_results import party_results_csv
    from padan.linker.registers import Roles

    parties = [Party(name, open_encoding_file(store.path_of(sha256)))
               for name, sha256 in sorted(inputs.items())]
    params = LinkParameters.from_dict(parameters)
    with executor_for(dask_scheduler) as executor:
        result = link(parties, params, executor=executor, progress=progress)
    registers = Roles.from_parameters(params).registers
    results, summary = {}, {}
    for name in sorted(inputs):
        matches, duplicates = result.for_party(name), result.duplicates_for(name)
        results[name] = store.put_bytes(party_results_csv(matches, duplicates, registers))
        summary[f"matches_{name}"] = len(matches)
        summary[f"duplicates_{name}"] = len(duplicates)
    report = json.dumps(result.report.to_dict(), sort_keys=True, separators=(",", ":"))
    return RunOutput(results, store.put_bytes(report.encode()), summary)


def read_report(store: ContentStore, sha256: str, k: int) -> dict:
    """The stored report with cells below `k` suppressed, as a dict for JSON."""
    from padan.linker.engine import OverlapReport

    raw = json.loads(store.read_bytes(sha256))
    return OverlapReport.from_dict(raw).suppressed(k).to_dict()
