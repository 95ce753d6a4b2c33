"""Comparison vectors: what the linker may say about a candidate pair, in levels.

The linker sees keyed tokens and filters, never values. For a pair of records it can tell:

- **identity**: whether the keyed NIK tokens and the blocking tokens (the salts of the segments:
  the birthdate in the default schema) agree, and, where the salts agree, how close the NIK's
  digits are (the veto segment). One comparison with joint levels, because candidate pairs are
  chosen by these very agreements: split into separate comparisons they would not be independent
  among the candidates, which a Fellegi–Sunter model assumes.
- **similarity of each field set** (the name, in the default schema): the Dice of the segments
  that encode those fields, over the segments whose salt agrees for this pair (a salted segment
  of two records with different salts is unrelated bits). Segments of the same fields are views
  of one comparison: the best of them counts once.
- **frequency**: how many records of the run share the pair's blocking token, in levels. A
  match in a crowded bucket (a placeholder birthdate, 1 July) is less surprising than one in a
  bucket of two: the term-frequency adjustment, computed from bucket sizes the linker already
  sees when it blocks, so it reveals nothing new.

Level 0 of every comparison is "null": nothing to compare (a field missing on one side, or no
segment whose salt agrees). It carries no weight in the match model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from padan.encoder.encoding_file import FLAG_BIRTHDATE_PLACEHOLDER, EncodingFile, SegmentInfo
from padan.linker.blocking import comparison_salt
from padan.linker.gather import distinct_rows, gather_rows
from padan.linker.similarity import rowwise_dice

# Dice levels of a field-set similarity, highest first: level 1 is >= the first edge, and so on;
# the last level holds everything below the last edge.
DICE_EDGES = (0.99, 0.93, 0.87, 0.80, 0.72, 0.62)
# Bucket sizes (records of the run with the pair's blocking token) that end each frequency level.
FREQUENCY_EDGES = (2, 4, 16, 64, 256)
# NIK digits (veto segment) at least this Dice count as "close": one digit of the ten typed wrong
# (0.9); two differ (0.8) as often between namesakes of nearby districts with the same serial.
NIK_CLOSE = 0.85
NIK_EQUAL = 0.99
# A NIK is issued to one person: two different people share a valid one only through a data
# error. EM may not explain more than this share of non-matching candidate pairs by a shared NIK;
# without the bound, a run whose candidates are nearly all matches (small lists, exact blocking)
# lets EM split the matches themselves into two classes.
NIK_SHARED = 0.001

IDENTITY_LEVELS = ("null", "NIK and salts agree", "NIK agrees, salts differ",
                   "salts agree, NIK digits equal", "salts agree, NIK digits close",
                   "salts agree, NIK differs",
                   "salts agree, NIK unknown", "salts agree on a placeholder, NIK unknown",
                   "nothing agrees")


@dataclass(frozen=True, slots=True)
class Comparison:
    """One column of the comparison vectors: its name and the label of each level."""

    name: str
    levels: tuple[str, ...]
    kind: str = "similarity"    # "identity", "similarity" (Dice levels) or "frequency"
    # the most a level can weigh among non-matches, where a fact bounds it (None: no bound)
    u_caps: tuple[float | None, ...] | None = None

    def to_dict(self) -> dict:
        return {"name": self.name, "levels": list(self.levels)}


@dataclass(frozen=True, slots=True)
class ComparisonVectors:
    comparisons: tuple[Comparison, ...]
    levels: np.ndarray   # uint8 (pairs, comparisons); 0 = null
    name_dice: np.ndarray      # float32 per pair: the name's Dice where comparable, else -1
    same_identity: np.ndarray  # bool per pair: equal keyed NIK tokens
    # float32 per pair: the best Dice of the other field sets (address, birthplace, mother's
    # name...) where comparable, else -1
    other_dice: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.levels)


@dataclass(frozen=True, slots=True)
class _FieldSet:
    name: str
    segments: tuple[SegmentInfo, ...]


def _dice_labels() -> tuple[str, ...]:
    edges = [f"Dice >= {DICE_EDGES[0]:.2f}"]
    edges += [f"Dice {low:.2f}-{high:.2f}" for low, high in zip(DICE_EDGES[1:], DICE_EDGES,
                                                                  strict=False)]
    return ("null", *edges, f"Dice < {DICE_EDGES[-1]:.2f}")


def _frequency_labels() -> tuple[str, ...]:
    labels, low = [], 2
    for high in FREQUENCY_EDGES:
        labels.append(f"{low} records" if low == high else f"{low}-{high} records")
        low = high + 1
    return ("null", *labels, f"over {FREQUENCY_EDGES[-1]} records")


def _field_sets(segments: Sequence[SegmentInfo]) -> list[_FieldSet]:
    groups: dict[tuple[str, ...], list[SegmentInfo]] = {}
    for segment in segments:
        if segment.purpose == "veto":
            continue
        key = tuple(segment.fields) or (segment.name,)
        groups.setdefault(key, []).append(segment)
    return [_FieldSet("+".join(key), tuple(found)) for key, found in groups.items()]


def _whole_filter(bits: int) -> list[SegmentInfo]:
    return [SegmentInfo(name="filter", start=0, bits=bits)]


class _Run:
    """The parties' per-record facts in global numbering (party offset + row)."""

    def __init__(self, lists: Sequence[EncodingFile]):
        self.lists = lists
        self.offsets = np.cumsum([0, *(len(e) for e in lists)])
        header = lists[0].header
        self.keys = header.blocking_keys
        self.segments = list(header.segments) or _whole_filter(header.filter_bits)
        self.identity = np.concatenate([np.asarray(e.record_field("identity"), np.uint64)
                                        for e in lists])
        self.blocks = np.concatenate([np.asarray(e.record_field("blocks"), np.uint64).reshape(
            len(e), len(self.keys)) for e in lists])
        self.flags = np.concatenate([np.asarray(e.record_field("flags"), np.uint16)
                                     for e in lists])
        salt = comparison_salt(self.segments)
        # the salt of the first salted segment (the birthdate in the default schema): the key
        # whose agreement the identity levels and the bucket sizes speak of. A schema may salt
        # other segments with other keys (a postcode, a card number) so that a pair with a
        # mistyped birthdate is still compared; their agreement shows in those segments' Dice,
        # and counting it again here would make "salts agree" mean "every key agrees", which a
        # pair found by one key rarely does. Without salted segments, every blocking key.
        self.salt_columns = [self.keys.index(salt)] if salt is not None else list(
            range(len(self.keys)))

    def filters(self, records: np.ndarray, words: tuple[int, int]) -> np.ndarray:
        """Filter words [words) of global records, gathered list by list."""
        out = np.zeros((len(records), words[1] - words[0]), np.uint64)
        party = np.searchsorted(self.offsets, records, side="right") - 1
        for p, encodings in enumerate(self.lists):
            here = np.flatnonzero(party == p)
            if len(here):
                rows = records[here] - self.offsets[p]
                out[here] = gather_rows(encodings.filters, rows, slice(*words))  # those words
        return out

    def salt_agrees(self, salt: str | None, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        if salt is None:
            return np.ones(len(a), bool)
        if salt == "identity":
            column_a, column_b = self.identity[a], self.identity[b]
        else:
            index = self.keys.index(salt)
            column_a, column_b = self.blocks[a, index], self.blocks[b, index]
        return (column_a == column_b) & (column_a != 0)


class _Pairs:
    """The candidate pairs (a[i], b[i]) of a run, and the Dice of their segments.

    A segment's words are read from each list once: those of every distinct right-hand record
    in file order, kept for the segment; the left-hand records' a slice of pairs at a time, in
    the order of the left record, so that the slices together sweep the file forward once.
    Taken a slice of pairs in pair order instead, every slice would touch pages all over both
    files, which costs a sweep of the whole file a slice when the encodings are not in the page
    cache (docs/scaling.md, the 10 M link in an 8 GiB cgroup)."""

    def __init__(self, run: _Run, a: np.ndarray, b: np.ndarray, chunk: int):
        self.run, self.a, self.b, self.chunk = run, a, b, chunk
        self.by_left = np.argsort(a)   # pairs with the same left record: any order will do

    def dice(self, words: tuple[int, int], where: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per pair: the Dice of the segment's words, and whether both records have any bits
        (False, and Dice 0, for pairs not `where`)."""
        dice, both = np.zeros(len(self.a)), np.zeros(len(self.a), bool)
        chosen = self.by_left[where[self.by_left]]     # in ascending left record
        if not len(chosen):
            return dice, both
        distinct, at = distinct_rows(self.b[chosen], int(self.run.offsets[-1]))
        right = self.run.filters(distinct, words)
        for start in range(0, len(chosen), self.chunk):
            part = chosen[start:start + self.chunk]
            dice[part], both[part] = rowwise_dice(self.run.filters(self.a[part], words),
                                                  right[at[self.b[part]]])
        return dice, both


def describe(segments: Sequence[SegmentInfo], filter_bits: int) -> tuple[Comparison, ...]:
    """The comparisons of a run whose encodings have these segments."""
    sets = _field_sets(list(segments) or _whole_filter(filter_bits))
    caps = tuple(NIK_SHARED if level in LIKELY_IDENTITY_LEVELS else None
                 for level in range(len(IDENTITY_LEVELS)))
    return (Comparison("identity", IDENTITY_LEVELS, "identity", caps),
            *(Comparison(s.name, _dice_labels()) for s in sets),
            Comparison("frequency", _frequency_labels(), "frequency"))


# identity levels where both records carry a NIK
NIK_KNOWN_LEVELS = (1, 2, 3, 4, 5)

# where EM starts: pairs at these levels are taken as likely matches, every other as unlikely
LIKELY_IDENTITY_LEVELS = (1, 2)     # the NIK agrees
LIKELY_DICE_LEVELS = (1, 2, 3)      # Dice >= 0.87 on the first field set (the name)


def likely_matches(comparisons: Sequence[Comparison], levels: np.ndarray) -> np.ndarray:
    """bool per row of `levels`: a first guess of which pairs match, for EM to start from. A
    guess from the levels that are plainly agreement, rather than guessed m and u, keeps EM away
    from a degenerate start where a comparison without information (a field no list carries)
    decides every pair."""
    likely = np.zeros(len(levels), bool)
    first_similarity = True
    for k, comparison in enumerate(comparisons):
        if comparison.kind == "identity":
            likely |= np.isin(levels[:, k], LIKELY_IDENTITY_LEVELS)
        elif comparison.kind == "similarity" and first_similarity:
            # never every level: a guess that calls every pair likely teaches EM nothing
            top = LIKELY_DICE_LEVELS[:max(1, len(comparison.levels) - 3)]
            likely |= np.isin(levels[:, k], top)
            first_similarity = False
    return likely


def compare(lists: Sequence[EncodingFile], a: np.ndarray, b: np.ndarray,
            chunk: int = 1 << 18, *, known: ComparisonVectors | None = None,
            known_at: np.ndarray | None = None) -> ComparisonVectors:
    """The comparison vectors of the pairs (a[i], b[i]) of global record numbers.

    `known` (with `known_at`, a bool mask over the pairs) carries the vectors of some pairs
    from an earlier run, in order, where neither record has changed since
    (padan.linker.standing_vectors): only their frequency level is computed again, since a
    bucket's size depends on every record of the run."""
    run = _Run(lists)
    bucket_size = _bucket_sizes(run)
    if known is None:
        return _compare(run, a, b, chunk, bucket_size)
    fresh = np.flatnonzero(~known_at)
    found = _compare(run, np.asarray(a)[fresh], np.asarray(b)[fresh], chunk, bucket_size)
    levels = np.zeros((len(a), len(found.comparisons)), np.uint8)
    levels[fresh] = found.levels
    levels[known_at] = known.levels
    salts = known.levels[:, -1] > 0     # a frequency level exactly where the salts agree
    levels[known_at, -1] = _frequency_level(bucket_size[np.asarray(a)[known_at]], salts)
    out = [np.zeros(len(a), np.float32), np.zeros(len(a), np.float32), np.zeros(len(a), bool)]
    for column, new, old in zip(out, (found.name_dice, found.other_dice, found.same_identity),
                                (known.name_dice, known.other_dice, known.same_identity),
                                strict=True):
        column[fresh], column[known_at] = new, old
    return ComparisonVectors(found.comparisons, levels, name_dice=out[0], other_dice=out[1],
                             same_identity=out[2])


def _compare(run: _Run, a: np.ndarray, b: np.ndarray, chunk: int, bucket_size: np.ndarray
             ) -> ComparisonVectors:
    a, b = np.asarray(a, np.int64), np.asarray(b, np.int64)
    comparisons = describe(run.segments, run.lists[0].header.filter_bits)
    levels = np.zeros((len(a), len(comparisons)), np.uint8)
    name_dice = np.full(len(a), -1.0, np.float32)
    other_dice = np.full(len(a), -1.0, np.float32)
    name_column = _name_column(run.segments)
    pairs = _Pairs(run, a, b, chunk)
    salts = np.ones(len(a), bool)
    for column in run.salt_columns:
        salts &= (run.blocks[a, column] == run.blocks[b, column]) & (run.blocks[a, column] != 0)
    levels[:, 0] = _identity_level(run, pairs, salts)
    for k, field_set in enumerate(_field_sets(run.segments)):
        best = np.full(len(a), -1.0)
        for segment in field_set.segments:
            valid = run.salt_agrees(segment.salt, a, b)
            if valid.any():
                dice, both = pairs.dice(segment.words, valid)
                np.maximum(best, np.where(both, dice, -1.0), out=best)
        level = 1 + np.searchsorted(-np.asarray(DICE_EDGES), -best, side="right")
        levels[:, k + 1] = np.where(best >= 0, level, 0)
        if name_column == k:
            name_dice[:] = best
        elif name_column is not None:
            np.maximum(other_dice, best, out=other_dice)
    levels[:, -1] = _frequency_level(bucket_size[a], salts)
    same = (run.identity[a] == run.identity[b]) & (run.identity[a] != 0)
    return ComparisonVectors(comparisons, levels, name_dice, same, other_dice)


def _name_column(segments: Sequence[SegmentInfo]) -> int | None:
    """Which field set holds the name (a field of kind "name"); None if none is known."""
    for k, field_set in enumerate(_field_sets(segments)):
        if any("name" in s.kinds for s in field_set.segments):
            return k
    return None


def _bucket_sizes(run: _Run) -> np.ndarray:
    """Per record: how many records of the run share its salt tokens (0 where one is missing)."""
    if not run.salt_columns:
        return np.zeros(len(run.identity), np.int64)
    return bucket_sizes(run.blocks[:, run.salt_columns])


def bucket_sizes(tokens: np.ndarray) -> np.ndarray:
    """Per row of `tokens` (uint64, records x salt columns): how many rows equal it (0 where
    a token is missing). The rows are sorted once rather than through np.unique(axis=0),
    which is several times slower."""
    size = np.zeros(len(tokens), np.int64)
    if not len(tokens):
        return size
    tokens = np.asarray(tokens, np.uint64).reshape(len(tokens), -1)
    # rows in an order that puts equal rows together (the order among them does not matter)
    order = np.lexsort(tokens.T[::-1]) if tokens.shape[1] > 1 else np.argsort(tokens[:, 0])
    ordered = tokens[order]
    starts = np.flatnonzero(np.r_[True, (ordered[1:] != ordered[:-1]).any(axis=1)])
    counts = np.diff(np.r_[starts, len(tokens)])
    size[order] = np.repeat(counts, counts)
    size[(tokens == 0).any(axis=1)] = 0
    return size


def _frequency_level(bucket_size: np.ndarray, salts: np.ndarray) -> np.ndarray:
    size = np.where(salts, np.maximum(bucket_size, 1), 0)
    return np.where(salts, 1 + np.searchsorted(np.asarray(FREQUENCY_EDGES), size), 0)


def _identity_level(run: _Run, pairs: _Pairs, salts: np.ndarray) -> np.ndarray:
    a, b = pairs.a, pairs.b
    ia, ib = run.identity[a], run.identity[b]
    known = (ia != 0) & (ib != 0)
    same = known & (ia == ib)
    level = np.full(len(a), 8, np.uint8)                    # nothing agrees
    level[salts] = 6                                        # salts agree, NIK unknown
    placeholder = ((run.flags[a] | run.flags[b]) & FLAG_BIRTHDATE_PLACEHOLDER) != 0
    level[salts & placeholder] = 7
    level[salts & known & ~same] = 5                        # NIK differs
    veto = next((s for s in run.segments if s.purpose == "veto"), None)
    if veto is not None:
        compared = salts & ~same & run.salt_agrees(veto.salt, a, b)
        dice, both = pairs.dice(veto.words, compared)
        level[compared & both & (dice >= NIK_EQUAL)] = 3
        level[compared & both & (dice >= NIK_CLOSE) & (dice < NIK_EQUAL)] = 4
        level[compared & both & (dice < NIK_CLOSE)] = 5
        empty = compared & ~both
        level[empty] = np.where(placeholder[empty], 7, 6)
    level[same & ~salts] = 2
    level[same & salts] = 1
    if not run.keys and not run.identity.any():
        level[:] = 0
    return level
