"""Places: tempat lahir and kabupaten/kota (`birthplace`, `regency`), desa/kelurahan and
kecamatan (`village`, `district`). Rules and notes: docs/normalisation.md, "Places".

The value is the place's name without its administrative prefix (KAB., KOTA, ADM., KEL., KEC.
...), in today's spelling and today's name (Ujung Pandang is Makassar since 1999), lowercase
ASCII words. A regency or city in the shipped Kemendagri table also gets its 4-digit code, a
province name its 2-digit code (place_codes.py).
"""

from __future__ import annotations

import re

from padan.encoder.normalise.generic import invalid, text_cell, text_words
from padan.encoder.normalise.place_codes import canonical_regency, province_code, regency_code
from padan.encoder.normalise.result import FieldResult, Status
from padan.encoder.normalise.spelling import modernise
from padan.encoder.normalise.text import fold_ascii, is_dummy

# Leading words that say what kind of place follows; True for a city, False for a regency.
_REGENCY_PREFIXES: dict[tuple[str, ...], bool | None] = {
    ("kabupaten",): False, ("kab",): False, ("kota", "administrasi"): True,
    ("kota", "adm"): True, ("kotamadya",): True, ("kodya",): True, ("kota",): True,
    ("kotif",): True, ("adm",): None, ("administrasi",): None, ("provinsi",): None,
    ("propinsi",): None, ("prov",): None, ("dki",): None, ("di",): None, ("daerah", "istimewa"):
    None,
}  # fmt: skip
_AREA_PREFIXES = (
    ("kelurahan",), ("kel",), ("desa",), ("ds",), ("kecamatan",), ("kec",), ("gampong",),
    ("nagari",), ("kampung",), ("kp",), ("dusun",), ("dsn",), ("distrik",),
)  # fmt: skip
# Old and informal names still written on lists, after the old-spelling fixes (INDONESIA.md,
# "Tempat lahir"): the name in use today.
OLD_NAMES = {
    "jogjakarta": "yogyakarta", "jokyakarta": "yogyakarta", "jokjakarta": "yogyakarta",
    "jogja": "yogyakarta", "yogya": "yogyakarta", "jogya": "yogyakarta",
    "ngayogyakarta": "yogyakarta", "ujung pandang": "makassar", "ujungpandang": "makassar",
    "makasar": "makassar", "kutaraja": "banda aceh", "kotaraja": "banda aceh",
    "batavia": "jakarta", "buitenzorg": "bogor", "kheribon": "cirebon", "solo": "surakarta",
    "hollandia": "jayapura", "sukarnopura": "jayapura", "sukarnapura": "jayapura",
    "fort de kock": "bukittinggi", "menado": "manado", "tanjungkarang": "bandar lampung",
    "tanjung karang": "bandar lampung", "telukbetung": "bandar lampung",
    "teluk betung": "bandar lampung", "padang sidempuan": "padangsidimpuan",
}  # fmt: skip
ABBREVIATIONS = {
    "jkt": "jakarta", "jakbar": "jakarta barat", "jaksel": "jakarta selatan",
    "jaktim": "jakarta timur", "jakpus": "jakarta pusat", "jakut": "jakarta utara",
    "jkt barat": "jakarta barat", "jkt selatan": "jakarta selatan", "jkt timur": "jakarta timur",
    "jkt pusat": "jakarta pusat", "jkt utara": "jakarta utara", "sby": "surabaya",
    "smg": "semarang", "bdg": "bandung", "mdn": "medan", "plg": "palembang", "mks": "makassar",
    "dps": "denpasar", "ygy": "yogyakarta",
}  # fmt: skip
_FIRST_DIGIT = re.compile(r"[0-9]")


def normalise_place(raw: object) -> FieldResult:
    """A tempat lahir or kabupaten/kota cell: "KAB. BANDUNG" -> "bandung" (code 3204),
    "Ujung Pandang" -> "makassar", "JAKARTA, 05-01-1980" (a TTL cell) -> "jakarta" (code 31)."""
    found = _words(raw)
    if not isinstance(found, tuple):
        return found
    words, notes = found
    words, city = _strip_prefix(words, _REGENCY_PREFIXES, notes)
    if not words:
        return invalid("no-letters")
    name = _today(words, notes)
    code = province_code(name) if city is None else None
    code = code or regency_code(name, city=city)
    return _result(canonical_regency(name), notes, code)


def normalise_area(raw: object) -> FieldResult:
    """A desa/kelurahan or kecamatan cell: "KEL. GAMBIR" -> "gambir"."""
    found = _words(raw)
    if not isinstance(found, tuple):
        return found
    words, notes = found
    words, _ = _strip_prefix(words, dict.fromkeys(_AREA_PREFIXES), notes)
    if not words:
        return invalid("no-letters")
    return _result(_today(words, notes), notes, None)


def _words(raw: object) -> tuple[list[str], list[str]] | FieldResult:
    raw = text_cell(raw)
    if isinstance(raw, FieldResult):
        return raw
    notes: list[str] = []
    text = fold_ascii(raw)   # superscript and full-width digits are digits too
    if (digit := _FIRST_DIGIT.search(text)) is not None:
        head = text[:digit.start()]
        if any(c.isalpha() for c in head) and ("," in head or "/" in head):
            text = head                 # "JAKARTA, 05-01-1980": the place of a TTL cell
            notes.append("date-removed")
        else:
            text = _FIRST_DIGIT.sub(" ", text)
            notes.append("digits")
    words = [w for w in text_words(text)[0].split() if not w.isdigit()]
    if not words:
        return invalid("no-letters")
    if is_dummy(" ".join(words)):
        return invalid("dummy")
    return words, notes


def _strip_prefix(words: list[str], prefixes: dict, notes: list[str]
                  ) -> tuple[list[str], bool | None]:
    """Leading prefixes off (several: "KOTA ADM. JAKARTA PUSAT"); whether one said city."""
    city = None
    stripped = True
    while stripped and words:
        stripped = False
        for prefix, is_city in prefixes.items():
            if tuple(words[:len(prefix)]) == prefix and len(words) > len(prefix):
                words = words[len(prefix):]
                city = is_city if is_city is not None else city
                stripped = True
                if "prefix" not in notes:
                    notes.append("prefix")
                break
    return words, city


def _today(words: list[str], notes: list[str]) -> str:
    """Today's spelling and today's name of a place."""
    modern = [modernise(word) for word in words]
    if modern != words:
        notes.append("old-spelling")
    name = " ".join(modern)
    if name in ABBREVIATIONS:
        notes.append("abbreviation")
        name = ABBREVIATIONS[name]
    if name in OLD_NAMES:
        notes.append("old-name")
        name = OLD_NAMES[name]
    return name


def _result(name: str, notes: list[str], code: str | None) -> FieldResult:
    note = ",".join(dict.fromkeys(notes))
    return FieldResult(name, Status.REPAIRED if note and note != "prefix" else Status.VALID,
                       note, code=code)
