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

import numpy as np

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
    columns = _result_columns(matches, duplicates, registers or {})
    return [ResultRow(*row) for row in zip(*columns, strict=True)]


def _result_columns(matches: PartyMatches, duplicates: PartyDuplicates,
                    registers: Mapping[str, str]) -> tuple[list, ...]:
    """party_rows as five columns (pseudo-id text, kind, group, other party, band), sorted by
    kind, group, pseudo-id and other party in numpy: a national list's millions of rows would
    take tens of seconds as Python objects. Pseudo-ids sort as their text does (a prefix and 16
    hex digits), and the other parties' names by their rank among the names."""
    labels = sorted({"", *(registers.get(p, p) for p in matches.parties)})
    label_of = np.array([labels.index(registers.get(p, p)) for p in matches.parties] or [0])
    register = np.array([p in registers for p in matches.parties] or [False])
    other = np.asarray(matches.other, np.int64)
    is_register = register[other]
    label = label_of[other]
    keep = ~is_register
    rows = np.flatnonzero(is_register)
    if len(rows):   # one register row per record and register kind: the first of them
        order = np.lexsort((rows, label[rows], matches.pseudo_id[rows]))
        ids, kinds = matches.pseudo_id[rows][order], label[rows][order]
        keep[rows[order[np.r_[True, (ids[1:] != ids[:-1]) | (kinds[1:] != kinds[:-1])]]]] = True
    kind = np.r_[np.where(is_register, KINDS.index("register"), KINDS.index("link"))[keep],
                 np.full(len(duplicates), KINDS.index("duplicate"))]
    group = np.r_[np.asarray(matches.group_id, np.int64)[keep],
                  np.asarray(duplicates.group_id, np.int64)]
    pseudo = np.r_[np.asarray(matches.pseudo_id, np.uint64)[keep],
                   np.asarray(duplicates.pseudo_id, np.uint64)]
    label = np.r_[label[keep], np.full(len(duplicates), labels.index(""))]
    band = np.r_[np.asarray(matches.band)[keep], np.asarray(duplicates.band)].astype(np.intp)
    order = np.lexsort((label, pseudo, group, kind))   # stable, as sorted() was
    return (pseudo_id_texts(pseudo[order]), np.array(KINDS, object)[kind[order]].tolist(),
            group[order].tolist(), np.array(labels, object)[label[order]].tolist(),
            np.array(BANDS, object)[band[order]].tolist())


def _csv_field(text: str) -> str:
    """A text field as csv.writer (QUOTE_MINIMAL) writes it among others."""
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def rows_csv(rows: list[ResultRow]) -> bytes:
    return _csv((r.pseudo_id, r.kind, r.group_id, r.other_party, r.band) for r in rows)


def _csv(rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(RESULT_COLUMNS)
    writer.writerows(rows)
    return out.getvalue().encode()


def party_results_csv(matches: PartyMatches, duplicates: PartyDuplicates,
                      registers: Mapping[str, str] | None = None) -> bytes:
    """The CSV of party_rows, the same bytes as rows_csv writes, joined as text: csv.writer
    takes seconds a million rows, and only the other party's name can need quoting."""
    pseudo, kind, group, other, band = _result_columns(matches, duplicates, registers or {})
    quoted = {name: _csv_field(name) for name in set(other)}
    lines = map(",".join, zip(pseudo, kind, map(str, group), map(quoted.__getitem__, other), band,
                              strict=True))
    return "\n".join([",".join(RESULT_COLUMNS), *lines, ""]).encode()


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
