"""No KK (Nomor Kartu Keluarga, the family card): 16 digits `PP KK CC DDMMYY SSSS`.

The region (province, regency or city, district) is coded as in the NIK and DDMMYY is the card's
issue date, never +40 (INDONESIA.md, "Other identifying fields"). Spreadsheets damage it exactly
as they damage NIKs, so the cell is read by the NIK normaliser (apostrophes, separators, Excel's
scientific notation and lost 16th digit, dummies: docs/normalisation.md, "NIK") and then checked
as a card number. The 6-digit region is the result's `code`.
"""

from __future__ import annotations

from padan.encoder.normalise.nik import normalise_nik
from padan.encoder.normalise.result import FieldResult, Status

_MAX_DAY = 31


def normalise_kk(raw: object) -> FieldResult:
    nik = normalise_nik(raw)
    if nik.status in (Status.VALID, Status.REPAIRED) and nik.value is not None:
        if int(nik.value[6:8]) > _MAX_DAY:   # a NIK's +40 day: no card is issued on day 41
            return FieldResult(None, Status.INVALID, "bad-date", partial=nik.value)
        return FieldResult(nik.value, nik.status, nik.note, code=nik.value[:6])
    if nik.status is Status.MISSING:
        return FieldResult(None, Status.MISSING, "")
    return FieldResult(None, Status.INVALID, nik.note, partial=nik.fuzzy_digits)
