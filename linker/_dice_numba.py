"""The fast Dice kernel, compiled by numba for the host CPU.

Work is a list of buckets: a range of left rows against a range of right rows (all pairs), or,
for one list against itself, the pairs i < j inside one range. Buckets are cut into items of at
most ITEM_ROWS left rows; items are grouped into chunks that run in parallel, each writing its
pairs into its own slice of the output (re-run alone when that slice overflows), so no item ever
needs an n x m matrix and threads never share a write.

Inside an item, pairs are counted 2 x 4 at a time by the vector block of `_dice_blocks` (AVX2
table lookups, or vpopcntq where AVX-512 VPOPCNTDQ is present), on rows laid out for it in
per-chunk scratch.

Exactness: the score is computed as 2.0 * common / (popcount_a + popcount_b) in float64, the same
expression as the numpy reference, so both keep exactly the same pairs. A block whose first
vectors (up to `half`, chosen by similarity.early_exit_vector) cannot reach `floor` even if every
remaining bit matched is abandoned early; the bounds are exact, so they change speed, never
results. No fastmath: reassociated float maths could move a score across the threshold.
"""

from __future__ import annotations

import numpy as np
from numba import get_num_threads, get_thread_id, njit, prange, types
from numba.extending import intrinsic

from padan.linker._dice_blocks import COLUMNS, NIBBLE, ROWS, block, block_over, prepare_rows

ITEM_ROWS = 64      # left rows per item (similarity.ITEM_ROWS): the scratch holds them all
TILE_ROWS = 128     # right rows per tile, laid out once and read by every block of the item
SAMPLE_BLOCKS = 32  # blocks per tile that always try the early exit; later ones only if what
#                     it saved (vectors skipped) outweighs what it cost (about two vectors a miss)


@intrinsic
def _popcount(typingctx, word):
    """Hardware popcount (LLVM ctpop); LLVM picks POPCNT, VPOPCNTQ or a shuffle sequence."""
    signature = types.int64(types.uint64)  # int64: int64 + uint64 would make floats

    def codegen(context, builder, sig, args):
        return builder.ctpop(args[0])

    return signature, codegen


