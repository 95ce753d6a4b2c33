"""The other identifying columns of an agency's list: tempat lahir, alamat, desa/kelurahan,
kecamatan, kabupaten/kota, nama ibu kandung and No KK, as the agency writes them, with dirt.

Each list is a snapshot of one year (LIST_YEARS): the first agency's list is from 2025, the next
from 2023, then 2021 and so on, so people who moved or married in between have another address
or family card on different lists (residence.py). Each agency writes addresses in its own style
(JL. / Jalan / JLN, "RT 003 RW 002" / "RT 3/RW 2" / "RT.03/02"). Dirt is drawn per row with the
rates of FIELD_RATES (docs/synthetic-data.md, "Other fields"; a test keeps the table equal) and
recorded per row in a FieldDirt bit mask.
"""

from __future__ import annotations

import enum
import random
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from padan.synth import places
from padan.synth.config import AgencySpec, DirtLevel
from padan.synth.residence import Homes, Residence

FIRST_LIST_YEAR, YEARS_BETWEEN_LISTS, OLDEST_LIST_YEAR = 2025, 2, 2016
KINDS = ("birthplace", "address", "village", "district", "regency", "mother_name", "kk")

# Column headers per agency; other agencies get DTKS's.
HEADERS = {
    "DTKS": {"birthplace": "TEMPAT_LAHIR", "address": "ALAMAT", "village": "DESA_KELURAHAN",
             "district": "KECAMATAN", "regency": "KABUPATEN_KOTA",
             "mother_name": "NAMA_IBU_KANDUNG", "kk": "NO_KK"},
    "KJP": {"birthplace": "Tempat Lahir", "address": "Alamat", "village": "Kelurahan",
            "district": "Kecamatan", "regency": "Kab/Kota", "mother_name": "Nama Ibu",
            "kk": "No KK"},
    "KIS": {"birthplace": "TMP_LAHIR", "address": "ALAMAT_PESERTA", "village": "KEL_DESA",
            "district": "KEC", "regency": "KAB_KOTA", "mother_name": "NM_IBU", "kk": "NKK"},
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class AddressStyle:
    street_kinds: tuple[str, str, str, str]   # for places.STREET_KINDS
    number: str                               # "{n}" is the house number
    units: str                                # "{rt}" and "{rw}", zero-padded to 3 digits
    pad: bool


_STYLES = (
    AddressStyle(("JL.", "GG.", "DUSUN", "KP."), " NO. {n}", " RT {rt} RW {rw}", True),
    AddressStyle(("Jalan", "Gang", "Dsn.", "Kampung"), " No.{n}", " RT {rt}/RW {rw}", False),
    AddressStyle(("JLN", "GG", "DSN", "KP"), " {n}", " RT.{rt}/{rw}", True),
)
# Old spellings and old names of birthplaces, as older registers still write them.
OLD_FORMS = {
    "JAKARTA": "DJAKARTA", "YOGYAKARTA": "JOGJAKARTA", "SURABAYA": "SOERABAJA",
    "BANDUNG": "BANDOENG", "CIREBON": "TJIREBON", "SURAKARTA": "SOLO", "JEMBER": "DJEMBER",
    "CIANJUR": "TJIANDJUR", "CILACAP": "TJILATJAP", "JEPARA": "DJEPARA", "BOYOLALI": "BOJOLALI",
    "PURWAKARTA": "POERWAKARTA", "SUKABUMI": "SOEKABOEMI", "BANYUWANGI": "BANJOEWANGI",
}  # fmt: skip


class FieldDirt(enum.IntFlag):
    ADDRESS_MOVED = 1 << 0      # not dirt: another home than on an earlier list (set by year)
    ADDRESS_SHORT = 1 << 1
    ADDRESS_TYPO = 1 << 2
    ADDRESS_MISSING = 1 << 3
    BIRTHPLACE_OLD = 1 << 4
    BIRTHPLACE_MISSING = 1 << 5
    MOTHER_TITLE = 1 << 6
    MOTHER_TYPO = 1 << 7
    MOTHER_MISSING = 1 << 8
    KK_CHANGED = 1 << 9         # not dirt: a card issued after the person's marriage or move
    KK_EXCEL = 1 << 10
    KK_APOSTROPHE = 1 << 11
    KK_DIGIT = 1 << 12
    KK_MISSING = 1 << 13
    AREA_MISSING = 1 << 14


D = FieldDirt


@dataclass(frozen=True, slots=True)
class FieldRates:
    moderate: float
    heavy: float
    what: str


FIELD_RATES: dict[FieldDirt, FieldRates] = {
    D.ADDRESS_SHORT: FieldRates(0.05, 0.12, "house number or RT/RW left out"),
    D.ADDRESS_TYPO: FieldRates(0.02, 0.06, "one letter of the street name changed"),
    D.ADDRESS_MISSING: FieldRates(0.02, 0.05, "empty"),
    D.BIRTHPLACE_OLD: FieldRates(0.03, 0.08, "old spelling or old name (Djakarta, Soerabaja, "
                                 "Jogjakarta, Solo); listed places"),
    D.BIRTHPLACE_MISSING: FieldRates(0.02, 0.05, "empty"),
    D.MOTHER_TITLE: FieldRates(0.03, 0.08, "Hj. or Ibu before the name"),
    D.MOTHER_TYPO: FieldRates(0.02, 0.06, "one letter changed"),
    D.MOTHER_MISSING: FieldRates(0.05, 0.15, "empty (often unknown to the clerk)"),
    D.KK_EXCEL: FieldRates(0.01, 0.03, "16th digit turned to 0 or shown as 3.17101E+15"),
    D.KK_APOSTROPHE: FieldRates(0.03, 0.06, "leading apostrophe"),
    D.KK_DIGIT: FieldRates(0.01, 0.03, "one digit replaced"),
    D.KK_MISSING: FieldRates(0.02, 0.05, "empty, or BELUM ADA"),
    D.AREA_MISSING: FieldRates(0.02, 0.05, "desa, kecamatan and kabupaten all empty"),
}


def field_rate(kind: FieldDirt, dirt: DirtLevel) -> float:
    return 0.0 if dirt == DirtLevel.NONE else getattr(FIELD_RATES[kind], dirt.value)


def field_rates_markdown() -> str:
    """FIELD_RATES as the table in docs/synthetic-data.md (a test compares them)."""
    lines = ["| kind | none | moderate | heavy | what happens |", "|---|---|---|---|---|"]
    for kind, rates in FIELD_RATES.items():
        lines.append(f"| `{kind.name.lower()}` | 0 | {rates.moderate:g} | {rates.heavy:g} | "
                     f"{rates.what} |")
    return "\n".join(lines)


def list_year(index: int) -> int:
    """The year of the agency's list: 2025 for the first agency, two years earlier for each
    next one, never before 2016."""
    return max(FIRST_LIST_YEAR - YEARS_BETWEEN_LISTS * index, OLDEST_LIST_YEAR)


def headers_for(spec: AgencySpec) -> dict[str, str]:
    return dict(HEADERS.get(spec.name, HEADERS["DTKS"]))


def _strings(values) -> pa.Array:
    return pa.array(values, type=pa.string())


def _address_text(homes: Homes, style: AddressStyle) -> np.ndarray:
    street = places.street_names((homes.region * 100 + homes.village) * 100 + homes.street)
    kind = np.array(style.street_kinds, dtype=object)[homes.street_kind]

    def padded(values: np.ndarray) -> pa.Array:
        text = pa.array(values).cast(pa.string())
        return pc.utf8_lpad(text, 3, "0") if style.pad else text

    units = style.units.replace("{rt}", "\x00").replace("{rw}", "\x01")
    rt_head, rest = units.split("\x00")
    mid, tail = rest.split("\x01")
    number_head, number_tail = style.number.split("{n}")
    text = pc.binary_join_element_wise(
        _strings(kind), " ", _strings(street), number_head,
        pa.array(homes.number).cast(pa.string()), number_tail, rt_head, padded(homes.rt), mid,
        padded(homes.rw), tail, "")
    return text.to_numpy(zero_copy_only=False).astype(object)


def _short(rnd: random.Random, address: str) -> str:
    """House number or RT/RW left out (where written)."""
    for marker in (" RT", " No", " NO"):
        at = address.find(marker)
        if at > 0 and rnd.random() < 0.5:
            return address[:at]
    return address.rsplit(" ", 2)[0] if address.count(" ") > 2 else address


def _typo(rnd: random.Random, text: str) -> str:
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if not letters:
        return text
    at = rnd.choice(letters)
    new = rnd.choice("aiueokmnrstlgh")
    new = new.upper() if text[at].isupper() else new
    return text[:at] + new + text[at + 1:] if new.lower() != text[at].lower() else text


def _kk_text(kk: np.ndarray) -> np.ndarray:
    return np.char.zfill(kk.astype("U16"), 16).astype(object)


@dataclass(frozen=True, slots=True)
class FieldColumns:
    columns: dict[str, pa.Array]   # header -> values
    dirt: np.ndarray               # uint16 FieldDirt mask per row


def field_columns(rng: np.random.Generator, spec: AgencySpec, index: int,
                  residence: Residence, person_ids: np.ndarray, dirt: DirtLevel
                  ) -> FieldColumns:
    """The agency's other columns for the rows of `person_ids`, in its style, with dirt."""
    n = len(person_ids)
    year = list_year(index)
    style = _STYLES[index % len(_STYLES)]
    upper = style.pad    # the upper-case styles write names in capitals too
    rnd = random.Random(int(rng.integers(2**63)))
    mask = np.zeros(n, dtype=np.uint16)
    homes, kk = residence.at(person_ids, year)
    moved = (residence.event[person_ids] != 0) & (residence.event_year[person_ids] <= year)
    first_homes = residence.home_before.take(person_ids)
    other_home = ((homes.region != first_homes.region) | (homes.village != first_homes.village)
                  | (homes.street != first_homes.street) | (homes.number != first_homes.number))
    mask[moved & other_home] |= np.uint16(D.ADDRESS_MOVED)
    mask[kk != residence.kk_before[person_ids]] |= np.uint16(D.KK_CHANGED)

    def picked(kind: FieldDirt) -> np.ndarray:
        rows = np.flatnonzero(rng.random(n) < field_rate(kind, dirt))
        return rows

    # alamat
    address = _address_text(homes, style)
    for kind, change in ((D.ADDRESS_SHORT, _short), (D.ADDRESS_TYPO, _typo)):
        for row in picked(kind).tolist():
            changed = change(rnd, address[row])
            if changed != address[row]:
                address[row] = changed
                mask[row] |= np.uint16(kind)
    # tempat lahir: the regency or city, mostly without KAB./KOTA
    birth = residence.birth_region[person_ids]
    bare = rng.random(n) < 0.8
    birthplace = np.where(
        bare, places.names_of(birth, lambda c: places.regency_name(c // 100, c % 100).split(
            " ", 1)[1]),
        places.names_of(birth, lambda c: places.regency_name(c // 100, c % 100)))
    for row in picked(D.BIRTHPLACE_OLD).tolist():
        name = birthplace[row]
        for new, old in OLD_FORMS.items():
            if new in name:
                birthplace[row] = name.replace(new, old)
                mask[row] |= np.uint16(D.BIRTHPLACE_OLD)
                break
    # desa, kecamatan, kabupaten/kota of the home
    region = homes.region
    village = places.names_of(region * 100 + homes.village,
                              lambda c: places.village_name(c // 100, c % 100))
    district = places.names_of(region, places.district_name)
    regency = places.names_of(region // 100, lambda c: places.regency_name(c // 100, c % 100))
    # nama ibu
    mother = residence.mother[person_ids].copy()
    for row in picked(D.MOTHER_TITLE).tolist():
        mother[row] = rnd.choice(("Hj. ", "Ibu ", "HJ ")) + mother[row]
        mask[row] |= np.uint16(D.MOTHER_TITLE)
    for row in picked(D.MOTHER_TYPO).tolist():
        changed = _typo(rnd, mother[row])
        if changed != mother[row]:
            mother[row] = changed
            mask[row] |= np.uint16(D.MOTHER_TYPO)
    # No KK: Excel damage and typing as for the NIK
    kk_text = _kk_text(kk)
    for row in picked(D.KK_DIGIT).tolist():
        at = rnd.randrange(16)
        kk_text[row] = kk_text[row][:at] + str((int(kk_text[row][at]) + rnd.randrange(1, 10))
                                               % 10) + kk_text[row][at + 1:]
        mask[row] |= np.uint16(D.KK_DIGIT)
    for row in picked(D.KK_EXCEL).tolist():
        value = kk_text[row]
        kk_text[row] = (value[:15] + "0" if rnd.random() < 0.5 else
                        f"{value[0]}.{value[1:6].rstrip('0') or '0'}E+15")
        mask[row] |= np.uint16(D.KK_EXCEL)
    for row in picked(D.KK_APOSTROPHE).tolist():
        if "E" not in kk_text[row]:
            kk_text[row] = "'" + kk_text[row]
            mask[row] |= np.uint16(D.KK_APOSTROPHE)
    # empty cells last: they replace whatever dirt came before
    for kind, values in ((D.ADDRESS_MISSING, (address,)), (D.BIRTHPLACE_MISSING, (birthplace,)),
                         (D.MOTHER_MISSING, (mother,)), (D.KK_MISSING, (kk_text,)),
                         (D.AREA_MISSING, (village, district, regency))):
        rows = picked(kind)
        for column in values:
            column[rows] = "BELUM ADA" if kind == D.KK_MISSING and index % 2 else None
        mask[rows] |= np.uint16(kind)
    case = pc.utf8_upper if upper else pc.utf8_title    # as the agency writes names
    headers = headers_for(spec)
    values = {"birthplace": case(_strings(birthplace)),
              "address": pc.utf8_upper(_strings(address)) if upper else _strings(address),
              "village": case(_strings(village)), "district": case(_strings(district)),
              "regency": case(_strings(regency)), "mother_name": case(_strings(mother)),
              "kk": _strings(kk_text)}
    return FieldColumns(columns={headers[k]: values[k] for k in KINDS}, dirt=mask)
