"""What the auditors' dashboard must show for each data-field, computed from the report JSON alone.

Shared by the HTML test (tests/linker/test_dashboard.py) and the Chromium test
(tests/browser/test_dashboard_browser.py), so both hold the page to one expectation.
"""

from __future__ import annotations

from padan.i18n import _, decimal, number


def shown(value, k) -> str:
    """The documented rule: suppressed (None) and any count from 1 to k-1 show as "<k"; counts
    as the current language writes them (12,345 in English, 12.345 in Indonesian)."""
    return f"<{k}" if value is None or 0 < value < k else number(value)


def expected_fields(envelope: dict, audit: dict | None = None) -> dict[str, str]:
    """What the page must show for each data-field, computed from the JSON alone."""
    report, k = envelope["report"], envelope["small_cell_k"]
    want = {f"records/{p}": shown(c, k) for p, c in report["record_counts"].items()}
    for row in report["pairwise"]:
        a, b = row["parties"]
        want[f"pairwise/{a}/{b}/match"] = shown(row["match"], k)
        want[f"pairwise/{a}/{b}/possible"] = shown(row["possible"], k)
    for row in report["combinations"]:
        want[f"combination/{'+'.join(row['parties'])}"] = shown(row["count"], k)
    for party, row in report["duplicates"].items():
        for key in ("groups", "records", "match", "possible"):
            want[f"duplicates/{party}/{key}"] = shown(row[key], k)
    for step in report["sensitivity"]:
        for row in step["pairwise"]:
            a, b = row["parties"]
            want[f"sensitivity/{step['threshold']:.2f}/{a}/{b}"] = shown(row["count"], k)
    want["histogram/below_floor"] = shown(report["histogram"]["below_floor"], k)
    valley = report["histogram_valley"]
    want["histogram_valley"] = _("none") if valley is None else decimal(valley)
    if valley is not None:
        for index, count in enumerate(report["histogram_valley_counts"]):
            want[f"histogram_valley_counts/{index}"] = shown(count, k)
    for row in report["strata"] or []:
        for key in ("records", "matched"):
            want[f"strata/{row['stratum']}/{row['party']}/{key}"] = shown(row[key], k)
    model = report.get("match_model") or {}
    for index, count in enumerate(model.get("probability_histogram", {}).get("counts", [])):
        want[f"match_model/probability_histogram/counts/{index}"] = shown(count, k)
    questions = report.get("questions") or {}
    for key, name_key in (("double_recipients", "kind"), ("dead_still_paid", "programme"),
                          ("eligible_missing", "register")):
        for row in questions.get(key, []):
            for band in ("match", "possible"):
                want[f"questions/{key}/{row[name_key]}/{band}"] = shown(row[band], k)
            for level, segment in (("by_stratum", "stratum"), ("by_regency", "regency")):
                for cell in row.get(level) or []:
                    want[f"questions/{key}/{row[name_key]}/{segment}/{cell['stratum']}"] = shown(
                        cell["match"], k)
    want["comparisons"] = number(report["comparisons"])
    want["candidate_pairs"] = number(report["candidate_pairs"])
    if audit is not None and audit["ok"]:
        want["audit/entries"] = number(audit["entries"])
    if audit is not None and not audit["ok"]:
        want["audit/first_bad_seq"] = str(audit["first_bad_seq"])
    return want