@njit(cache=True)
def popcounts(filters, half):
    """Set bits per row, and set bits in the words from `half` on (for the early exit)."""
    rows, words = filters.shape
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
def _run_item(a, pa, ra, b, pb, rb, a0, a1, b0, b1, same, threshold, floor, half,
              out_left, out_right, out_score, count, best_a, best_b, slot, track,
              scratch_a, scratch_b):
    """All pairs of left rows [a0, a1) and right rows [b0, b1) (i < j when same); returns count.

    The item's left rows and each tile of right rows are first laid out for the block
    (`_dice_blocks.prepare_rows`) in per-chunk scratch; then 2 x 4 blocks of pairs are counted
    over the vectors before `half` (ra, rb: the bits set from there on), dropped when no pair of
    the block can reach floor even if every remaining bit agreed (exact), else finished. Where
    that exit saves less than it costs over a tile's first SAMPLE_BLOCKS blocks, the rest of the
    tile counts each block in one go. A finished block whose 8 counts all stay below what the
    fewest bits of the block need is dropped inside the block, on its packed counts
    (`block_over`), before they are taken apart: the usual fate of unrelated pairs. The test by
    popcounts alone runs only where the tile's popcounts could make it fire. The hot loop is
    written out in full: helper functions taking arrays cost reference counting per call.
    """
    words = a.shape[1]
    vectors = (words + 3) // 4
    low = floor * (1.0 - 1e-9)
    prepare_rows(a, a0, a1, scratch_a, NIBBLE)
    for t0 in range(b0, b1, TILE_ROWS):
        t1 = min(t0 + TILE_ROWS, b1)
        if same and t1 <= a0 + 1:
            continue   # no j > i in this tile
        prepare_rows(b, t0, t1, scratch_b, NIBBLE)
        tried = 0   # blocks that looked for the early exit in this tile, and how often it fired
        fired = 0
        tile_low, tile_high = pb[t0], pb[t0]
        for c in range(t0 + 1, t1):
            tile_low = min(tile_low, pb[c])
            tile_high = max(tile_high, pb[c])
        for i in range(a0, a1, ROWS):
            i1 = min(i + ROWS, a1) - 1
            rows = (i - a0, i1 - a0)
            j = max(t0, i + 1) if same else t0
            ui, ui1 = np.uint64(i), np.uint64(i1)
            # per left pair and tile: can popcounts alone ever drop a block here? (rows of
            # uniform density: never, and the test per block is then skipped)
            a_low, a_high = min(pa[ui], pa[ui1]), max(pa[ui], pa[ui1])
            bounded = 2.0 * min(a_high, tile_low) < low * (a_low + tile_high)
            # every pair here has |a| + |b| >= tile_fewest: a quick reject for the whole block
            tile_fewest = a_low + tile_low
            while j < t1:
                split = half > 0 and (tried < SAMPLE_BLOCKS
                                      or fired * (vectors - half) >= 2 * (tried - fired))
                j1 = min(j + COLUMNS, t1) - 1
                cols = (j - t0, min(j + 1, j1) - t0, min(j + 2, j1) - t0, j1 - t0)
                # (unsigned indices: no negative-index wraparound in the hot loop)
                uj, uj1 = np.uint64(j), np.uint64(j1)
                uj2, uj3 = np.uint64(cols[1] + t0), np.uint64(cols[2] + t0)
                fewest = tile_fewest
                if bounded:
                    fewest = a_low + min(pb[uj], pb[uj1], pb[uj2], pb[uj3])
                    # popcounts alone: common <= min(|a|, |b|); rows of unlike density never meet
                    if 2.0 * min(a_high, max(pb[uj], pb[uj1], pb[uj2], pb[uj3])) \
                            < low * fewest:
                        j += COLUMNS
                        continue
                if not split:   # the early exit rarely fires here: count all at once
                    # (a pair can pass only if 2 * common >= low * fewest, i.e. common >=
                    # ceil(low * fewest / 2): tested on the packed counts, in the block)
                    o = block_over(scratch_a, scratch_b, 0, vectors, rows, cols,
                                   np.int64(np.ceil(0.5 * low * fewest)))
                    if o[0] == 0:
                        j += COLUMNS
                        continue
                    s = (o[1], o[2], o[3], o[4], o[5], o[6], o[7], o[8])
                    s2 = (0, 0, 0, 0, 0, 0, 0, 0)
                else:
                    s = block(scratch_a, scratch_b, 0, half, rows, cols)
                    # exact early exit: skip the rest when no pair of the block could reach floor
                    # even if every remaining bit agreed (slack keeps float rounding safe); first
                    # for the block as a whole (most common, fewest bits), then pair by pair
                    rest = min(max(ra[ui], ra[ui1]), max(rb[uj], rb[uj1], rb[uj2], rb[uj3]))
                    most = max(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7])
                    alive = 2.0 * (most + rest) >= low * fewest
                    if alive:   # pair by pair, without branches (clamped rows and columns
                        alive = False   # repeat real pairs, so the test stays exact)
                        for q in range(ROWS * COLUMNS):
                            r = np.uint64(i1 if q >= COLUMNS else i)
                            c = np.uint64(t0 + cols[q % COLUMNS])
                            alive |= 2.0 * (s[q] + min(ra[r], rb[c])) >= low * (pa[r] + pb[c])
                    tried += 1
                    if not alive:
                        fired += 1
                        j += COLUMNS
                        continue
                    # the rest: every pair stays below the limit if each adds less than the
                    # limit minus the largest count so far (the test in the block, as above)
                    o = block_over(scratch_a, scratch_b, half, vectors, rows, cols,
                                   np.int64(np.ceil(0.5 * low * fewest)) - most)
                    if o[0] == 0:
                        j += COLUMNS
                        continue
                    s2 = (o[1], o[2], o[3], o[4], o[5], o[6], o[7], o[8])
                most = max(s[0] + s2[0], s[1] + s2[1], s[2] + s2[2], s[3] + s2[3],
                           s[4] + s2[4], s[5] + s2[5], s[6] + s2[6], s[7] + s2[7])
                if 2.0 * most < low * fewest:
                    j += COLUMNS
                    continue
                for q in range(ROWS * COLUMNS):
                    r = i + q // COLUMNS
                    c = j + q % COLUMNS
                    if r > i1 or c > j1 or (same and c <= r):
                        continue
                    common = s[q] + s2[q]
                    total = pa[r] + pb[c]
                    # empty filters (total 0) score 0, below any floor > 0
                    if total == 0 or 2.0 * common < low * total:
                        continue
                    score = 2.0 * common / total   # the reference's exact expression
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
                j += COLUMNS
    return count


@njit(cache=True)
def _aligned_rows(rows, width):
    """An uninitialised (rows, width) uint64 array that starts on a 64-byte cache line. numba's
    np.empty starts 32 bytes into one, so every 512-bit load of the block would span two lines."""
    raw = np.empty(rows * width + 8, np.uint64)
    skip = ((64 - raw.ctypes.data % 64) % 64) // 8
    return raw[skip:skip + rows * width].reshape((rows, width))


@njit(parallel=True, cache=True)
def _score_wave(a, pa, ra, b, pb, rb, items, chunk_starts, c0, c1, same, threshold, floor,
                half, capacity, out_left, out_right, out_score, counts, best_a, best_b, track):
    width = ((a.shape[1] + 3) // 4) * (8 if NIBBLE else 4)
    for c in prange(c0, c1):
        slot = get_thread_id() if track else 0
        lo = (c - c0) * capacity
        scratch_a = _aligned_rows(ITEM_ROWS, width)
        scratch_b = _aligned_rows(TILE_ROWS, width)
        n = 0
        for it in range(chunk_starts[c], chunk_starts[c + 1]):
            n = _run_item(a, pa, ra, b, pb, rb, items[it, 0], items[it, 1], items[it, 2],
                          items[it, 3], same, threshold, floor, half,
                          out_left[lo:lo + capacity],
                          out_right[lo:lo + capacity], out_score[lo:lo + capacity], n,
                          best_a, best_b, slot, track, scratch_a, scratch_b)
        counts[c - c0] = n


@njit(cache=True)
def score_items(a, pa, ra, b, pb, rb, items, chunk_starts, same, threshold, floor, half,
                capacity, wave, track, slots):
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
                    half, capacity, out_left, out_right, out_score, counts, best_a, best_b, track)
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
