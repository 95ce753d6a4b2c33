"""Registers and programmes, and the three questions agencies ask of a run.

A party of a run is either a programme (a list of recipients: DTKS, KJP, KIS ...), optionally of
a programme kind ("bansos", "kesehatan", "pendidikan" ...), or a register of one of
REGISTER_KINDS: "deaths" (Dukcapil's deaths), "population" (Dukcapil's population register) or
"eligibility" (Regsosek/DTSEN). Roles are run parameters (LinkParameters.registers and
.programme_kinds, "NAME=KIND" each), so `padan link` and the service declare them the same way.
Programmes without a declared kind are all of one kind, DEFAULT_KIND.

The three questions, answered from the run's cross-list groups (counts of people and records,
suppressed like every other count of the report):
- double recipients: groups holding records of two or more programmes of one kind;
- the dead still paid: programme records whose group holds a death-register record;
- eligible but missing: records of a population or eligibility register whose group holds no
  programme record, and no death-register record (the dead are not missing). Records in no group
  count too.
Each counts the match band ("match") and the possible band ("possible") apart, by the group's
band. `by_stratum` splits the match band by the records' province (of the NIK, where the schema
carries a stratum), and `by_regency` by their regency where the schema's stratum is "regency"
(padan.linker.stratum_cells, which also holds the small-cell rule of these splits): the double
recipient's first programme record, the programme record, the register record.

A programme receives, for each of its records in a group with a register record, one row
"register" naming the register's kind (party_results), never the register's name, pseudo-ids or
anything else of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from padan.i18n import N_, _
from padan.linker.errors import ParameterError
from padan.linker.results import MATCH, POSSIBLE, GroupTable
from padan.linker.stratum_cells import breakdown, stratum_level, suppress_cells

REGISTER_KINDS = ("deaths", "population", "eligibility")
DEFAULT_KIND = "programme"      # the kind of a programme declared without one
DEATHS = "deaths"
# how each register kind is written for people (the revealed file, the CLI, the dashboard)
REGISTER_NAMES = {"deaths": N_("death register"), "population": N_("population register"),
                  "eligibility": N_("eligibility register")}
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_KIND = re.compile(r"[a-z][a-z0-9_-]{0,31}")


def parse_roles(entries: Iterable[str], *, parameter: str,
                kinds: Sequence[str] | None = None) -> tuple[str, ...]:
    """Check "NAME=KIND" entries (kinds: the allowed kinds, None: any lower-case word) and return
    them normalised ("NAME=kind", in the order given); ParameterError names the parameter."""
    if isinstance(entries, str):
        raise ParameterError(_("a list of NAME=KIND, not one text"), parameter=parameter)
    seen: dict[str, str] = {}
    for entry in entries:
        name, sep, kind = str(entry).partition("=")
        name, kind = name.strip(), kind.strip().lower()
        if not sep or not _NAME.fullmatch(name):
            raise ParameterError(_("each entry is NAME=KIND with a party's name, e.g. "
                                   "{example}").format(example="KEMATIAN=deaths"),
                                 parameter=parameter)
        if kinds is not None and kind not in kinds:
            raise ParameterError(_("unknown kind; choose from {choices}").format(
                choices=", ".join(kinds)), parameter=parameter)
        if kinds is None and not _KIND.fullmatch(kind):
            raise ParameterError(_("a kind is 1-32 lower-case letters, digits, '_' or '-', "
                                   "starting with a letter"), parameter=parameter)
        if name in seen:
            raise ParameterError(_("party '{party}' is named twice").format(party=name),
                                 parameter=parameter)
        seen[name] = kind
    return tuple(f"{name}={kind}" for name, kind in seen.items())


def _pairs(entries: Iterable[str]) -> dict[str, str]:
    return dict(entry.split("=", 1) for entry in entries)


@dataclass(frozen=True, slots=True)
class Roles:
    """Who is a register of which kind, and the kind of every other party (a programme)."""

    registers: dict[str, str]          # party -> register kind
    programme_kinds: dict[str, str]    # party -> programme kind (declared ones only)

    @classmethod
    def from_parameters(cls, params) -> Roles:
        """From LinkParameters (its registers and programme_kinds)."""
        return cls(_pairs(params.registers), _pairs(params.programme_kinds))

    @property
    def declared(self) -> bool:
        return bool(self.registers or self.programme_kinds)

    def kind_of(self, party: str) -> str | None:
        """The programme kind of `party`; None for a register."""
        if party in self.registers:
            return None
        return self.programme_kinds.get(party, DEFAULT_KIND)

    def check(self, parties: Sequence[str]) -> None:
        """Refuse roles of parties the run does not have, or a party both kinds."""
        for what, names in (("registers", self.registers), ("programme_kinds",
                                                            self.programme_kinds)):
            unknown = sorted(set(names) - set(parties))
            if unknown:
                raise ParameterError(_("'{party}' is not a party of this run (parties: "
                                       "{parties})").format(party=unknown[0],
                                                            parties=", ".join(parties)),
                                     parameter=what)
        both = sorted(set(self.registers) & set(self.programme_kinds))
        if both:
            raise ParameterError(_("'{party}' is declared a register and a programme").format(
                party=both[0]), parameter="programme_kinds")

    def for_run(self, parties: Sequence[str]) -> Roles:
        """The roles of the parties present (a service run may lack a party not yet uploaded)."""
        return Roles({p: k for p, k in self.registers.items() if p in parties},
                     {p: k for p, k in self.programme_kinds.items() if p in parties})

    def to_dict(self, parties: Sequence[str]) -> dict[str, dict[str, str]]:
        """Every party's role, for the report: {"register": kind} or {"programme": kind}."""
        return {p: ({"register": self.registers[p]} if p in self.registers
                    else {"programme": self.kind_of(p)}) for p in parties}


