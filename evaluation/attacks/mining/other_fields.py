"""Setting aside the patterns of the other fields that share the filter with the name.

The attacker knows the schema, so it knows how many positions each field's tokens set and what
those tokens are: a birthdate's day, month, year and day-month pair, the sex, the NIK's
positional digits. Their patterns are frequent too, and must not be aligned with name q-grams.
- Size: a pattern of k positions (less a few of its own collisions, or plus a few of a token it
  always occurs with) can only be a token of a field with about k bits per token; a birthdate
  token (36 bits by default) is never a bigram.
- Exclusion: the tokens of one date part, of the sex, or of one NIK digit position are mutually
  exclusive (a record has one birth month, one sex, one digit at each position), so their
  patterns never occur together although each is frequent, and together they cover most
  records. A few name q-grams avoid each other too (a tradition's spellings), but they never
  add up to such a family.
- A pattern in nearly every filter is a constant (e.g. a serial digit that is almost always 0):
  no name q-gram is that common.
"""

from __future__ import annotations

import numpy as np

from padan.encoder.schema import LinkageSchema
from padan.evaluation.attacks.mining.patterns import Pattern, size_slack

_EXPECTED_MEETINGS = 25.0   # chance co-occurrences that must not be missing entirely
_MEETINGS_SEEN = 0.02       # "never": under this share of the chance expectation
_CONSTANT_SHARE = 0.8       # no name q-gram is in this share of names
_FAMILY_SHARE = 0.5         # exclusive patterns covering this share of records: one field's values


def name_sized(patterns: list[Pattern], schema: LinkageSchema, records: int) -> list[int]:
    """Indices of the patterns that may be name q-grams."""
    k = schema.field_of_kind("name").bits_per_token
    # a few more than k: positions of a token it always sits with that every holder sets too
    # (mining cannot tell them from its own; patterns.trim_strays drops those it can)
    slack = size_slack(k)
    sized = [i for i, p in enumerate(patterns)
             if k - slack <= p.size <= k + slack and p.support < _CONSTANT_SHARE * records]
    others = [f for f in schema.fields if f.kind != "name" and f.bits_per_token]
    if not others or not sized:
        return sized
    largest = max(max(f.bits_per_token for f in schema.fields), k + slack)
    tokens = [i for i, p in enumerate(patterns) if p.size <= largest]
    held = np.stack([patterns[i].rows for i in tokens], axis=1).astype(np.float32)
    support = held.sum(axis=0)
    expected = np.outer(support, support) / max(records, 1)
    exclusive = (expected >= _EXPECTED_MEETINGS) & (held.T @ held <= _MEETINGS_SEEN * expected)
    at = {p: j for j, p in enumerate(tokens)}
    return [p for p in sized if not _in_family(at[p], exclusive, support, records)]


def _in_family(member: int, exclusive: np.ndarray, support: np.ndarray, records: int) -> bool:
    """Whether the pattern starts a family of mutually exclusive patterns that together cover
    a good share of the records (one value per record: a date part, the sex, a NIK digit)."""
    family = [member]
    total = float(support[member])
    for other in sorted(np.flatnonzero(exclusive[member]).tolist(), key=lambda j: -support[j]):
        if all(exclusive[other, j] for j in family):
            family.append(other)
            total += float(support[other])
    return total >= _FAMILY_SHARE * records


def background(patterns: list[Pattern], name_patterns: list[int], schema: LinkageSchema,
               records: int) -> np.ndarray | None:
    """(records, bits) bool: positions of the other fields' patterns each record holds (the
    patterns no name q-gram can be, up to the largest token's size); None for a name alone."""
    if not any(f.kind != "name" and f.bits_per_token for f in schema.fields) or not patterns:
        return None
    largest = max(f.bits_per_token for f in schema.fields)
    names = set(name_patterns)
    others = [p for i, p in enumerate(patterns) if i not in names and p.size <= largest]
    width = int(max(p.positions.max() for p in patterns)) + 1
    if not others:
        return np.zeros((records, width), bool)
    held = np.stack([p.rows for p in others], axis=1).astype(np.float32)
    where = np.zeros((len(others), width), np.float32)
    for i, p in enumerate(others):
        where[i, p.positions] = 1.0
    return held @ where > 0
