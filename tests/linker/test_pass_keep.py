"""Which pairs each pass keeps (LinkParameters.pass_keep): under the match model, a pass over the
birthdate-salted name keeps no pair below the name floor except two records of one NIK, and the
run's result is the same as when every pair from the keep threshold was kept."""

from __future__ import annotations

import numpy as np
import pytest

from padan.encoder.default_schema import default_schema
from padan.evaluation.labelled import encode_labelled
from padan.linker.blocking import LshSettings, plan_passes
from padan.linker.engine import link
from padan.linker.parameters import LinkParameters
from padan.linker.work import Unit, run_unit

SCHEMA, SECRET = default_schema("keep"), bytes(range(32))
# One birthdate, so the birthdate-salted pass compares every pair. Name Dice of the pairs
# (nama_lahir segment): 0-0 1.0, 1-1 0.87, 2-2 0.53 ("Agus P", same NIK), 3-3 0.75,
# 4-4 0.61 and 2-1 0.47 (no NIK on B's side, so no veto: weak pairs the old rule kept).
LEFT = (["Siti Aminah", "Budi Santoso", "Agus Priyanto", "Dewi Lestari", "Rina Wati"],
        ["3207064102870001", "3271014102870002", "3302034102870003", "3504054102870004",
         "3603064102870005"])
RIGHT = (["Siti Aminah", "Budi Susanto", "Agus P", "Dewi Lestiani", "Rini Wahyuni"],
         ["3207064102870001", "", "3302034102870003", "", ""])


def _party(name, names, niks):
    columns = {"nik": niks, "nama": names, "tanggal_lahir": ["01-02-1987"] * len(names),
               "jenis_kelamin": ["P"] * len(names)}
    return encode_labelled(name, columns, np.arange(len(names)), SCHEMA, SECRET).party()


@pytest.fixture(scope="module")
def parties():
    return [_party("A", *LEFT), _party("B", *RIGHT)]


def _old_rule(monkeypatch):
    """Every pass keeps every pair from keep_threshold, as before pass_keep."""
    monkeypatch.setattr(LinkParameters, "pass_keep",
                        lambda self, *, within, salted_by_key: (self.keep_threshold, None))


def _kept(parties, threshold, corroborated) -> dict[tuple[int, int], float]:
    header = parties[0].encodings.header
    spec = next(p for p in plan_passes(("identity", "keys"), header.blocking_keys, 0,
                                       header.segments) if p.kind == "key")
    assert spec.salted and spec.label == "segment:nama_lahir"
    unit = Unit(0, 1, (parties[0].encodings, parties[1].encodings), ("A", "B"), spec, 0, 1,
                2000, LshSettings(1, 1, 1), threshold, 0.40, veto_threshold=0.75,
                corroborated=corroborated)
    pairs = run_unit(unit).pairs
    return {(int(i), int(j)): float(s) for i, j, s in zip(pairs.left, pairs.right, pairs.score,
                                                           strict=True)}


def test_the_birthdate_pass_keeps_weak_pairs_only_of_one_nik(parties):
    params = LinkParameters()
    threshold, corroborated = params.pass_keep(within=False, salted_by_key=True)
    assert (threshold, corroborated) == (params.name_floor, params.keep_threshold)
    old = _kept(parties, params.keep_threshold, None)
    new = _kept(parties, threshold, corroborated)
    assert {(2, 1), (4, 4)} <= set(old)                     # weak, no common NIK
    assert {(0, 0), (1, 1), (3, 3)} <= set(new)             # names that agree
    assert 0.45 <= new[(2, 2)] < params.name_floor          # weak, but one NIK: corroborated
    one_nik = {(0, 0), (2, 2)}
    assert new == {pair: score for pair, score in old.items()
                   if score >= params.name_floor or pair in one_nik}


def test_the_rule_is_for_the_model_across_lists_only():
    params = LinkParameters()
    assert params.pass_keep(within=False, salted_by_key=False) == (params.keep_threshold, None)
    assert params.pass_keep(within=True, salted_by_key=True) == (
        params.duplicate_possible_threshold, None)
    dice = LinkParameters(scoring="dice")
    assert dice.pass_keep(within=False, salted_by_key=True) == (dice.keep_threshold, None)


@pytest.mark.parametrize("scoring", ["model", "dice"])
def test_the_result_is_the_one_every_weak_pair_gave(parties, monkeypatch, scoring):
    params = LinkParameters(scoring=scoring)
    new = link(parties, params)
    _old_rule(monkeypatch)
    old = link(parties, params)
    fewer = new.report.candidate_pairs < old.report.candidate_pairs
    assert fewer == (scoring == "model")   # the dice scoring's rules read the weak pairs
    for table in ("groups", "duplicates"):
        for column in ("group_id", "party", "pseudo_id", "band"):
            assert np.array_equal(getattr(getattr(new, table), column),
                                  getattr(getattr(old, table), column)), (table, column)
    assert new.report.histogram == old.report.histogram
    linked = new.groups.pseudo_id[new.groups.party == 0]
    assert 3 in linked and 5 not in linked   # "Agus P" (one NIK) is, "Rini Wahyuni" is not
