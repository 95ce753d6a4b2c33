"""The three answers broken down by stratum (province, and regency where the encodings carry it),
and the small-cell rule for those breakdowns.

A schema's `stratum` is "province" (the NIK's PP, e.g. 31) or "regency" (its PPKK, e.g. 3171:
Kemendagri's kabupaten/kota code; its province is code // 100). 0 is "no valid NIK".

    level, mixed = stratum_level(["regency", "regency"])   # ("regency", False)
    cells = breakdown({3171: 12, 3172: 3}, level)   # {"by_stratum": [..], "by_regency": [..]}
    hidden = suppress_cells(row, k)                 # an answer row, its cells protected

Suppression (docs/three-questions.md, "Small cells"): the report hides every count from 1 to
k-1. A breakdown adds sums: the row's match count is the sum of its province cells, a province
cell the sum of its regency cells, so a hidden cell could be worked out by subtracting the shown
ones from the total. The rule, applied to each sum whose total is shown (the row's match count
over its provinces, then each shown province over its regencies):

1. hide every cell from 1 to k-1 (primary suppression);
2. while some cells are hidden and their sum (what the total minus the shown cells gives away)
   is below k, or equals the number of hidden cells (every hidden cell would be 1), hide the
   smallest shown non-zero cell too (complementary suppression);
3. when no shown cell is left to hide, withhold the whole breakdown under that total.

The breakdown of a hidden total is withheld (not listed): the row's own count when it is below k,
and the regencies of a hidden province, which would give its value away. Every hidden cell then
belongs to one sum only, so the sums cannot be combined to narrow a hidden cell: the most a reader
learns of one is that it is at least 1 and at most the hidden sum less one for each other hidden
cell of that sum.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

PROVINCE = "province"
REGENCY = "regency"
LEVELS = (PROVINCE, REGENCY)


def stratum_level(strata: Iterable[str | None]) -> tuple[str | None, bool]:
    """The level the answers are broken down at, from each party's header `stratum`, and whether
    the parties were mixed (province and regency: broken down by province, the coarser).

    Any party without a stratum: no breakdown (None). The schema fingerprint covers the stratum,
    so a run's parties normally agree; mixed ones come only from encodings made apart.
    """
    found = set(strata)
    if not found or None in found or not found <= set(LEVELS):   # an unknown level: no split
        return None, len(found) > 1
    if found == {REGENCY}:
        return REGENCY, False
    return PROVINCE, found != {PROVINCE}


def province_of(code: int, level: str) -> int:
    """The province code of a stratum code of `level` (3171 -> 31 for a regency)."""
    return code // 100 if level == REGENCY else code


def breakdown(counts: Mapping[int, int], level: str | None) -> dict:
    """The answer row's cells from the match count per stratum code of `level`.

    by_stratum: per province [{"stratum": 31, "match": n}], by code; and for a regency level
    by_regency: [{"stratum": 3171, "match": n}], by code (records without a valid NIK, code 0,
    are in province 0 only). Zero counts are not listed. level None: {"by_stratum": None}.
    """
    if level is None:
        return {"by_stratum": None}
    provinces: dict[int, int] = {}
    for code, count in counts.items():
        if count > 0:
            province = province_of(int(code), level)
            provinces[province] = provinces.get(province, 0) + int(count)
    cells = {"by_stratum": [{"stratum": p, "match": c} for p, c in sorted(provinces.items())]}
    if level == REGENCY:
        cells["by_regency"] = [{"stratum": int(code), "match": int(count)}
                               for code, count in sorted(counts.items())
                               if count > 0 and int(code) // 100 != 0]
    return cells


def protect(values: list[int], k: int) -> list[bool] | None:
    """Which of `values` (the cells under one shown total) to hide: the module's rule, steps 1-3.
    None: the breakdown cannot be protected and is withheld."""
    hidden = [0 < v < k for v in values]
    while True:
        sizes = [v for v, h in zip(values, hidden, strict=True) if h]
        if not sizes or (sum(sizes) >= k and sum(sizes) > len(sizes)):
            return hidden
        shown = [i for i, v in enumerate(values) if not hidden[i] and v > 0]
        if not shown:
            return None
        hidden[min(shown, key=lambda i: (values[i], i))] = True


def suppress_cells(row: dict, k: int) -> dict:
    """The breakdowns of an answer row (unsuppressed counts) with the module's rule applied:
    hidden cells' match None, withheld breakdowns empty. The row's own counts are untouched."""
    if k <= 1 or row.get("by_stratum") is None:
        return row
    if row["match"] is None or any(c["match"] is None for c in row["by_stratum"]):
        return row   # suppressed already
    total = row["match"]
    provinces = row["by_stratum"]
    values = [cell["match"] for cell in provinces]
    # a hidden total: its breakdown withheld (k-1 cells listed under a total below k would each
    # be 1, and listing them would tell where the few people are)
    hide = None if 0 < total < k else protect(values, k)
    out = dict(row)
    out["by_stratum"] = [] if hide is None else [
        {**cell, "match": None if h else cell["match"]}
        for cell, h in zip(provinces, hide, strict=True)]
    if row.get("by_regency") is None:
        return out
    shown = {cell["stratum"]: cell["match"] for cell in out["by_stratum"]
             if cell["match"] is not None}
    under: dict[int, list[dict]] = {}
    for cell in row["by_regency"]:
        under.setdefault(cell["stratum"] // 100, []).append(cell)
    regencies = []
    for province, cells in sorted(under.items()):
        if province not in shown:   # a hidden (or withheld) province: its regencies withheld
            continue
        hide = protect([cell["match"] for cell in cells], k)
        if hide is not None:
            regencies += [{**cell, "match": None if h else cell["match"]}
                          for cell, h in zip(cells, hide, strict=True)]
    out["by_regency"] = regencies
    return out
