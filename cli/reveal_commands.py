"""`padan reveal`: an agency's downloaded results joined back to its own rows, on its own machine.

Three files of the agency meet here and nowhere else, joined on the pseudo-id:
  RESULTS  its results from `padan results` or `padan link` (pseudo_id,kind,group_id,other_party,
           band: links to other lists and its own duplicate groups; files of earlier versions,
           pseudo_id,group_id,other_party,band with decimal pseudo-ids, are read too)
  ID MAP   NAME.idmap.csv from `padan encode` (row,pseudo_id)
  LIST     the list it encoded (CSV, XLSX or Parquet), read by the encoder's own readers so that
           row numbers are the same ones the id map holds
Pseudo-ids are 'p' and 16 hex digits in both files (padan.encoder.pseudo_ids). The revealed file
keeps the list's columns and adds padan_row, padan_group, padan_band, padan_also_in (the other
agencies, comma-separated), padan_duplicate_rows (the other rows of this list that are the same
person), padan_duplicate_band, padan_registers (the registers the record is in, by kind: "death
register", ...; "(possible)" in the possible band) and padan_in_death_register ("yes",
"possible" or empty). It holds personal data: mode
0600. Messages name files, lines and columns, never a value. The added columns' names and bands
are written in the CLI's language (padan_baris, padan_kelompok, padan_kategori = padan /
mungkin padan, … in Bahasa Indonesia).
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Column, Table

from padan.cli.failures import bad_input_errors, err_console, reports_errors
from padan.cli.tables import JSON_HELP, print_json, readable
from padan.encoder.pseudo_ids import parse_pseudo_id
from padan.i18n import N_, _, number
from padan.linker.party_results import KINDS, LEGACY_COLUMNS, RESULT_COLUMNS
from padan.linker.registers import DEATHS, register_name
from padan.linker.results import BANDS

ID_MAP_COLUMNS = ("row", "pseudo_id")
# English names (message ids); the file gets them in the CLI's language (added_columns()).
ADDED_COLUMNS = (N_("padan_row"), N_("padan_group"), N_("padan_band"), N_("padan_also_in"),
                 N_("padan_duplicate_rows"), N_("padan_duplicate_band"), N_("padan_registers"),
                 N_("padan_in_death_register"))
out = Console(highlight=False, soft_wrap=True)


class RevealError(Exception):
    """A results file, id map or list is malformed or does not belong with the others."""

    def __init__(self, reason: str, *, path: Path | str, line: int | None = None):
        super().__init__(reason)
        self.reason, self.path, self.line = reason, str(path), line

    def __str__(self) -> str:
        if self.line is None:
            return _("{path}: {reason}").format(path=self.path, reason=self.reason)
        return _("{path}, line {line}: {reason}").format(path=self.path, line=self.line,
                                                          reason=self.reason)


bad_input_errors(RevealError)


@dataclass(frozen=True, slots=True)
class RecordMatch:
    """How one of the agency's own records was found on other agencies' lists."""

    group_id: int
    band: str
    others: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RecordDuplicate:
    """One of the agency's own records in a group of its records that are one person."""

    group_id: int
    band: str


@dataclass(frozen=True, slots=True)
class AgencyResults:
    """A results file, by pseudo-id: links to other lists, the agency's duplicate groups, and
    the kinds of the registers each record is in (padan.linker.registers)."""

    links: dict[int, RecordMatch]
    duplicates: dict[int, RecordDuplicate]
    registers: dict[int, dict[str, str]] = field(default_factory=dict)  # kind -> band


@dataclass(frozen=True, slots=True)
class RevealSummary:
    output: Path
    records: int                            # records read from the list
    matched: int                            # of them, found on another list
    by_agency: dict[str, dict[str, int]] = field(default_factory=dict)  # other -> band -> n
    matches: dict[int, RecordMatch] = field(default_factory=dict, repr=False)  # row -> match
    duplicates: dict[int, RecordDuplicate] = field(default_factory=dict, repr=False)  # row ->
    registers: dict[int, dict[str, str]] = field(default_factory=dict, repr=False)  # row ->
    by_register: dict[str, dict[str, int]] = field(default_factory=dict)  # kind -> band -> n

    @property
    def duplicate_groups(self) -> int:
        return len({d.group_id for d in self.duplicates.values()})


# -- reading ----------------------------------------------------------------------------------

