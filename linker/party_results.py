"""What one agency receives of a run, as CSV: its cross-list links and its own duplicate groups.

Columns `pseudo_id,kind,group_id,other_party,band`, one row per
- link: one of the agency's records and another agency whose record is in the same group
  (`group_id` is the run's group number, the same for every agency in the group);
- duplicate: one of the agency's records in a group of its own records that are one person
  (`group_id` numbers the agency's own duplicate groups; `other_party` is empty);
- register: one of the agency's records in a group with a register's record (padan.linker.
  registers): `other_party` is the register's kind (deaths, population, eligibility), never the
  register's name; the link rows to that register are left out.
Pseudo-ids are in the id map's text form ('p' + 16 hex digits), so the two files join as text.
Files of earlier versions (`pseudo_id,group_id,other_party,band`, decimal pseudo-ids, links
only) are still read.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass

from padan.encoder.pseudo_ids import parse_pseudo_id, pseudo_id_text, pseudo_id_texts
from padan.linker.errors import LinkerError
from padan.linker.results import BANDS, PartyDuplicates, PartyMatches

RESULT_COLUMNS = ("pseudo_id", "kind", "group_id", "other_party", "band")
LEGACY_COLUMNS = ("pseudo_id", "group_id", "other_party", "band")
KINDS = ("link", "duplicate", "register")


@dataclass(frozen=True, slots=True)
class ResultRow:
    pseudo_id: str   # text form
    kind: str        # "link" or "duplicate"
    group_id: int
    other_party: str  # "" for a duplicate
    band: str


def party_rows(matches: PartyMatches, duplicates: PartyDuplicates,
               registers: Mapping[str, str] | None = None) -> list[ResultRow]:
    """The rows of one agency, sorted (links, duplicates, registers; by group) so equal results
    are equal bytes. registers: party -> register kind (Roles.registers); links to a register
    become one register row per record and kind."""
    registers = registers or {}
    rows, seen = [], set()
    for pid, group, other, band in zip(pseudo_id_texts(matches.pseudo_id),
                                       matches.group_id.tolist(), matches.other.tolist(),
                                       matches.band.tolist(), strict=True):
        name = matches.parties[other]
        if name not in registers:
            rows.append(ResultRow(pid, "link", int(group), name, BANDS[band]))
        elif (pid, registers[name]) not in seen:
            seen.add((pid, registers[name]))
            rows.append(ResultRow(pid, "register", int(group), registers[name], BANDS[band]))
    rows += [ResultRow(pid, "duplicate", int(group), "", BANDS[band])
             for pid, group, band in zip(pseudo_id_texts(duplicates.pseudo_id),
                                         duplicates.group_id.tolist(),
                                         duplicates.band.tolist(), strict=True)]
    return sorted(rows, key=lambda r: (KINDS.index(r.kind), r.group_id, r.pseudo_id,
                                       r.other_party))


def rows_csv(rows: list[ResultRow]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(RESULT_COLUMNS)
    writer.writerows((r.pseudo_id, r.kind, r.group_id, r.other_party, r.band) for r in rows)
    return out.getvalue().encode()


def party_results_csv(matches: PartyMatches, duplicates: PartyDuplicates,
                      registers: Mapping[str, str] | None = None) -> bytes:
    return rows_csv(party_rows(matches, duplicates, registers))


def read_rows(data: bytes) -> list[ResultRow]:
    """Rows of a stored results CSV, of this version or the earlier one (read as links)."""
    reader = csv.reader(io.StringIO(data.decode()))
    header = tuple(next(reader, ()))
    if header not in (RESULT_COLUMNS, LEGACY_COLUMNS):
        raise LinkerError("stored results have an unknown header")
    legacy = header == LEGACY_COLUMNS
    rows = []
    for cells in reader:
        if legacy:
            pseudo, group, other, band = cells
            pseudo, kind = pseudo_id_text(parse_pseudo_id(pseudo, legacy="decimal")), "link"
        else:
            pseudo, kind, group, other, band = cells
        rows.append(ResultRow(pseudo, kind, int(group), other, band))
    return rows
