"""The bit-setting kernel of the salted segments (segment_kernel.py), compiled by numba. Only
imported for batches large enough to repay numba's start-up."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def set_bits(out, record, start, keep, threshold, values, segment_bits):  # pragma: no cover
    """Per item: the first keep[i] positions from values[start[i]:], and the next one when its
    value is below threshold[i]; position = value % segment_bits, bit position % 64 of word
    position // 64 of row record[i]."""
    mask = segment_bits - np.uint32(1)
    power_of_two = (segment_bits & mask) == 0    # then % is &, without a division per bit
    for i in range(len(record)):
        row, at, count = record[i], start[i], keep[i]
        if threshold[i] >= 0.0 and values[at + count] < threshold[i]:
            count += 1
        for s in range(count):
            value = values[at + s]
            position = (value & mask) if power_of_two else (value % segment_bits)
            out[row, position >> 6] |= np.uint64(1) << np.uint64(position & 63)
