"""Graph matching at the level of q-grams: the graph of how the filters' frequent bit patterns
occur together, matched to the graph of how the public names' q-grams occur together.

Whole-name graph matching (graph_matching) needs the same names in the encoded list and in the
public sample; on diverse names (most people alone with their name) the two node sets barely
overlap. The q-grams of those names are still shared: "siti aminah" and "siti aisyah" are
different nodes of the name graph, but their q-grams "si", "it", "ti", "am", ... are the same
nodes of the q-gram graph, with about the same frequency and the same co-occurrences in any
large sample of the population.

1. Nodes: the encoded graph's nodes are the frequent bit patterns of the filters (a q-gram sets
   the same positions in every filter that holds it; found without the key by the mining
   step of pattern mining, mining.patterns, with the patterns of the other fields set aside),
   each with the rows holding it. The plaintext graph's nodes are the public q-grams, each
   with the people whose name holds it.
2. Edges: co-occurrence, P(b | a) = share of a's holders that also hold b, in both graphs.
3. Matching (after Vidanage et al., CIKM 2020, with co-occurrence in place of similarity):
   first on frequency alone (Hungarian on the log-frequency distance), then rounds in which
   the most confident pairs become anchors and every node is described by its co-occurrence
   with the anchors, P(anchor | node); a node and its true counterpart
   co-occur alike with every anchor (the share of the node's holders that hold the anchor).
   Each round takes more anchors.
4. Re-identification: each filter is read as the set of matched q-grams whose pattern it holds;
   it is guessed the public name whose q-grams (among the matched ones) differ least, the
   number of q-grams its weight implies (hamming_weight) and the name's public frequency
   breaking ties.

Only names of the public sample can be guessed (the first stage of pattern mining's
re-identification, without its word model), so the ceiling is the share of the list whose name
is in the public sample.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import cdist

from padan.encoder.tokens import name_qgrams
from padan.evaluation.attacks.hamming_weight import qgram_counts_from_weights
from padan.evaluation.attacks.knowledge import (
    AttackOutcome,
    AttackTarget,
    PublicNames,
    score_guesses,
)
from padan.evaluation.attacks.mining.attack import filter_bits_of, min_support_for
from padan.evaluation.attacks.mining.entry import mineable
from padan.evaluation.attacks.mining.other_fields import name_sized
from padan.evaluation.attacks.mining.patterns import mine_patterns, size_slack

ATTACK = "graph-matching:qgrams"
_ANCHOR_SHARES = (0.1, 0.2, 0.3, 0.5, 0.7, 1.0, 1.0, 1.0)   # share of the nodes used as anchors
_SPARE_GRAMS = 1.5          # public q-grams considered per encoded node (most frequent first)
_PROFILE_WEIGHT = 5.0       # co-occurrence profile distance against log-frequency distance
# re-identification score: per differing matched q-gram, per q-gram of length misfit, and per
# unit of log public frequency
_MISMATCH, _LENGTH, _PRIOR = 3.0, 0.5, 0.1


def _log(share: np.ndarray) -> np.ndarray:
    return np.log(np.maximum(share, 1e-4))


def _assign(cost: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Node -> q-gram column (or -1) by minimum-cost 1:1 assignment, and each pair's cost."""
    rows, columns = linear_sum_assignment(cost)
    matched = np.full(len(cost), -1, np.int64)
    matched[rows] = columns
    pair_cost = np.full(len(cost), np.inf)
    pair_cost[rows] = cost[rows, columns]
    return matched, pair_cost


