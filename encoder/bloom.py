"""Keyed Bloom filters: tokens -> bit positions -> packed uint64 filters. Pure computation.

Each token is mapped to `bits_per_token` positions by keyed BLAKE2b (RFC 7693, `hashlib.blake2b`
with `key=`, a PRF) under the field's own HKDF-derived key: the positions are independent and
unpredictable without the key. No double hashing (h1 + i*h2), whose linear structure published
pattern-mining attacks exploit.

Filters are (n, words) uint64 arrays: bit i is bit i % 64 of word i // 64 (see encoding_file).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import numpy as np

_MAX_DIGEST = 64  # bytes of one BLAKE2b call: 16 positions


def words_for(bits: int) -> int:
    return (bits + 63) // 64


def token_positions(key: bytes, token: str, bits_per_token: int, filter_bits: int) -> np.ndarray:
    """`bits_per_token` positions in [0, filter_bits) (uint32 modulo, bias < 2^-20)."""
    data = token.encode("utf-8")
    need = 4 * bits_per_token
    chunks = []
    counter = 0
    while need > 0:
        size = min(_MAX_DIGEST, need)
        person = counter.to_bytes(16, "little")  # distinct PRF input per 16 positions
        chunks.append(hashlib.blake2b(data, key=key, digest_size=size, person=person).digest())
        need -= size
        counter += 1
    return np.frombuffer(b"".join(chunks), dtype="<u4") % np.uint32(filter_bits)


def positions_to_filter(positions: np.ndarray, filter_bits: int) -> np.ndarray:
    """One packed filter (words,) uint64 with the given bit positions set."""
    out = np.zeros(words_for(filter_bits), dtype=np.uint64)
    if len(positions):
        positions = positions.astype(np.uint64)
        np.bitwise_or.at(out, (positions >> np.uint64(6)).astype(np.intp),
                         np.left_shift(np.uint64(1), positions & np.uint64(63)))
    return out


class TokenFilterCache:
    """Filters of token sets under one key, cached per token within a run.

    Names, dates and digits repeat heavily, so almost every token is hashed once per run. The
    cache lives only as long as one encoding run: nothing keyed by personal data outlives it.
    """

    def __init__(self, key: bytes, bits_per_token: int, filter_bits: int):
        self.key, self.bits_per_token, self.filter_bits = key, bits_per_token, filter_bits
        self._tokens: dict[str, np.ndarray] = {}
        self.empty = np.zeros(words_for(filter_bits), dtype=np.uint64)

    def token(self, token: str) -> np.ndarray:
        found = self._tokens.get(token)
        if found is None:
            positions = token_positions(self.key, token, self.bits_per_token, self.filter_bits)
            found = positions_to_filter(positions, self.filter_bits)
            self._tokens[token] = found
        return found

    def tokens(self, tokens: Iterable[str]) -> np.ndarray:
        out = self.empty.copy()
        for token in tokens:
            out |= self.token(token)
        return out


def popcount(filters: np.ndarray) -> np.ndarray:
    """Set bits per filter of an (n, words) uint64 array."""
    return np.bitwise_count(filters).sum(axis=-1, dtype=np.int64)
