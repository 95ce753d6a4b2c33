"""The match model: comparison levels from real encodings, EM that recovers a known model, the
threshold the probabilities suggest, and the rule that no match is made without the name."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from padan.encoder.default_schema import default_schema, default_schema_text
from padan.evaluation.labelled import encode_labelled
from padan.linker.comparison import IDENTITY_LEVELS, Comparison, ComparisonVectors, compare
from padan.linker.engine import link
from padan.linker.match_model import expected_f1_threshold, fit
from padan.linker.parameters import LinkParameters

SCHEMA, SECRET = default_schema("model"), bytes(range(32))


def encoded(name: str, rows: list[tuple[str | None, str, str]]):
    columns = {"nik": [r[0] for r in rows], "nama": [r[1] for r in rows],
               "tanggal_lahir": [r[2] for r in rows], "jenis_kelamin": ["P"] * len(rows)}
    return encode_labelled(name, columns, np.arange(len(rows)), SCHEMA, SECRET)


def test_levels_say_what_agrees_without_seeing_a_value():
    left = encoded("A", [("3207064102870001", "Yati Haryati", "01-02-1987")] * 4)
    right = encoded("B", [
        ("3207064102870001", "Yati Haryati", "01-02-1987"),    # the same person
        ("3275184102870001", "Yati Haryati", "01-02-1987"),    # a namesake of another district
        (None, "Budi Santoso", "01-02-1987"),                  # another name, no NIK
        ("3207064102870001", "Yati Haryati", "01-03-1987"),    # a wrong birthdate
    ])
    lists = [left.encodings, right.encodings]
    a, b = np.arange(4), 4 + np.arange(4)
    vectors = compare(lists, a, b)
    names = [c.name for c in vectors.comparisons]
    # the default's other segments are comparisons too (empty here: the lists lack the columns)
    assert names == ["identity", "nama", "alamat", "tempat_lahir+nama_ibu", "frequency"]
    frequency = names.index("frequency")
    identity = [IDENTITY_LEVELS[level] for level in vectors.levels[:, 0]]
    assert identity == ["NIK and salts agree", "salts agree, NIK differs",
                        "salts agree, NIK unknown", "NIK agrees, salts differ"]
    # the name is compared by the segment whose salt agrees: the birthdate's, or the NIK's
    assert vectors.name_dice[0] == 1.0 and vectors.name_dice[3] == 1.0
    assert vectors.name_dice[2] < 0.5
    assert vectors.same_identity.tolist() == [True, False, False, True]
    # the bucket of 01-02-1987 holds 7 records of the two lists: level "5-16 records"
    assert vectors.comparisons[frequency].levels[vectors.levels[0, frequency]] == "5-16 records"
    assert vectors.levels[3, frequency] == 0    # different birthdates: no bucket to count


def test_the_first_salt_speaks_for_the_identity_levels():
    """A schema may salt segments with a second key (a postcode): the identity and frequency
    levels speak of the first salt's agreement, not of every salt's at once."""
    from padan.encoder.schema import parse_schema
    schema = parse_schema(default_schema_text("model", other_fields=False) + """
[[fields]]
name = "kode_pos"
kind = "digits"
required = false
tokeniser = { kind = "positions" }

[[blocking]]
name = "pos"
parts = ["kode_pos"]

