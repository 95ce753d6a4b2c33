"""Which normaliser reads each field kind besides nik, name, birthdate and sex, and the note
vocabulary (NOTES key) its results draw from."""

from __future__ import annotations

from collections.abc import Callable

from padan.encoder.normalise.address import normalise_address
from padan.encoder.normalise.birthdate import normalise_birthdate
from padan.encoder.normalise.generic import normalise_digits, normalise_number, normalise_text
from padan.encoder.normalise.kk import normalise_kk
from padan.encoder.normalise.name import normalise_name
from padan.encoder.normalise.place import normalise_area, normalise_place

# kind -> (normaliser, NOTES key)
NORMALISERS: dict[str, tuple[Callable[[object], object], str]] = {
    "text": (normalise_text, "text"),
    "exact": (normalise_text, "text"),
    "date": (normalise_birthdate, "birthdate"),
    "digits": (normalise_digits, "digits"),
    "number": (normalise_number, "number"),
    "birthplace": (normalise_place, "place"),
    "regency": (normalise_place, "place"),
    "village": (normalise_area, "place"),
    "district": (normalise_area, "place"),
    "address": (normalise_address, "address"),
    "mother_name": (normalise_name, "name"),
    "kk": (normalise_kk, "kk"),
}


def normaliser_for(kind: str) -> Callable[[object], object]:
    return NORMALISERS[kind][0]
