"""The auditors' dashboard: one self-contained HTML page of an overlap report.

    html = render_dashboard(report_public_dict, audit_status_dict)

`report` is what GET /projects/{id}/runs/{run}/report answers (project_id, run_id,
small_cell_k, report) or a bare OverlapReport dict (`padan link` writes one). The page holds
counts only, with cells below k already suppressed by the caller (shown as "<k"); it names
agencies but never a record, pseudo-id or score of a record. Charts are inline SVG drawn here; the
page loads nothing (no script at all, no font, image or style from anywhere), and its
Content-Security-Policy says so: `default-src 'none'` and one style sheet allowed by its hash.
Every number is marked data-field="<path>" (see padan.linker.charts) so tests compare the page
with the JSON.
"""

from __future__ import annotations

import base64
import hashlib
from html import escape

from padan.i18n import _, current_language, decimal, number, use_language
from padan.linker.charts import (
    MatrixCell,
    bar_rows,
    combination_chart,
    count_text,
    field_attr,
    histogram,
    match_weights,
    overlap_matrix,
    threshold_lines,
)
from padan.linker.dashboard_questions import questions_section
from padan.linker.errors import LinkerError
from padan.linker.parameters import LinkParameters
from padan.linker.provinces import stratum_label

__all__ = ["content_security_policy", "render_dashboard"]

_REQUIRED = ("parties", "record_counts", "pairwise", "combinations", "duplicates",
             "sensitivity", "histogram")

STYLE = """
:root { color-scheme: light; --ink: #1a202c; --muted: #5a6577; --line: #d8dee8;
  --paper: #f5f7fa; --card: #ffffff; --accent: #2b6cb0; --good: #276749; --bad: #c53030; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--ink); background: var(--paper); }
header { background: #1f3a5f; color: #fff; padding: 20px 32px 18px; }
header h1 { margin: 0 0 4px; font-size: 22px; font-weight: 600; }
header p { margin: 0; color: #d5e2f2; }
main { max-width: 1180px; margin: 0 auto; padding: 20px 24px 40px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 12px;
  margin-bottom: 18px; }
.card, section { background: var(--card); border: 1px solid var(--line); border-radius: 8px; }
.card { padding: 12px 16px; }
.card .label { color: var(--muted); font-size: 12px; text-transform: uppercase;
  letter-spacing: .04em; }
.card .value { font-size: 24px; font-weight: 600; margin-top: 2px; }
.card .note { color: var(--muted); font-size: 12px; }
.ok { color: var(--good); } .broken { color: var(--bad); } .unknown { color: var(--muted); }
section { padding: 16px 20px 18px; margin-bottom: 18px; overflow-x: auto; }
section h2 { font-size: 17px; margin: 0 0 4px; }
section p.explain { margin: 0 0 12px; color: var(--muted); max-width: 900px; }
.grid-2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr));
  gap: 18px; }
.grid-2 > section { margin-bottom: 0; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; margin-top: 8px; }
th, td { padding: 4px 10px; border-bottom: 1px solid var(--line); text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { font-weight: 600; color: var(--muted); font-size: 12px; }
tr.chosen td { background: #ebf4ff; font-weight: 600; }
code { font-size: 12px; word-break: break-all; }
footer { color: var(--muted); font-size: 12px; margin-top: 8px; }
svg.chart { display: block; max-width: 100%; height: auto; font-size: 12px; }
svg text { fill: var(--ink); }
.axis-name { font-weight: 600; }
.axis-title, .tick, .cell-sub, .marker-label, .legend { fill: var(--muted); font-size: 11px; }
.cell-main { font-size: 18px; font-weight: 600; }
.cell-main.on-dark, .cell-sub.on-dark { fill: #fff; }
.cell-self { fill: #edf2f7; }
.bar { fill: var(--accent); }
.bar-total { fill: #dbe6f3; }
.bar-suppressed { fill: #a0aec0; }
.bar-against { fill: #c05621; }
.bar-label { font-weight: 600; font-size: 11px; }
.grid { stroke: #e7ebf1; stroke-width: 1; }
.axis { stroke: #a0aec0; stroke-width: 1; }
.band { fill: #f4f6f9; }
.dot-on { fill: #1f3a5f; }
.dot-off { fill: #d5dbe4; }
.connector { stroke: #1f3a5f; stroke-width: 3; }
.marker { stroke: #c05621; stroke-width: 1.5; stroke-dasharray: 4 3; }
.marker-valley { stroke: #6b46c1; }
.marker-label { fill: #9c4221; }
"""


