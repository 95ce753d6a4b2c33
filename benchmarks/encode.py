"""Encoding throughput: padan against clkhash on the same synthetic Indonesian list.

Prints a table: records/s on one core (and on all cores) for padan, normalisation included, and
for clkhash (reference, in its own venv; caches cleared before each timed run), with the ratio.

    python benchmarks/encode.py --records 100000
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _reference import ensure_refenv, python

from padan.encoder.default_schema import default_schema
from padan.encoder.pipeline import encode_file
from padan.synth import DEFAULT_AGENCIES, DirtLevel, SynthConfig, generate, write_lists

CLKHASH_SCRIPT = Path(__file__).resolve().parent / "_clkhash_encode.py"


def synthetic_list(folder: Path, records: int, seed: int) -> tuple[Path, dict[str, str]]:
    agency = dataclasses.replace(DEFAULT_AGENCIES[0], size=records)
    config = SynthConfig(seed=seed, population=records * 3, agencies=(agency,),
                         dirt=DirtLevel.MODERATE)
    paths = write_lists(generate(config), folder)
    return paths[agency.name], agency.columns


def time_padan(source: Path, folder: Path, workers: int, repeats: int) -> dict:
    schema, secret = default_schema("benchmark"), os.urandom(32)
    best_wall, best_cpu, records = float("inf"), float("inf"), 0
    for attempt in range(repeats):
        cpu, wall = time.process_time(), time.perf_counter()
        summary = encode_file(source, schema, secret, folder / f"out{attempt}.padan",
                              workers=workers)
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
        records = summary.records
    return {"records": records, "seconds": best_wall, "records_per_s": records / best_wall,
            "cpu_records_per_s": records / best_cpu if workers == 1 else None}


def time_clkhash(source: Path, columns: dict[str, str]) -> dict:
    problem = ensure_refenv()
    if problem:
        return {"error": problem}
    order = [columns[k] for k in ("nik", "name", "birthdate", "sex")]
    run = subprocess.run([str(python()), str(CLKHASH_SCRIPT), str(source), *order],
                         capture_output=True, text=True)
    if run.returncode != 0:
        return {"error": run.stderr.strip()[-400:]}
    return json.loads(run.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source, columns = synthetic_list(folder, args.records, args.seed)
        one = time_padan(source, folder, 1, args.repeats)
        cores = os.cpu_count() or 1
        many = time_padan(source, folder, cores, args.repeats)
        reference = time_clkhash(source, columns)
    print(f"machine: {platform.processor() or platform.machine()}, {cores} cores; "
          f"{args.records} synthetic records (moderate dirt), 1024-bit filters")
    print(f"{'encoder':<32}{'records/s':>14}{'ratio to clkhash':>20}")
    ref_rate = reference.get("records_per_s")

    def row(name: str, rate: float | None) -> None:
        ratio = f"{rate / ref_rate:.2f}x" if rate and ref_rate else "n/a"
        shown = f"{rate:,.0f}" if rate else "n/a"
        print(f"{name:<32}{shown:>14}{ratio:>20}")

    row("padan, 1 core (wall)", one["records_per_s"])
    row("padan, 1 core (CPU time)", one["cpu_records_per_s"])
    row(f"padan, {cores} processes (wall)", many["records_per_s"])
    row("clkhash 1 core (reference)", ref_rate)
    if "error" in reference:
        print(f"clkhash reference unavailable: {reference['error']}")


if __name__ == "__main__":
    main()
