"""A record whose name is missing still links across lists when everything else stands in for
the name: the same valid NIK, the same birthdate, and the address or the mother's name and
birthplace agreeing closely. The NIK pass brings such pairs (the kernel, scoring the empty name
segment 0, keeps none); the match model's rule decides them; an incremental run does the same.
And the rule's other edge: a pair found through the family card alone needs a closer name."""

from __future__ import annotations

import numpy as np
import pytest
from test_incremental import assert_same_result

from padan.encoder.default_schema import default_schema
from padan.encoder.normalise import normalise_nik
from padan.encoder.normalise.result import Status
from padan.evaluation.assessment import _labels
from padan.evaluation.datasets import generate_synthetic, synthetic_columns
from padan.evaluation.labelled import encode_labelled
from padan.evaluation.truth import global_numbers
from padan.linker.blocking import PassSpec, nameless_pairs
from padan.linker.comparison import IDENTITY_LEVELS, Comparison, ComparisonVectors
from padan.linker.engine import link
from padan.linker.incremental import update
from padan.linker.model_scoring import HOUSEHOLD_NAME_FLOOR, name_agrees
from padan.linker.results import MATCH
from padan.synth import SynthConfig, parse_agencies

SCHEMA = default_schema("nameless-test")
SECRET = b"nameless-pairs-test-secret-32-b!"
OTHERS = ("tempat_lahir", "alamat", "nama_ibu")


def test_nameless_pairs_are_the_bucket_pairs_with_an_empty_side():
    filters = np.array([[1], [0], [2], [4], [0], [8]], np.uint64)
    # buckets: left rows [0, 2) x right [0, 1); left [2, 3) x right [1, 3); left [3, 4) x none
    left_ranges = np.array([[0, 2], [2, 3], [3, 4]])
    right_ranges = np.array([[0, 1], [1, 3], [3, 3]])
    right = np.array([[16], [0], [32]], np.uint64)
    spec = PassSpec("identity", 0, "segment:nama_nik", (0, 1))
    i, j = nameless_pairs(spec, filters, right, left_ranges, right_ranges)
    assert sorted(zip(i.tolist(), j.tolist(), strict=True)) == [(1, 0), (2, 1)]
    for other in (PassSpec("key", 0, "segment:nama_lahir", (0, 1)),
                  PassSpec("identity", 0, "segment:alamat_nik", (0, 1), holds_name=False),
                  PassSpec("identity")):
        assert not len(nameless_pairs(other, filters, right, left_ranges, right_ranges)[0])


@pytest.fixture(scope="module")
def lists():
    return generate_synthetic(SynthConfig(seed=5, population=2400,
                                          agencies=parse_agencies("A:600,B:600"),
                                          dirt="moderate"))


def _nameless_run(lists, *, others_from_someone_else: bool):
    """Link A with B where 20 of B's people lost their name (and carry A's NIK, birthdate and,
    unless told otherwise, A's other fields); the (A row, B row) of those 20 and the result."""
    a, b = (synthetic_columns(lists, agency, SCHEMA) for agency in ("A", "B"))
    truth_a, truth_b = lists.truth["A"], lists.truth["B"]
    row_in_a = {int(e): r for r, e in enumerate(truth_a) if e >= 0}
    shared = [(row_in_a[int(e)], r) for r, e in enumerate(truth_b) if int(e) in row_in_a
              and normalise_nik(a["nik"][row_in_a[int(e)]]).status is Status.VALID][:20]
    for k, (ra, rb) in enumerate(shared):
        b["nama"][rb] = ""
        b["nik"][rb], b["tanggal_lahir"][rb] = a["nik"][ra], a["tanggal_lahir"][ra]
        source = shared[(k + 7) % len(shared)][0] if others_from_someone_else else ra
        for field in OTHERS:
            b[field][rb] = a[field][source]
    parties = [encode_labelled(name, columns, truth, SCHEMA, SECRET).party()
               for name, columns, truth in (("A", a, truth_a), ("B", b, truth_b))]
    return shared, parties, link(parties)


def _grouped(result, parties, pairs) -> int:
    offsets, _ = global_numbers([len(p.encodings) for p in parties])
    label = _labels(result.groups, offsets, int(offsets[-1]), band=MATCH)
    return sum(label[ra] >= 0 and label[ra] == label[offsets[1] + rb] for ra, rb in pairs)


def test_a_missing_name_links_on_nik_birthdate_and_other_fields(lists):
    shared, parties, result = _nameless_run(lists, others_from_someone_else=False)
    assert _grouped(result, parties, shared) == len(shared)
    assert_same_result(update(None, parties).result, result)


def test_a_missing_name_with_someone_elses_other_fields_stays_apart(lists):
    shared, parties, result = _nameless_run(lists, others_from_someone_else=True)
    assert _grouped(result, parties, shared) == 0


def _vectors(identity: list[str], name: list[float], other: list[float]) -> ComparisonVectors:
    comparisons = (Comparison("identity", IDENTITY_LEVELS, "identity"),
                   Comparison("nama", ("null", "some")))
    levels = np.array([[IDENTITY_LEVELS.index(level), 1] for level in identity], np.uint8)
    same = np.array([level.startswith("NIK") for level in identity])
    return ComparisonVectors(comparisons, levels, np.array(name, np.float32), same,
                             np.array(other, np.float32))


def test_the_name_rule_with_a_missing_name_and_within_a_household():
    allowed = name_agrees(_vectors(
        ["NIK and salts agree", "NIK and salts agree", "NIK agrees, salts differ",
         "salts agree, NIK unknown", "nothing agrees", "nothing agrees", "nothing agrees"],
        [-1.0, -1.0, -1.0, 0.75, 0.75, 0.86, -1.0],
        [0.9, 0.5, 0.9, -1.0, -1.0, -1.0, 0.95]), name_floor=0.72, corroborated_threshold=0.4)
    # a missing name: the same NIK and birthdate, and another field agreeing, stand in for it;
    # the same birthdate with a name of 0.75 links; found through the family card alone, the
    # name must reach HOUSEHOLD_NAME_FLOOR
    assert allowed.tolist() == [True, False, False, True, False, True, False]
    assert HOUSEHOLD_NAME_FLOOR == 0.85