def match_cooccurrence(held: np.ndarray, holders: np.ndarray) -> np.ndarray:
    """For each encoded node (column of `held`, (filters, nodes) 0/1) the column of `holders`
    ((people, q-grams) 0/1) it is matched to, or -1 (module docstring, step 3)."""
    held = held.astype(np.float32)
    holders = holders.astype(np.float32)
    encoded_share = held.mean(axis=0)
    plain_share = holders.mean(axis=0)
    encoded_joint = held.T @ held / max(len(held), 1)
    plain_joint = holders.T @ holders / max(len(holders), 1)
    frequency = np.abs(_log(encoded_share)[:, None] - _log(plain_share)[None, :])
    matched, cost = _assign(frequency)
    for share in _ANCHOR_SHARES:
        paired = np.flatnonzero(matched >= 0)
        anchors = paired[np.argsort(cost[paired])[:max(int(share * len(paired)), 3)]]
        counterparts = matched[anchors]
        # P(anchor | node): a node's holders hold the anchor as often as its counterpart's do
        given = encoded_joint[:, anchors] / np.maximum(encoded_share[:, None], 1e-6)
        expected = plain_joint[:, counterparts] / np.maximum(plain_share[:, None], 1e-6)
        distance = cdist(given, expected, "cityblock") / len(anchors)
        matched, cost = _assign(_PROFILE_WEIGHT * distance + frequency)
    return matched


def _public_holders(public: PublicNames, q: int) -> tuple[list[str], np.ndarray]:
    """The public q-grams and the (people, q-grams) 0/1 matrix of who holds which."""
    grams = [name_qgrams(name, q) for name in public.names]
    vocabulary = sorted(set().union(*grams))
    column = {g: j for j, g in enumerate(vocabulary)}
    holders = np.zeros((len(grams), len(vocabulary)), np.float32)
    for row, held in enumerate(grams):
        holders[row, [column[g] for g in held]] = 1
    return vocabulary, holders


def qgram_graph_matching_attack(target: AttackTarget, public: PublicNames, *,
                                bit_range: tuple[int, int] | None = None,
                                segment_fields: tuple[str, ...] | None = None) -> AttackOutcome:
    """Match the patterns' co-occurrence graph to the public q-grams' and guess every filter
    the nearest public name (module docstring). `bit_range`: only filter bits [start, stop)
    (one segment, whose fields are `segment_fields`)."""
    guesses: list[str | None] = [None] * len(target)
    if not mineable(target) or not public.names:
        return score_guesses(ATTACK, target, guesses, public)
    spec = target.schema.field_of_kind("name")
    q = spec.tokeniser.q
    bits = filter_bits_of(target.records, target.schema, bit_range)
    sizes = [f.bits_per_token for f in target.schema.fields if f.bits_per_token]
    patterns = mine_patterns(bits, min_support=min_support_for(len(bits)),
                             min_size=max(2, min(s - size_slack(s) for s in sizes)),
                             max_size=max(sizes))
    nodes = name_sized(patterns, target.schema, len(bits))
    if len(nodes) < 3:
        return score_guesses(ATTACK, target, guesses, public)
    held = np.stack([patterns[p].rows for p in nodes], axis=1).astype(np.float32)
    vocabulary, holders = _public_holders(public, q)
    frequent = np.argsort(-holders.mean(axis=0), kind="stable")[
        :int(_SPARE_GRAMS * len(nodes)) + 1]
    matched = match_cooccurrence(held, holders[:, frequent])
    known = np.flatnonzero(matched >= 0)
    grams = [vocabulary[frequent[matched[i]]] for i in known.tolist()]
    held = held[:, known]
    ranked = public.ranked()
    names = [name for name, _ in ranked]
    name_grams = [name_qgrams(name, q) for name in names]
    holds = np.array([[g in mine for g in grams] for mine in name_grams], np.float32)
    name_lengths = np.array([len(mine) for mine in name_grams], np.float64)
    lengths = qgram_counts_from_weights(target, bits.sum(axis=1).astype(np.float64), bit_range,
                                        segment_fields)
    log_counts = np.log(np.array([count for _, count in ranked], np.float64))
    for start in range(0, len(bits), 2048):       # bounded memory: (block, names) at a time
        block = slice(start, start + 2048)
        differing = held[block] @ (1 - holds).T + (1 - held[block]) @ holds.T
        score = (-_MISMATCH * differing
                 - _LENGTH * np.abs(lengths[block, None] - name_lengths[None, :])
                 + _PRIOR * log_counts[None, :])
        for row, best in enumerate(score.argmax(axis=1).tolist(), start=start):
            guesses[row] = names[best]
    return score_guesses(ATTACK, target, guesses, public)