def _style_hash(style: str) -> str:
    return base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()


def content_security_policy() -> str:
    """Nothing may load or run; only the page's own style sheet (by hash) applies."""
    return (f"default-src 'none'; style-src 'sha256-{_style_hash(STYLE)}'; img-src 'none'; "
            "base-uri 'none'; form-action 'none'")


def _unwrap(report: dict) -> tuple[dict, dict]:
    """(envelope, report body) from a ReportPublic dict or a bare OverlapReport dict."""
    if not isinstance(report, dict):
        raise LinkerError(_("the dashboard needs the report as a JSON object"))
    body = report.get("report", report)
    missing = [key for key in _REQUIRED if key not in body]
    if missing:
        raise LinkerError(_("the report lacks {keys}; is it an overlap report (padan report "
                            "--format json, or report.json from padan link)?").format(
                                keys=", ".join(missing)))
    return report, body


def _thresholds(envelope: dict, body: dict, parameters: dict | None) -> tuple[LinkParameters,
                                                                               bool]:
    given = parameters if parameters is not None else (
        envelope.get("parameters") if envelope.get("parameters") is not None
        else body.get("parameters"))
    if given is None:
        return LinkParameters(), False
    return LinkParameters.from_dict(dict(given)), True


def render_dashboard(report: dict, audit_status: dict | None = None, *,
                     parameters: dict | None = None, lang: str | None = None) -> str:
    """One self-contained HTML page (see the module docstring).

    audit_status is GET /audit/verify's answer ({ok, entries, head_hash, first_bad_seq, reason})
    or None where there is no audit log (a local `padan link`). parameters are the run's
    LinkParameters as a dict; without them the thresholds drawn are the defaults, and the page
    says so. lang: "id" or "en" (default: the process's language, padan.i18n); numbers are
    written as that language writes them (12.345 and 0,95 in Indonesian).
    """
    with use_language(lang):
        return _page(report, audit_status, parameters)


def _page(report: dict, audit_status: dict | None, parameters: dict | None) -> str:
    envelope, body = _unwrap(report)
    params, given = _thresholds(envelope, body, parameters)
    k = envelope.get("small_cell_k") or body.get("suppressed_below")
    parties = [str(p) for p in body["parties"]]
    project = envelope.get("project_id")
    run = envelope.get("run_id")
    heading = (_("Overlap report — {project}").format(project=project) if project
               else _("Overlap report"))
    subtitle = " · ".join(filter(None, [
        _("run {run}").format(run=run) if run is not None else _("local run (padan link)"),
        _("{count} agencies: {names}").format(count=len(parties), names=", ".join(parties)),
        _("counts below {k} suppressed (shown as <{k})").format(k=k) if k and k > 1
        else _("no suppression"),
    ]))
    sections = [
        _cards(body, parties, k, audit_status),
        _pairwise(body, parties, k),
        _combinations(body, parties, k),
        '<div class="grid-2">' + _duplicates(body, parties, k) + _audit(audit_status) + "</div>",
        _sensitivity(body, params, given, k),
        _histogram(body, params, given, k),
        _match_model(body, k),
        _strata(body, parties, k),
        _questions(body, k),
        _run_facts(body, params, given),
    ]
    return (
        f'<!doctype html>\n<html lang="{current_language()}"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{content_security_policy()}">'
        '<meta name="referrer" content="no-referrer">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(heading)}</title><style>{STYLE}</style></head><body>"
        f"<header><h1>{escape(heading)}</h1><p>{escape(subtitle)}</p></header><main>"
        + "".join(sections)
        + "<footer>" + escape(_("Made by padan from the run's report: counts only, no record, "
                                "pseudo-id or similarity of any person. Hover a bar or cell for "
                                "its exact value.")) + "</footer></main></body></html>\n")


# -- sections ----------------------------------------------------------------------------------

def _section(title: str, explain: str, content: str, anchor: str) -> str:
    return (f'<section id="{anchor}"><h2>{escape(title)}</h2>'
            f'<p class="explain">{explain}</p>{content}</section>')


def _card(label: str, value: str, note: str = "", cls: str = "", field: str | None = None):
    klass = f" {cls}" if cls else ""
    return (f'<div class="card"><div class="label">{escape(label)}</div>'
            f'<div class="value{klass}"{field_attr(field)}>{escape(value)}</div>'
            f'<div class="note">{escape(note)}</div></div>')


