"""Salted segments of a record's filter. Pure computation, no files.

A segment holds some fields' tokens, each hashed together with a per-record salt: the record's
keyed identity (NIK) token or its keyed token of a blocking key such as (birthdate, sex). The
positions of a token are keyed BLAKE2b (RFC 7693, `hashlib.blake2b` with `key=`) of
salt || token under a key derived with HKDF for the segment and field, so the same bigram sets
the same bits only in records that share the salt. This is attribute-specific salting
(Niedermeyer et al. 2014; Chen, Schnell, Armknecht and Heng 2022 measured a near-unique stable
salt against graph matching): pattern mining needs many records sharing a token's bits, and a
near-unique salt leaves it cohorts of a few records. docs/threat-model.md has the measurements.

A record without a salt (no valid NIK, no birthdate) gets an empty segment: it cannot be compared
in that segment, and the linker never tries (it buckets records by the salt token).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from padan.encoder.bloom import words_for

_MAX_DIGEST = 64   # bytes of one BLAKE2b call: 16 positions of 4 bytes


class SaltedPositions:
    """Bit positions of (salt, token) under one key: `bits_per_token` uint32 values modulo the
    segment length (bias < 2^-20), reusing keyed BLAKE2b states instead of re-keying."""

    def __init__(self, key: bytes, bits_per_token: int, segment_bits: int):
        self.bits_per_token, self.segment_bits = bits_per_token, segment_bits
        need, counter, self._states = 4 * bits_per_token, 0, []
        while need > 0:
            size = min(_MAX_DIGEST, need)
            person = counter.to_bytes(16, "little")   # distinct PRF input per 16 positions
            self._states.append(hashlib.blake2b(key=key, digest_size=size, person=person))
            need -= size
            counter += 1

    def digest(self, salt: bytes, token: bytes) -> bytes:
        out = []
        for base in self._states:
            state = base.copy()
            state.update(salt)
            state.update(token)
            out.append(state.digest())
        return b"".join(out) if len(out) > 1 else out[0]


@dataclass(frozen=True, slots=True)
class FieldTokens:
    """One field's tokens for a batch: token lists per distinct value, and each record's value."""

    positions: SaltedPositions
    tokens: Sequence[Sequence[bytes]]   # per distinct value
    index: np.ndarray                   # per record: position in `tokens`


def segment_filters(salts: np.ndarray, fields: Sequence[FieldTokens], segment_bits: int
                    ) -> np.ndarray:
    """(n, words) uint64 filters of one segment; rows whose salt is 0 stay empty."""
    n = len(salts)
    words = words_for(segment_bits)
    out = np.zeros(n * words, dtype=np.uint64)
    salted = np.flatnonzero(salts != 0)
    if not len(salted):
        return out.reshape(n, words)
    salt_bytes = [int(s).to_bytes(8, "little") for s in salts[salted].tolist()]
    digests: list[bytes] = []
    owners: list[tuple[int, int]] = []   # (record, positions) per record and field
    for field in fields:
        digest, per_token = field.positions.digest, field.positions.bits_per_token
        tokens_of, index = field.tokens, field.index[salted].tolist()
        for record, salt, value in zip(salted.tolist(), salt_bytes, index, strict=True):
            tokens = tokens_of[value]
            if tokens:
                digests.extend(digest(salt, token) for token in tokens)
                owners.append((record, len(tokens) * per_token))
    if not digests:
        return out.reshape(n, words)
    positions = (np.frombuffer(b"".join(digests), dtype="<u4") % np.uint32(segment_bits)
                 ).astype(np.int64)
    records = np.repeat([r for r, _ in owners], [c for _, c in owners]).astype(np.int64)
    flat = records * words + (positions >> 6)
    np.bitwise_or.at(out, flat, np.left_shift(np.uint64(1), (positions & 63).astype(np.uint64)))
    return out.reshape(n, words)
