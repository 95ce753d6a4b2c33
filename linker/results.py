"""What a run yields: groups of pseudo-ids with bands, and what each agency may see of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

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


@dataclass(frozen=True)
class LinkResult:
    parties: tuple[str, ...]
    params: LinkParameters
    groups: GroupTable       # cross-party groups: an agency at most once per group
    duplicates: GroupTable   # within-list duplicate groups (one party each)
    report: OverlapReport

    def for_party(self, name: str) -> list[PartyMatch]:
        """The rows agency `name` may receive: its own pseudo-ids, the other agency and band.

        Never another party's pseudo-id and never a score (similarities can re-identify).
        """
        if name not in self.parties:
            raise LinkerError(f"party '{name}' is not part of this run "
                              f"(parties: {', '.join(self.parties)})")
        me = self.parties.index(name)
        table = self.groups
        mine = np.flatnonzero(table.party == me)
        parties_in_group: dict[int, list[int]] = {}
        for group, party in zip(table.group_id.tolist(), table.party.tolist(), strict=True):
            parties_in_group.setdefault(group, []).append(party)
        rows = []
        for row in mine:
            group = int(table.group_id[row])
            for other in parties_in_group[group]:
                if other != me:
                    rows.append(PartyMatch(int(table.pseudo_id[row]), group,
                                           self.parties[other], BANDS[table.band[row]]))
        return rows


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
