"""Benchmark: a monthly update of 1 % of a list, linked incrementally vs a full re-run.

Two lists of N and N/2 records; month 2 changes a share of the first list's records (a third
removed, a third changed, a third added). Two kinds of lists:

  --lists clk      (the default) padan.linker.synthetic: CLK-like random filters with NIK tokens
                   and two blocking keys, far denser in candidate pairs than real encodings
  --lists encoded  real encodings: `padan synth` lists encoded with the default schema, month 2
                   a new version encoded with --key-column/--previous (benchmarks/_monthly_lists.py;
                   kept under --cache, so a rerun skips the synthesis and encoding)

Measured in one process, one after the other, so both see the same load:

  build   the incremental run from nothing (every record dirty: a full run, plus the state)
  update  month 2 from month 1's state: only the changed records are compared
  full    engine.link on month 2's lists, as every sync did before

and it checks that the update's groups equal the full run's.

Usage: python benchmarks/incremental.py [--records 1000000] [--share 0.01]
                                       [--lists encoded --cache FOLDER]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

import numpy as np
from _monthly_lists import monthly_lists

from padan.encoder.encoding_file import open_encoding_file, write_encoding_file
from padan.linker.engine import LinkParameters, Party, link
from padan.linker.incremental import update
from padan.linker.synthetic import filters_of, people, synthetic_pair


def month_two(path: Path, out: Path, share: float, seed: int) -> dict:
    """A copy of the list at `path` with `share` of its records removed, changed or added."""
    rng = np.random.default_rng(seed)
    source = open_encoding_file(path)
    records = np.array(source.records)
    n = len(records)
    third = max(int(n * share / 3), 1)
    chosen = rng.choice(n, size=2 * third, replace=False)
    removed, changed = chosen[:third], chosen[third:]
    newcomers = people(2 * third, seed + 1)
    fresh = filters_of(newcomers, source.header.filter_bits, seed=7, flips=40,
                       rng=np.random.default_rng(seed + 2))
    records["filter"][changed] = fresh[:third]
    added = records[rng.choice(n, size=third)].copy()
    added["filter"] = fresh[third:]
    added["identity"] = newcomers.identity[third:]
    added["pseudo_id"] = rng.choice(2**62, size=third, replace=False).astype(np.uint64) + 2**62
    kept = np.ones(n, bool)
    kept[removed] = False
    records = np.concatenate([records[kept], added])
    header = source.header.model_copy(update={"record_count": len(records)})
    write_encoding_file(out, header, records.astype(source.records.dtype))
    return {"removed": third, "changed": third, "added": third}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000, help="records of list 1")
    parser.add_argument("--share", type=float, default=0.01, help="share of list 1 changed")
    parser.add_argument("--lists", choices=("clk", "encoded"), default="clk",
                        help="CLK-like random lists, or real encodings of synthetic lists")
    parser.add_argument("--cache", type=Path, help="--lists encoded: the folder that keeps the "
                        "lists and encodings between runs (default: a temporary one)")
    args = parser.parse_args()
    params = LinkParameters()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        made = {}
        if args.lists == "clk":
            pair = synthetic_pair(folder, args.records, args.records // 2, args.records // 4,
                                  seed=11)
            changes = month_two(pair.left, folder / "left-2.padan", args.share, seed=3)
            paths = pair.left, folder / "left-2.padan", pair.right
        else:
            lists = monthly_lists(args.cache or folder, args.records, args.share)
            changes, paths = lists.changes, (lists.month_one, lists.month_two, lists.other)
            made = {"delta": lists.delta, "made_s": {k: round(v, 1)
                                                     for k, v in lists.seconds.items()}}
        one = [Party("A", open_encoding_file(paths[0])), Party("B", open_encoding_file(paths[2]))]
        two = [Party("A", open_encoding_file(paths[1])), one[1]]
        # month 2's new file read once before the clocks start, as the build read month 1's:
        # else the update, timed first, pays alone for bringing it in from disk
        int(np.asarray(two[0].encodings.records["pseudo_id"]).sum())
        update(None, [Party("A", one[0].encodings)], params)   # compile the kernels first
        started = time.perf_counter()
        built = update(None, one, params)
        build_s = time.perf_counter() - started
        started = time.perf_counter()
        month = update(built.standing, two, params)
        update_s = time.perf_counter() - started
        started = time.perf_counter()
        full = link(two, params)
        full_s = time.perf_counter() - started
        equal = all(np.array_equal(getattr(month.result.groups, c), getattr(full.groups, c))
                    for c in ("group_id", "party", "pseudo_id", "band"))
    print(json.dumps({
        "lists": args.lists, "records": [args.records, args.records // 2],
        "share": args.share, "changes": changes, **made,
        "update_saw": {name: change.to_dict() for name, change in month.changes.items()},
        "build_s": round(build_s, 2), "update_s": round(update_s, 2),
        "update_comparing_s": round(month.seconds["comparing"], 2),
        "update_after_comparing_s": round(update_s - month.seconds["comparing"], 2),
        "full_s": round(full_s, 2),
        "full_comparing_s": round(full.report.timings["scoring"], 2),
        "full_after_comparing_s": round(full_s - full.report.timings["scoring"], 2),
        "speedup": round(full_s / update_s, 2),
        "comparisons": {"update": month.comparisons, "build": built.comparisons},
        "candidate_pairs": month.result.report.candidate_pairs,
        "groups_equal": equal, "cpus": os.cpu_count(),
        "load_1min": [round(load_before, 1), round(os.getloadavg()[0], 1)]}, indent=1))


if __name__ == "__main__":
    main()
