"""Names as diverse as e-KTP names: the `realistic` name model (`padan synth --names realistic`).

The classic model (naming.py) draws most people from short lists, so its commonest full name
holds 0.86 % of the population where e-KTP's (Nurhayati, 254,922 of about 280 M in January 2025)
holds 0.09 %. This model keeps the same traditions and name material and adds what makes real
names diverse (targets and measurements in docs/synthetic-data.md, "Name frequencies"):

- flatter frequencies over the listed names (Zipf exponent 0.3 rather than 0.7);
- productive given names for every tradition that builds them (Javanese and Sundanese stems,
  Minang Yul-/Des-/Nof- names, Bugis -uddin names), drawn for most people, not a minority;
- more two- and three-word names (Muhammad/Siti + name, name + second name, modern triples),
  while the old generation keeps mostly one name;
- names registered in other spellings: a share of people carry a spelling variant (Sumiyati,
  Mochammad) or, if born before the 1972 reform, the old spelling (Soeparman, Djoko) as their
  true name, since Dukcapil keeps a name as registered.

Everything is vectorised like naming.py: one numpy draw per token slot and tradition.
"""

from __future__ import annotations

import random

import numpy as np
import pyarrow as pa

from padan.synth import name_noise
from padan.synth import names as N
from padan.synth.naming import (
    _maybe,
    _sexed,
    _unless_same,
    balinese_birth_names,
    generated_names,
)

LISTED_EXPONENT = 0.3
GENERATED_EXPONENT = 0.3

# Minang names are built from a few stems and endings (Yul+nita, Des+mawati, Nof+rizal).
MINANG_STEMS = ("Yul", "Des", "Nof", "Zul", "Af", "Syaf", "Yus", "Ros", "Er", "El", "Gus", "Ris",
                "Mas", "Har", "Jas", "Nas", "Yon", "Def", "Ed", "Ar", "Fir", "Wel", "Yen", "Ism")
MINANG_MIDDLES = ("", "ri", "ni", "ma", "a", "wi", "hen", "ri")
MINANG_ENDINGS_MALE = ("rizal", "hendri", "man", "nal", "war", "mon", "di", "fri", "zar", "ial",
                       "dri", "nedi", "fendi", "rianto")
MINANG_ENDINGS_FEMALE = ("nita", "niati", "mawati", "nida", "mar", "fira", "wati", "nelis",
                         "yanti", "niar", "leli", "mi", "fita", "na")
# Bugis and Makassar names: Arabic stems with -uddin for men (Baha+ruddin), -wati/-iah for women.
BUGIS_STEMS = ("Baha", "Syams", "Haer", "Jamal", "Hasan", "Amir", "Kamar", "Burhan", "Saha",
               "Syarif", "Nasar", "Nur", "Zain", "Fakhr", "Najam", "Alim", "Badr", "Taj", "Muh",
               "Siraj", "Ham", "Has", "Ros", "Jum", "Mur", "Sah", "Mar", "Rahm", "Sam")
BUGIS_MIDDLES = ("", "a", "i", "u", "na", "mi")
BUGIS_ENDINGS_MALE = ("uddin", "ruddin", "din", "dar", "ri", "han", "ir", "man")
BUGIS_ENDINGS_FEMALE = ("nawati", "haedah", "miati", "riani", "siah", "niati", "aeni", "wah",
                        "mawati", "iah", "ati", "sia")


def _given(rng, female, male, female_names, generator, share):
    """A listed name (flat Zipf) or, with probability `share`, a generated one."""
    listed, listed_first = _sexed(rng, female, male, female_names, LISTED_EXPONENT)
    if generator is None:
        return listed, listed_first
    stems, middles, endings_male, endings_female = generator
    made, _ = _sexed(rng, female, generated_names(stems, middles, endings_male),
                     generated_names(stems, middles, endings_female), GENERATED_EXPONENT)
    use_made = rng.random(len(female)) < share
    return np.where(use_made, made, listed), np.where(use_made, made, listed_first)


def _second(rng, female, male, female_names, given):
    second, _ = _sexed(rng, female, male, female_names, LISTED_EXPONENT)
    return np.where(second == given, None, second)


_JAVANESE = (N.JAVANESE_STEMS, N.JAVANESE_MIDDLES, N.JAVANESE_ENDINGS_MALE,
             N.JAVANESE_ENDINGS_FEMALE)
_SUNDANESE = (N.SUNDANESE_STEMS, N.SUNDANESE_MIDDLES, N.SUNDANESE_ENDINGS_MALE,
              N.SUNDANESE_ENDINGS_FEMALE)
_MINANG = (MINANG_STEMS, MINANG_MIDDLES, MINANG_ENDINGS_MALE, MINANG_ENDINGS_FEMALE)
_BUGIS = (BUGIS_STEMS, BUGIS_MIDDLES, BUGIS_ENDINGS_MALE, BUGIS_ENDINGS_FEMALE)


