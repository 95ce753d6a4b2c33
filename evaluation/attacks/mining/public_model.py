"""What the attacker computes from the public list: the q-grams of every public name, how often
each q-gram occurs, and how often two occur in the same name.

The attacker tokenises with padan's own tokeniser (Kerckhoffs: the schema and the code are
public, only the key is secret).
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass

import numpy as np

from padan.encoder.tokens import name_qgrams
from padan.evaluation.attacks.knowledge import PublicNames


@dataclass(frozen=True, slots=True)
class PublicQgrams:
    """Distinct public names and their q-gram sets, with people-weighted statistics."""

    q: int
    grams: tuple[str, ...]            # vocabulary, most frequent first
    names: tuple[str, ...]            # distinct public names, most frequent first
    counts: np.ndarray                # people per distinct name
    holds: np.ndarray                 # (names, grams) bool
    people: int
    frequency: np.ndarray             # (grams,) share of people whose name holds the q-gram
    joint: np.ndarray                 # (grams, grams) share holding both

    @property
    def index(self) -> dict[str, int]:
        return {g: i for i, g in enumerate(self.grams)}


def public_qgrams(public: PublicNames, q: int) -> PublicQgrams:
    ranked = public.ranked()
    names = tuple(name for name, _ in ranked)
    counts = np.array([count for _, count in ranked], np.float64)
    grams_of = [name_qgrams(name, q) for name in names]
    people_with: Counter = Counter()
    for grams, count in zip(grams_of, counts.tolist(), strict=True):
        people_with.update(dict.fromkeys(grams, count))
    grams = tuple(g for g, _ in sorted(people_with.items(), key=lambda item: (-item[1], item[0])))
    index = {g: i for i, g in enumerate(grams)}
    holds = np.zeros((len(names), len(grams)), bool)
    for row, name_grams in enumerate(grams_of):
        holds[row, [index[g] for g in name_grams]] = True
    people = float(counts.sum())
    weighted = holds.astype(np.float32) * counts[:, None].astype(np.float32)
    joint = (weighted.T @ holds.astype(np.float32)) / max(people, 1.0)
    return PublicQgrams(q, grams, names, counts, holds, int(people), np.diag(joint).copy(),
                        joint.astype(np.float64))


@dataclass(frozen=True, slots=True)
class PublicWords:
    """The public names as words: how often each word opens a name or follows in it, how many
    words names have, and which whole names occur (with their word sets, order-free, since a
    filter does not keep word order)."""

    words: tuple[str, ...]
    first: np.ndarray                 # people whose name opens with the word
    later: np.ndarray                 # occurrences in second or later position
    last: np.ndarray                  # occurrences closing a name of two or more words
    lengths: np.ndarray               # people per number of words (index = words)
    people: int
    full: dict[tuple[str, ...], list[tuple[str, int]]]   # sorted words -> (name, people)
    unseen_name_share: float          # Good-Turing: share of people with a name not in the list
    follows: dict[tuple[str, str], int]   # (word, next word) -> people
    followed: np.ndarray              # people in whose name the word has a next word

    @property
    def index(self) -> dict[str, int]:
        return {w: i for i, w in enumerate(self.words)}


def public_words(public: PublicNames) -> PublicWords:
    counts = public.counts()
    first: Counter = Counter()
    later: Counter = Counter()
    last: Counter = Counter()
    lengths: Counter = Counter()
    full: dict[tuple[str, ...], list[tuple[str, int]]] = {}
    follows: Counter = Counter()
    for name, count in counts.items():
        parts = name.split()
        first[parts[0]] += count
        for pair in itertools.pairwise(parts):
            follows[pair] += count
        for word in parts[1:]:
            later[word] += count
        if len(parts) > 1:
            last[parts[-1]] += count
        lengths[len(parts)] += count
        full.setdefault(tuple(sorted(parts)), []).append((name, count))
    for entries in full.values():
        entries.sort(key=lambda item: (-item[1], item[0]))
    words = tuple(sorted(set(first) | set(later)))
    people = sum(counts.values())
    singletons = sum(1 for c in counts.values() if c == 1)
    longest = max(lengths) if lengths else 1
    followed: Counter = Counter()
    for (word, _), count in follows.items():
        followed[word] += count
    return PublicWords(
        words, np.array([first[w] for w in words], np.float64),
        np.array([later[w] for w in words], np.float64),
        np.array([last[w] for w in words], np.float64),
        np.array([lengths.get(i, 0) for i in range(longest + 1)], np.float64), people, full,
        singletons / people if people else 1.0, dict(follows),
        np.array([followed[w] for w in words], np.float64))
