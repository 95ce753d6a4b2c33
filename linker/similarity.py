"""Dice similarity of packed Bloom filters, returning only the pairs at or above a threshold.

Dice(A, B) = 2 |A & B| / (|A| + |B|) over filters packed as uint64 words (bit i in word i // 64).
Two empty filters have Dice 0 by definition here: an empty encoding carries no evidence, so it
must never match. Kernels never build an n x m matrix; they return `CandidatePairs`.

`KERNELS` names every implementation: "numpy" is the plain reference, "numba" the fast one that
tests prove equal to it. `dice_pairs` is the fastest CPU kernel. `kernel(name)` looks one up;
`kernel("gpu")` registers the optional GPU kernel (`padan.linker.dice_gpu`) on first use when
PyTorch sees a CUDA device, and refuses clearly otherwise, so torch is never imported unless asked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from padan.linker.errors import ParameterError

ITEM_ROWS = 64         # left rows per work item (cache tile)
ITEM_COLUMNS = 1024    # right rows per work item: an item is at most 64 x 1024 comparisons
WAVE_CHUNKS_PER_THREAD = 8


@dataclass(frozen=True, slots=True)
class CandidatePairs:
    """Pairs (left[i], right[i]) with Dice score[i] >= the threshold asked for."""

    left: np.ndarray    # int64 row numbers in the left input
    right: np.ndarray   # int64 row numbers in the right input
    score: np.ndarray   # float32 Dice in [0, 1]

    def __len__(self) -> int:
        return len(self.left)

    @classmethod
    def empty(cls) -> CandidatePairs:
        return cls(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32))

    def sorted(self) -> CandidatePairs:
        """The same pairs ordered by (left, right): a canonical order for comparisons."""
        order = np.lexsort((self.right, self.left))
        return CandidatePairs(self.left[order], self.right[order], self.score[order])


@dataclass(frozen=True, slots=True)
class BucketScores:
    """What scoring a set of buckets yields: kept pairs, best scores, comparisons made."""

    pairs: CandidatePairs
    best_left: np.ndarray    # float32 per left row: best score >= floor, else -1
    best_right: np.ndarray   # float32 per right row
    comparisons: int


def check_filters(left: np.ndarray, right: np.ndarray, threshold: float) -> None:
    for name, array in (("left", left), ("right", right)):
        if array.ndim != 2 or array.dtype != np.uint64:
            raise ParameterError("filters must be a 2-d uint64 array (rows x words)",
                                 parameter=name)
    if left.shape[1] != right.shape[1]:
        raise ParameterError(f"left has {left.shape[1]} words per filter, right "
                             f"{right.shape[1]}", parameter="right")
    if not 0.0 < threshold <= 1.0:
        raise ParameterError("must be in (0, 1]; a threshold of 0 would keep every pair",
                             parameter="threshold")


def dice_pairs_numpy(left: np.ndarray, right: np.ndarray, threshold: float, *,
                     same: bool = False, rows_per_step: int = 256) -> CandidatePairs:
    """Reference kernel: numpy `bitwise_count`, a slab of left rows at a time.

    With `same`, left and right are one list and only pairs i < j are scored.
    """
    check_filters(left, right, threshold)
    pop_left = np.bitwise_count(left).sum(axis=1, dtype=np.int64)
    pop_right = np.bitwise_count(right).sum(axis=1, dtype=np.int64)
    found: list[CandidatePairs] = []
    for start in range(0, len(left), rows_per_step):
        slab = left[start:start + rows_per_step]
        common = np.bitwise_count(slab[:, None, :] & right[None, :, :]).sum(axis=2,
                                                                           dtype=np.int64)
        total = pop_left[start:start + len(slab), None] + pop_right[None, :]
        with np.errstate(invalid="ignore", divide="ignore"):
            score = np.where(total > 0, 2.0 * common / total, 0.0)
        keep = score >= threshold
        if same:
            rows = np.arange(start, start + len(slab))[:, None]
            keep &= rows < np.arange(len(right))[None, :]
        i, j = np.nonzero(keep)
        found.append(CandidatePairs(i + start, j.astype(np.int64),
                                    score[i, j].astype(np.float32)))
    return _concatenate(found)


def _concatenate(parts: list[CandidatePairs]) -> CandidatePairs:
    if not parts:
        return CandidatePairs.empty()
    return CandidatePairs(np.concatenate([p.left for p in parts]).astype(np.int64),
                          np.concatenate([p.right for p in parts]).astype(np.int64),
                          np.concatenate([p.score for p in parts]).astype(np.float32))


def bucket_items(left_ranges: np.ndarray, right_ranges: np.ndarray, *, same: bool
                 ) -> tuple[np.ndarray, np.ndarray, int]:
    """Cut buckets into items of at most ITEM_ROWS x ITEM_COLUMNS and group them into chunks.

    left_ranges, right_ranges: (buckets, 2) int64 [start, stop). Returns items (k, 4), chunk
    starts (into items), and the number of comparisons. A chunk costs < 2 * ITEM_ROWS *
    ITEM_COLUMNS comparisons, so its pairs fit the kernel's per-chunk buffer.
    """
    left_ranges = np.asarray(left_ranges, np.int64).reshape(-1, 2)
    right_ranges = np.asarray(right_ranges, np.int64).reshape(-1, 2)
    a_pieces = -(-(left_ranges[:, 1] - left_ranges[:, 0]) // ITEM_ROWS)
    b_pieces = -(-(right_ranges[:, 1] - right_ranges[:, 0]) // ITEM_COLUMNS)
    per_bucket = a_pieces * b_pieces
    bucket = np.repeat(np.arange(len(per_bucket)), per_bucket)
    first = np.cumsum(per_bucket) - per_bucket
    local = np.arange(len(bucket)) - first[bucket]
    ai, bi = np.divmod(local, np.maximum(b_pieces[bucket], 1))
    a0 = left_ranges[bucket, 0] + ai * ITEM_ROWS
    a1 = np.minimum(a0 + ITEM_ROWS, left_ranges[bucket, 1])
    b0 = right_ranges[bucket, 0] + bi * ITEM_COLUMNS
    b1 = np.minimum(b0 + ITEM_COLUMNS, right_ranges[bucket, 1])
    if same:
        keep = b1 - 1 > a0   # some j > i exists in the item
        a0, a1, b0, b1 = a0[keep], a1[keep], b0[keep], b1[keep]
    items = np.stack([a0, a1, b0, b1], axis=1).astype(np.int64)
    cost = (a1 - a0) * (b1 - b0)
    if same:   # only pairs i < j are compared
        cost = _upper_pairs(a0, a1, b0, b1)
    before = np.cumsum(cost) - cost
    chunk_of = before // (ITEM_ROWS * ITEM_COLUMNS)
    starts = np.flatnonzero(np.diff(chunk_of, prepend=-1)) if len(items) else np.zeros(0, int)
    chunk_starts = np.append(starts, len(items)).astype(np.int64)
    return items, chunk_starts, int(cost.sum())


def _upper_pairs(a0, a1, b0, b1) -> np.ndarray:
    """Number of pairs (i, j), a0 <= i < a1, b0 <= j < b1, with j > i."""
    i = np.arange(0, ITEM_ROWS)[None, :] + a0[:, None]
    valid = i < a1[:, None]
    per_row = np.clip(b1[:, None] - np.maximum(b0[:, None], i + 1), 0, None)
    return (per_row * valid).sum(axis=1)


def early_exit_vector(left: np.ndarray, right: np.ndarray, floor: float) -> int:
    """Where the numba kernel looks for its early exit, in 256-bit vectors from the start.

    Counting the first fraction f of two filters of density d leaves, for a typical unrelated
    pair, a best possible Dice of about 1 - f (1 - d); it falls below `floor` once
    f > (1 - floor) / (1 - d). Look a little after that (the mean density of a sample of rows,
    plus 0.15), so the exit fires for most pairs. Later than 0.8, or where what it would skip
    is less than about one vector (at 1024 bits, after 0.7: measured on Zen 5, the test and the
    second reduction then cost more than the vector they save), no exit (0). Any split gives the
    same pairs; this only picks a fast one.
    """
    vectors = (left.shape[1] + 3) // 4
    if vectors < 2:
        return 0
    sample = np.concatenate([left[:256], right[:256]])
    density = float(np.bitwise_count(sample).sum()) / max(sample.size * 64, 1)
    fraction = (1.0 - floor) / max(1.0 - density, 1e-9) + 0.15
    if fraction > 0.8 or (1.0 - fraction) * vectors < 1.2:
        return 0
    return int(min(max(np.ceil(fraction * vectors), 1), vectors - 1))


def score_buckets_numba(left: np.ndarray, right: np.ndarray, left_ranges: np.ndarray,
                        right_ranges: np.ndarray, threshold: float, *, floor: float | None = None,
                        same: bool = False, track: bool = True) -> BucketScores:
    """Score all pairs inside each bucket (left range x right range) with the numba kernel.

    Keeps pairs >= threshold; with `track`, also the best score per row where it is >= floor.
    """
    from numba import config

    from padan.linker import _dice_numba as kernel

    floor = threshold if floor is None else floor
    check_filters(left, right, threshold)
    left = np.ascontiguousarray(left)
    right = left if same else np.ascontiguousarray(right)
    items, chunk_starts, comparisons = bucket_items(left_ranges, right_ranges, same=same)
    if comparisons == 0 or left.shape[1] == 0:
        empty = np.full(len(left) if track else 0, -1.0, np.float32)
        return BucketScores(CandidatePairs.empty(), empty,
                            np.full(len(right) if track else 0, -1.0, np.float32), 0)
    half = early_exit_vector(left, right, min(floor, threshold))
    pop_left, rest_left = kernel.popcounts(left, 4 * half)
    pop_right, rest_right = (pop_left, rest_left) if same else kernel.popcounts(right, 4 * half)
    slots = config.NUMBA_NUM_THREADS if track else 1
    wave = max(1, WAVE_CHUNKS_PER_THREAD * kernel.thread_slots())
    i, j, s, best_left, best_right = kernel.score_items(
        left, pop_left, rest_left, right, pop_right, rest_right, items, chunk_starts, same,
        float(threshold), float(min(floor, threshold)), half, 2 * ITEM_ROWS * ITEM_COLUMNS, wave,
        track, slots)
    if same and track:
        best_left = np.maximum(best_left, best_right)
        best_right = best_left
    return BucketScores(CandidatePairs(i, j, s), best_left, best_right, comparisons)


def dice_pairs_numba(left: np.ndarray, right: np.ndarray, threshold: float, *,
                     same: bool = False) -> CandidatePairs:
    """Fast kernel: numba, parallel over tiles, hardware popcount, exact early exit."""
    check_filters(left, right, threshold)
    whole_left = np.array([[0, len(left)]], np.int64)
    whole_right = whole_left if same else np.array([[0, len(right)]], np.int64)
    return score_buckets_numba(left, right, whole_left, whole_right, threshold, same=same,
                               track=False).pairs


Kernel = Callable[..., CandidatePairs]
KERNELS: dict[str, Kernel] = {"numpy": dice_pairs_numpy}
try:
    import numba  # noqa: F401
except ImportError:  # pragma: no cover - numba is a dependency; the reference still works
    dice_pairs: Kernel = dice_pairs_numpy
else:
    KERNELS["numba"] = dice_pairs_numba
    dice_pairs = dice_pairs_numba

KERNEL_NAMES = ("auto", "numba", "numpy", "gpu")   # "auto": the fastest CPU kernel
# a bucket goes to the GPU only when it is big enough to pay for the transfer and the launch
GPU_MIN_COMPARISONS = 1 << 22


def kernel(name: str = "auto") -> Kernel:
    """The kernel called `name` (KERNEL_NAMES); "gpu" only where PyTorch sees a CUDA device."""
    if name == "auto":
        return dice_pairs
    if name == "gpu" and "gpu" not in KERNELS:
        from padan.linker import dice_gpu  # imports torch only inside available()

        if not dice_gpu.available():
            raise ParameterError("the GPU kernel needs PyTorch with a CUDA device and none is "
                                 "available here; use kernel 'auto' (the CPU kernel)",
                                 parameter="kernel")
        KERNELS["gpu"] = dice_gpu.dice_pairs_gpu
    if name not in KERNELS:
        raise ParameterError(f"unknown kernel; choose from {', '.join(KERNEL_NAMES)}",
                             parameter="kernel")
    return KERNELS[name]


def score_buckets(name: str, left: np.ndarray, right: np.ndarray, left_ranges: np.ndarray,
                  right_ranges: np.ndarray, threshold: float, *, floor: float | None = None,
                  same: bool = False) -> BucketScores:
    """Score every bucket with kernel `name`: what the engine's units call.

    "auto" and "numba" run the bucket kernel above (pairs >= threshold, best scores >= floor).
    Another kernel scores each bucket as one left x right block; "gpu" takes only buckets of at
    least GPU_MIN_COMPARISONS and leaves the rest to numba. Such a kernel returns no pairs below
    the threshold, so its buckets' best scores are tracked from the threshold up (not the floor):
    pairs and groups are the same, the report's histogram below the threshold may be thinner.
    """
    if name in ("auto", "numba"):
        return score_buckets_numba(left, right, left_ranges, right_ranges, threshold,
                                   floor=floor, same=same)
    chosen = kernel(name)
    left_ranges = np.asarray(left_ranges, np.int64).reshape(-1, 2)
    right_ranges = np.asarray(right_ranges, np.int64).reshape(-1, 2)
    left_sizes = left_ranges[:, 1] - left_ranges[:, 0]
    sizes = left_sizes * (right_ranges[:, 1] - right_ranges[:, 0])
    if same:
        sizes = left_sizes * (left_sizes - 1) // 2
    minimum = GPU_MIN_COMPARISONS if name == "gpu" else 0
    large = (sizes >= minimum) & (sizes > 0)
    rest = score_buckets_numba(left, right, left_ranges[~large], right_ranges[~large],
                               threshold, floor=floor, same=same)
    best_left, best_right = rest.best_left, rest.best_right
    found = [rest.pairs]
    for (l0, l1), (r0, r1) in zip(left_ranges[large], right_ranges[large], strict=True):
        pairs = chosen(left[l0:l1], left[l0:l1] if same else right[r0:r1], threshold,
                       same=same)
        i, j = pairs.left + l0, pairs.right + (l0 if same else r0)
        found.append(CandidatePairs(i, j, pairs.score))
        np.maximum.at(best_left, i, pairs.score)
        np.maximum.at(best_left if same else best_right, j, pairs.score)
    if same:
        best_right = best_left
    return BucketScores(_concatenate(found), best_left, best_right,
                        rest.comparisons + int(sizes[large].sum()))


def rowwise_dice(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Dice of left[i] and right[i] for each row i (packed filters of equal shape), and
    whether both rows are non-empty (where they are not, the Dice is 0)."""
    size_left = np.bitwise_count(left).sum(axis=1, dtype=np.int64)
    size_right = np.bitwise_count(right).sum(axis=1, dtype=np.int64)
    common = np.bitwise_count(left & right).sum(axis=1, dtype=np.int64)
    both = (size_left > 0) & (size_right > 0)
    return 2 * common / np.maximum(size_left + size_right, 1), both


def dice(a: np.ndarray, b: np.ndarray) -> float:
    """Dice of two single filters (1-d uint64); for tests and small checks."""
    total = int(np.bitwise_count(a).sum()) + int(np.bitwise_count(b).sum())
    return 0.0 if total == 0 else 2.0 * int(np.bitwise_count(a & b).sum()) / total
