"""Prior probabilities of candidate names, from the public list.

A listed name has its share of the public; any string of words (listed or spelt) also has the
Good-Turing unseen-name share times a word chain: P(first word) P(next | word) ..., the word
pairs of the public backed off to how often a word sits in a middle or closing position. A word
the public lacks has its position's unseen-word share times the letter model's probability of
its spelling. A filter keeps no word order, so each order of a word set is its own candidate.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from padan.evaluation.attacks.mining.public_model import PublicWords
from padan.evaluation.attacks.mining.spelling import LetterModel

_BACKOFF = 50.0            # pseudo-people of the position frequency behind a word pair
_MAX_ORDERS_WORDS = 4      # word sets up to this size get every order
_PAIR_LIFT = 6.0           # nats a known word pair may add over the position share (bound)
_CACHE_LIMIT = 500_000     # word sets whose orders are kept while one attack runs


def _log_shares(counts: np.ndarray) -> tuple[np.ndarray, float]:
    """log share of each word at a position (listed words), and the unseen-word share."""
    total = counts.sum()
    singletons = float((counts == 1).sum())
    unseen = min(max(singletons / total if total else 1.0, 1e-3), 0.5)
    return np.log((1 - unseen) * (counts + 0.5) / (total + 0.5 * len(counts))), unseen


def _spelling_lift(letters: LetterModel, counts: dict[str, float]) -> float:
    """How much likelier a real unseen word is than the letter model says.

    The letter model spreads its mass over every string, most of them no name. The public's
    words seen once stand in for the unseen ones: there are about N1^2 / (2 N2) unseen word
    types (Chao1), each of probability 1 / that among unseen words, while the letter model gives
    a word seen once exp(mean log probability) on average; the lift is the log of the ratio.
    """
    once = [w for w, c in counts.items() if c == 1]
    twice = sum(1 for c in counts.values() if c == 2)
    if not once:
        return 0.0
    types = max(len(once) ** 2 / (2 * max(twice, 1)), 1.0)
    mean = sum(letters.log_probability(w) for w in once) / len(once)
    return max(-math.log(types) - mean, 0.0)


class NamePriors:
    def __init__(self, lexicon: PublicWords):
        self.lexicon = lexicon
        self.index = lexicon.index
        self.people = max(lexicon.people, 1)
        self.first, self.unseen_first = _log_shares(lexicon.first)
        self.middle, self.unseen_middle = _log_shares(lexicon.later - lexicon.last)
        self.last, self.unseen_last = _log_shares(lexicon.last)
        lengths = lexicon.lengths + 0.5
        self.log_length = np.log(lengths / lengths.sum())
        self.unseen = min(max(lexicon.unseen_name_share, 1e-3), 0.9)
        counts = dict(zip(lexicon.words, (lexicon.first + lexicon.later).tolist(), strict=True))
        self.letters = LetterModel(counts)
        self.spelling_lift = _spelling_lift(self.letters, counts)
        self._spelt: dict[str, float] = {}
        self._positions: dict[tuple[str, str], float] = {}
        self._strings: dict[tuple[str, ...], list[tuple[str, float]]] = {}

    def _spelling(self, word: str) -> float:
        found = self._spelt.get(word)
        if found is None:
            found = self._spelt[word] = self.letters.log_probability(word)
        return found

    def log_position(self, word: str, position: str) -> float:
        """log P(word | position), position one of 'first', 'middle', 'last'."""
        found = self._positions.get((word, position))
        if found is None:
            found = self._positions[word, position] = self._log_position(word, position)
        return found

    def _log_position(self, word: str, position: str) -> float:
        shares, unseen = {"first": (self.first, self.unseen_first),
                          "middle": (self.middle, self.unseen_middle),
                          "last": (self.last, self.unseen_last)}[position]
        i = self.index.get(word)
        if i is not None:
            return float(shares[i])
        return math.log(unseen) + self._spelling(word) + self.spelling_lift

    def log_next(self, word: str, following: str, closing: bool) -> float:
        """log P(next word | word): public pairs, backed off to the position's frequency."""
        backoff = math.exp(self.log_position(following, "last" if closing else "middle"))
        i = self.index.get(word)
        followed = float(self.lexicon.followed[i]) if i is not None else 0.0
        pairs = self.lexicon.follows.get((word, following), 0)
        return math.log((pairs + _BACKOFF * backoff) / (followed + _BACKOFF))

    def bound(self, words: tuple[str, ...]) -> float:
        """About the best log prior of any order of the words, cheaply (for pruning: a word
        pair seldom lifts a word more than _PAIR_LIFT nats above its position share)."""
        length = len(words)
        log_length = (self.log_length[length] if length < len(self.log_length)
                      else self.log_length[-1] - 5)
        best_word = sum(max(self.log_position(w, "first"), self.log_position(w, "middle"),
                            self.log_position(w, "last")) for w in words)
        listed = self.lexicon.full.get(tuple(sorted(words)))
        listed_share = (math.log(listed[0][1] * len(listed) / self.people) if listed
                        else -math.inf)
        return max(math.log(self.unseen) + log_length + best_word + _PAIR_LIFT * (length - 1),
                   listed_share)

    def strings(self, words: tuple[str, ...]) -> list[tuple[str, float]]:
        """Every order of the words as a name, with its log prior."""
        key = tuple(sorted(words))
        found = self._strings.get(key)
        if found is None:
            if len(self._strings) > _CACHE_LIMIT:
                self._strings.clear()
            found = self._strings[key] = self._orders(key)
        return found

    def _orders(self, words: tuple[str, ...]) -> list[tuple[str, float]]:
        listed = dict(self.lexicon.full.get(words, []))
        length = len(words)
        log_length = (self.log_length[length] if length < len(self.log_length)
                      else self.log_length[-1] - 5)
        orders = (set(itertools.permutations(words)) if length <= _MAX_ORDERS_WORDS
                  else {words})
        out = []
        for order in orders:
            string = " ".join(order)
            composed = (math.log(self.unseen) + log_length + self.log_position(order[0], "first")
                        + sum(self.log_next(a, b, i == length - 2)
                              for i, (a, b) in enumerate(itertools.pairwise(order))))
            prior = math.exp(composed)
            if string in listed:
                prior += (1 - self.unseen) * listed[string] / self.people
            out.append((string, math.log(max(prior, 1e-300))))
        return out

