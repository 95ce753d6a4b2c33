"""The encoder's last step, alone: staged records into the encoding file in a random order,
in a memory cgroup smaller than the staged file plus the encoder's own memory.

Writes a staged file of `--records` records of the default schema's size (random bytes; the
shuffle never reads them), then, each in a child process inside a fresh memory cgroup of
`--memory-gib` (benchmarks/_cgroup.py; needs root), writes the shuffled encoding file:

- "buckets": what `padan encode` does since 2026-11-30 (encoder/shuffle.py: one sequential
  pass scatters the records into buckets of consecutive output positions, then each bucket is
  put in order in memory; the file goes through `write_encoding_file`, checksum and fsync, as
  in the encoder);
- "gather": what it did before: chunks of 262,144 records gathered from random places of the
  memory-mapped staged file, written as raw bytes (no checksum: a little less work than the
  encoder did). It is stopped after `--gather-seconds`; its rate then gives the time it would
  have needed.

The page cache is dropped before each (`/proc/sys/vm/drop_caches`), so neither starts with the
staged file in memory. Prints a markdown table.

    python benchmarks/shuffle.py --records 10000000 --memory-gib 8 --folder /var/tmp/shuffle
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._cgroup import MemoryCgroup, control  # noqa: E402

GATHER_CHUNK = 1 << 18


def staged_file(folder: Path, records: int) -> tuple[Path, np.dtype]:
    from padan.encoder.default_schema import default_schema
    from padan.encoder.encoding_file import record_dtype

    schema = default_schema("benchmark")
    dtype = record_dtype(-(-schema.encoded_bits // 64), len(schema.blocking))
    path = folder / "staged.tmp"
    if not path.exists() or path.stat().st_size != records * dtype.itemsize:
        rng = np.random.default_rng(1)
        with open(path, "wb") as out:
            for start in range(0, records, GATHER_CHUNK):
                n = min(GATHER_CHUNK, records - start)
                out.write(rng.integers(0, 256, n * dtype.itemsize, dtype=np.uint8).tobytes())
    return path, dtype


def child(method: str, path: Path, records: int, seconds: float) -> dict:
    """In the cgroup: write the shuffled file, as the encoder does (or stop the gather)."""
    from padan.encoder.default_schema import default_schema
    from padan.encoder.encoding_file import new_header, write_encoding_file
    from padan.encoder.shuffle import shuffled_chunks

    schema = default_schema("benchmark")
    staged, dtype = staged_file(path.parent, records)
    data = np.memmap(staged, dtype=dtype, mode="r", shape=(records,))
    order = np.random.default_rng(2).permutation(records)
    header = new_header(project_id="benchmark", schema_fingerprint="f" * 64, key_check="k" * 32,
                        filter_bits=schema.encoded_bits, record_count=records,
                        blocking_keys=[b.name for b in schema.blocking], stratum=None)
    started = time.perf_counter()
    done = 0
    if method == "buckets":
        buckets = path.parent / "buckets"
        buckets.mkdir(exist_ok=True)
        write_encoding_file(path.parent / "out.padan", header,
                            shuffled_chunks(data, order, buckets))
        done = records
    else:
        with open(path.parent / "out.gather", "wb") as out:
            for start in range(0, records, GATHER_CHUNK):
                out.write(np.array(data[order[start:start + GATHER_CHUNK]]).tobytes())
                done = min(start + GATHER_CHUNK, records)
                if time.perf_counter() - started > seconds:
                    break
    return {"seconds": time.perf_counter() - started, "records": done}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000_000)
    parser.add_argument("--memory-gib", type=float, default=8.0)
    parser.add_argument("--folder", type=Path, default=Path("/var/tmp/padan-shuffle"))
    parser.add_argument("--gather-seconds", type=float, default=300.0)
    parser.add_argument("--child", choices=["buckets", "gather"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    if args.child:
        print(json.dumps(child(args.child, args.folder / "staged.tmp", args.records,
                               args.gather_seconds)))
        return
    print(control(), flush=True)
    path, dtype = staged_file(args.folder, args.records)
    print(f"{args.records:,} staged records of {dtype.itemsize} bytes "
          f"({path.stat().st_size / 1e9:.2f} GB); each method in a {args.memory_gib:g} GiB "
          "memory cgroup, page cache dropped before it", flush=True)
    print("| method | records written | seconds | records/s | whole list (s) | cgroup peak GB "
          "| OOM kills |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for method in ("buckets", "gather"):
        group = MemoryCgroup.cold(f"padan-bench-shuffle-{method}", int(args.memory_gib * 2**30))
        run = subprocess.run([sys.executable, __file__, "--child", method, "--records",
                              str(args.records), "--folder", str(args.folder),
                              "--gather-seconds", str(args.gather_seconds)],
                             preexec_fn=group.enter, capture_output=True, text=True)
        peak, kills = (group.peak_bytes() or 0) / 1e9, group.oom_kills()
        group.remove()
        if run.returncode != 0:
            print(f"| {method} | failed (exit {run.returncode}) | | | | {peak:.1f} | {kills} |")
            continue
        result = json.loads(run.stdout.strip().splitlines()[-1])
        rate = result["records"] / result["seconds"]
        print(f"| {method} | {result['records']:,} | {result['seconds']:.0f} | {rate:,.0f} | "
              f"{args.records / rate:,.0f} | {peak:.1f} | {kills} |", flush=True)
    for name in ("out.padan", "out.gather"):
        (args.folder / name).unlink(missing_ok=True)


if __name__ == "__main__":
    main()