def _csv_rows(path: Path, expected: tuple[str, ...], what: str, *,
              also: tuple[str, ...] | None = None) -> Iterator[tuple[int, list]]:
    """(line number, cells) of a small CSV with exactly the `expected` header (or `also`, an
    earlier version's: then the first item yielded is (1, that header))."""
    try:
        handle = open(path, encoding="utf-8", newline="")  # noqa: SIM115 - closed below
    except FileNotFoundError:
        raise RevealError(_("{what} not found").format(what=what), path=path) from None
    except OSError as exc:
        raise RevealError(_("cannot read the {what}: {reason}").format(
            what=what, reason=exc.strerror), path=path) from None
    with handle:
        reader = csv.reader(handle)
        try:
            header = next(reader, None)
            names = tuple(c.strip() for c in header or [])
            if header is None or (names != expected and names != also):
                found = ", ".join(header or []) or _("nothing")
                raise RevealError(_("not a {what}: expected the columns {expected}, found "
                                    "{found}").format(what=what, expected=",".join(expected),
                                                      found=found[:200]), path=path, line=1)
            if names == also:
                yield 1, list(names)
            for cells in reader:
                if cells:
                    yield reader.line_num, cells
        except UnicodeDecodeError:
            raise RevealError(_("not a {what}: the file is not UTF-8 text").format(what=what),
                              path=path) from None
        except csv.Error as exc:
            raise RevealError(_("not a {what}: {reason}").format(what=what, reason=exc),
                              path=path, line=reader.line_num) from None


def read_results(path: Path) -> AgencyResults:
    """Links and duplicate groups by pseudo-id, from a results CSV (of any version)."""
    links: dict[int, tuple[int, str, list[str]]] = {}
    duplicates: dict[int, RecordDuplicate] = {}
    registers: dict[int, dict[str, str]] = {}
    columns, legacy = RESULT_COLUMNS, False
    for line, cells in _csv_rows(path, RESULT_COLUMNS, _("padan results file"),
                                 also=LEGACY_COLUMNS):
        if line == 1:
            columns, legacy = LEGACY_COLUMNS, True  # links only, decimal pseudo-ids
            continue
        if len(cells) != len(columns):
            raise RevealError(_("expected {expected} columns, found {found}").format(
                expected=len(columns), found=len(cells)), path=path, line=line)
        values = dict(zip(columns, (c.strip() for c in cells), strict=True))
        kind = values.get("kind", "link")
        try:
            pseudo = parse_pseudo_id(values["pseudo_id"], legacy="decimal" if legacy else None)
        except ValueError:
            raise RevealError(_("column pseudo_id: not a pseudo-id ('p' and 16 hex digits, as "
                                "padan link and padan results write it)"), path=path,
                              line=line) from None
        if kind not in KINDS:
            raise RevealError(_("column {column}: must be {allowed}").format(
                column="kind", allowed=" | ".join(KINDS)), path=path, line=line)
        if not values["group_id"].isdigit():
            raise RevealError(_("column group_id: not a whole number"), path=path, line=line)
        band, other, group = values["band"], values["other_party"], int(values["group_id"])
        if band not in BANDS:
            raise RevealError(_("column {column}: must be {allowed}").format(
                column="band", allowed=" | ".join(BANDS)), path=path, line=line)
        if kind == "duplicate":
            if duplicates.setdefault(pseudo, RecordDuplicate(group, band)) != \
                    RecordDuplicate(group, band):
                raise RevealError(_("a pseudo-id appears in two duplicate groups; the file is "
                                    "not one run's results"), path=path, line=line)
            continue
        if not other:
            raise RevealError(_("column other_party: empty"), path=path, line=line)
        if kind == "register":
            if registers.setdefault(pseudo, {}).setdefault(other, band) != band:
                raise RevealError(_("a pseudo-id is in one register in two bands; the file is "
                                    "not one run's results"), path=path, line=line)
            continue
        seen = links.setdefault(pseudo, (group, band, []))
        if seen[0] != group or seen[1] != band:
            raise RevealError(_("a pseudo-id appears in two groups or bands; the file is not "
                                "one run's results"), path=path, line=line)
        seen[2].append(other)
    return AgencyResults({pseudo: RecordMatch(group, band, tuple(sorted(set(others))))
                          for pseudo, (group, band, others) in links.items()}, duplicates,
                         {pseudo: dict(sorted(kinds.items()))
                          for pseudo, kinds in registers.items()})


