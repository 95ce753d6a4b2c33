"""Which q-gram each mined pattern is: frequencies and co-occurrences compared with the public's.

A pattern held by s of N filters fits a q-gram of public frequency f by the binomial likelihood
of s; once some patterns are anchored (aligned), it must also fit inside each anchor's rows and
outside them (the partition-conditional frequencies P(g | a) and P(g | not a)). Those terms
separate q-grams of equal frequency: 'ti' and 'it' are about as frequent, but 'ti' sits with
'_s' and 'si' (siti) far more often.

1. Anchors: a beam search over the most frequent patterns assigns them jointly, by frequency
   and the pairwise co-occurrences among themselves.
2. Growth: every unaligned pattern is scored against every free q-gram given the anchors; those
   whose best q-gram beats the runner-up by a clear margin are aligned, and the round repeats.
3. Re-alignment: each aligned pattern is scored again with all the others as anchors (leaving
   itself out) and the assignment is redone 1:1, so early mistakes are corrected.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from padan.evaluation.attacks.mining.public_model import PublicQgrams

_PRIOR_PEOPLE = 2.0          # pseudo-count smoothing public shares towards the q-gram's frequency
_BEAM_PATTERNS = 10          # patterns assigned jointly to start
_BEAM_CANDIDATES = 8         # q-grams tried per pattern in the beam (nearest in frequency)
_BEAM_WIDTH = 64
_MARGIN = 12.0               # nats between the best q-gram and the runner-up
_GROWTH_BATCH = 0.25         # share of the confident candidates taken per round (best first)
_REALIGN_ROUNDS = 3


@dataclass(frozen=True, slots=True)
class Alignment:
    gram: np.ndarray      # (patterns,) index into PublicQgrams.grams, -1 where not aligned
    margin: np.ndarray    # (patterns,) log-likelihood margin over the runner-up


def _log(p: np.ndarray) -> np.ndarray:
    return np.log(np.clip(p, 1e-9, 1 - 1e-9))


def _binomial(successes: np.ndarray, trials: np.ndarray, p: np.ndarray) -> np.ndarray:
    return successes * _log(p) + (trials - successes) * _log(1 - p)


class Aligner:
    """Holds the target's pattern co-occurrences and the public's q-gram co-occurrences."""

    def __init__(self, held: np.ndarray, public: PublicQgrams):
        as_float = held.astype(np.float32)
        self.records = float(len(held))
        self.together = (as_float.T @ as_float).astype(np.float64)    # (patterns, patterns)
        self.support = np.diag(self.together).copy()
        people = float(public.people)
        self.frequency = (public.frequency * people + 0.5) / (people + 1.0)
        joint_people = public.joint * people
        self.joint = (joint_people + _PRIOR_PEOPLE * np.outer(self.frequency, self.frequency)) \
            / (people + _PRIOR_PEOPLE)
        with_anchor = np.diag(joint_people)                            # people holding anchor
        self.inside = (joint_people + _PRIOR_PEOPLE * self.frequency[:, None]) \
            / (with_anchor[None, :] + _PRIOR_PEOPLE)                   # P(g | a), (grams, a)
        self.outside = (self.frequency[:, None] * people - joint_people
                        + _PRIOR_PEOPLE * self.frequency[:, None]) \
            / (people - with_anchor[None, :] + _PRIOR_PEOPLE)          # P(g | not a)

    def global_fit(self) -> np.ndarray:
        """(patterns, grams) log-likelihood of each pattern's support under each q-gram."""
        s = self.support[:, None]
        return _binomial(s, self.records, self.frequency[None, :])

    def fit(self, anchor_patterns: np.ndarray, anchor_grams: np.ndarray,
            leave_out: bool = False) -> np.ndarray:
        """(patterns, grams) log-likelihood given the anchors (frequency + conditionals)."""
        score = self.global_fit()
        if len(anchor_patterns) == 0:
            return score
        both = self.together[:, anchor_patterns]                  # (patterns, anchors)
        anchor_support = self.support[anchor_patterns][None, :]
        own = self.support[:, None]
        log_in, log_in_not = _log(self.inside[:, anchor_grams]), _log(1 - self.inside[:,
                                                                                   anchor_grams])
        log_out, log_out_not = _log(self.outside[:, anchor_grams]), _log(
            1 - self.outside[:, anchor_grams])
        if leave_out:
            # a pattern is not its own anchor: zero its row's counts for itself
            mask = np.ones_like(both)
            mask[anchor_patterns, np.arange(len(anchor_patterns))] = 0
        else:
            mask = 1.0
        score = score + (both * mask) @ log_in.T + ((anchor_support - both) * mask) @ log_in_not.T
        score = score + ((own - both) * mask) @ log_out.T
        score = score + ((self.records - anchor_support - own + both) * mask) @ log_out_not.T
        return score

    def pair_fit(self, p: int, g: int, assigned: list[tuple[int, int]]) -> float:
        if not assigned:
            return 0.0
        others = np.array([q for q, _ in assigned])
        grams = np.array([h for _, h in assigned])
        return float(_binomial(self.together[p, others], self.records,
                               self.joint[g, grams]).sum())


