"""Why true pairs are missed: the default run's missed cross-list pairs, by cause.

    python benchmarks/missed_pairs.py --dirt heavy            # 20,000-record lists, seed 2026
    python benchmarks/missed_pairs.py --dirt moderate --records 5000
    python benchmarks/missed_pairs.py --dirt heavy --names classic   # docs/evaluation.md's table

The lists are those of benchmarks/quality.py (two lists of `--records` from a population of four
times that). The run is the real engine with the default schema and parameters; a true pair
(two records of one synthetic person on different lists) is missed when the match band does not
put them in one group. Each missed pair is put under the first cause that holds, read off the
plain values the synthetic data keeps (the linker never sees them):

1. never compared (not a candidate pair of any blocking pass), because
   - a name is missing on either side (no match is made without the name, by design);
   - the birthdates differ (or one is missing) and the two records share neither a valid NIK nor
     a valid family card number (No KK): the name segments are salted with one of the three, so
     no pass compares them;
   - they share the birthdate, the NIK or the family card, but the names are too different to
     pass the kernel's floor, or the NIK digits veto the pair;
2. compared, but below the match threshold (the match model's probability, with the rule that a
   match needs the name);
3. above the threshold, but not put in one group (the solver's one-to-one rule, duplicates).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.quality import lists_for, without_niks  # noqa: E402
from padan.encoder.default_schema import default_schema  # noqa: E402
from padan.encoder.normalise import (  # noqa: E402
    normalise_birthdate,
    normalise_name,
    normalise_nik,
)
from padan.encoder.normalise.kk import normalise_kk  # noqa: E402
from padan.evaluation.assessment import _labels, candidate_edges  # noqa: E402
from padan.evaluation.datasets import synthetic_parties  # noqa: E402
from padan.evaluation.labelled import throwaway_secret  # noqa: E402
from padan.evaluation.truth import global_numbers  # noqa: E402
from padan.linker.engine import cross_edges, link  # noqa: E402
from padan.linker.parameters import LinkParameters  # noqa: E402
from padan.linker.results import MATCH  # noqa: E402
from padan.synth.config import DEFAULT_NAME_MODEL, NAME_MODELS  # noqa: E402

CAUSES = (
    ("name missing", "never compared: a name is missing on either side"),
    ("birthdate differs, no shared NIK",
     "never compared: birthdates differ or one is missing, and neither a valid NIK nor a family "
     "card is shared"),
    ("names too different",
     "never compared: same birthdate, NIK or family card, names below the kernel's floor (or "
     "NIK veto)"),
    ("below threshold", "compared, below the match threshold (model; the name rule)"),
    ("solver", "above the threshold, not grouped (one-to-one, duplicates)"),
)


def _plain(values: dict, row: int) -> tuple[str | None, str | None, object, str | None]:
    name = normalise_name(values["nama"][row]).value
    nik = normalise_nik(values["nik"][row]).value
    date = normalise_birthdate(values["tanggal_lahir"][row]).value
    kk = normalise_kk(values["no_kk"][row]).value if values.get("no_kk") else None   # valid only
    return name, nik, date, kk


def missed_pairs(dirt: str, records: int, missing_niks: float = 0.0,
                 names: str = DEFAULT_NAME_MODEL) -> tuple[int, int, Counter]:
    """(true cross pairs, found, causes of the missed) for one dirt level."""
    generated = lists_for(dirt, records, names)
    if missing_niks:
        generated = without_niks(generated, missing_niks)
    parties = synthetic_parties(generated, default_schema("missed"),
                                throwaway_secret(), keep_values=True)
    params = LinkParameters()
    result = link([p.party() for p in parties], params)
    sizes = [len(p) for p in parties]
    offsets, party = global_numbers(sizes)
    entity = np.concatenate([p.entity for p in parties])
    groups = _labels(result.groups, offsets, len(entity), band=MATCH)
    candidates = candidate_edges(parties, params, floor=params.keep_threshold)
    scored, match_at, _, _ = cross_edges([p.encodings for p in parties], candidates, params)
    compared = set(zip(np.minimum(candidates.a, candidates.b).tolist(),
                       np.maximum(candidates.a, candidates.b).tolist(), strict=True))
    above = set(zip(np.minimum(scored.a, scored.b)[scored.score >= match_at].tolist(),
                    np.maximum(scored.a, scored.b)[scored.score >= match_at].tolist(),
                    strict=True))

    def plain(g: int):
        p = int(party[g])
        return _plain(parties[p].values, g - int(offsets[p]))

    order = np.argsort(entity, kind="stable")
    starts = np.flatnonzero(np.r_[True, entity[order][1:] != entity[order][:-1]])
    total = found = 0
    causes: Counter = Counter()
    for rows in np.split(order, starts[1:]):
        for i, a in enumerate(rows.tolist()):
            for b in rows[i + 1:].tolist():
                if party[a] == party[b] or entity[a] < 0:
                    continue
                total += 1
                a, b = min(a, b), max(a, b)
                if groups[a] >= 0 and groups[a] == groups[b]:
                    found += 1
                elif (a, b) in above:
                    causes["solver"] += 1
                elif (a, b) in compared:
                    causes["below threshold"] += 1
                else:
                    name_a, nik_a, date_a, kk_a = plain(a)
                    name_b, nik_b, date_b, kk_b = plain(b)
                    if not name_a or not name_b:
                        causes["name missing"] += 1
                    elif (date_a is None or date_a != date_b) and not (nik_a and nik_a == nik_b) \
                            and not (kk_a and kk_a == kk_b):
                        causes["birthdate differs, no shared NIK"] += 1
                    else:
                        causes["names too different"] += 1
    return total, found, causes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dirt", default="heavy", choices=("moderate", "heavy"))
    parser.add_argument("--records", type=int, default=20000)
    parser.add_argument("--missing-niks", type=float, default=0.0, metavar="SHARE",
                        help="this share of list B's NIKs missing or dummies (quality.py's)")
    parser.add_argument("--names", choices=NAME_MODELS, default=DEFAULT_NAME_MODEL,
                        help="the synthetic lists' name model (docs/synthetic-data.md)")
    args = parser.parse_args(argv)
    total, found, causes = missed_pairs(args.dirt, args.records, args.missing_niks, args.names)
    nik_note = f", {args.missing_niks:.0%} of list B's NIKs gone" if args.missing_niks else ""
    print(f"{args.dirt} dirt{nik_note}, {args.names} names, two lists of {args.records:,} "
          f"records: {total:,} true cross pairs, "
          f"{found:,} found (pair recall {found / max(total, 1):.4f})\n")
    print("| cause | pairs | share of true pairs |")
    print("|---|---:|---:|")
    for key, label in CAUSES:
        print(f"| {label} | {causes[key]:,} | {causes[key] / max(total, 1):.2%} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