def _cards(body: dict, parties: list[str], k, audit_status: dict | None) -> str:
    counts = body["record_counts"]
    known = [counts[p] for p in parties if counts.get(p) is not None]
    several = [c["count"] for c in body["combinations"] if len(c["parties"]) > 1]
    shared = sum(c for c in several if c is not None)
    hidden = any(c is None for c in several)
    valley = body.get("histogram_valley")
    cards = [
        _card(_("records"), number(sum(known)),
              _("in {count} lists").format(count=len(parties))),
        _card(_("people on 2+ lists"), ("≥ " if hidden else "") + number(shared),
              _("groups holding records of more than one agency")),
        _card(_("histogram valley"), _("none") if valley is None else decimal(valley),
              _("where the similarity histogram is lowest between its two modes: a suggestion "
                "for the match threshold, not used by this run"),
              field="histogram_valley"),
    ]
    if audit_status is None:
        cards.append(_card(_("audit chain"), _("not checked"), _("local run: no audit log"),
                           "unknown"))
    elif audit_status.get("ok"):
        cards.append(_card(_("audit chain"), _("intact"), _("{count} entries verified").format(
            count=number(audit_status.get("entries", 0))), "ok"))
    else:
        cards.append(_card(_("audit chain"), _("BROKEN"), _("at entry {seq}").format(
            seq=audit_status.get("first_bad_seq")), "broken"))
    return '<div class="cards">' + "".join(cards) + "</div>"


def _pairwise(body: dict, parties: list[str], k) -> str:
    counts = body["record_counts"]
    cells = {}
    for row in body["pairwise"]:
        a, b = row["parties"]
        together = (row["match"] or 0) + (row["possible"] or 0)
        smaller = min((counts.get(a) or 0), (counts.get(b) or 0)) or 1
        cells[(a, b)] = MatrixCell(row["match"], row["possible"], together / smaller)
    chart = overlap_matrix(parties, counts, cells, k)
    return _section(
        _("Pairwise overlap"),
        _("For each pair of agencies: the people found on both lists, in the <b>match</b> band "
          "(large number) and the <b>possible</b> band (below it). The diagonal holds each "
          "list's size. The shade is the overlap as a share of the smaller list."),
        chart, "pairwise")


def _combinations(body: dict, parties: list[str], k) -> str:
    combos = [(tuple(c["parties"]), c["count"]) for c in body["combinations"]]
    combos.sort(key=lambda item: (-(item[1] if item[1] is not None else -1), len(item[0])))
    chart = combination_chart(parties, combos, k)
    return _section(
        _("People per combination of agencies"),
        _("UpSet-style: each bar counts the people whose records were found on exactly the "
          "agencies marked by the dots below it (one dot: on that list only). Largest first."),
        chart, "combinations")


def _duplicates(body: dict, parties: list[str], k) -> str:
    dup = body["duplicates"]
    rows = [(p, dup.get(p, {}).get("records"), None) for p in parties]  # fields: the table
    chart = bar_rows(rows, k, label=_("records in within-list duplicate groups"),
                     total=[body["record_counts"].get(p) for p in parties])
    headings = (_("agency"), _("groups"), _("records"), _("match"), _("possible"))
    table = ["<table><tr>" + "".join(f"<th>{escape(h)}</th>" for h in headings) + "</tr>"]
    for p in parties:
        mine = dup.get(p, {})
        cells = "".join(f"<td{field_attr(f'duplicates/{p}/{key}')}>"
                        f"{escape(count_text(mine.get(key), k))}</td>"
                        for key in ("groups", "records", "match", "possible"))
        table.append(f"<tr><td>{escape(p)}</td>{cells}</tr>")
    table.append("</table>")
    return _section(
        _("Duplicates within each list"),
        _("Records of one agency that appear to be the same person (bar: records in such "
          "groups; pale bar: the list's size). Groups by band in the table."),
        chart + "".join(table), "duplicates")


