"""Tanggal lahir: every format agency lists use, Excel serials, impossible and placeholder dates.

Rules and notes: docs/normalisation.md. Day-first is assumed whenever both readings are possible,
as Indonesian lists write dd-mm-yyyy.
"""

from __future__ import annotations

import datetime
import decimal
import math
import numbers
import re
import time

from padan.encoder.normalise.result import DateResult, Status
from padan.encoder.normalise.text import fold_ascii, is_dummy, is_missing

EARLIEST = datetime.date(1900, 1, 1)
# Dates clerks enter for an unknown birthdate: 1 Jul (SIAK since 2004), 31 Dec (SIMDUK), 1 Jan.
PLACEHOLDERS = frozenset({(1, 7), (31, 12), (1, 1)})

# Indonesian, English and common Dutch-era spellings (Pebruari, Nopember) of month names.
MONTHS = {
    **dict.fromkeys(("jan", "januari", "january", "janv"), 1),
    **dict.fromkeys(("feb", "februari", "pebruari", "peb", "february", "febr"), 2),
    **dict.fromkeys(("mar", "maret", "march", "mrt", "maart"), 3),
    **dict.fromkeys(("apr", "april"), 4),
    **dict.fromkeys(("mei", "may"), 5),
    **dict.fromkeys(("jun", "juni", "june"), 6),
    **dict.fromkeys(("jul", "juli", "july"), 7),
    **dict.fromkeys(("agu", "agt", "agus", "agust", "agustus", "aug", "august", "augustus"), 8),
    **dict.fromkeys(("sep", "sept", "september"), 9),
    **dict.fromkeys(("okt", "oktober", "oct", "october"), 10),
    **dict.fromkeys(("nov", "nop", "november", "nopember"), 11),
    **dict.fromkeys(("des", "desember", "dec", "december"), 12),
}

# Excel's 1900 date system: serial 1 is 1900-01-01 and serial 60 the 29 Feb 1900 that never was
# (a Lotus 1-2-3 bug Excel kept); from serial 61 on, day 0 is 1899-12-30.
_EXCEL_EPOCH = datetime.date(1899, 12, 30)
_EXCEL_FAKE_LEAP_DAY = 60
_EXCEL_MAX_SERIAL = 99_999

# An optional time of day after the date: " 00:00", "T00:00:00.000Z", " 12:00:00 AM".
_TIME = (
    r"(?:[ T]\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:\.\d+)?)?(?:\s*[ap]\.?m\.?)?"
    r"(?:Z|[+-]\d{2}:?\d{2})?)?"
)
_NUMERIC_DMY = re.compile(r"(\d{1,2})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{4}|\d{2})" + _TIME, re.I)
_ISO = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})" + _TIME, re.I)
_DAY_MONTH_NAME = re.compile(r"(\d{1,2})[\s\-/.]*([a-z]+)\.?[\s\-/.,]*(\d{4}|\d{2})" + _TIME, re.I)
_MONTH_NAME_DAY = re.compile(r"([a-z]+)\.?[\s\-/.]*(\d{1,2})(?:st|nd|rd|th)?[\s,]+(\d{4})", re.I)
_DIGITS_ONLY = re.compile(r"\d{1,8}")
_DECIMAL_SERIAL = re.compile(r"(\d{1,5})[.,]\d+")  # a serial with its time of day


def normalise_birthdate(raw: object) -> DateResult:
    """One tanggal-lahir cell of any reader's type, to a date between 1900 and today."""
    if isinstance(raw, datetime.datetime):
        return _missing() if is_missing(raw) else _checked(raw.date(), "")
    if isinstance(raw, datetime.date):
        return _checked(raw, "")
    if isinstance(raw, str):
        return _from_text(raw)
    if isinstance(raw, bool):
        return _invalid("wrong-type")
    if is_missing(raw):
        return _missing()
    if isinstance(raw, numbers.Integral):
        return _from_number(int(raw))
    if isinstance(raw, numbers.Real | decimal.Decimal):
        number = float(raw)
        if math.isinf(number):
            return _invalid("out-of-range")
        return _from_number(math.floor(number))  # the fraction of a serial is the time of day
    if type(raw).__name__ == "datetime64":  # numpy: its text form is ISO
        return _from_text(str(raw))
    return _invalid("wrong-type")


_TODAY: list = [None, None]  # (UTC day number, local date): date.today() is slow per cell


