"""Encoding throughput: padan against clkhash on the same synthetic Indonesian list.

Prints a table: records per second per core (CPU time of one single-threaded process, so the
load of a shared machine counts less than in wall time) and wall time for padan's whole
`encode_file` (reading, normalisation, tokens, keyed BLAKE2b, blocking and identity tokens,
shuffling, writing), padan's encoder alone (batches already read), the same encoder with the
per-record reference of the salted segments (`segment_filters_reference`: the path before the
batch kernel), and clkhash (reference, in its own venv; caches cleared before each timed run);
with the peak RSS of each process and the ratio to clkhash. Every row runs in its own process.
Last, the keyed BLAKE2b calls one record needs and hashlib's cost per call here: the ceiling of
any encoder of this schema that calls hashlib.

    python benchmarks/encode.py --records 200000
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _reference import ensure_refenv, python

CLKHASH_SCRIPT = Path(__file__).resolve().parent / "_clkhash_encode.py"
ONE_THREAD = {name: "1" for name in ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS",
                                     "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
MODES = {
    "file": "padan encode_file, 1 process",
    "encoder": "padan encoder only (batches read)",
    "reference": "padan encoder, per-record segments",
    "floor": "BLAKE2b calls alone (hashlib)",
}


def synthetic_list(folder: Path, records: int, seed: int) -> tuple[Path, dict[str, str]]:
    from padan.synth import DEFAULT_AGENCIES, DirtLevel, SynthConfig, generate, write_lists

    agency = dataclasses.replace(DEFAULT_AGENCIES[0], size=records)
    config = SynthConfig(seed=seed, population=records * 3, agencies=(agency,),
                         dirt=DirtLevel.MODERATE)
    paths = write_lists(generate(config), folder)
    return paths[agency.name], agency.columns


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(mode: str, source: Path, repeats: int, workers: int) -> dict:
    """One row, in this (child) process: best of `repeats`, wall and CPU time."""
    import numpy as np

    import padan.encoder.record_encoder as record_encoder
    from padan.encoder.columns import map_columns
    from padan.encoder.default_schema import default_schema
    from padan.encoder.normalise import clear_caches
    from padan.encoder.pipeline import encode_file
    from padan.encoder.readers import iter_batches, read_columns
    from padan.encoder.segments import segment_filters_reference

    schema, secret = default_schema("benchmark"), os.urandom(32)
    if mode == "reference":
        record_encoder.segment_filters = segment_filters_reference
    batches = []
    if mode != "file":
        mapping = map_columns(read_columns(source), schema.fields, None, path=str(source))
        batches = list(iter_batches(source, mapping, batch_rows=65_536))
    best_wall = best_cpu = float("inf")
    records = 0
    with tempfile.TemporaryDirectory() as folder:
        for attempt in range(repeats):
            cpu, wall = time.process_time(), time.perf_counter()
            if mode == "file":
                records = encode_file(source, schema, secret, Path(folder) / f"{attempt}.padan",
                                      workers=workers).records
            else:
                encoder = record_encoder.RecordEncoder(schema, secret)
                records = sum(len(encoder.encode(b.columns, np.arange(b.size)).records)
                              for b in batches)
                clear_caches()
            best_wall = min(best_wall, time.perf_counter() - wall)
            best_cpu = min(best_cpu, time.process_time() - cpu)
    return {"records": records, "wall_per_s": records / best_wall,
            "cpu_per_s": records / best_cpu if workers == 1 else None,
            "peak_rss_mib": peak_rss_mib()}


def hash_floor(source: Path) -> dict:
    """BLAKE2b calls per record of the default schema (counted while encoding the list once)
    and hashlib's cost per call here (copy of a keyed state, update, 64-byte digest): their
    product bounds any encoder that makes these calls through hashlib."""
    import hashlib

    import numpy as np

    import padan.encoder.segment_kernel as segment_kernel
    from padan.encoder.columns import map_columns
    from padan.encoder.default_schema import default_schema
    from padan.encoder.readers import iter_batches, read_columns
    from padan.encoder.record_encoder import RecordEncoder

    calls = 0
    digests = segment_kernel._digests

    def counted(salted, tokens):
        nonlocal calls
        calls += len(tokens)
        return digests(salted, tokens)

    segment_kernel._digests = counted
    schema = default_schema("benchmark")
    mapping = map_columns(read_columns(source), schema.fields, None, path=str(source))
    encoder = RecordEncoder(schema, os.urandom(32))
    records = sum(len(encoder.encode(b.columns, np.arange(b.size)).records)
                  for b in iter_batches(source, mapping, batch_rows=65_536))
    state = hashlib.blake2b(key=os.urandom(32), digest_size=64)
    inputs = [os.urandom(10) for _ in range(200_000)]
    best = float("inf")
    for _ in range(3):
        cpu = time.process_time()
        for _ in digests([state] * len(inputs), inputs):
            pass
        best = min(best, (time.process_time() - cpu) / len(inputs))
    return {"calls_per_record": calls / records, "seconds_per_call": best,
            "ceiling_per_s": 1 / (best * calls / records), "records": records,
            "wall_per_s": 0.0, "peak_rss_mib": peak_rss_mib()}


def run_child(mode: str, source: Path, repeats: int, workers: int = 1) -> dict:
    env = {**os.environ, **(ONE_THREAD if workers == 1 else {})}
    run = subprocess.run([sys.executable, __file__, "--child", mode, "--source", str(source),
                          "--repeats", str(repeats), "--workers", str(workers)],
                         capture_output=True, text=True, env=env)
    if run.returncode != 0:
        return {"error": run.stderr.strip()[-400:]}
    return json.loads(run.stdout.strip().splitlines()[-1])


def time_clkhash(source: Path, columns: dict[str, str]) -> dict:
    problem = ensure_refenv()
    if problem:
        return {"error": problem}
    order = [columns[k] for k in ("nik", "name", "birthdate", "sex")]
    run = subprocess.run([str(python()), str(CLKHASH_SCRIPT), str(source), *order],
                         capture_output=True, text=True, env={**os.environ, **ONE_THREAD})
    if run.returncode != 0:
        return {"error": run.stderr.strip()[-400:]}
    return json.loads(run.stdout)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def default_layout() -> str:
    from padan.encoder.default_schema import default_schema

    schema = default_schema("benchmark")
    return f"{len(schema.segments)} salted segments, {schema.encoded_bits:,} bits"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--all-cores", action="store_true",
                        help="also time encode_file with one process per core")
    parser.add_argument("--skip-reference", action="store_true",
                        help="leave out the per-record segments (slow) row")
    parser.add_argument("--child", choices=list(MODES), help=argparse.SUPPRESS)
    parser.add_argument("--source", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(hash_floor(args.source) if args.child == "floor" else
                         measure(args.child, args.source, args.repeats, args.workers)))
        return
    cores = os.cpu_count() or 1
    load_before = os.getloadavg()
    rows: list[tuple[str, dict]] = []
    with tempfile.TemporaryDirectory() as tmp:
        source, columns = synthetic_list(Path(tmp), args.records, args.seed)
        rows.append((MODES["file"], run_child("file", source, args.repeats)))
        rows.append((MODES["encoder"], run_child("encoder", source, args.repeats)))
        reference = time_clkhash(source, columns)
        floor = run_child("floor", source, 1)
        if not args.skip_reference:
            rows.append((MODES["reference"], run_child("reference", source, 1)))
        if args.all_cores:
            rows.append((f"padan encode_file, {cores} processes",
                         run_child("file", source, args.repeats, cores)))
    load_after = os.getloadavg()
    print(f"machine: {cpu_model()}, {cores} cores; load average (1 min) {load_before[0]:.1f} "
          f"before, {load_after[0]:.1f} after")
    print(f"{args.records:,} synthetic records (padan synth, moderate dirt, seed {args.seed}); "
          f"padan: default schema ({default_layout()}); best of {args.repeats}")
    ref_rate = reference.get("cpu_records_per_s")
    print(f"{'encoder':<40}{'rec/s per core':>15}{'rec/s wall':>12}{'peak RSS MiB':>14}"
          f"{'ratio':>8}")

    def row(name: str, result: dict) -> None:
        if "error" in result:
            print(f"{name:<40} unavailable: {result['error']}")
            return
        per_core = result.get("cpu_per_s")
        ratio = f"{per_core / ref_rate:.2f}x" if per_core and ref_rate else "n/a"
        shown = f"{per_core:,.0f}" if per_core else "n/a"
        print(f"{name:<40}{shown:>15}{result['wall_per_s']:>12,.0f}"
              f"{result['peak_rss_mib']:>14,.0f}{ratio:>8}")

    for name, result in rows:
        row(name, result)
    row("clkhash 0.18, 1 process (reference)",
        {**reference, "cpu_per_s": reference.get("cpu_records_per_s"),
         "wall_per_s": reference.get("records_per_s", 0)} if "error" not in reference
        else reference)
    print("ratio: padan's records/s per core over clkhash's (CPU time of each process)")
    if "error" in floor:
        print(f"hash floor unavailable: {floor['error']}")
    else:
        print(f"keyed BLAKE2b calls per record (default schema): {floor['calls_per_record']:.1f}"
              f"; hashlib, per call: {floor['seconds_per_call'] * 1e6:.2f} us; so at most "
              f"{floor['ceiling_per_s']:,.0f} records/s per core from hashing alone")


if __name__ == "__main__":
    main()
