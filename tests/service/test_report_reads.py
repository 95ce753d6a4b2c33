"""Reading a stored report: suppressed as the project asks, the same on every read, never from
memory once the stored file is gone."""

from __future__ import annotations

import json

import pytest

from padan.linker.service.execution import read_report
from padan.linker.service.store import ContentStore
from tests.linker.test_report import sample_report


def test_every_read_gives_the_same_suppressed_report_and_a_dict_of_its_own(tmp_path):
    store = ContentStore(tmp_path / "store")
    report = sample_report()
    sha = store.put_bytes(json.dumps(report.to_dict()).encode())
    first, second = read_report(store, sha, 10), read_report(store, sha, 10)
    assert first == second == json.loads(json.dumps(report.suppressed(10).to_dict()))
    assert first is not second
    first["parties"].append("mutated by a caller")
    assert read_report(store, sha, 10) == second
    # another k is suppressed for its own sake, not served from the first
    assert read_report(store, sha, 1) == json.loads(json.dumps(report.to_dict()))


def test_a_deleted_report_is_not_served_from_memory(tmp_path):
    store = ContentStore(tmp_path / "store")
    sha = store.put_bytes(json.dumps(sample_report().to_dict()).encode())
    read_report(store, sha, 10)
    store.delete(sha)
    with pytest.raises(FileNotFoundError):
        read_report(store, sha, 10)
