"""The dashboard's section on the three questions (padan.linker.registers): HTML, counts only.

    title, explain, content = questions_section(report_body, k)   # None: nothing to show

Each answer (double recipients, the dead still paid, the eligible who are missing) gets a bar
(its match-band count, the list's size behind it) and a table row with both bands; a second
table splits the match band by province, and a third, folded, by regency where the encodings carry
it. Every number is marked data-field="questions/<question>/<name>/<match|possible>",
"questions/<question>/<name>/stratum/<province>" or "questions/<question>/<name>/regency/<code>",
so tests compare the page with the JSON.
"""

from __future__ import annotations

from html import escape

from padan.i18n import _, number
from padan.linker.charts import bar_rows, count_text, field_attr
from padan.linker.provinces import regency_label, stratum_label
from padan.linker.registers import register_name

QUESTIONS = ("double_recipients", "dead_still_paid", "eligible_missing")


def answers(questions: dict) -> list[tuple[str, str, str, dict, list[str]]]:
    """(question, name, label, answer row, lists it counts records of) for every answer."""
    rows = []
    for row in questions.get("double_recipients", []):
        rows.append(("double_recipients", row["kind"],
                     _("double recipients, {kind}: {programmes}").format(
                         kind=row["kind"], programmes=", ".join(row["programmes"])), row, []))
    for row in questions.get("dead_still_paid", []):
        rows.append(("dead_still_paid", row["programme"],
                     _("the dead still paid: {programme}").format(programme=row["programme"]),
                     row, [row["programme"]]))
    for row in questions.get("eligible_missing", []):
        rows.append(("eligible_missing", row["register"],
                     _("eligible but missing: {register} ({kind})").format(
                         register=row["register"], kind=register_name(row["kind"])),
                     row, [row["register"]]))
    return rows


def questions_section(body: dict, k) -> tuple[str, str, str] | None:
    questions = body.get("questions")
    rows = answers(questions) if questions else []
    if not rows:
        return None
    counts = body.get("record_counts") or {}
    chart = bar_rows([(name, row["match"], None) for _q, name, _l, row, _lists in rows], k,
                     label=_("the three questions"),
                     total=[counts.get(lists[0]) if lists else None
                            for *_rest, lists in rows])
    head = (_("question"), _("match"), _("possible"))
    table = ["<table><tr>" + "".join(f"<th>{escape(h)}</th>" for h in head) + "</tr>"]
    for question, name, label, row, _lists in rows:
        cells = "".join(f"<td{field_attr(f'questions/{question}/{name}/{band}')}>"
                        f"{escape(count_text(row[band], k))}</td>"
                        for band in ("match", "possible"))
        table.append(f"<tr><td>{escape(label)}</td>{cells}</tr>")
    table.append("</table>")
    return (_("The three questions"),
            _("Double recipients: people whose records are on two or more programmes of one "
              "kind. The dead still paid: programme records whose person is in the death "
              "register. Eligible but missing: records of a population or eligibility register "
              "on no programme (and not in the death register); its <b>possible</b> column "
              "counts those whose only programme record is a possible match. Bars: the match "
              "band, against the list's size."),
            chart + "".join(table) + _by_stratum(questions, rows, k))


def column_name(question: str, name: str) -> str:
    """An answer's short name, heading its column in the tables by stratum."""
    short = {"double_recipients": _("double: {name}"), "dead_still_paid": _("dead: {name}"),
             "eligible_missing": _("missing: {name}")}
    return short[question].format(name=name)


def withheld_note() -> str:
    return _("–: withheld, so that a hidden cell cannot be worked out by subtracting the shown "
             "ones from a total (docs/three-questions.md).")


def mixed_note(questions: dict) -> str:
    """What the page and the terminal say when the lists' strata differed (stratum_mixed)."""
    if questions.get("stratum") is None:
        return _("Some lists carry no stratum: the answers are not broken down by province.")
    return _("The lists carry different strata (some the regency, some the province): the "
             "answers are broken down by province only.")


def _by_stratum(questions: dict, rows, k) -> str:
    """The province table, and with a regency stratum the regency table (folded: up to 514
    rows). A cell the report withholds (stratum_cells: under a hidden total) shows "–"."""
    if all(row.get("by_stratum") is None for *_r, row, _lists in rows):
        return "<p>" + escape(mixed_note(questions)) + "</p>" if questions.get(
            "stratum_mixed") else ""
    head = "".join(f"<th>{escape(column_name(question, name))}</th>"
                   for question, name, *_rest in rows)
    parts = []
    if questions.get("stratum_mixed"):
        parts.append("<p>" + escape(mixed_note(questions)) + "</p>")
    table, withheld = _cell_table(rows, k, head, "by_stratum", "stratum", stratum_label)
    parts += ["<h3>" + escape(_("By province (match band)")) + "</h3>", table]
    if any(row.get("by_regency") is not None for *_r, row, _lists in rows):
        table, more = _cell_table(rows, k, head, "by_regency", "regency", regency_label)
        withheld |= more
        count = len({cell["stratum"] for *_r, row, _lists in rows
                     for cell in row.get("by_regency") or []})
        parts.append("<details><summary>" + escape(_(
            "By regency or city (match band): {count} shown").format(count=number(count)))
            + "</summary>" + table + "</details>")
    if withheld:
        parts.append("<p>" + escape(withheld_note()) + "</p>")
    return "".join(parts)


def _cell_table(rows, k, head: str, key: str, segment: str, label) -> tuple[str, bool]:
    """The table of the rows' `key` cells, and whether it shows a withheld cell."""
    cells: dict[int, dict[int, int | None]] = {}
    for index, (*_r, row, _lists) in enumerate(rows):
        for cell in row.get(key) or []:
            cells.setdefault(int(cell["stratum"]), {})[index] = cell["match"]
    table = ["<table><tr><th>" + escape(_("stratum")) + f"</th>{head}</tr>"]
    withheld = False
    for code in sorted(cells):
        tds = []
        for index, (question, name, _label, row, _lists) in enumerate(rows):
            if index in cells[code]:
                field = f"questions/{question}/{name}/{segment}/{code}"
                tds.append(f"<td{field_attr(field)}>"
                           f"{escape(count_text(cells[code][index], k))}</td>")
            elif is_true_zero(row, key, code):
                tds.append("<td>0</td>")
            else:
                tds.append("<td>–</td>")
                withheld = True
        table.append(f"<tr><td>{escape(label(code))}</td>{''.join(tds)}</tr>")
    table.append("</table>")
    return "".join(table), withheld


def is_true_zero(row: dict, key: str, code: int) -> bool:
    """Whether a code missing from the row's `key` cells is a true 0 (not a withheld cell)."""
    provinces = row.get("by_stratum")
    if provinces is None:
        return False
    whole = bool(provinces) or row.get("match") == 0
    if key == "by_stratum":
        return whole
    shown = {cell["stratum"]: cell["match"] for cell in provinces}
    if code // 100 not in shown:
        return whole
    return shown[code // 100] is not None and any(
        cell["stratum"] // 100 == code // 100 for cell in row.get("by_regency") or [])
