"""Normalisers of the other field kinds: generic text, digits and numbers; places; addresses;
the KK number. Examples, and hypothesis properties every normaliser must keep: idempotent, never
raises, notes from the vocabulary, and no value ever echoed in a note."""

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from padan.encoder.normalise import (
    FieldResult,
    Status,
    normalise_address,
    normalise_area,
    normalise_digits,
    normalise_kk,
    normalise_number,
    normalise_place,
    normalise_text,
)
from padan.encoder.normalise.cells import SheetInt
from padan.encoder.normalise.fields import NORMALISERS
from padan.encoder.normalise.place_codes import REGENCIES, regency_code
from padan.encoder.normalise.result import NOTES
from padan.synth import regions

# -- generic kinds ------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "value"), [
    ("  Hello,  World! ", "hello world"), ("Café No.5", "cafe no 5"), (42, "42"), (3.0, "3"),
])
def test_text(raw, value):
    assert normalise_text(raw).value == value


@pytest.mark.parametrize(("raw", "status", "note"), [
    (None, Status.MISSING, ""), ("  ", Status.MISSING, ""), ("-", Status.INVALID, "dummy"),
    ("x.", Status.INVALID, "dummy"), ("!!!", Status.INVALID, "no-text"),
    ("日本", Status.INVALID, "non-latin"), (True, Status.INVALID, "wrong-type"),
    (object(), Status.INVALID, "wrong-type"),
])
def test_text_unusable(raw, status, note):
    result = normalise_text(raw)
    assert (result.value, result.status, result.note) == (None, status, note)


@pytest.mark.parametrize(("raw", "value", "note"), [
    ("0123", "0123", ""), ("'0123", "0123", "apostrophe"), ("12-34 56", "123456", "separators"),
    ("2000.0", "2000", "decimal-suffix"), (12345, "12345", ""), (2000.0, "2000", ""),
    ("0", "0", ""),
])
def test_digits(raw, value, note):
    result = normalise_digits(raw)
    assert (result.value, result.note) == (value, note)


@pytest.mark.parametrize(("raw", "note"), [
    ("3.17E+15", "excel-scientific"), (SheetInt(3171010101800001), "excel-scientific"),
    (3.171010101800001e15, "excel-scientific"), ("12a4", "not-digits"), (-5, "not-digits"),
    ("BELUM ADA", "dummy"), (1.5, "not-digits"),
])
def test_digits_refused(raw, note):
    result = normalise_digits(raw)
    assert result.status is Status.INVALID and result.note == note and result.value is None


@pytest.mark.parametrize(("raw", "value", "note"), [
    ("42", "42", ""), (" 42 ", "42", ""), ("1,5", "1.5", "decimal-comma"), ("1.5", "1.5", ""),
    ("1.234.567", "1234567", "thousands"), ("1.234.567,25", "1234567.25", "thousands"),
    ("1.234,5", "1234.5", "thousands"), ("1,234,567", "1234567", "thousands"),
    ("1.234", "1.234", ""), ("-7", "-7", ""), (3.0, "3", ""), (2.5, "2.5", ""), (7, "7", ""),
    ("0", "0", ""),
])
def test_number(raw, value, note):
    result = normalise_number(raw)
    assert (result.value, result.note) == (value, note)


@pytest.mark.parametrize(("raw", "note"), [
    ("abc", "not-a-number"), ("1..2", "not-a-number"), (float("inf"), "not-a-number"),
    ("-", "dummy"), (True, "wrong-type"),
])
def test_number_refused(raw, note):
    assert normalise_number(raw).note == note


# -- places -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "value", "code"), [
    ("KAB. BANDUNG", "bandung", "3204"), ("Kota Bandung", "bandung", "3273"),
    ("KABUPATEN BANDUNG BARAT", "bandung barat", "3217"),
    ("BANDUNG", "bandung", None),  # both a regency and a city: no code without the prefix
    ("Surabaya", "surabaya", "3578"), ("Soerabaja", "surabaya", "3578"),
    ("KOTA ADM. JAKARTA PUSAT", "jakarta pusat", "3171"), ("Jakbar", "jakarta barat", "3173"),
    ("Jakarta Selatan", "jakarta selatan", "3174"),  # Kemendagri's code; BPS's is 3171
    ("DKI JAKARTA", "jakarta", "31"), ("Jakarta", "jakarta", "31"),
    ("Djokjakarta", "yogyakarta", "3471"), ("Jogja", "yogyakarta", "3471"),
    ("Ujung Pandang", "makassar", None), ("Kotaradja", "banda aceh", None),
    ("Tjirebon", "cirebon", None), ("Kab. Gunung Kidul", "gunungkidul", "3403"),
    ("Denpasar", "denpasar", "5171"), ("Medan", "medan", None),
    ("Kota Mataram", "mataram", "5271"), ("Sumatera Utara", "sumatera utara", "12"),
])
def test_places(raw, value, code):
    result = normalise_place(raw)
    assert (result.value, result.code) == (value, code)
    assert result.status in (Status.VALID, Status.REPAIRED)


