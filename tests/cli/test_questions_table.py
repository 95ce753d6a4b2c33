"""The three questions in the terminal: the answers, then the match band by province and by
regency (the ten with the most shown records), withheld cells as "–", never a small count."""

from __future__ import annotations

import io

from rich.console import Console

from padan.cli.questions import questions_table
from padan.i18n import use_language
from padan.linker.registers import suppress_questions
from padan.linker.stratum_cells import breakdown

K = 5


def rendered(questions: dict) -> str:
    hidden = suppress_questions(questions, lambda c: None if c is not None and 0 < c < K else c,
                                K)
    out = io.StringIO()
    Console(file=out, width=200).print(questions_table({"small_cell_k": K,
                                                        "report": {"questions": hidden}}))
    return out.getvalue()


def answers(*counts: dict[int, int], level: str = "regency", mixed: bool = False) -> dict:
    rows = [{"programme": name, "match": sum(c.values()), "possible": 0, **breakdown(c, level)}
            for name, c in zip(("DTKS", "KJP"), counts, strict=False)]
    return {"roles": {}, "stratum": level, "stratum_mixed": mixed, "double_recipients": [],
            "dead_still_paid": rows, "eligible_missing": []}


def test_the_terminal_splits_by_province_and_regency_and_hides_small_cells():
    counts = {3171: 40, 3172: 2, 3173: 9} | {3200 + i: 10 + i for i in range(1, 13)}
    with use_language("en"):
        text = rendered(answers(counts))
    words = " ".join(text.split())
    assert "by province, match band: the 2 of 2 with the most records" in words
    assert "by regency or city, match band: the 10 of 15 with the most records" in words
    cells = cells_of(text)
    assert cells["31 DKI Jakarta"] == ["51"] and cells["31.71 Kota Jakarta Pusat"] == ["40"]
    assert cells["32.12 Kab. Indramayu"] == ["22"] and "32.03 Kab. Cianjur" not in cells
    # the hidden 2 and its complement 9 weigh nothing in the order: not among the ten
    assert "31.72 Kota Jakarta Utara" not in cells and "31.73 Kota Jakarta Barat" not in cells
    assert not [v for row in cells.values() for v in row if v.isdigit() and 0 < int(v) < K]


def cells_of(text: str) -> dict[str, list[str]]:
    return {parts[1].strip(): [p.strip() for p in parts[2:-1]]
            for parts in (line.split("│") for line in text.splitlines()) if len(parts) > 3}


def test_withheld_cells_and_mixed_strata_are_said():
    # DTKS: five people in five provinces, 1 each: shown as hidden cells they would each be 1
    with use_language("en"):
        text = rendered(answers({31: 1, 32: 1, 33: 1, 34: 1, 35: 1}, {31: 30, 36: 20},
                                level="province", mixed=True))
    assert "different strata" in " ".join(text.split()) and "withheld" in text
    assert "by regency" not in text
    cells = cells_of(text)
    assert cells["31 DKI Jakarta"] == ["–", "30"] and cells["36 Banten"] == ["–", "20"]
    assert "32 Jawa Barat" not in cells   # no list has a shown or hidden cell there
