"""The corruption model: rates as documented, the kinds mask tells the truth, each kind works."""

from __future__ import annotations

import random
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from padan.synth import AgencySpec, DirtLevel, SynthConfig, generate
from padan.synth import name_noise as noise
from padan.synth.corruption import (
    DATE_KINDS,
    NAME_KINDS,
    NIK_DUMMIES,
    NIK_KINDS,
    RATES,
    SEX_KINDS,
    rate,
)
from padan.synth.corruption import CorruptionKind as K
from padan.synth.dates import format_dates

ROWS = 30_000
SPEC = AgencySpec("HEAVY", ROWS, date_format="%d-%m-%Y", name_case="title")
# Kinds that change every row they pick (up to the few rows that "missing" or "dummy" then
# replace, or the rare clash such as 16th digit already 0): observed rate >= 0.85 x documented.
ALWAYS = {K.NAME_TYPO, K.NAME_SPACING, K.NAME_MISSING, K.NIK_DIGIT, K.NIK_TRANSPOSITION,
          K.NIK_EXCEL_ZERO, K.NIK_EXCEL_SCIENTIFIC, K.NIK_APOSTROPHE, K.NIK_TRUNCATED,
          K.NIK_DUMMY, K.NIK_MISSING, K.DATE_FORMAT_VARIETY, K.DATE_YEAR_OFF_BY_ONE,
          K.DATE_YEAR_TYPO, K.DATE_MISSING, K.SEX_FLIP, K.SEX_MISSING}


@pytest.fixture(scope="module")
def heavy():
    return generate(SynthConfig(seed=21, population=ROWS + 5_000, agencies=(SPEC,),
                                dirt=DirtLevel.HEAVY, duplicate_rate=0.0))


def test_every_kind_is_documented_with_both_rates():
    assert set(RATES) == set(K) - {K.DUPLICATE}
    for kind, rates in RATES.items():
        assert 0 < rates.moderate < rates.heavy < 0.2, kind
        assert rate(kind, DirtLevel.NONE) == 0.0
        assert rate(kind, DirtLevel.HEAVY) == rates.heavy


@pytest.mark.parametrize("kind", sorted(RATES, key=int), ids=lambda k: k.name.lower())
def test_observed_rates_match_the_documented_ones(heavy, kind):
    kinds = heavy.kinds["HEAVY"]
    observed = ((kinds & np.uint32(kind)) != 0).mean()
    documented = RATES[kind].heavy
    spread = 4 * np.sqrt(documented * (1 - documented) / ROWS)
    assert observed <= documented + spread
    if kind in ALWAYS:
        assert observed >= 0.85 * documented - spread
    elif kind == K.NAME_TITLE:  # adults only
        assert observed >= 0.5 * documented - spread
    else:  # applies where the value allows it
        assert observed > 0


def test_moderate_lists_are_cleaner_than_heavy_ones(heavy):
    moderate = generate(SynthConfig(seed=21, population=ROWS + 5_000, agencies=(SPEC,),
                                    dirt=DirtLevel.MODERATE, duplicate_rate=0.0))
    clean_heavy = (heavy.kinds["HEAVY"] == 0).mean()
    clean_moderate = (moderate.kinds["HEAVY"] == 0).mean()
    assert 0.4 < clean_heavy < clean_moderate < 0.9


def _truth(lists, agency):
    return lists.population.take(lists.truth[agency])


