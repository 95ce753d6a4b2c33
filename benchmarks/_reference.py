"""The benchmark-only references, each in its own virtualenv, run as subprocesses.

anonlink and clkhash pin old dependencies, and Splink brings DuckDB and its own pins, so none
of them enters padan's environment: this module creates `.refenv` (anonlink, clkhash) and
`.splinkenv` (Splink) at the repository root (ignored by git) on first use, and runs scripts
or snippets there. Usage from a benchmark: `reference_dice(left, right, threshold)`, or
`SPLINK.ensure()` then `SPLINK.python()`.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True, slots=True)
class ReferenceEnv:
    """A virtualenv at `folder` holding `packages`; ready when `modules` import there."""

    folder: Path
    packages: tuple[str, ...]
    modules: str

    def python(self) -> Path:
        return self.folder / "bin" / "python"

    def ensure(self) -> str | None:
        """Create the venv if needed; return None if ready, else why it cannot be."""
        if self.python().exists():
            probe = subprocess.run([str(self.python()), "-c", f"import {self.modules}"],
                                   capture_output=True, text=True)
            if probe.returncode == 0:
                return None
        subprocess.run([sys.executable, "-m", "venv", str(self.folder)], check=True)
        install = subprocess.run([str(self.python()), "-m", "pip", "install", "-q",
                                  *self.packages], capture_output=True, text=True)
        if install.returncode != 0:
            return (f"pip install {' '.join(self.packages)} failed: "
                    + install.stderr.strip()[-500:])
        return None


ANONLINK = ReferenceEnv(ROOT / ".refenv", ("anonlink", "clkhash"), "anonlink, clkhash")
# Splink's API changed at each major version; _splink_quality.py is written for 5
SPLINK = ReferenceEnv(ROOT / ".splinkenv", ("splink>=5,<6", "numpy"), "splink, numpy")

# shared by the snippets that run in the reference virtualenv (anonlink takes bitarrays)
TO_BITARRAYS = r"""
def to_bitarrays(rows):
    out = []
    for row in rows:
        b = bitarray(endian="little")
        b.frombytes(row.tobytes())
        out.append(b)
    return out
"""

_SNIPPET = r"""
import json, sys, time
import numpy as np
from anonlink.similarities import dice_coefficient_accelerated
from bitarray import bitarray
data = np.load(sys.argv[1])
threshold, repeats = float(sys.argv[2]), int(sys.argv[3])
""" + TO_BITARRAYS + r"""left, right = to_bitarrays(data["left"]), to_bitarrays(data["right"])
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
    return ANONLINK.python()


def ensure_refenv() -> str | None:
    return ANONLINK.ensure()


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
    for env in (ANONLINK, SPLINK):
        print(env.ensure() or f"reference venv ready at {env.folder}")
