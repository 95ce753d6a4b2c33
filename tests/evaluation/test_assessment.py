"""assess() on small synthetic lists: the real engine measured against the truth."""

from itertools import pairwise

import numpy as np
import pytest

from padan.evaluation.assessment import (
    CURVE_THRESHOLDS,
    PROBABILITY_THRESHOLDS,
    assess,
    candidate_edges,
    true_rows,
)
from padan.evaluation.datasets import generate_synthetic, synthetic_parties
from padan.evaluation.labelled import encode_labelled
from padan.linker.parameters import LinkParameters
from padan.synth import SynthConfig, parse_agencies

SECRET = b"evaluation-test-secret-32-bytes!"


@pytest.fixture(scope="module")
def assessment(small_parties):
    return assess(small_parties)


def test_links_on_moderate_dirt_are_mostly_right(assessment):
    assert assessment.links.recall > 0.85
    assert assessment.links.precision > 0.85
    assert assessment.curve.best.quality.f1 >= assessment.links.f1 - 1e-9


@pytest.fixture(scope="module")
def by_dice(small_parties):
    return assess(small_parties, LinkParameters(scoring="dice"), with_blocking=False)


def test_the_curve_covers_every_threshold(assessment, by_dice):
    # the default scores by the match model: its curve runs over match probabilities
    assert assessment.match_model is not None and by_dice.match_model is None
    for result, thresholds in ((assessment, PROBABILITY_THRESHOLDS), (by_dice, CURVE_THRESHOLDS)):
        assert [p.threshold for p in result.curve.points] == list(thresholds)
        recalls = [p.quality.recall for p in result.curve.points]
        assert all(a >= b - 1e-12 for a, b in pairwise(recalls)), \
            "recall cannot rise with the threshold"


@pytest.mark.parametrize("params", [
    LinkParameters(scoring="dice", match_threshold=0.80, possible_threshold=0.80),
    LinkParameters(match_probability=0.5, possible_probability=0.5)])
def test_curve_at_the_match_threshold_equals_the_engine(small_parties, params):
    at = params.match_threshold if params.scoring == "dice" else params.match_probability
    result = assess(small_parties, params, thresholds=(at,), with_blocking=False)
    # same blocking, same scores, same greedy solver: the curve's point is the engine's result
    assert result.curve.points[0].quality == result.links


def test_blocking_rows_include_the_union(assessment):
    union = [r for r in assessment.blocking if r.name == "union"]
    assert len(union) == 1
    assert union[0].pair_completeness > 0.95
    assert 0.0 < union[0].reduction_ratio < 1.0


def test_the_histogram_valley_is_compared_with_the_best(assessment):
    if assessment.histogram_valley is not None:
        assert assessment.valley_distance == pytest.approx(
            abs(assessment.histogram_valley - assessment.best_threshold))
    data = assessment.to_dict()
    assert set(data) >= {"links", "groups", "duplicates", "curve", "blocking", "histogram_valley",
                         "valley_distance", "valley_f1", "match_threshold"}
    assert not [key for key in data if key.startswith("auto")]
    assert data["match_threshold"] == assessment.used_threshold
    assert data["match_model"]["match_threshold"] == assessment.used_threshold


def test_clean_copies_link_perfectly(schema):
    lists = generate_synthetic(SynthConfig(seed=5, population=3000,
                                           agencies=parse_agencies("A:400,B:400"), dirt="none",
                                           duplicate_rate=0.0))
    result = assess(synthetic_parties(lists, schema, SECRET), with_blocking=False)
    assert result.links.f1 > 0.99
    assert result.curve.best.quality.f1 > 0.99


def test_lists_without_common_people(schema):
    lists = generate_synthetic(SynthConfig(seed=5, population=3000, overlap=0.0,
                                           agencies=parse_agencies("A:300,B:300"), dirt="none",
                                           duplicate_rate=0.0))
    parties = synthetic_parties(lists, schema, SECRET)
    result = assess(parties, with_blocking=False)
    assert result.links.false_negatives == 0
    assert result.links.false_positives < 5
    assert result.duplicates.false_negatives == 0


def test_true_rows_and_candidate_edges(small_parties):
    left, right = small_parties
    rows_left, rows_right = true_rows(left.entity, right.entity)
    assert np.all(left.entity[rows_left] == right.entity[rows_right])
    edges = candidate_edges(small_parties, LinkParameters(), floor=0.5)
    assert len(edges) > 0 and np.all(edges.score >= 0.5)
    codes = np.minimum(edges.a, edges.b) * 10**6 + np.maximum(edges.a, edges.b)
    assert len(np.unique(codes)) == len(codes), "each pair once"


def test_encode_labelled_refuses_ragged_columns(schema):
    with pytest.raises(ValueError, match="nama"):
        encode_labelled("X", {"nama": ["a", "b"], "nik": ["1"]}, [1], schema, SECRET)
