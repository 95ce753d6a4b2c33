"""Graph-matching attack after Vidanage, Christen, Ranbaduge and Schnell, "A graph matching
attack on privacy-preserving record linkage" (CIKM 2020).

Two similarity graphs over the same number of nodes: one over the most frequent distinct
encodings (Dice of their filters, or of the bits in `bit_range`), one over the most frequent
public names (Dice of their q-gram sets, the schema's q). Then:

1. Similarity adjustment: encoded similarities are mapped onto the plaintext scale by matching
   the two graphs' similarity distributions (quantile mapping), so one threshold means the same
   in both graphs.
2. Node features from the neighbourhood only: frequency rank, the node's length (q-grams in the
   plaintext graph; estimated from the number of set bits in the encoded one, see
   hamming_weight), degree and similarity statistics at several thresholds, a similarity
   histogram, and egonet features (neighbours' degrees, the density among neighbours). Each
   feature is standardised within its own graph (the two graphs' scales differ).
3. Matching: Hungarian assignment on the cosine similarity of the feature vectors; then the most
   confident pairs become anchors and every node is described again by its adjusted similarities
   to the anchors (a node and its true counterpart are about as similar to each anchor), which
   is matched again, a few rounds with more anchors each time.

Dense n x n matrices: a few thousand nodes run in about a minute on one core.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np
from scipy.optimize import linear_sum_assignment

from padan.encoder.tokens import name_qgrams
from padan.evaluation.attacks.hamming_weight import qgram_counts_from_weights
from padan.evaluation.attacks.knowledge import (
    AttackOutcome,
    AttackTarget,
    PublicNames,
    checked_range,
    score_guesses,
)

_THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
_HISTOGRAM = np.linspace(0.0, 1.0, 11)
_ROUNDS = 3
_ANCHOR_SHARES = (0.1, 0.25, 0.5)


def dice_matrix(binary: np.ndarray) -> np.ndarray:
    """Pairwise Dice of 0/1 rows; the diagonal is -1 (a node is not its own neighbour)."""
    as_float = binary.astype(np.float32)
    overlap = as_float @ as_float.T
    sizes = as_float.sum(axis=1)
    total = sizes[:, None] + sizes[None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        dice = np.where(total > 0, 2 * overlap / total, 0.0).astype(np.float32)
    np.fill_diagonal(dice, -1.0)
    return dice


def adjust_similarities(encoded: np.ndarray, plain: np.ndarray) -> np.ndarray:
    """Encoded similarities mapped onto the plaintext scale by quantile matching."""
    off = ~np.eye(len(encoded), dtype=bool)
    source = np.sort(encoded[off])
    target = np.sort(plain[off])
    ranks = np.searchsorted(source, encoded, side="left") / max(len(source) - 1, 1)
    adjusted = np.interp(ranks, np.linspace(0, 1, len(target)), target).astype(np.float32)
    np.fill_diagonal(adjusted, -1.0)
    return adjusted


def node_features(similarity: np.ndarray, lengths: np.ndarray | None = None) -> np.ndarray:
    """Standardised neighbourhood features of every node (rows come most frequent first)."""
    n = len(similarity)
    columns = [np.log1p(np.arange(n, dtype=np.float64))]          # frequency rank
    if lengths is not None:
        columns.append(np.asarray(lengths, np.float64))
    top = -np.sort(-similarity, axis=1)[:, :10]
    columns += [top[:, 0], top.mean(axis=1), top.std(axis=1)]
    for threshold in _THRESHOLDS:
        edges = similarity >= threshold
        degree = edges.sum(axis=1).astype(np.float64)
        neighbour_degree = edges.astype(np.float32) @ degree.astype(np.float32)
        # egonet: edges among the neighbours over the possible ones
        among = ((edges.astype(np.float32) @ edges.astype(np.float32)) * edges).sum(axis=1) / 2
        possible = np.maximum(degree * (degree - 1) / 2, 1)
        columns += [np.log1p(degree), np.log1p(neighbour_degree), among / possible]
    histogram = np.stack([((similarity >= lo) & (similarity < hi)).sum(axis=1)
                          for lo, hi in pairwise(_HISTOGRAM)], 1)
    columns += list(np.log1p(histogram.astype(np.float64)).T)
    return _standardised(np.stack(columns, axis=1))


def _standardised(features: np.ndarray) -> np.ndarray:
    spread = features.std(axis=0)
    return (features - features.mean(axis=0)) / np.where(spread > 0, spread, 1.0)


def _cosine(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    left = left / np.maximum(np.linalg.norm(left, axis=1, keepdims=True), 1e-9)
    right = right / np.maximum(np.linalg.norm(right, axis=1, keepdims=True), 1e-9)
    return left @ right.T


def match_features(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each left node the index of its right node (or -1) and the pair's cosine
    similarity: 1:1 assignment maximising the total cosine similarity (Hungarian)."""
    similarity = _cosine(left, right)
    rows, columns = linear_sum_assignment(similarity, maximize=True)
    matched = np.full(len(left), -1, np.int64)
    matched[rows] = columns
    confidence = np.full(len(left), -1.0)
    confidence[rows] = similarity[rows, columns]
    return matched, confidence