def test_fields_without_a_kind_bit_are_exactly_the_truth(heavy):
    table, kinds, people = heavy.tables["HEAVY"], heavy.kinds["HEAVY"], _truth(heavy, "HEAVY")
    dates = people["birthdate"].to_numpy().astype("datetime64[D]")
    checks = {
        NIK_KINDS: (table["NIK"].to_pylist(), people["nik"].to_pylist()),
        NAME_KINDS: (table["NAMA"].to_pylist(), people["name"].to_pylist()),
        DATE_KINDS: (table["TGL_LAHIR"].to_pylist(), format_dates(dates, "%d-%m-%Y").to_pylist()),
        SEX_KINDS: (table["JK"].to_pylist(), people["sex"].to_pylist()),
    }
    for group, (written, true) in checks.items():
        untouched = (kinds & np.uint32(group)) == 0
        assert untouched.mean() > 0.5
        for row in np.flatnonzero(untouched).tolist():
            assert written[row] == true[row], (group, row)
        touched = np.flatnonzero(~untouched).tolist()
        assert all(written[row] != true[row] for row in touched), group


def test_each_nik_kind_leaves_its_mark(heavy):
    niks, kinds = heavy.tables["HEAVY"]["NIK"].to_pylist(), heavy.kinds["HEAVY"]

    def rows(kind):
        return np.flatnonzero((kinds & np.uint32(kind)) != 0).tolist()

    assert all(niks[r] is None for r in rows(K.NIK_MISSING))
    assert all(niks[r] in NIK_DUMMIES for r in rows(K.NIK_DUMMY))
    assert all(re.fullmatch(r"\d(\.\d{1,5})?E\+1[2-5]", niks[r]) for r in
               rows(K.NIK_EXCEL_SCIENTIFIC))
    assert all(niks[r].startswith("'") for r in rows(K.NIK_APOSTROPHE))
    truncated = set(rows(K.NIK_TRUNCATED)) - set(rows(K.NIK_EXCEL_SCIENTIFIC))
    assert all(13 <= len(niks[r].lstrip("'")) <= 15 for r in truncated)
    zero = set(rows(K.NIK_EXCEL_ZERO)) - set(rows(K.NIK_EXCEL_SCIENTIFIC)) - truncated
    assert all(niks[r].lstrip("'")[15] == "0" for r in zero)


def test_date_kinds_change_what_they_say(heavy):
    table, kinds, people = heavy.tables["HEAVY"], heavy.kinds["HEAVY"], _truth(heavy, "HEAVY")
    written = table["TGL_LAHIR"].to_pylist()
    true = people["birthdate"].to_pylist()
    only = {kind: np.flatnonzero((kinds & np.uint32(DATE_KINDS)) == np.uint32(kind)).tolist()
            for kind in (K.DATE_DAY_MONTH_SWAP, K.DATE_PLACEHOLDER, K.DATE_YEAR_OFF_BY_ONE,
                         K.DATE_MISSING)}
    assert all(len(rows) > 10 for rows in only.values())
    for row in only[K.DATE_DAY_MONTH_SWAP]:
        day, month, year = map(int, written[row].split("-"))
        assert (month, day, year) == (true[row].day, true[row].month, true[row].year)
    for row in only[K.DATE_PLACEHOLDER]:
        assert written[row][:5] in ("01-07", "31-12", "01-01")
        assert written[row][6:] == str(true[row].year)
    for row in only[K.DATE_YEAR_OFF_BY_ONE]:
        assert abs(int(written[row][6:]) - true[row].year) == 1
    assert all(written[row] is None for row in only[K.DATE_MISSING])


def test_sex_flips_and_missing(heavy):
    written, kinds = heavy.tables["HEAVY"]["JK"].to_pylist(), heavy.kinds["HEAVY"]
    true = _truth(heavy, "HEAVY")["sex"].to_pylist()
    for row in np.flatnonzero((kinds & np.uint32(K.SEX_FLIP)) != 0).tolist():
        assert {written[row], true[row]} == {"L", "P"}
    assert all(written[r] is None for r in
               np.flatnonzero((kinds & np.uint32(K.SEX_MISSING)) != 0).tolist())


# --- the name kinds, one at a time ---

def _damerau(a: str, b: str) -> int:
    """Optimal-string-alignment distance, written out for the test."""
    d = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1,
                          d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


