"""Optional GPU Dice kernel: filters as 0/1 int8 matrices, intersections by integer matmul.

|A & B| for all pairs of two tiles is the product of their bit matrices, which GPU tensor cores
compute exactly in int8 with int32 accumulation (torch._int_mm). Each tile's scores are
thresholded on the device and only the pairs at or above the threshold come back, so nothing of
size n x m ever reaches the host. Same contract and same results as the CPU kernels in
`padan.linker.similarity` (tests compare them); CPU stays the default.

The tiling and thresholding are written once over a small backend (numpy or torch), so the
logic is tested in CI on numpy and the device path differs only in the array library.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from padan.linker.errors import LinkerError
from padan.linker.similarity import CandidatePairs, check_filters

TILE_ROWS = 4096  # left rows per tile
TILE_COLUMNS = 32768  # right rows per tile: one int32 tile is 512 MiB
_SLACK = 1e-5  # coarse float32 test keeps a margin; survivors are rechecked in float64


@dataclass(frozen=True)
class _Backend:
    name: str
    device: object

    def bits(self, filters: np.ndarray):
        """(n, words) uint64 -> (n, 64 * words) int8 of 0/1 on the device."""
        raw = np.ascontiguousarray(filters, dtype="<u8").view(np.uint8)
        if self.name == "numpy":
            return np.unpackbits(raw, axis=1, bitorder="little").astype(np.int8)
        import torch

        data = torch.from_numpy(raw).to(self.device)
        shifts = torch.arange(8, device=self.device, dtype=torch.uint8)
        unpacked = (data.unsqueeze(-1) >> shifts) & 1
        return unpacked.reshape(raw.shape[0], -1).to(torch.int8)

    def popcount(self, bits):
        if self.name == "numpy":
            return bits.sum(axis=1, dtype=np.int32)
        import torch

        return bits.sum(dim=1, dtype=torch.int32)

    def intersections(self, left_bits, right_bits):
        if self.name == "numpy":
            return left_bits.astype(np.int32) @ right_bits.astype(np.int32).T
        import torch

        rows, columns = left_bits.shape[0], right_bits.shape[0]
        # _int_mm needs more than 16 rows and multiples of 8: pad with empty filters
        pad_rows, pad_columns = max(17, -(-rows // 8) * 8), -(-columns // 8) * 8
        if pad_rows != rows:
            left_bits = torch.nn.functional.pad(left_bits, (0, 0, 0, pad_rows - rows))
        if pad_columns != columns:
            right_bits = torch.nn.functional.pad(right_bits, (0, 0, 0, pad_columns - columns))
        product = torch._int_mm(left_bits, right_bits.t().contiguous())
        return product[:rows, :columns]

    def keep(self, inter, pop_left, pop_right, threshold: float, upper_from: int | None):
        """Indices and scores of the pairs with 2*inter/total >= threshold in one tile."""
        xp = np if self.name == "numpy" else __import__("torch")
        total = pop_left[:, None] + pop_right[None, :]
        coarse = (2 * inter).to(xp.float32) if self.name != "numpy" else (2 * inter).astype(
            np.float32)
        mask = (coarse >= (threshold - _SLACK) * total) & (total > 0)
        if upper_from is not None:  # one list: only pairs i < j
            rows = xp.arange(inter.shape[0])[:, None] + upper_from
            columns = xp.arange(inter.shape[1])[None, :]
            if self.name != "numpy":
                rows, columns = rows.to(self.device), columns.to(self.device)
            mask &= columns > rows
        if self.name == "numpy":
            i, j = np.nonzero(mask)
            score = 2.0 * inter[i, j].astype(np.float64) / total[i, j]
        else:
            i, j = xp.nonzero(mask, as_tuple=True)
            score = (2.0 * inter[i, j].double() / total[i, j].double())
            i, j, score = i.cpu().numpy(), j.cpu().numpy(), score.cpu().numpy()
        exact = score >= threshold  # the reference's float64 test, on the few survivors
        return i[exact].astype(np.int64), j[exact].astype(np.int64), score[exact]


def available() -> bool:
    """True when PyTorch with a CUDA device is importable here."""
    try:
        import torch
    except ImportError:
        return False
    return bool(torch.cuda.is_available())


def backend(name: str = "cuda") -> _Backend:
    if name == "numpy":
        return _Backend("numpy", None)
    if not available():
        raise LinkerError("the GPU kernel needs PyTorch with a CUDA device; none is available "
                          "here (use the default CPU kernel)")
    return _Backend("torch", name)


def dice_pairs_gpu(left: np.ndarray, right: np.ndarray, threshold: float, *, same: bool = False,
                   device: str = "cuda", tile_rows: int = TILE_ROWS,
                   tile_columns: int = TILE_COLUMNS) -> CandidatePairs:
    """Pairs with Dice >= threshold, computed tile by tile on the GPU (device="numpy": on the
    CPU with the same code, for tests)."""
    check_filters(left, right, threshold)
    engine = backend(device)
    left_bits = engine.bits(left)
    right_bits = left_bits if same else engine.bits(right)
    pop_left = engine.popcount(left_bits)
    pop_right = pop_left if same else engine.popcount(right_bits)
    found_i, found_j, found_s = [], [], []
    for a in range(0, len(left), tile_rows):
        a_end = min(a + tile_rows, len(left))
        for b in range(a if same else 0, len(right), tile_columns):
            b_end = min(b + tile_columns, len(right))
            inter = engine.intersections(left_bits[a:a_end], right_bits[b:b_end])
            i, j, s = engine.keep(inter, pop_left[a:a_end], pop_right[b:b_end], threshold,
                                  (a - b) if same else None)
            found_i.append(i + a)
            found_j.append(j + b)
            found_s.append(s.astype(np.float32))
    if not found_i:
        return CandidatePairs.empty()
    return CandidatePairs(np.concatenate(found_i), np.concatenate(found_j),
                          np.concatenate(found_s))
