import csv
import hashlib

from padan.encoder.default_schema import record_level_schema_text
from padan.encoder.schema import parse_schema

SECRET = bytes(range(32))
HEADER = ["NIK", "Nama Penerima", "TGL_LAHIR", "JK"]
# Synthetic people; the NIKs are structurally valid but invented.
PEOPLE = [
    ["3171014501800001", "Hj. Siti Nurhaliza, S.Pd.", "05-01-1980", "P"],
    ["3173020505790002", "Moh. Djoko Tjahjono", "05/05/1979", "L"],
    ["3578031207650003", "Slamet", "12-07-1965", "L"],
    ["5171044312900004", "Ni Luh Putu Ayu Lestari", "03-12-1990", "P"],
    ["1275011102850005", "Togar Siregar", "11-02-1985", "L"],
]


def write_csv(path, rows, header=HEADER):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def schema_with(**replacements):
    """The record-level schema (one unsalted filter of every field) with text replaced."""
    text = record_level_schema_text("test")
    for old, new in replacements.values():
        text = text.replace(old, new)
    return parse_schema(text)


def filter_digest(records) -> str:
    return hashlib.sha256(records["filter"].tobytes()).hexdigest()
