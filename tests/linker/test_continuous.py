"""Monthly versions through one state folder: deltas, stable ids, erasure that leaves no trace."""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pytest
from versions_helpers import NAMES, Versions, encoded_pool, write_version

from padan.encoder.encoding_file import version_delta
from padan.encoder.pseudo_ids import pseudo_id_texts
from padan.linker.continuous import Version, erase, link_versions
from padan.linker.engine import Party, link
from padan.linker.standing_store import load


@pytest.fixture(scope="module")
def pool(tmp_path_factory):
    return encoded_pool(tmp_path_factory.mktemp("pool"))


def groups_equal(mine, theirs) -> bool:
    return all(np.array_equal(getattr(mine.groups, c), getattr(theirs.groups, c))
               for c in ("group_id", "party", "pseudo_id", "band"))


def member_sets(run) -> dict[int, frozenset]:
    """stable id -> its members (party name, pseudo-id)."""
    table, parties = run.result.groups, run.result.parties
    out: dict[int, set] = {}
    for group, party, pid in zip(table.group_id.tolist(), table.party.tolist(),
                                 table.pseudo_id.tolist(), strict=True):
        out.setdefault(int(run.stable_ids[group]), set()).add((parties[party], pid))
    return {k: frozenset(v) for k, v in out.items()}


def test_two_months_with_a_delta_keep_group_ids_and_equal_a_full_run(pool, tmp_path):
    versions = Versions(pool, np.random.default_rng(7), tmp_path / "lists")
    (tmp_path / "lists").mkdir()
    versions.start(NAMES)
    month1 = {p.name: p.encodings for p in versions.parties()}
    first = link_versions(tmp_path / "state", {n: Version(e) for n, e in month1.items()})
    assert first.incremental.afresh and first.events == []
    assert {c.status for c in first.changes_for("DTKS")} == {"new"}
    versions.change("DTKS", 0.05, 0.05, 0.05)
    versions.change("KJP", 0.02, 0.0, 0.02)
    month2 = {p.name: p.encodings for p in versions.parties()}
    # DTKS sends a delta; KJP its whole list; KIS nothing (its list stands)
    delta = version_delta(np.asarray(month1["DTKS"].records), np.asarray(month2["DTKS"].records))
    sent = np.isin(month2["DTKS"].records["pseudo_id"], np.r_[delta.added, delta.changed])
    delta_file = write_version(tmp_path / "dtks.delta.padan", month2["DTKS"],
                               np.asarray(month2["DTKS"].records)[sent])
    second = link_versions(tmp_path / "state", {
        "DTKS": Version(delta_file, delta.removed), "KJP": Version(month2["KJP"])})
    assert not second.incremental.afresh
    assert second.incremental.changes["KIS"].to_dict()["unchanged"] == len(month1["KIS"])
    assert second.incremental.changes["DTKS"].changed == len(delta.changed)
    # equal to a full run of the latest versions (in the state's order of parties)
    state = load(tmp_path / "state")
    latest = [Party(n, state.standing.lists[n]) for n in state.standing.parties]
    assert groups_equal(second.result, link(latest))
    assert sorted(state.standing.lists["DTKS"].records["pseudo_id"].tolist()) == sorted(
        month2["DTKS"].records["pseudo_id"].tolist())
    # a group with the same members keeps its id
    before, after = member_sets(first), member_sets(second)
    same = {members: gid for gid, members in after.items()}
    kept = [gid for gid, members in before.items() if members in same]
    assert kept and all(same[before[gid]] == gid for gid in kept)
    statuses = {c.status for c in second.changes_for("DTKS")}
    assert "unchanged" in statuses and statuses <= {"new", "unchanged", "changed", "gone"}
    matches = second.matches_for("KJP")
    assert set(matches.group_id.tolist()) <= set(after)
    audit = [json.loads(line) for line in (tmp_path / "state" / "audit.jsonl").read_text()
             .splitlines()]
    assert [a["action"] for a in audit] == ["link", "link"]
    assert audit[1]["incremental"] is True


def occurrences(folder, needles: list[bytes]) -> list[str]:
    found = []
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [path.name for needle in needles if needle in data]
    return found


def traces(records: np.ndarray, shared: set[bytes] = frozenset()) -> list[bytes]:
    """What would betray a record: its pseudo-id (bytes, text) and its filter (unless another
    agency's record has the very same filter: the same person, spelled alike)."""
    pids = np.asarray(records["pseudo_id"], np.uint64)
    out = [p.tobytes() for p in pids] + [p.astype(">u8").tobytes() for p in pids]
    out += [t.encode() for t in pseudo_id_texts(pids)]
    out += [t[1:].encode() for t in pseudo_id_texts(pids)]
    out += [f for f in (np.ascontiguousarray(f).tobytes() for f in records["filter"])
            if f not in shared]
    return out


def test_erasure_leaves_no_trace_in_the_state(pool, tmp_path):
    versions = Versions(pool, np.random.default_rng(8), tmp_path / "lists")
    (tmp_path / "lists").mkdir()
    versions.start(NAMES)
    month = {p.name: p.encodings for p in versions.parties()}
    first = link_versions(tmp_path / "state", {n: Version(e) for n, e in month.items()})
    # some KJP records that are grouped, and whose filter no other record shares (a duplicate
    # spelled alike would keep the same bytes in the store legitimately)
    kjp = np.asarray(month["KJP"].records)
    seen = Counter(np.ascontiguousarray(f).tobytes() for e in month.values()
                   for f in np.asarray(e.records)["filter"])
    grouped = set(first.result.groups.pseudo_id[first.result.groups.party == 1].tolist())
    chosen = [i for i, r in enumerate(kjp) if int(r["pseudo_id"]) in grouped
              and seen[np.ascontiguousarray(r["filter"]).tobytes()] == 1][:5]
    gone = kjp[chosen]
    assert len(gone) >= 3
    state = tmp_path / "state"
    assert occurrences(state, traces(gone))   # the scan finds them before
    run = erase(state, "KJP", gone["pseudo_id"])
    assert occurrences(state, traces(gone)) == []
    assert not set(gone["pseudo_id"].tolist()) & set(run.result.groups.pseudo_id.tolist())
    assert not set(gone["pseudo_id"].tolist()) & {c.pseudo_id for c in run.changes_for("KJP")}
    remaining = {n: load(state).standing.lists[n] for n in NAMES}
    assert len(remaining["KJP"]) == len(kjp) - len(gone)
    assert groups_equal(run.result, link([Party(n, remaining[n]) for n in NAMES]))
    # the whole KIS list withdrawn
    kis = np.asarray(remaining["KIS"].records)
    shared = {np.ascontiguousarray(f).tobytes() for n in ("DTKS", "KJP")
              for f in np.asarray(remaining[n].records)["filter"]}
    assert occurrences(state, traces(kis, shared))
    run = erase(state, "KIS")
    assert run.result.parties == ("DTKS", "KJP")
    assert occurrences(state, traces(kis, shared)) == []
    audit = [json.loads(line) for line in (state / "audit.jsonl").read_text().splitlines()]
    assert [(a["action"], a.get("party"), a.get("records")) for a in audit[1:]] == [
        ("erase", "KJP", len(gone)), ("erase", "KIS", len(kis))]
    text = (state / "audit.jsonl").read_text()
    assert not any(t in text for t in pseudo_id_texts(gone["pseudo_id"]))
