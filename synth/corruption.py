"""The corruption model: documented rates per kind and dirt level, applied to one list.

Each kind is drawn independently for every row with its rate (so a row can get several kinds).
A row's `kinds` bit mask records the kinds that actually changed its value; a row picked for a
kind whose precondition fails (a one-word name cannot lose a word, a 25th cannot swap day and
month) stays unchanged and unmarked. "Missing" and "dummy" replace the value, so they clear the
other bits of their field. docs/synthetic-data.md shows RATES as a table (a test keeps it true).
"""

from __future__ import annotations

import enum
import random
from dataclasses import dataclass

import numpy as np

from padan.synth import name_noise
from padan.synth.config import DirtLevel
from padan.synth.dates import VARIETY_FORMATS
from padan.synth.population import PLACEHOLDERS, make_dates, split_date

LAST_BIRTH_YEAR = 2025
NIK_DUMMIES = ("0000000000000000", "-", "BELUM ADA", "0")
_PLACEHOLDER_SHARES = (0.55, 0.3, 0.15)  # 1 Jul, 31 Dec, 1 Jan: as in the Dukcapil counts


class CorruptionKind(enum.IntFlag):
    NAME_TYPO = 1 << 0
    NAME_OLD_SPELLING = 1 << 1
    NAME_VARIANT = 1 << 2
    NAME_TITLE = 1 << 3
    NAME_ABBREVIATION = 1 << 4
    NAME_TOKEN_DROP = 1 << 5
    NAME_TOKEN_MERGE = 1 << 6
    NAME_TOKEN_SWAP = 1 << 7
    NAME_NICKNAME = 1 << 8
    NAME_SPACING = 1 << 9
    NAME_MISSING = 1 << 10
    NIK_DIGIT = 1 << 11
    NIK_TRANSPOSITION = 1 << 12
    NIK_EXCEL_ZERO = 1 << 13
    NIK_EXCEL_SCIENTIFIC = 1 << 14
    NIK_APOSTROPHE = 1 << 15
    NIK_TRUNCATED = 1 << 16
    NIK_DUMMY = 1 << 17
    NIK_MISSING = 1 << 18
    DATE_FORMAT_VARIETY = 1 << 19
    DATE_DAY_MONTH_SWAP = 1 << 20
    DATE_PLACEHOLDER = 1 << 21
    DATE_YEAR_OFF_BY_ONE = 1 << 22
    DATE_YEAR_TYPO = 1 << 23
    DATE_MISSING = 1 << 24
    SEX_FLIP = 1 << 25
    SEX_MISSING = 1 << 26
    DUPLICATE = 1 << 27  # set by the list sampler on every repeat of a person within a list


K = CorruptionKind
NAME_KINDS = K(sum(k for k in K if k.name.startswith("NAME_")))
NIK_KINDS = K(sum(k for k in K if k.name.startswith("NIK_")))
DATE_KINDS = K(sum(k for k in K if k.name.startswith("DATE_")))
SEX_KINDS = K(sum(k for k in K if k.name.startswith("SEX_")))


@dataclass(frozen=True, slots=True)
class KindRates:
    moderate: float
    heavy: float
    what: str  # one line for the docs table: what happens and where it applies


