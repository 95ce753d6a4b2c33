"""Names of the NIK province codes (Kemendagri 2025), for showing the report's strata.

Public reference data, not personal data. NIK codes, not BPS statistical codes (they differ for
the Papua provinces 91-96).
"""

from __future__ import annotations

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
