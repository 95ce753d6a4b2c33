"""Registers and the three questions: roles as run parameters, the answers against a plain
reference on random groups, suppression, and what a programme receives of a register."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from padan.linker.errors import ParameterError
from padan.linker.parameters import LinkParameters
from padan.linker.party_results import party_rows
from padan.linker.registers import DEFAULT_KIND, Roles, answer_questions, suppress_questions
from padan.linker.results import GroupTable, PartyDuplicates, PartyMatches

PARTIES = ("DTKS", "KJP", "KIS", "KEMATIAN", "PENDUDUK")
ROLES = Roles({"KEMATIAN": "deaths", "PENDUDUK": "population"},
              {"DTKS": "bansos", "KJP": "bansos", "KIS": "kesehatan"})


def test_roles_are_run_parameters_checked_and_normalised():
    params = LinkParameters.from_dict({"registers": ["KEMATIAN=Deaths", "PENDUDUK=population"],
                                       "programme_kinds": ["KJP=bansos"]})
    assert params.registers == ("KEMATIAN=deaths", "PENDUDUK=population")
    assert LinkParameters.from_dict(params.to_dict()) == params
    roles = Roles.from_parameters(params)
    assert roles.kind_of("KEMATIAN") is None and roles.kind_of("KJP") == "bansos"
    assert roles.kind_of("DTKS") == DEFAULT_KIND
    for bad, parameter in ((("registers", ["KEMATIAN=graves"]), "registers"),
                           (("registers", ["KEMATIAN"]), "registers"),
                           (("registers", ["A=deaths", "A=population"]), "registers"),
                           (("programme_kinds", ["KJP=Bantuan Tunai"]), "programme_kinds")):
        with pytest.raises(ParameterError) as caught:
            LinkParameters.from_dict(dict([bad]))
        assert caught.value.parameter == parameter
    with pytest.raises(ParameterError, match="register and a programme"):
        LinkParameters(registers=("A=deaths",), programme_kinds=("A=bansos",))
    with pytest.raises(ParameterError, match="not a party"):
        ROLES.check(["DTKS", "KJP"])


def random_groups(rng: np.random.Generator, sizes: list[int]):
    """Records of each party, some put into random groups (at most one record of a party per
    group, as the cross-list solver makes them), banded at random."""
    pseudo = [rng.choice(1 << 40, size=n, replace=False).astype(np.uint64) for n in sizes]
    strata = [rng.choice([31, 32, 33], size=n) for n in sizes]
    groups = max(1, sum(sizes) // 3)
    rows = []
    for party, n in enumerate(sizes):
        chosen = rng.choice(groups, size=min(n, groups), replace=False)
        records = rng.choice(n, size=len(chosen), replace=False)
        keep = rng.random(len(chosen)) < 0.6
        rows += [(int(g), party, int(pseudo[party][r]))
                 for g, r in zip(chosen[keep], records[keep], strict=True)]
    used = sorted({g for g, _p, _r in rows})
    dense = {g: i for i, g in enumerate(used)}
    rows.sort(key=lambda r: (dense[r[0]], r[1]))
    bands = rng.integers(0, 2, size=len(used))
    table = GroupTable(np.array([dense[g] for g, _p, _r in rows], np.int64),
                       np.array([p for _g, p, _r in rows], np.int16),
                       np.array([r for _g, _p, r in rows], np.uint64),
                       np.array([bands[dense[g]] for g, _p, _r in rows], np.uint8))
    return table, pseudo, strata


def reference(table: GroupTable, pseudo, strata) -> dict:
    """The answers by plain loops over groups, as docs/three-questions.md words them."""
    members: dict[int, list[tuple[str, int]]] = {}
    stratum_of = {(p, int(i)): int(s) for p in range(len(PARTIES))
                  for i, s in zip(pseudo[p], strata[p], strict=True)}
    band = {}
    for g, p, pid, b in zip(table.group_id.tolist(), table.party.tolist(),
                            table.pseudo_id.tolist(), table.band.tolist(), strict=True):
        members.setdefault(g, []).append((PARTIES[p], pid))
        band[g] = "match" if b == 0 else "possible"
    answers = {"double": {}, "dead": {}, "missing": {}}
    for kind in ("bansos",):
        count = {"match": 0, "possible": 0}
        cells: dict[int, int] = {}
        for g, people in members.items():
            on = sorted({p for p, _ in people if ROLES.kind_of(p) == kind})
            if len(on) >= 2:
                count[band[g]] += 1
                if band[g] == "match":
                    first = next(pid for p, pid in people if p == on[0])
                    stratum = stratum_of[(PARTIES.index(on[0]), first)]
                    cells[stratum] = cells.get(stratum, 0) + 1
        answers["double"][kind] = (count, cells)
    for programme in ("DTKS", "KJP", "KIS"):
        count = {"match": 0, "possible": 0}
        for g, people in members.items():
            if any(p == "KEMATIAN" for p, _ in people):
                count[band[g]] += sum(p == programme for p, _ in people)
        answers["dead"][programme] = count
    found = {"match": 0, "possible": 0}
    index = PARTIES.index("PENDUDUK")
    grouped = {}
    for g, people in members.items():
        for p, pid in people:
            if p == "PENDUDUK":
                grouped[pid] = g
    for pid in pseudo[index].tolist():
        g = grouped.get(pid)
        people = [] if g is None else members[g]
        dead = any(p == "KEMATIAN" for p, _ in people)
        paid = any(ROLES.kind_of(p) not in (None,) for p, _ in people)
        if not dead and not paid:
            found["match"] += 1
        elif not dead and band[g] == "possible":
            found["possible"] += 1
    answers["missing"]["PENDUDUK"] = found
    return answers


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.lists(st.integers(0, 40), min_size=5, max_size=5))
def test_the_answers_equal_a_plain_reference(seed, sizes):
    rng = np.random.default_rng(seed)
    table, pseudo, strata = random_groups(rng, sizes)
    got = answer_questions(PARTIES, ROLES, table, pseudo, strata)
    want = reference(table, pseudo, strata)
    (double,) = got["double_recipients"]   # kesehatan has one programme: no question
    assert double["kind"] == "bansos" and double["programmes"] == ["DTKS", "KJP"]
    count, cells = want["double"]["bansos"]
    assert {k: double[k] for k in ("match", "possible")} == count
    assert {c["stratum"]: c["match"] for c in double["by_stratum"]} == cells
    for row in got["dead_still_paid"]:
        assert {k: row[k] for k in ("match", "possible")} == want["dead"][row["programme"]]
    (missing,) = got["eligible_missing"]
    assert {k: missing[k] for k in ("match", "possible")} == want["missing"]["PENDUDUK"]
    assert sum(c["match"] for c in missing["by_stratum"]) == missing["match"]
    assert got["roles"]["KEMATIAN"] == {"register": "deaths"}
    assert got["roles"]["KIS"] == {"programme": "kesehatan"}


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.lists(st.integers(0, 40), min_size=5, max_size=5))
def test_a_regency_stratum_splits_the_answers_by_regency_and_province(seed, sizes):
    rng = np.random.default_rng(seed)
    table, pseudo, provinces = random_groups(rng, sizes)
    # a regency within each record's province, or 0 (no valid NIK) for some
    regencies = [np.where(rng.random(len(p)) < 0.1, 0, p * 100 + rng.choice([1, 4, 71], len(p)))
                 for p in provinces]
    by_regency = answer_questions(PARTIES, ROLES, table, pseudo, regencies, "regency")
    by_province = answer_questions(PARTIES, ROLES, table, pseudo,
                                   [r // 100 for r in regencies], "province")
    assert by_regency["stratum"] == "regency" and by_province["stratum"] == "province"
    cells = reference(table, pseudo, regencies)["double"]["bansos"][1]
    (double,) = by_regency["double_recipients"]
    assert {c["stratum"]: c["match"] for c in double["by_regency"]} == {
        code: n for code, n in cells.items() if code}
    for key in ("double_recipients", "dead_still_paid", "eligible_missing"):
        for fine, coarse in zip(by_regency[key], by_province[key], strict=True):
            assert fine["by_stratum"] == coarse["by_stratum"]
            assert "by_regency" not in coarse
            for province in fine["by_stratum"]:
                under = [c["match"] for c in fine["by_regency"]
                         if c["stratum"] // 100 == province["stratum"]]
                assert province["stratum"] == 0 or sum(under) == province["match"]


def test_small_answers_are_suppressed_like_every_count():
    table, pseudo, strata = random_groups(np.random.default_rng(3), [30, 30, 30, 30, 30])
    answers = answer_questions(PARTIES, ROLES, table, pseudo, strata)
    hidden = suppress_questions(answers, lambda c: None if c is not None and 0 < c < 1000 else c,
                                1000)
    for key in ("double_recipients", "dead_still_paid", "eligible_missing"):
        for row in hidden[key]:
            assert row["match"] in (None, 0) and row["possible"] in (None, 0)
            assert all(cell["match"] is None for cell in row["by_stratum"])


def test_a_programme_learns_the_register_kind_and_nothing_else_of_it():
    parties = ("DTKS", "KEMATIAN", "KJP")
    matches = PartyMatches(parties, np.array([5, 5, 6], np.uint64), np.array([0, 0, 1]),
                           np.array([1, 2, 1], np.int16), np.array([0, 0, 1], np.uint8))
    empty = PartyDuplicates(np.zeros(0, np.uint64), np.zeros(0, np.int64),
                            np.zeros(0, np.uint8))
    rows = party_rows(matches, empty, {"KEMATIAN": "deaths"})
    assert [(r.kind, r.other_party, r.band) for r in rows] == [
        ("link", "KJP", "match"), ("register", "deaths", "match"),
        ("register", "deaths", "possible")]
    assert "KEMATIAN" not in {r.other_party for r in rows}
    # without registers declared, the register is just another list (as before)
    assert {r.other_party for r in party_rows(matches, empty)} == {"KEMATIAN", "KJP"}
