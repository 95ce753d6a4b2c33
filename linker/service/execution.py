"""Computing one claimed run with the linker engine and storing what each role may fetch.

Results are written to the content-addressed store before the run row points at them, so a worker
that dies half-way leaves only unreferenced blobs; the next worker writes the same bytes again.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from padan.encoder.encoding_file import open_encoding_file
from padan.linker.service.store import Store


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


def compute_run(inputs: dict[str, str], parameters: dict, store: Store, *,
                dask_scheduler: str | None,
                progress: Callable[[int, int], None]) -> RunOutput:
    """Link the stored encodings of `inputs` (party -> sha256) and store results and report."""
    from padan.linker.engine import LinkParameters, Party, link
    from padan.linker.party_results import party_results_csv
    from padan.linker.registers import Roles

    # Dask workers read each list where the store says (a shared path, or a URL they fetch)
    parties = [Party(name, open_encoding_file(store.local_path(sha256)),
                     source=store.url_of(sha256))
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


_SUPPRESSED: OrderedDict[tuple[str, int], str] = OrderedDict()   # (sha256, k) -> JSON text
_SUPPRESSED_KEPT = 32
_SUPPRESSED_LOCK = threading.Lock()


def read_report(store: Store, sha256: str, k: int) -> dict:
    """The stored report with cells below `k` suppressed, as a dict for JSON.

    A stored report never changes (its name is its hash), so its suppressed form is kept for
    the next read: rebuilding it (dataclasses.asdict) cost ~30 ms, which capped concurrent report
    reads at a few a second. The store is asked every time whether the report is still there,
    so a deleted report is never served from memory."""
    from padan.linker.engine import OverlapReport

    with _SUPPRESSED_LOCK:
        text = _SUPPRESSED.get((sha256, k))
        if text is not None:
            _SUPPRESSED.move_to_end((sha256, k))
    if text is None or not store.contains(sha256):
        raw = store.read_bytes(sha256)   # a report no longer stored fails here, as it always did
        text = json.dumps(OverlapReport.from_dict(json.loads(raw)).suppressed(k).to_dict())
        with _SUPPRESSED_LOCK:
            _SUPPRESSED[(sha256, k)] = text
            while len(_SUPPRESSED) > _SUPPRESSED_KEPT:
                _SUPPRESSED.popitem(last=False)
    return json.loads(text)   # a fresh dict per caller