@pytest.mark.parametrize(("raw", "note"), [
    ("JAKARTA, 05-01-1980", "date-removed"), ("Sleman / 5 Mei 1980", "date-removed"),
    ("Ujung Pandang", "old-name"), ("Soerabaja", "old-spelling"), ("KAB. BANDUNG", "prefix"),
])
def test_place_notes(raw, note):
    assert note in normalise_place(raw).note.split(",")


def test_a_ttl_cell_gives_the_place():
    result = normalise_place("JAKARTA, 05-01-1980")
    assert result.value == "jakarta" and result.status is Status.REPAIRED


@pytest.mark.parametrize(("raw", "value"), [
    ("KEL. GAMBIR", "gambir"), ("Desa Sukamaju", "sukamaju"), ("KECAMATAN Tjiawi", "ciawi"),
    ("Ds. Karang Anyar", "karang anyar"), ("kelurahan", "kelurahan"),
])
def test_areas(raw, value):
    assert normalise_area(raw).value == value


def test_the_code_table_is_consistent():
    codes = [code for found in REGENCIES.values() for code in found]
    assert len(codes) == len(set(codes))  # no code under two names
    assert all(len(c) == 4 and c[:2] in {"31", "32", "33", "34", "35", "36", "51", "52"}
               and (c[2:] <= "69" or c[2] in "79") for c in codes)
    # as many regencies and cities per province as the synthetic population's own table counts
    for province in regions.PROVINCES:
        if province.code in (31, 32, 33, 34, 35, 36, 51, 52):
            mine = [c for c in codes if c[:2] == f"{province.code}"]
            assert sum(c[2] < "7" for c in mine) == province.regencies
            assert sum(c[2] >= "7" for c in mine) == province.cities
    assert regency_code("bandung", city=None) is None
    assert regency_code("bandung", city=False) == "3204"


# -- addresses ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "value"), [
    ("Jl. Merdeka No. 5 RT 003/RW 002, Kel. Gambir", "jl merdeka no 5 kel gambir rt 3 rw 2"),
    ("JLN MERDEKA NO.5 RT.03 RW.02", "jl merdeka no 5 rt 3 rw 2"),
    ("Jalan Merdeka nomor 5 rt 3 rw 2", "jl merdeka no 5 rt 3 rw 2"),
    ("Dsn. Krajan RT/RW 001/004 Ds. Sukamaju", "dsn krajan desa sukamaju rt 1 rw 4"),
    ("Dusun Krajan RT 01 / 04, Desa Sukamaju", "dsn krajan desa sukamaju rt 1 rw 4"),
    ("Gg. Mawar no5 rt3", "gg mawar no 5 rt 3"), ("Kampung Babakan RW 7", "kp babakan rw 7"),
    ("Djalan Soedirman 12", "jl sudirman 12"),
    ("Perum. Griya Asri Blok C-12", "perum griya asri blok c 12"),
    ("rt003rw002", "rt 3 rw 2"),
])
def test_addresses(raw, value):
    assert normalise_address(raw).value == value


@pytest.mark.parametrize(("raw", "status", "note"), [
    (None, Status.MISSING, ""), ("-", Status.INVALID, "dummy"), ("...", Status.INVALID, "dummy"),
    ("!!", Status.INVALID, "no-text"), (12, Status.INVALID, "wrong-type"),
])
def test_addresses_unusable(raw, status, note):
    assert normalise_address(raw) == FieldResult(None, status, note)


