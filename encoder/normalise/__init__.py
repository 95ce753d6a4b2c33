"""Indonesian normalisers of the encoder: pure functions from one raw cell to a named result.

Each takes what any reader gives (str from CSV; str, int, float, datetime, date or None from
XLSX and Parquet) and never raises on bad input: it returns a value with a `Status` and a short
`note` from a fixed vocabulary that never contains the value (docs/normalisation.md).
"""

from padan.encoder.normalise import address as _address
from padan.encoder.normalise import name as _name
from padan.encoder.normalise.address import normalise_address
from padan.encoder.normalise.birthdate import normalise_birthdate
from padan.encoder.normalise.generic import normalise_digits, normalise_number, normalise_text
from padan.encoder.normalise.kk import normalise_kk
from padan.encoder.normalise.name import normalise_name
from padan.encoder.normalise.nik import check_nik, normalise_nik
from padan.encoder.normalise.phonetic import name_code
from padan.encoder.normalise.place import normalise_area, normalise_place
from padan.encoder.normalise.result import (
    DateResult,
    FieldResult,
    NameResult,
    NikCheck,
    NikResult,
    SexResult,
    Status,
)
from padan.encoder.normalise.sex import normalise_sex

__all__ = [
    "DateResult",
    "FieldResult",
    "NameResult",
    "NikCheck",
    "NikResult",
    "SexResult",
    "Status",
    "check_nik",
    "clear_caches",
    "name_code",
    "normalise_address",
    "normalise_area",
    "normalise_birthdate",
    "normalise_digits",
    "normalise_kk",
    "normalise_name",
    "normalise_nik",
    "normalise_number",
    "normalise_place",
    "normalise_sex",
    "normalise_text",
]


def clear_caches() -> None:
    """Forget the name and address words seen so far; the pipeline calls it at the end of a
    run, so that no cache keyed by personal data outlives it."""
    _name.clear_caches()
    _address.clear_caches()
