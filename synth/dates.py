"""Writing birthdates the way agencies do, vectorised with pyarrow string kernels."""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from padan.synth.population import split_date

MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember")
MONTHS_SHORT = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov",
                "Des")
EXCEL_EPOCH = np.datetime64("1899-12-30", "D")  # serial 1 = 1 Jan 1900, given Excel's leap bug
# The formats a row may be written in instead of its agency's own ("format variety").
VARIETY_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d", "indonesian", "indonesian-short",
                   "%d-%m-%y", "%d.%m.%Y")


def _padded(values: np.ndarray, width: int) -> pa.Array:
    return pc.utf8_lpad(pc.cast(pa.array(values), pa.string()), width, "0")


def format_dates(dates: np.ndarray, date_format: str) -> pa.Array:
    """Strings of datetime64[D] values in a named format or a %d/%m/%Y/%y pattern."""
    if date_format == "excel-serial":
        return pc.cast(pa.array((dates - EXCEL_EPOCH).astype(np.int64)), pa.string())
    year, month, day = split_date(dates)
    if date_format in ("indonesian", "indonesian-short"):
        names = MONTHS if date_format == "indonesian" else MONTHS_SHORT
        month_names = pa.array(np.array(names, dtype=object)[month - 1], type=pa.string())
        return pc.binary_join_element_wise(pc.cast(pa.array(day), pa.string()), month_names,
                                           pc.cast(pa.array(year), pa.string()), " ")
    parts = {"%d": _padded(day, 2), "%m": _padded(month, 2), "%Y": _padded(year, 4),
             "%y": _padded(year % 100, 2)}
    pieces = [parts[token] if token in parts else pa.scalar(token, pa.string())
              for token in re.split(r"(%[dmYy])", date_format) if token]
    return pc.binary_join_element_wise(*pieces, "")