RATES: dict[CorruptionKind, KindRates] = {
    K.NAME_TYPO: KindRates(0.02, 0.06, "insert, delete, substitute (keyboard neighbour) or "
                           "transpose one letter; names of 3+ letters"),
    K.NAME_OLD_SPELLING: KindRates(0.02, 0.05, "one word in pre-1972 spelling: u→oe, j→dj, "
                                   "y→j, c→tj, kh→ch"),
    K.NAME_VARIANT: KindRates(0.02, 0.05, "listed variant (Muhammad→Mochammad, Slamet→Selamet) "
                              "or a rule (iya↔ia, f↔p, dh→d)"),
    K.NAME_TITLE: KindRates(0.03, 0.08, "title or salutation before (H., Hj., Drs., Ibu) or "
                            "degree after (S.Pd., SE); adults only"),
    K.NAME_ABBREVIATION: KindRates(0.02, 0.05, "Muhammad→Moh./M., Abdul→Abd., Siti→St.; else a "
                                   "later word to its initial; 2+ words or a listed word"),
    K.NAME_TOKEN_DROP: KindRates(0.02, 0.05, "one word left out; 2+ words"),
    K.NAME_TOKEN_MERGE: KindRates(0.01, 0.03, "two words written as one, or Nurhayati→Nur "
                                  "Hayati for some one-word names"),
    K.NAME_TOKEN_SWAP: KindRates(0.01, 0.03, "last word moved first; 2+ words"),
    K.NAME_NICKNAME: KindRates(0.01, 0.03, "a word replaced by its short form (Hidayat→Dayat, "
                               "Sumarni→Marni); listed words and Su- names"),
    K.NAME_SPACING: KindRates(0.02, 0.05, "double, leading or trailing space, stray dot or "
                              "comma, hyphen for a space"),
    K.NAME_MISSING: KindRates(0.002, 0.01, "empty"),
    K.NIK_DIGIT: KindRates(0.01, 0.03, "one digit replaced by another"),
    K.NIK_TRANSPOSITION: KindRates(0.005, 0.015, "two different adjacent digits swapped"),
    K.NIK_EXCEL_ZERO: KindRates(0.005, 0.02, "16th digit turned to 0 (Excel keeps 15); "
                                "where it was not 0"),
    K.NIK_EXCEL_SCIENTIFIC: KindRates(0.005, 0.02, "shown as Excel does: 3.17101E+15"),
    K.NIK_APOSTROPHE: KindRates(0.02, 0.05, "leading apostrophe (the Excel guard); not with "
                                "scientific notation"),
    K.NIK_TRUNCATED: KindRates(0.003, 0.01, "last 1–3 digits lost"),
    K.NIK_DUMMY: KindRates(0.005, 0.02, "replaced by 0000000000000000, -, BELUM ADA or 0"),
    K.NIK_MISSING: KindRates(0.005, 0.02, "empty"),
    K.DATE_FORMAT_VARIETY: KindRates(0.02, 0.08, "written in another format than the agency's "
                                     "(ISO, 5 Januari 1980, 5 Agu 1980, dd-mm-yy, dd.mm.yyyy)"),
    K.DATE_DAY_MONTH_SWAP: KindRates(0.005, 0.02, "day and month swapped; days 1–12 that differ "
                                     "from the month"),
    K.DATE_PLACEHOLDER: KindRates(0.005, 0.02, "replaced by 1 Jul (55 %), 31 Dec (30 %) or "
                                  "1 Jan (15 %) of the same year; where different"),
    K.DATE_YEAR_OFF_BY_ONE: KindRates(0.005, 0.02, "year ±1"),
    K.DATE_YEAR_TYPO: KindRates(0.003, 0.01, "last two digits of the year swapped, or the last "
                                "digit changed"),
    K.DATE_MISSING: KindRates(0.003, 0.01, "empty"),
    K.SEX_FLIP: KindRates(0.005, 0.02, "the other sex"),
    K.SEX_MISSING: KindRates(0.005, 0.02, "empty"),
}


def rate(kind: CorruptionKind, dirt: DirtLevel) -> float:
    """The rate of one kind at one dirt level (0 for DirtLevel.NONE)."""
    if dirt == DirtLevel.NONE:
        return 0.0
    return getattr(RATES[kind], dirt.value)


@dataclass(frozen=True, slots=True)
class CleanRecords:
    """The true values of a list's rows (people repeat where the list has duplicates)."""

    nik: np.ndarray        # int64
    name: np.ndarray       # object: str
    birthdate: np.ndarray  # datetime64[D]
    female: np.ndarray     # bool
    age: np.ndarray        # int64, on 1 January 2026


