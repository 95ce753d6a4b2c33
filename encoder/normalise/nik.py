"""NIK (Nomor Induk Kependudukan): structure, embedded birthdate and sex, Excel damage, dummies.

`PP KK CC DDMMYY SSSS`: province, regency (01-69) or city (71-99), district, birthdate (day +40
for women), serial from 0001 (INDONESIA.md, "NIK"). Rules and notes: docs/normalisation.md.
"""

from __future__ import annotations

import calendar
import datetime
import decimal
import itertools
import math
import numbers
import re

from padan.encoder.normalise.cells import SheetInt
from padan.encoder.normalise.result import NikCheck, NikResult, Status
from padan.encoder.normalise.text import fold_ascii, is_dummy, is_missing

# Kemendagri 2025 province codes, as used in NIKs (not the BPS codes, which differ for Papua).
PROVINCES = frozenset(
    {
        11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53,
        61, 62, 63, 64, 65, 71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96,
    }
)  # fmt: skip
_PROVINCE_BY_TEXT = {f"{code:02d}": code for code in PROVINCES}
_REGENCY_TEXT = frozenset(f"{code:02d}" for code in (*range(1, 70), *range(71, 100)))

NIK_LENGTH = 16
# Below this many digits a number is not worth comparing even fuzzily.
_FUZZY_MIN_DIGITS = 12
_FUZZY_MAX_DIGITS = 20
# A float is exact for every integer below 2**53; above it, neighbouring integers share a float,
# so the 16th digit of a NIK from provinces 91-96 (9.1e15 > 2**53) cannot be trusted.
_FLOAT_EXACT_BELOW = 2**53


def _embedded_dates() -> dict[str, tuple[int, int, str, bool]]:
    """DDMM of the NIK -> (day, month, sex, is 29 Feb). Static: holds no personal data."""
    table: dict[str, tuple[int, int, str, bool]] = {}
    for month in range(1, 13):
        for day in range(1, calendar.monthrange(2000, month)[1] + 1):  # 2000: a leap year
            leap_day = (day, month) == (29, 2)
            table[f"{day:02d}{month:02d}"] = (day, month, "L", leap_day)
            table[f"{day + 40:02d}{month:02d}"] = (day, month, "P", leap_day)
    return table


_DATES = _embedded_dates()
_YEARS = {f"{year:02d}": year for year in range(100)}

_SEPARATORS = re.compile(r"[\s.,\-_/]+")
# Excel's scientific display, with a decimal point or (Indonesian locale) a decimal comma.
_SCIENTIFIC = re.compile(r"([0-9])(?:[.,]([0-9]+))?[eE]\+?([0-9]{1,2})")
_DECIMAL_SUFFIX = re.compile(r"([0-9]+)[.,]0+")
_QUOTES = "'\"`"


def normalise_nik(raw: object) -> NikResult:
    """Check and, where it can be proven exact, repair one NIK cell of any reader's type."""
    if type(raw) is str and len(raw) == NIK_LENGTH and raw.isdigit() and raw.isascii():
        return _from_digits(raw, Status.VALID, "")  # fast path: a clean text cell
    if isinstance(raw, str):
        return _from_text(raw)
    if isinstance(raw, bool) or is_missing(raw):
        return _missing() if not isinstance(raw, bool) else _invalid("wrong-type")
    if isinstance(raw, numbers.Integral):
        return _from_integer(int(raw), from_sheet=isinstance(raw, SheetInt))
    if isinstance(raw, float):
        return _from_float(raw)
    if isinstance(raw, numbers.Real):  # numpy float32 and the like: far fewer exact digits
        return _invalid("excel-scientific") if raw >= 1e7 else _from_float(float(raw))
    if isinstance(raw, decimal.Decimal):
        return _from_text(format(raw, "f")) if raw.is_finite() else _invalid("not-digits")
    if isinstance(raw, bytes):
        return _from_text(raw.decode("utf-8", "replace"))
    return _invalid("wrong-type")


