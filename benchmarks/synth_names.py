"""How realistic the synthetic population is: name frequencies, NIK serials and placeholder
birthdates of each name model against the e-KTP and Dukcapil figures (docs/synthetic-data.md).

    python benchmarks/synth_names.py --people 1000000
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from padan.synth.agencies import rng_for  # noqa: E402
from padan.synth.config import NAME_MODELS  # noqa: E402
from padan.synth.population import generate_population, split_date  # noqa: E402

# What the rows are compared with: e-KTP names of January 2025 and Dukcapil's 2019 counts of
# placeholder birthdates (docs/INDONESIA.md), both over about 280-288 M people.
TARGET = {"top name": "0.09 % (Nurhayati)", "10th name": "about 0.04 %",
          "1 Jul": "3.6 %", "31 Dec": "2.0 %", "1 Jan": "0.9 %"}


def measure(people: int, names: str, seed: int) -> dict[str, str]:
    population = generate_population(rng_for(seed, "population"), people, names)
    counts = Counter(name.upper() for name in population.name.to_pylist())
    ranked = counts.most_common(10)
    serial = population.nik % 10_000
    _, month, day = split_date(population.birthdate)
    on = {label: np.mean((month == m) & (day == d))
          for label, (m, d) in (("1 Jul", (7, 1)), ("31 Dec", (12, 31)), ("1 Jan", (1, 1)))}
    return {
        "top name": f"{ranked[0][1] / people:.3%} ({ranked[0][0].title()})",
        "10th name": f"{ranked[-1][1] / people:.3%}",
        "distinct names per 1 M people": f"{len(counts) / people * 1e6:,.0f}",
        "people with a name no one else has":
            f"{sum(c for c in counts.values() if c == 1) / people:.1%}",
        "one-word names": f"{sum(c for n, c in counts.items() if ' ' not in n) / people:.1%}",
        "NIK serial 0001": f"{np.mean(serial == 1):.1%}",
        "NIK serial, 99th percentile": f"{np.percentile(serial, 99):.0f}",
        **{label: f"{share:.2%}" for label, share in on.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rows = {names: measure(args.people, names, args.seed) for names in NAME_MODELS}
    print(f"| {args.people:,} people, seed {args.seed} | " + " | ".join(NAME_MODELS)
          + " | real |")
    print("|---|" + "---|" * (len(NAME_MODELS) + 1))
    for key in rows[NAME_MODELS[0]]:
        print(f"| {key} | " + " | ".join(rows[n][key] for n in NAME_MODELS)
              + f" | {TARGET.get(key, '–')} |")


if __name__ == "__main__":
    main()
