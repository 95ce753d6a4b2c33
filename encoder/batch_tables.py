"""Run-level and batch-level tables of the record encoder: distinct values, cached filter rows,
per-record NIK facts and keyed 64-bit tokens. Pure computation, no files."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

CACHE_LIMIT = 500_000  # distinct raw values remembered per field within a run


class KeyedTokens:
    """Keyed 64-bit tokens (BLAKE2b PRF, first 8 bytes little-endian; 0 is reserved for
    'none') under one key, reusing the keyed state instead of re-keying for every value."""

    def __init__(self, key: bytes):
        self._base = hashlib.blake2b(key=key, digest_size=8)

    def __call__(self, text: str) -> int:
        state = self._base.copy()
        state.update(text.encode())
        return int.from_bytes(state.digest(), "little") or 1


class RowTable:
    """Filters of distinct keys (e.g. name words) as rows of one growing array, within a run."""

    def __init__(self, words: int):
        self.rows: dict[object, int] = {}
        self.filters = np.zeros((1024, words), dtype=np.uint64)

    def row(self, key: object, make) -> int:
        found = self.rows.get(key)
        if found is None:
            found = len(self.rows)
            if found == len(self.filters):
                self.filters = np.concatenate([self.filters, np.zeros_like(self.filters)])
            self.filters[found] = make()
            self.rows[key] = found
        return found


@dataclass(slots=True)
class DistinctColumn:
    results: list  # normalised result per distinct raw value
    index: np.ndarray  # per record: position in results
    usable: np.ndarray  # per distinct value: valid or repaired


@dataclass(slots=True)
class NikFacts:
    """Per record facts of the NIK column."""

    valid: np.ndarray
    embedded: np.ndarray  # the embedded birthdate and sex are known
    has_digits: np.ndarray  # digits usable in the filter
    identity: np.ndarray
    province: np.ndarray
    regency: np.ndarray  # PPKK (uint16), 0 = no valid NIK
    day: np.ndarray
    month: np.ndarray
    yy: np.ndarray
    female: np.ndarray
    partial: np.ndarray  # object: fuzzy digits of records off the fast path, else None
    digits: np.ndarray  # (n, 16) uint8 of fast-path records

    @classmethod
    def empty(cls, n: int) -> NikFacts:
        def zeros(dtype):
            return np.zeros(n, dtype=dtype)

        return cls(valid=zeros(bool), embedded=zeros(bool), has_digits=zeros(bool),
                   identity=zeros(np.uint64), province=zeros(np.uint16),
                   regency=zeros(np.uint16), day=zeros(np.int16),
                   month=zeros(np.int16), yy=zeros(np.int16), female=zeros(bool),
                   partial=np.full(n, None, dtype=object), digits=np.zeros((n, 16), np.uint8))

    @property
    def province_index(self) -> np.ndarray:
        return self.province.astype(np.intp)


class DistinctValues:
    """Index of distinct values within a run, with their normalised result."""

    def __init__(self, normalise):
        self.normalise = normalise
        self.results: dict[object, object] = {}

    def get(self, raw: object):
        try:
            return self.results[raw]
        except KeyError:
            pass
        except TypeError:  # unhashable: normalise directly
            return self.normalise(raw)
        if len(self.results) >= CACHE_LIMIT:
            self.results.clear()
        result = self.results[raw] = self.normalise(raw)
        return result