def _javanese(rng, female, birth_year, province):
    given, given_first = _given(rng, female, N.JAVANESE_MALE, N.JAVANESE_FEMALE, _JAVANESE, 0.7)
    first, _ = _sexed(rng, female, N.JAVANESE_FIRST_MALE, N.JAVANESE_FIRST_FEMALE,
                      LISTED_EXPONENT)
    last, _ = _given(rng, female, N.JAVANESE_LAST_MALE, N.JAVANESE_LAST_FEMALE, _JAVANESE, 0.4)
    last = np.where(last == given, None, last)
    old = birth_year < 1960
    first = _unless_same(_maybe(rng, first, np.where(old, 0.15, 0.4)), given_first)
    return [first, given, _maybe(rng, last, np.where(old, 0.1, 0.45))]


def _sundanese(rng, female, birth_year, province):
    given, given_first = _given(rng, female, N.SUNDANESE_MALE, N.SUNDANESE_FEMALE, _SUNDANESE,
                                0.65)
    first, _ = _sexed(rng, female, N.SUNDANESE_FIRST_MALE, N.SUNDANESE_FIRST_FEMALE,
                      LISTED_EXPONENT)
    second, _ = _given(rng, female, N.SUNDANESE_MALE, N.SUNDANESE_FEMALE, _SUNDANESE, 0.5)
    second = np.where(second == given, None, second)
    pattern = rng.choice(3, size=len(female), p=[0.4, 0.3, 0.3])
    lead = np.where(pattern == 1, _unless_same(first, given_first), None)
    tail = np.where(pattern == 2, second, None)
    return [lead, given, tail]


def _malay(rng, female, birth_year, province):
    n = len(female)
    given, given_first = _given(rng, female, N.MALAY_MALE, N.MALAY_FEMALE, _BUGIS, 0.35)
    second = _second(rng, female, N.MALAY_MALE + N.MINANG_MALE, N.MALAY_FEMALE + N.BUGIS_FEMALE,
                     given)
    first, _ = _sexed(rng, female, N.MALAY_FIRST_MALE, N.MALAY_FIRST_FEMALE, LISTED_EXPONENT)
    abdul, _ = _sexed(rng, female, N.ABDUL_SECOND, N.SITI_SECOND, LISTED_EXPONENT)
    father, _ = _sexed(rng, np.zeros(n, bool), N.MALAY_MALE, N.MALAY_MALE, LISTED_EXPONENT)
    pattern = rng.choice(4, size=n, p=[0.25, 0.3, 0.1, 0.35])
    lead = np.where(pattern == 1, _unless_same(first, given_first), None)
    lead = np.where(pattern == 2, np.where(female, "Siti", "Abdul"), lead)
    main = np.where(pattern == 2, abdul, given)
    tail = np.where((pattern == 3) | ((pattern != 0) & (rng.random(n) < 0.4)), second, None)
    with_father = rng.random(n) < 0.06
    link = np.where(with_father, np.where(female, "binti", "bin"), None)
    return [lead, main, tail, link, np.where(with_father, father, None)]


def _batak(rng, female, birth_year, province):
    given, _ = _sexed(rng, female, N.BATAK_MALE + N.EASTERN_MALE, N.BATAK_FEMALE + N.EASTERN_FEMALE,
                      LISTED_EXPONENT)
    second = _second(rng, female, N.BATAK_MALE, N.BATAK_FEMALE, given)
    marga, _ = _sexed(rng, female, N.MARGA, N.MARGA, LISTED_EXPONENT)
    return [given, _maybe(rng, second, 0.35), _maybe(rng, marga, 0.95)]


def _minang(rng, female, birth_year, province):
    given, given_first = _given(rng, female, N.MINANG_MALE, N.MINANG_FEMALE, _MINANG, 0.6)
    second = _second(rng, female, N.MINANG_MALE, N.MINANG_FEMALE, given)
    first, _ = _sexed(rng, female, N.MALAY_FIRST_MALE, N.MALAY_FIRST_FEMALE, LISTED_EXPONENT)
    pattern = rng.choice(3, size=len(female), p=[0.5, 0.3, 0.2])
    lead = np.where(pattern == 2, _unless_same(first, given_first), None)
    return [lead, given, np.where(pattern == 1, second, None)]


def _bugis(rng, female, birth_year, province):
    n = len(female)
    given, _ = _given(rng, female, N.BUGIS_MALE, N.BUGIS_FEMALE, _BUGIS, 0.55)
    second, _ = _given(rng, female, N.BUGIS_MALE, N.BUGIS_FEMALE, _BUGIS, 0.5)
    second = np.where(second == given, None, second)
    andi = np.full(n, "Andi", dtype=object)
    return [_maybe(rng, andi, 0.08), given, _maybe(rng, second, 0.3)]


