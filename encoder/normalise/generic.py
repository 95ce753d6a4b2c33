"""Generic fields: free text, digit strings and numbers (the `text`, `exact`, `digits` and
`number` kinds of the schema). Rules and notes: docs/normalisation.md, "Other fields".

Like every normaliser here: any reader's type in, a FieldResult out, never an exception, and a
note from a fixed vocabulary that never holds the value.
"""

from __future__ import annotations

import decimal
import math
import numbers
import re

from padan.encoder.normalise.cells import SheetInt
from padan.encoder.normalise.result import FieldResult, Status
from padan.encoder.normalise.text import fold_ascii, is_dummy, is_missing

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_DIGIT_SEPARATORS = re.compile(r"[\s.,\-_/]+")
_SCIENTIFIC = re.compile(r"[0-9](?:[.,][0-9]+)?[eE]\+?[0-9]{1,2}")
_DECIMAL_SUFFIX = re.compile(r"([0-9]+)[.,]0+")
_QUOTES = "'\"`"
# A float is exact for every integer below 2**53 (and Excel keeps 15 significant digits).
_FLOAT_EXACT_DIGITS = 15
# "1.234.567" and "1.234,5" are Indonesian thousands; a lone "1.234" is read as a decimal point,
# the form this normaliser writes, so that its output reads back unchanged.
_THOUSANDS_DOTS = re.compile(r"-?[0-9]{1,3}(?:(?:\.[0-9]{3}){2,}(?:,[0-9]+)?|\.[0-9]{3},[0-9]+)")
_THOUSANDS_COMMAS = re.compile(r"-?[0-9]{1,3}(?:,[0-9]{3}){2,}(?:\.[0-9]+)?")
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:[.,][0-9]+)?")

MISSING = FieldResult(None, Status.MISSING, "")


def invalid(note: str, partial: str | None = None) -> FieldResult:
    return FieldResult(None, Status.INVALID, note, partial=partial)


def text_cell(raw: object) -> str | FieldResult:
    """A text cell's string, or the result that ends its normalisation: not text (a bool, a
    number where words are expected), missing, or a dummy ("-", "TIDAK ADA")."""
    if isinstance(raw, bool):
        return invalid("wrong-type")
    if is_missing(raw):
        return MISSING
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", "replace")
    if not isinstance(raw, str):
        return invalid("wrong-type")
    if is_dummy(raw):
        return invalid("dummy")
    return raw


def text_words(raw: str) -> tuple[str, bool]:
    """Lowercase ASCII words one space apart, and whether letters were lost in folding."""
    folded = fold_ascii(raw)
    lost = not raw.isascii() and sum(c.isalpha() for c in folded) < sum(
        c.isalpha() for c in raw)
    return " ".join(_NOT_ALNUM.sub(" ", folded.lower()).split()), lost


def normalise_text(raw: object) -> FieldResult:
    """Free text as lowercase ASCII words (letters and digits), one space apart."""
    if isinstance(raw, bool):
        return invalid("wrong-type")
    if is_missing(raw):
        return MISSING
    if isinstance(raw, numbers.Integral):
        return FieldResult(str(int(raw)), Status.VALID, "")
    if isinstance(raw, float):
        return FieldResult(_number_text(raw), Status.VALID, "") if math.isfinite(raw) else (
            invalid("wrong-type"))
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", "replace")
    if not isinstance(raw, str):
        return invalid("wrong-type")
    words, lost = text_words(raw)
    if is_dummy(raw) or is_dummy(words):
        return invalid("dummy")
    if not words:
        return invalid("non-latin" if lost else "no-text")
    return FieldResult(words, Status.REPAIRED if lost else Status.VALID, "non-latin" if lost
                       else "")


