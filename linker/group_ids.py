"""Stable group ids: a person keeps their group id from run to run.

A run's groups are numbered 0, 1, ... afresh (padan.linker.results.GroupTable). Across runs the
ids follow these rules, applied in this order:

1. Ids are whole numbers from 1 up, handed out in order and never reused: a smaller id is an
   older one.
2. Each member of a group (an agency's record, by its pseudo-id) remembers the run it joined
   the group it is in (`since`).
3. A previous group's id goes to the new group holding its earliest member that is still
   grouped (the smallest `since`, then the agency's name, then the pseudo-id).
4. A new group that receives several previous ids keeps the oldest (the smallest) and the others
   are recorded as merged into it; a group that receives none gets a new id, recorded as split
   from the previous group of its earliest member if it had one.
5. A previous id that no new group receives has ended (all its members left or were ungrouped).

The lineage (merged, split, ended) is kept with the run number. Agencies then see, per link of
one of their records to another agency: "new" (no such link in the previous run), "unchanged"
(the same group id and band), "changed" (another group id or band), and "gone" (a link of the
previous run that this run no longer has).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from padan.i18n import N_
from padan.linker.results import BANDS, GroupTable

STATUSES = (N_("new"), N_("unchanged"), N_("changed"), N_("gone"))


@dataclass
class StableGroups:
    """The members of every group of the last run, under their stable ids."""

    parties: tuple[str, ...]     # names the `party` column indexes
    party: np.ndarray            # int16
    pseudo_id: np.ndarray        # uint64
    group: np.ndarray            # int64 stable id
    band: np.ndarray             # uint8 BANDS code
    since: np.ndarray            # int32 run the member joined its group
    run: int = 0                 # runs so far
    next_id: int = 1
    lineage: list[dict] = field(default_factory=list)

    @classmethod
    def empty(cls) -> StableGroups:
        return cls((), np.zeros(0, np.int16), np.zeros(0, np.uint64), np.zeros(0, np.int64),
                   np.zeros(0, np.uint8), np.zeros(0, np.int32))

    def without(self, party: str, pseudo_ids: np.ndarray | None = None) -> StableGroups:
        """These groups less an agency's records (all of them where pseudo_ids is None)."""
        if party not in self.parties:
            return self
        drop = self.party == self.parties.index(party)
        if pseudo_ids is not None:
            drop &= np.isin(self.pseudo_id, pseudo_ids)
        keep = ~drop
        return StableGroups(self.parties, self.party[keep], self.pseudo_id[keep],
                            self.group[keep], self.band[keep], self.since[keep], self.run,
                            self.next_id, self.lineage)


def assign(previous: StableGroups | None, parties: tuple[str, ...], groups: GroupTable
           ) -> tuple[np.ndarray, StableGroups, list[dict]]:
    """Stable ids for a run's groups: (stable id per run group number, the new members table,
    this run's lineage events); see the module docstring for the rules."""
    previous = previous if previous is not None else StableGroups.empty()
    run = previous.run + 1
    count = groups.groups
    before, since_before = _previous_of(previous, parties, groups)
    rank = np.argsort(np.argsort(np.array(parties, dtype=object)))  # party name order
    has = np.flatnonzero(before >= 0)
    order = has[np.lexsort((groups.pseudo_id[has], rank[groups.party[has]],
                            since_before[has], before[has]))]
    first = order[np.r_[True, before[order][1:] != before[order][:-1]]] if len(order) else order
    old_ids = before[first]                   # each previous id once
    heir = groups.group_id[first]             # the run group that receives it
    stable = np.full(count, np.iinfo(np.int64).max, np.int64)
    np.minimum.at(stable, heir, old_ids)
    fresh = np.flatnonzero(stable == np.iinfo(np.int64).max)
    stable[fresh] = np.arange(previous.next_id, previous.next_id + len(fresh))
    events = [{"run": run, "event": "merged", "group": int(old), "into": int(stable[g])}
              for old, g in zip(old_ids.tolist(), heir.tolist(), strict=True)
              if stable[g] != old]
    earliest = _earliest_previous(groups, before, since_before, rank, count)
    events += [{"run": run, "event": "split", "group": int(stable[g]), "from": int(earliest[g])}
               for g in fresh.tolist() if earliest[g] >= 0]
    ended = np.setdiff1d(np.unique(previous.group), old_ids)
    events += [{"run": run, "event": "ended", "group": int(g)} for g in ended.tolist()]
    member_group = stable[groups.group_id]
    since = np.where(before == member_group, since_before, run).astype(np.int32)
    table = StableGroups(tuple(parties), groups.party.astype(np.int16),
                         groups.pseudo_id.astype(np.uint64), member_group, groups.band.copy(),
                         since, run, previous.next_id + len(fresh),
                         [*previous.lineage, *events])
    return stable, table, events