@dataclass(frozen=True, slots=True)
class DirtyRecords:
    nik: np.ndarray            # object: str or None
    name: np.ndarray           # object: str or None
    birthdate: np.ndarray      # datetime64[D]; meaningless where date_missing
    date_missing: np.ndarray   # bool
    date_variant: np.ndarray   # int8: -1 = the agency's format, else index in VARIETY_FORMATS
    female: np.ndarray         # bool; meaningless where sex_missing
    sex_missing: np.ndarray    # bool
    kinds: np.ndarray          # uint32 bit mask of CorruptionKind


def _picked(rng: np.random.Generator, n: int, kind: CorruptionKind, dirt: DirtLevel):
    return rng.random(n) < rate(kind, dirt)


_NAME_STEPS = (
    (K.NAME_NICKNAME, name_noise.nickname), (K.NAME_VARIANT, name_noise.variant),
    (K.NAME_OLD_SPELLING, name_noise.old_spelling), (K.NAME_ABBREVIATION, name_noise.abbreviation),
    (K.NAME_TOKEN_DROP, name_noise.token_drop), (K.NAME_TOKEN_MERGE, name_noise.token_merge),
    (K.NAME_TOKEN_SWAP, name_noise.token_swap), (K.NAME_TITLE, None),
    (K.NAME_TYPO, name_noise.typo), (K.NAME_SPACING, name_noise.spacing),
)


def corrupt_names(rng: np.random.Generator, clean: CleanRecords, dirt: DirtLevel,
                  kinds: np.ndarray) -> np.ndarray:
    n = len(clean.name)
    picks = np.zeros(n, dtype=np.uint32)
    for kind, _ in _NAME_STEPS:
        picks |= np.where(_picked(rng, n, kind, dirt), np.uint32(kind), np.uint32(0))
    names = clean.name.copy()
    rows = np.flatnonzero(picks)
    applied_kinds = np.zeros(n, dtype=np.uint32)
    rnd = random.Random(int(rng.integers(2**63)))
    steps = [(int(kind), step) for kind, step in _NAME_STEPS]  # ints: enum ops are slow
    for row, picked in zip(rows.tolist(), picks[rows].tolist(), strict=True):
        name, applied = names[row], 0
        for kind, step in steps:
            if not picked & kind:
                continue
            if step is None:
                changed = name_noise.title(rnd, name, female=bool(clean.female[row]),
                                           age=int(clean.age[row]))
            else:
                changed = step(rnd, name)
            if changed is not None and changed != name:
                name, applied = changed, applied | kind
        names[row] = name
        applied_kinds[row] = applied
    kinds |= applied_kinds
    missing = _picked(rng, n, K.NAME_MISSING, dirt)
    names[missing] = None
    kinds[missing] = (kinds[missing] & ~np.uint32(NAME_KINDS)) | np.uint32(K.NAME_MISSING)
    return names


def _mark(kinds: np.ndarray, rows: np.ndarray, kind: CorruptionKind) -> None:
    kinds[rows] |= np.uint32(kind)


