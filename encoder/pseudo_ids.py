"""Pseudo-ids: random 64-bit ids of the encodings, and the one text form every file shows.

The text form is 'p' and 16 lowercase hex digits of the value (big-endian): `p03fa9c0e1b2d4f56`.
The id map, each agency's results (`padan link`, `padan results`, the API) and `padan reveal` all
use it, so the columns join as plain text. The leading letter keeps spreadsheets from taking it
for a number: Excel keeps 15 digits of a number, and would read `1234e567…` as scientific
notation. The linker imports this module (with encoding_file) as part of the file contract.
"""

from __future__ import annotations

import os
import re

import numpy as np

PREFIX = "p"
_TEXT = re.compile(r"p[0-9a-f]{16}")
_HEX = re.compile(r"[0-9a-fA-F]{16}")
_MAX = 1 << 64


def random_pseudo_ids(count: int) -> np.ndarray:
    """Unique, non-zero 64-bit pseudo-ids from the OS CSPRNG: they say nothing about rows."""
    ids = np.frombuffer(os.urandom(8 * count), dtype=np.uint64).copy()
    while True:
        bad = ids == 0
        _, first = np.unique(ids, return_index=True)
        repeated = np.ones(count, dtype=bool)
        repeated[first] = False
        bad |= repeated
        if not bad.any():
            return ids
        ids[bad] = np.frombuffer(os.urandom(8 * int(bad.sum())), dtype=np.uint64)


def pseudo_id_texts(ids: np.ndarray) -> list[str]:
    """Many pseudo-ids (uint64 array) in the text form, vectorised."""
    text = np.asarray(ids, dtype=np.uint64).astype(">u8").tobytes().hex()
    return [PREFIX + text[i:i + 16] for i in range(0, len(text), 16)]


def pseudo_id_text(value: int) -> str:
    return f"{PREFIX}{value:016x}"


def parse_pseudo_id(text: str, *, legacy: str | None = None) -> int:
    """The value of a pseudo-id in the text form; ValueError otherwise (never echoing it).

    legacy also accepts what earlier versions wrote: "hex" (16 hex digits, the old id map) or
    "decimal" (the old results files and API). Each file had one of them, so the reader says
    which: a 16-digit decimal would otherwise read as hex.
    """
    text = text.strip()
    if _TEXT.fullmatch(text):
        return int(text[1:], 16)
    if legacy == "hex" and _HEX.fullmatch(text):
        return int(text, 16)
    if legacy == "decimal" and text.isascii() and text.isdigit() and int(text) < _MAX:
        return int(text)
    raise ValueError("not a pseudo-id: expected 'p' and 16 lowercase hex digits")