def normalise_digits(raw: object) -> FieldResult:
    """A number written as digits (a code, a card number, a postcode): the digits, leading zeros
    kept. A spreadsheet number of more than 15 digits is refused: its last digits were lost."""
    if isinstance(raw, bool):
        return invalid("wrong-type")
    if is_missing(raw):
        return MISSING
    if isinstance(raw, numbers.Integral):
        digits = str(int(raw))
        if int(raw) < 0:
            return invalid("not-digits")
        if isinstance(raw, SheetInt) and len(digits) > _FLOAT_EXACT_DIGITS:
            return invalid("excel-scientific")
        return FieldResult(digits, Status.VALID, "")
    if isinstance(raw, float):
        if not math.isfinite(raw) or raw < 0 or not raw.is_integer():
            return invalid("not-digits")
        if raw >= 10 ** _FLOAT_EXACT_DIGITS:
            return invalid("excel-scientific")
        return FieldResult(str(int(raw)), Status.VALID, "")
    if isinstance(raw, decimal.Decimal):
        raw = format(raw, "f") if raw.is_finite() else "x"
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", "replace")
    if not isinstance(raw, str):
        return invalid("wrong-type")
    return _digits_from_text(raw)


def _digits_from_text(raw: str) -> FieldResult:
    text, note = fold_ascii(raw).strip(), ""
    if text[:1] in _QUOTES:
        text, note = text.strip(_QUOTES).strip(), "apostrophe"
    if text.isdigit() and text.isascii():
        return FieldResult(text, Status.REPAIRED if note else Status.VALID, note)
    if not text or is_dummy(text):
        return invalid("dummy")
    if _SCIENTIFIC.fullmatch(text):
        return invalid("excel-scientific")
    if (match := _DECIMAL_SUFFIX.fullmatch(text)) is not None:
        return FieldResult(match.group(1), Status.REPAIRED, note or "decimal-suffix")
    digits = _DIGIT_SEPARATORS.sub("", text)
    if not digits or not digits.isdigit() or not digits.isascii():
        return invalid("not-digits")
    return FieldResult(digits, Status.REPAIRED, note or "separators")


def normalise_number(raw: object) -> FieldResult:
    """A quantity (an age, an income): its decimal value as text, "42" or "3.5". Indonesian
    lists write a decimal comma and thousands dots ("1.234.567,5"); both are read."""
    if isinstance(raw, bool):
        return invalid("wrong-type")
    if is_missing(raw):
        return MISSING
    if isinstance(raw, numbers.Integral):
        return FieldResult(str(int(raw)), Status.VALID, "")
    if isinstance(raw, numbers.Real):
        value = float(raw)
        if not math.isfinite(value):
            return invalid("not-a-number")
        return FieldResult(_number_text(value), Status.VALID, "")
    if isinstance(raw, decimal.Decimal):
        raw = format(raw, "f") if raw.is_finite() else "x"
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", "replace")
    if not isinstance(raw, str):
        return invalid("wrong-type")
    text = fold_ascii(raw).strip().replace(" ", "")
    if is_dummy(text) and text not in ("0",):
        return invalid("dummy")
    note = ""
    if _THOUSANDS_DOTS.fullmatch(text):
        text, note = text.replace(".", "").replace(",", "."), "thousands"
    elif _THOUSANDS_COMMAS.fullmatch(text):
        text, note = text.replace(",", ""), "thousands"
    elif not _PLAIN_NUMBER.fullmatch(text):
        return invalid("not-a-number")
    elif "," in text:
        text, note = text.replace(",", "."), "decimal-comma"
    try:
        value = float(text)
    except ValueError:  # the patterns above admit only numbers; kept for safety
        return invalid("not-a-number")
    if not math.isfinite(value):
        return invalid("not-a-number")
    return FieldResult(_number_text(value), Status.REPAIRED if note else Status.VALID, note)


def _number_text(value: float) -> str:
    """One text per value: whole numbers without a decimal point, others in Python's shortest
    round-trip form ("3.5"), so that reading the text back gives the same text."""
    if value.is_integer() and abs(value) < 1e18:
        return str(int(value))
    text = repr(value)
    return text if "e" not in text else format(decimal.Decimal(text), "f")