def test_address_word_cache_changes_no_result_and_is_emptied_with_the_others():
    from padan.encoder.normalise import address, clear_caches

    cells = ["Gg. Mawar nomor5 rt3", "Djl. Soedirman no 5", "JLN MERDEKA NO.5 RT.03 RW.02",
             "Kamp. Babakan blk7 rw 7"]
    clear_caches()
    cold = [normalise_address(cell) for cell in cells]
    assert address._WORD_FORMS   # the words were kept for the next cells
    assert [normalise_address(cell) for cell in cells] == cold
    assert cold[0].note == "abbreviation,rt-rw"   # a glued marker is still a marker
    clear_caches()
    assert not address._WORD_FORMS


# -- KK -----------------------------------------------------------------------------------------

def test_kk_valid_and_its_region():
    result = normalise_kk("3171010203150007")
    assert result == FieldResult("3171010203150007", Status.VALID, "", code="317101")


@pytest.mark.parametrize(("raw", "note", "partial"), [
    ("'3171010203150007", "apostrophe", None), ("3171 0102 0315 0007", "separators", None),
])
def test_kk_repaired_like_a_nik(raw, note, partial):
    result = normalise_kk(raw)
    assert result.value == "3171010203150007" and result.note == note


@pytest.mark.parametrize(("raw", "note", "partial"), [
    (3171010203150010.0, "excel-lost-digit", "317101020315001"),
    ("3.17101E+15", "excel-scientific", "31710"),  # the last shown digit was rounded
    (SheetInt(3171010203150010), "excel-lost-digit", "317101020315001"),
    ("3171014303150007", "bad-date", "3171014303150007"),   # day 43: a NIK's, not a card's
    ("0000000000000000", "dummy", None), ("BELUM ADA", "dummy", None),
    ("317101020315", "too-short", "317101020315"),
    ("9971010203150007", "bad-province", "9971010203150007"),
])
def test_kk_damage(raw, note, partial):
    result = normalise_kk(raw)
    assert result.value is None and result.status is Status.INVALID
    assert (result.note, result.partial) == (note, partial)


# -- properties of every normaliser of the other kinds -------------------------------------------

_NORMALISERS = sorted({(fn.__name__, fn, notes) for fn, notes in NORMALISERS.values()},
                      key=lambda item: item[0])
_TEXTS = st.one_of(
    st.text(), st.text(alphabet="JjLlNoRrTtWw .,/-0123456789KkAaBbDdGgSsEeUu'"),
    st.sampled_from(["Jl. Merdeka No. 5 RT 003/RW 002", "KAB. BANDUNG", "JAKARTA, 05-01-1980",
                     "3171010203150007", "1.234.567,5", "Kota Kota Baru", "kab kab"]),
)
_ANY = st.one_of(_TEXTS, st.integers(), st.floats(), st.none(), st.binary(), st.booleans(),
                 st.dates(), st.decimals())


@pytest.mark.parametrize(("name", "normalise", "notes"), _NORMALISERS,
                         ids=[n for n, _, _ in _NORMALISERS])
@settings(max_examples=300, deadline=None)
@given(raw=_ANY)
def test_never_raises_and_notes_are_from_the_vocabulary(name, normalise, notes, raw):
    result = normalise(raw)
    assert result.status in Status
    assert (result.value is not None) == (result.status in (Status.VALID, Status.REPAIRED))
    assert result.note == "" or set(result.note.split(",")) <= NOTES[notes]


@pytest.mark.parametrize(("name", "normalise", "notes"), _NORMALISERS,
                         ids=[n for n, _, _ in _NORMALISERS])
@settings(max_examples=300, deadline=None)
@given(raw=_TEXTS)
def test_idempotent(name, normalise, notes, raw):
    result = normalise(raw)
    if result.value is None:
        return
    value = result.value.isoformat() if isinstance(result.value, datetime.date) else (
        result.value)
    again = normalise(value)
    assert again.value == result.value


@pytest.mark.parametrize(("name", "normalise", "notes"), _NORMALISERS,
                         ids=[n for n, _, _ in _NORMALISERS])
@settings(max_examples=200, deadline=None)
@given(raw=st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=4))
def test_notes_never_echo_the_value(name, normalise, notes, raw):
    # a note is made of fixed labels; a value may only appear in it as part of one ("digi" is
    # in "not-digits")
    note = normalise(raw).note
    assert raw not in note or any(raw in label for label in NOTES[notes])
