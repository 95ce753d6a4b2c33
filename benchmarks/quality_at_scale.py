"""Precision and recall of the match band at 1 M, 3 M, 10 M records per list, by the CLI, with
memory bounded: each step (synth, encode A and B in parallel, link) is its own process under
/usr/bin/time, and the evaluation joins the files the steps wrote as int64 arrays.

    python benchmarks/quality_at_scale.py --sizes 1000000,3000000 --folder /tmp/scale
    python benchmarks/quality_at_scale.py --sizes 10000000 --folder /tmp/scale --limit-gib 18
    python benchmarks/quality_at_scale.py --sizes 10000000 --folder /tmp/scale --memory-gib 8

Per size N: `padan synth --seed 3 --population 3N --agencies A:N,B:N --names realistic --format
parquet`, `padan encode` of each list (default schema, a fresh key), `padan link` at the
defaults (match model, automatic threshold). Then the run's NAME.results.csv (link rows of the
match band: pseudo-id -> group), the encoder's NAME.idmap.csv (row -> pseudo-id) and the synth
truth.csv (row -> person) give, per encoded record, its person and its group; the counts are
those of padan.evaluation.assessment.assess (links: cross-list pairs in match-band groups
against the cross-list pairs of one person, within-list repeats counted in both). Prints one
markdown row per size, and each step's wall seconds and peak RSS.

With --memory-gib, each encode and the link run in a memory cgroup of that size (needs root;
benchmarks/_cgroup.py says why a cgroup and not the peak RSS), the page cache dropped before
each (pages cached earlier stay charged to whoever read them): a step that finishes there fits
a machine of that size. The cgroup's peak charge and OOM kills are printed under the row. The
synth step (test data, not part of the pipeline) runs outside it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shlex
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._cgroup import MemoryCgroup, control  # noqa: E402
from padan.evaluation.metrics import Quality  # noqa: E402
from padan.evaluation.pair_counts import link_counts  # noqa: E402

AGENCIES = ("A", "B")
PADAN = os.environ.get("PADAN") or str(Path(sys.executable).with_name("padan"))


# -- reading the files ------------------------------------------------------------------------

_NIBBLE = np.full(256, 255, np.uint8)
for _i, _c in enumerate(b"0123456789abcdef"):
    _NIBBLE[_c] = _i


def pseudo_id_values(texts: pa.ChunkedArray) -> np.ndarray:
    """uint64 values of pseudo-ids in the text form ('p' + 16 hex digits), without a Python
    object per id."""
    parts = []
    for chunk in texts.chunks:
        chunk = chunk.cast(pa.string())
        offsets = np.frombuffer(chunk.buffers()[1], np.int32)[chunk.offset:
                                                              chunk.offset + len(chunk) + 1]
        if len(chunk) and (chunk.null_count or np.any(np.diff(offsets) != 17)):
            raise ValueError("a pseudo-id is not 'p' and 16 hex digits")
        data = np.frombuffer(chunk.buffers()[2], np.uint8)[offsets[0]:offsets[-1]]
        digits = _NIBBLE[data.reshape(-1, 17)[:, 1:]]
        if np.any(digits == 255):
            raise ValueError("a pseudo-id is not 'p' and 16 hex digits")
        value = np.zeros(len(chunk), np.uint64)
        for column in range(16):
            value = (value << np.uint64(4)) | digits[:, column].astype(np.uint64)
        parts.append(value)
    return np.concatenate(parts) if parts else np.zeros(0, np.uint64)


def _csv(path: Path, types: dict[str, pa.DataType]) -> pa.Table:
    return pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(
        column_types=types, include_columns=list(types)))


def list_labels(folder: Path, agency: str, truth: pa.Table, run: str = "run"
                ) -> tuple[np.ndarray, np.ndarray]:
    """Person and match-band group of every encoded record of `agency` (id map order)."""
    id_map = _csv(folder / f"{agency}.idmap.csv", {"row": pa.int64(), "pseudo_id": pa.string()})
    rows = id_map.column("row").to_numpy()
    pseudo = pseudo_id_values(id_map.column("pseudo_id"))
    del id_map
    mine = truth.filter(pc.equal(truth.column("agency"), agency))
    truth_rows = mine.column("row").to_numpy()
    truth_person = mine.column("person_id").to_numpy()
    order = np.argsort(truth_rows, kind="stable")
    at = np.searchsorted(truth_rows, rows, sorter=order)
    found = at < len(order)
    found[found] = truth_rows[order[at[found]]] == rows[found]
    person = np.full(len(rows), -1, np.int64)
    person[found] = truth_person[order[at[found]]]

    results = _csv(folder / run / f"{agency}.results.csv",
                   {"pseudo_id": pa.string(), "kind": pa.string(), "group_id": pa.int64(),
                    "band": pa.string()})
    links = results.filter(pc.and_(pc.equal(results.column("kind"), "link"),
                                   pc.equal(results.column("band"), "match")))
    # with two lists a record has one link row (one other agency); keep the first anyway
    linked, first = np.unique(pseudo_id_values(links.column("pseudo_id")), return_index=True)
    groups = links.column("group_id").to_numpy()[first]
    by_pid = np.argsort(pseudo)
    at = np.searchsorted(pseudo, linked, sorter=by_pid)
    if np.any(at >= len(pseudo)) or np.any(pseudo[by_pid[np.minimum(at, len(pseudo) - 1)]]
                                           != linked):
        raise ValueError(f"{agency}: a linked pseudo-id is not in the id map")
    group = np.full(len(rows), -1, np.int64)
    group[by_pid[at]] = groups
    return person, group


def largest_blocks(folder: Path, top: int = 2) -> list[str]:
    """Per blocking pass of the run's defaults, its `top` largest buckets met by both lists, as
    "pass: A records x B records" (the report counts only the oversized ones)."""
    from padan.encoder.encoding_file import open_encoding_file
    from padan.linker.blocking import LshSettings, pass_keys, plan_passes, resolve_blocking
    from padan.linker.parameters import LinkParameters

    params = LinkParameters()
    lists = [open_encoding_file(folder / f"{a}.padan") for a in AGENCIES]
    header = lists[0].header
    passes = plan_passes(resolve_blocking(params.blocking, params.lsh_auto_min_identity, lists),
                         header.blocking_keys, params.lsh_bands, header.segments)
    lsh = LshSettings(params.lsh_bands, params.lsh_bits, params.lsh_seed)
    cells = []
    for spec in passes:
        (keys_a, count_a), (keys_b, count_b) = (
            np.unique(keys[keys != 0], return_counts=True)
            for keys in (pass_keys(encodings, spec, lsh) for encodings in lists))
        _, in_a, in_b = np.intersect1d(keys_a, keys_b, assume_unique=True, return_indices=True)
        sizes = sorted(zip(count_a[in_a].tolist(), count_b[in_b].tolist(), strict=True),
                       key=lambda ab: -ab[0] * ab[1])[:top]
        cells.append(f"{spec.name}: " + ", ".join(f"{a:,}×{b:,}" for a, b in sizes))
    return cells


def _truth(folder: Path) -> pa.Table:
    return _csv(folder / "lists" / "truth.csv",
                {"agency": pa.string(), "row": pa.int64(), "person_id": pa.int64()})


Labels = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def run_labels(folder: Path, run: str = "run") -> Labels:
    """(person, group) of every encoded record of A, then of B (list_labels)."""
    truth = _truth(folder)
    first, second = (list_labels(folder, a, truth, run) for a in AGENCIES)
    return first, second


def evaluate(labels: Labels) -> Quality:
    (person_a, group_a), (person_b, group_b) = labels
    return link_counts(person_a, group_a, person_b, group_b)


def _encoded_rows(folder: Path, agency: str, encodings, idmap_rows: np.ndarray) -> np.ndarray:
    """Rows of the encoding file holding the records at `idmap_rows` (the encoder sorts its
    records by blocking key, so the file's order is not the id map's)."""
    pseudo = pseudo_id_values(_csv(folder / f"{agency}.idmap.csv", {"pseudo_id": pa.string()})
                              .column("pseudo_id"))[idmap_rows]
    stored = np.asarray(encodings.records["pseudo_id"], np.uint64)
    order = np.argsort(stored)
    return order[np.searchsorted(stored, pseudo, sorter=order)]


def false_matches(folder: Path, labels: Labels, links: Quality) -> dict[str, int]:
    """What the false links of a run look like: the group's shape (one record of each list, or
    more: a within-list duplicate pulled in) and, for one-to-one false links, what the linker
    saw (the NIK digits of the veto segment on both sides or not, their Dice, the same keyed NIK)
    and, read off the synthetic lists, whether the names are spelled the same. Counts only."""
    import pyarrow.parquet as pq

    from padan.encoder.encoding_file import open_encoding_file
    from padan.encoder.normalise import normalise_birthdate
    from padan.encoder.normalise.kk import normalise_kk
    from padan.linker.parameters import LinkParameters
    from padan.linker.similarity import rowwise_dice

    (person_a, group_a), (person_b, group_b) = labels
    groups = int(max(group_a.max(initial=-1), group_b.max(initial=-1))) + 1
    size_a = np.bincount(group_a[group_a >= 0], minlength=groups)
    size_b = np.bincount(group_b[group_b >= 0], minlength=groups)
    one = (size_a == 1) & (size_b == 1)
    rows_a, rows_b = (np.flatnonzero((g >= 0) & one[np.maximum(g, 0)]) for g in (group_a,
                                                                                   group_b))
    rows_a, rows_b = rows_a[np.argsort(group_a[rows_a])], rows_b[np.argsort(group_b[rows_b])]
    wrong = person_a[rows_a] != person_b[rows_b]
    rows_a, rows_b = rows_a[wrong], rows_b[wrong]
    out = {"false links": links.false_positives,
           "in groups of one record of each list": len(rows_a)}
    out["in larger groups (within-list duplicates)"] = out["false links"] - len(rows_a)

    lists = [open_encoding_file(folder / f"{a}.padan") for a in AGENCIES]
    at_a, at_b = (_encoded_rows(folder, a, e, r)
                  for a, e, r in zip(AGENCIES, lists, (rows_a, rows_b), strict=True))
    veto = next(s for s in lists[0].header.segments if s.purpose == "veto")
    words = slice(veto.start // 64, (veto.start + veto.bits) // 64)
    dice, both = rowwise_dice(np.ascontiguousarray(lists[0].filters[at_a, words]),
                              np.ascontiguousarray(lists[1].filters[at_b, words]))
    identity = [np.asarray(e.records["identity"])[at] for e, at in zip(lists, (at_a, at_b),
                                                                       strict=True)]
    threshold = LinkParameters().veto_threshold
    out["NIK digits on one side or neither (no veto)"] = int((~both).sum())
    out[f"NIK digits on both sides, veto Dice >= {threshold}"] = int((both & (dice >= threshold))
                                                                     .sum())
    out[f"NIK digits on both sides, veto Dice < {threshold}"] = int((both & (dice < threshold))
                                                                    .sum())
    out["the same keyed NIK"] = int(((identity[0] == identity[1]) & (identity[0] != 0)).sum())
    columns = ["NAMA", "TGL_LAHIR", "NO_KK"]
    tables = [pq.read_table(folder / "lists" / f"{a}.parquet", columns=columns)
              for a in AGENCIES]
    spreadsheet = [_csv(folder / f"{a}.idmap.csv", {"row": pa.int64()}).column("row").to_numpy()
                   for a in AGENCIES]
    counts = dict.fromkeys(("names spelled the same", "a name missing on a side",
                            "the same birthdate", "the same valid family card (No KK)"), 0)
    for i, j in zip(rows_a, rows_b, strict=True):
        # row 1 of a list is its header
        a, b = ({c: table.column(c)[int(rows[k]) - 2].as_py() for c in columns}
                for table, rows, k in zip(tables, spreadsheet, (i, j), strict=True))
        name_a, name_b = ((v["NAMA"] or "").strip() for v in (a, b))
        counts["names spelled the same"] += name_a == name_b
        counts["a name missing on a side"] += not name_a or not name_b
        dates = [normalise_birthdate(v["TGL_LAHIR"]).value for v in (a, b)]
        counts["the same birthdate"] += dates[0] is not None and dates[0] == dates[1]
        cards = [normalise_kk(v["NO_KK"]).value for v in (a, b)]   # a value only when valid
        counts["the same valid family card (No KK)"] += (cards[0] is not None
                                                         and cards[0] == cards[1])
    return {**out, **counts}


# -- running the steps ------------------------------------------------------------------------

def _timed(name: str, folder: Path, command: list[str], limit_gib: float | None,
           memory_gib: float | None = None) -> subprocess.Popen:
    """Start a step under /usr/bin/time; with limit_gib, under that address-space limit (a step
    past it fails with MemoryError instead of waking the OOM killer on a shared machine); with
    memory_gib, in a memory cgroup of that size (its peak and OOM kills go to NAME.cgroup)."""
    group = (MemoryCgroup.cold(f"padan-bench-{name}", int(memory_gib * 2**30))
             if memory_gib else None)

    def limit() -> None:
        if group:
            group.enter()
        if limit_gib:
            size = int(limit_gib * 2**30)
            resource.setrlimit(resource.RLIMIT_AS, (size, size))

    log = open(folder / f"{name}.log", "w")   # noqa: SIM115 (closed with the process)
    process = subprocess.Popen(["/usr/bin/time", "-f", "%e %M", "-o",
                                str(folder / f"{name}.time"), *command], cwd=folder, stdout=log,
                               stderr=subprocess.STDOUT, preexec_fn=limit)
    process.cgroup = group   # read and removed by _wait
    return process


def _wait(folder: Path, *processes: tuple[str, subprocess.Popen]) -> None:
    for name, process in processes:
        code = process.wait()
        group = getattr(process, "cgroup", None)
        if group:
            (folder / f"{name}.cgroup").write_text(json.dumps({
                "limit_gib": group.limit_bytes / 2**30,
                "peak_gb": (group.peak_bytes() or 0) / 1e9, "oom_kills": group.oom_kills()}))
            group.remove()
        if code != 0:
            sys.exit(f"{name} failed: see {folder / (name + '.log')} and {name}.time")


def step_cost(folder: Path, name: str) -> tuple[float, float]:
    """Wall seconds and peak RSS (GB) of a step from its /usr/bin/time line."""
    seconds, kilobytes = (folder / f"{name}.time").read_text().split()[-2:]
    return float(seconds), int(kilobytes) / 1e6


def _done(folder: Path, name: str, output: str) -> bool:
    """A step is reused when it was timed and its output is there (a failed one is rerun)."""
    return (folder / f"{name}.time").exists() and (folder / output).exists()


def run_size(records: int, folder: Path, limit_gib: float | None = None, run: str = "run",
             link_options: tuple[str, ...] = (), memory_gib: float | None = None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    if not _done(folder, "synth", "lists/truth.csv"):
        _wait(folder, ("synth", _timed("synth", folder, [
            PADAN, "synth", "--seed", "3", "--population", str(3 * records), "--agencies",
            f"A:{records},B:{records}", "--names", "realistic", "--format", "parquet",
            "--out", "lists"], limit_gib)))
    for setup in (["keygen", "key.bin"], ["schema", "init", "schema.toml"]):
        if not (folder / setup[-1]).exists():
            subprocess.run([PADAN, *setup], cwd=folder, check=True, capture_output=True)
    encodes = [(f"encode-{a}", _timed(f"encode-{a}", folder, [
        PADAN, "encode", f"lists/{a}.parquet", "--schema", "schema.toml", "--key-file",
        "key.bin", "--out", f"{a}.padan"], limit_gib, memory_gib)) for a in AGENCIES
        if not _done(folder, f"encode-{a}", f"{a}.padan")]
    _wait(folder, *encodes)
    step = "link" if run == "run" else f"link-{run}"
    if not _done(folder, step, f"{run}/report.json"):
        _wait(folder, (step, _timed(step, folder, [
            PADAN, "link", *(f"{a}={a}.padan" for a in AGENCIES), "--out", run,
            *link_options], limit_gib, memory_gib)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000000,3000000",
                        help="records per list, comma-separated")
    parser.add_argument("--folder", type=Path, default=Path("padan-scale"),
                        help="one sub-folder per size; steps already timed there are reused")
    parser.add_argument("--limit-gib", type=float, default=None,
                        help="address-space limit of each step (e.g. 18 on a 24 GiB machine)")
    parser.add_argument("--memory-gib", type=float, default=None,
                        help="run each encode and the link in a memory cgroup of this size "
                             "(root): it finishes there only if it fits a machine that size")
    parser.add_argument("--run", default="run",
                        help="the link's output folder in each size's folder: another name "
                             "links the same encodings again, with --link-options")
    parser.add_argument("--link-options", default="",
                        help="more options for padan link, e.g. \"--max-block-size 4000\"")
    parser.add_argument("--false-matches", action="store_true",
                        help="also print what the false links look like (group shape, NIKs)")
    args = parser.parse_args()
    if args.memory_gib:
        print(control(), flush=True)
    print("| records per list | precision | recall | F1 | false matches | per million records "
          "| synth s / GB | encode A, B s / GB (parallel) | link s / GB | evaluate s / GB "
          "| comparisons | oversized blocks | largest blocks (A × B records) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for records in (int(n) for n in args.sizes.split(",")):
        folder = args.folder / str(records)
        run_size(records, folder, args.limit_gib, args.run, tuple(shlex.split(args.link_options)),
                 args.memory_gib)
        started = time.perf_counter()
        labels = run_labels(folder, args.run)
        links = evaluate(labels)
        print(f"{records:,}: {links}", file=sys.stderr)
        blocks = largest_blocks(folder)
        evaluated = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6   # KB -> GB, so far
        synth, enc_a, enc_b, link = (step_cost(folder, n) for n in (
            "synth", "encode-A", "encode-B", "link" if args.run == "run" else f"link-{args.run}"))
        report = json.loads((folder / args.run / "report.json").read_text())["report"]
        passes = report.get("passes", [])
        comparisons = sum(p.get("comparisons", 0) for p in passes)
        oversized = sum(p.get("oversized_blocks", 0) for p in passes)
        print(f"| {records:,} | {links.precision:.4f} | {links.recall:.4f} | {links.f1:.4f} | "
              f"{links.false_positives:,} | {links.false_positives * 1e6 / (2 * records):,.0f} "
              f"| {synth[0]:.0f} / {synth[1]:.1f} | {enc_a[0]:.0f}, {enc_b[0]:.0f} / "
              f"{max(enc_a[1], enc_b[1]):.1f} | {link[0]:.0f} / {link[1]:.1f} | "
              f"{evaluated:.0f} / {peak:.1f} | {comparisons:,} | {oversized:,} | "
              f"{'; '.join(blocks)} |", flush=True)
        for step in ("encode-A", "encode-B", "link" if args.run == "run" else f"link-{args.run}"):
            if (folder / f"{step}.cgroup").exists():
                group = json.loads((folder / f"{step}.cgroup").read_text())
                print(f"    {step} in a {group['limit_gib']:g} GiB memory cgroup: finished, "
                      f"peak charge {group['peak_gb']:.1f} GB (file pages included), "
                      f"OOM kills {group['oom_kills']}", flush=True)
        if args.false_matches:
            for kind, count in false_matches(folder, labels, links).items():
                print(f"    {kind}: {count:,}", flush=True)


if __name__ == "__main__":
    main()
