"""What a reader knows about a cell beyond its value, in a form the normalisers can see.

A spreadsheet stores every number as a double and Excel keeps 15 significant digits of it, so a
16-digit NIK typed into a number cell comes back with its last digit turned into 0. openpyxl
gives a whole number cell as a plain `int`, indistinguishable from an exact Parquet integer; the
XLSX reader wraps it in `SheetInt` so that the NIK normaliser knows where it came from. Every
other normaliser sees an ordinary `int` (equal, same hash).
"""

from __future__ import annotations


class SheetInt(int):
    """A whole number read from a numeric spreadsheet cell: at most 15 significant digits are
    trustworthy (floats carry the same mark by their type)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"SheetInt({int(self)})"
