"""Blocking: which pairs of records get compared at all.

A run compares only records that share a key in some pass; the passes are combined by union:

- "identity": equal keyed NIK tokens (records without a valid NIK have token 0 and take no part);
- "keys": each keyed blocking token the encoder wrote (header.blocking_keys), one pass per key;
- "lsh": linker-side Hamming LSH by bit sampling: band b samples `lsh_bits` bit positions
  (seeded) and records whose sampled bits all agree share a bucket;
- "none": every pair (small jobs only).

A bucket larger than `max_block_size` records on either side (e.g. a placeholder birthdate such
as 1 July shared by thousands) is skipped in that pass and counted; the LSH pass still reaches
its records, so skew never turns into quadratic work. Records flagged with a placeholder or
missing birthdate take no part in keys whose name mentions a birthdate.

Encodings whose filter is made of salted segments (schema version 2, header.segments) are
compared segment by segment: a segment salted with the identity token or a blocking key is
scored only between records sharing that token (its salt), in one pass of its own; the pair's
score is the best over its segments. An unsalted segment, if any, takes the passes above.

Keys are split over `partitions` by a hash so that each (pass, partition) is an independent unit
of work with its own, bounded, buckets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from padan.encoder.encoding_file import (
    FLAG_BIRTHDATE_MISSING,
    FLAG_BIRTHDATE_PLACEHOLDER,
    EncodingFile,
    SegmentInfo,
)

BIRTHDATE_KEY_WORDS = ("birthdate", "birth_date", "tanggal_lahir", "dob")
_MIX = np.uint64(0x9E3779B97F4A7C15)


@dataclass(frozen=True, slots=True)
class PassSpec:
    """One blocking pass: kind is "identity", "key", "lsh" or "none"; index picks key or band."""

    kind: str
    index: int = 0
    label: str = ""
    words: tuple[int, int] | None = None   # filter words scored; None: the whole filter
    salted: bool = False                   # keys are a segment's salt: placeholders stay in
    veto: tuple[int, int] | None = None    # words of a veto segment with the same salt
    # the segment holds the name (or the filter is not made of segments): only such passes make
    # duplicates within one list, since no duplicate is made without the name (an address and
    # a birthdate alone are a household's twins)
    holds_name: bool = True
    # the pass makes pairs within one list too: not a pass salted with another key than the
    # birthdate's (the family card): within one list, members of one household with one name
    # are a father and son named alike more often than one person listed twice (1 M x 1 M:
    # 20 more false links, no more true ones; docs/evaluation.md)
    within: bool = True

    @property
    def name(self) -> str:
        return self.label or self.kind


@dataclass(frozen=True, slots=True)
class LshSettings:
    bands: int
    bits: int
    seed: int


@dataclass(frozen=True, slots=True)
class Buckets:
    """Rows of each side sorted so that every bucket is a contiguous range on both sides."""

    left_rows: np.ndarray     # int64 row numbers of the left list, bucket by bucket
    right_rows: np.ndarray
    left_ranges: np.ndarray   # (buckets, 2) int64 [start, stop) into left_rows
    right_ranges: np.ndarray
    oversized: int            # buckets skipped because a side exceeded max_block_size
    skipped_records: int      # records of both sides in skipped buckets


def identity_tokens(lists: Sequence[EncodingFile]) -> np.ndarray:
    """The keyed NIK tokens of every record, the lists one after another (global numbering)."""
    return np.concatenate([np.asarray(e.record_field("identity"), np.uint64) for e in lists]
                          or [np.zeros(0, np.uint64)])


def corroboration_tokens(lists: Sequence[EncodingFile]) -> np.ndarray | None:
    """Per record (global numbering), a token equal for two records exactly when their NIK and
    the salts of every segment agree (0 where one is missing); None for unsegmented encodings."""
    if not lists or not lists[0].header.segments:
        return None
    header = lists[0].header
    salts = [header.blocking_keys.index(s.salt) for s in header.segments
             if s.salt not in (None, "identity")]
    parts = []
    for encodings in lists:
        token = np.asarray(encodings.record_field("identity"), np.uint64).copy()
        missing = token == 0
        for column in salts:
            key = np.asarray(encodings.record_field("blocks")[:, column], np.uint64)
            missing |= key == 0
            token = (token * _MIX) ^ key   # wrapping multiply: a mix, not a hash of record data
        token[missing] = 0
        parts.append(token)
    return np.concatenate(parts)


def resolve_blocking(blocking: tuple[str, ...], min_identity: float,
                     lists: Sequence[EncodingFile]) -> tuple[str, ...]:
    """The passes to run: "lsh_auto" becomes "lsh" when some list has too few valid NIKs (a
    share of records with an identity token below `min_identity`), and is dropped otherwise.
    Encodings made only of salted segments take no LSH: a salted segment is comparable only
    within its salt's buckets, which its own pass covers."""
    if "lsh_auto" not in blocking:
        return blocking
    header = getattr(lists[0], "header", None) if lists else None
    segments = header.segments if header is not None else []
    if segments and all(s.salt is not None for s in segments):
        return tuple(p for p in blocking if p != "lsh_auto")
    rest = tuple(p for p in blocking if p != "lsh_auto")
    for encodings in lists:
        identity = encodings.records["identity"]
        with_identity = np.count_nonzero(identity) / max(len(identity), 1)
        if with_identity < min_identity:
            return rest if "lsh" in rest else (*rest, "lsh")
    return rest


