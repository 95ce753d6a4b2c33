"""Per-record Bayesian re-identification from the identified q-gram patterns.

A record holds an identified q-gram when all the pattern's positions are set. A candidate name
explains the record when its identified q-grams are exactly those held (an unhardened filter has
no noise: a missing one rules the name out, an extra one needs another word), and when its
unidentified q-grams account for the record's remaining set bits (the length term: u unknown
q-grams of k positions each set about a share 1 - (1 - 1/m)^(ku) of the free positions).

Candidates are sets of up to four words, public or (only where public words cannot explain
the record) spelt from the record's own bigrams (spelling.py); every order of a set is a
candidate string with its prior (name_priors.py); and "none of these" (_log_none). A record is
re-identified only when one string's posterior reaches the threshold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from padan.encoder.tokens import word_qgrams
from padan.evaluation.attacks.mining.name_priors import NamePriors
from padan.evaluation.attacks.mining.patterns import holding_rows
from padan.evaluation.attacks.mining.public_model import PublicQgrams, PublicWords
from padan.evaluation.attacks.mining.spelling import spellings

_MAX_WORDS = 4
_MAX_COVERS = 64           # word sets per record (the rarest q-gram is covered first: few)
_CHUNK = 2048
_PRUNE = 20.0              # word sets this far (nats) below the best are not worth ordering
_LETTER_SPACE = 27         # letters and the word-boundary pad: q-grams a typo can make
HIDDEN_FLOOR = 0.01         # see _log_none (0.05 refused right names: measured, issue 9)
VARIANT_RATE = 0.1         # share of names written as a variant (typo, spelling) of another


@dataclass(frozen=True, slots=True)
class Reidentification:
    """Per record: the most probable string, its posterior, and its words (None: no
    candidate explains the record)."""

    best: list[str | None]
    posterior: np.ndarray
    words: list[tuple[str, ...] | None]

    def guesses(self, threshold: float) -> list[str | None]:
        return [b if p >= threshold else None
                for b, p in zip(self.best, self.posterior.tolist(), strict=True)]


class _Words:
    """Candidate words with their identified q-grams (one bit each) and unidentified ones.

    Public words come first (in a matrix, to find those a record contains with one product);
    spelt words are added as records reveal them.
    """

    def __init__(self, lexicon: PublicWords, grams: PublicQgrams, bit_of: dict[int, int]):
        self.grams, self.bit_of = grams, bit_of
        self.gram_index = grams.index
        self.words: list[str] = []
        self.masks: list[int] = []
        self.unknown: list[frozenset[int]] = []
        self.id_of: dict[str, int] = {}
        rows = []
        for word in lexicon.words:
            bits = self._add(word)
            if bits is not None:
                rows.append(bits)
        self.listed = len(self.words)
        self.ident = np.zeros((self.listed, len(bit_of)), np.float32)
        for i, bits in enumerate(rows):
            self.ident[i, bits] = 1.0
        self.sizes = self.ident.sum(axis=1)

    def _add(self, word: str) -> list[int] | None:
        indices = {self.gram_index.get(g, -1) for g in word_qgrams(word, self.grams.q)}
        bits = [self.bit_of[g] for g in indices if g in self.bit_of]
        if not bits:
            return None       # no identified q-gram: it could hide in any record
        self.id_of[word] = len(self.words)
        self.words.append(word)
        self.masks.append(sum(1 << b for b in bits))
        self.unknown.append(frozenset(g for g in indices if g not in self.bit_of))
        return bits

    def spelt(self, word: str) -> int | None:
        if word not in self.id_of:
            self._add(word)
        return self.id_of.get(word)


def _covers(target: int, contained: list[int], masks: list[int]) -> list[tuple[int, ...]]:
    """Sets of up to _MAX_WORDS contained words whose identified q-grams union to `target`."""
    found: dict[frozenset, tuple[int, ...]] = {}

    def walk(uncovered: int, chosen: tuple[int, ...]) -> None:
        if len(found) >= _MAX_COVERS:
            return
        if uncovered == 0:
            found.setdefault(frozenset(chosen), chosen)
            return
        if len(chosen) == _MAX_WORDS:
            return
        rarest = 1 << (uncovered.bit_length() - 1)
        for w in contained:
            if masks[w] & rarest and w not in chosen:
                walk(uncovered & ~masks[w], (*chosen, w))

    if target:
        walk(target, ())
    return list(found.values())


def _coverable(target: int, candidates: list[int], masks: list[int]) -> bool:
    union = 0
    for w in candidates:
        union |= masks[w]
    return union & target == target


class LengthModel:
    """log P(extra set bits among `free` positions | `unknown` q-grams of k positions).

    With other fields in the filter (`others`), some unexplained bits are theirs (tokens whose
    patterns were not mined) in a number the attacker cannot pin down per record: surplus bits
    are then free (the likelihood is maximised over the other fields' share), and only a record
    with fewer bits than the candidate's unknown q-grams need counts against it.
    """

    def __init__(self, k: int, filter_bits: int, others: bool):
        self.k, self.filter_bits, self.others = k, filter_bits, others
        self._keep = math.log(1.0 - 1.0 / filter_bits)

    def log_fit(self, extra: int, free: int, unknown: float) -> float:
        if self.others and free > 0 and extra > 0:
            # the unknown count whose expected surplus is `extra`, if more than the candidate's
            needed = math.log(max(1.0 - extra / free, 1e-9)) / (self.k * self._keep)
            unknown = max(unknown, needed)
        share = 1.0 - math.exp(self.k * unknown * self._keep)
        share = min(max(share, 1e-9), 1 - 1e-9)
        return (math.lgamma(free + 1) - math.lgamma(extra + 1) - math.lgamma(free - extra + 1)
                + extra * math.log(share) + (free - extra) * math.log(1 - share))


@dataclass(frozen=True, slots=True)
class _Record:
    """What one record shows once the identified patterns are read off it."""

    held: int        # identified q-grams held
    extra: int       # set bits no held identified q-gram explains
    free: int        # positions no held identified q-gram covers
    # positions the held q-grams set beyond those identified (a peeled pattern lacks the ones
    # it shares with others), in q-grams: they look like unexplained bits
    missing: float


def _log_none(best: float, record: _Record, unknown: float, log_unseen: float,
              hidden_gram_share: float, length: LengthModel) -> float:
    """log weight of "none of these" for a record whose best candidate scores `best`.

    Two ways an unlisted name can look exactly like the candidates:
    - a variant of the best candidate (a typo, another spelling) whose changed q-grams all lack
      a pattern: the q-gram it alters is one of the candidate's unidentified ones, and the d
      q-grams it adds show only in the unexplained bits;
    - an unlisted name that merely happens to hold these identified q-grams: the Good-Turing
      share of a single unseen name, times the chance that its difference hides in q-grams
      without a pattern (the share of the record left unexplained, once per changed q-gram).
    """
    extra, free = record.extra, record.free
    fit_now = length.log_fit(extra, free, unknown)
    altered = max(unknown, 0.05) / (unknown + record.held)
    variant = max(best - fit_now + math.log(VARIANT_RATE * altered)
                  + length.log_fit(extra, free, unknown + d)
                  + d * math.log(hidden_gram_share) for d in (1, 2, 3))
    # q-grams the unlisted name may hide: those the unexplained bits suggest, and one that hides
    # whole under positions already covered (likely only for few bits per q-gram in a dense
    # filter), or a word made of the held q-grams that no candidate spells (the floor)
    covered = 1.0 - free / length.filter_bits
    hidden = extra / length.k + max(HIDDEN_FLOOR, covered ** length.k)
    share = hidden / (hidden + record.held + 1)
    unlisted = log_unseen + 2 * math.log(share) + max(
        length.log_fit(extra, free, u + record.missing) for u in range(40))
    top = max(variant, unlisted)
    return top + math.log(math.exp(variant - top) + math.exp(unlisted - top))


def reidentify(bits: np.ndarray, identified: dict[int, np.ndarray], grams: PublicQgrams,
               priors: NamePriors, bits_per_token: int, *,
               background: np.ndarray | None = None, spell: bool = True) -> Reidentification:
    """Re-identify every record. `identified`: public q-gram index -> its positions;
    `background`: (records, bits) bool, positions explained by other fields' patterns that
    the record holds (None: the name is alone in the filter)."""
    n, filter_bits = bits.shape
    best: list[str | None] = [None] * n
    posterior = np.zeros(n)
    chosen: list[tuple[str, ...] | None] = [None] * n
    if not identified or n == 0:
        return Reidentification(best, posterior, chosen)
    # bit order: rarest identified q-gram highest, so covers branch on it first
    order = sorted(identified, key=lambda g: -grams.frequency[g])
    bit_of = {g: i for i, g in enumerate(order)}
    names_of_bits = [grams.grams[g] for g in order]
    held = np.stack([holding_rows(bits, identified[g]) for g in order], axis=1)
    where = np.zeros((len(order), filter_bits), np.float32)
    for i, g in enumerate(order):
        where[i, identified[g]] = 1.0
    deficit = np.array([max(bits_per_token - len(identified[g]), 0) / bits_per_token
                        for g in order], np.float32)
    words = _Words(priors.lexicon, grams, bit_of)
    set_bits = bits.sum(axis=1)
    length = LengthModel(bits_per_token, filter_bits, background is not None)
    log_unseen = math.log(priors.unseen / priors.people)
    hidden_gram_share = max(1.0 - len(identified) / _LETTER_SPACE ** grams.q, 0.05)
    spell = spell and grams.q == 2
    for start in range(0, n, _CHUNK):
        chunk = held[start:start + _CHUNK]
        as_float = chunk.astype(np.float32)
        covering = as_float @ where > 0
        if background is not None:
            covering |= background[start:start + _CHUNK]
        covered = covering.sum(axis=1)
        missing = as_float @ deficit
        contained = (as_float @ words.ident.T) >= words.sizes[None, :] - 0.5
        for offset in range(len(chunk)):
            row = start + offset
            present = np.flatnonzero(chunk[offset]).tolist()
            if not present:
                continue
            target = sum(1 << b for b in present)
            record = _Record(len(present), int(set_bits[row]) - int(covered[offset]),
                             filter_bits - int(covered[offset]), float(missing[offset]))
            candidates = np.flatnonzero(contained[offset]).tolist()
            if spell and not _coverable(target, candidates, words.masks):
                for word in spellings({names_of_bits[b] for b in present}):
                    w = words.spelt(word)
                    if w is not None and w >= words.listed and w not in candidates:
                        candidates.append(w)
            sets = []
            for cover in _covers(target, candidates, words.masks):
                unknown = record.missing + len(frozenset().union(*(words.unknown[w]
                                                                   for w in cover)))
                fit = length.log_fit(record.extra, record.free, unknown)
                names = tuple(words.words[w] for w in cover)
                sets.append((fit + priors.bound(names), fit, names, unknown))
            scored: list[tuple[float, str, tuple[str, ...]]] = []
            unknown_of: dict[tuple[str, ...], float] = {}
            if sets:
                cut = max(sets)[0] - _PRUNE
                for rough, fit, names, unknown in sets:
                    if rough >= cut:
                        unknown_of[names] = unknown
                        scored.extend((fit + log_prior, string, names)
                                      for string, log_prior in priors.strings(names))
            if not scored:
                continue
            top = max(scored)
            none = _log_none(top[0], record, unknown_of[top[2]], log_unseen, hidden_gram_share,
                             length)
            ceiling = max(top[0], none)
            total = math.exp(none - ceiling) + sum(math.exp(s - ceiling) for s, _, _ in scored)
            best[row], chosen[row] = top[1], top[2]
            posterior[row] = math.exp(top[0] - ceiling) / total
    return Reidentification(best, posterior, chosen)