def check_nik(nik: NikResult, birthdate: datetime.date | None, sex: str | None) -> NikCheck:
    """Does the NIK's embedded birthdate (two-digit year) and sex agree with the stated ones?"""
    date_agrees = None
    if nik.birth_day is not None and birthdate is not None:
        date_agrees = (nik.birth_day, nik.birth_month, nik.birth_yy) == (
            birthdate.day,
            birthdate.month,
            birthdate.year % 100,
        )
    sex_agrees = None if nik.sex is None or sex is None else nik.sex == sex
    return NikCheck(birthdate_agrees=date_agrees, sex_agrees=sex_agrees)


def _from_digits(digits: str, status: Status, note: str) -> NikResult:
    province = _PROVINCE_BY_TEXT.get(digits[:2])
    embedded = _DATES.get(digits[6:10])
    if (
        province is not None
        and embedded is not None
        and len(digits) == NIK_LENGTH
        and digits[2:4] in _REGENCY_TEXT
        and digits[4:6] != "00"
        and digits[12:] != "0000"
        and digits != digits[0] * NIK_LENGTH
    ):
        day, month, sex, leap_day = embedded
        year = _YEARS[digits[10:12]]
        if not leap_day or year % 4 == 0:  # 29 Feb needs a leap year in some century
            return _valid(digits, status, note, province, day, month, year, sex)
    return _diagnose(digits)


def _diagnose(digits: str) -> NikResult:
    """Why a digit string is not a valid NIK; called only off the fast path."""
    if _looks_dummy(digits):
        return _invalid("dummy")
    fuzzy = digits if _FUZZY_MIN_DIGITS <= len(digits) <= _FUZZY_MAX_DIGITS else None
    if len(digits) < NIK_LENGTH:
        return _invalid("too-short", fuzzy)
    if len(digits) > NIK_LENGTH:
        return _invalid("too-long", fuzzy)
    if digits[:2] not in _PROVINCE_BY_TEXT:
        return _invalid("bad-province", fuzzy)
    if digits[2:4] not in _REGENCY_TEXT:
        return _invalid("bad-regency", fuzzy)
    if digits[4:6] == "00":
        return _invalid("bad-district", fuzzy)
    if digits[12:] == "0000":
        return _invalid("bad-serial", fuzzy)
    return _invalid("bad-date", fuzzy)


def _looks_dummy(digits: str) -> bool:
    """All one digit, or a run up or down (1234567890123456, 9876543210...)."""
    if len(set(digits)) == 1:
        return True
    steps = {(int(b) - int(a)) % 10 for a, b in itertools.pairwise(digits)}
    return steps in ({1}, {9})


def _from_text(raw: str) -> NikResult:
    text = fold_ascii(raw).strip()  # full-width digits become ASCII digits
    if not text:
        return _missing()
    note = "" if raw.isascii() else "unicode"
    if text[0] in _QUOTES:  # Excel's text guard, sometimes doubled or closed
        text, note = text.strip(_QUOTES).strip(), note or "apostrophe"
        if not text:
            return _invalid("dummy")  # a guard with nothing behind it
    if text.isdigit() and text.isascii():  # the common case: spaces or a quote around digits
        return _from_digits(text, Status.REPAIRED if note else Status.VALID, note)
    if is_dummy(text):
        return _invalid("dummy")
    if (match := _SCIENTIFIC.fullmatch(text)) is not None:
        return _from_scientific(*match.groups())
    if (match := _DECIMAL_SUFFIX.fullmatch(text)) is not None:
        if _excel_zeroed(match.group(1)):  # a float column written as text: 15 digits at most
            return _lost_digit(match.group(1))
        text, note = match.group(1), "decimal-suffix"
    digits = _SEPARATORS.sub("", text)
    if digits != text:
        note = note or "separators"
    if not digits.isdigit() or not digits.isascii():
        return _invalid("not-digits")
    if _looks_dummy(digits):
        return _invalid("dummy")
    return _from_digits(digits, Status.REPAIRED if note else Status.VALID, note)