[[segments]]
name = "nama_pos"
fields = ["nama"]
salt = "pos"
bits = 512
record_bits = 256
""")

    def listed(name, rows):
        columns = {"nik": [None] * len(rows), "nama": [r[0] for r in rows],
                   "tanggal_lahir": [r[1] for r in rows], "jenis_kelamin": ["P"] * len(rows),
                   "kode_pos": [r[2] for r in rows]}
        return encode_labelled(name, columns, np.arange(len(rows)), schema, SECRET)

    left = listed("A", [("Yati Haryati", "01-02-1987", "40111")] * 3)
    right = listed("B", [("Yati Haryati", "01-02-1987", "40111"),    # both salts agree
                         ("Yati Haryati", "01-02-1987", "60111"),    # the birthdate only
                         ("Yati Haryati", "01-03-1987", "40111")])   # the postcode only
    vectors = compare([left.encodings, right.encodings], np.arange(3), 3 + np.arange(3))
    identity = [IDENTITY_LEVELS[level] for level in vectors.levels[:, 0]]
    assert identity == ["salts agree, NIK unknown", "salts agree, NIK unknown",
                        "nothing agrees"]
    # the name is still compared under the postcode's salt where the birthdate's differs
    assert vectors.name_dice.tolist() == [1.0, 1.0, 1.0]
    assert vectors.levels[2, -1] == 0 and vectors.levels[1, -1] > 0


def draw_vectors(rng, pairs: int, prior: float, m: list, u: list) -> ComparisonVectors:
    match = rng.random(pairs) < prior
    levels = np.zeros((pairs, len(m)), np.uint8)
    for k, (m_k, u_k) in enumerate(zip(m, u, strict=True)):
        for rows, probs in ((match, m_k), (~match, u_k)):
            levels[rows, k] = 1 + rng.choice(len(probs), size=rows.sum(), p=probs)
    comparisons = tuple(Comparison(f"c{k}", ("null", *(f"l{i}" for i in range(len(m_k)))))
                        for k, m_k in enumerate(m))
    return ComparisonVectors(comparisons, levels, np.ones(pairs, np.float32),
                             np.zeros(pairs, bool))


def test_em_recovers_a_known_model_without_truth():
    rng = np.random.default_rng(5)
    m = [[0.85, 0.10, 0.05], [0.7, 0.2, 0.1], [0.6, 0.3, 0.1]]
    u = [[0.05, 0.15, 0.80], [0.1, 0.2, 0.7], [0.2, 0.3, 0.5]]
    model = fit(draw_vectors(rng, 60_000, 0.3, m, u))
    assert model.converged
    assert model.prior == pytest.approx(0.3, abs=0.02)
    for k in range(3):
        assert model.m[k][1:] == pytest.approx(m[k], abs=0.03)
        assert model.u[k][1:] == pytest.approx(u[k], abs=0.03)
    report = model.to_dict()
    assert [c["name"] for c in report["comparisons"]] == ["c0", "c1", "c2"]
    assert report["comparisons"][0]["levels"][0]["weight"] > 3    # log2(0.85 / 0.05)


def test_a_null_level_carries_no_weight():
    rng = np.random.default_rng(6)
    vectors = draw_vectors(rng, 5000, 0.4, [[0.9, 0.1], [0.8, 0.2]], [[0.1, 0.9], [0.3, 0.7]])
    model = fit(vectors)
    levels = vectors.levels[:2].copy()
    levels[:, 1] = 0
    alone = model.match_weight(levels)
    assert alone == pytest.approx(np.log2(model.prior / (1 - model.prior))
                                  + model.level_weights()[0][levels[:, 0]])


def test_the_expected_f1_threshold_is_the_best_the_probabilities_promise():
    rng = np.random.default_rng(7)
    p = np.concatenate([rng.uniform(0.95, 1.0, 900), rng.uniform(0.3, 0.7, 100),
                        rng.uniform(0.0, 0.2, 2000)])
    choice = expected_f1_threshold(p)

    def expected_f1(t):
        above = p >= t
        tp, fp, fn = p[above].sum(), (1 - p[above]).sum(), p[~above].sum()
        return 2 * tp / (2 * tp + fp + fn)

    brute = max(expected_f1(t) for t in np.unique(p))
    assert expected_f1(choice.threshold) == pytest.approx(brute)
    assert choice.expected_f1 == pytest.approx(brute)
    assert 0.2 < choice.threshold < 0.7


PEOPLE = [("3207064102870001", "Yati Haryati", "01-02-1987"),
          ("3175031505900003", "Bambang Sutrisno", "15-05-1990"),
          ("3273012208850002", "Dewi Lestari", "22-08-1985"),
          ("3578010101700001", "Ahmad Fauzi", "01-01-1970"),
          ("3171024407950001", "Rina Marlina", "04-07-1995"),
          ("3204051212880004", "Agus Salim", "12-12-1988")]
TYPOS = {"Bambang Sutrisno": "Bambang Soetrisno", "Rina Marlina": "Rina Marliana"}


def test_no_match_without_the_name():
    """A pair with the same birthdate and a NIK one digit off but another name is never linked,
    however low the probability threshold; the model was fitted (its comparisons vary)."""
    trap_left = ("3207064102870001", "Yati Haryati", "01-02-1987")
    trap_right = ("3207064102870002", "Yati Maryani", "01-02-1987")   # name Dice 0.69
    left = encoded("A", [*PEOPLE[1:], trap_left])
    right = encoded("B", [(nik if i % 2 else None, TYPOS.get(name, name), born)
                          for i, (nik, name, born) in enumerate(PEOPLE[1:])] + [trap_right])
    eager = LinkParameters(dedup=False, match_probability=0.001, possible_probability=0.001)
    result = link([left.party(), right.party()], eager)
    assert result.report.match_model is not None     # control: scored by the model
    assert result.report.match_model["refused_by_name_rule"] == 1
    trap = {int(left.encodings.records["pseudo_id"][-1])}
    assert trap.isdisjoint(result.groups.pseudo_id.tolist())
    assert result.groups.groups == len(PEOPLE) - 1     # control: every true pair is linked
    # control: with the floor under this name's Dice, the rule lets the pair through
    loose = link([left.party(), right.party()], dataclasses.replace(eager, name_floor=0.6))
    assert loose.report.match_model["refused_by_name_rule"] == 0


def test_too_little_to_fit_falls_back_to_dice():
    left = encoded("A", [PEOPLE[0]])
    right = encoded("B", [PEOPLE[0]])
    result = link([left.party(), right.party()], LinkParameters(dedup=False))
    assert result.report.match_model is None and result.groups.groups == 1


def test_the_report_carries_the_fitted_model(pair):
    _, left, right = pair
    from padan.linker.engine import Party

    result = link([Party("A", left), Party("B", right)])
    model = result.report.match_model
    # fitted on the pairs across lists (candidate_pairs also counts those within each list)
    assert model["converged"] and 0 < model["pairs"] <= result.report.candidate_pairs
    assert 0 < model["match_threshold"] < 1
    names = [c["name"] for c in model["comparisons"]]
    assert names[0] == "identity" and names[-1] == "frequency"
    # m and u are distributions over the levels
    for comparison in model["comparisons"]:
        assert sum(level["m"] for level in comparison["levels"]) == pytest.approx(1, abs=1e-4)
        assert sum(level["u"] for level in comparison["levels"]) == pytest.approx(1, abs=1e-4)
