"""Words the public list lacks, spelt out from the record's own q-grams.

A padded word is a chain of bigrams: '_s', 'sr', 'ri', ..., 'i_'. When a record holds identified
bigrams that no public word explains, the words they spell (chains from a '_x' to a 'y_' through
held bigrams) are candidates too. Their prior is the Good-Turing share of unseen words times a
letter model of the public words (the probability of each letter given the one before), so a
plausible spelling of an unlisted name ('srimati', 'hatiman') can be guessed, and noise cannot
easily look like one.

Only q = 2 can be spelt this way (a chain of longer q-grams works too, but the schema's default
and the attack's controls use bigrams); for other q no words are spelt.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict

from padan.encoder.tokens import word_qgrams

_PAD = "_"
_MAX_LETTERS = 14
_MAX_SPELLINGS = 64


class LetterModel:
    """P(next letter | letter) over padded public words (bigram chain), add-one smoothed."""

    def __init__(self, words: dict[str, float]):
        pairs: Counter = Counter()
        for word, count in words.items():
            for gram in word_qgrams(word, 2):
                pairs[gram] += count
        after: Counter = Counter()
        for gram, count in pairs.items():
            after[gram[0]] += count
        letters = {c for gram in pairs for c in gram}
        spread = 0.5 * len(letters)
        self._log = {gram: math.log((count + 0.5) / (after[gram[0]] + spread))
                     for gram, count in pairs.items()}
        self._floor = {c: math.log(0.5 / (after[c] + spread)) for c in letters}
        self._default = math.log(1.0 / (len(letters) + 1))

    def log_probability(self, word: str) -> float:
        total = 0.0
        for gram in word_qgrams(word, 2):
            found = self._log.get(gram)
            total += found if found is not None else self._floor.get(gram[0], self._default)
        return total


def spellings(held: set[str], *, max_letters: int = _MAX_LETTERS,
              limit: int = _MAX_SPELLINGS) -> list[str]:
    """Words whose padded bigrams are all in `held`, each bigram used once."""
    following: dict[str, list[str]] = defaultdict(list)
    for gram in sorted(held):
        if len(gram) == 2:
            following[gram[0]].append(gram)
    found: list[str] = []

    def walk(letters: str, used: set[str]) -> None:
        if len(found) >= limit:
            return
        last = letters[-1]
        for gram in following.get(last, ()):
            if gram in used:
                continue
            if gram[1] == _PAD:
                if len(letters) >= 3:
                    found.append(letters[1:])
                continue
            if len(letters) > max_letters:
                continue
            used.add(gram)
            walk(letters + gram[1], used)
            used.discard(gram)

    walk(_PAD, set())
    return found