def anchor_fit(held: np.ndarray, public: PublicQgrams) -> float:
    """How well the public's q-gram statistics fit the most frequent patterns (the best
    beam's log-likelihood): compares public samples (e.g. birth cohorts) as models of a list."""
    if held.shape[1] == 0 or not public.grams:
        return -np.inf
    aligner = Aligner(held, public)
    order = np.argsort(-aligner.support, kind="stable")
    beam = _beam(aligner, order)
    return beam[0][0] if beam else -np.inf


def _beam_anchors(aligner: Aligner, order: np.ndarray) -> list[list[tuple[int, int]]]:
    """The best joint assignments of the most frequent patterns, best first."""
    return [assigned for _, assigned in _beam(aligner, order)]


def _beam(aligner: Aligner, order: np.ndarray) -> list[tuple[float, list[tuple[int, int]]]]:
    first = aligner.global_fit()
    beam: list[tuple[float, list[tuple[int, int]]]] = [(0.0, [])]
    for p in order[:_BEAM_PATTERNS].tolist():
        candidates = np.argsort(-first[p])[:_BEAM_CANDIDATES].tolist()
        extended = []
        for score, assigned in beam:
            used = {g for _, g in assigned}
            for g in candidates:
                if g in used:
                    continue
                extended.append((score + first[p, g] + aligner.pair_fit(p, g, assigned),
                                 [*assigned, (p, g)]))
        extended.sort(key=lambda item: -item[0])
        beam = extended[:_BEAM_WIDTH]
    return beam


def _best_two(score: np.ndarray, free_grams: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    masked = np.where(free_grams[None, :], score, -np.inf)
    top = np.argsort(-masked, axis=1)[:, :2]
    best = top[:, 0]
    rows = np.arange(len(score))
    margin = masked[rows, top[:, 0]] - masked[rows, top[:, 1]]
    return best, np.where(np.isfinite(margin), margin, 0.0)


def _assign_one_to_one(score: np.ndarray, patterns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Greedy 1:1 over the given patterns by descending margin of their best free q-gram."""
    gram = np.full(len(score), -1, np.int64)
    margin = np.zeros(len(score))
    free = np.ones(score.shape[1], bool)
    todo = set(patterns.tolist())
    while todo:
        rows = np.array(sorted(todo))
        best, gap = _best_two(score[rows], free)
        pick = int(np.argmax(gap))
        p, g = int(rows[pick]), int(best[pick])
        gram[p], margin[p] = g, gap[pick]
        free[g] = False
        todo.discard(p)
    return gram, margin


def align_patterns(held: np.ndarray, public: PublicQgrams, *, margin: float = _MARGIN,
                   restarts: int = 1) -> Alignment:
    """Align patterns (columns of `held`, (records, patterns) bool) with public q-grams.

    With `restarts` > 1, the growth starts again from each of the best few anchor sets of the
    beam, and the alignment with the largest total margin wins (a small list's frequencies
    cannot always tell the most frequent q-grams apart; a wrong start shows in the margins).
    """
    patterns = held.shape[1]
    if patterns == 0 or not public.grams:
        return Alignment(np.full(patterns, -1, np.int64), np.zeros(patterns))
    aligner = Aligner(held, public)
    order = np.argsort(-aligner.support, kind="stable")
    starts = _beam_anchors(aligner, order)[:max(restarts, 1)] or [[]]
    results = [_grow(aligner, anchors, patterns, len(public.grams), margin) for anchors in starts]
    return max(results, key=lambda a: float(a.margin[a.gram >= 0].sum()))


def _grow(aligner: Aligner, anchors: list[tuple[int, int]], patterns: int, grams: int,
          margin: float) -> Alignment:
    gram = np.full(patterns, -1, np.int64)
    gaps = np.zeros(patterns)
    for p, g in anchors:
        gram[p] = g
    while True:
        assigned = np.flatnonzero(gram >= 0)
        free = np.ones(grams, bool)
        free[gram[assigned]] = False
        open_patterns = np.flatnonzero(gram < 0)
        if not len(open_patterns) or not free.any():
            break
        score = aligner.fit(assigned, gram[assigned])[open_patterns]
        best, gap = _best_two(score, free)
        confident = np.flatnonzero(gap >= margin)
        if not len(confident):
            break
        take = confident[np.argsort(-gap[confident])]
        take = take[:max(1, int(np.ceil(_GROWTH_BATCH * len(take))))]
        claimed: set[int] = set()
        for i in take.tolist():
            if int(best[i]) not in claimed:
                claimed.add(int(best[i]))
                gram[open_patterns[i]] = best[i]
    for _ in range(_REALIGN_ROUNDS):
        assigned = np.flatnonzero(gram >= 0)
        if not len(assigned):
            break
        score = aligner.fit(assigned, gram[assigned], leave_out=True)
        new_gram, gaps = _assign_one_to_one(score, assigned)
        gram = np.where(np.isin(np.arange(patterns), assigned), new_gram, -1)
    gram = np.where(gaps >= margin, gram, -1)
    return Alignment(gram, np.where(gram >= 0, gaps, 0.0))