def today() -> datetime.date:
    """The reference day for 'future' and two-digit years; tests replace it."""
    day = int(time.time() // 86_400)
    if _TODAY[0] != day:
        _TODAY[:] = [day, datetime.date.today()]
    return _TODAY[1]


def _from_text(raw: str) -> DateResult:
    text = fold_ascii(raw).strip()
    if not text:
        return _missing()
    if (match := _NUMERIC_DMY.fullmatch(text)) is not None:
        day, _, month, year = match.groups()
        return _day_month_year(int(day), int(month), year)
    if (match := _ISO.fullmatch(text)) is not None:
        year, _, month, day = match.groups()
        return _year_month_day(int(year), int(month), int(day))
    if (match := _DAY_MONTH_NAME.fullmatch(text)) is not None:
        day, month_name, year = match.groups()
        month = MONTHS.get(month_name.lower())
        return _invalid("unrecognised-format") if month is None else _built(int(day), month, year)
    if (match := _MONTH_NAME_DAY.fullmatch(text)) is not None:
        month_name, day, year = match.groups()
        month = MONTHS.get(month_name.lower())
        return _invalid("unrecognised-format") if month is None else _built(int(day), month, year)
    if _DIGITS_ONLY.fullmatch(text):
        return _from_digit_text(text)
    if (match := _DECIMAL_SERIAL.fullmatch(text)) is not None:
        return _from_number(int(match.group(1)))
    if is_dummy(text):
        return _invalid("dummy")
    place, comma, rest = text.partition(",")
    if comma and rest.strip() and not any(char.isdigit() for char in place):
        # "JAKARTA, 05-01-1980": a tempat/tanggal lahir (TTL) cell
        return _renoted(_from_text(rest), "place-removed")
    return _invalid("unrecognised-format")


def _from_digit_text(text: str) -> DateResult:
    """Digits only: a serial, a year, ddmmyy, or yyyymmdd / ddmmyyyy."""
    if not text.strip("0"):
        return _invalid("dummy")
    if len(text) == 8:
        if text[:2] in ("19", "20"):
            found = _year_month_day(int(text[:4]), int(text[4:6]), int(text[6:]))
            if found.value is not None:
                return found
        return _day_month_year(int(text[:2]), int(text[2:4]), text[4:])
    if len(text) == 7 and text[3:5] in ("19", "20"):  # dmmyyyy: a number lost the leading 0
        found = _day_month_year(int(text[0]), int(text[1:3]), text[3:])
        return _renoted(found, "leading-zero")
    if len(text) == 6 and text[0] in "0123":  # ddmmyy; serials of 6 digits are out of range
        return _day_month_year(int(text[:2]), int(text[2:4]), text[4:])
    if len(text) <= 5:
        return _from_number(int(text))
    return _invalid("unrecognised-format")


def _from_number(number: int) -> DateResult:
    """A number in a date column: a year alone, an 8-digit yyyymmdd, or an Excel serial."""
    if EARLIEST.year <= number <= today().year:
        # A year alone: SIAK records it as 1 July of that year, so do the same (and say so).
        return _checked(datetime.date(number, 7, 1), "year-only")
    if 1_000_000 <= number <= 99_999_999:
        return _from_digit_text(str(number))
    if number == _EXCEL_FAKE_LEAP_DAY:
        return _invalid("bad-date")
    if 1 <= number <= _EXCEL_MAX_SERIAL:
        offset = number if number > _EXCEL_FAKE_LEAP_DAY else number + 1
        return _checked(_EXCEL_EPOCH + datetime.timedelta(days=offset), "excel-serial")
    return _invalid("out-of-range")


def _built(day: int, month: int, year_text: str) -> DateResult:
    year, note = _full_year(year_text)
    return _checked_parts(year, month, day, note)


def _day_month_year(day: int, month: int, year_text: str) -> DateResult:
    year, note = _full_year(year_text)
    if month > 12 and 1 <= day <= 12:  # mm-dd-yyyy from an English-locale export
        return _checked_parts(year, day, month, _notes("day-month-swap", note))
    return _checked_parts(year, month, day, note)


def _year_month_day(year: int, month: int, day: int) -> DateResult:
    if month > 12 and 1 <= day <= 12:  # yyyy-dd-mm
        return _checked_parts(year, day, month, "day-month-swap")
    return _checked_parts(year, month, day, "")


def _full_year(year_text: str) -> tuple[int, str]:
    """A two-digit year is the latest year ending in those digits that is not in the future."""
    if len(year_text) == 4:
        return int(year_text), ""
    current = today().year
    year = current - (current - int(year_text)) % 100
    return year, "two-digit-year"


def _checked_parts(year: int, month: int, day: int, note: str) -> DateResult:
    if year == 0 and month == 0 and day == 0:
        return _invalid("dummy")
    try:
        value = datetime.date(year, month, day)
    except ValueError:
        return _invalid("dummy" if day == month == 0 else "bad-date")
    return _checked(value, note)


def _checked(value: datetime.date, note: str) -> DateResult:
    if value < EARLIEST:
        return _invalid("before-1900")
    if value > today():
        return _invalid("future")
    placeholder = (value.day, value.month) in PLACEHOLDERS
    if note:
        return DateResult(value, Status.REPAIRED, note, placeholder)
    return DateResult(value, Status.VALID, "placeholder" if placeholder else "", placeholder)


def _renoted(found: DateResult, note: str) -> DateResult:
    """A found date, marked repaired by one more step."""
    if found.value is None:
        return found
    notes = _notes(note, found.note)
    return DateResult(found.value, Status.REPAIRED, notes, found.placeholder)


def _notes(*notes: str) -> str:
    return ",".join(note for note in notes if note and note != "placeholder")


def _missing() -> DateResult:
    return DateResult(None, Status.MISSING, "", False)


def _invalid(note: str) -> DateResult:
    return DateResult(None, Status.INVALID, note, False)
