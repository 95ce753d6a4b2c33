"""The standing state of continuous linkage in a folder: lists, pairs, groups, audit log.

    DIR/standing.json   parties, the pairs' signature, the list files, stable-id counters and
                        the groups' lineage
    DIR/lists/*.padan   each party's standing version of its list
    DIR/pairs.npy       candidate pairs by pseudo-id (padan.linker.incremental.PAIR_DTYPE)
    DIR/oversized.npy   oversized blocks per pass and pair of lists
    DIR/members.npy     the last run's groups under stable ids (padan.linker.group_ids)
    DIR/vectors.npy     the comparison vectors of the pairs across lists, by rows of the lists
                        (padan.linker.standing_vectors); absent when the run scored by Dice
    DIR/audit.jsonl     one line per run and per erasure: when, what, which agency, how many
                        records (never a pseudo-id)

Every file is replaced whole (written aside, then renamed), so an erased record's bytes leave
the folder with the file that held them; `tests/linker/test_standing_store.py` scans the folder
for them after an erasure.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from padan.encoder.encoding_file import (
    EncodingFile,
    open_encoding_file,
    record_dtype,
    write_encoding_file,
)
from padan.i18n import _
from padan.linker.errors import LinkerError
from padan.linker.group_ids import StableGroups
from padan.linker.incremental import OVERSIZED_DTYPE, PAIR_DTYPE, Standing

FORMAT = 1
MEMBER_DTYPE = np.dtype([("party", "<i2"), ("pseudo_id", "<u8"), ("group", "<i8"),
                         ("band", "u1"), ("since", "<i4")])


@dataclass
class Store:
    folder: Path
    standing: Standing
    groups: StableGroups
    files: dict[str, str]     # party -> its list's file name under lists/
    parameters: dict | None = None   # the last run's LinkParameters, as a dict

    @property
    def lists_folder(self) -> Path:
        return self.folder / "lists"


def load(folder: Path) -> Store:
    """The state in `folder`; an empty one where the folder holds none yet."""
    meta_path = folder / "standing.json"
    if not meta_path.exists():
        return Store(folder, Standing.empty(), StableGroups.empty(), {})
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise LinkerError(_("{path}: not a padan state file").format(path=meta_path)) from None
    if meta.get("format") != FORMAT:
        raise LinkerError(_("{path}: state format {found} is not supported").format(
            path=meta_path, found=meta.get("format")))
    files = meta["files"]
    lists = {name: open_encoding_file(folder / "lists" / file) for name, file in files.items()}
    pairs = np.load(folder / "pairs.npy")
    oversized = np.load(folder / "oversized.npy")
    members = np.load(folder / "members.npy")
    vectors = np.load(folder / "vectors.npy") if (folder / "vectors.npy").exists() else None
    standing = Standing(tuple(meta["parties"]), meta["signature"], lists,
                        pairs.astype(PAIR_DTYPE), oversized.astype(OVERSIZED_DTYPE), vectors)
    info = meta["groups"]
    groups = StableGroups(tuple(info["parties"]), members["party"].copy(),
                          members["pseudo_id"].copy(), members["group"].copy(),
                          members["band"].copy(), members["since"].copy(), info["run"],
                          info["next_id"], info["lineage"])
    return Store(folder, standing, groups, dict(files), meta.get("parameters"))


def save(store: Store, standing: Standing, groups: StableGroups,
         parameters: dict | None = None) -> Store:
    """Write the new state and remove list files the new state no longer uses."""
    folder = store.folder
    (folder / "lists").mkdir(parents=True, exist_ok=True)
    files = {}
    for name, encodings in standing.lists.items():
        path = Path(encodings.path)
        if path.parent.resolve() != (folder / "lists").resolve():
            raise LinkerError(f"party {name}: list file outside the state folder")
        files[name] = path.name
    _save_array(folder / "pairs.npy", standing.pairs)
    _save_array(folder / "oversized.npy", standing.oversized)
    if standing.vectors is not None:
        _save_array(folder / "vectors.npy", standing.vectors)
    else:
        (folder / "vectors.npy").unlink(missing_ok=True)
    members = np.zeros(len(groups.pseudo_id), MEMBER_DTYPE)
    for column, values in (("party", groups.party), ("pseudo_id", groups.pseudo_id),
                           ("group", groups.group), ("band", groups.band),
                           ("since", groups.since)):
        members[column] = values
    _save_array(folder / "members.npy", members)
    meta = {"format": FORMAT, "parties": list(standing.parties),
            "signature": standing.signature, "files": files, "parameters": parameters,
            "groups": {"parties": list(groups.parties), "run": groups.run,
                       "next_id": groups.next_id, "lineage": groups.lineage}}
    _replace_text(folder / "standing.json", json.dumps(meta, indent=1) + "\n")
    for stale in (folder / "lists").glob("*.padan"):
        if stale.name not in files.values():
            stale.unlink()
    return Store(folder, standing, groups, files, parameters)


def stage_list(store: Store, name: str, records: np.ndarray, template: EncodingFile
               ) -> EncodingFile:
    """Write a party's new version into the state folder (beside its standing one)."""
    folder = store.lists_folder
    folder.mkdir(parents=True, exist_ok=True)
    version = 1
    while (folder / f"{name}.v{version}.padan").exists():
        version += 1
    path = folder / f"{name}.v{version}.padan"
    header = template.header.model_copy(update={"record_count": len(records)})
    dtype = record_dtype(header.filter_words, len(header.blocking_keys))
    write_encoding_file(path, header, np.ascontiguousarray(np.asarray(records).astype(dtype)))
    return open_encoding_file(path)


def apply_delta(standing: EncodingFile, delta: EncodingFile, removed: np.ndarray) -> np.ndarray:
    """A party's new version from its standing one, the added or changed records (`delta`) and
    the pseudo-ids it withdrew."""
    for attribute in ("project_id", "schema_fingerprint", "key_check", "filter_bits"):
        if getattr(delta.header, attribute) != getattr(standing.header, attribute):
            raise LinkerError(_("{path}: the delta was encoded with a different {what} than the "
                                "standing list; encode it with the project's schema and key "
                                "file").format(path=delta.path, what=attribute))
    old = np.asarray(standing.records)
    replaced = np.concatenate([np.asarray(delta.records["pseudo_id"], np.uint64),
                               np.asarray(removed, np.uint64)])
    kept = old[~np.isin(old["pseudo_id"], replaced)]
    return np.concatenate([kept, np.asarray(delta.records).astype(kept.dtype)])


def audit(store: Store, action: str, **details) -> None:
    """One line of the audit log: counts and names only, never a pseudo-id."""
    entry = {"at": datetime.now(UTC).isoformat(timespec="seconds"), "action": action, **details}
    store.folder.mkdir(parents=True, exist_ok=True)
    with open(store.folder / "audit.jsonl", "a", encoding="utf-8") as out:
        out.write(json.dumps(entry, sort_keys=True) + "\n")


def _save_array(path: Path, array: np.ndarray) -> None:
    partial = path.with_name(path.name + ".partial")
    with open(partial, "wb") as out:
        np.save(out, array, allow_pickle=False)
    os.replace(partial, path)


def _replace_text(path: Path, text: str) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)