def corrupt_niks(rng: np.random.Generator, clean: CleanRecords, dirt: DirtLevel,
                 kinds: np.ndarray) -> np.ndarray:
    n = len(clean.nik)
    digits = (clean.nik[:, None] // 10 ** np.arange(15, -1, -1, dtype=np.int64)) % 10
    rows = np.flatnonzero(_picked(rng, n, K.NIK_DIGIT, dirt))
    position = rng.integers(0, 16, len(rows))
    digits[rows, position] = (digits[rows, position] + rng.integers(1, 10, len(rows))) % 10
    _mark(kinds, rows, K.NIK_DIGIT)
    rows = np.flatnonzero(_picked(rng, n, K.NIK_TRANSPOSITION, dirt))
    position = np.full(len(rows), -1)
    for _ in range(6):  # look for two different adjacent digits
        tries = rng.integers(0, 15, len(rows))
        found = (position < 0) & (digits[rows, tries] != digits[rows, tries + 1])
        position[found] = tries[found]
    rows, position = rows[position >= 0], position[position >= 0]
    digits[rows, position], digits[rows, position + 1] = (digits[rows, position + 1],
                                                          digits[rows, position])
    _mark(kinds, rows, K.NIK_TRANSPOSITION)
    rows = np.flatnonzero(_picked(rng, n, K.NIK_EXCEL_ZERO, dirt) & (digits[:, 15] != 0))
    digits[rows, 15] = 0
    _mark(kinds, rows, K.NIK_EXCEL_ZERO)
    text = np.ascontiguousarray((digits + 48).astype(np.uint8)).view("S16").ravel()
    niks = text.astype("U16").astype(object)

    rows = np.flatnonzero(_picked(rng, n, K.NIK_TRUNCATED, dirt))
    cut = rng.integers(1, 4, len(rows))
    for row, k in zip(rows.tolist(), cut.tolist(), strict=True):
        niks[row] = niks[row][:-k]
    _mark(kinds, rows, K.NIK_TRUNCATED)
    scientific = _picked(rng, n, K.NIK_EXCEL_SCIENTIFIC, dirt)
    for row in np.flatnonzero(scientific).tolist():
        value = niks[row]
        mantissa = (value[0] + "." + value[1:6]).rstrip("0").rstrip(".")
        niks[row] = f"{mantissa}E+{len(value) - 1}"
    _mark(kinds, np.flatnonzero(scientific), K.NIK_EXCEL_SCIENTIFIC)
    rows = np.flatnonzero(_picked(rng, n, K.NIK_APOSTROPHE, dirt) & ~scientific)
    niks[rows] = np.char.add("'", niks[rows].astype(str)).astype(object)
    _mark(kinds, rows, K.NIK_APOSTROPHE)

    draw = rng.random(n)
    missing = draw < rate(K.NIK_MISSING, dirt)
    dummy = ~missing & (draw < rate(K.NIK_MISSING, dirt) + rate(K.NIK_DUMMY, dirt))
    niks[missing] = None
    dummies = np.array(NIK_DUMMIES, dtype=object)
    niks[dummy] = dummies[rng.integers(0, len(dummies), int(dummy.sum()))]
    for mask, kind in ((missing, K.NIK_MISSING), (dummy, K.NIK_DUMMY)):
        kinds[mask] = (kinds[mask] & ~np.uint32(NIK_KINDS)) | np.uint32(kind)
    return niks


def _leap(year: np.ndarray) -> np.ndarray:
    return ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)


def _with_year(year, month, day) -> np.ndarray:
    """The date in another year; 29 February becomes 28 February where that year has none."""
    day = np.where((month == 2) & (day == 29) & ~_leap(year), 28, day)
    return make_dates(year, month, day)


