"""The answers by province and regency, and their small cells: hidden, and not to be worked out by
differencing. An attacker who knows the rule's arithmetic (every listed cell is at least 1, a
hidden total is below k, each total is the sum of its cells) narrows every hidden cell as far as
the published sums allow; no hidden cell may come out as one number."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from padan.linker.registers import Roles, questions_for
from padan.linker.results import GroupTable
from padan.linker.stratum_cells import breakdown, protect, stratum_level, suppress_cells

K = 5
INF = 10**9


def published_bounds(row: dict, k: int) -> dict[tuple, tuple[int, int]]:
    """What an attacker can bound of each cell of a suppressed answer row: interval propagation
    over the sums (total = its provinces, a province = its listed regencies) to a fixed point.
    Keys: ("total",), ("province", code), ("regency", code)."""
    bounds: dict[tuple, list[int]] = {}

    def known(key, value, hidden_below=INF):
        bounds[key] = [value, value] if value is not None else [1, hidden_below]

    known(("total",), row["match"], k - 1)
    provinces = row["by_stratum"] or []
    for cell in provinces:
        known(("province", cell["stratum"]), cell["match"])
    sums = []
    if provinces:
        sums.append((("total",), [("province", c["stratum"]) for c in provinces]))
    under: dict[int, list] = {}
    for cell in row.get("by_regency") or []:
        known(("regency", cell["stratum"]), cell["match"])
        under.setdefault(cell["stratum"] // 100, []).append(("regency", cell["stratum"]))
    sums += [(("province", p), children) for p, children in under.items()]
    changed = True
    while changed:
        changed = False
        for parent, children in sums:
            lo = sum(bounds[c][0] for c in children)
            hi = sum(bounds[c][1] for c in children)
            new = [max(bounds[parent][0], lo), min(bounds[parent][1], hi)]
            changed |= new != bounds[parent]
            bounds[parent] = new
            for child in children:
                rest_lo, rest_hi = lo - bounds[child][0], hi - bounds[child][1]
                new = [max(bounds[child][0], bounds[parent][0] - rest_hi),
                       min(bounds[child][1], bounds[parent][1] - rest_lo)]
                changed |= new != bounds[child]
                bounds[child] = new
    return {key: tuple(b) for key, b in bounds.items()}


def leaked(row: dict, suppressed: dict, k: int) -> list[tuple]:
    """The small cells (1 to k-1) of the breakdowns of `row` that the attacker pins to one number
    (the row's own count is the report's rule: below k it is hidden, at k = 2 that says 1)."""
    bounds = published_bounds(suppressed, k)
    truth = {("province", c["stratum"]): c["match"] for c in row["by_stratum"]}
    truth |= {("regency", c["stratum"]): c["match"] for c in row.get("by_regency") or []}
    return [key for key, value in truth.items()
            if 0 < value < k and key in bounds and bounds[key][0] == bounds[key][1]]


def regency_row(counts: dict[int, int]) -> dict:
    cells = breakdown(counts, "regency")
    return {"match": sum(counts.values()), **cells}


def naive(row: dict, k: int) -> dict:
    """What the report did before: each cell from 1 to k-1 hidden, nothing else."""
    def hide(cells):
        return [{**c, "match": None if 0 < c["match"] < k else c["match"]} for c in cells]
    return {**row, "by_stratum": hide(row["by_stratum"]), "by_regency": hide(row["by_regency"])}


def test_the_attacker_has_teeth_on_plain_suppression():
    # Jakarta: 3171 has 40, 3172 has 2 (hidden), so province 31 = 42 gives 3172 away; and the
    # lone small province 32 is the total less the rest
    row = regency_row({3171: 40, 3172: 2, 3201: 3, 0: 30})
    assert sorted(leaked(row, naive(row, K), K)) == [("province", 32), ("regency", 3172),
                                                     ("regency", 3201)]
    assert leaked(row, suppress_cells(row, K), K) == []


def test_a_cell_next_to_a_single_hidden_one_is_hidden_too():
    row = regency_row({3171: 40, 3172: 2, 3173: 9, 3201: 30, 3202: 30})
    out = suppress_cells(row, K)
    jakarta = {c["stratum"]: c["match"] for c in out["by_regency"] if c["stratum"] // 100 == 31}
    assert jakarta == {3171: 40, 3172: None, 3173: None}   # the smallest shown one joins 3172
    assert {c["stratum"]: c["match"] for c in out["by_stratum"]} == {31: 51, 32: 60}
    assert out["match"] == 111   # the row's own counts are the report's business


def test_regencies_of_a_hidden_province_and_a_hidden_total_are_withheld():
    row = regency_row({3171: 2, 3172: 2, 3201: 30, 3301: 25})
    out = suppress_cells(row, K)
    provinces = {c["stratum"]: c["match"] for c in out["by_stratum"]}
    assert provinces == {31: None, 32: 30, 33: None}   # 31 (4) hidden, 33 the smallest shown
    assert {c["stratum"] // 100 for c in out["by_regency"]} == {32}
    small = regency_row({3171: 1, 3172: 1, 3201: 1})   # total 3 < k: 3 cells would each be 1
    assert suppress_cells(small, K)["by_stratum"] == []
    assert suppress_cells(small, K)["by_regency"] == []


def test_hidden_cells_that_could_only_be_ones_are_not_left_alone():
    # five hidden 1s under a total of 5 + shown: their sum is k, but each must be 1
    assert protect([1, 1, 1, 1, 1, 20], K) == [True] * 6
    assert protect([1, 1, 1, 1, 1], K) is None   # nothing left to hide: withheld
    assert protect([0, 7, 8], K) == [False, False, False]
    assert protect([3, 4, 9], K) == [True, True, False]   # 7 >= k: enough


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from([0, 3171, 3172, 3173, 3201, 3204, 3273, 3301, 9101]),
                       st.integers(0, 14), max_size=9), st.integers(2, 8))
def test_no_small_cell_can_be_worked_out(counts, k):
    row = regency_row(counts)
    out = suppress_cells(row, k)
    assert leaked(row, out, k) == []
    for key in ("by_stratum", "by_regency"):
        for cell in out[key]:
            assert cell["match"] is None or not 0 < cell["match"] < k
    # a shown province is the sum of its listed regencies (when they are listed)
    shown = {c["stratum"]: c["match"] for c in row["by_stratum"]}
    listed = {c["stratum"] // 100 for c in out["by_regency"]}
    for province in listed:
        assert sum(c["match"] for c in row["by_regency"] if c["stratum"] // 100 == province) \
            == shown[province]


def test_province_strata_are_protected_the_same_way():
    row = {"match": 50, **breakdown({31: 46, 32: 4}, "province")}
    assert "by_regency" not in row
    assert leaked(row, naive({**row, "by_regency": []}, K), K) == [("province", 32)]
    out = suppress_cells(row, K)
    assert [c["match"] for c in out["by_stratum"]] == [None, None]
    assert leaked(row, out, K) == []


def test_the_level_of_a_run_and_mixed_parties():
    assert stratum_level(["regency", "regency"]) == ("regency", False)
    assert stratum_level(["province", "province"]) == ("province", False)
    assert stratum_level(["regency", "province"]) == ("province", True)
    assert stratum_level(["regency", None]) == (None, True)
    assert stratum_level([None, None]) == (None, False)
    assert stratum_level(["district"]) == (None, False)   # a level this linker does not know


def fake_party(name: str, stratum: str | None, codes: list[int]):
    records = {"pseudo_id": np.arange(1, len(codes) + 1, dtype=np.uint64) + 100 * ord(name[0]),
               "stratum": np.array(codes, np.uint16)}
    return SimpleNamespace(name=name, encodings=SimpleNamespace(
        header=SimpleNamespace(stratum=stratum), records=records,
        record_field=records.__getitem__))


def test_mixed_parties_fall_back_to_province_with_a_note():
    deaths = fake_party("KEMATIAN", "regency", [3171, 3172, 3201])
    paid = fake_party("DTKS", "province", [31, 31, 32])
    # each of the register's people is in a match group with one DTKS record
    groups = GroupTable(np.array([0, 0, 1, 1, 2, 2], np.int64),
                        np.array([0, 1, 0, 1, 0, 1], np.int16),
                        np.array([*paid.encodings.records["pseudo_id"][[0]],
                                  *deaths.encodings.records["pseudo_id"][[0]],
                                  *paid.encodings.records["pseudo_id"][[1]],
                                  *deaths.encodings.records["pseudo_id"][[1]],
                                  *paid.encodings.records["pseudo_id"][[2]],
                                  *deaths.encodings.records["pseudo_id"][[2]]], np.uint64),
                        np.zeros(6, np.uint8))
    params = SimpleNamespace(registers=("KEMATIAN=deaths",), programme_kinds=())
    answers = questions_for([paid, deaths], params, groups)
    assert answers["stratum"] == "province" and answers["stratum_mixed"] is True
    (dead,) = answers["dead_still_paid"]
    assert dead["by_stratum"] == [{"stratum": 31, "match": 2}, {"stratum": 32, "match": 1}]
    assert "by_regency" not in dead
    both = questions_for([fake_party("DTKS", "regency", [3171, 3171, 3204]), deaths], params,
                         groups)
    assert both["stratum"] == "regency" and not both["stratum_mixed"]
    assert both["dead_still_paid"][0]["by_regency"] == [{"stratum": 3171, "match": 2},
                                                        {"stratum": 3204, "match": 1}]
    assert Roles.from_parameters(params).registers == {"KEMATIAN": "deaths"}