def comparison_salt(segments: Sequence[SegmentInfo]) -> str | None:
    """The blocking key salting the first salted segment (the birthdate in the default schema):
    the key whose agreement the comparisons' identity levels and bucket sizes speak of
    (comparison.py), and the only key whose pass also makes duplicates within one list."""
    return next((s.salt for s in segments if s.salt not in (None, "identity")), None)


def makes_pairs(spec: PassSpec, left: int, right: int) -> bool:
    """Whether a pass is run for lists `left` and `right` (equal: a list's own duplicates)."""
    return left != right or (spec.holds_name and spec.within)


def plan_passes(blocking: tuple[str, ...], blocking_keys: list[str], lsh_bands: int,
                segments: Sequence[SegmentInfo] = ()) -> list[PassSpec]:
    """The passes a run makes, in order; "keys" expands to one pass per encoder blocking key.

    With segments: one pass per salted segment (its salt's buckets, its words), then the passes
    in `blocking` over the unsalted segment if there is one ("none" compares whole filters).
    """
    if "none" in blocking:
        return [PassSpec("none")]
    if not segments:
        return _passes(blocking, blocking_keys, lsh_bands, None, set())
    passes: list[PassSpec] = []
    compared = [s for s in segments if s.purpose != "veto"]
    named_salts = {s.salt for s in compared if _holds_name(s)}
    first_key = comparison_salt(segments)
    for segment in compared:
        veto = next((v.words for v in segments if v.purpose == "veto" and v.salt is not None
                     and v.salt == segment.salt), None)
        named = _holds_name(segment)
        if not named and segment.salt is not None and segment.salt in named_salts:
            # A segment without the name salted like one with it (the default's address and
            # origin segments) gets no pass of its own: its buckets are the name pass's, whose
            # pairs are compared in every segment anyway, and a pair only it would find has a
            # name below the pass's keep threshold, which no rule links.
            continue
        if segment.salt == "identity":
            passes.append(PassSpec("identity", 0, f"segment:{segment.name}", segment.words, True,
                                   veto, named))
        elif segment.salt is not None:
            passes.append(PassSpec("key", blocking_keys.index(segment.salt),
                                   f"segment:{segment.name}", segment.words, True, veto, named,
                                   within=segment.salt == first_key))
    salts = {s.salt for s in segments}
    for segment in compared:
        if segment.salt is None:
            passes += _passes(blocking, blocking_keys, lsh_bands, segment.words, salts)
    return passes


def _holds_name(segment: SegmentInfo) -> bool:
    return not segment.kinds or "name" in segment.kinds   # kinds unknown: as before


