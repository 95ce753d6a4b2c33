"""Which pairs each pass keeps (LinkParameters.pass_keep) and the veto's bounded memory: within
one list only pairs the duplicate bands read are kept, across lists every pair from the keep
threshold (the match model's EM fit reads the weak ones), and the result is the one every pair
from the keep threshold gave."""

from __future__ import annotations

import numpy as np
import pytest

from padan.encoder.default_schema import default_schema
from padan.evaluation.labelled import encode_labelled
from padan.linker import work
from padan.linker.blocking import LshSettings, plan_passes
from padan.linker.engine import link
from padan.linker.parameters import LinkParameters
from padan.linker.work import Unit, run_unit

SCHEMA, SECRET = default_schema("keep"), bytes(range(32))
# One birthdate, so the birthdate-salted pass compares every pair. Name Dice of the pairs
# (nama_lahir segment): 0-0 1.0, 1-1 0.87, 2-2 0.53 ("Agus P", same NIK), 3-3 0.75,
# 4-4 0.61 and 2-1 0.47 (no NIK on B's side, so no veto). Within B, the two "Siti Aminah" are
# a duplicate and "Dewi Lestiani" / "Dewi Lestari" (0.75) a weak pair no band reads.
LEFT = (["Siti Aminah", "Budi Santoso", "Agus Priyanto", "Dewi Lestari", "Rina Wati"],
        ["3207064102870001", "3271014102870002", "3302034102870003", "3504054102870004",
         "3603064102870005"])
RIGHT = (["Siti Aminah", "Budi Susanto", "Agus P", "Dewi Lestiani", "Rini Wahyuni",
          "Siti Aminah", "Dewi Lestari"],
         ["3207064102870001", "", "3302034102870003", "", "", "3207064102870001", ""])


def _party(name, names, niks):
    columns = {"nik": niks, "nama": names, "tanggal_lahir": ["01-02-1987"] * len(names),
               "jenis_kelamin": ["P"] * len(names)}
    return encode_labelled(name, columns, np.arange(len(names)), SCHEMA, SECRET).party()


@pytest.fixture(scope="module")
def parties():
    return [_party("A", *LEFT), _party("B", *RIGHT)]


def _birthdate_unit(parties, left, right, threshold, veto) -> Unit:
    header = parties[0].encodings.header
    spec = next(p for p in plan_passes(("identity", "keys"), header.blocking_keys, 0,
                                       header.segments) if p.kind == "key")
    assert spec.salted and spec.label == "segment:nama_lahir"
    return Unit(left, right, (parties[left].encodings, parties[right].encodings), ("A", "B"),
                spec, 0, 1, 2000, LshSettings(1, 1, 1), threshold, 0.40, veto_threshold=veto)


def _pairs(result) -> dict[tuple[int, int], float]:
    pairs = result.pairs
    return {(int(i), int(j)): round(float(s), 6)
            for i, j, s in zip(pairs.left, pairs.right, pairs.score, strict=True)}


def test_within_a_list_only_the_duplicate_bands_pairs_are_kept():
    for scoring in ("model", "dice"):
        params = LinkParameters(scoring=scoring)
        assert params.pass_keep(within=False) == params.keep_threshold
        assert params.pass_keep(within=True) == params.duplicate_possible_threshold
    low = LinkParameters(duplicate_threshold=0.5, duplicate_possible_threshold=0.3)
    assert low.pass_keep(within=True) == low.keep_threshold   # never below the keep threshold


def test_across_lists_the_weak_names_stay_for_the_model(parties):
    """The pairs the name rule refuses (2-1, 4-4) are candidates: EM learns u from them."""
    kept = _pairs(run_unit(_birthdate_unit(parties, 0, 1, LinkParameters().pass_keep(
        within=False), 0.75)))
    assert {(0, 0), (1, 1), (2, 2), (3, 3), (4, 4), (2, 1)} <= set(kept)
    assert all(0.45 <= s < 0.72 for pair, s in kept.items() if pair in {(2, 1), (4, 4)})


def test_the_veto_in_slices_drops_the_same_pairs(parties, monkeypatch):
    unit = _birthdate_unit(parties, 0, 1, 0.2, 0.75)   # low: many pairs, some vetoed
    whole = _pairs(run_unit(unit))
    unvetoed = _pairs(run_unit(_birthdate_unit(parties, 0, 1, 0.2, 0.0)))
    assert len(whole) < len(unvetoed)
    monkeypatch.setattr(work, "VETO_SLICE", 2)
    assert _pairs(run_unit(unit)) == whole


@pytest.mark.parametrize("scoring", ["model", "dice"])
def test_the_result_is_the_one_every_pair_from_the_keep_threshold_gave(parties, monkeypatch,
                                                                      scoring):
    params = LinkParameters(scoring=scoring)
    new = link(parties, params)
    monkeypatch.setattr(LinkParameters, "pass_keep", lambda self, *, within: self.keep_threshold)
    old = link(parties, params)
    assert new.report.candidate_pairs < old.report.candidate_pairs   # weak pairs within B
    for table in ("groups", "duplicates"):
        for column in ("group_id", "party", "pseudo_id", "band"):
            assert np.array_equal(getattr(getattr(new, table), column),
                                  getattr(getattr(old, table), column)), (table, column)
    assert new.duplicates.groups == 1                        # B's two "Siti Aminah"
    assert new.report.histogram == old.report.histogram
    assert new.report.match_model == old.report.match_model
