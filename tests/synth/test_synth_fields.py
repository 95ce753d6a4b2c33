"""The other columns of the synthetic lists: households, moves and marriages between the lists'
years, family cards, each agency's style, and the documented dirt rates."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from padan.encoder.normalise import (
    Status,
    normalise_address,
    normalise_kk,
    normalise_name,
    normalise_place,
)
from padan.synth import DirtLevel, SynthConfig, generate, parse_agencies
from padan.synth.agencies import rng_for
from padan.synth.field_columns import (
    FIELD_RATES,
    FieldDirt,
    field_rates_markdown,
    headers_for,
    list_year,
)
from padan.synth.population import generate_population
from padan.synth.residence import MARRIAGE, MOVE, NONE, generate_residence

DOCS = Path(__file__).resolve().parents[2] / "docs" / "synthetic-data.md"
USABLE = (Status.VALID, Status.REPAIRED)


@pytest.fixture(scope="module")
def residence():
    population = generate_population(rng_for(11, "population"), 20_000)
    return population, generate_residence(rng_for(11, "residence"), population)


@pytest.fixture(scope="module")
def clean():
    return generate(SynthConfig(seed=5, population=20_000, dirt=DirtLevel.NONE, overlap=0.6,
                                agencies=parse_agencies("DTKS:4000,KJP:2000,KIS:4000")))


@pytest.fixture(scope="module")
def heavy():
    return generate(SynthConfig(seed=5, population=60_000, dirt=DirtLevel.HEAVY,
                                agencies=parse_agencies("DTKS:20000,KIS:20000")))


def test_list_years():
    assert [list_year(i) for i in range(7)] == [2025, 2023, 2021, 2019, 2017, 2016, 2016]


def test_family_cards_carry_the_home_region_and_a_card_date(residence):
    _, res = residence
    assert (res.kk_before // 10**10 == res.home_before.region).all()
    day = res.kk_before // 10**8 % 100
    month = res.kk_before // 10**6 % 100
    assert ((day >= 1) & (day <= 28)).all() and ((month >= 1) & (month <= 12)).all()
    assert (res.kk_before % 10_000 > 0).all()


def test_households_share_a_home_and_a_card(residence):
    _, res = residence
    _, counts = np.unique(res.kk_before, return_counts=True)
    # smaller than 1 + 2.5 on average: 20,000 people leave few per district to group
    assert 1.5 < counts.mean() < 4.5 and counts.max() <= 7
    same = res.kk_before == res.kk_before[np.argmax(np.bincount(np.unique(
        res.kk_before, return_inverse=True)[1]))]
    assert len(np.unique(res.home_before.number[same])) == 1


def test_events_change_cards_and_homes_as_documented(residence):
    population, res = residence
    marriage, move = res.event == MARRIAGE, res.event == MOVE
    assert 0.25 < move.mean() / (1 - marriage.mean()) < 0.35
    assert (res.kk_after[marriage | move] != res.kk_before[marriage | move]).all()
    assert (res.kk_after[res.event == NONE] == res.kk_before[res.event == NONE]).all()
    moved_home = res.home_after.number != res.home_before.number
    assert moved_home[move].mean() > 0.95
    assert 0.4 < moved_home[marriage].mean() < 0.6
    ids = np.arange(len(population))
    homes_2021, kk_2021 = res.at(ids, 2021)
    homes_2025, kk_2025 = res.at(ids, 2025)
    between = (res.event != NONE) & (res.event_year > 2021) & (res.event_year <= 2025)
    assert (kk_2021[between] != kk_2025[between]).all()
    moved = between & (res.event == MOVE)
    assert (homes_2021.number[moved] != homes_2025.number[moved]).mean() > 0.95
    assert (homes_2021.number[~between] == homes_2025.number[~between]).all()
    assert (kk_2021[~between] == kk_2025[~between]).all()


def test_every_agency_writes_the_other_columns_in_its_own_style(clean):
    for agency, table in clean.tables.items():
        headers = headers_for(clean.spec(agency))
        assert set(headers.values()) <= set(table.column_names)
    dtks = clean.tables["DTKS"].column("ALAMAT").to_pylist()
    kjp = clean.tables["KJP"].column("Alamat").to_pylist()
    assert all(a.isupper() for a in dtks[:50]) and any(" RT " in a for a in dtks[:50])
    assert any(a.startswith(("Jalan", "Gang", "Kampung", "Dsn.")) for a in kjp[:50])


def test_clean_values_normalise_and_the_same_person_agrees_unless_they_moved(clean):
    """With no dirt, two lists of different years disagree on the address or family card
    exactly for people whose event falls between the years."""
    dtks, kis = clean.tables["DTKS"], clean.tables["KIS"]      # 2025 and 2021
    dtks_row = {p: r for r, p in enumerate(clean.truth["DTKS"].tolist())}
    dirt_d, dirt_k = clean.field_dirt["DTKS"], clean.field_dirt["KIS"]
    same_kk = changed_kk = 0
    for r, person in enumerate(clean.truth["KIS"].tolist()):
        if person not in dtks_row:
            continue
        d = dtks_row[person]
        kk_d = normalise_kk(dtks.column("NO_KK")[d].as_py())
        kk_k = normalise_kk(kis.column("NKK")[r].as_py())
        assert kk_d.status in USABLE and kk_k.status in USABLE
        new_card = bool(dirt_d[d] & FieldDirt.KK_CHANGED) != bool(dirt_k[r] & FieldDirt.KK_CHANGED)
        if kk_d.value == kk_k.value:
            same_kk += 1
        else:
            changed_kk += 1
            assert new_card or dirt_d[d] & FieldDirt.KK_CHANGED
        a = normalise_address(dtks.column("ALAMAT")[d].as_py())
        b = normalise_address(kis.column("ALAMAT_PESERTA")[r].as_py())
        assert a.status in USABLE and b.status in USABLE
        place_d = normalise_place(dtks.column("TEMPAT_LAHIR")[d].as_py()).value
        place_k = normalise_place(kis.column("TMP_LAHIR")[r].as_py()).value
        assert place_d == place_k
        mother_d = normalise_name(dtks.column("NAMA_IBU_KANDUNG")[d].as_py()).value
        assert mother_d == normalise_name(kis.column("NM_IBU")[r].as_py()).value
    assert same_kk > 0 and 0.05 < changed_kk / (same_kk + changed_kk) < 0.35


@pytest.mark.parametrize("kind", list(FIELD_RATES), ids=lambda k: k.name.lower())
def test_heavy_dirt_rates_are_as_documented(heavy, kind):
    rows = np.concatenate([heavy.field_dirt[a] for a in heavy.agencies])
    observed = ((rows & np.uint16(kind)) != 0).mean()
    documented = FIELD_RATES[kind].heavy
    # some kinds apply only where they can (listed places, a writable house number)
    assert observed <= documented * 1.3 + 0.005
    if kind is not FieldDirt.BIRTHPLACE_OLD:
        assert observed >= documented * 0.6


def test_no_dirt_at_none(clean):
    noise = np.uint16(sum(k for k in FIELD_RATES))
    for agency in clean.agencies:
        assert not (clean.field_dirt[agency] & noise).any()


def test_the_docs_show_the_rates_table():
    assert field_rates_markdown() in DOCS.read_text(encoding="utf-8")
