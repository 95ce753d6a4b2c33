"""Each continuous project's standing state (padan.linker.standing_store) in the service's store.

A local store keeps it at `<store>/states/<project>/`; a remote one (an fsspec URL) at
`<url>/states/<project>/`. A run or an erasure works on a copy (`working_state`) and the copy
replaces the state whole when the work succeeds: a worker that dies half-way leaves the previous
state as it was, and no earlier copy outlives the swap (an erased record's bytes leave with it).
One run of a continuous project at a time (padan.linker.service.runs), so copies never race;
leftovers of a crashed worker are removed before the next copy is made.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from padan.linker.service.store import ContentStore, RemoteStore, Store

STATES = "states"


def _local_folder(store: ContentStore, project_id: str) -> Path:
    return store.root / STATES / project_id


def _remote_prefix(store: RemoteStore, project_id: str) -> str:
    return f"{store._root}/{STATES}/{project_id}"


def _leftovers(parent: Path, project_id: str) -> list[Path]:
    if not parent.is_dir():
        return []
    return [path for path in parent.iterdir()
            if path.name.startswith((f".work-{project_id}-", f".old-{project_id}-"))]


@contextmanager
def working_state(store: Store, project_id: str, work_root: Path,
                  keep: Callable[[], bool] = lambda: True) -> Iterator[Path]:
    """A working copy of the project's state folder (empty for a project not linked yet),
    written back whole when the block ends without an error and `keep()` still says so."""
    if isinstance(store, RemoteStore):
        with _remote_working_state(store, project_id, work_root, keep) as folder:
            yield folder
        return
    folder = _local_folder(store, project_id)
    for leftover in _leftovers(folder.parent, project_id):
        shutil.rmtree(leftover, ignore_errors=True)
    work = folder.parent / f".work-{project_id}-{uuid.uuid4().hex[:8]}"
    work.parent.mkdir(parents=True, exist_ok=True)
    if folder.is_dir():
        shutil.copytree(folder, work)
    else:
        work.mkdir()
    try:
        yield work
        if not keep():
            return
        old = folder.parent / f".old-{project_id}-{uuid.uuid4().hex[:8]}"
        if folder.is_dir():
            os.replace(folder, old)
        os.replace(work, folder)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


@contextmanager
def _remote_working_state(store: RemoteStore, project_id: str, work_root: Path,
                          keep: Callable[[], bool]) -> Iterator[Path]:
    filesystem, prefix = store.filesystem, _remote_prefix(store, project_id)
    work = work_root / f".work-{project_id}-{uuid.uuid4().hex[:8]}"
    work.mkdir(parents=True)
    try:
        before = _remote_files(store, project_id)
        for relative in before:
            target = work / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            filesystem.get_file(f"{prefix}/{relative}", str(target))
        yield work
        if not keep():
            return
        after = sorted(str(p.relative_to(work)) for p in work.rglob("*") if p.is_file())
        # standing.json last: it names the files the others hold
        for relative in sorted(after, key=lambda name: name == "standing.json"):
            filesystem.put_file(str(work / relative), f"{prefix}/{relative}")
        for relative in set(before) - set(after):
            filesystem.rm_file(f"{prefix}/{relative}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _remote_files(store: RemoteStore, project_id: str) -> list[str]:
    prefix = _remote_prefix(store, project_id)
    store.filesystem.invalidate_cache(prefix)
    if not store.filesystem.exists(prefix):
        return []
    base = prefix.rstrip("/")
    return sorted(path.lstrip("/").removeprefix(base.lstrip("/")).lstrip("/")
                  for path in store.filesystem.find(prefix))


def delete_state(store: Store, project_id: str) -> None:
    """Remove the project's state (closing the project)."""
    if isinstance(store, RemoteStore):
        prefix = _remote_prefix(store, project_id)
        for relative in _remote_files(store, project_id):
            store.filesystem.rm_file(f"{prefix}/{relative}")
        return
    folder = _local_folder(store, project_id)
    for path in [folder, *_leftovers(folder.parent, project_id)]:
        shutil.rmtree(path, ignore_errors=True)