def match_greedily(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """For each left node the index of its right node (or -1): 1:1, nearest first (kept for
    callers of the earlier small-scale attack)."""
    return match_features(left, right)[0]


def refine_with_anchors(encoded: np.ndarray, plain: np.ndarray, matched: np.ndarray,
                        confidence: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rounds of re-matching on similarities to anchor pairs (the most confident matches)."""
    for share in _ANCHOR_SHARES[:_ROUNDS]:
        paired = np.flatnonzero(matched >= 0)
        count = max(int(share * len(paired)), 3)
        anchors = paired[np.argsort(-confidence[paired])[:count]]
        left = encoded[:, anchors].astype(np.float64)
        right = plain[:, matched[anchors]].astype(np.float64)
        left[left < 0] = 1.0    # a node's similarity to itself, as anchor
        right[right < 0] = 1.0
        matched, confidence = match_features(_centred(left), _centred(right))
    return matched, confidence


def _centred(rows: np.ndarray) -> np.ndarray:
    return rows - rows.mean(axis=1, keepdims=True)


def graph_matching_attack(target: AttackTarget, public: PublicNames, *, nodes: int = 2000,
                          bit_range: tuple[int, int] | None = None,
                          min_confidence: float = -1.0) -> AttackOutcome:
    """Match the encodings' similarity graph to the public names' (see the module docstring);
    every record whose encoding is a matched node is guessed that node's name. Pairs whose
    final cosine similarity is below `min_confidence` are not guessed."""
    spec = target.schema.field_of_kind("name")
    guesses: list[str | None] = [None] * len(target)
    if spec is None or not len(target) or not public.names:
        return score_guesses("graph-matching", target, guesses, public)
    start, stop = checked_range(bit_range, target.filter_bits)
    q = spec.tokeniser.q if spec.tokeniser.kind == "qgram" else 2
    bits = target.bits((start, stop))
    _, first, inverse, counts = np.unique(np.packbits(bits, axis=1), axis=0,
                                               return_index=True, return_inverse=True,
                                               return_counts=True)
    order = np.lexsort((first, -counts))
    names = [name for name, _ in public.ranked()]
    size = min(nodes, len(order), len(names))
    if size < 3:
        return score_guesses("graph-matching", target, guesses, public)
    order, names = order[:size], names[:size]
    encoded_bits = bits[first[order]]
    grams = [name_qgrams(n, q) for n in names]
    vocabulary = {g: i for i, g in enumerate(sorted(set().union(*grams)))}
    plain_bits = np.zeros((size, len(vocabulary)), np.uint8)
    for row, name_grams in enumerate(grams):
        plain_bits[row, [vocabulary[g] for g in name_grams]] = 1
    plain = dice_matrix(plain_bits)
    encoded = adjust_similarities(dice_matrix(encoded_bits), plain)
    lengths = qgram_counts_from_weights(target, encoded_bits.sum(axis=1), (start, stop))
    matched, confidence = match_features(node_features(encoded, lengths),
                                         node_features(plain, plain_bits.sum(axis=1)))
    matched, confidence = refine_with_anchors(encoded, plain, matched, confidence)
    guess_of_unique = {int(order[i]): names[j] for i, j in enumerate(matched.tolist())
                       if j >= 0 and confidence[i] >= min_confidence}
    for row, u in enumerate(inverse.reshape(-1).tolist()):
        guesses[row] = guess_of_unique.get(u)
    return score_guesses("graph-matching", target, guesses, public)
