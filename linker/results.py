"""What a run yields: groups of pseudo-ids with bands, and what each agency may see of them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from padan.i18n import _
from padan.linker.errors import LinkerError

if TYPE_CHECKING:
    from padan.linker.parameters import LinkParameters
    from padan.linker.report import OverlapReport

BANDS = ("match", "possible")   # band codes: 0 = match, 1 = possible
MATCH, POSSIBLE = 0, 1


@dataclass(frozen=True, slots=True)
class GroupTable:
    """One row per record in a group; columns are numpy arrays of equal length.

    group_id int64 (dense, 0..groups-1), party int16 (index into the run's parties), pseudo_id
    uint64, band uint8 (BANDS code of the group: its weakest edge). Sorted by group, then party.
    """

    group_id: np.ndarray
    party: np.ndarray
    pseudo_id: np.ndarray
    band: np.ndarray

    def __len__(self) -> int:
        return len(self.group_id)

    @property
    def groups(self) -> int:
        return int(self.group_id.max()) + 1 if len(self.group_id) else 0

    @classmethod
    def empty(cls) -> GroupTable:
        return cls(np.zeros(0, np.int64), np.zeros(0, np.int16), np.zeros(0, np.uint64),
                   np.zeros(0, np.uint8))

    def band_names(self) -> list[str]:
        return [BANDS[code] for code in self.band]


@dataclass(frozen=True, slots=True)
class PartyMatch:
    """One of an agency's own records that matched a record of `other_party` in group_id."""

    pseudo_id: int
    group_id: int
    other_party: str
    band: str


@dataclass(frozen=True, slots=True)
class PartyMatches(Sequence[PartyMatch]):
    """What one agency may receive, as columns: one row per (own record, other agency) pair.

    pseudo_id uint64 (the agency's own), group_id int64, other int16 (index into `parties`),
    band uint8 (BANDS code). Iterating yields PartyMatch rows. Holds no other party's pseudo-id
    and no score: similarities can re-identify.
    """

    parties: tuple[str, ...]
    pseudo_id: np.ndarray
    group_id: np.ndarray
    other: np.ndarray
    band: np.ndarray

    def __len__(self) -> int:
        return len(self.pseudo_id)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return PartyMatch(int(self.pseudo_id[index]), int(self.group_id[index]),
                          self.parties[self.other[index]], BANDS[self.band[index]])

    def __iter__(self) -> Iterator[PartyMatch]:
        names = [self.parties[i] for i in self.other.tolist()]
        for pseudo, group, other, band in zip(self.pseudo_id.tolist(), self.group_id.tolist(),
                                              names, self.band.tolist(), strict=True):
            yield PartyMatch(pseudo, group, other, BANDS[band])


@dataclass(frozen=True, slots=True)
class PartyDuplicate:
    """One of an agency's own records in a group of its own records that are one person."""

    pseudo_id: int
    group_id: int   # the agency's own numbering of its duplicate groups: 0, 1, ...
    band: str


@dataclass(frozen=True, slots=True)
class PartyDuplicates(Sequence[PartyDuplicate]):
    """An agency's within-list duplicate groups, as columns: one row per own record in a group.

    pseudo_id uint64 (the agency's own), group_id int64 (numbered 0, 1, ... within the agency,
    so nothing is learnt of other agencies' duplicates), band uint8 (BANDS code of the group).
    Sorted by group. Holds only the agency's own pseudo-ids and no score.
    """

    pseudo_id: np.ndarray
    group_id: np.ndarray
    band: np.ndarray

    def __len__(self) -> int:
        return len(self.pseudo_id)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return PartyDuplicate(int(self.pseudo_id[index]), int(self.group_id[index]),
                              BANDS[self.band[index]])

    def __iter__(self) -> Iterator[PartyDuplicate]:
        for pseudo, group, band in zip(self.pseudo_id.tolist(), self.group_id.tolist(),
                                       self.band.tolist(), strict=True):
            yield PartyDuplicate(pseudo, group, BANDS[band])

    @property
    def groups(self) -> int:
        return int(self.group_id.max()) + 1 if len(self.group_id) else 0


@dataclass(frozen=True)
class LinkResult:
    parties: tuple[str, ...]
    params: LinkParameters
    groups: GroupTable       # cross-party groups: an agency once, or several times where its
    #                          records are duplicates of each other (engine.absorb_duplicates)
    duplicates: GroupTable   # within-list duplicate groups (one party each)
    report: OverlapReport

    def _party_index(self, name: str) -> int:
        if name not in self.parties:
            raise LinkerError(_("party '{party}' is not part of this run (parties: "
                                "{parties})").format(party=name, parties=", ".join(self.parties)))
        return self.parties.index(name)

    def for_party(self, name: str) -> PartyMatches:
        """The rows agency `name` may receive: its own pseudo-ids, the other agency and band.

        One row per own record and other agency in its group, in group order then the other
        agency's order. Never another party's pseudo-id and never a score. Its duplicate
        groups come from `duplicates_for`; an agency receives both.
        """
        me = self._party_index(name)
        table = self.groups
        size = np.bincount(table.group_id, minlength=table.groups)
        first = np.cumsum(size) - size            # rows are sorted by group
        mine = np.flatnonzero(table.party == me)
        group = table.group_id[mine]
        # every member row of each of my groups, then drop my own row
        own = np.repeat(mine, size[group])
        member = (np.repeat(first[group], size[group])
                  + np.arange(len(own)) - np.repeat(np.cumsum(size[group]) - size[group],
                                                    size[group]))
        # another agency's member; a duplicate of mine in the same group is not "another agency"
        other = (member != own) & (table.party[member] != me)
        own, member = own[other], member[other]
        return PartyMatches(self.parties, table.pseudo_id[own].astype(np.uint64),
                            table.group_id[own].astype(np.int64),
                            table.party[member].astype(np.int16),
                            table.band[own].astype(np.uint8))

    def duplicates_for(self, name: str) -> PartyDuplicates:
        """Agency `name`'s own duplicate groups: which of its records are one person.

        Every duplicate group holds records of one agency only, so this is that agency's rows
        of `duplicates`, with the groups renumbered 0, 1, ... in their order.
        """
        me = self._party_index(name)
        table = self.duplicates
        mine = np.flatnonzero(table.party == me)
        _values, dense = np.unique(table.group_id[mine], return_inverse=True)
        return PartyDuplicates(table.pseudo_id[mine].astype(np.uint64),
                               dense.reshape(-1).astype(np.int64),
                               table.band[mine].astype(np.uint8))


def group_table(label: np.ndarray, weakest: np.ndarray, party: np.ndarray,
                pseudo_id: np.ndarray, match_threshold: float) -> GroupTable:
    """Rows for every record with a label >= 0, sorted by group then party."""
    rows = np.flatnonzero(label >= 0)
    order = np.lexsort((party[rows], label[rows]))
    rows = rows[order]
    group = label[rows]
    band = np.where(weakest[group] >= match_threshold, MATCH, POSSIBLE).astype(np.uint8)
    return GroupTable(group.astype(np.int64), party[rows].astype(np.int16),
                      pseudo_id[rows].astype(np.uint64), band)
