"""Where each synthetic person lives and was born, their family card and their mother's name,
and how addresses and family cards change over the years between agencies' lists.

- Households of 1 to 7 people (mean about 3.5) in one district share a home (street, house
  number, RT, RW, village) and, until a person's event, one family card (No KK: the home's
  region as in the NIK, the card's issue date DDMMYY, a serial).
- People under 30 in a household share their mother's name (siblings); everyone else has their
  own.
- Birthplace: the regency or city of the NIK (where the person was first registered) for 85 %,
  another one of the same province for 10 %, one anywhere for 5 %.
- Events, at most one per person, in a year drawn from 2016 to 2025: a marriage (45 % of those
  aged 18 to 38 in 2021) gives a new family card and, for half of them, a new home; a move (30 %
  of everyone) gives a new home and a new card. A list made in year Y shows the state after
  every event up to Y (docs/synthetic-data.md, "Other fields").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from padan.synth import naming, regions
from padan.synth.naming import compose_names
from padan.synth.population import Population, split_date

EVENT_YEARS = (2016, 2025)
MOVE_SHARE = 0.30
MARRIAGE_SHARE = 0.45
MARRIAGE_AGES = (18, 38)   # in 2021
_MEAN_EXTRA_MEMBERS = 2.5  # household size 1 + Poisson(2.5), at most 7
NONE, MARRIAGE, MOVE = 0, 1, 2


@dataclass(frozen=True, slots=True)
class Homes:
    """Homes as numbers: the district's 6-digit region (as in the NIK), village, street kind
    (index into places.STREET_KINDS), street, house number, RT and RW."""

    region: np.ndarray   # int64 PPKKCC
    village: np.ndarray
    street_kind: np.ndarray
    street: np.ndarray
    number: np.ndarray
    rt: np.ndarray
    rw: np.ndarray

    def take(self, rows: np.ndarray) -> Homes:
        return Homes(*(getattr(self, f)[rows] for f in self.__slots__))

    def where(self, mask: np.ndarray, other: Homes) -> Homes:
        return Homes(*(np.where(mask, getattr(other, f), getattr(self, f))
                       for f in self.__slots__))


@dataclass(frozen=True, slots=True)
class Residence:
    """Per person (population order): homes and cards before and after their event."""

    birth_region: np.ndarray   # int64 PPKK of the birthplace
    mother: np.ndarray         # object: str, title case
    home_before: Homes
    home_after: Homes
    kk_before: np.ndarray      # int64, 16 digits
    kk_after: np.ndarray
    event: np.ndarray          # int8: NONE, MARRIAGE or MOVE
    event_year: np.ndarray     # int16; 0 without an event

    def at(self, person_ids: np.ndarray, year: int) -> tuple[Homes, np.ndarray]:
        """The homes and family cards of these people in a list made in `year`."""
        changed = (self.event[person_ids] != NONE) & (self.event_year[person_ids] <= year)
        homes = self.home_before.take(person_ids).where(changed,
                                                       self.home_after.take(person_ids))
        kk = np.where(changed, self.kk_after[person_ids], self.kk_before[person_ids])
        return homes, kk


def _random_regions(rng: np.random.Generator, province_codes: np.ndarray) -> np.ndarray:
    """A random regency and district in each given province: PPKKCC."""
    n = len(province_codes)
    regency = np.empty(n, dtype=np.int64)
    for province in regions.PROVINCES:
        rows = np.flatnonzero(province_codes == province.code)
        if len(rows):
            codes = regions.regency_codes(province)
            regency[rows] = codes[rng.integers(0, len(codes), len(rows))]
    districts = regions.district_count(province_codes, regency)
    district = 1 + (rng.random(n) * districts).astype(np.int64)
    return (province_codes * 100 + regency) * 100 + district


def _homes_in(rng: np.random.Generator, region: np.ndarray) -> Homes:
    n = len(region)
    villages = 6 + region % 9                 # 6 to 14 villages per district, fixed by code
    kind_draw = rng.random(n)
    street_kind = np.searchsorted(np.cumsum((0.55, 0.2, 0.15, 0.1)), kind_draw, side="right")
    return Homes(region=region, village=1 + (rng.random(n) * villages).astype(np.int64),
                 street_kind=np.minimum(street_kind, 3), street=rng.integers(1, 13, n),
                 number=rng.integers(1, 151, n), rt=rng.integers(1, 16, n),
                 rw=rng.integers(1, 9, n))


def _card_numbers(rng: np.random.Generator, region: np.ndarray, first_year: np.ndarray,
                  last_year: np.ndarray) -> np.ndarray:
    """Family card numbers: region, an issue date between the years, a serial from 0001."""
    n = len(region)
    year = first_year + (rng.random(n) * (last_year - first_year + 1)).astype(np.int64)
    month = rng.integers(1, 13, n)
    day = rng.integers(1, 29, n)
    serial = rng.integers(1, 10_000, n)
    return ((region * 100 + day) * 100 + month) * 100_0000 + (year % 100) * 10_000 + serial


def _households(rng: np.random.Generator, region: np.ndarray) -> np.ndarray:
    """Household id per person: people of one district cut into groups of 1 to 7."""
    n = len(region)
    order = np.lexsort((rng.random(n), region))
    sizes = np.minimum(1 + rng.poisson(_MEAN_EXTRA_MEMBERS, n), 7)
    starts = np.cumsum(sizes)
    starts = np.r_[0, starts[starts < n]]
    new = np.zeros(n, dtype=bool)
    new[starts] = True
    new |= np.r_[True, region[order][1:] != region[order][:-1]]  # never across districts
    household = np.empty(n, dtype=np.int64)
    household[order] = np.cumsum(new) - 1
    return household


def generate_residence(rng: np.random.Generator, population: Population,
                       composers: tuple | None = None) -> Residence:
    """Homes, family cards, birthplaces and mothers; `composers` is the name model of the
    mothers' names (naming.COMPOSERS by default)."""
    n = len(population)
    nik = population.nik
    nik_province = nik // 10**14
    nik_region = nik // 10**10                         # PPKKCC
    birth_year, _, _ = split_date(population.birthdate)
    age_2021 = 2021 - birth_year

    # birthplace
    draw = rng.random(n)
    birth_region = nik_region // 100
    same_province = (draw >= 0.85) & (draw < 0.95)
    birth_region[same_province] = _random_regions(rng, nik_province[same_province]) // 100
    anywhere = draw >= 0.95
    elsewhere = rng.choice(regions.PROVINCE_CODES, size=int(anywhere.sum()),
                           p=regions.PROVINCE_WEIGHTS)
    birth_region[anywhere] = _random_regions(rng, elsewhere) // 100

    # homes: the NIK's district for most who still live in its province
    home_region = nik_region.copy()
    lives_elsewhere = population.province != nik_province
    moved_within = ~lives_elsewhere & (rng.random(n) < 0.15)
    home_region[moved_within] = _random_regions(rng, nik_province[moved_within])
    home_region[lives_elsewhere] = _random_regions(rng, population.province[lives_elsewhere])
    household = _households(rng, home_region)
    first = np.unique(household, return_index=True)[1]   # one member stands for the household
    shared = _homes_in(rng, home_region[first]).take(household)
    card_region = shared.region
    kk_before = _card_numbers(rng, card_region[first], np.full(len(first), 2005),
                              np.full(len(first), 2015))[household]

    # mothers: siblings (under 30 in one household) share one
    mother = compose_names(rng, population.tradition, np.ones(n, dtype=bool), birth_year - 25,
                           nik_province, composers or naming.COMPOSERS)
    mother = mother.to_numpy(zero_copy_only=False).astype(object)
    young = np.flatnonzero(age_2021 < 30)
    if len(young):
        _, first_young, inverse = np.unique(household[young], return_index=True,
                                            return_inverse=True)
        mother[young] = mother[young[first_young]][inverse.ravel()]

    # events
    draw = rng.random(n)
    can_marry = (age_2021 >= MARRIAGE_AGES[0]) & (age_2021 <= MARRIAGE_AGES[1])
    marriage = can_marry & (draw < MARRIAGE_SHARE)
    move = ~marriage & (rng.random(n) < MOVE_SHARE)
    event = np.where(marriage, MARRIAGE, np.where(move, MOVE, NONE)).astype(np.int8)
    event_year = np.where(event != NONE, rng.integers(EVENT_YEARS[0], EVENT_YEARS[1] + 1, n),
                          0).astype(np.int16)
    where = rng.random(n)
    new_region = home_region.copy()
    other_district = move & (where >= 0.6)
    new_region[other_district] = _random_regions(
        rng, np.where(where[other_district] >= 0.9,
                      rng.choice(regions.PROVINCE_CODES, size=int(other_district.sum()),
                                 p=regions.PROVINCE_WEIGHTS),
                      home_region[other_district] // 10**4))
    new_home = move | (marriage & (rng.random(n) < 0.5))
    home_after = shared.where(new_home, _homes_in(rng, new_region))
    kk_after = np.where(event != NONE, _card_numbers(rng, home_after.region,
                                                     event_year.astype(np.int64),
                                                     event_year.astype(np.int64)), kk_before)
    return Residence(birth_region=birth_region, mother=mother, home_before=shared,
                     home_after=home_after, kk_before=kk_before, kk_after=kk_after,
                     event=event, event_year=event_year)
