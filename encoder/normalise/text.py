"""Helpers shared by the normalisers: missing values, dummy texts, folding to ASCII."""

from __future__ import annotations

import math
import re
import unicodedata

# What clerks type when they have no value. Compared after `squeeze` (lowercase, one space).
DUMMY_TEXTS = frozenset(
    {
        "-", "--", "---", ".", "..", "...", "?", "??", "x", "xx", "xxx", "0", "-/-", "_",
        "null", "nil", "none", "nan", "n/a", "na", "n.a", "n.a.", "#n/a", "unknown",
        "belum ada", "belum", "tidak ada", "tdk ada", "tak ada", "belum punya", "tidak punya",
        "tdk punya", "kosong", "tidak diketahui", "tidak tahu", "tdk tahu", "tdk diketahui",
    }
)  # fmt: skip

_SPACES = re.compile(r"\s+")

# Letters that NFKD does not take apart into an ASCII letter plus accents.
_FOLD = str.maketrans(
    {
        "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "đ": "d",
        "Đ": "D", "ł": "l", "Ł": "L", "ı": "i", "þ": "th", "ð": "d",
        "‘": "'", "’": "'", "ʼ": "'", "`": "'", "´": "'",
    }
)  # fmt: skip


def is_missing(raw: object) -> bool:
    """True for None, NaN (float, numpy, pandas NaT/NA) and text that is only whitespace."""
    if raw is None:
        return True
    if isinstance(raw, str):
        return not raw.strip()
    if isinstance(raw, float):
        return math.isnan(raw)
    try:
        return bool(raw != raw)  # NaN-like values are unequal to themselves
    except (TypeError, ValueError, ArithmeticError):  # pandas.NA, Decimal sNaN: missing too
        return True


def squeeze(text: str) -> str:
    """Lowercase, trimmed, one space between words: the form dummy texts are compared in."""
    return _SPACES.sub(" ", text.strip().lower())


def is_dummy(text: str) -> bool:
    return squeeze(text) in DUMMY_TEXTS


def fold_ascii(text: str) -> str:
    """Accented and compatibility characters to ASCII; what has no ASCII form is dropped."""
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return text.encode("ascii", "ignore").decode("ascii")
