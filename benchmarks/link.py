"""End-to-end link of two lists: wall time, peak memory, comparisons, pair completeness.

    python -m benchmarks.link --size 100000 [--executor inprocess|pool|dask] [--workers 2]
    python -m benchmarks.link --left a.padan --right b.padan     # real encodings, no truth

Data source: synthetic encodings (padan.linker.synthetic; cached under --cache) until real
encodings of synthetic lists are at hand, or any two encoding files. Each link runs in a fresh
subprocess so that peak memory (ru_maxrss) is the link's own. Pair completeness is measured
against a full comparison of a sample of left records with every right record: of the pairs at
or above the match threshold that full comparison finds, the share that blocking would
compare (pairs >= match threshold). Prints a markdown table; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np


def generate(cache: Path, size: int, overlap: float) -> tuple[Path, Path]:
    from padan.linker.synthetic import synthetic_pair

    folder = cache / f"{size}"
    if not (folder / "right.padan").exists():
        folder.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        made = synthetic_pair(folder, size, size, int(size * overlap), seed=2024)
        np.savez(folder / "truth.npz", left=made.true_left, right=made.true_right)
        print(f"generated {size} x {size} in {time.perf_counter() - started:.0f}s",
              file=sys.stderr)
    return folder / "left.padan", folder / "right.padan"


def run_link(left: Path, right: Path, executor_name: str, workers: int, params: dict) -> dict:
    """Body of the measuring subprocess."""
    from padan.encoder.encoding_file import open_encoding_file
    from padan.linker.engine import LinkParameters, Party, link
    from padan.linker.executors import dask_cluster, in_process, process_pool

    parties = [Party("A", open_encoding_file(left, verify=False)),
               Party("B", open_encoding_file(right, verify=False))]
    cluster = None
    if executor_name == "pool":
        executor = process_pool(workers)
    elif executor_name == "dask":
        from distributed import Client, LocalCluster

        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        executor = dask_cluster(Client(cluster))
    else:
        executor = in_process()
    started = time.perf_counter()
    result = link(parties, LinkParameters.from_dict(params), executor=executor)
    seconds = time.perf_counter() - started
    if cluster is not None:
        cluster.close()
    report = result.report
    return {"seconds": seconds, "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            / 1024, "comparisons": report.comparisons, "candidate_pairs": report.candidate_pairs,
            "groups": result.groups.groups, "timings": report.timings,
            "histogram_valley": report.histogram_valley}


def completeness(left: Path, right: Path, params: dict, sample: int, seed: int = 1) -> dict:
    """Blocking's pair completeness against a full comparison of a sample of left records."""
    from padan.encoder.encoding_file import open_encoding_file
    from padan.linker.parameters import LinkParameters
    from padan.linker.quality import blocking_quality
    from padan.linker.similarity import dice_pairs

    a, b = open_encoding_file(left, verify=False), open_encoding_file(right, verify=False)
    parameters = LinkParameters.from_dict(params)
    rows = np.sort(np.random.default_rng(seed).choice(len(a), min(sample, len(a)), False))
    full = dice_pairs(np.ascontiguousarray(a.filters[rows]), np.ascontiguousarray(b.filters),
                      parameters.match_threshold)
    quality = blocking_quality(a, b, rows[full.left], full.right, parameters)
    result = {"sample": len(rows), "full_pairs": len(full),
              "pair_completeness": quality[-1].pair_completeness,
              "per_pass": {q.name: round(q.pair_completeness, 4) for q in quality[:3]}}
    truth = left.parent / "truth.npz"
    if truth.exists():   # synthetic data: completeness against every true pair as well
        known = np.load(truth)
        result["true_pair_completeness"] = blocking_quality(
            a, b, known["left"], known["right"], parameters)[-1].pair_completeness
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, nargs="+", default=[100_000])
    parser.add_argument("--left", type=Path)
    parser.add_argument("--right", type=Path)
    parser.add_argument("--overlap", type=float, default=0.5)
    parser.add_argument("--executor", choices=["inprocess", "pool", "dask"], default="inprocess")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sample", type=int, default=2000)
    parser.add_argument("--params", default="{}", help="LinkParameters as JSON")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/padan-bench"))
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    params = json.loads(args.params)
    if args.child:
        print(json.dumps(run_link(Path(args.child[0]), Path(args.child[1]), args.executor,
                                  args.workers, params)))
        return
    jobs = ([(args.left, args.right)] if args.left
            else [generate(args.cache, size, args.overlap) for size in args.size])
    print(f"executor: {args.executor} ({args.workers} workers), params: {params or 'defaults'}")
    print("| records per list | wall s | peak MiB | comparisons | kept pairs | groups "
          "| pair completeness vs full comparison (sample) | vs all true pairs |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for left, right in jobs:
        child = subprocess.run([sys.executable, "-m", "benchmarks.link", "--child", str(left),
                                str(right), "--executor", args.executor, "--workers",
                                str(args.workers), "--params", args.params],
                               capture_output=True, text=True)
        if child.returncode != 0:
            print(child.stderr[-2000:])
            continue
        run = json.loads(child.stdout.strip().splitlines()[-1])
        quality = completeness(left, right, params, args.sample)
        from padan.encoder.encoding_file import read_header

        size = read_header(left)[0].record_count
        print(f"| {size:,} | {run['seconds']:.1f} | {run['peak_mib']:,.0f} "
              f"| {run['comparisons']:,} | {run['candidate_pairs']:,} | {run['groups']:,} "
              f"| {quality['pair_completeness']:.4f} ({quality['full_pairs']} pairs) "
              f"| {quality.get('true_pair_completeness', float('nan')):.4f} |")
        print(f"<!-- timings {run['timings']} per-pass {quality['per_pass']} "
              f"histogram valley {run['histogram_valley']} -->")


if __name__ == "__main__":
    main()
