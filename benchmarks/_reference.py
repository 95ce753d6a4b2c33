"""The benchmark-only reference (anonlink, clkhash) in its own virtualenv, run as a subprocess.

anonlink and clkhash pin old dependencies, so they never enter padan's environment: this
module creates /work/main/.refenv (ignored by git) on first use and runs snippets there that
print JSON. Usage from a benchmark: `reference_dice(left, right, threshold)`.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
REFENV = ROOT / ".refenv"
PACKAGES = ["anonlink", "clkhash"]

_SNIPPET = r"""
import json, sys, time
import numpy as np
from anonlink.similarities import dice_coefficient_accelerated
from bitarray import bitarray
data = np.load(sys.argv[1])
threshold, repeats = float(sys.argv[2]), int(sys.argv[3])
def to_bitarrays(rows):
    out = []
    for row in rows:
        b = bitarray(endian="little")
        b.frombytes(row.tobytes())
        out.append(b)
    return out
left, right = to_bitarrays(data["left"]), to_bitarrays(data["right"])
best = None
for _ in range(repeats):
    start = time.perf_counter()
    result = dice_coefficient_accelerated((left, right), threshold, k=len(right))
    elapsed = time.perf_counter() - start
    best = elapsed if best is None else min(best, elapsed)
scores = result[0]
print(json.dumps({"seconds": best, "pairs": int(len(scores))}))
"""


def python() -> Path:
    return REFENV / "bin" / "python"


def ensure_refenv() -> str | None:
    """Create the reference venv if needed; return None if ready, else why it cannot be."""
    if python().exists():
        probe = subprocess.run([str(python()), "-c", "import anonlink, clkhash"],
                               capture_output=True, text=True)
        if probe.returncode == 0:
            return None
    subprocess.run([sys.executable, "-m", "venv", str(REFENV)], check=True)
    install = subprocess.run([str(python()), "-m", "pip", "install", "-q", *PACKAGES],
                             capture_output=True, text=True)
    if install.returncode != 0:
        return "pip install anonlink clkhash failed: " + install.stderr.strip()[-500:]
    return None


def reference_dice(left: np.ndarray, right: np.ndarray, threshold: float, repeats: int = 3
                   ) -> dict:
    """Time anonlink's accelerated Dice on the same filters (uint64 words, little-endian)."""
    problem = ensure_refenv()
    if problem:
        return {"error": problem}
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "filters.npz"
        np.savez(data, left=left, right=right)
        run = subprocess.run([str(python()), "-c", _SNIPPET, str(data), str(threshold),
                              str(repeats)], capture_output=True, text=True,
                             env={"OMP_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"})
    if run.returncode != 0:
        return {"error": run.stderr.strip()[-500:]}
    return json.loads(run.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    print(ensure_refenv() or f"reference venv ready at {REFENV}")