def _passes(blocking: tuple[str, ...], blocking_keys: list[str], lsh_bands: int,
            words: tuple[int, int] | None, salts: set) -> list[PassSpec]:
    passes: list[PassSpec] = []
    if "identity" in blocking and "identity" not in salts:
        passes.append(PassSpec("identity", words=words))
    if "keys" in blocking:
        passes += [PassSpec("key", i, f"key:{name}", words) for i, name in
                   enumerate(blocking_keys) if name not in salts]
    if "lsh" in blocking:
        passes += [PassSpec("lsh", b, f"lsh:{b}", words) for b in range(lsh_bands)]
    return passes


def lsh_positions(filter_bits: int, lsh: LshSettings, band: int) -> np.ndarray:
    """The bit positions band `band` samples; the same for every party of a run."""
    rng = np.random.default_rng([lsh.seed, band])
    return np.sort(rng.choice(filter_bits, size=min(lsh.bits, filter_bits), replace=False))


def lsh_signature(filters: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """1 + the sampled bits packed into an integer; 0 for empty filters (they never match)."""
    signature = np.zeros(len(filters), np.uint64)
    needed, column = np.unique(positions // 64, return_inverse=True)
    words = np.ascontiguousarray(filters[:, needed])   # one gather from the memory map
    for t, position in enumerate(positions):
        bit = (words[:, column[t]] >> np.uint64(position % 64)) & np.uint64(1)
        signature |= bit << np.uint64(t)
    signature += np.uint64(1)
    signature[_empty_rows(filters)] = 0
    return signature


def _empty_rows(filters: np.ndarray) -> np.ndarray:
    empty = np.ones(len(filters), bool)
    for start in range(0, len(filters), 1 << 16):   # bounded temporary memory
        empty[start:start + (1 << 16)] = ~np.asarray(filters[start:start + (1 << 16)]).any(axis=1)
    return empty


def pass_keys(encodings: EncodingFile, spec: PassSpec, lsh: LshSettings,
              rows: np.ndarray | None = None) -> np.ndarray:
    """uint64 key per record (or per row in `rows`) for one pass; 0 means "in no bucket"."""
    records = None if rows is None else encodings.records[rows]

    def field(name: str) -> np.ndarray:
        # a whole list's small fields from the copies read in one sweep: a view of the mapped
        # records reads the whole file (a record is mostly its filter) every time it is read
        return encodings.record_field(name) if records is None else records[name]

    if spec.kind == "identity":
        return np.array(field("identity"), np.uint64)
    if spec.kind == "key":
        keys = np.array(field("blocks")[:, spec.index], np.uint64)
        name = encodings.header.blocking_keys[spec.index]
        if not spec.salted and any(word in name for word in BIRTHDATE_KEY_WORDS):
            weak = (field("flags") & (FLAG_BIRTHDATE_PLACEHOLDER | FLAG_BIRTHDATE_MISSING)) != 0
            keys[weak] = 0
        return keys
    if spec.kind == "lsh":
        filters = encodings.filters if records is None else records["filter"]
        bits = encodings.header.filter_bits
        if spec.words is not None:
            filters, bits = filters[:, spec.words[0]:spec.words[1]], 64 * (spec.words[1]
                                                                          - spec.words[0])
        return lsh_signature(filters, lsh_positions(bits, lsh, spec.index))
    if spec.kind == "none":
        return np.ones(len(encodings) if records is None else len(records), np.uint64)
    raise ValueError(f"unknown blocking pass {spec.kind!r}")


def partition_of(keys: np.ndarray, partitions: int) -> np.ndarray:
    """Partition number of each key: a multiplicative hash, so LSH signatures spread too."""
    if partitions == 1:
        return np.zeros(len(keys), np.int64)
    return (((keys * _MIX) >> np.uint64(33)) % np.uint64(partitions)).astype(np.int64)


def make_buckets(left_keys: np.ndarray, right_keys: np.ndarray | None, *, max_block_size: int,
                 partition: int = 0, partitions: int = 1) -> Buckets:
    """Group rows by equal non-zero key (in one partition); right_keys None = one list.

    Buckets with records on only one side are dropped; buckets over max_block_size on either
    side are skipped and counted. Memory is linear in the number of records.
    """
    left_rows, left_sorted = _sorted_rows(left_keys, partition, partitions)
    left_unique, left_start, left_count = _runs(left_sorted)
    if right_keys is None:
        keep = left_count >= 2
        right_unique, right_start, right_count = left_unique, left_start, left_count
        both_l = both_r = np.flatnonzero(keep)
        right_rows = left_rows
    else:
        right_rows, right_sorted = _sorted_rows(right_keys, partition, partitions)
        right_unique, right_start, right_count = _runs(right_sorted)
        _, both_l, both_r = np.intersect1d(left_unique, right_unique, assume_unique=True,
                                           return_indices=True)
    too_big = (left_count[both_l] > max_block_size) | (right_count[both_r] > max_block_size)
    skipped = int(left_count[both_l][too_big].sum())
    if right_keys is not None:
        skipped += int(right_count[both_r][too_big].sum())
    both_l, both_r = both_l[~too_big], both_r[~too_big]
    left_ranges = np.stack([left_start[both_l], left_start[both_l] + left_count[both_l]], axis=1)
    right_ranges = np.stack([right_start[both_r], right_start[both_r] + right_count[both_r]],
                            axis=1)
    return Buckets(left_rows, right_rows, left_ranges.astype(np.int64),
                   right_ranges.astype(np.int64), int(too_big.sum()), skipped)


def _sorted_rows(keys: np.ndarray, partition: int, partitions: int
                 ) -> tuple[np.ndarray, np.ndarray]:
    chosen = keys != 0
    if partitions > 1:
        chosen &= partition_of(keys, partitions) == partition
    rows = np.flatnonzero(chosen)
    order = np.argsort(keys[rows])   # row order inside a bucket does not matter
    return rows[order].astype(np.int64), keys[rows][order]


def _runs(sorted_keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if len(sorted_keys) == 0:
        empty = np.zeros(0, np.int64)
        return sorted_keys, empty, empty
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
    counts = np.diff(np.append(starts, len(sorted_keys)))
    return sorted_keys[starts], starts.astype(np.int64), counts.astype(np.int64)


def nameless_pairs(spec: PassSpec, left_filters: np.ndarray, right_filters: np.ndarray,
                   left_ranges: np.ndarray, right_ranges: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of the NIK pass's buckets where a side's name segment is empty (the name missing):
    the kernel scores them 0 and keeps none, yet the same valid NIK with the same birthdate and
    a closely agreeing address or mother's name is one person (the match model's rule,
    model_scoring.name_agrees, decides). Rows into the filters given; none for other passes."""
    none = np.zeros(0, np.int64), np.zeros(0, np.int64)
    if spec.kind != "identity" or spec.words is None or not spec.holds_name \
            or not len(left_ranges):
        return none
    empty_l, empty_r = _empty_rows(left_filters), _empty_rows(right_filters)
    n_l = left_ranges[:, 1] - left_ranges[:, 0]
    n_r = right_ranges[:, 1] - right_ranges[:, 0]
    # buckets with an empty row on either side (cumulative counts: ranges may be empty)
    at_l, at_r = np.r_[0, np.cumsum(empty_l)], np.r_[0, np.cumsum(empty_r)]
    some = ((at_l[left_ranges[:, 1]] - at_l[left_ranges[:, 0]])
            + (at_r[right_ranges[:, 1]] - at_r[right_ranges[:, 0]]) > 0) & (n_l * n_r > 0)
    counts = (n_l * n_r)[some]
    if not counts.sum():
        return none
    bucket = np.repeat(np.arange(len(counts)), counts)
    offset = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    width = n_r[some][bucket]
    i = left_ranges[some, 0][bucket] + offset // width
    j = right_ranges[some, 0][bucket] + offset % width
    keep = empty_l[i] | empty_r[j]
    return i[keep], j[keep]
