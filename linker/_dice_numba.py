"""The fast Dice kernel, compiled by numba for the host CPU.

Work is a list of buckets: a range of left rows against a range of right rows (all pairs), or,
for one list against itself, the pairs i < j inside one range. Buckets are cut into items of at
most ITEM_ROWS left rows; items are grouped into chunks that run in parallel, each writing its
pairs into its own slice of the output (re-run alone when that slice overflows), so no item ever
needs an n x m matrix and threads never share a write.

Exactness: the score is computed as 2.0 * common / (popcount_a + popcount_b) in float64, the same
expression as the numpy reference, so both keep exactly the same pairs. A pair whose first half
of words cannot reach `floor` even if every remaining bit matched is abandoned early; the bound
is exact, so it changes speed, never results. No fastmath: reassociated float maths could move
a score across the threshold.
"""

from __future__ import annotations

import numpy as np
from numba import get_num_threads, get_thread_id, njit, prange, types
from numba.extending import intrinsic

ITEM_ROWS = 64      # left rows per item: 64 x 2048-bit rows = 16 KiB, stays in L1 with a B tile
TILE_ROWS = 256     # right rows per tile: 256 x 1024-bit rows = 32 KiB


@intrinsic
def _popcount(typingctx, word):
    """Hardware popcount (LLVM ctpop); LLVM picks POPCNT, VPOPCNTQ or a shuffle sequence."""
    signature = types.int64(types.uint64)  # int64: int64 + uint64 would make floats

    def codegen(context, builder, sig, args):
        return builder.ctpop(args[0])

    return signature, codegen


@njit(cache=True)
def popcounts(filters):
    """Set bits per row, and set bits in the second half of the words (for the early exit)."""
    rows, words = filters.shape
    half = words // 2
    total = np.zeros(rows, np.int64)
    rest = np.zeros(rows, np.int64)
    for i in range(rows):
        t = 0
        r = 0
        for k in range(words):
            c = _popcount(filters[i, k])
            t += c
            if k >= half:
                r += c
        total[i] = t
        rest[i] = r
    return total, rest


@njit(cache=True)
def _run_item(a, pa, ra, b, pb, rb, a0, a1, b0, b1, same, threshold, floor,
              out_left, out_right, out_score, count, best_a, best_b, slot, track):
    """All pairs of left rows [a0, a1) and right rows [b0, b1) (i < j when same); returns count.

    The hot loop is written out in full: helper functions taking arrays cost reference counting
    per call, which was 6x slower than the popcounts themselves.
    """
    words = a.shape[1]
    half = words // 2
    low = floor * (1.0 - 1e-9)
    for t0 in range(b0, b1, TILE_ROWS):
        t1 = min(t0 + TILE_ROWS, b1)
        for i in range(a0, a1, 2):
            rows = 2 if i + 1 < a1 else 1
            i1 = i + rows - 1
            j = max(t0, i + 1) if same else t0
            while j < t1:
                cols = 2 if j + 1 < t1 else 1
                j1 = j + cols - 1
                # 2 x 2 register block: each loaded word feeds two popcounts.
                s00 = 0
                s01 = 0
                s10 = 0
                s11 = 0
                for k in range(half):
                    x0 = a[i, k]
                    x1 = a[i1, k]
                    y0 = b[j, k]
                    y1 = b[j1, k]
                    s00 += _popcount(x0 & y0)
                    s01 += _popcount(x0 & y1)
                    s10 += _popcount(x1 & y0)
                    s11 += _popcount(x1 & y1)
                # exact early exit: skip the second half when no pair of the block could reach
                # floor even if every remaining bit agreed (slack keeps float rounding safe)
                t00 = pa[i] + pb[j]
                t01 = pa[i] + pb[j1]
                t10 = pa[i1] + pb[j]
                t11 = pa[i1] + pb[j1]
                if (2.0 * (s00 + min(ra[i], rb[j])) < low * t00
                        and 2.0 * (s01 + min(ra[i], rb[j1])) < low * t01
                        and 2.0 * (s10 + min(ra[i1], rb[j])) < low * t10
                        and 2.0 * (s11 + min(ra[i1], rb[j1])) < low * t11):
                    j += cols
                    continue
                for k in range(half, words):
                    x0 = a[i, k]
                    x1 = a[i1, k]
                    y0 = b[j, k]
                    y1 = b[j1, k]
                    s00 += _popcount(x0 & y0)
                    s01 += _popcount(x0 & y1)
                    s10 += _popcount(x1 & y0)
                    s11 += _popcount(x1 & y1)
                for q in range(4):
                    r = i + (q >> 1)
                    c = j + (q & 1)
                    if r > i1 or c > j1 or (same and c <= r):
                        continue
                    s = s00 if q == 0 else (s01 if q == 1 else (s10 if q == 2 else s11))
                    total = t00 if q == 0 else (t01 if q == 1 else (t10 if q == 2 else t11))
                    # empty filters (total 0) score 0, below any floor > 0
                    if total == 0 or 2.0 * s < low * total:
                        continue
                    score = 2.0 * s / total   # the reference's exact expression
                    if score < floor:
                        continue
                    if track:
                        if score > best_a[slot, r]:
                            best_a[slot, r] = score
                        if score > best_b[slot, c]:
                            best_b[slot, c] = score
                    if score >= threshold:
                        if count < out_left.shape[0]:
                            out_left[count] = r
                            out_right[count] = c
                            out_score[count] = score
                        count += 1
                j += cols
    return count


