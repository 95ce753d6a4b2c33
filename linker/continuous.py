"""Continuous linkage: monthly versions of the lists through one standing state in a folder.

    run = link_versions(Path("state"), {"DTKS": Version.whole(path)}, params)
    run.matches_for("DTKS")       # its links, under stable group ids
    run.changes_for("DTKS")       # each link new / unchanged / changed, and the gone ones
    erase(Path("state"), "KJP")   # a list withdrawn: gone from the store, groups and results

A party not named keeps its standing version; a new party joins. The run is incremental
(padan.linker.incremental) and the group ids stable (padan.linker.group_ids).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from padan.encoder.encoding_file import EncodingFile, open_encoding_file
from padan.i18n import _
from padan.linker.engine import DEFAULT_PARAMETERS, Party
from padan.linker.errors import LinkerError
from padan.linker.group_ids import LinkChange, StableGroups, assign, link_changes
from padan.linker.incremental import IncrementalResult, update
from padan.linker.parameters import LinkParameters
from padan.linker.results import LinkResult, PartyMatches
from padan.linker.standing_store import Store, apply_delta, audit, load, save, stage_list


@dataclass(frozen=True, slots=True)
class Version:
    """A party's new version: a whole list, or a delta (added/changed records + removed ids)."""

    encodings: EncodingFile
    removed: np.ndarray | None = None    # None: a whole list

    @classmethod
    def whole(cls, path: Path) -> Version:
        return cls(open_encoding_file(path))

    @classmethod
    def delta(cls, path: Path, removed: np.ndarray) -> Version:
        return cls(open_encoding_file(path), np.asarray(removed, np.uint64))


@dataclass(frozen=True)
class ContinuousRun:
    incremental: IncrementalResult
    stable_ids: np.ndarray        # stable id of each of the run's groups
    previous: StableGroups
    groups: StableGroups
    events: list[dict]

    @property
    def result(self) -> LinkResult:
        return self.incremental.result

    def matches_for(self, party: str) -> PartyMatches:
        """What `party` may receive (as LinkResult.for_party), under stable group ids."""
        rows = self.result.for_party(party)
        return PartyMatches(rows.parties, rows.pseudo_id, self.stable_ids[rows.group_id],
                            rows.other, rows.band)

    def changes_for(self, party: str) -> list[LinkChange]:
        return link_changes(self.previous, self.groups, party)


def link_versions(folder: Path, versions: Mapping[str, Version],
                  params: LinkParameters = DEFAULT_PARAMETERS) -> ContinuousRun:
    """Bring the named parties' new versions into the state in `folder` and link."""
    store = load(folder)
    lists = dict(store.standing.lists)
    for name, version in versions.items():
        if version.removed is None:
            records = np.asarray(version.encodings.records)
        else:
            if name not in lists:
                raise LinkerError(_("party '{party}': a delta needs a standing list; send the "
                                    "whole list first").format(party=name))
            records = apply_delta(lists[name], version.encodings, version.removed)
        lists[name] = stage_list(store, name, records, version.encodings)
    order = [*store.standing.parties, *(n for n in versions if n not in store.standing.parties)]
    run = _relink(store, [Party(name, lists[name]) for name in order if name in lists], params,
                  store.groups)
    audit(store, "link", parties={n: run.incremental.changes[n].to_dict() for n in order
                                  if n in run.incremental.changes},
          incremental=not run.incremental.afresh, comparisons=run.incremental.comparisons)
    return run


def erase(folder: Path, party: str, pseudo_ids: np.ndarray | None = None,
          params: LinkParameters | None = None) -> ContinuousRun | None:
    """Withdraw some of a party's records (or its whole list, where pseudo_ids is None) from
    the store, its pairs and its groups, and link the rest again (with the last run's
    parameters unless given others); None when no list is left."""
    store = load(folder)
    if params is None:
        params = (LinkParameters.from_dict(store.parameters) if store.parameters
                  else DEFAULT_PARAMETERS)
    if party not in store.standing.lists:
        raise LinkerError(_("party '{party}' has no list in this state").format(party=party))
    lists = dict(store.standing.lists)
    records = np.asarray(lists[party].records)
    if pseudo_ids is None:
        gone = len(records)
        del lists[party]
    else:
        drop = np.isin(records["pseudo_id"], np.asarray(pseudo_ids, np.uint64))
        gone = int(drop.sum())
        if drop.all():
            del lists[party]
        else:
            lists[party] = stage_list(store, party, records[~drop], lists[party])
    erased = lists.get(party) is None
    groups = store.groups.without(party, None if erased else pseudo_ids)
    parties = [Party(name, lists[name]) for name in store.standing.parties if name in lists]
    audit(store, "erase", party=party, records=gone, whole_list=erased)
    if not parties:
        _clear(store)
        return None
    return _relink(store, parties, params, groups)


def _relink(store: Store, parties: list[Party], params: LinkParameters,
            previous: StableGroups) -> ContinuousRun:
    done = update(store.standing, parties, params)
    stable, groups, events = assign(previous, done.result.parties, done.result.groups)
    save(store, done.standing, groups, params.to_dict())
    return ContinuousRun(done, stable, previous, groups, events)


def _clear(store: Store) -> None:
    for path in [*store.lists_folder.glob("*.padan"),
                 *(store.folder / name for name in ("pairs.npy", "oversized.npy", "members.npy",
                                                    "vectors.npy", "standing.json"))]:
        path.unlink(missing_ok=True)
