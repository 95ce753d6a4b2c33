"""Local copies of files behind fsspec URLs, as Dask workers make them from a remote store."""

from __future__ import annotations

import hashlib

import fsspec
import pytest

from padan.linker.fetched import FetchError, fetch, is_remote
from padan.linker.service.store import ContentStore, RemoteStore, open_store


def test_a_copy_is_made_once_and_checked_against_its_digest(tmp_path):
    memory = fsspec.filesystem("memory")
    data = b"encodings" * 1000
    digest = hashlib.sha256(data).hexdigest()
    memory.pipe_file(f"/fetch-test/{digest}", data)
    copy = fetch(f"memory://fetch-test/{digest}", tmp_path)
    assert copy == tmp_path / digest and copy.read_bytes() == data
    memory.rm_file(f"/fetch-test/{digest}")
    assert fetch(f"memory://fetch-test/{digest}", tmp_path) == copy   # not fetched again
    wrong = "0" * 64
    memory.pipe_file(f"/fetch-test/{wrong}", data)
    with pytest.raises(FetchError, match="do not match"):
        fetch(f"memory://fetch-test/{wrong}", tmp_path)
    with pytest.raises(FetchError, match="could not be fetched"):
        fetch("memory://fetch-test/" + "1" * 64, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [digest]   # no temporaries left


def test_the_store_kind_follows_the_location(tmp_path):
    assert not is_remote(tmp_path) and not is_remote(f"file://{tmp_path}")
    assert isinstance(open_store(f"file://{tmp_path}", tmp_path / "c"), ContentStore)
    remote = open_store("memory://store-test/padan/", tmp_path / "c")
    assert isinstance(remote, RemoteStore) and remote.ready()
    sha = remote.put_bytes(b"report")
    assert remote.contains(sha) and remote.read_bytes(sha) == b"report"
    assert remote.url_of(sha) == f"memory://store-test/padan/{sha[:2]}/{sha[2:4]}/{sha}"
    assert remote.local_path(sha).read_bytes() == b"report"
    remote.delete(sha)
    assert not remote.contains(sha) and not (tmp_path / "c" / sha).exists()
