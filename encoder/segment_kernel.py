"""Salted segments of a whole batch at once: the fast path of `segments.segment_filters_reference`.

The same keyed BLAKE2b calls (`hashlib`, the states of `SaltedPositions`) on the same bytes,
salt || token, give the same positions; what changes is how often and around what:

- each distinct (salt, token) of the batch is hashed once, however many records share it
  (records born the same day share most NIK digits and many name bigrams);
- the calls run over flat lists with `map`, not record by record;
- the positions are set over flat arrays (a small numba kernel for large batches), not by
  Python per record.

`tests/encoder/test_segment_kernel.py` proves it equal to the reference on random input.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Sequence
from itertools import chain, repeat
from operator import itemgetter

import numpy as np

from padan.encoder.bloom import words_for
from padan.encoder.segments import MAX_SLOTS, FieldTokens

_SLOTS = 16          # positions per 64-byte chunk
_HASH_RUN = 16_384   # hash states alive at once


def segment_filters(salts: np.ndarray, fields: Sequence[FieldTokens], segment_bits: int,
                    record_bits: int | None = None) -> np.ndarray:
    """(n, words) uint64 filters of one segment; rows whose salt is 0 stay empty.

    Bit for bit the result of `segment_filters_reference` (see its docstring)."""
    n = len(salts)
    out = np.zeros((n, words_for(segment_bits)), dtype=np.uint64)
    salted = np.flatnonzero(salts != 0)
    if not len(salted) or not fields:
        return out
    items = _items(salted, fields)
    if not len(items.record):
        return out
    salt_values, salt_of_record = np.unique(salts[salted], return_inverse=True)
    # per item: positions always kept, and the share's threshold for one more (-1: none)
    if record_bits is None:
        keep = items.bits_per_token[items.field]
        threshold = np.full(len(keep), -1.0)
    else:
        share = record_bits / items.record_tokens[items.record]
        whole = np.minimum(np.floor(share).astype(np.int64), MAX_SLOTS - 1)
        keep, threshold = whole, (share - whole) * 2**32
    slots = keep + (threshold >= 0)
    chunks = -(-slots // _SLOTS)
    # distinct (salt, token) pairs; token ids are distinct across fields
    key = salt_of_record[items.record].astype(np.int64) * items.vocabulary + items.token
    if len(salt_values) == len(salted):    # no salt repeats: nothing to share
        pairs, pair_of_item, pair_chunks = key, np.arange(len(key)), chunks
    else:
        pairs, pair_of_item = np.unique(key, return_inverse=True)
        pair_of_item = pair_of_item.reshape(-1)
        pair_chunks = np.zeros(len(pairs), dtype=np.int64)
        np.maximum.at(pair_chunks, pair_of_item, chunks)
    base = np.zeros(len(pairs) + 1, dtype=np.int64)
    np.cumsum(pair_chunks * _SLOTS, out=base[1:])
    values = _hash_pairs(pairs, pair_chunks, base, salt_values, items, fields,
                         shared=record_bits is not None)
    _set_bits(out, salted[items.record], base[pair_of_item], keep, threshold, values,
              np.uint32(segment_bits))
    return out


class _Items:
    """One entry per (record, token) of the batch, over all fields of the segment."""

    def __init__(self, record, field, token, record_tokens, vocabulary_tokens, field_offsets,
                 bits_per_token):
        self.record, self.field, self.token = record, field, token
        self.record_tokens = record_tokens         # per salted record: tokens over all fields
        self.tokens = vocabulary_tokens            # token bytes by id
        self.vocabulary = len(vocabulary_tokens)
        self.field_offsets = field_offsets         # first token id of each field, and the end
        self.bits_per_token = bits_per_token       # per field


def _items(salted: np.ndarray, fields: Sequence[FieldTokens]) -> _Items:
    records, field_ids, token_ids = [], [], []
    record_tokens = np.zeros(len(salted), dtype=np.int64)
    vocabulary: list[bytes] = []
    offsets = [0]
    for number, field in enumerate(fields):
        used, value_of_record = np.unique(np.asarray(field.index)[salted], return_inverse=True)
        lists = [field.tokens[v] for v in used.tolist()]
        lengths = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
        flat = list(chain.from_iterable(lists))
        ids = {token: i for i, token in enumerate(dict.fromkeys(flat))}
        flat_ids = np.fromiter(map(ids.__getitem__, flat), dtype=np.int64, count=len(flat))
        starts = np.cumsum(lengths) - lengths
        per_record = lengths[value_of_record.reshape(-1)]
        record_tokens += per_record
        total = int(per_record.sum())
        record = np.repeat(np.arange(len(salted)), per_record)
        within = np.arange(total) - np.repeat(np.cumsum(per_record) - per_record, per_record)
        at = np.repeat(starts[value_of_record.reshape(-1)], per_record) + within
        records.append(record)
        field_ids.append(np.full(total, number, dtype=np.int64))
        token_ids.append(flat_ids[at] + len(vocabulary))
        vocabulary.extend(ids)
        offsets.append(len(vocabulary))
    bits = np.array([f.positions.bits_per_token for f in fields], dtype=np.int64)
    return _Items(np.concatenate(records), np.concatenate(field_ids), np.concatenate(token_ids),
                  record_tokens, vocabulary, offsets, bits)


def _hash_pairs(pairs: np.ndarray, pair_chunks: np.ndarray, base: np.ndarray,
                salt_values: np.ndarray, items: _Items, fields: Sequence[FieldTokens],
                shared: bool) -> np.ndarray:
    """The uint32 position values of every pair's chunks, laid out from `base[pair]`.

    Each chunk's keyed state takes the salt once per distinct salt (hashing is streaming:
    update(salt) then update(token) digests salt || token), then a copy per pair the token."""
    values = np.zeros((int(base[-1]) // _SLOTS, _SLOTS), dtype=np.uint32)
    salt_bytes = [int(s).to_bytes(8, "little") for s in salt_values.tolist()]
    pair_salt, pair_token = np.divmod(pairs, items.vocabulary)
    first_row = base[:-1] // _SLOTS
    for number, field in enumerate(fields):
        low, high = items.field_offsets[number], items.field_offsets[number + 1]
        of_field = np.flatnonzero((pair_token >= low) & (pair_token < high))
        if not len(of_field):
            continue
        salt_of_pair = pair_salt[of_field]
        tokens = _pick(items.tokens, pair_token[of_field])
        for chunk, (state, size) in enumerate(field.positions.chunk_states(shared)):
            chosen = np.flatnonzero(pair_chunks[of_field] > chunk)
            if not len(chosen):
                break
            salted = _salted_states(state, salt_bytes)
            everyone = len(chosen) == len(of_field)
            rows = first_row[of_field[chosen]] + chunk
            for at, digests in _digests(_pick(salted, salt_of_pair[chosen]),
                                        tokens if everyone else _pick(tokens, chosen)):
                values[rows[at:at + _HASH_RUN], :size] = np.frombuffer(
                    digests, dtype="<u4").reshape(-1, size)
    return values.reshape(-1)


def _pick(values: list, at: np.ndarray) -> list:
    if len(at) == 1:
        return [values[int(at[0])]]
    return list(itemgetter(*at.tolist())(values))


def _salted_states(state, salts: list[bytes]) -> list:
    kind = type(state)
    states = list(map(kind.copy, repeat(state, len(salts))))
    deque(map(kind.update, states, salts), maxlen=0)
    return states


def _digests(salted: list, tokens: list[bytes]) -> Iterator[tuple[int, bytes]]:
    """copy(); update(token); digest() of each salted state: (first entry, the digests of
    up to _HASH_RUN entries concatenated), so few hash states and digests live at once."""
    if not salted:
        return
    kind = type(salted[0])
    copy, update, digest = kind.copy, kind.update, kind.digest
    for start in range(0, len(tokens), _HASH_RUN):
        states = list(map(copy, salted[start:start + _HASH_RUN]))
        deque(map(update, states, tokens[start:start + _HASH_RUN]), maxlen=0)
        yield start, b"".join(map(digest, states))


def _set_bits(out, record, start, keep, threshold, values, segment_bits) -> None:
    """Per item: the first keep[i] positions from values[start[i]:], and the next one when its
    value is below threshold[i]. Large batches through the numba kernel; small ones (and the
    first batches of a short list) in numpy, which spares them numba's start-up (seconds)."""
    if len(record) >= NUMBA_MIN_ITEMS:
        _compiled_set_bits()(out, record, start, keep, threshold, values, segment_bits)
        return
    extra = (threshold >= 0) & (values[np.where(threshold >= 0, start + keep, 0)] < threshold)
    count = keep + extra
    total = int(count.sum())
    first = np.cumsum(count) - count
    at = np.repeat(start, count) + (np.arange(total) - np.repeat(first, count))
    position = (values[at] % segment_bits).astype(np.int64)
    words = out.shape[1]
    np.bitwise_or.at(out.reshape(-1), np.repeat(record, count) * words + (position >> 6),
                     np.left_shift(np.uint64(1), (position & 63).astype(np.uint64)))


NUMBA_MIN_ITEMS = 200_000   # items of one segment in a batch (about 15 per record)


def _compiled_set_bits():
    # imported on first use: a short list never pays for numba
    from padan.encoder._segment_numba import set_bits

    return set_bits
