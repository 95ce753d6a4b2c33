"""Vectorised fast path of NIK normalisation for a whole column. Pure computation.

Clean 16-digit text cells (almost every cell of a decent list) are checked with numpy in one go;
anything else falls back to `normalise_nik`. Tests prove the fast path agrees with
`normalise_nik` on every value it accepts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from padan.encoder.normalise.nik import PROVINCES
from padan.encoder.tokens import NIK_FUZZY_POSITIONS, nik_digit_tokens

_PROVINCE_OK = np.zeros(100, dtype=bool)
_PROVINCE_OK[list(PROVINCES)] = True
_REGENCY_OK = np.zeros(100, dtype=bool)
_REGENCY_OK[[*range(1, 70), *range(71, 100)]] = True
# days per month in a leap year: 29 Feb is accepted only when yy % 4 == 0 (some century leaps)
_DAYS = np.array([0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


@dataclass(frozen=True, slots=True)
class NikColumn:
    """Per record of the column: which passed the fast path, and their parts."""

    fast: np.ndarray  # bool: a clean, valid NIK (status valid, no note)
    digits: np.ndarray  # (n, 16) uint8 digits, meaningful where fast
    province: np.ndarray  # int16
    day: np.ndarray  # int16, minus 40 for women
    month: np.ndarray  # int16
    yy: np.ndarray  # int16
    female: np.ndarray  # bool


def scan_nik_column(values: Sequence[object]) -> NikColumn:
    n = len(values)
    texts = [v if type(v) is str and len(v) == 16 else "" for v in values]
    wide = np.array(texts, dtype="<U16") if n else np.zeros(0, dtype="<U16")
    codes = wide.view(np.uint32).reshape(n, 16) if n else np.zeros((0, 16), np.uint32)
    fast = (codes >= 48).all(axis=1) & (codes <= 57).all(axis=1)
    digits = np.where(fast[:, None], codes - 48, 0).astype(np.uint8)
    d = digits.astype(np.int16)
    pair = d[:, 0::2] * 10 + d[:, 1::2]  # PP KK CC DD MM YY S1S2 S3S4
    province, regency, district, day, month, yy = (pair[:, i] for i in range(6))
    serial = pair[:, 6] * 100 + pair[:, 7]
    female = day > 40
    real_day = np.where(female, day - 40, day)
    month_ok = (month >= 1) & (month <= 12)
    days_in_month = _DAYS[np.where(month_ok, month, 0)]
    leap_ok = ~((month == 2) & (real_day == 29)) | (yy % 4 == 0)
    same_digit = (digits == digits[:, :1]).all(axis=1)
    fast &= (
        _PROVINCE_OK[province] & _REGENCY_OK[regency] & (district != 0) & month_ok
        & (real_day >= 1) & (real_day <= days_in_month) & (day <= 71) & ~((day > 31) & (day < 41))
        & leap_ok & (serial != 0) & ~same_digit
    )
    return NikColumn(fast=fast, digits=digits, province=province, day=real_day, month=month,
                     yy=yy, female=female)


_DIGIT_TOKENS = [[f"{p}:{d}".encode() for d in "0123456789"] for p in NIK_FUZZY_POSITIONS]


def nik_token_lists(digits: np.ndarray, whole: np.ndarray, partial: np.ndarray
                    ) -> tuple[list[list[bytes]], np.ndarray]:
    """The NIK digit tokens (tokens.nik_digit_tokens, encoded) of a batch, as lists per
    distinct digit combination and each record's position in them (0: no tokens).

    digits: (n, 16) uint8, used where `whole`; partial: object, the fuzzy digits of records
    off the fast path, else None (they win over `whole`)."""
    n = len(partial)
    has_partial = partial != None  # noqa: E711
    fast = np.flatnonzero(whole & ~has_partial)
    index = np.zeros(n, dtype=np.intp)
    lists: list[list[bytes]] = [[]]
    if len(fast):
        chosen = digits[fast][:, list(NIK_FUZZY_POSITIONS)].astype(np.int64)
        code = chosen @ (10 ** np.arange(len(NIK_FUZZY_POSITIONS), dtype=np.int64))
        _, first, inverse = np.unique(code, return_index=True, return_inverse=True)
        tables = _DIGIT_TOKENS
        lists.extend([tables[j][d] for j, d in enumerate(row)]
                     for row in chosen[first].tolist())
        index[fast] = 1 + inverse.reshape(-1)
    for i in np.flatnonzero(has_partial).tolist():
        index[i] = len(lists)
        lists.append([t.encode() for t in nik_digit_tokens(partial[i])])
    return lists, index
