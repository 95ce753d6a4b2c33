"""Jenis kelamin: the many ways lists write it, to "L" (laki-laki) or "P" (perempuan)."""

from __future__ import annotations

import numbers
import re

from padan.encoder.normalise.result import SexResult, Status
from padan.encoder.normalise.text import fold_ascii, is_dummy, is_missing

# Compared uppercase with spaces, dots, dashes and slashes removed. 1/2 is the Dukcapil and BPS
# coding (1 laki-laki, 2 perempuan); M/F and W (wanita) come from English and older forms.
_CODES = {
    **dict.fromkeys(
        ("L", "LK", "LAKI", "LAKILAKI", "LAKI2", "LELAKI", "PRIA", "M", "MALE", "MAN", "1"), "L"
    ),
    **dict.fromkeys(
        ("P", "PR", "PRP", "PEREMPUAN", "PEREMP", "WANITA", "W", "F", "FEMALE", "WOMAN", "2"),
        "P",
    ),
}
_NOISE = re.compile(r"[\s.\-_/]+")
_VALID = {code: SexResult(sex, Status.VALID, "") for code, sex in _CODES.items()}
_MISSING = SexResult(None, Status.MISSING, "")


def normalise_sex(raw: object) -> SexResult:
    """One jenis-kelamin cell of any reader's type; case, spaces and punctuation do not matter."""
    if type(raw) is str:
        found = _VALID.get(raw) or _VALID.get(_NOISE.sub("", fold_ascii(raw)).upper())
        if found is not None:
            return found
        if not raw.strip():
            return _MISSING
        return _invalid("dummy" if is_dummy(raw) else "unrecognised")
    if isinstance(raw, bool) or raw is None or is_missing(raw):
        return _invalid("wrong-type") if isinstance(raw, bool) else _MISSING
    if isinstance(raw, numbers.Real) and raw in (1, 2):
        return _VALID[str(int(raw))]
    if isinstance(raw, numbers.Number):
        return _invalid("unrecognised")
    return _invalid("wrong-type")


def _invalid(note: str) -> SexResult:
    return SexResult(None, Status.INVALID, note)
