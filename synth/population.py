"""The synthetic population: one clean, true record per person, generated with numpy.

Every person has a valid NIK (`PP KK CC DDMMYY SSSS`: province weighted by population, regency
01–69 or city 71–99, district, birthdate with +40 on the day for women, serial from 0001 unique
within its prefix), a name from the naming tradition of their province, a sex and a birthdate
drawn from a young age pyramid (0–90 years on 1 January 2026), and a province of residence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from padan.synth import naming, realistic_names, regions
from padan.synth.config import DEFAULT_NAME_MODEL
from padan.synth.naming import ALL_TRADITIONS, assign_modern, compose_names

REFERENCE_DATE = np.datetime64("2026-01-01", "D")
MAX_AGE = 90
# Relative number of people at each age (knots, linearly interpolated): a young population with
# slightly smaller cohorts under 10 and a steep fall after 55.
_AGE_KNOTS = (0, 10, 20, 40, 55, 65, 75, 85, 90)
_AGE_WEIGHTS = (0.9, 1.0, 1.0, 0.95, 0.65, 0.4, 0.15, 0.04, 0.01)
# Placeholder birthdates recorded when the real one was unknown (INDONESIA.md: 1 Jul, 31 Dec,
# 1 Jan), far more common among people registered before SIAK, i.e. the older ones.
PLACEHOLDERS = ((7, 1), (12, 31), (1, 1))
_PLACEHOLDER_SHARES_OLD = (0.05, 0.025, 0.015)  # aged 30 and over
_PLACEHOLDER_SHARES_YOUNG = (0.01, 0.003, 0.005)
# The realistic model's shares, so that with the people really born on those days 3.6 %, 2.0 %
# and 0.9 % of all are recorded on 1 Jul, 31 Dec and 1 Jan: Dukcapil's 2019 counts (10.3 M,
# 5.8 M, 2.6 M of 288 M); 5 times (1 Jul), 8.5 times (31 Dec) and 3 times (1 Jan) as common
# at 30 and over as below.
REALISTIC_PLACEHOLDER_SHARES_OLD = (0.0543, 0.0307, 0.0093)
REALISTIC_PLACEHOLDER_SHARES_YOUNG = (0.0109, 0.0036, 0.0032)
DUKCAPIL_POPULATION = 288_300_000  # 31 December 2025: the scale NIK serials are issued at
MOVED_SHARE = 0.08  # people who live in another province than the one that issued their NIK


@dataclass(frozen=True, slots=True)
class Population:
    """Clean truth, one entry per person; person_id is the index."""

    nik: np.ndarray        # int64, 16 digits
    name: pa.Array         # string, title case
    birthdate: np.ndarray  # datetime64[D]
    female: np.ndarray     # bool
    province: np.ndarray   # int64 province code of residence (the optional stratum)
    tradition: np.ndarray  # int8 index into naming.ALL_TRADITIONS

    def __len__(self) -> int:
        return len(self.nik)

    def to_table(self) -> pa.Table:
        """The population as a table: person_id, nik, name, birthdate, sex (L/P), province,
        tradition."""
        return pa.table({
            "person_id": pa.array(np.arange(len(self), dtype=np.int64)),
            "nik": pa.array(format_niks(self.nik)),
            "name": self.name,
            "birthdate": pa.array(self.birthdate),
            "sex": pa.array(np.where(self.female, "P", "L")),
            "province": pa.array(self.province),
            "tradition": pa.DictionaryArray.from_arrays(
                pa.array(self.tradition.astype(np.int8)), pa.array(ALL_TRADITIONS)),
        })


def format_niks(nik: np.ndarray) -> np.ndarray:
    """16-digit strings of int64 NIKs (leading zeros kept, though real province codes have none)."""
    return np.char.zfill(nik.astype("U16"), 16)


def split_date(dates: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month (1–12) and day (1–31) of datetime64[D] values, as int64 arrays."""
    years = dates.astype("datetime64[Y]")
    months = dates.astype("datetime64[M]")
    year = years.astype(np.int64) + 1970
    month = (months - years.astype("datetime64[M]")).astype(np.int64) + 1
    day = (dates - months.astype("datetime64[D]")).astype(np.int64) + 1
    return year, month, day


