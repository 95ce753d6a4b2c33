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

from padan.synth import regions
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


def _birthdates(rng: np.random.Generator, n: int) -> np.ndarray:
    ages = np.arange(MAX_AGE + 1)
    weights = np.interp(ages, _AGE_KNOTS, _AGE_WEIGHTS)
    age = rng.choice(ages, size=n, p=weights / weights.sum())
    year = 2025 - age  # age on 1 January 2026
    start = (year - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    dates = start + (rng.random(n) * np.where(leap, 366, 365)).astype(np.int64)
    # Placeholders replace the real date for a share of people, more often for the old.
    old = age >= 30
    draw = rng.random(n)
    for i, (month, day) in enumerate(PLACEHOLDERS):
        low_old, low_young = sum(_PLACEHOLDER_SHARES_OLD[:i]), sum(_PLACEHOLDER_SHARES_YOUNG[:i])
        low = np.where(old, low_old, low_young)
        high = low + np.where(old, _PLACEHOLDER_SHARES_OLD[i], _PLACEHOLDER_SHARES_YOUNG[i])
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


def generate_population(rng: np.random.Generator, size: int) -> Population:
    """`size` people, reproducible from the generator's state."""
    female = rng.random(size) < 0.5
    birthdate = _birthdates(rng, size)
    province_index, regency, district = _regions(rng, size)
    province_code = regions.PROVINCE_CODES[province_index]
    nik = build_niks(province_code, regency, district, birthdate, female)
    moved = rng.random(size) < MOVED_SHARE
    elsewhere = rng.choice(regions.PROVINCE_CODES, size=size, p=regions.PROVINCE_WEIGHTS)
    residence = np.where(moved, elsewhere, province_code)
    # Naming tradition from the province of birth (the NIK's), then the drift to modern names.
    cumulative = np.cumsum(regions.TRADITION_MIX, axis=1)[province_index]
    tradition = (rng.random(size)[:, None] >= cumulative).sum(axis=1)
    tradition = np.minimum(tradition, len(regions.TRADITIONS) - 1)
    birth_year = split_date(birthdate)[0]
    tradition = assign_modern(rng, tradition, birth_year).astype(np.int8)
    name = compose_names(rng, tradition, female, birth_year, province_code)
    return Population(nik=nik, name=name, birthdate=birthdate, female=female,
                      province=residence, tradition=tradition)