def read_id_map(path: Path) -> dict[int, int]:
    """pseudo-id -> row number, from NAME.idmap.csv."""
    rows: dict[int, int] = {}
    for line, cells in _csv_rows(path, ID_MAP_COLUMNS, _("padan id map (NAME.idmap.csv)")):
        try:
            if len(cells) != 2 or not cells[0].isdigit():
                raise ValueError
            pseudo = parse_pseudo_id(cells[1], legacy="hex")  # 16 hex digits before 'p'
        except ValueError:
            raise RevealError(_("expected a row number and a pseudo-id ('p' and 16 hex "
                                "digits)"), path=path, line=line) from None
        if rows.setdefault(pseudo, int(cells[0])) != int(cells[0]):
            raise RevealError(_("a pseudo-id appears twice"), path=path, line=line)
    return rows


def join_results(results: AgencyResults, id_map: dict[int, int], *, results_path: Path,
                 id_map_path: Path) -> tuple[dict[int, RecordMatch], dict[int, RecordDuplicate],
                                             dict[int, dict[str, str]]]:
    """(row -> link, row -> duplicate group, row -> register kinds); refuses results whose
    pseudo-ids the id map does not hold."""
    given = results.links.keys() | results.duplicates.keys() | results.registers.keys()
    unknown = [pseudo for pseudo in given if pseudo not in id_map]
    if unknown:
        raise RevealError(
            _("{unknown} of {given} pseudo-ids in the results are not in the id map {id_map}: "
              "these results belong to another agency or to another encoding of the list; use "
              "the id map written by the `padan encode` whose file was uploaded").format(
                unknown=number(len(unknown)), given=number(len(given)), id_map=id_map_path),
            path=results_path)
    return ({id_map[pseudo]: match for pseudo, match in results.links.items()},
            {id_map[pseudo]: dup for pseudo, dup in results.duplicates.items()},
            {id_map[pseudo]: kinds for pseudo, kinds in results.registers.items()})


def default_id_map(list_path: Path) -> Path:
    """Where `padan encode LIST` put the id map (its default output is LIST with .padan)."""
    return list_path.with_name(list_path.with_suffix("").name + ".idmap.csv")


# -- writing ----------------------------------------------------------------------------------

def _cell(value: object) -> object:
    return "" if value is None else value


def _records(list_path: Path, sheet: str | None = None
             ) -> tuple[list[str], Iterator[tuple[int, list[object]]], list[int]]:
    """The list's column names, (row, values) of every record, read as `padan encode` does, and
    a one-item list counting the rows the reader skipped as malformed (filled while reading)."""
    from padan.encoder.readers import open_list

    source = open_list(list_path, sheet=sheet)  # a workbook is parsed once
    columns = source.columns
    batches = source.batches({name: name for name in columns})
    skipped = [0]

    def records() -> Iterator[tuple[int, list[object]]]:
        for batch in batches:
            skipped[0] += len(batch.bad_rows)  # encode counted them as rows read too
            values = [batch.columns[name] for name in columns]
            for index, row in enumerate(batch.rows.tolist()):
                yield row, [column[index] for column in values]

    return columns, records(), skipped


def _private(path: Path, binary: bool = False):
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # an older file keeps its mode on O_TRUNC
    return os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")


def _check_record_count(list_path: Path, id_map_path: Path, records: int) -> None:
    """Compare with the encoder's quality report beside the id map, when there is one."""
    quality = id_map_path.with_name(id_map_path.name.removesuffix(".idmap.csv")
                                    + ".quality.json")
    try:
        rows_read = int(json.loads(quality.read_text(encoding="utf-8"))["rows_read"])
    except (OSError, ValueError, KeyError, TypeError):
        return
    if rows_read != records:
        raise RevealError(_("the list has {records} records but the encoded list had {encoded} "
                            "({quality}): is this the file that was encoded?").format(
                                records=number(records), encoded=number(rows_read),
                                quality=quality.name), path=list_path)