def make_dates(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """datetime64[D] from valid year, month and day arrays."""
    months = (np.asarray(year) - 1970) * 12 + (np.asarray(month) - 1)
    return months.astype("datetime64[M]").astype("datetime64[D]") + (np.asarray(day) - 1)


def _age_shares() -> np.ndarray:
    weights = np.interp(np.arange(MAX_AGE + 1), _AGE_KNOTS, _AGE_WEIGHTS)
    return weights / weights.sum()


def _birthdates(rng: np.random.Generator, n: int, shares_old=_PLACEHOLDER_SHARES_OLD,
                shares_young=_PLACEHOLDER_SHARES_YOUNG) -> np.ndarray:
    ages = np.arange(MAX_AGE + 1)
    age = rng.choice(ages, size=n, p=_age_shares())
    year = 2025 - age  # age on 1 January 2026
    start = (year - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    dates = start + (rng.random(n) * np.where(leap, 366, 365)).astype(np.int64)
    # Placeholders replace the real date for a share of people, more often for the old.
    old = age >= 30
    draw = rng.random(n)
    for i, (month, day) in enumerate(PLACEHOLDERS):
        low = np.where(old, sum(shares_old[:i]), sum(shares_young[:i]))
        high = low + np.where(old, shares_old[i], shares_young[i])
        hit = (draw >= low) & (draw < high)
        dates[hit] = make_dates(year[hit], month, day)
    return dates


def _regions(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Province index (into regions.PROVINCES), regency code and district code per person."""
    province_index = rng.choice(len(regions.PROVINCES), size=n, p=regions.PROVINCE_WEIGHTS)
    regency = np.empty(n, dtype=np.int64)
    for index, province in enumerate(regions.PROVINCES):
        people = province_index == index
        codes = regions.regency_codes(province)
        regency[people] = codes[rng.integers(0, len(codes), int(people.sum()))]
    province_code = regions.PROVINCE_CODES[province_index]
    districts = regions.district_count(province_code, regency)
    district = 1 + (rng.random(n) * districts).astype(np.int64)
    return province_index, regency, district


def build_niks(province_code: np.ndarray, regency: np.ndarray, district: np.ndarray,
               birthdate: np.ndarray, female: np.ndarray) -> np.ndarray:
    """Valid, unique NIKs: serials count from 0001 within each region-date-sex prefix."""
    year, month, day = split_date(birthdate)
    prefix = (((province_code * 100 + regency) * 100 + district) * 100
              + day + np.where(female, 40, 0)) * 10_000 + month * 100 + year % 100
    order = np.argsort(prefix, kind="stable")
    ordered = prefix[order]
    starts = np.r_[True, ordered[1:] != ordered[:-1]]
    first_of_run = np.maximum.accumulate(np.where(starts, np.arange(len(prefix)), 0))
    serial = np.empty(len(prefix), dtype=np.int64)
    serial[order] = np.arange(len(prefix)) - first_of_run + 1
    if len(serial) and serial.max() > 9999:  # would need 10^4 people of one district, date, sex
        raise ValueError("more than 9999 people share a NIK prefix; use fewer people")
    return prefix * 10_000 + serial


def name_composers(names: str) -> tuple:
    """The composers (one per naming tradition) of a name model of config.NAME_MODELS."""
    return realistic_names.COMPOSERS if names == "realistic" else naming.COMPOSERS


def expected_cell_sizes(province_index: np.ndarray, regency: np.ndarray,
                        birthdate: np.ndarray) -> np.ndarray:
    """How many people of all Indonesia share each person's NIK prefix (district, birthdate,
    sex), by the population model at Dukcapil's scale: the serial range a real NIK is issued in."""
    province_code = regions.PROVINCE_CODES[province_index]
    units = np.array([len(regions.regency_codes(p)) for p in regions.PROVINCES])[province_index]
    district = regions.PROVINCE_WEIGHTS[province_index] / units / regions.district_count(
        province_code, regency)
    year, month, day = split_date(birthdate)
    age = np.clip(2025 - year, 0, MAX_AGE)
    old = age >= 30
    shares_old = np.array(REALISTIC_PLACEHOLDER_SHARES_OLD)
    shares_young = np.array(REALISTIC_PLACEHOLDER_SHARES_YOUNG)
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    placeholder_mass = np.where(old, shares_old.sum(), shares_young.sum())
    on_date = (1 - placeholder_mass) / np.where(leap, 366, 365)
    for i, (placeholder_month, placeholder_day) in enumerate(PLACEHOLDERS):
        hit = (month == placeholder_month) & (day == placeholder_day)
        on_date = np.where(hit, on_date + np.where(old, shares_old[i], shares_young[i]), on_date)
    return DUKCAPIL_POPULATION * district * _age_shares()[age] * on_date * 0.5


def issued_serials(rng: np.random.Generator, prefix: np.ndarray,
                   expected: np.ndarray) -> np.ndarray:
    """Serials as if each person were one of the whole country's people of their prefix: a cell
    of 1 + Poisson(expected) people (the person and the others), the person at a uniform place in
    it; where two people of the sample land on one serial, the later moves up, so NIKs stay
    unique."""
    cell = 1 + rng.poisson(expected)
    serial = 1 + (rng.random(len(prefix)) * cell).astype(np.int64)
    order = np.lexsort((serial, prefix))
    ordered_prefix, ordered = prefix[order], serial[order]
    starts = np.r_[True, ordered_prefix[1:] != ordered_prefix[:-1]]
    group = np.cumsum(starts) - 1
    position = np.arange(len(prefix))
    # within each prefix, serial_i = max(serial_i, serial_{i-1} + 1): a running maximum of
    # serial - position, offset per group so that groups do not mix
    offset = group * (4 * len(prefix) + 20_000)
    fixed = np.maximum.accumulate(ordered - position + offset) - offset + position
    result = np.empty(len(prefix), dtype=np.int64)
    result[order] = fixed
    if len(result) and result.max() > 9999:
        raise ValueError("more than 9999 people share a NIK prefix; use fewer people")
    return prefix * 10_000 + result


def generate_population(rng: np.random.Generator, size: int,
                        names: str = DEFAULT_NAME_MODEL) -> Population:
    """`size` people, reproducible from the generator's state; `names` is a NAME_MODELS entry
    ("realistic" also issues NIK serials and placeholder birthdates at Dukcapil's scale)."""
    realistic = names == "realistic"
    female = rng.random(size) < 0.5
    birthdate = (_birthdates(rng, size, REALISTIC_PLACEHOLDER_SHARES_OLD,
                             REALISTIC_PLACEHOLDER_SHARES_YOUNG) if realistic
                 else _birthdates(rng, size))
    province_index, regency, district = _regions(rng, size)
    province_code = regions.PROVINCE_CODES[province_index]
    nik = build_niks(province_code, regency, district, birthdate, female)
    if realistic:
        nik = issued_serials(rng, nik // 10_000,
                             expected_cell_sizes(province_index, regency, birthdate))
    moved = rng.random(size) < MOVED_SHARE
    elsewhere = rng.choice(regions.PROVINCE_CODES, size=size, p=regions.PROVINCE_WEIGHTS)
    residence = np.where(moved, elsewhere, province_code)
    # Naming tradition from the province of birth (the NIK's), then the drift to modern names.
    cumulative = np.cumsum(regions.TRADITION_MIX, axis=1)[province_index]
    tradition = (rng.random(size)[:, None] >= cumulative).sum(axis=1)
    tradition = np.minimum(tradition, len(regions.TRADITIONS) - 1)
    birth_year = split_date(birthdate)[0]
    tradition = assign_modern(rng, tradition, birth_year).astype(np.int8)
    name = compose_names(rng, tradition, female, birth_year, province_code,
                         name_composers(names))
    if realistic:
        name = realistic_names.spelled_as_registered(rng, name, birth_year)
    return Population(nik=nik, name=name, birthdate=birthdate, female=female,
                      province=residence, tradition=tradition)
