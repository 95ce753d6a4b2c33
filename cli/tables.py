"""Tables and JSON for the terminal: what every command that prints a table shares.

A table's first column names its rows (a field, an agency, a pair of agencies); rich squeezes
columns to fit the terminal, so `readable` keeps that column whole and lets the others wrap.
`--json` prints the same facts as one JSON document on stdout, for scripts.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from rich.table import Table

JSON_HELP = "Print the result as one JSON document on stdout instead of tables."


def readable(table: Table) -> Table:
    """The table with its first column never wrapped or cut: the others give way first, and fold
    a word too long for them rather than cut it to "…"."""
    for column in table.columns:
        column.overflow = "fold"
    if table.columns:
        first = table.columns[0]
        cells = [str(cell) for cell in first.cells]
        first.no_wrap = True
        first.min_width = max([len(str(first.header)), *map(len, cells)])
    return table


def print_json(document: Any) -> None:
    """One JSON document on stdout (paths as strings), followed by a newline."""
    sys.stdout.write(json.dumps(document, indent=2, default=str, ensure_ascii=False) + "\n")
    sys.stdout.flush()
