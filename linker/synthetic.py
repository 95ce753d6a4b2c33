"""Synthetic encodings for tests and benchmarks: CLK-like filters with known true matches.

Not personal data and not the real encoder: a "person" is a set of tokens (first name, last
name, birth year, month, day, sex) drawn from skewed pools; each token sets a fixed random set of
bits, so unrelated people who share a common name or birth year overlap the way real CLKs do
(Dice ~0.3-0.6). A second agency's copy of a person flips a random number of bits (Dice
~0.8-1.0), may lose its NIK token or have its birthdate key changed, and is shuffled.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numba import njit

from padan.encoder.encoding_file import (
    FLAG_BIRTHDATE_PLACEHOLDER,
    FLAG_NIK_VALID,
    new_header,
    new_records,
    write_encoding_file,
)

# (pool size, bits per token, Zipf-like skew) per token type
_TOKENS = ((5000, 100, 0.9), (40000, 100, 0.8), (80, 40, 0.0), (12, 25, 0.0), (31, 25, 0.0),
           (2, 15, 0.0))
BLOCKING_KEYS = ["birthdate_sex", "birth_year_name"]


@dataclass(frozen=True, slots=True)
class People:
    tokens: np.ndarray    # (n, 6) int64 token ids
    identity: np.ndarray  # uint64 keyed-NIK stand-in, never 0
    placeholder: np.ndarray  # bool: birthdate is a placeholder (1 July)


@dataclass(frozen=True, slots=True)
class SyntheticPair:
    left: Path
    right: Path
    true_left: np.ndarray    # row numbers of true matches in the left file
    true_right: np.ndarray   # and the matching rows in the right file


def people(count: int, seed: int) -> People:
    rng = np.random.default_rng([seed, 1])
    columns = []
    for pool, _, skew in _TOKENS:
        weights = 1.0 / np.arange(1, pool + 1) ** skew
        columns.append(rng.choice(pool, size=count, p=weights / weights.sum()))
    tokens = np.stack(columns, axis=1).astype(np.int64)
    placeholder = rng.random(count) < 0.05
    tokens[placeholder, 3], tokens[placeholder, 4] = 6, 0   # 1 July
    identity = rng.integers(1, 2**63, size=count, dtype=np.uint64)
    return People(tokens, identity, placeholder)


def _token_tables(filter_bits: int, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng([seed, 2])
    words = (filter_bits + 63) // 64
    tables = []
    for pool, bits, _ in _TOKENS:
        table = np.zeros((pool, words), np.uint64)
        positions = rng.integers(0, filter_bits, size=(pool, bits))
        _set_bits(table, positions)
        tables.append(table)
    return tables


@njit(cache=True)
def _set_bits(filters, positions):
    for i in range(positions.shape[0]):
        for t in range(positions.shape[1]):
            p = positions[i, t]
            filters[i, p // 64] |= np.uint64(1) << np.uint64(p % 64)


@njit(cache=True)
def _flip_bits(filters, positions, counts):
    for i in range(filters.shape[0]):
        for t in range(counts[i]):
            p = positions[i, t]
            filters[i, p // 64] ^= np.uint64(1) << np.uint64(p % 64)


def filters_of(group: People, filter_bits: int, *, seed: int, flips: int = 0,
               rng: np.random.Generator | None = None) -> np.ndarray:
    """Filters of people; with flips > 0 each row flips a random 0..flips of its bits."""
    tables = _token_tables(filter_bits, seed)
    out = np.zeros((len(group.tokens), tables[0].shape[1]), np.uint64)
    for kind, table in enumerate(tables):
        out |= table[group.tokens[:, kind]]
    if flips:
        rng = rng or np.random.default_rng([seed, 3])
        for start in range(0, len(out), 1 << 16):
            part = out[start:start + (1 << 16)]
            positions = rng.integers(0, filter_bits, size=(len(part), flips))
            counts = rng.integers(0, flips + 1, size=len(part))
            _flip_bits(part, positions, counts)
    return out


def write_party(path: Path, group: People, filters: np.ndarray, *, seed: int,
                nik_missing: float = 0.0, key_noise: float = 0.0, project_id: str = "synthetic",
                fingerprint: str = "f" * 64, key_check: str = "c" * 16,
                filter_bits: int | None = None, stratum: bool = False) -> np.ndarray:
    """Write an encoding file in shuffled order; returns the file row of each person."""
    rng = np.random.default_rng([seed, 4])
    count = len(filters)
    filter_bits = filter_bits or filters.shape[1] * 64
    order = rng.permutation(count)            # order[row] = person
    records = new_records(count, filters.shape[1], len(BLOCKING_KEYS))
    records["pseudo_id"] = rng.choice(2**62, size=count, replace=False).astype(np.uint64) + 1
    identity = group.identity.copy()
    identity[rng.random(count) < nik_missing] = 0
    records["identity"] = identity[order]
    t = group.tokens
    birthdate = (t[:, 2] * 400 + t[:, 3] * 32 + t[:, 4]) * 2 + t[:, 5] + 1
    noisy = rng.random(count) < key_noise
    birthdate[noisy] += 2
    year_name = t[:, 2] * 4000 + t[:, 1] + 1
    records["blocks"][:, 0] = _keyed(birthdate)[order]
    records["blocks"][:, 1] = _keyed(year_name)[order]
    flags = np.where(identity != 0, FLAG_NIK_VALID, 0)
    flags |= np.where(group.placeholder, FLAG_BIRTHDATE_PLACEHOLDER, 0)
    records["flags"] = flags[order]
    if stratum:
        records["stratum"] = (t[:, 1] % 34 + 11)[order]
    records["filter"] = filters[order]
    header = new_header(project_id=project_id, schema_fingerprint=fingerprint,
                        key_check=key_check, filter_bits=filter_bits, record_count=count,
                        blocking_keys=list(BLOCKING_KEYS), stratum="province" if stratum else None)
    write_encoding_file(path, header, records)
    row_of = np.empty(count, np.int64)
    row_of[order] = np.arange(count)
    return row_of


def _keyed(values: np.ndarray) -> np.ndarray:
    """A stand-in for the encoder's keyed token: a fixed odd multiplier, never 0."""
    mixed = values.astype(np.uint64) * np.uint64(0xD6E8FEB86659FD93)
    return mixed | np.uint64(1)


