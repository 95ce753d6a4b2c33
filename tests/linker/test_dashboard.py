"""The auditors' dashboard: self-contained, strict CSP, every number equal to the report JSON."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser

import numpy as np
import pytest
from dashboard_fields import expected_fields
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from padan.encoder.encoding_file import open_encoding_file
from padan.linker.charts import count_text, nice_maximum
from padan.linker.dashboard import content_security_policy, render_dashboard
from padan.linker.engine import Party, link
from padan.linker.errors import LinkerError
from padan.linker.synthetic import synthetic_pair

THRESHOLDS = (0.60, 0.65, 0.70, 0.75, 0.80, 0.85, 0.90, 0.95)
AUDIT_OK = {"ok": True, "entries": 1234, "head_hash": "a" * 64, "first_bad_seq": None,
            "reason": None}


class _Fields(HTMLParser):
    """data-field -> text of the element (tags inside it included)."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self.open: list[tuple[str, str | None]] = []
        self.text: dict[int, list[str]] = {}

    def handle_starttag(self, tag, attrs):
        field = dict(attrs).get("data-field")
        self.open.append((tag, field))
        self.text[len(self.open)] = []

    def handle_endtag(self, tag):
        while self.open:
            depth = len(self.open)
            open_tag, field = self.open.pop()
            content = "".join(self.text.pop(depth, []))
            if self.open:
                self.text[len(self.open)].append(content if open_tag != "title" else "")
            if field is not None:
                assert field not in self.fields, f"data-field {field} appears twice"
                self.fields[field] = content
            if open_tag == tag:
                return

    def handle_data(self, data):
        if self.open:
            self.text[len(self.open)].append(data)


def shown_fields(html: str) -> dict[str, str]:
    parser = _Fields()
    parser.feed(html)
    return parser.fields


def sample_report(parties=("DTKS", "KJP", "KIS"), k=5, strata=True) -> dict:
    pairs = [(a, b) for i, a in enumerate(parties) for b in parties[i + 1:]]
    histogram = [0] * 40 + [3, None, 7] + [20 - i // 5 for i in range(50)] + [40, 90, 300, 800,
                                                                            1200, None, 2]
    return {"project_id": "bansos-2026", "run_id": 3, "small_cell_k": k, "report": {
        "parties": list(parties),
        "record_counts": {p: 1000 * (i + 1) for i, p in enumerate(parties)},
        "pairwise": [{"parties": [a, b], "match": 100 + i, "possible": None if i == 1 else 7}
                     for i, (a, b) in enumerate(pairs)],
        "combinations": [{"parties": [p], "count": 500 + i} for i, p in enumerate(parties)]
        + [{"parties": [a, b], "count": None if i == 0 else 40 + i}
           for i, (a, b) in enumerate(pairs)],
        "duplicates": {p: {"groups": 12, "records": 25, "match": 9, "possible": None}
                       for p in parties},
        "sensitivity": [{"threshold": t, "pairwise": [
            {"parties": [a, b], "count": 300 - int(t * 200) + i} for i, (a, b) in enumerate(pairs)]}
            for t in THRESHOLDS],
        "histogram": {"bin_width": 0.01, "floor": 0.4, "counts": histogram, "below_floor": 17},
        "histogram_valley": 0.84, "histogram_valley_counts": [2800, 1900],
        "strata": [{"stratum": s, "party": p, "records": 50 + s, "matched": None if s == 0
                    else 20} for s in (0, 11, 32) for p in parties] if strata else None,
        "comparisons": 1234567, "candidate_pairs": 4321,
        "timings": {"scoring": 1.25, "solving": 0.5, "total": 1.8},
        "passes": [], "suppressed_below": k, "questions": sample_questions(parties, strata)}}