NAMES = st.lists(st.text("abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=10),
                 min_size=1, max_size=4).map(lambda ws: " ".join(w.capitalize() for w in ws))


@given(NAMES, st.integers(0, 2**32))
def test_a_typo_is_one_edit_away(name, seed):
    changed = noise.typo(random.Random(seed), name)
    if sum(ch.isalpha() for ch in name) < 3:
        assert changed is None
    elif changed is not None:
        assert _damerau(name, changed) == 1
        assert changed[0] == name[0]


@given(NAMES, st.integers(0, 2**32))
def test_name_kinds_change_the_name_or_say_they_cannot(name, seed):
    rnd = random.Random(seed)
    for step in (noise.old_spelling, noise.variant, noise.abbreviation, noise.token_drop,
                 noise.token_merge, noise.token_swap, noise.nickname, noise.spacing):
        changed = step(rnd, name)
        assert changed is None or changed != name, step.__name__
    one_word = " " not in name
    if one_word:
        assert noise.token_drop(rnd, name) is None and noise.token_swap(rnd, name) is None
    else:
        swapped = noise.token_swap(rnd, name)
        if swapped is None:  # only when moving the last word first changes nothing
            assert name.split(" ")[-1] == name.split(" ")[0]
        else:
            assert sorted(swapped.split(" ")) == sorted(name.split(" "))
        assert len(noise.token_drop(rnd, name).split(" ")) == len(name.split(" ")) - 1


@pytest.mark.parametrize(("name", "old"), [
    ("Sukarno", "Soekarno"), ("Joko", "Djoko"), ("Cahyono", "Tjahjono"), ("Yanti", "Janti"),
    ("Nur", "Noer"), ("Khadijah", "Chadidjah"),
])
def test_old_spelling_of_one_word_names(name, old):
    assert noise.old_spelling(random.Random(0), name) == old


def test_listed_abbreviations_nicknames_and_variants():
    rnd = random.Random(1)
    assert noise.abbreviation(rnd, "Muhammad Rizky").split(" ")[0] in \
        noise.ABBREVIATIONS["Muhammad"]
    assert noise.abbreviation(rnd, "Abdul Rahman") in ("Abd. Rahman", "Abd Rahman")
    assert noise.abbreviation(rnd, "Sri Wahyuni") == "Sri W."
    assert noise.abbreviation(rnd, "Budi") is None
    assert noise.nickname(rnd, "Asep Hidayat") == "Asep Dayat"
    assert noise.nickname(rnd, "Sumarni") == "Marni"
    assert noise.nickname(rnd, "Budi") is None
    assert noise.variant(rnd, "Muhammad Ali").split(" ")[0] in noise.SPELLING_VARIANTS["Muhammad"]
    assert noise.token_merge(rnd, "Nurhayati") == "Nur Hayati"
    assert noise.token_merge(rnd, "Sri Wahyuni") == "Sriwahyuni"


def test_titles_suit_age_and_sex():
    rnd = random.Random(2)
    assert noise.title(rnd, "Putri", female=True, age=10) is None
    for _ in range(200):
        titled = noise.title(rnd, "Sulastri", female=True, age=50)
        prefix = titled.split(" ")[0]
        assert titled.startswith("Sulastri") or prefix in noise.PREFIX_TITLES_FEMALE
        assert prefix not in ("H.", "Bapak", "Drs.")


def test_the_docs_show_the_rates_and_default_agencies_as_the_code_has_them():
    from pathlib import Path

    from padan.synth import DEFAULT_AGENCIES
    from padan.synth.corruption import rates_markdown

    docs = (Path(__file__).resolve().parents[2] / "docs" / "synthetic-data.md").read_text()
    assert rates_markdown() in docs
    for spec in DEFAULT_AGENCIES:
        row = next(line for line in docs.splitlines() if line.startswith(f"| {spec.name} |"))
        assert all(f"`{column}`" in row for column in spec.columns.values()), spec.name
        assert all(code in row for code in spec.sex_codes), spec.name
