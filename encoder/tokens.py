"""Tokenisers: normalised values -> the strings that are hashed into the Bloom filter.

Tokens are plain strings; which field they belong to is carried by the field's own key, so equal
strings of different fields set unrelated bits.
"""

from __future__ import annotations

import datetime as dt
import math

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


def position_tokens(digits: str | None) -> list[str]:
    """Every digit with its position, 'position:digit': a typo costs one token of sixteen, and
    a KK number reissued in the same district keeps its region tokens."""
    return [f"{i}:{d}" for i, d in enumerate(digits or "") if d.isdigit()]


def number_tokens(value: float, step: float) -> list[str]:
    """Two grids of width `step`, the second shifted by half a step: values closer than half a
    step share at least one token, equal values both."""
    return [f"a{math.floor(value / step)}", f"b{math.floor(value / step + 0.5)}"]


# Address words that say what follows (normalise/address.py writes them in one form): left out
# of the tokens, so "Jl. Merdeka" and "Merdeka" compare equal.
ADDRESS_MARKERS = frozenset({"jl", "gg", "kp", "dsn", "perum", "komp", "blok", "no", "kel",
                             "desa", "kec", "kab", "lingk"})
_ADDRESS_UNITS = ("rt", "rw", "no")


def address_parts(value: str | None) -> tuple[list[str], list[str]]:
    """The address's words (markers left out) and its numbers as tokens of their own: RT, RW
    and house number ('rt:3', 'rw:2', 'no:5'), other numbers '#:12'."""
    words: list[str] = []
    numbers: list[str] = []
    parts = value.split() if value else []
    at = 0
    while at < len(parts):
        word = parts[at]
        if word in _ADDRESS_UNITS and at + 1 < len(parts) and parts[at + 1][:1].isdigit():
            numbers.append(f"{word}:{parts[at + 1]}")
            at += 2
            continue
        if word[:1].isdigit():
            numbers.append(f"#:{word}")
        elif word not in ADDRESS_MARKERS:
            words.append(word)
        at += 1
    return words, numbers


def address_tokens(value: str | None, q: int = 2) -> set[str]:
    """q-grams of the address's words, and RT, RW and house number as tokens of their own
    ('rt:3', 'rw:2', 'no:5'); other numbers as '#:12'."""
    words, numbers = address_parts(value)
    tokens = set(numbers)
    for word in words:
        tokens.update(word_qgrams(word, q))
    return tokens


def region_tokens(name: str | None, code: str | None) -> list[str]:
    """The place's name, and its Kemendagri code when the shipped table knows it."""
    if not name:
        return []
    return [f"n:{name}", f"c:{code}"] if code else [f"n:{name}"]


def field_tokens(tokeniser, result) -> list[str]:
    """Tokens of one usable normalised value of a field of the other kinds (not nik, name,
    birthdate, sex), by its tokeniser setting (schema.py)."""
    value = result.value
    if value is None and getattr(result, "partial", None) is None:
        return []
    kind = tokeniser.kind
    if kind == "qgram":
        return sorted(name_qgrams(value, tokeniser.q))
    if kind == "exact":
        return exact_tokens(value.isoformat() if isinstance(value, dt.date) else value)
    if kind == "date":
        return date_tokens(value, placeholder=False)
    if kind == "positions":
        return position_tokens(value or result.partial)
    if kind == "number":
        return number_tokens(float(value), tokeniser.step)
    if kind == "address":
        return sorted(address_tokens(value, tokeniser.q))
    if kind == "region":
        return region_tokens(value, result.code)
    raise ValueError(f"no tokeniser '{kind}' for this field kind")
