"""The data-quality report of an encoding run: counts only, never a value.

Two kinds of rows are listed by number (`bad_rows`, up to MAX_LISTED_ROWS, with the total):
malformed rows (field "*": a CSV row with the wrong number of fields, skipped by the reader) and
rows with an invalid field (a required field missing or invalid; the row is still encoded from
its other fields). Each kind is also counted in rows: rows_malformed, rows_with_invalid_field.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

MAX_LISTED_ROWS = 1000
# The NIK note of a number cell whose 16th digit Excel turned into 0 (normalise/nik.py).
EXCEL_LOST_DIGIT = "excel-lost-digit"


@dataclass(slots=True)
class BadRow:
    row: int
    field: str
    reason: str


@dataclass(slots=True)
class QualityReport:
    """Per field: how many values were valid, repaired, invalid or missing, and why."""

    rows_read: int = 0
    rows_encoded: int = 0
    rows_skipped: int = 0      # not encoded: malformed, or no usable NIK, name or birthdate
    rows_malformed: int = 0
    rows_with_invalid_field: int = 0
    statuses: dict[str, Counter] = field(default_factory=dict)
    notes: dict[str, Counter] = field(default_factory=dict)
    nik_birthdate_disagree: int = 0
    nik_sex_disagree: int = 0
    placeholder_birthdates: int = 0
    bad_rows: list[BadRow] = field(default_factory=list)
    bad_rows_total: int = 0
    # rows already counted in rows_with_invalid_field; a report covers one batch's rows, and
    # merged reports cover disjoint rows, so counts add up without it
    _invalid_rows: set[int] = field(default_factory=set, repr=False, compare=False)

    def count(self, field_name: str, status: str, note: str, times: int = 1) -> None:
        if field_name not in self.statuses:
            self.statuses[field_name] = Counter()
            self.notes[field_name] = Counter()
        self.statuses[field_name][status] += times
        if note:
            self.notes[field_name][note] += times

    @property
    def nik_excel_lost_digit(self) -> int:
        """NIKs read from number cells that lost their 16th digit in Excel: no identity token."""
        return sum(notes.get(EXCEL_LOST_DIGIT, 0) for notes in self.notes.values())

    def add_malformed_row(self, row: int, reason: str) -> None:
        """A row the reader skipped: read, not encoded, listed under field "*"."""
        self.rows_read += 1
        self.rows_skipped += 1
        self.rows_malformed += 1
        self._list(row, "*", reason)

    def add_bad_row(self, row: int, field_name: str, reason: str) -> None:
        """A required field of `row` is missing or invalid (the row may still be encoded)."""
        if row not in self._invalid_rows:
            self._invalid_rows.add(row)
            self.rows_with_invalid_field += 1
        self._list(row, field_name, reason)

    def _list(self, row: int, field_name: str, reason: str) -> None:
        self.bad_rows_total += 1
        if len(self.bad_rows) < MAX_LISTED_ROWS:
            self.bad_rows.append(BadRow(row, field_name, reason))

    def merge(self, other: QualityReport) -> None:
        self.rows_read += other.rows_read
        self.rows_encoded += other.rows_encoded
        self.rows_skipped += other.rows_skipped
        self.rows_malformed += other.rows_malformed
        self.rows_with_invalid_field += other.rows_with_invalid_field
        for name, counts in other.statuses.items():
            self.statuses.setdefault(name, Counter()).update(counts)
        for name, counts in other.notes.items():
            self.notes.setdefault(name, Counter()).update(counts)
        self.nik_birthdate_disagree += other.nik_birthdate_disagree
        self.nik_sex_disagree += other.nik_sex_disagree
        self.placeholder_birthdates += other.placeholder_birthdates
        self.bad_rows_total += other.bad_rows_total
        room = MAX_LISTED_ROWS - len(self.bad_rows)
        self.bad_rows.extend(other.bad_rows[:max(room, 0)])

    def to_dict(self) -> dict:
        return {
            "rows_read": self.rows_read,
            "rows_encoded": self.rows_encoded,
            "rows_skipped": self.rows_skipped,
            "rows_malformed": self.rows_malformed,
            "rows_with_invalid_field": self.rows_with_invalid_field,
            "fields": {
                name: {"statuses": dict(sorted(self.statuses[name].items())),
                       "notes": dict(sorted(self.notes.get(name, Counter()).items()))}
                for name in sorted(self.statuses)
            },
            "nik_excel_lost_digit": self.nik_excel_lost_digit,
            "nik_birthdate_disagree": self.nik_birthdate_disagree,
            "nik_sex_disagree": self.nik_sex_disagree,
            "placeholder_birthdates": self.placeholder_birthdates,
            "bad_rows_total": self.bad_rows_total,
            "bad_rows": [{"row": b.row, "field": b.field, "reason": b.reason}
                         for b in sorted(self.bad_rows, key=lambda b: b.row)],
            "bad_rows_listed": min(self.bad_rows_total, MAX_LISTED_ROWS),
        }
