"""Setting aside the patterns of the other fields that share the filter with the name.

The attacker knows the schema, so it knows how many positions each field's tokens set and what
those tokens are: a birthdate's day, month, year and day-month pair, the sex, the NIK's
positional digits. Their patterns are frequent too, and must not be aligned with name q-grams.
- Size: a pattern of k positions (less a few of its own collisions) can only be a token of a
  field with about k bits per token; a birthdate token (36 bits by default) is never a bigram.
- Exclusion: the tokens of one date part, of the sex, or of one NIK digit position are mutually
  exclusive (a record has one birth month, one sex, one digit at each position), so their
  patterns never occur together although each is frequent. Two name q-grams of such frequencies
  meet in some names. A pattern that never meets a frequent partner it should meet dozens of
  times by chance belongs to such a family.
- A pattern in nearly every filter is a constant (e.g. a serial digit that is almost always 0):
  no name q-gram is that common.
"""

from __future__ import annotations

import numpy as np

from padan.encoder.schema import LinkageSchema
from padan.evaluation.attacks.mining.patterns import Pattern

SIZE_SLACK = 3
_EXPECTED_MEETINGS = 25.0   # chance co-occurrences that must not be missing entirely
_MEETINGS_SEEN = 0.02       # "never": under this share of the chance expectation
_CONSTANT_SHARE = 0.8       # no name q-gram is in this share of names


def name_sized(patterns: list[Pattern], schema: LinkageSchema, records: int) -> list[int]:
    """Indices of the patterns that may be name q-grams."""
    k = schema.field_of_kind("name").bits_per_token
    sized = [i for i, p in enumerate(patterns)
             if k - SIZE_SLACK <= p.size <= k and p.support < _CONSTANT_SHARE * records]
    others = [f for f in schema.fields if f.kind != "name" and f.bits_per_token]
    if not others or not sized:
        return sized
    held = np.stack([p.rows for p in patterns], axis=1).astype(np.float32)
    support = held.sum(axis=0)
    together = held[:, sized].T @ held                      # (sized, all)
    expected = np.outer(support[sized], support) / max(records, 1)
    exclusive = (expected >= _EXPECTED_MEETINGS) & (together <= _MEETINGS_SEEN * expected)
    return [p for p, flagged in zip(sized, exclusive.any(axis=1).tolist(), strict=True)
            if not flagged]