def sample_questions(parties, strata=True) -> dict:
    """Answers as padan.linker.registers writes them, for a death and a population register."""
    cells = (lambda: [{"stratum": 11, "match": 30}, {"stratum": 32, "match": None}]) if strata \
        else (lambda: None)
    return {
        "roles": {p: {"programme": "bansos"} for p in parties},
        "double_recipients": [{"kind": "bansos", "programmes": list(parties[:2]), "match": 41,
                               "possible": None, "by_stratum": cells()}]
        if len(parties) > 1 else [],
        "dead_still_paid": [{"programme": p, "match": 12 + i, "possible": 0,
                             "by_stratum": cells()} for i, p in enumerate(parties)],
        "eligible_missing": [{"register": "PENDUDUK", "kind": "population", "match": 900,
                              "possible": 9, "by_stratum": cells()}]}


# -- self-contained and strict --------------------------------------------------------------------

def test_the_page_loads_nothing_and_runs_nothing():
    page = render_dashboard(sample_report(), AUDIT_OK)
    assert page.startswith("<!doctype html>")
    for forbidden in ("<script", "<link", "<img", "<iframe", "src=", "href=", "url(",
                      "@import", "style=", "on" + "load=", "javascript:"):
        assert forbidden not in page.lower(), forbidden
    addresses = set(re.findall(r"https?://[^\s\"'<>]+", page))
    assert addresses <= {"http://www.w3.org/2000/svg"}