def synthetic_pair(folder: Path, left_count: int, right_count: int, overlap: int, *,
                   filter_bits: int = 1024, seed: int = 7, flips: int = 120,
                   nik_missing: float = 0.1, key_noise: float = 0.05,
                   stratum: bool = False) -> SyntheticPair:
    """Two encoding files sharing `overlap` people; returns their paths and the true pairs."""
    everyone = people(left_count + right_count - overlap, seed)
    left_people = _take(everyone, np.arange(left_count))
    shared = np.arange(overlap)
    right_index = np.concatenate([shared, np.arange(left_count, len(everyone.tokens))])
    right_people = _take(everyone, right_index)
    left_filters = filters_of(left_people, filter_bits, seed=seed)
    right_filters = filters_of(right_people, filter_bits, seed=seed, flips=flips,
                               rng=np.random.default_rng([seed, 5]))
    left_path, right_path = Path(folder) / "left.padan", Path(folder) / "right.padan"
    left_rows = write_party(left_path, left_people, left_filters, seed=seed + 10,
                            nik_missing=nik_missing, stratum=stratum)
    right_rows = write_party(right_path, right_people, right_filters, seed=seed + 20,
                             nik_missing=nik_missing, key_noise=key_noise, stratum=stratum)
    return SyntheticPair(left_path, right_path, left_rows[shared], right_rows[shared])


def _take(group: People, index: np.ndarray) -> People:
    return People(group.tokens[index], group.identity[index], group.placeholder[index])
