"""The three questions of a report (padan.linker.registers) as a table for the terminal.

Shared by `padan link`, `padan report` and `padan demo`: double recipients, the dead still paid,
the eligible who are missing, with the match and possible bands apart and "<k" for suppressed
counts; then the match band by regency (where the encodings carry it) or by province, the TOP
strata with the most shown records ("–": withheld, padan.linker.stratum_cells). Every stratum is in
the JSON report and on the dashboard.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Column, Table
from rich.text import Text

from padan.cli.tables import readable
from padan.i18n import _, number
from padan.linker.dashboard_questions import (
    answers,
    column_name,
    is_true_zero,
    mixed_note,
    withheld_note,
)
from padan.linker.provinces import regency_label, stratum_label
from padan.linker.registers import register_name

TOP = 10   # strata shown in the terminal


def question_rows(questions: dict) -> list[tuple[str, str, int | None, int | None]]:
    """(question, on which lists, match, possible) for every answer of the report."""
    rows = []
    for row in questions.get("double_recipients", []):
        rows.append((_("double recipients (people on 2+ programmes of one kind)"),
                     f"{row['kind']}: {', '.join(row['programmes'])}", row["match"],
                     row["possible"]))
    for row in questions.get("dead_still_paid", []):
        rows.append((_("the dead still paid (programme records in the death register)"),
                     row["programme"], row["match"], row["possible"]))
    for row in questions.get("eligible_missing", []):
        rows.append((_("eligible but missing (register records on no programme)"),
                     f"{row['register']} ({register_name(row['kind'])})", row["match"],
                     row["possible"]))
    return rows


def questions_table(envelope: dict) -> RenderableType | None:
    """The answers of a report envelope, then their split by stratum (None: the report has no
    answer to show)."""
    report, k = envelope["report"], envelope.get("small_cell_k")
    questions = report.get("questions")
    rows = question_rows(questions) if questions else []
    if not rows:
        return None

    def shown(value) -> str:
        return f"<{k}" if value is None else number(value)

    table = Table(_("question"), _("lists"), Column(_("match"), justify="right"),
                  Column(_("possible"), justify="right"),
                  title=_("the three questions"))
    for question, lists, match, possible in rows:
        table.add_row(question, lists, shown(match), shown(possible))
    parts: list[RenderableType] = [readable(table)]
    if questions.get("stratum_mixed"):
        parts.append(Text(mixed_note(questions)))
    for key in ("by_stratum", "by_regency"):
        split = strata_table(questions, k, key)
        if split is not None:
            parts.append(split)
    return Group(*parts)


def strata_table(questions: dict, k: int | None, key: str = "by_stratum", top: int = TOP
                 ) -> Table | None:
    """The match band by province (key "by_stratum") or regency ("by_regency"), the `top` strata
    with the most shown records; None when the answers are not split so."""
    rows = answers(questions)
    if not rows or all(row.get(key) is None for *_r, row, _lists in rows):
        return None
    label = regency_label if key == "by_regency" else stratum_label
    cells: dict[int, dict[int, int | None]] = {}
    for index, (*_r, row, _lists) in enumerate(rows):
        for cell in row.get(key) or []:
            cells.setdefault(int(cell["stratum"]), {})[index] = cell["match"]
    # the most shown records first: hidden cells weigh nothing, so the order tells nothing of them
    order = sorted(cells, key=lambda code: (-sum(v or 0 for v in cells[code].values()), code))
    title = (_("by regency or city, match band: the {top} of {count} with the most records")
             if key == "by_regency" else
             _("by province, match band: the {top} of {count} with the most records")).format(
                 top=number(min(top, len(order))), count=number(len(order)))
    table = Table(_("stratum"), *(Column(column_name(question, name), justify="right")
                                  for question, name, *_rest in rows), title=title)
    for code in order[:top]:
        texts = []
        for index, (*_r, row, _lists) in enumerate(rows):
            if index in cells[code]:
                value = cells[code][index]
                texts.append(f"<{k}" if value is None else number(value))
            else:
                texts.append("0" if is_true_zero(row, key, code) else "–")
        table.add_row(label(code), *texts)
        if "–" in texts:
            table.caption = withheld_note()
    return readable(table)
