"""The synthetic population: valid NIKs consistent with birthdate and sex, realistic spreads."""

from __future__ import annotations

import collections
import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from padan.synth.agencies import rng_for
from padan.synth.population import build_niks, generate_population, make_dates, split_date

# Typed in from docs/INDONESIA.md, independently of padan.synth.regions.
PROVINCE_CODES = {11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53,
                  61, 62, 63, 64, 65, 71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96}


def nik_problems(nik: str, birthdate: dt.date, female: bool) -> list[str]:
    """A small independent NIK validator: what is wrong, or [] for a valid, consistent NIK."""
    if len(nik) != 16 or not nik.isdigit():
        return ["not 16 digits"]
    problems = []
    regency, district = int(nik[2:4]), int(nik[4:6])
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    if int(nik[:2]) not in PROVINCE_CODES:
        problems.append("province")
    if not (1 <= regency <= 69 or 71 <= regency <= 99):
        problems.append("regency")
    if district < 1:
        problems.append("district")
    if day != birthdate.day + (40 if female else 0):
        problems.append("day/sex")
    if (month, year) != (birthdate.month, birthdate.year % 100):
        problems.append("month/year")
    if int(nik[12:]) < 1:
        problems.append("serial")
    return problems


@pytest.fixture(scope="module")
def people():
    return generate_population(rng_for(11, "population"), 60_000)


def test_every_nik_is_valid_unique_and_matches_birthdate_and_sex(people):
    table = people.to_table()
    niks = table.column("nik").to_pylist()
    dates = table.column("birthdate").to_pylist()
    female = [s == "P" for s in table.column("sex").to_pylist()]
    bad = [(i, p) for i, (n, d, f) in enumerate(zip(niks, dates, female, strict=True))
           if (p := nik_problems(n, d, f))]
    assert bad == []
    assert len(set(niks)) == len(niks)


def test_the_validator_rejects_what_it_should():
    birthdate = dt.date(1980, 1, 5)
    assert nik_problems("3171014501800001", birthdate, True) == []
    assert nik_problems("3171010501800001", birthdate, True) == ["day/sex"]
    assert nik_problems("9971010501800001", birthdate, False) == ["province"]
    assert nik_problems("3170010501800001", birthdate, False) == ["regency"]
    assert nik_problems("3171010501800000", birthdate, False) == ["serial"]
    assert nik_problems("317101050180000", birthdate, False) == ["not 16 digits"]


def test_provinces_follow_population_and_include_papua(people):
    provinces = collections.Counter(int(str(n)[:2]) for n in people.nik.tolist())
    assert provinces.most_common(1)[0][0] == 32  # Jawa Barat is the largest
    assert provinces[32] / len(people) == pytest.approx(51.3 / 283, rel=0.1)
    assert {91, 92, 93, 94, 95, 96} <= set(provinces)
    assert set(provinces) <= PROVINCE_CODES


def test_sex_is_balanced_and_ages_span_0_to_90_with_a_young_population(people):
    assert people.female.mean() == pytest.approx(0.5, abs=0.01)
    year = split_date(people.birthdate)[0]
    age = 2025 - year
    assert age.min() == 0 and age.max() == 90
    assert 25 <= np.median(age) <= 35  # Indonesia's median age is about 30
    assert (age < 15).mean() > (age >= 60).mean()
    assert people.birthdate.max() < np.datetime64("2026-01-01")


def test_placeholder_birthdates_are_common_as_in_dukcapil_data(people):
    _, month, day = split_date(people.birthdate)
    first_july = ((month == 7) & (day == 1)).mean()
    assert 0.02 < first_july < 0.06  # 1/365 would be 0.003
    assert first_july > ((month == 12) & (day == 31)).mean() > 1 / 365


def test_names_are_in_title_case_and_follow_the_provinces_traditions(people):
    table = people.to_table()
    names = table.column("name").to_pylist()
    assert all(n and n == n.strip() and "  " not in n for n in names)
    # lower case: only the connectors, binti also in the spelling the realistic model (the
    # default) registers for some people (realistic_names.spelled_as_registered)
    connectors = ("bin", "binti", "binty")
    assert all(w[0].isupper() or w in connectors for n in names for w in n.split(" "))
    provinces = table.column("province").to_numpy()
    nik_province = people.nik // 10**14
    bali = [n for n, p in zip(names, nik_province.tolist(), strict=True) if p == 51]
    assert sum(n.startswith(("I ", "Ni ")) for n in bali) / len(bali) > 0.6
    north_sumatra = [n for n, p in zip(names, nik_province.tolist(), strict=True) if p == 12]
    margas = ("Siregar", "Nasution", "Harahap", "Lubis", "Sinaga", "Ginting", "Tarigan")
    assert any(n.endswith(margas) for n in north_sumatra)
    assert (provinces == nik_province).mean() == pytest.approx(0.92 + 0.08 * 0.18, abs=0.03)


def test_name_frequencies_have_a_long_tail_and_the_known_top_names(people):
    counts = collections.Counter(people.name.to_pylist())
    top = [name for name, _ in counts.most_common(20)]
    assert "Nurhayati" in top and "Sutrisno" in top
    assert counts.most_common(1)[0][1] / len(people) < 0.01
    assert len(counts) > 0.3 * len(people)


def test_same_generator_state_gives_the_same_people():
    one = generate_population(rng_for(3, "population"), 2_000)
    two = generate_population(rng_for(3, "population"), 2_000)
    other = generate_population(rng_for(4, "population"), 2_000)
    assert one.to_table().equals(two.to_table())
    assert not one.to_table().equals(other.to_table())


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.dates(dt.date(1935, 1, 1), dt.date(2025, 12, 31)), st.booleans()),
                min_size=1, max_size=40))
def test_build_niks_counts_serials_from_one_per_prefix(people_spec):
    dates = np.array([d.isoformat() for d, _ in people_spec], dtype="datetime64[D]")
    female = np.array([f for _, f in people_spec])
    ones = np.ones(len(dates), dtype=np.int64)
    niks = build_niks(ones * 33, ones * 74, ones * 5, dates, female)
    text = [str(n) for n in niks.tolist()]
    assert len(set(text)) == len(text)
    for nik, (birthdate, is_female) in zip(text, people_spec, strict=True):
        assert nik_problems(nik, birthdate, is_female) == []
    serials = collections.defaultdict(list)
    for nik in text:
        serials[nik[:12]].append(int(nik[12:]))
    assert all(sorted(s) == list(range(1, len(s) + 1)) for s in serials.values())


@given(st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)))
def test_split_and_make_dates_round_trip(date):
    value = np.array([date.isoformat()], dtype="datetime64[D]")
    year, month, day = split_date(value)
    assert (int(year[0]), int(month[0]), int(day[0])) == (date.year, date.month, date.day)
    assert make_dates(year, month, day)[0] == value[0]
