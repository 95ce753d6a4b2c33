"""Hardening steps applied to packed Bloom filters after encoding. Pure computation.

Each step is optional (schema [hardening]) and defends against a specific attack on the filters
as the linker sees them; docs/schema.md says which and at what cost to linkage quality:

- balance   (Schnell 2016): append the complement and permute with a keyed permutation; every
            filter then has exactly half its bits set, so the Hamming weight (which reveals the
            length of the name) is hidden and frequent patterns are diluted.
- xor_fold  (Schnell, Borgs, Encarnação 2016): XOR the two halves; a set bit no longer points to
            one q-gram, which breaks pattern mining of single positions.
- rule90    (Schnell, Borgs, Encarnação 2017): cellular automaton b'[i] = b[i-1] XOR b[i+1]
            (cyclic); diffuses each token over neighbouring bits.
- blip      (Schnell & Borgs 2016, randomised response on bits): each bit is flipped with
            probability p = 1 / (1 + e^epsilon). Flips come from a keyed PRF of the unhardened
            filter, so encoding stays deterministic and equal records stay equal.
"""

from __future__ import annotations

import hashlib

import numpy as np

_CHUNK = 8192  # records per sub-chunk: bounds the (records x bits) uint8 working array


def to_bits(filters: np.ndarray, filter_bits: int) -> np.ndarray:
    """(n, words) uint64 -> (n, filter_bits) uint8 of 0/1, bit i at column i."""
    as_bytes = np.ascontiguousarray(filters, dtype="<u8").view(np.uint8)
    return np.unpackbits(as_bytes, axis=1, bitorder="little")[:, :filter_bits]


def from_bits(bits: np.ndarray) -> np.ndarray:
    """(n, filter_bits) 0/1 -> (n, words) uint64, zero-padded to a whole word."""
    n, filter_bits = bits.shape
    words = (filter_bits + 63) // 64
    padded = np.zeros((n, words * 64), dtype=np.uint8)
    padded[:, :filter_bits] = bits
    return np.packbits(padded, axis=1, bitorder="little").view("<u8").astype(np.uint64)


def _by_chunks(filters: np.ndarray, step) -> np.ndarray:
    parts = [step(filters[i:i + _CHUNK]) for i in range(0, max(len(filters), 1), _CHUNK)]
    return np.concatenate(parts) if parts else filters


def keyed_permutation(key: bytes, size: int) -> np.ndarray:
    """A permutation of range(size) that depends only on the key (agencies must agree on it)."""
    digest = hashlib.blake2b(b"permutation", key=key, digest_size=16).digest()
    seed = int.from_bytes(digest, "little")
    return np.random.Generator(np.random.PCG64(seed)).permutation(size)


def balance(filters: np.ndarray, filter_bits: int, key: bytes) -> np.ndarray:
    permutation = keyed_permutation(key, 2 * filter_bits)

    def step(chunk):
        bits = to_bits(chunk, filter_bits)
        return from_bits(np.concatenate([bits, 1 - bits], axis=1)[:, permutation])

    return _by_chunks(filters, step)


def xor_fold(filters: np.ndarray, filter_bits: int) -> np.ndarray:
    if filter_bits % 2:
        raise ValueError("xor_fold needs an even number of bits")
    half = filter_bits // 2

    def step(chunk):
        bits = to_bits(chunk, filter_bits)
        return from_bits(bits[:, :half] ^ bits[:, half:])

    return _by_chunks(filters, step)


def rule90(filters: np.ndarray, filter_bits: int) -> np.ndarray:
    def step(chunk):
        bits = to_bits(chunk, filter_bits)
        return from_bits(np.roll(bits, 1, axis=1) ^ np.roll(bits, -1, axis=1))

    return _by_chunks(filters, step)


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


def _splitmix64(values: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser (Steele et al. 2014): expands keyed seeds into uniform words.

    Not a cryptographic primitive: it only stretches a per-record seed that is itself a keyed
    BLAKE2b PRF output, so the flips are unpredictable without the key.
    """
    z = values.copy()
    z ^= z >> np.uint64(30)
    z *= _MIX1
    z ^= z >> np.uint64(27)
    z *= _MIX2
    z ^= z >> np.uint64(31)
    return z


def flip_probability(epsilon: float) -> float:
    return float(1.0 / (1.0 + np.exp(epsilon)))


def blip(filters: np.ndarray, filter_bits: int, key: bytes, epsilon: float) -> np.ndarray:
    probability = flip_probability(epsilon)
    threshold = np.uint64(min(int(probability * 2.0**64), 2**64 - 1))
    counters = (np.arange(1, filter_bits + 1, dtype=np.uint64) * _GOLDEN)[None, :]

    def step(chunk):
        contiguous = np.ascontiguousarray(chunk, dtype="<u8")
        seeds = np.array(
            [int.from_bytes(hashlib.blake2b(row.tobytes(), key=key, digest_size=8).digest(),
                            "little") for row in contiguous], dtype=np.uint64)
        with np.errstate(over="ignore"):
            noise = _splitmix64(seeds[:, None] + counters)
        bits = to_bits(chunk, filter_bits)
        return from_bits(bits ^ (noise < threshold).astype(np.uint8))

    return _by_chunks(filters, step)
