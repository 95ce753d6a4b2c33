"""Blocking quality on labelled data: pair completeness and reduction ratio of each pass.

pair completeness = true pairs that share a (non-skipped) bucket / all true pairs;
reduction ratio   = 1 - comparisons made / all left x right pairs.
Used by the benchmark to choose defaults; needs no scoring.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from padan.encoder.encoding_file import EncodingFile
from padan.linker.blocking import (
    LshSettings,
    PassSpec,
    make_buckets,
    pass_keys,
    plan_passes,
    resolve_blocking,
)
from padan.linker.parameters import LinkParameters


@dataclass(frozen=True, slots=True)
class PassQuality:
    name: str
    pair_completeness: float
    reduction_ratio: float
    comparisons: int


def blocking_quality(left: EncodingFile, right: EncodingFile, true_left: np.ndarray,
                     true_right: np.ndarray, params: LinkParameters | None = None
                     ) -> list[PassQuality]:
    """One row per pass of `params.blocking`, then a last row "union" for all passes together."""
    params = params or LinkParameters()
    lsh = LshSettings(params.lsh_bands, params.lsh_bits, params.lsh_seed)
    blocking = resolve_blocking(params.blocking, params.lsh_auto_min_identity, [left, right])
    passes = plan_passes(blocking, left.header.blocking_keys, params.lsh_bands,
                         left.header.segments)
    total = len(left) * len(right)
    covered_any = np.zeros(len(true_left), bool)
    rows, comparisons_all = [], 0
    for spec in passes:
        covered, comparisons = _pass_coverage(left, right, true_left, true_right, spec, lsh,
                                              params.max_block_size)
        covered_any |= covered
        comparisons_all += comparisons
        rows.append(_quality(spec.name, covered, comparisons, total))
    rows.append(_quality("union", covered_any, comparisons_all, total))
    return rows


def _quality(name: str, covered: np.ndarray, comparisons: int, total: int) -> PassQuality:
    completeness = float(covered.mean()) if len(covered) else 1.0
    reduction = 1.0 - comparisons / total if total else 1.0
    return PassQuality(name, completeness, reduction, comparisons)


def _pass_coverage(left, right, true_left, true_right, spec: PassSpec, lsh, max_block_size):
    if spec.kind == "none":
        return np.ones(len(true_left), bool), len(left) * len(right)
    left_keys = pass_keys(left, spec, lsh)
    right_keys = pass_keys(right, spec, lsh)
    buckets = make_buckets(left_keys, right_keys, max_block_size=max_block_size)
    sizes_l = buckets.left_ranges[:, 1] - buckets.left_ranges[:, 0]
    sizes_r = buckets.right_ranges[:, 1] - buckets.right_ranges[:, 0]
    comparisons = int(np.sum(sizes_l * sizes_r))
    used = left_keys[buckets.left_rows[buckets.left_ranges[:, 0]]] if len(sizes_l) else \
        np.zeros(0, np.uint64)
    a, b = left_keys[true_left], right_keys[true_right]
    covered = (a == b) & (a != 0) & np.isin(a, used)
    return covered, comparisons
