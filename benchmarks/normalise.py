"""Microseconds per call of each normaliser, on clean and on dirty synthetic inputs.

    python benchmarks/normalise.py [--calls N] [--repeats R]

Prints a table; no assertions (speed is measured here, never in tests). The pipeline calls the
normalisers once per distinct value, but NIKs are nearly all distinct, so the clean-NIK row is
the one that bounds the encoder's 100,000 records/s per core.
"""

from __future__ import annotations

import argparse
import datetime
import random
import time
from collections.abc import Callable

from padan.encoder.normalise import (
    clear_caches,
    name_code,
    normalise_birthdate,
    normalise_name,
    normalise_nik,
    normalise_sex,
)

_FIRST = ["Siti", "Sri", "Budi", "Agus", "Dewi", "Eko", "Nur", "Ahmad", "Rina", "Made", "Putu"]
_LAST = ["Wahyuni", "Santoso", "Hidayat", "Lestari", "Nurhayati", "Sutrisno", "Siregar", "Sudarma"]


def _niks(rng: random.Random, count: int) -> list[str]:
    niks = []
    for _ in range(count):
        day = rng.randint(1, 28) + rng.choice((0, 40))
        niks.append(
            f"{rng.choice((11, 31, 32, 33, 35, 73, 94))}{rng.randint(1, 69):02d}"
            f"{rng.randint(1, 40):02d}{day:02d}{rng.randint(1, 12):02d}{rng.randint(0, 99):02d}"
            f"{rng.randint(1, 9999):04d}"
        )
    return niks


def _cases(rng: random.Random, count: int) -> dict[str, tuple[Callable[[object], object], list]]:
    niks = _niks(rng, count)
    clean_names = [f"{rng.choice(_FIRST)} {rng.choice(_LAST)}".upper() for _ in range(count)]
    dirty_names = [
        f"Hj. {rng.choice(_FIRST)} Soe{rng.choice(_LAST).lower()}, S.Pd." for _ in range(count)
    ]
    dates = [datetime.date(1950, 1, 1) + datetime.timedelta(rng.randint(0, 25_000)) for _ in niks]
    return {
        "nik clean str": (normalise_nik, niks),
        "nik apostrophe": (normalise_nik, ["'" + nik for nik in niks]),
        "nik int (xlsx)": (normalise_nik, [int(nik) for nik in niks]),
        "nik scientific": (normalise_nik, [f"{int(nik):.5E}" for nik in niks]),
        "nik dummy": (normalise_nik, ["BELUM ADA"] * count),
        "name clean": (normalise_name, clean_names),
        "name titles+degree": (normalise_name, dirty_names),
        "name_code": (name_code, [name.lower() for name in clean_names]),
        "birthdate date object": (normalise_birthdate, dates),
        "birthdate dd-mm-yyyy": (normalise_birthdate, [d.strftime("%d-%m-%Y") for d in dates]),
        "birthdate '5 Januari 1980'": (
            normalise_birthdate,
            [f"{d.day} {('Januari', 'Agt', 'Okt', 'Des')[d.month % 4]} {d.year}" for d in dates],
        ),
        "birthdate excel serial": (normalise_birthdate, [rng.randint(20_000, 40_000)] * count),
        "sex 'L'": (normalise_sex, ["L"] * count),
        "sex 'laki-laki'": (normalise_sex, ["laki-laki"] * count),
    }


def _time(function: Callable[[object], object], inputs: list) -> float:
    """Seconds per call; caches start empty, as at the start of a run."""
    clear_caches()
    started = time.perf_counter()
    for value in inputs:
        function(value)
    return (time.perf_counter() - started) / len(inputs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=50_000)
    parser.add_argument("--repeats", type=int, default=3, help="the best of these runs counts")
    args = parser.parse_args()
    rng = random.Random(2)
    print(f"{'case':<30} {'us/call':>8} {'calls/s':>12}")
    for label, (function, inputs) in _cases(rng, args.calls).items():
        per_call = min(_time(function, inputs) for _ in range(args.repeats))
        print(f"{label:<30} {per_call * 1e6:>8.2f} {1 / per_call:>12,.0f}")


if __name__ == "__main__":
    main()