def test_the_policy_allows_exactly_the_pages_own_style_sheet():
    page = render_dashboard(sample_report(), AUDIT_OK)
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert policy == content_security_policy()
    assert "default-src 'none'" in policy and "unsafe-inline" not in policy
    styles = re.findall(r"<style>(.*?)</style>", page, re.S)
    assert len(styles) == 1
    digest = base64.b64encode(hashlib.sha256(styles[0].encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in policy


# -- numbers --------------------------------------------------------------------------------------

@pytest.mark.parametrize("audit", [AUDIT_OK, None,
                                   {"ok": False, "entries": 9, "head_hash": "b" * 64,
                                    "first_bad_seq": 4, "reason": "entry 4 was edited"}])
def test_every_number_shown_equals_the_report(audit):
    report = sample_report()
    assert shown_fields(render_dashboard(report, audit)) == expected_fields(report, audit)


def test_suppressed_cells_show_as_less_than_k_and_never_a_small_number():
    report = sample_report(k=10)   # holds unsuppressed 7s and 9s: the page hides them too
    fields = shown_fields(render_dashboard(report, AUDIT_OK))
    assert fields["pairwise/DTKS/KIS/possible"] == "<10"
    assert fields["combination/DTKS+KJP"] == "<10"
    assert fields["duplicates/KJP/possible"] == "<10"
    assert fields["strata/0/KIS/matched"] == "<10"
    assert fields["duplicates/KJP/match"] == "<10"   # 9 in the JSON
    small = [value for value in fields.values() if value.replace(",", "").isdigit()
             and 0 < int(value.replace(",", "")) < 10]
    assert small == []


def test_the_three_questions_are_answered_by_name_and_province():
    report = sample_report(k=10)
    page = render_dashboard(report, AUDIT_OK)
    fields = shown_fields(page)
    assert 'id="questions"' in page and "PENDUDUK" in page
    assert fields["questions/double_recipients/bansos/match"] == "41"
    assert fields["questions/dead_still_paid/DTKS/match"] == "12"
    assert fields["questions/dead_still_paid/KIS/match"] == "14"
    assert fields["questions/eligible_missing/PENDUDUK/possible"] == "<10"   # 9 in the JSON
    assert fields["questions/eligible_missing/PENDUDUK/stratum/32"] == "<10"
    assert "32 Jawa Barat" in page
    without = sample_report()
    without["report"]["questions"] = None   # reports of earlier versions
    assert 'id="questions"' not in render_dashboard(without, AUDIT_OK)


def test_the_answers_by_regency_are_folded_with_withheld_cells_marked():
    report = sample_report(k=10)
    questions = report["report"]["questions"]
    questions["stratum"] = "regency"
    for row in [*questions["double_recipients"], *questions["eligible_missing"]]:
        row["by_regency"] = []
    (dead, other, *_rest) = questions["dead_still_paid"]
    # as stratum_cells leaves them: DTKS's province 31 shown with its regencies, 32 hidden (its
    # regencies withheld); KJP's 31 shown but its regencies withheld
    dead.update(match=300, by_stratum=[{"stratum": 31, "match": 200},
                                       {"stratum": 32, "match": None},
                                       {"stratum": 33, "match": 90}],
                by_regency=[{"stratum": 3171, "match": 150}, {"stratum": 3172, "match": None},
                            {"stratum": 3173, "match": None}, {"stratum": 3301, "match": 90}])
    other.update(match=120, by_stratum=[{"stratum": 31, "match": 120}], by_regency=[])
    page = render_dashboard(report, AUDIT_OK)
    fields = shown_fields(page)
    assert fields == expected_fields(report, AUDIT_OK)
    assert fields["questions/dead_still_paid/DTKS/regency/3171"] == "150"
    assert fields["questions/dead_still_paid/DTKS/regency/3172"] == "<10"
    assert "<details><summary>" in page and "31.71 Kota Jakarta Pusat" in page
    assert "33.01 Kab. Cilacap" in page
    folded = page[page.index("<details>"):page.index("</details>")]
    # label, then the columns: double, dead DTKS, dead KJP, dead KIS, missing
    rows = [re.findall(r"<td[^>]*>([^<]*)</td>", row) for row in folded.split("<tr>")[2:]]
    cells = {label: rest for label, *rest in rows}
    assert cells["31.71 Kota Jakarta Pusat"] == ["0", "150", "–", "0", "0"]
    assert cells["33.01 Kab. Cilacap"] == ["0", "90", "0", "0", "0"]
    assert "withheld" in page
    questions["stratum_mixed"] = True
    assert "different strata" in render_dashboard(report, AUDIT_OK)


def test_regency_labels_use_the_shipped_table_and_never_guess():
    from padan.linker.provinces import regency_label
    assert regency_label(3204) == "32.04 Kab. Bandung"
    assert regency_label(3273) == "32.73 Kota Bandung"
    assert regency_label(8101) == "81.01"   # Maluku: not in the table, the code alone
    assert regency_label(0) == "unknown"


def test_a_real_run_report_renders_without_any_pseudo_id(tmp_path):
    made = synthetic_pair(tmp_path, 300, 200, 120, seed=5)
    parties = [Party("DTKS", open_encoding_file(made.left)),
               Party("KJP", open_encoding_file(made.right))]
    result = link(parties)
    envelope = {"project_id": "p", "run_id": 1, "small_cell_k": 5,
                "report": result.report.suppressed(5).to_dict()}
    page = render_dashboard(envelope, AUDIT_OK)
    assert shown_fields(page) == expected_fields(envelope, AUDIT_OK)
    for party in parties:
        ids = np.asarray(party.encodings.records["pseudo_id"], np.uint64)
        for pseudo in ids[:50].tolist():
            assert str(pseudo) not in page and f"{pseudo:016x}" not in page


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_report_renders_and_shows_its_own_numbers(data):
    names = data.draw(st.lists(st.sampled_from(["DTKS", "KJP", "KIS", "PKH", "BPNT"]),
                               min_size=1, max_size=4, unique=True))
    count = st.one_of(st.none(), st.integers(0, 10**7))
    report = sample_report(tuple(names), k=data.draw(st.integers(1, 20)),
                           strata=data.draw(st.booleans()))
    body = report["report"]
    body["record_counts"] = {p: data.draw(count) for p in names}
    for row in body["pairwise"] + body["combinations"]:
        for key in ("match", "possible", "count"):
            if key in row:
                row[key] = data.draw(count)
    body["histogram"]["counts"] = data.draw(st.lists(count, min_size=100, max_size=100))
    body["histogram_valley"] = data.draw(st.one_of(st.none(), st.sampled_from([0.55, 0.9])))
    page = render_dashboard(report, AUDIT_OK)
    assert shown_fields(page) == expected_fields(report, AUDIT_OK)


# -- audit chain, thresholds, strata ---------------------------------------------------------------

def test_audit_chain_states_are_stated_plainly():
    broken = {"ok": False, "entries": 9, "head_hash": "b" * 64, "first_bad_seq": 4,
              "reason": "entry 4 was edited"}
    assert "intact" in render_dashboard(sample_report(), AUDIT_OK)
    assert "BROKEN" in render_dashboard(sample_report(), broken)
    assert "entry 4 was edited" in render_dashboard(sample_report(), broken)
    local = render_dashboard(sample_report(), None)
    assert "not checked" in local and "padan link" in local


def test_the_run_thresholds_are_drawn_and_defaults_are_labelled_as_such():
    page = render_dashboard(sample_report(), AUDIT_OK,
                            parameters={"match_threshold": 0.9, "possible_threshold": 0.75})
    assert "match 0.90" in page and "possible 0.75" in page and "defaults" not in page
    assert "padan&#x27;s defaults" in render_dashboard(sample_report(), AUDIT_OK)
    assert "defaults" not in render_dashboard(sample_report(), AUDIT_OK, parameters={})


def test_strata_appear_only_when_the_run_has_them():
    assert 'id="strata"' in render_dashboard(sample_report(strata=True), AUDIT_OK)
    assert 'id="strata"' not in render_dashboard(sample_report(strata=False), AUDIT_OK)


def test_a_bare_overlap_report_is_accepted():
    page = render_dashboard(sample_report()["report"], None)
    assert "local run" in page and "&lt;5" in page   # suppressed_below from the body


def test_names_are_escaped():
    report = sample_report(parties=("A<b>", "C&D"))
    page = render_dashboard(report, AUDIT_OK)
    assert "<b>" not in page.split("</style>")[1].replace("<b>match</b>", "").replace(
        "<b>possible</b>", "").replace("<b>Intact.</b>", "")
    assert "A&lt;b&gt;" in page and "C&amp;D" in page


# -- bad input ------------------------------------------------------------------------------------

def test_a_report_missing_parts_is_refused_naming_them():
    body = sample_report()["report"]
    del body["pairwise"], body["histogram"]
    with pytest.raises(LinkerError, match="pairwise, histogram"):
        render_dashboard({"report": body}, None)


def test_something_that_is_not_a_report_is_refused():
    with pytest.raises(LinkerError, match="JSON object"):
        render_dashboard(["not", "a", "report"], None)  # type: ignore[arg-type]


def test_bad_parameters_are_refused_naming_the_parameter():
    with pytest.raises(LinkerError, match="match_threshold"):
        render_dashboard(sample_report(), None, parameters={"match_threshold": 3})


# -- chart helpers --------------------------------------------------------------------------------

@given(st.floats(0, 1e12, allow_nan=False))
def test_axis_tops_are_round_and_cover_the_value(value):
    top = nice_maximum(value)
    assert top >= value
    scale = 10 ** np.floor(np.log10(top))
    assert round(top / scale, 6) in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10)
    assert top <= max(value * 1.5, 1.0) * (1 + 1e-9)


def test_count_text():
    assert count_text(1234567, 5) == "1,234,567"
    assert count_text(None, 5) == "<5"
    assert count_text(0, 5) == "0"
    assert count_text(4, 5) == "<5" and count_text(5, 5) == "5"
    assert count_text(3, 1) == "3"


def test_strata_show_province_names():
    from padan.linker.provinces import PROVINCE_NAMES, stratum_label

    assert stratum_label(31) == "31 DKI Jakarta" and stratum_label(96) == "96 Papua Barat Daya"
    assert stratum_label(0) == "unknown" and stratum_label(99) == "99"
    assert len(PROVINCE_NAMES) == 38
    html = render_dashboard(sample_report(), None)
    assert "11 Aceh" in html and "32 Jawa Barat" in html and ">unknown<" in html
