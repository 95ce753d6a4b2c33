"""Salted segments of a record's filter. Pure computation, no files.

A segment holds some fields' tokens, each hashed together with a per-record salt: the record's
keyed identity (NIK) token or its keyed token of a blocking key such as the birthdate. The
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
_SLOTS_PER_DIGEST = 16
MAX_SLOTS = 64     # positions one token may take under record_bits


class SaltedPositions:
    """Bit positions of (salt, token) under one key: uint32 values modulo the segment length
    (bias < 2^-20), reusing keyed BLAKE2b states instead of re-keying. Position i of a token is
    the same whatever the count asked for, so a token given more bits keeps its first ones."""

    def __init__(self, key: bytes, bits_per_token: int, segment_bits: int):
        self.bits_per_token, self.segment_bits = bits_per_token, segment_bits
        chunks = -(-MAX_SLOTS // _SLOTS_PER_DIGEST)
        # distinct PRF input per 16 positions
        self._states = [hashlib.blake2b(key=key, digest_size=_MAX_DIGEST,
                                        person=c.to_bytes(16, "little")) for c in range(chunks)]
        self._exact = [hashlib.blake2b(key=key, digest_size=min(_MAX_DIGEST, 4 * (
            bits_per_token - 16 * c)), person=c.to_bytes(16, "little"))
            for c in range(-(-bits_per_token // _SLOTS_PER_DIGEST))]

    def chunk_states(self, shared: bool) -> list[tuple[object, int]]:
        """Each chunk's keyed state and how many positions its digest holds: the 64-byte chunks
        of `slots` (shared: a record_bits segment), else those of `digest`."""
        if shared:
            return [(state, _SLOTS_PER_DIGEST) for state in self._states]
        return [(state, state.digest_size // 4) for state in self._exact]

    def digest(self, salt: bytes, token: bytes) -> bytes:
        """4 bytes per position, `bits_per_token` positions."""
        return self._run(self._exact, salt, token)

    def slots(self, salt: bytes, token: bytes, count: int) -> bytes:
        """4 bytes for each of the first `count` (<= MAX_SLOTS) position slots."""
        data = self._run(self._states[:-(-count // _SLOTS_PER_DIGEST)], salt, token)
        return data[:4 * count]

    @staticmethod
    def _run(states, salt: bytes, token: bytes) -> bytes:
        out = []
        for base in states:
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


def segment_filters_reference(salts: np.ndarray, fields: Sequence[FieldTokens],
                              segment_bits: int, record_bits: int | None = None) -> np.ndarray:
    """(n, words) uint64 filters of one segment; rows whose salt is 0 stay empty. The plain
    per-record version: `segment_filters` (segment_kernel.py) is tested equal to it.

    With `record_bits`, a record's tokens share that many positions between them (each takes
    record_bits / tokens, the fraction drawn per token from its own PRF output) instead of
    bits_per_token each: the filter's weight no longer tells how long the name is.
    """
    n = len(salts)
    words = words_for(segment_bits)
    out = np.zeros(n * words, dtype=np.uint64)
    salted = np.flatnonzero(salts != 0)
    if not len(salted):
        return out.reshape(n, words)
    salt_bytes = [int(s).to_bytes(8, "little") for s in salts[salted].tolist()]
    digests: list[bytes] = []
    owners: list[tuple[int, int]] = []   # (record, positions) per record
    indexes = [field.index[salted].tolist() for field in fields]
    for at, (record, salt) in enumerate(zip(salted.tolist(), salt_bytes, strict=True)):
        tokens = [(field.positions, token) for field, index in zip(fields, indexes, strict=True)
                  for token in field.tokens[index[at]]]
        if not tokens:
            continue
        if record_bits is None:
            chunk = [positions.digest(salt, token) for positions, token in tokens]
        else:
            chunk = [_shared_out(positions, salt, token, record_bits / len(tokens))
                     for positions, token in tokens]
        digests.extend(chunk)
        owners.append((record, sum(len(c) for c in chunk) // 4))
    if not digests:
        return out.reshape(n, words)
    positions = (np.frombuffer(b"".join(digests), dtype="<u4") % np.uint32(segment_bits)
                 ).astype(np.int64)
    records = np.repeat([r for r, _ in owners], [c for _, c in owners]).astype(np.int64)
    flat = records * words + (positions >> 6)
    np.bitwise_or.at(out, flat, np.left_shift(np.uint64(1), (positions & 63).astype(np.uint64)))
    return out.reshape(n, words)


def _shared_out(positions: SaltedPositions, salt: bytes, token: bytes, share: float) -> bytes:
    """floor(share) positions, and one more when the next slot's PRF value says so (with
    probability share - floor(share)), so the record's expected total is record_bits."""
    whole = min(int(share), MAX_SLOTS - 1)
    data = positions.slots(salt, token, whole + 1)
    extra = int.from_bytes(data[-4:], "little") < (share - whole) * 2 ** 32
    return data if extra else data[:-4]
