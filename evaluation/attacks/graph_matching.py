"""Graph-matching attack, small-scale, after Vidanage, Ranbaduge, Christen and Schnell,
"Efficient pattern mining based cryptanalysis for privacy-preserving record linkage" / "A graph
matching attack on privacy-preserving record linkage" (CIKM 2020).

Two similarity graphs: one over the most frequent distinct encodings (Dice of filters), one
over the most frequent public names (Dice of their q-gram sets, the same q as the schema). A
node is described by what its neighbourhood looks like, not by its bits: its strongest
similarities, each turned into a quantile of its own graph's similarities so that the two graphs'
scales compare, and its frequency rank. Nodes are matched 1:1 greedily by nearest description.

Small-scale (a few hundred nodes per graph, dense similarity matrices): it shows whether the
similarity structure of the encodings leaks names, not how far the attack scales.
"""

from __future__ import annotations

import numpy as np

from padan.encoder.hardening import to_bits
from padan.encoder.tokens import name_qgrams
from padan.evaluation.attacks.knowledge import (
    AttackOutcome,
    AttackTarget,
    PublicNames,
    score_guesses,
)


def _dice_matrix(binary: np.ndarray) -> np.ndarray:
    as_float = binary.astype(np.float32)
    overlap = as_float @ as_float.T
    sizes = as_float.sum(axis=1)
    total = sizes[:, None] + sizes[None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        dice = np.where(total > 0, 2 * overlap / total, 0.0)
    np.fill_diagonal(dice, -1.0)   # a node is not its own neighbour
    return dice


def node_features(similarity: np.ndarray, neighbours: int) -> np.ndarray:
    """Per node: its `neighbours` largest similarities as quantiles of the graph's similarity
    values, then its frequency rank (nodes come most frequent first) scaled to [0, 1]."""
    n = len(similarity)
    values = np.sort(similarity[~np.eye(n, dtype=bool)])
    top = -np.sort(-similarity, axis=1)[:, :neighbours]
    quantiles = np.searchsorted(values, top, side="right") / max(len(values), 1)
    rank = (np.arange(n) / max(n - 1, 1))[:, None]
    return np.hstack([quantiles, rank])


def match_greedily(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """For each left node the index of its right node (or -1): 1:1, nearest first."""
    distance = np.sqrt(((left[:, None, :] - right[None, :, :]) ** 2).sum(axis=2))
    order = np.argsort(distance, axis=None, kind="stable")
    matched = np.full(len(left), -1, np.int64)
    taken = np.zeros(len(right), bool)
    for flat in order.tolist():
        i, j = divmod(flat, len(right))
        if matched[i] < 0 and not taken[j]:
            matched[i], taken[j] = j, True
            if taken.all() or (matched >= 0).all():
                break
    return matched


def graph_matching_attack(target: AttackTarget, public: PublicNames, *, nodes: int = 300,
                          neighbours: int = 10) -> AttackOutcome:
    spec = target.schema.field_of_kind("name")
    guesses: list[str | None] = [None] * len(target)
    if spec is None or not len(target) or not public.names:
        return score_guesses("graph-matching", target, guesses, public)
    q = spec.tokeniser.q if spec.tokeniser.kind == "qgram" else 2
    filters = np.ascontiguousarray(target.records["filter"])
    unique, first, inverse, counts = np.unique(filters, axis=0, return_index=True,
                                               return_inverse=True, return_counts=True)
    order = np.lexsort((first, -counts))[:nodes]
    encoded = _dice_matrix(to_bits(unique[order], target.filter_bits))
    names = [name for name, _ in public.ranked()[:len(order)]]
    vocabulary = {g: i for i, g in enumerate(sorted({g for n in names for g in name_qgrams(n, q)}))}
    plain = np.zeros((len(names), len(vocabulary)), np.uint8)
    for row, name in enumerate(names):
        plain[row, [vocabulary[g] for g in name_qgrams(name, q)]] = 1
    size = min(len(order), len(names))
    if size < 3:
        return score_guesses("graph-matching", target, guesses, public)
    width = min(neighbours, size - 1)
    matched = match_greedily(node_features(encoded[:size, :size], width),
                             node_features(_dice_matrix(plain[:size]), width))
    guess_of_unique = {int(order[i]): names[j] for i, j in enumerate(matched.tolist()) if j >= 0}
    for row, u in enumerate(inverse.reshape(-1).tolist()):
        guesses[row] = guess_of_unique.get(u)
    return score_guesses("graph-matching", target, guesses, public)
