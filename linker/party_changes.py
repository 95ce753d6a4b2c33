"""What changed in one agency's links since the last run of continuous linkage, as CSV.

Columns `pseudo_id,other_party,group_id,band,status`, one row per link of one of the agency's
records to another agency (padan.linker.group_ids.LinkChange): `status` is new, unchanged,
changed or gone (a link of the last run this run no longer has, with last run's group and band).
`padan link --state` writes it as NAME.changes.csv, the service stores it per run and party,
and `padan reveal --changes` reads it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

from padan.encoder.pseudo_ids import pseudo_id_text
from padan.linker.errors import LinkerError

CHANGE_COLUMNS = ("pseudo_id", "other_party", "group_id", "band", "status")
STATUSES = ("new", "unchanged", "changed", "gone")


@dataclass(frozen=True, slots=True)
class ChangeRow:
    pseudo_id: str   # text form
    other_party: str
    group_id: int
    band: str
    status: str


def changes_csv(changes: Iterable) -> bytes:
    """The CSV of LinkChange rows (padan.linker.group_ids.link_changes)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CHANGE_COLUMNS)
    writer.writerows((pseudo_id_text(c.pseudo_id), c.other_party, c.group_id, c.band, c.status)
                     for c in changes)
    return out.getvalue().encode()


def read_changes(data: bytes) -> list[ChangeRow]:
    reader = csv.reader(io.StringIO(data.decode()))
    if tuple(next(reader, ())) != CHANGE_COLUMNS:
        raise LinkerError("stored changes have an unknown header")
    return [ChangeRow(pid, other, int(group), band, status)
            for pid, other, group, band, status in reader]


def count_statuses(rows: Iterable) -> dict[str, int]:
    counts = dict.fromkeys(STATUSES, 0)
    for row in rows:
        counts[row.status] += 1
    return counts