def reveal_file(results_path: Path, list_path: Path, output: Path, *,
                id_map_path: Path | None = None, include_unmatched: bool = False,
                sheet: str | None = None, changes_path: Path | None = None) -> RevealSummary:
    """Join results to the list's rows and write CSV or XLSX (by output's suffix); with
    changes_path (NAME.changes.csv of `padan link --state`), a padan_status column too."""
    suffix = output.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise RevealError(_("the output must end in .csv or .xlsx"), path=output)
    if output.resolve() in (list_path.resolve(), results_path.resolve()):
        raise RevealError(_("the output must not overwrite an input"), path=output)
    id_map_path = id_map_path or default_id_map(list_path)
    id_rows = read_id_map(id_map_path)
    matches, duplicates, registers = join_results(
        read_results(results_path), id_rows, results_path=results_path,
        id_map_path=id_map_path)
    same_person: dict[int, list[int]] = {}
    for row, dup in sorted(duplicates.items()):
        same_person.setdefault(dup.group_id, []).append(row)
    statuses = (read_changes(changes_path, id_rows, id_map_path)
                if changes_path is not None else None)
    columns, records, skipped = _records(list_path, sheet)
    header = [*columns, *added_columns(), *([_(STATUS_COLUMN)] if statuses is not None else [])]
    band_name = {band: _(band) for band in BANDS}
    pending, count = matches.keys() | duplicates.keys() | registers.keys(), 0
    yes = _("yes")

    def rows() -> Iterator[list[object]]:
        nonlocal count
        for row, values in records:
            count += 1
            match, dup, kinds = matches.get(row), duplicates.get(row), registers.get(row, {})
            status = statuses.get(row) if statuses is not None else None
            if (match is None and dup is None and not kinds and status is None
                    and not include_unmatched):
                continue
            pending.discard(row)
            link_cells = (["", "", ""] if match is None else
                          [match.group_id, band_name[match.band], ", ".join(match.others)])
            dup_cells = (["", ""] if dup is None else
                         [", ".join(str(r) for r in same_person[dup.group_id] if r != row),
                          band_name[dup.band]])
            register_cells = [", ".join(register_name(kind) if band == "match" else
                                        f"{register_name(kind)} ({band_name[band]})"
                                        for kind, band in kinds.items()),
                              "" if DEATHS not in kinds else
                              yes if kinds[DEATHS] == "match" else band_name[kinds[DEATHS]]]
            yield [*map(_cell, values), row, *link_cells, *dup_cells, *register_cells,
                   *([status or ""] if statuses is not None else [])]

    if suffix == ".csv":
        with _private(output) as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows())
    else:
        _write_xlsx(output, header, rows())
    if pending:
        output.unlink(missing_ok=True)
        raise RevealError(_("{count} matched rows (first: row {first}) are not records of this "
                            "list: is it the file that was encoded with {id_map}?").format(
                                count=number(len(pending)), first=min(pending),
                                id_map=id_map_path.name), path=list_path)
    _check_record_count(list_path, id_map_path, count + skipped[0])
    by_agency: dict[str, dict[str, int]] = {}
    for match in matches.values():
        for other in match.others:
            bands = by_agency.setdefault(other, dict.fromkeys(BANDS, 0))
            bands[match.band] += 1
    by_register: dict[str, dict[str, int]] = {}
    for kinds in registers.values():
        for kind, band in kinds.items():
            by_register.setdefault(kind, dict.fromkeys(BANDS, 0))[band] += 1
    return RevealSummary(output, count, len(matches), dict(sorted(by_agency.items())), matches,
                         duplicates, registers, dict(sorted(by_register.items())))


STATUS_COLUMN = N_("padan_status")
CHANGE_COLUMNS = ("pseudo_id", "other_party", "group_id", "band", "status")


def read_changes(path: Path, id_rows: dict[int, int], id_map_path: Path) -> dict[int, str]:
    """row -> "KJP: new, KIS: gone", from NAME.changes.csv (`padan link --state`); a gone link
    of a record the list no longer holds has no row and is left out."""
    found: dict[int, list[str]] = {}
    for line, cells in _csv_rows(path, CHANGE_COLUMNS, _("padan changes file "
                                                         "(NAME.changes.csv)")):
        if len(cells) != len(CHANGE_COLUMNS):
            raise RevealError(_("expected {count} cells").format(count=len(CHANGE_COLUMNS)),
                              path=path, line=line)
        try:
            row = id_rows.get(parse_pseudo_id(cells[0]))
        except ValueError:
            row = None
        if row is None and cells[4] == "gone":
            continue    # a record this version of the list no longer holds
        if row is None:
            raise RevealError(_("a pseudo-id that is not in the id map {id_map}").format(
                id_map=id_map_path.name), path=path, line=line)
        status = _(cells[4])
        found.setdefault(row, []).append(f"{cells[1]}: {status}")
    return {row: ", ".join(parts) for row, parts in found.items()}


