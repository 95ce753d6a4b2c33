"""The three questions of a report (padan.linker.registers) as a table for the terminal.

Shared by `padan link`, `padan report` and `padan demo`: double recipients, the dead still paid,
the eligible who are missing, with the match and possible bands apart and "<k" for suppressed
counts. The split by province is in the JSON report and on the dashboard.
"""

from __future__ import annotations

from rich.table import Column, Table

from padan.cli.tables import readable
from padan.i18n import _, number
from padan.linker.registers import register_name


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


def questions_table(envelope: dict) -> Table | None:
    """The answers of a report envelope (None: the report has none to show)."""
    report, k = envelope["report"], envelope.get("small_cell_k")
    questions = report.get("questions")
    rows = question_rows(questions) if questions else []
    if not rows:
        return None

    def shown(value) -> str:
        return f"<{k}" if value is None else number(value)

    table = Table(_("question"), _("lists"), Column(_("match"), justify="right"),
                  Column(_("possible"), justify="right"),
                  title=_("the three questions (by province: report.json and the dashboard)"))
    for question, lists, match, possible in rows:
        table.add_row(question, lists, shown(match), shown(possible))
    return readable(table)