def _audit(audit_status: dict | None) -> str:
    if audit_status is None:
        text = ('<p class="unknown">' + _("No audit log: this report comes from a local run "
                                          "(<code>padan link</code>), not from the linker "
                                          "service.") + "</p>")
    elif audit_status.get("ok"):
        head = str(audit_status.get("head_hash", ""))
        entries = (f'<span data-field="audit/entries">'
                   f"{number(int(audit_status.get('entries', 0)))}</span>")
        text = ('<p class="ok">' + _("<b>Intact.</b> {entries} entries recomputed; each holds "
                                     "the hash of the one before.").format(entries=entries)
                + "</p><p>" + _("Head hash {hash}. Record it elsewhere: an entry cut off the "
                                "end shows only against it.").format(
                                    hash=f"<code>{escape(head)}</code>") + "</p>")
    else:
        seq = (f'<span data-field="audit/first_bad_seq">'
               f"{escape(str(audit_status.get('first_bad_seq')))}</span>")
        reason = escape(str(audit_status.get("reason") or _("unknown reason")))
        text = ('<p class="broken">' + _("<b>Broken</b> at entry {seq}: {reason}.").format(
                    seq=seq, reason=reason)
                + "</p><p>" + _("An entry was edited or deleted: do not rely on this log; tell "
                                "the coordinator and the other auditors.") + "</p>")
    return _section(_("Audit chain"), _("The service's append-only, hash-chained log of every "
                                        "action, verified when this page was made."),
                    text, "audit")


def _threshold_note(params: LinkParameters, given: bool) -> str:
    note = _("match from {match}, possible from {possible}").format(
        match=decimal(params.match_threshold), possible=decimal(params.possible_threshold))
    return note if given else note + " " + _("(padan's defaults: the run's own parameters were "
                                             "not given)")


def _sensitivity(body: dict, params: LinkParameters, given: bool, k) -> str:
    steps = body["sensitivity"]
    if not steps:
        return ""
    thresholds = [float(s["threshold"]) for s in steps]
    pairs = [tuple(r["parties"]) for r in steps[0]["pairwise"]]
    series = []
    for pair in pairs:
        points = []
        for step in steps:
            found = next((r for r in step["pairwise"] if tuple(r["parties"]) == pair), None)
            points.append(None if found is None else found["count"])
        series.append((" & ".join(pair), points))
    chart = threshold_lines(thresholds, series,
                            [(params.possible_threshold, _("possible")),
                             (params.match_threshold, _("match"))],
                            label=_("pairwise counts by threshold"))
    table = ["<table><tr><th>" + escape(_("threshold")) + "</th>"
             + "".join(f"<th>{escape(' & '.join(p))}</th>" for p in pairs) + "</tr>"]
    for step, t in zip(steps, thresholds, strict=True):
        chosen = ' class="chosen"' if abs(t - params.match_threshold) < 1e-9 else ""
        cells = []
        for pair in pairs:
            found = next((r for r in step["pairwise"] if tuple(r["parties"]) == pair), {})
            field = f"sensitivity/{t:.2f}/{pair[0]}/{pair[1]}"
            cells.append(f"<td{field_attr(field)}>{escape(count_text(found.get('count'), k))}"
                         "</td>")
        table.append(f"<tr{chosen}><td>{decimal(t)}</td>{''.join(cells)}</tr>")
    table.append("</table>")
    return _section(
        _("Sensitivity to the threshold"),
        _("How many people each pair of agencies would share if a single threshold were used "
          "(every pair at or above it counts). Thresholds of this run: {thresholds}; the "
          "highlighted row is the match threshold.").format(
              thresholds=escape(_threshold_note(params, given))),
        chart + "".join(table), "sensitivity")


def _histogram(body: dict, params: LinkParameters, given: bool, k) -> str:
    hist = body["histogram"]
    markers = [(params.possible_threshold,
                _("possible {threshold}").format(threshold=decimal(params.possible_threshold))),
               (params.match_threshold,
                _("match {threshold}").format(threshold=decimal(params.match_threshold)))]
    suggested = body.get("histogram_valley")
    if suggested is not None:
        markers.append((float(suggested),
                        _("valley {threshold}").format(threshold=decimal(suggested))))
    chart = histogram(hist["counts"], float(hist["bin_width"]), float(hist["floor"]), markers,
                      k, label=_("similarity histogram"),
                      valley=None if suggested is None else float(suggested))
    either = body.get("histogram_valley_counts") or [None, None]
    below = (f'<span data-field="histogram/below_floor">'
             f"{escape(count_text(hist.get('below_floor'), k))}</span>")
    valley = ""
    if suggested is not None:
        valley = " " + _("The valley at {threshold} splits the records into {below} below and "
                         "{above} at or above it. It is a suggestion only: the run linked at "
                         "the thresholds above.").format(
            threshold=decimal(suggested),
            below=(f'<span data-field="histogram_valley_counts/0">'
                   f"{escape(count_text(either[0], k))}</span>"),
            above=(f'<span data-field="histogram_valley_counts/1">'
                   f"{escape(count_text(either[1], k))}</span>"))
    return _section(
        _("Similarity histogram"),
        _("Each record's best Dice similarity to any record of another agency: true matches "
          "pile up near 1, different people lower down. Dashed lines: the run's thresholds "
          "({thresholds}). {below} records had no candidate at or above {floor} and are not "
          "drawn.").format(thresholds=escape(_threshold_note(params, given)), below=below,
                           floor=decimal(float(hist["floor"]))) + valley,
        chart, "histogram")