def _from_scientific(lead: str, fraction: str | None, exponent: str) -> NikResult:
    """Excel's 3.17101E+15: exact only when all 16 digits are shown."""
    mantissa = lead + (fraction or "")
    length = int(exponent) + 1
    if len(mantissa) > length:
        return _invalid("not-digits")  # not a whole number
    if length != NIK_LENGTH:
        return _invalid("too-short" if length < NIK_LENGTH else "too-long")
    if len(mantissa) == NIK_LENGTH:
        if _excel_zeroed(mantissa):  # a number's display: its 16th digit may be Excel's 0
            return _lost_digit(mantissa)
        return _from_digits(mantissa, Status.REPAIRED, "excel-scientific")
    if len(mantissa) == NIK_LENGTH - 1:  # Excel keeps 15 digits and zeroes the 16th
        return _lost_digit(mantissa)
    # A shorter display was rounded, so its last digit may be off by one: keep the rest.
    trusted = mantissa[:-1]
    return _invalid("excel-scientific", trusted if len(trusted) >= 2 else None)


def _from_integer(number: int, *, from_sheet: bool = False) -> NikResult:
    if number < 0:
        return _invalid("not-digits")
    if not number:
        return _invalid("dummy")
    digits = str(number)
    if from_sheet and _excel_zeroed(digits):
        return _lost_digit(digits)
    return _from_digits(digits, Status.VALID, "")


def _from_float(number: float) -> NikResult:
    if math.isinf(number) or number < 0 or not number.is_integer():
        return _invalid("not-digits")
    whole = int(number)
    if whole >= _FLOAT_EXACT_BELOW:
        digits = str(whole)
        if len(digits) == NIK_LENGTH:
            return _lost_digit(digits)
        return _diagnose(digits)
    return _from_integer(whole, from_sheet=True)  # a float is a number cell by its type


def _excel_zeroed(digits: str) -> bool:
    """16 digits from a number cell, the last a 0: Excel keeps 15 significant digits and
    writes 0 for the 16th, so ...0011 to ...0019 all come back as ...0010. The true NIK may end
    in 0, but that cannot be proven, and two people sharing a made-up NIK is a false merge."""
    return len(digits) == NIK_LENGTH and digits[-1] == "0"


def _lost_digit(digits: str) -> NikResult:
    """Damaged by Excel: no value (so no identity token), the first 15 digits for fuzzy use."""
    return _invalid("excel-lost-digit", digits[:NIK_LENGTH - 1])


# A frozen dataclass sets each field through object.__setattr__, which costs about as much as
# all the checks above together. On the fast path the slots are filled directly instead; a
# test proves the result equal to the dataclass's own constructor.
_new = object.__new__
_set_value = NikResult.value.__set__  # type: ignore[attr-defined]
_set_status = NikResult.status.__set__  # type: ignore[attr-defined]
_set_note = NikResult.note.__set__  # type: ignore[attr-defined]
_set_fuzzy = NikResult.fuzzy_digits.__set__  # type: ignore[attr-defined]
_set_province = NikResult.province.__set__  # type: ignore[attr-defined]
_set_day = NikResult.birth_day.__set__  # type: ignore[attr-defined]
_set_month = NikResult.birth_month.__set__  # type: ignore[attr-defined]
_set_yy = NikResult.birth_yy.__set__  # type: ignore[attr-defined]
_set_sex = NikResult.sex.__set__  # type: ignore[attr-defined]


def _valid(
    digits: str, status: Status, note: str, province: int, day: int, month: int, yy: int, sex: str
) -> NikResult:
    result = _new(NikResult)
    _set_value(result, digits)
    _set_status(result, status)
    _set_note(result, note)
    _set_fuzzy(result, digits)
    _set_province(result, province)
    _set_day(result, day)
    _set_month(result, month)
    _set_yy(result, yy)
    _set_sex(result, sex)
    return result


def _missing() -> NikResult:
    return NikResult(None, Status.MISSING, "", None, None, None, None, None, None)


def _invalid(note: str, fuzzy_digits: str | None = None) -> NikResult:
    return NikResult(None, Status.INVALID, note, fuzzy_digits, None, None, None, None, None)
