"""Agency lists: reproducible by seed, truth and overlap as documented, clean copies at NONE."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from padan.synth import (
    DEFAULT_AGENCIES,
    AgencySpec,
    CorruptionKind,
    DirtLevel,
    SynthConfig,
    SynthConfigError,
    generate,
    parse_agencies,
)
from padan.synth.agencies import draw_members, list_shape, people_needed
from padan.synth.dates import format_dates
from padan.synth.field_columns import headers_for

SMALL = (AgencySpec("DTKS", 3_000, stratum="PROVINSI"),
         AgencySpec("KJP", 1_000, date_format="indonesian", name_case="title"),
         AgencySpec("KIS", 2_000, date_format="excel-serial", sex_codes=("1", "2")))


@pytest.fixture(scope="module")
def clean():
    return generate(SynthConfig(seed=5, population=20_000, agencies=SMALL, dirt=DirtLevel.NONE))


def test_same_seed_same_lists_and_other_seed_other_lists():
    config = SynthConfig(seed=9, population=5_000, agencies=SMALL[:2])
    one, two = generate(config), generate(config)
    other = generate(SynthConfig(seed=10, population=5_000, agencies=SMALL[:2]))
    for agency in one.agencies:
        assert one.tables[agency].equals(two.tables[agency])
        assert np.array_equal(one.truth[agency], two.truth[agency])
        assert not one.tables[agency].equals(other.tables[agency])


def test_lists_have_the_asked_sizes_and_the_agencies_own_headers(clean):
    for spec in SMALL:
        table = clean.tables[spec.name]
        assert table.num_rows == spec.size == len(clean.truth[spec.name])
        assert table.column_names == spec.headers() + list(headers_for(spec).values())
        assert all(t == pa.string() for t in table.schema.types)
    assert clean.tables["DTKS"].column_names[4] == "PROVINSI"


def test_truth_rows_count_from_two_and_name_real_people(clean):
    truth = clean.truth_table()
    assert truth.column_names == ["agency", "row", "person_id"]
    dtks = truth.filter(pa.compute.equal(truth["agency"], "DTKS"))
    assert dtks["row"].to_pylist() == list(range(2, 3_002))
    assert dtks["person_id"].to_pylist() == clean.truth["DTKS"].tolist()
    assert 0 <= min(truth["person_id"].to_pylist()) <= max(truth["person_id"].to_pylist()) \
        < clean.population.num_rows


def test_clean_lists_are_exact_copies_of_the_population(clean):
    population = clean.population
    for spec in SMALL:
        table, ids = clean.tables[spec.name], pa.array(clean.truth[spec.name])
        people = population.take(ids)
        assert table[spec.columns["nik"]].to_pylist() == people["nik"].to_pylist()
        names = people["name"].to_pylist()
        expected = [n.upper() for n in names] if spec.name_case == "upper" else names
        assert table[spec.columns["name"]].to_pylist() == expected
        dates = people["birthdate"].to_numpy().astype("datetime64[D]")
        assert table[spec.columns["birthdate"]].to_pylist() == format_dates(
            dates, spec.date_format).to_pylist()
        sex = [spec.sex_codes[s == "P"] for s in people["sex"].to_pylist()]
        assert table[spec.columns["sex"]].to_pylist() == sex
        kinds = clean.kinds[spec.name]
        assert set(np.unique(kinds).tolist()) <= {0, int(CorruptionKind.DUPLICATE)}


def test_overlap_and_duplicates_follow_the_documented_sampling(clean):
    config = clean.config
    shapes = {s.name: list_shape(s, config) for s in SMALL}
    pool_size = max(s.shared for s in shapes.values())
    sets = {a: set(ids.tolist()) for a, ids in clean.truth.items()}
    for spec in SMALL:
        ids, shape = clean.truth[spec.name], shapes[spec.name]
        assert len(sets[spec.name]) == shape.shared + shape.own
        assert len(ids) - len(sets[spec.name]) == shape.repeats
        repeats = (clean.kinds[spec.name] & CorruptionKind.DUPLICATE) != 0
        assert repeats.sum() == shape.repeats
    # The largest pool share takes the whole pool: the others' shared people lie inside it.
    assert shapes["DTKS"].shared == pool_size
    assert len(sets["DTKS"] & sets["KJP"]) == shapes["KJP"].shared
    assert len(sets["DTKS"] & sets["KIS"]) == shapes["KIS"].shared
    expected = shapes["KJP"].shared * shapes["KIS"].shared / pool_size
    assert abs(len(sets["KJP"] & sets["KIS"]) - expected) < 4 * np.sqrt(expected)


@settings(max_examples=25, deadline=None)
@given(sizes=st.lists(st.integers(1, 400), min_size=1, max_size=4),
       overlap=st.floats(0, 1), duplicates=st.floats(0, 0.3))
def test_members_never_exceed_the_population_and_only_the_pool_is_shared(sizes, overlap,
                                                                         duplicates):
    agencies = tuple(AgencySpec(f"A{i}", n) for i, n in enumerate(sizes))
    probe = SynthConfig(population=1, agencies=agencies, overlap=overlap,
                        duplicate_rate=duplicates)
    config = SynthConfig(population=people_needed(probe), agencies=agencies, overlap=overlap,
                         duplicate_rate=duplicates)
    members = draw_members(config)
    pool_size = max(list_shape(a, config).shared for a in agencies)
    shapes = [list_shape(a, config) for a in agencies]
    for spec, shape in zip(agencies, shapes, strict=True):
        ids = members[spec.name]
        assert len(ids) == spec.size
        assert ids.min() >= 0 and ids.max() < config.population
        assert len(set(ids.tolist())) == shape.shared + shape.own
    everyone = np.concatenate([np.unique(m) for m in members.values()])
    _, counts = np.unique(everyone, return_counts=True)
    assert (counts > 1).sum() <= pool_size


def test_too_small_a_population_is_refused_before_any_work():
    config = SynthConfig(population=1_000, agencies=(AgencySpec("A", 900), AgencySpec("B", 900)))
    with pytest.raises(SynthConfigError) as caught:
        generate(config)
    assert caught.value.setting == "population"
    assert str(people_needed(config)) in str(caught.value)


@pytest.mark.parametrize(("kwargs", "setting"), [
    ({"seed": -1}, "seed"), ({"population": 0}, "population"), ({"overlap": 1.5}, "overlap"),
    ({"duplicate_rate": 0.7}, "duplicate_rate"), ({"dirt": "filthy"}, "dirt"),
    ({"agencies": ()}, "agencies"),
    ({"agencies": (AgencySpec("A", 5), AgencySpec("a", 5))}, "agencies"),
])
def test_bad_settings_name_the_setting(kwargs, setting):
    with pytest.raises(SynthConfigError) as caught:
        SynthConfig(**kwargs)
    assert caught.value.setting == setting
    assert f"setting '{setting}'" in str(caught.value)


@pytest.mark.parametrize(("kwargs", "setting"), [
    ({"name": "truth"}, "agencies"), ({"name": "a/b"}, "agencies"), ({"size": 0}, "A.size"),
    ({"size": 2.5}, "A.size"), ({"date_format": "%d-%m"}, "A.date_format"),
    ({"columns": {"nik": "X"}}, "A.columns"),
    ({"columns": {"nik": "X", "name": "X", "birthdate": "Y", "sex": "Z"}}, "A.columns"),
    ({"sex_codes": ("L", "L")}, "A.sex_codes"), ({"name_case": "lower"}, "A.name_case"),
])
def test_bad_agency_specs_name_the_setting(kwargs, setting):
    arguments = {"name": "A", "size": 10, **kwargs}
    with pytest.raises(SynthConfigError) as caught:
        AgencySpec(**arguments)
    assert caught.value.setting.endswith(setting)


def test_parse_agencies_keeps_known_formats_and_rejects_bad_items():
    dtks, kjp, other = parse_agencies("DTKS:20000, kjp:5000,BPJS:7")
    assert (dtks.size, dtks.columns, dtks.date_format) == (20_000, DEFAULT_AGENCIES[0].columns,
                                                           DEFAULT_AGENCIES[0].date_format)
    assert kjp.name == "kjp" and kjp.date_format == "indonesian"
    assert other.size == 7 and other.columns["nik"] == "NIK"
    for text in ("DTKS:abc", "DTKS", "DTKS:-5", ":5", "DTKS:1,,KJP:2", "DTKS:1.5"):
        with pytest.raises(SynthConfigError) as caught:
            parse_agencies(text)
        assert caught.value.setting == "agencies"


def test_default_config_has_three_agencies_that_write_differently():
    config = SynthConfig()
    assert [a.name for a in config.agencies] == ["DTKS", "KJP", "KIS"]
    assert len({a.date_format for a in config.agencies}) == 3
    assert len({a.columns["nik"] for a in config.agencies}) == 3
    assert config.population >= people_needed(config)


def test_dates_in_lists_stay_within_the_population_years():
    lists = generate(SynthConfig(seed=2, population=8_000, dirt=DirtLevel.HEAVY,
                                 agencies=(AgencySpec("ISO", 5_000, date_format="%Y-%m-%d"),)))
    values = [v for v in lists.tables["ISO"]["TGL_LAHIR"].to_pylist() if v and v[4] == "-"]
    years = [dt.date.fromisoformat(v).year for v in values]
    assert min(years) >= 1835 and max(years) <= 2025


def test_the_encoders_normalisers_read_clean_lists_back_to_the_truth():
    normalise = pytest.importorskip("padan.encoder.normalise")
    formats = ("%d-%m-%Y", "%Y-%m-%d", "%d.%m.%Y", "%d-%m-%y", "indonesian", "indonesian-short",
               "excel-serial")
    codes = (("L", "P"), ("1", "2"), ("LAKI-LAKI", "PEREMPUAN"), ("Laki-laki", "Perempuan"))
    specs = tuple(AgencySpec(f"A{i}", 300, date_format=f, sex_codes=codes[i % len(codes)])
                  for i, f in enumerate(formats))
    lists = generate(SynthConfig(seed=8, population=5_000, agencies=specs, dirt=DirtLevel.NONE))
    for spec in specs:
        table, people = lists.tables[spec.name], lists.population.take(lists.truth[spec.name])
        for nik, date, sex, true_nik, true_date, true_sex in zip(
                table["NIK"].to_pylist(), table["TGL_LAHIR"].to_pylist(), table["JK"].to_pylist(),
                people["nik"].to_pylist(), people["birthdate"].to_pylist(),
                people["sex"].to_pylist(), strict=True):
            read_nik = normalise.normalise_nik(nik)
            assert read_nik.value == true_nik
            assert normalise.normalise_birthdate(date).value == true_date, spec.date_format
            assert normalise.normalise_sex(sex).value == true_sex
            check = normalise.check_nik(read_nik, true_date, true_sex)
            assert check.birthdate_agrees and check.sex_agrees
