"""Versions of synthetic lists for the incremental and continuous linkage tests.

The lists are real encodings of synthetic lists (padan synth, padan's encoder); each version of
a list removes, changes and adds records at random, keeping the pseudo-ids of the rest, as
`padan encode --previous` does. A change gives a record another record's encoding (a corrected
name, a moved person): the kind of change a monthly update brings. Some records are put into
one crowded block (as a placeholder birthdate does), so that with a small max_block_size blocks
cross the limit both ways from version to version.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from padan.encoder.default_schema import default_schema
from padan.encoder.encoding_file import (
    open_encoding_file,
    record_dtype,
    write_encoding_file,
)
from padan.encoder.pipeline import encode_file
from padan.linker.engine import Party
from padan.synth import SynthConfig, generate, parse_agencies, write_lists

SECRET = bytes(range(32))
NAMES = ("DTKS", "KJP", "KIS")
CROWDED_KEY = 0x5EED_0000_0000_0001


def encoded_pool(folder: Path) -> dict:
    """Per agency, the encoded records of a synthetic list (more than any version holds)."""
    lists = generate(SynthConfig(seed=5, population=700, duplicate_rate=0.05,
                                 agencies=parse_agencies("DTKS:260,KJP:200,KIS:160")))
    write_lists(lists, folder)
    schema = default_schema("versions")
    opened = {}
    for name in NAMES:
        encode_file(folder / f"{name}.csv", schema, SECRET, folder / f"{name}.padan", workers=1)
        opened[name] = open_encoding_file(folder / f"{name}.padan")
    return opened


def write_version(path: Path, template, records: np.ndarray):
    header = template.header.model_copy(update={"record_count": len(records)})
    dtype = record_dtype(header.filter_words, len(header.blocking_keys))
    write_encoding_file(path, header, np.ascontiguousarray(records.astype(dtype)))
    return open_encoding_file(path)


class Versions:
    """The lists' versions: records by pseudo-id, changed at random step by step."""

    def __init__(self, pool, rng: np.random.Generator, folder: Path):
        self.pool, self.rng, self.folder = pool, rng, folder
        self.current: dict[str, np.ndarray] = {}
        self.step = 0

    def start(self, names) -> None:
        for name in names:
            source = np.array(self.pool[name].records)
            take = self.rng.permutation(len(source))[: int(0.7 * len(source))]
            records = source[take]
            records["pseudo_id"] = self.fresh_ids(len(records))
            self.crowd(name, records, np.arange(len(records)), 0.05)
            self.current[name] = records

    def fresh_ids(self, count: int) -> np.ndarray:
        """Pseudo-ids from the version's generator, so that a failing example replays."""
        return self.rng.choice(2**62, size=count, replace=False).astype(np.uint64) + 1

    def crowd(self, name: str, records: np.ndarray, rows: np.ndarray, share: float) -> None:
        """Put a share of `rows` into one crowded block of each keyed pass, as near-copies of a
        few people (so the crowded blocks hold pairs that score)."""
        donors = np.array(self.pool[name].records[:3])
        for column in ("blocks", "identity"):
            chosen = rows[self.rng.random(len(rows)) < share]
            records["filter"][chosen] = donors["filter"][self.rng.integers(0, 3, len(chosen))]
            if column == "blocks":
                records["blocks"][chosen, 0] = CROWDED_KEY
            else:
                records["identity"][chosen] = CROWDED_KEY

    def change(self, name: str, removed: float, changed: float, added: float,
               corrected: float = 0.0) -> None:
        """Remove, change (another record's encoding) and add shares of the list's records,
        and correct a share of the rest: a few bits of the filter flipped (a corrected
        spelling), so the record keeps its blocks and most of its candidate pairs, whose
        comparison vectors change."""
        records = self.current[name]
        source = np.array(self.pool[name].records)
        n = len(records)
        keep = self.rng.random(n) >= removed
        records = records[keep].copy()
        altered = np.flatnonzero(self.rng.random(len(records)) < changed)
        donors = self.rng.integers(0, len(source), len(altered))
        for row, donor in zip(altered.tolist(), donors.tolist(), strict=True):
            pid = records["pseudo_id"][row]
            records[row] = source[donor]
            records["pseudo_id"][row] = pid
        extra = source[self.rng.integers(0, len(source), int(added * n))].copy()
        extra["pseudo_id"] = self.fresh_ids(len(extra))
        self.crowd(name, records, altered, 0.3)
        if corrected:
            fixed = np.flatnonzero(self.rng.random(len(records)) < corrected)
            filters = records["filter"][fixed]
            bits = filters.shape[1] * 64
            flips = self.rng.random((len(fixed), bits)) < 0.03
            flips[:, self.pool[name].header.filter_bits:] = False   # unused bits stay zero
            flips = np.packbits(flips, axis=1, bitorder="little").view(np.uint64)
            records["filter"][fixed] = filters ^ flips.reshape(filters.shape)
        self.crowd(name, extra, np.arange(len(extra)), 0.1)
        records = np.concatenate([records, extra])
        self.current[name] = records[self.rng.permutation(len(records))]

    def parties(self) -> list[Party]:
        self.step += 1
        out = []
        for name, records in self.current.items():
            path = self.folder / f"{name}.v{self.step}.padan"
            out.append(Party(name, write_version(path, self.pool[name], records)))
        return out