def corrupt_birthdates(rng: np.random.Generator, clean: CleanRecords, dirt: DirtLevel,
                       kinds: np.ndarray, own_format: str):
    n = len(clean.birthdate)
    dates = clean.birthdate.copy()
    year, month, day = split_date(dates)

    rows = np.flatnonzero(_picked(rng, n, K.DATE_PLACEHOLDER, dirt))
    which = rng.choice(len(PLACEHOLDERS), size=len(rows), p=_PLACEHOLDER_SHARES)
    placeholder = np.array(PLACEHOLDERS)[which]
    new = make_dates(year[rows], placeholder[:, 0], placeholder[:, 1])
    rows, new = rows[new != dates[rows]], new[new != dates[rows]]
    dates[rows] = new
    _mark(kinds, rows, K.DATE_PLACEHOLDER)
    year, month, day = split_date(dates)

    swap = _picked(rng, n, K.DATE_DAY_MONTH_SWAP, dirt) & (day <= 12) & (day != month)
    dates[swap] = make_dates(year[swap], day[swap], month[swap])
    _mark(kinds, np.flatnonzero(swap), K.DATE_DAY_MONTH_SWAP)
    year, month, day = split_date(dates)

    rows = np.flatnonzero(_picked(rng, n, K.DATE_YEAR_OFF_BY_ONE, dirt))
    step = np.where(rng.random(len(rows)) < 0.5, -1, 1)
    shifted = year[rows] + step
    shifted = np.where(shifted > LAST_BIRTH_YEAR, year[rows] - 1, shifted)
    dates[rows] = _with_year(shifted, month[rows], day[rows])
    _mark(kinds, rows, K.DATE_YEAR_OFF_BY_ONE)
    year, month, day = split_date(dates)

    rows = np.flatnonzero(_picked(rng, n, K.DATE_YEAR_TYPO, dirt))
    old = year[rows]
    swapped = old - old % 100 + (old % 10) * 10 + (old // 10) % 10
    substituted = old - old % 10 + (old % 10 + rng.integers(1, 10, len(rows))) % 10
    substituted = np.where(substituted > LAST_BIRTH_YEAR, substituted - 10, substituted)
    typo = np.where((swapped == old) | (swapped > LAST_BIRTH_YEAR), substituted, swapped)
    dates[rows] = _with_year(typo, month[rows], day[rows])
    _mark(kinds, rows, K.DATE_YEAR_TYPO)

    missing = _picked(rng, n, K.DATE_MISSING, dirt)
    kinds[missing] = (kinds[missing] & ~np.uint32(DATE_KINDS)) | np.uint32(K.DATE_MISSING)
    others = [i for i, f in enumerate(VARIETY_FORMATS) if f != own_format]
    variety = _picked(rng, n, K.DATE_FORMAT_VARIETY, dirt) & ~missing
    date_variant = np.full(n, -1, dtype=np.int8)
    date_variant[variety] = np.array(others)[rng.integers(0, len(others), int(variety.sum()))]
    _mark(kinds, np.flatnonzero(variety), K.DATE_FORMAT_VARIETY)
    return dates, missing, date_variant


def corrupt(rng: np.random.Generator, clean: CleanRecords, dirt: DirtLevel,
            own_date_format: str) -> DirtyRecords:
    """Dirty copies of a list's true values, at one dirt level, reproducible from `rng`."""
    n = len(clean.nik)
    kinds = np.zeros(n, dtype=np.uint32)
    names = corrupt_names(rng, clean, dirt, kinds)
    niks = corrupt_niks(rng, clean, dirt, kinds)
    dates, date_missing, date_variant = corrupt_birthdates(rng, clean, dirt, kinds,
                                                           own_date_format)
    flip = _picked(rng, n, K.SEX_FLIP, dirt)
    sex_missing = _picked(rng, n, K.SEX_MISSING, dirt)
    female = clean.female ^ (flip & ~sex_missing)
    _mark(kinds, np.flatnonzero(flip & ~sex_missing), K.SEX_FLIP)
    _mark(kinds, np.flatnonzero(sex_missing), K.SEX_MISSING)
    return DirtyRecords(nik=niks, name=names, birthdate=dates, date_missing=date_missing,
                        date_variant=date_variant, female=female, sex_missing=sex_missing,
                        kinds=kinds)


def rates_markdown() -> str:
    """The rates as the markdown table in docs/synthetic-data.md (a test compares them)."""
    lines = ["| kind | none | moderate | heavy | what happens, where it applies |",
             "|---|---|---|---|---|"]
    for kind, rates in RATES.items():
        lines.append(f"| `{kind.name.lower()}` | 0 | {rates.moderate:g} | {rates.heavy:g} | "
                     f"{rates.what} |")
    return "\n".join(lines)


def kinds_as_text(mask: int) -> str:
    """'name_typo|nik_dummy' for a row's bit mask (empty when the row is clean)."""
    return "|".join(k.name.lower() for k in CorruptionKind if mask & k)


__all__ = ["RATES", "CleanRecords", "CorruptionKind", "DirtyRecords", "corrupt", "kinds_as_text",
           "rate", "rates_markdown"]
