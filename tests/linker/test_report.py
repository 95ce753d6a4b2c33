from __future__ import annotations

import json

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from padan.linker.report import OverlapReport, best_match_histogram, valley


def sample_report() -> OverlapReport:
    return OverlapReport(
        parties=("DTKS", "KJP"), record_counts={"DTKS": 1200, "KJP": 3},
        pairwise=[{"parties": ["DTKS", "KJP"], "match": 2, "possible": 0}],
        combinations=[{"parties": ["DTKS"], "count": 1198}, {"parties": ["KJP"], "count": 1},
                      {"parties": ["DTKS", "KJP"], "count": 2}],
        duplicates={"DTKS": {"groups": 4, "records": 9, "match": 3, "possible": 1},
                    "KJP": {"groups": 0, "records": 0, "match": 0, "possible": 0}},
        sensitivity=[{"threshold": 0.6, "pairwise": [{"parties": ["DTKS", "KJP"], "count": 7}]}],
        histogram={"bin_width": 0.01, "floor": 0.4, "counts": [0] * 98 + [3, 12],
                   "below_floor": 1188},
        histogram_valley=0.75, histogram_valley_counts=(1188, 15),
        strata=[{"stratum": 31, "party": "DTKS", "records": 1200, "matched": 2}],
        comparisons=5000, candidate_pairs=9, timings={"total": 1.5})


def test_report_round_trips_through_json():
    report = sample_report()
    again = OverlapReport.from_dict(json.loads(json.dumps(report.to_dict())))
    assert again == report


def test_the_valley_is_named_for_what_it_is_and_old_reports_still_load():
    """The valley is a suggestion, not a threshold the run used: no 'automatic' name. Reports
    stored before the rename (auto_threshold) load unchanged."""
    data = sample_report().to_dict()
    assert data["histogram_valley"] == 0.75 and data["histogram_valley_counts"] == [1188, 15]
    assert not [key for key in data if key.startswith("auto")]
    old = {**data, "auto_threshold": data.pop("histogram_valley"),
           "auto_threshold_counts": data.pop("histogram_valley_counts")}
    assert OverlapReport.from_dict(old) == sample_report()


def test_suppression_hides_small_counts_only():
    hidden = sample_report().suppressed(5)
    assert hidden.record_counts == {"DTKS": 1200, "KJP": None}
    assert hidden.pairwise[0]["match"] is None and hidden.pairwise[0]["possible"] == 0
    assert [c["count"] for c in hidden.combinations] == [1198, None, None]
    assert hidden.duplicates["DTKS"] == {"groups": None, "records": 9, "match": None,
                                         "possible": None}
    assert hidden.sensitivity[0]["pairwise"][0]["count"] == 7
    assert hidden.histogram["counts"][-2:] == [None, 12]
    assert hidden.strata[0]["matched"] is None
    assert hidden.comparisons == 5000 and hidden.suppressed_below == 5
    json.dumps(hidden.to_dict())
    assert OverlapReport.from_dict(hidden.to_dict()) == hidden


def test_valley_of_a_bimodal_histogram():
    rng = np.random.default_rng(0)
    best = np.concatenate([rng.normal(0.5, 0.04, 3000), rng.normal(0.92, 0.03, 1000)])
    best = np.clip(best, 0, 1).astype(np.float32)
    histogram = best_match_histogram(best, 0.3)
    threshold, (below, above) = valley(histogram)
    assert threshold is not None and 0.62 <= threshold <= 0.8
    assert below + above == 4000
    assert abs(above - 1000) < 30


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(0.0, 1.0, width=32), max_size=200))
def test_histogram_counts_every_record_once(scores):
    best = np.array([*scores, -1.0], np.float32)
    histogram = best_match_histogram(best, 0.4)
    assert sum(histogram["counts"]) + histogram["below_floor"] == len(best)
    _, (below, above) = valley(histogram)
    assert below + above == len(best)


def test_unimodal_histogram_has_no_threshold():
    best = np.full(100, 0.95, np.float32)
    assert valley(best_match_histogram(best, 0.4))[0] is None


def test_every_run_parameter_is_documented():
    import dataclasses
    from pathlib import Path

    from padan.linker.parameters import LinkParameters

    text = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text()
    for field in dataclasses.fields(LinkParameters):
        assert f"`{field.name}`" in text, f"docs/api.md does not document {field.name}"