def _match_model(body: dict, k) -> str:
    model = body.get("match_model")
    if not model:
        return ""
    rows = [(f"{comparison['name']}: {level['label']}", float(level["weight"]))
            for comparison in model["comparisons"] for level in comparison["levels"]
            if level["m"] > 1e-4 or level["u"] > 1e-4]   # levels this run saw
    weights = match_weights(rows, label=_("match weights"))
    histogram_ = model.get("probability_histogram")
    spread = ""
    if histogram_:
        width = float(histogram_["bin_width"])
        spread = bar_rows([(f"{decimal(i * width)}–{decimal((i + 1) * width)}", count,
                            f"match_model/probability_histogram/counts/{i}")
                           for i, count in enumerate(histogram_["counts"])], k,
                          label=_("match probabilities"))
    return _section(
        _("Match model"),
        _("The run scored each candidate pair with a model it learnt from its own pairs "
          "(Fellegi–Sunter, fitted by EM without any truth): each level of each comparison "
          "weighs for or against a match, in bits; a pair's weights add up to its match "
          "probability. Share of matches among the candidate pairs: {prior}; linked from "
          "probability {threshold}. Below: how many candidate pairs got each probability "
          "(pairs the name rule refused are left out).").format(
              prior=decimal(float(model["prior"]), 2),
              threshold=decimal(float(model["match_threshold"]), 2)),
        weights + spread, "match-model")


def _strata(body: dict, parties: list[str], k) -> str:
    rows = body.get("strata")
    if not rows:
        return ""
    by_stratum: dict[int, dict[str, dict]] = {}
    for row in rows:
        by_stratum.setdefault(int(row["stratum"]), {})[row["party"]] = row
    matched, records = _("{agency} matched"), _("{agency} records")
    head = "".join(f"<th>{escape(matched.format(agency=p))}</th>"
                   f"<th>{escape(records.format(agency=p))}</th>" for p in parties)
    table = ["<table><tr><th>" + escape(_("stratum")) + f"</th>{head}</tr>"]
    for stratum in sorted(by_stratum):
        cells = []
        for p in parties:
            row = by_stratum[stratum].get(p)
            for key in ("matched", "records"):
                value = "" if row is None else count_text(row.get(key), k)
                field = None if row is None else f"strata/{stratum}/{p}/{key}"
                cells.append(f"<td{field_attr(field)}>{escape(value)}</td>")
        table.append(f"<tr><td>{escape(stratum_label(stratum))}</td>{''.join(cells)}</tr>")
    table.append("</table>")
    return _section(
        _("By stratum"),
        _("Records per coarse stratum carried in the encodings (the province of the NIK's "
          "region; unknown = no valid NIK), and how many of them were found on another "
          "agency's list."),
        "".join(table), "strata")


def _questions(body: dict, k) -> str:
    shown = questions_section(body, k)
    return "" if shown is None else _section(*shown, "questions")


def _run_facts(body: dict, params: LinkParameters, given: bool) -> str:
    timings = body.get("timings") or {}
    facts = [(_("comparisons"), number(int(body.get("comparisons") or 0)), "comparisons"),
             (_("candidate pairs kept"), number(int(body.get("candidate_pairs") or 0)),
              "candidate_pairs"),
             (_("thresholds"), _threshold_note(params, given), None),
             (_("blocking"), ", ".join(params.blocking), None)]
    facts += [(_("time: {step}").format(step=name),
               _("{seconds} s").format(seconds=decimal(float(value))), None)
              for name, value in timings.items()]
    rows = "".join(f"<tr><td>{escape(label)}</td><td{field_attr(field)}>{escape(value)}</td>"
                   "</tr>" for label, value, field in facts)
    return _section(_("About this run"), _("Operational figures of the run (no personal data)."),
                    f"<table>{rows}</table>", "run")