@njit(parallel=True, cache=True)
def _score_wave(a, pa, ra, b, pb, rb, items, chunk_starts, c0, c1, same, threshold, floor,
                capacity, out_left, out_right, out_score, counts, best_a, best_b, track):
    for c in prange(c0, c1):
        slot = get_thread_id() if track else 0
        lo = (c - c0) * capacity
        n = 0
        for it in range(chunk_starts[c], chunk_starts[c + 1]):
            n = _run_item(a, pa, ra, b, pb, rb, items[it, 0], items[it, 1], items[it, 2],
                          items[it, 3], same, threshold, floor, out_left[lo:lo + capacity],
                          out_right[lo:lo + capacity], out_score[lo:lo + capacity], n,
                          best_a, best_b, slot, track)
        counts[c - c0] = n


@njit(cache=True)
def score_items(a, pa, ra, b, pb, rb, items, chunk_starts, same, threshold, floor, capacity,
                wave, track, slots):
    """Score every item (rows a0, a1, b0, b1); chunks of items run in parallel, a wave at a time.

    A chunk costs at most `capacity` comparisons, so its pairs always fit its buffer slice;
    memory is wave * capacity pairs plus the pairs kept. Best scores (only those >= floor are
    exact; -1 = none reached floor) are kept per thread slot and reduced at the end.
    """
    chunks = len(chunk_starts) - 1
    out_left = np.empty(wave * capacity, np.int64)
    out_right = np.empty(wave * capacity, np.int64)
    out_score = np.empty(wave * capacity, np.float32)
    counts = np.zeros(wave, np.int64)
    best_a = np.full((slots, a.shape[0] if track else 0), -1.0, np.float32)
    best_b = np.full((slots, b.shape[0] if track else 0), -1.0, np.float32)
    kept_left = np.empty(1024, np.int64)
    kept_right = np.empty(1024, np.int64)
    kept_score = np.empty(1024, np.float32)
    kept = 0
    for c0 in range(0, chunks, wave):
        c1 = min(c0 + wave, chunks)
        _score_wave(a, pa, ra, b, pb, rb, items, chunk_starts, c0, c1, same, threshold, floor,
                    capacity, out_left, out_right, out_score, counts, best_a, best_b, track)
        need = kept + counts[:c1 - c0].sum()
        if need > kept_left.shape[0]:
            size = max(need, 2 * kept_left.shape[0])
            kept_left = _grow(kept_left, size)
            kept_right = _grow(kept_right, size)
            kept_score = _grow(kept_score, size)
        for c in range(c1 - c0):
            lo = c * capacity
            n = counts[c]
            kept_left[kept:kept + n] = out_left[lo:lo + n]
            kept_right[kept:kept + n] = out_right[lo:lo + n]
            kept_score[kept:kept + n] = out_score[lo:lo + n]
            kept += n
    best_left = np.full(best_a.shape[1], -1.0, np.float32)
    best_right = np.full(best_b.shape[1], -1.0, np.float32)
    for s in range(slots):
        best_left = np.maximum(best_left, best_a[s])
        best_right = np.maximum(best_right, best_b[s])
    return kept_left[:kept].copy(), kept_right[:kept].copy(), kept_score[:kept].copy(), \
        best_left, best_right


@njit(cache=True)
def _grow(array, size):
    out = np.empty(size, array.dtype)
    out[:array.shape[0]] = array
    return out


def thread_slots() -> int:
    """Threads numba will use now (per-thread buffers and waves are sized by it)."""
    return get_num_threads()
