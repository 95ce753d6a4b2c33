"""Names of the NIK province codes (Kemendagri 2025) and regency codes, for showing the report's
strata.

Public reference data, not personal data. NIK codes, not BPS statistical codes (they differ for
the Papua provinces 91-96, and for most regencies). Regency names come from the table the encoder
ships for places of birth (padan.encoder.normalise.place_codes: Java, Bali and Nusa Tenggara
Barat); a regency outside it is shown by its code alone ("81.01"), never a guessed name.
"""

from __future__ import annotations

from padan.encoder.normalise.place_codes import REGENCIES
from padan.i18n import _

PROVINCE_NAMES: dict[int, str] = {
    11: "Aceh", 12: "Sumatera Utara", 13: "Sumatera Barat", 14: "Riau", 15: "Jambi",
    16: "Sumatera Selatan", 17: "Bengkulu", 18: "Lampung", 19: "Kep. Bangka Belitung",
    21: "Kepulauan Riau", 31: "DKI Jakarta", 32: "Jawa Barat", 33: "Jawa Tengah",
    34: "DI Yogyakarta", 35: "Jawa Timur", 36: "Banten", 51: "Bali",
    52: "Nusa Tenggara Barat", 53: "Nusa Tenggara Timur", 61: "Kalimantan Barat",
    62: "Kalimantan Tengah", 63: "Kalimantan Selatan", 64: "Kalimantan Timur",
    65: "Kalimantan Utara", 71: "Sulawesi Utara", 72: "Sulawesi Tengah",
    73: "Sulawesi Selatan", 74: "Sulawesi Tenggara", 75: "Gorontalo", 76: "Sulawesi Barat",
    81: "Maluku", 82: "Maluku Utara", 91: "Papua", 92: "Papua Barat", 93: "Papua Selatan",
    94: "Papua Tengah", 95: "Papua Pegunungan", 96: "Papua Barat Daya",
}


def stratum_label(code: int) -> str:
    """'31 DKI Jakarta'; 'unknown' for 0 (no valid NIK); the bare code if it is not a province."""
    if code == 0:
        return _("unknown")
    name = PROVINCE_NAMES.get(code)
    return f"{code} {name}" if name else str(code)


def _regency_names() -> dict[int, str]:
    """code -> "Kab. Bandung" / "Kota Bandung" (KK 01-69: kabupaten, 71-99: kota)."""
    names = {}
    for name, codes in REGENCIES.items():
        for code in codes:
            kind = "Kota" if int(code[2:]) >= 71 else "Kab."
            names[int(code)] = f"{kind} {name.title()}"
    return names


REGENCY_NAMES: dict[int, str] = _regency_names()


def regency_label(code: int) -> str:
    """'32.04 Kab. Bandung'; 'unknown' for 0; '81.01' for a code the table does not name."""
    if code == 0:
        return _("unknown")
    text = f"{code // 100:02d}.{code % 100:02d}"
    name = REGENCY_NAMES.get(code)
    return f"{text} {name}" if name else text