def answer_questions(parties: Sequence[str], roles: Roles, groups: GroupTable,
                     pseudo_ids: Sequence[np.ndarray], strata: Sequence[np.ndarray] | None,
                     level: str | None = "province", *, mixed: bool = False) -> dict:
    """The three answers of a run (module docstring), as the report's `questions`.

    parties: the run's party names (party index i of `groups`); pseudo_ids[i] and strata[i]: the
    pseudo-id (uint64) and stratum of each record of party i (strata None: no stratum), codes of
    `level` ("province" or "regency"); mixed: the parties' strata differed (stratum_level), said
    in the answers as `stratum_mixed`.
    """
    level = None if strata is None else level
    roles = roles.for_run(parties)
    n = len(parties)
    register_kind = [roles.registers.get(p) for p in parties]
    programme = np.array([k is None for k in register_kind], bool)
    deaths = np.array([k == DEATHS for k in register_kind], bool)
    party = groups.party.astype(np.int64)
    group = groups.group_id
    count = groups.groups
    band = np.zeros(count, np.uint8)
    band[group] = groups.band
    stratum = None if strata is None else _row_strata(groups, pseudo_ids, strata)

    def has(mask: np.ndarray) -> np.ndarray:
        present = np.zeros(count, bool)
        present[group[mask[party]]] = True
        return present

    with_programme, with_dead = has(programme), has(deaths)
    kinds: dict[str, list[int]] = {}
    for index, name in enumerate(parties):
        if programme[index]:
            kinds.setdefault(roles.kind_of(name), []).append(index)

    double = []
    for kind, members in sorted(kinds.items()):
        if len(members) < 2:
            continue
        in_kind = np.zeros(n, bool)
        in_kind[members] = True
        rows = np.flatnonzero(in_kind[party])
        per_group = np.zeros(count, np.int64)
        # rows are sorted by group then party: one row per (group, party) is enough
        first = np.r_[True, (group[rows][1:] != group[rows][:-1])
                      | (party[rows][1:] != party[rows][:-1])] if len(rows) else rows.astype(bool)
        np.add.at(per_group, group[rows[first]], 1)
        several = per_group >= 2
        starts = rows[np.r_[True, group[rows][1:] != group[rows][:-1]]] if len(rows) else rows
        found = starts[several[group[starts]]]
        double.append({"kind": kind, "programmes": [parties[i] for i in members],
                       **_bands(band[group[found]]),
                       **breakdown(_match_counts(stratum, found, band[group[found]]), level)})

    dead = []
    if deaths.any():
        for index, name in enumerate(parties):
            if not programme[index]:
                continue
            rows = np.flatnonzero((party == index) & with_dead[group])
            dead.append({"programme": name, **_bands(band[group[rows]]),
                         **breakdown(_match_counts(stratum, rows, band[group[rows]]), level)})

    missing = []
    for index, name in enumerate(parties):
        if register_kind[index] not in ("population", "eligibility"):
            continue
        missing.append(_missing(index, name, register_kind[index], party, group, band,
                                with_programme, with_dead, pseudo_ids, strata, stratum, level))
    return {"roles": roles.to_dict(parties), "stratum": level, "stratum_mixed": mixed,
            "double_recipients": double, "dead_still_paid": dead, "eligible_missing": missing}


