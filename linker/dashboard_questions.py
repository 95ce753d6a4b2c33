"""The dashboard's section on the three questions (padan.linker.registers): HTML, counts only.

    title, explain, content = questions_section(report_body, k)   # None: nothing to show

Each answer (double recipients, the dead still paid, the eligible who are missing) gets a bar
(its match-band count, the list's size behind it) and a table row with both bands; a second
table splits the match band by stratum (province). Every number is marked
data-field="questions/<question>/<name>/<match|possible>" or
"questions/<question>/<name>/stratum/<code>", so tests compare the page with the JSON.
"""

from __future__ import annotations

from html import escape

from padan.i18n import _
from padan.linker.charts import bar_rows, count_text, field_attr
from padan.linker.provinces import stratum_label
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
            chart + "".join(table) + _by_stratum(rows, k))


def _by_stratum(rows, k) -> str:
    if all(row.get("by_stratum") is None for *_r, row, _lists in rows):
        return ""
    cells: dict[int, dict[int, int | None]] = {}
    for index, (*_r, row, _lists) in enumerate(rows):
        for cell in row.get("by_stratum") or []:
            cells.setdefault(int(cell["stratum"]), {})[index] = cell["match"]
    short = {"double_recipients": _("double: {name}"), "dead_still_paid": _("dead: {name}"),
             "eligible_missing": _("missing: {name}")}
    head = "".join(f"<th>{escape(short[question].format(name=name))}</th>"
                   for question, name, *_rest in rows)
    table = ["<table><tr><th>" + escape(_("stratum")) + f"</th>{head}</tr>"]
    for stratum in sorted(cells):
        tds = []
        for index, (question, name, *_rest) in enumerate(rows):
            if index not in cells[stratum]:
                tds.append("<td>0</td>")
                continue
            field = f"questions/{question}/{name}/stratum/{stratum}"
            tds.append(f"<td{field_attr(field)}>"
                       f"{escape(count_text(cells[stratum][index], k))}</td>")
        table.append(f"<tr><td>{escape(stratum_label(stratum))}</td>{''.join(tds)}</tr>")
    table.append("</table>")
    return ("<h3>" + escape(_("By province (match band)")) + "</h3>" + "".join(table))
