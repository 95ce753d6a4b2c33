"""Attack simulations: each attack recovers values where it should (the controls), hardening
defeats them, and scoring is exact on hand-made guesses."""

import numpy as np
import pytest

from padan.encoder.default_schema import default_schema
from padan.encoder.schema import parse_schema
from padan.evaluation.attacks import (
    AttackTarget,
    filter_frequency_attack,
    graph_matching_attack,
    public_names,
    score_guesses,
    token_frequency_attack,
)
from padan.evaluation.attacks.graph_matching import match_greedily, node_features
from padan.evaluation.labelled import encode_labelled
from padan.evaluation.simulation import public_sample, run_attacks

SECRET = b"attack-test-secret-of-32-bytes!!"
NAMES_ONLY = """\
schema_version = 2
project_id = "control"
filter_bits = 1024
identity_field = "nik"
[[fields]]
name = "nik"
kind = "nik"
tokeniser = {{ kind = "nik_digits" }}
bits_per_token = 0
[[fields]]
name = "nama"
kind = "name"
tokeniser = {{ kind = "qgram", q = 2 }}
bits_per_token = 10
[[blocking]]
name = "year_name"
parts = ["birth_year", "name_code"]
[hardening]
xor_fold = {xor_fold}
"""


def names_only(xor_fold: bool = False):
    return parse_schema(NAMES_ONLY.format(xor_fold=str(xor_fold).lower()))


@pytest.fixture(scope="module")
def public():
    return public_sample(30_000, seed=7)


def test_control_pattern_mining_recovers_names_from_an_unhardened_encoding(public):
    """The control: names only, one record-level filter, no hardening. The attack must really
    recover first names (far above a blind guess of the commonest first name)."""
    (outcome,) = run_attacks(names_only(), records=8000, public=0, seed=7,
                             attacks=("pattern-mining",), public_names_sample=public)
    assert outcome.first_name_share > 0.20
    assert outcome.first_name_share > 3 * outcome.baseline_share
    assert outcome.name_share > 0.10


def test_xor_folding_defeats_the_same_attack(public):
    (outcome,) = run_attacks(names_only(xor_fold=True), records=8000, public=0, seed=7,
                             attacks=("pattern-mining",), public_names_sample=public)
    assert outcome.name_share < 0.01
    assert outcome.first_name_share < 0.05


def test_every_attack_runs_on_each_segment_of_the_default(public):
    """Filter attacks are pointed at each salted segment that holds the name, one by one; the
    blocking-token attacks at the keys. On the default they find (almost) nothing; the
    controls (test_attack_controls.py, test_pattern_mining.py) prove they would."""
    outcomes = run_attacks(default_schema("attack-test"), records=2000, public=0, seed=3,
                           public_names_sample=public)
    names = {o.attack for o in outcomes}
    assert names >= {"frequency:blocking", "frequency:lahir"}
    for segment in ("nama_lahir", "nama_nik"):
        assert {f"frequency:filters[{segment}]", f"graph-matching[{segment}]",
                f"hamming-weight[{segment}]", f"pattern-mining[{segment}]"} <= names
        assert any(n.startswith("salt-aware-mining") and n.endswith(f"[{segment}]")
                   for n in names)
    for outcome in outcomes:
        assert 0.0 <= outcome.name_share < 0.01, outcome.attack
        assert outcome.records > 1900
    blocking = next(o for o in outcomes if o.attack == "frequency:blocking")
    assert set(blocking.recovered) == {"birth_year", "name_code", "birthdate"}


def test_unknown_attack_names_are_refused(public):
    with pytest.raises(ValueError, match="unknown attack"):
        run_attacks(names_only(), records=50, public=0, attacks=("telepathy",),
                    public_names_sample=public)


def target_of(names, schema, years=None):
    columns = {"nama": names}
    if years is not None:
        columns["tanggal_lahir"] = [f"01-02-{y}" for y in years]
    party = encode_labelled("T", columns, list(range(len(names))), schema, SECRET,
                            keep_values=True)
    return AttackTarget(np.asarray(party.encodings.records), schema,
                        tuple(party.encodings.header.blocking_keys),
                        tuple(v.lower() for v in names))