def added_columns() -> list[str]:
    """The names of the columns padan adds, in the current language."""
    return [_(name) for name in ADDED_COLUMNS]


def _write_xlsx(output: Path, header: list[str], rows: Iterator[list[object]]) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("padan")
    sheet.append(header)
    for values in rows:
        # text stays text: a NIK must not become a 15-digit float
        sheet.append(values)
    with _private(output, binary=True) as handle:
        workbook.save(handle)


# -- command ----------------------------------------------------------------------------------

def register(app: typer.Typer) -> None:
    app.command("reveal")(reveal)


@reports_errors
def reveal(
    results: Annotated[Path, typer.Argument(help="Your results: from `padan results --output` "
                                                 "or `padan link`.")],
    list_path: Annotated[Path, typer.Argument(metavar="LIST", help="Your list, the file you "
                                                                   "encoded.")],
    id_map: Annotated[Path | None, typer.Option(
        "--id-map", help="NAME.idmap.csv from `padan encode` (default: beside LIST).")] = None,
    output: Annotated[Path | None, typer.Option(
        "--out", "-o", help="CSV or XLSX to write (default: LIST's name + .revealed.csv).")
    ] = None,
    include_unmatched: Annotated[bool, typer.Option(
        "--all", help="Also write records found on no other list.")] = False,
    sheet: Annotated[str | None, typer.Option(
        "--sheet", help="The sheet of an XLSX list that was encoded (as given to padan encode)."
    )] = None,
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
    changes: Annotated[Path | None, typer.Option(
        "--changes", help="NAME.changes.csv from `padan link --state`: adds padan_status, "
                          "each link new, unchanged, changed or gone since the last run.")
    ] = None,
) -> None:
    """Join your results back to your own rows, locally; writes CSV or XLSX (mode 0600).

    The join is on the pseudo_id column: each pseudo-id of RESULTS ('p' and 16 hex digits) is
    looked up in the id map that `padan encode` wrote (NAME.idmap.csv: row,pseudo_id), which
    gives its row of LIST. The file keeps your list's columns and adds padan_row (the
    spreadsheet row), padan_group, padan_band (match or possible), padan_also_in (the other
    agencies), padan_duplicate_rows (the other rows of your own list that are the same person),
    padan_duplicate_band, padan_registers (the registers the record is in, e.g. the death
    register) and padan_in_death_register. Nothing leaves this machine.

    Example: padan reveal dtks-matches.csv DTKS.xlsx --out dtks-revealed.xlsx
    """
    output = output or list_path.with_name(list_path.with_suffix("").name + ".revealed.csv")
    summary = reveal_file(results, list_path, output, id_map_path=id_map,
                          include_unmatched=include_unmatched, sheet=sheet,
                          changes_path=changes)
    if as_json:
        print_json(summary_counts(summary))
        return
    print_summary(summary, out)
    err_console.print(_("wrote {path} (mode 0600: it holds personal data)").format(
        path=summary.output))


def summary_counts(summary: RevealSummary) -> dict:
    """What print_summary shows, for --json: counts and the file written, no row."""
    return {"output": summary.output, "records": summary.records, "matched": summary.matched,
            "by_agency": summary.by_agency, "duplicate_records": len(summary.duplicates),
            "duplicate_groups": summary.duplicate_groups, "registers": summary.by_register}


def print_summary(summary: RevealSummary, console: Console, title: str | None = None) -> None:
    table = Table(_("also on the list of"),
                  *(Column(_(band), justify="right") for band in BANDS),
                  title=title or _("{matched} of {records} records found on another "
                                   "list").format(matched=number(summary.matched),
                                                  records=number(summary.records)))
    for other, bands in summary.by_agency.items():
        table.add_row(other, *(number(bands[band]) for band in BANDS))
    table.caption = _("{records} records are in {groups} groups of the same person within this "
                      "list ({column})").format(records=number(len(summary.duplicates)),
                                                groups=number(summary.duplicate_groups),
                                                column=_("padan_duplicate_rows"))
    console.print(readable(table))
    for kind, bands in summary.by_register.items():
        console.print(_("{records} records are also in the {register}, {possible} more possibly "
                        "({column})").format(records=number(bands["match"]),
                                             possible=number(bands["possible"]),
                                             register=register_name(kind),
                                             column=_("padan_registers")))