def _missing(index: int, name: str, kind: str, party, group, band, with_programme, with_dead,
             pseudo_ids, strata, stratum, level) -> dict:
    """A register's records on no programme: the group holds none (match band; possible: the
    only programme record is in a possible-band group), and is not of the dead."""
    mine = np.flatnonzero(party == index)
    dead = with_dead[group[mine]]
    linked = with_programme[group[mine]] & ~dead
    unsure = linked & (band[group[mine]] == POSSIBLE)
    total = len(pseudo_ids[index])
    # records in no group are missing too; in a group without a programme (nor the dead) as well
    missing = total - int(np.sum(linked)) - int(np.sum(dead))
    row = {"register": name, "kind": kind, "match": missing, "possible": int(np.sum(unsure)),
           "by_stratum": None}
    if strata is not None:
        codes = np.asarray(strata[index], np.int64)
        all_codes, all_counts = np.unique(codes, return_counts=True)
        taken = stratum[mine[linked | dead]]
        less = dict(zip(*np.unique(taken, return_counts=True), strict=True))
        row.update(breakdown({int(code): int(c - less.get(code, 0)) for code, c in zip(
            all_codes.tolist(), all_counts.tolist(), strict=True)}, level))
    return row


def _bands(bands: np.ndarray) -> dict[str, int]:
    return {"match": int(np.sum(bands == MATCH)), "possible": int(np.sum(bands == POSSIBLE))}


def _match_counts(stratum: np.ndarray | None, rows: np.ndarray, bands: np.ndarray
                  ) -> dict[int, int]:
    """The match-band rows counted per stratum code ({} without a stratum)."""
    if stratum is None:
        return {}
    codes, counts = np.unique(stratum[rows[bands == MATCH]], return_counts=True)
    return dict(zip(codes.tolist(), counts.tolist(), strict=True))


def _row_strata(groups: GroupTable, pseudo_ids: Sequence[np.ndarray],
                strata: Sequence[np.ndarray]) -> np.ndarray:
    """The stratum of each row of `groups`, looked up by (party, pseudo-id)."""
    out = np.zeros(len(groups), np.int64)
    for index, (ids, codes) in enumerate(zip(pseudo_ids, strata, strict=True)):
        rows = np.flatnonzero(groups.party == index)
        if not len(rows):
            continue
        # a contiguous copy: the ids are a field of the memory-mapped records, and a binary
        # search over them touched a page per step (0.5 s -> 0.2 s at 1 M + 500,000 records)
        ids = np.ascontiguousarray(ids, np.uint64)
        order = np.argsort(ids, kind="stable")
        at = order[np.searchsorted(ids[order], groups.pseudo_id[rows])]
        out[rows] = np.asarray(codes, np.int64)[at]
    return out


def suppress_questions(questions: dict | None, hide, k: int) -> dict | None:
    """The answers with every count passed through `hide` (the report's small-cell rule, counts
    from 1 to k-1 hidden), and their breakdowns by stratum protected against differencing
    (padan.linker.stratum_cells.suppress_cells)."""
    if not questions:
        return questions

    def rows(items: list[dict]) -> list[dict]:
        return [{**suppress_cells(item, k), "match": hide(item["match"]),
                 "possible": hide(item["possible"])} for item in items]

    return {**questions, **{key: rows(questions.get(key, [])) for key in (
        "double_recipients", "dead_still_paid", "eligible_missing")}}


def register_name(kind: str) -> str:
    """'death register' (in the current language) for "deaths"; the kind itself if unknown."""
    return _(REGISTER_NAMES[kind]) if kind in REGISTER_NAMES else kind


def questions_for(parties: Sequence, params, groups: GroupTable) -> dict:
    """answer_questions for the engine's parties (name, encodings) and LinkParameters. Parties
    of mixed strata (province and regency) are broken down by province."""
    level, mixed = stratum_level(party.encodings.header.stratum for party in parties)
    strata = None
    if level is not None:
        strata = [np.asarray(party.encodings.record_field("stratum"), np.int64)
                  // (100 if party.encodings.header.stratum == "regency" and level == "province"
                      else 1) for party in parties]
    return answer_questions([party.name for party in parties], Roles.from_parameters(params),
                            groups, [party.encodings.records["pseudo_id"] for party in parties],
                            strata, level, mixed=mixed)