def test_frequency_attack_on_filters_recovers_names_that_follow_public_frequencies():
    names = ["Budi"] * 50 + ["Siti"] * 30 + ["Agus"] * 20 + ["Yanti"]
    public = public_names(["Budi"] * 500 + ["Siti"] * 300 + ["Agus"] * 200 + ["Rina"] * 5)
    outcome = filter_frequency_attack(target_of(names, names_only()), public)
    assert outcome.names_correct == 100          # every name seen twice or more
    assert outcome.guessed == 100                # Yanti appears once: no guess
    assert outcome.value_share == pytest.approx(3 / 4)


def test_frequency_attack_on_filters_tells_equally_common_names_apart_by_length():
    names = ["Sulastriyani"] * 20 + ["Budi"] * 20    # equal counts: ranks alone cannot tell
    public = public_names(["Budi"] * 200 + ["Sulastriyani"] * 200)
    target = target_of(names, names_only())
    by_rank = filter_frequency_attack(target, public, weight_tells_length=False)
    by_length = filter_frequency_attack(target, public)
    assert by_rank.names_correct == 0          # the first-seen filter takes the first name
    assert by_length.names_correct == 40


def test_frequency_attack_on_name_tokens_needs_name_and_public_parts():
    schema = names_only()
    names = ["Budi"] * 40 + ["Siti"] * 10
    public = public_names(["Budi"] * 400 + ["Siti"] * 100, ["01-01-1980"] * 500, ["L"] * 500)
    target = target_of(names, parse_schema(NAMES_ONLY.format(xor_fold="false").replace(
        'bits_per_token = 0\n[[fields]]\nname = "nama"',
        'bits_per_token = 0\n[[fields]]\nname = "tanggal_lahir"\nkind = "birthdate"\n'
        'tokeniser = { kind = "date" }\nbits_per_token = 0\n[[fields]]\nname = "nama"')),
        years=[1980] * 50)
    outcome = token_frequency_attack(target, public, "year_name")
    assert outcome.names_correct == 50
    with pytest.raises(ValueError, match="no blocking key"):
        token_frequency_attack(target, public, "nope")
    assert schema.blocking[0].name == "year_name"


def test_graph_matching_pairs_identical_graphs_node_for_node():
    rng = np.random.default_rng(1)
    similarity = rng.random((30, 30))
    similarity = (similarity + similarity.T) / 2
    np.fill_diagonal(similarity, -1.0)
    features = node_features(similarity)
    assert match_greedily(features, features).tolist() == list(range(30))


def test_graph_matching_runs_on_an_encoding(public):
    names = ["Budi Santoso"] * 5 + ["Siti Aminah"] * 4 + ["Agus"] * 3 + ["Rina Wati"] * 2
    outcome = graph_matching_attack(target_of(names, names_only()), public, nodes=50)
    assert outcome.records == len(names)
    assert 0.0 <= outcome.name_share <= 1.0


def test_scoring_counts_records_first_names_and_distinct_values():
    schema = names_only()
    target = AttackTarget(np.zeros(0), schema, (), ("budi santoso", "budi utomo", "siti", None))
    public = public_names(["Budi Utomo", "Budi Santoso", "Budi"])
    outcome = score_guesses("x", AttackTarget(np.zeros(4), schema, (), target.true_names),
                            ["budi santoso", "budi santoso", None, "siti"], public)
    assert outcome.records == 3                 # the record without a usable name is not scored
    assert outcome.guessed_scored == 2 and outcome.precision == pytest.approx(1 / 2)
    assert outcome.to_dict()["precision"] == pytest.approx(0.5)
    assert "recovered" not in outcome.to_dict()
    assert outcome.names_correct == 1
    assert outcome.first_names_correct == 2
    assert outcome.distinct_recovered == 1 and outcome.distinct_names == 3
    assert outcome.baseline_first_names == 2    # blind guess "budi"
    with pytest.raises(ValueError):
        score_guesses("x", target, ["a"], public)
