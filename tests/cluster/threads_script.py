"""Units of one run on two threads of this process at once, as a Dask worker with --nthreads 2
runs them. Run as a script: python threads_script.py DIR [unguarded]; prints the layer used.

With "unguarded" the engine's guard is switched off (to show what it prevents)."""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from padan.encoder.encoding_file import open_encoding_file
from padan.linker import executors
from padan.linker.engine import LinkParameters, Party, _units
from padan.linker.executors import process_pool
from padan.linker.work import run_unit

directory = Path(sys.argv[1])
if "unguarded" in sys.argv:
    executors.THREADSAFE_LAYERS = frozenset({"tbb", "omp", "workqueue"})
parties = [Party(path.stem, open_encoding_file(path)) for path in sorted(directory.glob("*.padan"))]
params = LinkParameters(blocking=("none",), partitions=20)
units = _units(parties, params, process_pool(2), parties[0].encodings.header.blocking_keys)
with ThreadPoolExecutor(2) as pool:
    comparisons = sum(result.comparisons for result in pool.map(run_unit, units))
print(executors.threading_layer(), comparisons)
