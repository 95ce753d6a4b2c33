"""Composing full names from the name material, vectorised: one numpy draw per token slot.

A full name is a row of token slots (None = absent) joined with spaces. Each naming tradition
fills the slots its own way: Batak marga last, Balinese I/Ni + birth order first, and so on.
People born since the late 1990s increasingly get the modern pan-Indonesian names instead.
"""

from __future__ import annotations

import functools
import itertools

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from padan.synth import names as N
from padan.synth.regions import TRADITIONS

MODERN = len(TRADITIONS)  # tradition index of the modern pan-Indonesian names
ALL_TRADITIONS = (*TRADITIONS, "modern")
# Traditions whose young people drift to modern names (Batak, Balinese, Chinese and eastern
# names keep their marga, birth order or clan name, so they stay with their own tradition).
_DRIFTS_TO_MODERN = ("javanese", "sundanese", "malay", "minang", "bugis")
_VOWELS = frozenset("aeiou")


class _Pool:
    """A name list ready for weighted draws: values, their first words, Zipf weights."""

    def __init__(self, names: tuple[str, ...], exponent: float):
        self.values = np.array(names, dtype=object)
        self.first_words = np.array([n.split(" ", 1)[0] for n in names], dtype=object)
        ranks = np.arange(1, len(names) + 1, dtype=np.float64)
        weights = 1.0 / ranks**exponent
        self.cumulative = np.cumsum(weights / weights.sum())

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Indices of n weighted draws (inverse-CDF sampling: one uniform per draw)."""
        idx = np.searchsorted(self.cumulative, rng.random(n), side="right")
        return np.minimum(idx, len(self.values) - 1)


@functools.cache
def _pool(names: tuple[str, ...], exponent: float = N.ZIPF_EXPONENT) -> _Pool:
    return _Pool(names, exponent)


@functools.cache
def generated_names(stems: tuple[str, ...], middles: tuple[str, ...],
                    endings: tuple[str, ...]) -> tuple[str, ...]:
    """Every stem + middle + ending, in a fixed pseudo-random order of frequency."""
    made = sorted({(stem + middle + ending).capitalize()
                   for stem in stems for middle in middles for ending in endings
                   if _pronounceable((stem + middle + ending).lower())})
    order = np.random.default_rng(0).permutation(len(made))  # fixed: same on every machine
    return tuple(made[i] for i in order)


def _pronounceable(name: str) -> bool:
    """Reject clusters Javanese and Sundanese names avoid: doubled letters, iyi, and two
    consonants unless the first is m, n, r, l, s, h or the second y, r, w, h."""
    if len(name) > 11 or "iyi" in name or "yiy" in name:
        return False
    letters = name.replace("ng", "N").replace("ny", "N")
    for left, right in itertools.pairwise(letters):
        if left == right:
            return False
        if left not in _VOWELS and right not in _VOWELS and left not in "mnrlshN" \
                and right not in "yrwh":
            return False
    return True


def _draw(rng, names: tuple[str, ...], n: int,
          exponent: float = N.ZIPF_EXPONENT) -> tuple[np.ndarray, np.ndarray]:
    pool = _pool(names, exponent)
    idx = pool.draw(rng, n)
    return pool.values[idx], pool.first_words[idx]


def _sexed(rng, female: np.ndarray, male_names, female_names,
           exponent: float = N.ZIPF_EXPONENT) -> tuple[np.ndarray, np.ndarray]:
    """Draw from the male list for men and the female list for women."""
    values = np.empty(len(female), dtype=object)
    firsts = np.empty(len(female), dtype=object)
    for mask, pool in ((~female, male_names), (female, female_names)):
        values[mask], firsts[mask] = _draw(rng, pool, int(mask.sum()), exponent)
    return values, firsts


def _listed_or_generated(rng, female, male_names, female_names, stems, middles, endings_male,
                         endings_female, generated_share: float):
    """A listed name, or with probability `generated_share` a generated one (the long tail)."""
    listed, listed_first = _sexed(rng, female, male_names, female_names)
    made, _ = _sexed(rng, female, generated_names(stems, middles, endings_male),
                     generated_names(stems, middles, endings_female), N.GENERATED_ZIPF_EXPONENT)
    use_made = rng.random(len(female)) < generated_share
    return np.where(use_made, made, listed), np.where(use_made, made, listed_first)


def _maybe(rng, tokens: np.ndarray, share) -> np.ndarray:
    """Keep each token with probability `share` (a number or one per person), else None."""
    return np.where(rng.random(len(tokens)) < share, tokens, None)


def _unless_same(first: np.ndarray, next_first_word: np.ndarray) -> np.ndarray:
    """Drop a leading token that the next slot starts with anyway (no "Sri Sri Wahyuni")."""
    return np.where(first == next_first_word, None, first)


def _javanese(rng, female, birth_year, province):
    given, given_first = _listed_or_generated(
        rng, female, N.JAVANESE_MALE, N.JAVANESE_FEMALE, N.JAVANESE_STEMS, N.JAVANESE_MIDDLES,
        N.JAVANESE_ENDINGS_MALE, N.JAVANESE_ENDINGS_FEMALE, 0.45)
    first, _ = _sexed(rng, female, N.JAVANESE_FIRST_MALE, N.JAVANESE_FIRST_FEMALE)
    last, _ = _sexed(rng, female, N.JAVANESE_LAST_MALE, N.JAVANESE_LAST_FEMALE)
    old = birth_year < 1960  # the old generation: mostly one name
    first = _unless_same(_maybe(rng, first, np.where(old, 0.15, 0.4)), given_first)
    return [first, given, _maybe(rng, last, np.where(old, 0.05, 0.3))]


def _sundanese(rng, female, birth_year, province):
    n = len(female)
    pattern = rng.choice(4, size=n, p=[0.4, 0.3, 0.15, 0.15])
    given, given_first = _listed_or_generated(
        rng, female, N.SUNDANESE_MALE, N.SUNDANESE_FEMALE, N.SUNDANESE_STEMS,
        N.SUNDANESE_MIDDLES, N.SUNDANESE_ENDINGS_MALE, N.SUNDANESE_ENDINGS_FEMALE, 0.4)
    first, _ = _sexed(rng, female, N.SUNDANESE_FIRST_MALE, N.SUNDANESE_FIRST_FEMALE)
    pair, _ = _sexed(rng, female, N.SUNDANESE_PAIRS_MALE, N.SUNDANESE_PAIRS_FEMALE)
    second, _ = _sexed(rng, female, N.SUNDANESE_MALE, N.SUNDANESE_FEMALE)
    second = np.where(second == given, None, second)
    lead = np.where(pattern == 1, _unless_same(first, given_first), None)
    lead = np.where(pattern == 3, second, lead)
    main = np.where(pattern == 2, pair, given)
    return [lead, main]


def _malay(rng, female, birth_year, province):
    n = len(female)
    given, given_first = _sexed(rng, female, N.MALAY_MALE, N.MALAY_FEMALE)
    second, _ = _sexed(rng, female, N.MALAY_MALE, N.MALAY_FEMALE)
    first, _ = _sexed(rng, female, N.MALAY_FIRST_MALE, N.MALAY_FIRST_FEMALE)
    second = np.where(second == given, None, second)
    abdul, _ = _draw(rng, N.ABDUL_SECOND, n)
    siti, _ = _draw(rng, N.SITI_SECOND, n)
    father, _ = _draw(rng, N.MALAY_MALE, n)
    pattern = rng.choice(4, size=n, p=[0.3, 0.3, 0.2, 0.2])
    # 0: one name; 1: Muhammad/Siti + name; 2: Abdul + attribute of God / Siti + Arabic name;
    # 3: two names.
    lead = np.where(pattern == 1, _unless_same(first, given_first), None)
    lead = np.where(pattern == 2, np.where(female, "Siti", "Abdul"), lead)
    lead = np.where(pattern == 3, second, lead)
    main = np.where(pattern == 2, np.where(female, siti, abdul), given)
    with_father = rng.random(n) < 0.06
    link = np.where(with_father, np.where(female, "binti", "bin"), None)
    return [lead, main, link, np.where(with_father, father, None)]


def _batak(rng, female, birth_year, province):
    given, _ = _sexed(rng, female, N.BATAK_MALE, N.BATAK_FEMALE)
    second, _ = _sexed(rng, female, N.BATAK_MALE, N.BATAK_FEMALE)
    marga, _ = _draw(rng, N.MARGA, len(female))
    second = np.where(second == given, None, second)
    return [given, _maybe(rng, second, 0.2), _maybe(rng, marga, 0.95)]


def _minang(rng, female, birth_year, province):
    given, given_first = _sexed(rng, female, N.MINANG_MALE, N.MINANG_FEMALE)
    second, _ = _sexed(rng, female, N.MINANG_MALE, N.MINANG_FEMALE)
    first, _ = _sexed(rng, female, N.MALAY_FIRST_MALE, N.MALAY_FIRST_FEMALE)
    pattern = rng.choice(3, size=len(female), p=[0.6, 0.25, 0.15])
    lead = np.where(pattern == 1, np.where(second == given, None, second), None)
    lead = np.where(pattern == 2, _unless_same(first, given_first), lead)
    return [lead, given]


def _bugis(rng, female, birth_year, province):
    given, _ = _sexed(rng, female, N.BUGIS_MALE, N.BUGIS_FEMALE)
    second, _ = _sexed(rng, female, N.BUGIS_MALE, N.BUGIS_FEMALE)
    andi = np.full(len(female), "Andi", dtype=object)
    second = np.where(second == given, None, second)
    return [_maybe(rng, andi, 0.08), given, _maybe(rng, second, 0.15)]


def _balinese(rng, female, birth_year, province):
    n = len(female)
    caste, _ = _sexed(rng, female, N.BALINESE_CASTE_MALE, N.BALINESE_CASTE_FEMALE)
    has_caste = rng.random(n) < 0.08
    commoner = np.where(rng.random(n) < 0.9, np.where(female, "Ni", "I"), None)
    prefix = np.where(has_caste, caste, commoner)
    birth_name = balinese_birth_names(rng, female)
    given, _ = _sexed(rng, female, N.BALINESE_MALE, N.BALINESE_FEMALE)
    second, _ = _sexed(rng, female, N.BALINESE_MALE, N.BALINESE_FEMALE)
    second = np.where(second == given, None, second)
    return [prefix, birth_name, given, _maybe(rng, second, 0.25)]


def _chinese(rng, female, birth_year, province):
    n = len(female)
    given, _ = _sexed(rng, female, N.CHINESE_MALE, N.CHINESE_FEMALE)
    surname, _ = _draw(rng, N.CHINESE_SURNAMES, n)
    old_surname, _ = _draw(rng, N.CHINESE_OLD_SURNAMES, n)
    syllables = np.array(N.CHINESE_OLD_SYLLABLES, dtype=object)
    one = syllables[rng.integers(0, len(syllables), n)]
    two = syllables[rng.integers(0, len(syllables), n)]
    # Before the 1966 name-change decree, many kept a three-part Hokkien name.
    old = (birth_year < 1966) & (rng.random(n) < 0.5)
    return [np.where(old, old_surname, given), np.where(old, one, None),
            np.where(old, two, _maybe(rng, surname, 0.75))]


def _eastern(rng, female, birth_year, province):
    n = len(female)
    given, _ = _sexed(rng, female, N.EASTERN_MALE, N.EASTERN_FEMALE)
    second, _ = _sexed(rng, female, N.EASTERN_MALE, N.EASTERN_FEMALE)
    second = np.where(second == given, None, second)
    family = np.empty(n, dtype=object)
    region = np.array([N.EASTERN_FAMILY_BY_PROVINCE.get(int(p), "ntt") for p in range(100)])
    person_region = region[province]
    for key, names in N.EASTERN_FAMILY.items():
        mask = person_region == key
        family[mask], _ = _draw(rng, names, int(mask.sum()))
    return [given, _maybe(rng, second, 0.3), _maybe(rng, family, 0.8)]


def _modern(rng, female, birth_year, province):
    first, _ = _sexed(rng, female, N.MODERN_FIRST_MALE, N.MODERN_FIRST_FEMALE)
    second, second_first = _sexed(rng, female, N.MODERN_SECOND_MALE, N.MODERN_SECOND_FEMALE)
    third, third_first = _sexed(rng, female, N.MODERN_SECOND_MALE, N.MODERN_SECOND_FEMALE)
    third = np.where((third_first == second_first) | (third_first == first), None, third)
    return [_unless_same(first, second_first), second, _maybe(rng, third, 0.3)]


COMPOSERS = (_javanese, _sundanese, _malay, _batak, _minang, _bugis, _balinese, _chinese,
              _eastern, _modern)


def modern_share(birth_year: np.ndarray) -> np.ndarray:
    """Chance that someone of a drifting tradition has a modern name: 0 before 1990, rising to
    0.65 for children born since 2016."""
    return np.clip((birth_year - 1990) / 40.0, 0.0, 0.65)


def assign_modern(rng: np.random.Generator, tradition: np.ndarray,
                  birth_year: np.ndarray) -> np.ndarray:
    """Move the young people of drifting traditions to the modern names."""
    drifts = np.isin(tradition, [TRADITIONS.index(t) for t in _DRIFTS_TO_MODERN])
    modern = drifts & (rng.random(len(tradition)) < modern_share(birth_year))
    return np.where(modern, MODERN, tradition)


def compose_names(rng: np.random.Generator, tradition: np.ndarray, female: np.ndarray,
                  birth_year: np.ndarray, province: np.ndarray,
                  composers: tuple = COMPOSERS) -> pa.Array:
    """Full names in title case, one per person; `tradition` indexes ALL_TRADITIONS;
    `composers` (one per tradition) is a name model: this module's or realistic_names'."""
    out = np.empty(len(tradition), dtype=object)
    for index, compose in enumerate(composers):
        people = np.flatnonzero(tradition == index)
        if len(people) == 0:
            continue
        slots = compose(rng, female[people], birth_year[people], province[people])
        joined = pc.binary_join_element_wise(*(pa.array(s, type=pa.string()) for s in slots),
                                             " ", null_handling="skip")
        out[people] = joined.to_numpy(zero_copy_only=False)
    return pa.array(out, type=pa.string())


def balinese_birth_names(rng: np.random.Generator, female: np.ndarray) -> np.ndarray:
    """A Balinese birth-order name per person (Wayan/Putu, Made/Kadek, Nyoman, Ketut...), drawn
    by the shares of birth order (both name models draw them the same way)."""
    n = len(female)
    order = rng.choice(4, size=n, p=N.BALINESE_BIRTH_ORDER_SHARES)
    birth_name = np.empty(n, dtype=object)
    for rank in range(4):
        for sex_mask, table in ((~female, N.BALINESE_BIRTH_ORDER_MALE),
                                (female, N.BALINESE_BIRTH_ORDER_FEMALE)):
            mask = (order == rank) & sex_mask
            choices = np.array(table[rank], dtype=object)
            birth_name[mask] = choices[rng.integers(0, len(choices), int(mask.sum()))]
    return birth_name