def _balinese(rng, female, birth_year, province):
    n = len(female)
    caste, _ = _sexed(rng, female, N.BALINESE_CASTE_MALE, N.BALINESE_CASTE_FEMALE)
    commoner = np.where(rng.random(n) < 0.9, np.where(female, "Ni", "I"), None)
    prefix = np.where(rng.random(n) < 0.08, caste, commoner)
    birth_name = balinese_birth_names(rng, female)
    given, _ = _given(rng, female, N.BALINESE_MALE, N.BALINESE_FEMALE, _JAVANESE, 0.3)
    second = _second(rng, female, N.BALINESE_MALE, N.BALINESE_FEMALE, given)
    return [prefix, birth_name, given, _maybe(rng, second, 0.4)]


def _chinese(rng, female, birth_year, province):
    n = len(female)
    given, _ = _sexed(rng, female, N.CHINESE_MALE + N.EASTERN_MALE,
                      N.CHINESE_FEMALE + N.EASTERN_FEMALE, LISTED_EXPONENT)
    middle = _second(rng, female, N.CHINESE_MALE, N.CHINESE_FEMALE, given)
    surname, _ = _sexed(rng, female, N.CHINESE_SURNAMES, N.CHINESE_SURNAMES, LISTED_EXPONENT)
    old_surname, _ = _sexed(rng, female, N.CHINESE_OLD_SURNAMES, N.CHINESE_OLD_SURNAMES)
    syllables = np.array(N.CHINESE_OLD_SYLLABLES, dtype=object)
    one = syllables[rng.integers(0, len(syllables), n)]
    two = syllables[rng.integers(0, len(syllables), n)]
    old = (birth_year < 1966) & (rng.random(n) < 0.5)
    return [np.where(old, old_surname, given), np.where(old, one, _maybe(rng, middle, 0.25)),
            np.where(old, two, _maybe(rng, surname, 0.75))]


def _eastern(rng, female, birth_year, province):
    n = len(female)
    given, _ = _sexed(rng, female, N.EASTERN_MALE, N.EASTERN_FEMALE, LISTED_EXPONENT)
    second = _second(rng, female, N.EASTERN_MALE, N.EASTERN_FEMALE, given)
    family = np.empty(n, dtype=object)
    region = np.array([N.EASTERN_FAMILY_BY_PROVINCE.get(int(p), "ntt") for p in range(100)])
    person_region = region[province]
    for key, names in N.EASTERN_FAMILY.items():
        mask = person_region == key
        family[mask], _ = _sexed(rng, female[mask], names, names, LISTED_EXPONENT)
    return [given, _maybe(rng, second, 0.45), _maybe(rng, family, 0.85)]


def _modern(rng, female, birth_year, province):
    first, _ = _sexed(rng, female, N.MODERN_FIRST_MALE + N.MODERN_SECOND_MALE,
                      N.MODERN_FIRST_FEMALE + N.MODERN_SECOND_FEMALE, LISTED_EXPONENT)
    second, second_first = _sexed(rng, female, N.MODERN_SECOND_MALE + N.MODERN_FIRST_MALE,
                                  N.MODERN_SECOND_FEMALE + N.MODERN_FIRST_FEMALE,
                                  LISTED_EXPONENT)
    third, third_first = _sexed(rng, female, N.MODERN_SECOND_MALE, N.MODERN_SECOND_FEMALE,
                                LISTED_EXPONENT)
    second = np.where(second_first == first, None, second)
    third = np.where((third_first == second_first) | (third_first == first), None, third)
    return [first, second, _maybe(rng, third, 0.6)]


COMPOSERS = (_javanese, _sundanese, _malay, _batak, _minang, _bugis, _balinese, _chinese,
             _eastern, _modern)

VARIANT_SHARE = 0.2        # true names registered in a spelling variant
OLD_SPELLING_SHARE = 0.25  # of people born before the 1972 spelling reform, registered the old way


def spelled_as_registered(rng: np.random.Generator, names: pa.Array,
                          birth_year: np.ndarray) -> pa.Array:
    """The true names with a share registered in another spelling (module docstring)."""
    values = names.to_numpy(zero_copy_only=False).astype(object)
    draw = rng.random(len(values))
    old = (birth_year < 1972) & (draw < OLD_SPELLING_SHARE)
    variant = ~old & (draw >= 1 - VARIANT_SHARE)
    rnd = random.Random(int(rng.integers(2**63)))
    for rows, respell in ((np.flatnonzero(old), name_noise.old_spelling),
                          (np.flatnonzero(variant), name_noise.variant)):
        for row in rows.tolist():
            changed = respell(rnd, values[row])
            if changed is not None:
                values[row] = changed
    return pa.array(values, type=pa.string())
