"""Two months of real encodings for benchmarks/incremental.py (`--lists encoded`).

The lists are made the way agencies make them: `padan synth` (its default, realistic names;
population 3× the first list) writes agency A's list (N records plus the month-2 newcomers) and
agency B's (N/2), each row of A gets a record key (its ID in the agency's system), and the
default schema encodes them. Month 2 is a new version of A's list, edited as a monthly update
edits one: `share` of its records, a third removed, a third changed (one identifying field
corrected: a letter of the name, the birthdate by a day, or a digit of the NIK's serial), a
third added (rows of A's synthetic list held back from month 1: people like the others, some of
them on B's list too). It is encoded with `--key-column ID --previous` (padan.encoder.
list_versions), so the unchanged and changed rows keep their pseudo-ids and the delta is
written beside it, as `padan encode` does for an agency.

Everything is written under a cache folder and reused when the same lists are asked for again.
"""

from __future__ import annotations

import datetime
import json
import os
import random
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from padan.encoder.default_schema import default_schema
from padan.encoder.pipeline import encode_file
from padan.synth import SynthConfig, parse_agencies, write_generated
from padan.synth.name_noise import typo

KEY = "ID"
SEED = 3


@dataclass(frozen=True, slots=True)
class MonthlyLists:
    month_one: Path     # A's first version (N records)
    month_two: Path     # A's second version, encoded with --previous month_one
    other: Path         # B's list (N/2 records)
    changes: dict       # what the month-2 CSV edits: removed, changed (by field), added
    delta: dict         # what `padan encode --previous` found: added, changed, removed, unchanged
    seconds: dict       # synth and each encoding, when made (empty when read from the cache)


def monthly_lists(cache: Path, records: int, share: float) -> MonthlyLists:
    """The lists for `records` and `share`, from `cache` when made before."""
    folder = cache / f"encoded-{records}-{share:g}"
    done = folder / "lists.json"
    if done.exists():
        made = json.loads(done.read_text())
        return MonthlyLists(folder / "A-1.padan", folder / "A-2.padan", folder / "B.padan",
                            made["changes"], made["delta"], {})
    third = max(int(records * share / 3), 1)
    agencies = parse_agencies(f"A:{records + third},B:{records // 2}")
    seconds = {}
    started = _now()
    written = write_generated(SynthConfig(seed=SEED, population=3 * records, agencies=agencies),
                              folder / "lists", fmt="parquet")
    seconds["synth"] = _now() - started
    table = pq.read_table(written["A"])
    table = table.append_column(KEY, pa.array([f"A{row:09d}" for row in range(len(table))]))
    one, newcomers = table.slice(0, records), table.slice(records)
    two, changes = _month_two(one, newcomers, third, agencies[0])
    pq.write_table(one, folder / "A-1.parquet")
    pq.write_table(two, folder / "A-2.parquet")
    schema, secret = default_schema("incremental"), os.urandom(32)
    for name, source, options in (
            ("B", written["B"], {}),
            ("A-1", folder / "A-1.parquet", {"key_column": KEY}),
            ("A-2", folder / "A-2.parquet", {"key_column": KEY,
                                             "previous": folder / "A-1.padan"})):
        started = _now()
        summary = encode_file(source, schema, secret, folder / f"{name}.padan", **options)
        seconds[f"encode {name}"] = _now() - started
    delta = summary.delta.to_dict()
    done.write_text(json.dumps({"changes": changes, "delta": delta, "seconds": seconds},
                               indent=1) + "\n")
    return MonthlyLists(folder / "A-1.padan", folder / "A-2.padan", folder / "B.padan",
                        changes, delta, seconds)


def _now() -> float:
    return time.perf_counter()


def _month_two(one: pa.Table, newcomers: pa.Table, third: int, spec) -> tuple[pa.Table, dict]:
    """Month 1's rows less `third` removed, with `third` changed, plus the newcomers."""
    rng = np.random.default_rng(SEED)
    chosen = rng.choice(len(one), size=2 * third, replace=False)
    removed, changed = np.sort(chosen[:third]), np.sort(chosen[third:])
    columns = {name: one.column(name).to_pylist() for name in
               (spec.columns["name"], spec.columns["birthdate"], spec.columns["nik"])}
    edits = _Edits(spec, columns, random.Random(SEED))
    for row in changed.tolist():
        edits.change(row)
    edited = one
    for name, values in columns.items():
        edited = edited.set_column(edited.schema.get_field_index(name), name,
                                   pa.array(values, one.schema.field(name).type))
    kept = np.ones(len(one), bool)
    kept[removed] = False
    two = pa.concat_tables([edited.filter(pa.array(kept)), newcomers])
    return two, {"removed": third, "changed": edits.counts, "added": len(newcomers)}


class _Edits:
    """A correction of one identifying field per changed row, in the agency's own writing."""

    def __init__(self, spec, columns: dict[str, list], rnd: random.Random):
        self.name, self.birthdate, self.nik = (spec.columns[k] for k in
                                               ("name", "birthdate", "nik"))
        self.date_format, self.columns, self.rnd = spec.date_format, columns, rnd
        self.counts = {"name": 0, "birthdate": 0, "nik": 0}

    def change(self, row: int) -> None:
        first = self.rnd.randrange(3)
        for kind in ("name", "birthdate", "nik")[first:] + ("name", "birthdate", "nik")[:first]:
            if getattr(self, "_" + kind)(row):
                self.counts[kind] += 1
                return

    def _name(self, row: int) -> bool:
        value = self.columns[self.name][row]
        new = typo(self.rnd, value) if value else None
        if new:
            new = new.upper() if value.isupper() else new   # as the list writes its names
            self.columns[self.name][row] = new
        return bool(new)

    def _birthdate(self, row: int) -> bool:
        value = self.columns[self.birthdate][row]
        try:
            day = datetime.datetime.strptime(str(value), self.date_format)
        except ValueError:
            return False   # a dirty date: correct another field
        day += datetime.timedelta(days=self.rnd.choice((-1, 1)))
        self.columns[self.birthdate][row] = day.strftime(self.date_format)
        return True

    def _nik(self, row: int) -> bool:
        value = self.columns[self.nik][row]
        if not value or not str(value).isdigit() or len(str(value)) != 16:
            return False
        text = str(value)
        at = 12 + self.rnd.randrange(4)   # the serial number, the last four digits
        digit = self.rnd.choice([d for d in "0123456789" if d != text[at]])
        self.columns[self.nik][row] = text[:at] + digit + text[at + 1:]
        return True