def _previous_of(previous: StableGroups, parties: tuple[str, ...], groups: GroupTable
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Per member of the run's groups, its previous stable id and since (-1 where none)."""
    before = np.full(len(groups), -1, np.int64)
    since = np.full(len(groups), -1, np.int32)
    for index, name in enumerate(parties):
        if name not in previous.parties:
            continue
        mine = np.flatnonzero(groups.party == index)
        theirs = np.flatnonzero(previous.party == previous.parties.index(name))
        order = theirs[np.argsort(previous.pseudo_id[theirs])]
        if not len(order) or not len(mine):
            continue
        at = np.minimum(np.searchsorted(previous.pseudo_id[order], groups.pseudo_id[mine]),
                        len(order) - 1)
        found = previous.pseudo_id[order[at]] == groups.pseudo_id[mine]
        before[mine[found]] = previous.group[order[at[found]]]
        since[mine[found]] = previous.since[order[at[found]]]
    return before, since


def _earliest_previous(groups: GroupTable, before: np.ndarray, since: np.ndarray,
                       rank: np.ndarray, count: int) -> np.ndarray:
    """Per run group, the previous stable id of its earliest member (-1: none had one)."""
    out = np.full(count, -1, np.int64)
    has = np.flatnonzero(before >= 0)
    if not len(has):
        return out
    order = has[np.lexsort((groups.pseudo_id[has], rank[groups.party[has]], since[has],
                            groups.group_id[has]))]
    first = order[np.r_[True, groups.group_id[order][1:] != groups.group_id[order][:-1]]]
    out[groups.group_id[first]] = before[first]
    return out


@dataclass(frozen=True, slots=True)
class LinkChange:
    """One link of an agency's record to another agency, and how it changed since last run."""

    pseudo_id: int
    other_party: str
    group_id: int
    band: str
    status: str      # STATUSES


def links_of(table: StableGroups, party: str) -> dict[tuple[int, str], tuple[int, str]]:
    """(own pseudo-id, other agency) -> (stable group id, band) for one agency's records."""
    if party not in table.parties:
        return {}
    me = table.parties.index(party)
    members: dict[int, list[int]] = {}
    for row, group in enumerate(table.group.tolist()):
        members.setdefault(group, []).append(row)
    out = {}
    for row in np.flatnonzero(table.party == me).tolist():
        group = int(table.group[row])
        for other in members[group]:
            if table.party[other] != me:
                out[(int(table.pseudo_id[row]), table.parties[table.party[other]])] = (
                    group, BANDS[table.band[row]])
    return out


def link_changes(previous: StableGroups | None, current: StableGroups, party: str
                 ) -> list[LinkChange]:
    """Every link of `party` now, with its status, then the links of last run that are gone;
    sorted by status then group."""
    now = links_of(current, party)
    before = links_of(previous, party) if previous is not None else {}
    rows = []
    for (pid, other), (group, band) in now.items():
        old = before.get((pid, other))
        status = "new" if old is None else "unchanged" if old == (group, band) else "changed"
        rows.append(LinkChange(pid, other, group, band, status))
    rows += [LinkChange(pid, other, group, band, "gone")
             for (pid, other), (group, band) in before.items() if (pid, other) not in now]
    return sorted(rows, key=lambda r: (STATUSES.index(r.status), r.group_id, r.pseudo_id,
                                       r.other_party))
