"""Named results of the normalisers: a value, how trustworthy it is, and why.

A result never carries the raw input: `note` is a short reason from a fixed vocabulary
(docs/normalisation.md), safe to count and print in data-quality reports.
"""

from __future__ import annotations

import datetime
import enum
from dataclasses import dataclass


class Status(enum.StrEnum):
    VALID = "valid"  # usable as given (up to case, spacing, accents, punctuation)
    REPAIRED = "repaired"  # usable after a documented repair, named in `note`
    INVALID = "invalid"  # present but unusable, the reason in `note`
    MISSING = "missing"  # empty cell, None or NaN


@dataclass(frozen=True, slots=True)
class NikResult:
    value: str | None  # the 16-digit NIK, only when VALID or REPAIRED
    status: Status
    note: str
    fuzzy_digits: str | None  # digits usable for fuzzy comparison, even when value is None
    province: int | None
    birth_day: int | None  # embedded day, already minus 40 for women
    birth_month: int | None
    birth_yy: int | None  # two-digit year: the century is unknown
    sex: str | None  # "L" or "P", from the embedded day


@dataclass(frozen=True, slots=True)
class NameResult:
    value: str | None  # lowercase ASCII words separated by one space
    status: Status
    note: str


@dataclass(frozen=True, slots=True)
class DateResult:
    value: datetime.date | None
    status: Status
    note: str
    placeholder: bool  # 1 Jan, 1 Jul or 31 Dec: a date clerks enter when the real one is unknown


@dataclass(frozen=True, slots=True)
class SexResult:
    value: str | None  # "L" (laki-laki) or "P" (perempuan)
    status: Status
    note: str


@dataclass(frozen=True, slots=True)
class FieldResult:
    """The result of every normaliser of the other fields (docs/normalisation.md, "Other
    fields"): a text value, and where the field has one, a code or surviving digits."""

    value: str | None  # the comparison key (lowercase ASCII, one space apart; digits; a number)
    status: Status
    note: str
    code: str | None = None  # Kemendagri code of a place; the 6-digit region of a KK number
    partial: str | None = None  # digits still comparable by position when value is None


@dataclass(frozen=True, slots=True)
class NikCheck:
    birthdate_agrees: bool | None  # None when the NIK or the birthdate is unknown
    sex_agrees: bool | None  # None when the NIK or the sex is unknown


# Every note each normaliser can give (several joined by "," for names and dates). A test checks
# that normalisers give no other and that docs/normalisation.md explains each one.
NOTES: dict[str, frozenset[str]] = {
    "nik": frozenset(
        {
            "apostrophe", "separators", "decimal-suffix", "unicode", "excel-scientific",
            "excel-lost-digit", "dummy", "too-short", "too-long", "bad-province", "bad-regency",
            "bad-district", "bad-date", "bad-serial", "not-digits", "wrong-type",
        }
    ),
    "name": frozenset(
        {
            "titles", "degrees", "prefix", "patronymic", "abbreviation", "old-spelling",
            "variant", "digits", "non-latin", "no-letters", "only-titles", "dummy", "wrong-type",
        }
    ),
    "birthdate": frozenset(
        {
            "placeholder", "day-month-swap", "two-digit-year", "excel-serial", "year-only",
            "leading-zero", "place-removed", "bad-date", "before-1900", "future", "dummy",
            "out-of-range", "unrecognised-format", "wrong-type",
        }
    ),
    "sex": frozenset({"dummy", "unrecognised", "wrong-type"}),
    "text": frozenset({"dummy", "no-text", "non-latin", "wrong-type"}),
    "digits": frozenset(
        {"apostrophe", "separators", "decimal-suffix", "excel-scientific", "not-digits",
         "dummy", "wrong-type"}
    ),
    "number": frozenset({"decimal-comma", "thousands", "not-a-number", "dummy", "wrong-type"}),
    "place": frozenset(
        {"prefix", "old-name", "old-spelling", "abbreviation", "date-removed", "digits",
         "no-letters", "dummy", "wrong-type"}
    ),
    "address": frozenset(
        {"abbreviation", "rt-rw", "old-spelling", "no-text", "dummy", "wrong-type"}
    ),
    "kk": frozenset(
        {
            "apostrophe", "separators", "decimal-suffix", "unicode", "excel-scientific",
            "excel-lost-digit", "dummy", "too-short", "too-long", "bad-province", "bad-regency",
            "bad-district", "bad-date", "bad-serial", "not-digits", "wrong-type",
        }
    ),
}  # fmt: skip
