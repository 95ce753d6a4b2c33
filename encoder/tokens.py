"""Tokenisers: normalised values -> the strings that are hashed into the Bloom filter.

Tokens are plain strings; which field they belong to is carried by the field's own key, so equal
strings of different fields set unrelated bits.
"""

from __future__ import annotations

import datetime as dt

# NIK positions outside the embedded DDMMYY (indices 6..11): region (0..5) and serial (12..15).
NIK_FUZZY_POSITIONS = (0, 1, 2, 3, 4, 5, 12, 13, 14, 15)


def word_qgrams(word: str, q: int = 2) -> list[str]:
    """Padded q-grams of one word: 'budi' -> ['_b', 'bu', 'ud', 'di', 'i_'] for q=2.

    Padding marks word starts and ends; tokenising word by word makes the token set independent
    of word order ('siti aminah' == 'aminah siti') and lets the encoder cache per word.
    """
    padded = f"_{word}_" if q > 1 else word
    if len(padded) <= q:
        return [padded]
    return [padded[i:i + q] for i in range(len(padded) - q + 1)]


def name_qgrams(name: str, q: int = 2) -> set[str]:
    tokens: set[str] = set()
    for word in name.split():
        tokens.update(word_qgrams(word, q))
    return tokens


def date_tokens(value: dt.date | None, *, placeholder: bool) -> list[str]:
    """Day, month, year, and the unordered day-month pair (survives a day/month swap).

    A placeholder date (1 Jul, 31 Dec, 1 Jan: recorded when the real date is unknown) only
    contributes its year: its day and month are not evidence of identity.
    """
    if value is None:
        return []
    year = f"y{value.year:04d}"
    if placeholder:
        return [year]
    low, high = sorted((value.day, value.month))
    return [f"d{value.day:02d}", f"m{value.month:02d}", year, f"p{low:02d}{high:02d}"]


def nik_digit_tokens(digits: str | None) -> list[str]:
    """Positional digits of the region and serial parts of a NIK: 'position:digit'.

    The date part is left out (the birthdate field carries it). A NIK missing its last digit
    (Excel damage) still yields the tokens it has.
    """
    if not digits:
        return []
    return [f"{i}:{digits[i]}" for i in NIK_FUZZY_POSITIONS if i < len(digits) and
            digits[i].isdigit()]


def exact_tokens(value: str | None) -> list[str]:
    return [] if value is None or value == "" else [value]
