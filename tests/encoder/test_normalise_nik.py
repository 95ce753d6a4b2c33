"""NIK normaliser: structure, embedded date and sex, Excel damage, dummies, the cross-check.

All NIKs here are synthetic: built from the structure, not taken from anyone.
"""

import datetime
import decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from padan.encoder.nik_columns import scan_nik_column
from padan.encoder.normalise import NikCheck, NikResult, Status, check_nik, normalise_nik
from padan.encoder.normalise.cells import SheetInt
from padan.encoder.normalise.nik import PROVINCES
from padan.encoder.normalise.result import NOTES

WOMAN = "3171014501800001"  # Jakarta, born 05-01-1980, day 05 + 40
MAN = "3171010501800001"


def nik(province=31, regency=71, district=1, day=5, month=1, yy=80, serial=1, female=False):
    region = f"{province:02d}{regency:02d}{district:02d}"
    return f"{region}{day + 40 * female:02d}{month:02d}{yy:02d}{serial:04d}"


def test_a_clean_nik_is_valid_with_its_parts():
    result = normalise_nik(MAN)
    assert result == NikResult(MAN, Status.VALID, "", MAN, 31, 5, 1, 80, "L")


def test_a_woman_born_05_01_1980_has_day_45_and_the_result_removes_the_40():
    assert WOMAN[6:8] == "45"
    result = normalise_nik(WOMAN)
    assert (result.birth_day, result.birth_month, result.birth_yy, result.sex) == (5, 1, 80, "P")


def test_the_fast_path_builds_the_same_result_as_the_dataclass():
    result = normalise_nik(WOMAN)
    assert result == NikResult(WOMAN, Status.VALID, "", WOMAN, 31, 5, 1, 80, "P")
    assert hash(result) == hash(NikResult(WOMAN, Status.VALID, "", WOMAN, 31, 5, 1, 80, "P"))
    with pytest.raises(AttributeError):
        result.value = "0"  # frozen like any other result


@pytest.mark.parametrize("province", sorted(PROVINCES))
def test_every_province_code_is_accepted(province):
    result = normalise_nik(nik(province=province))
    assert result.status is Status.VALID and result.province == province


@pytest.mark.parametrize("province", [91, 92, 93, 94, 95, 96])
def test_the_new_papua_provinces_are_valid(province):
    assert normalise_nik(nik(province=province)).province == province


@pytest.mark.parametrize("province", [0, 10, 20, 22, 37, 50, 54, 66, 77, 83, 90, 97, 99])
def test_unknown_province_codes_are_refused(province):
    result = normalise_nik(nik(province=province))
    assert (result.value, result.status, result.note) == (None, Status.INVALID, "bad-province")


@pytest.mark.parametrize(
    ("fields", "note"),
    [
        ({"regency": 0}, "bad-regency"),
        ({"regency": 70}, "bad-regency"),
        ({"district": 0}, "bad-district"),
        ({"serial": 0}, "bad-serial"),
        ({"day": 0}, "bad-date"),
        ({"day": 32}, "bad-date"),
        ({"day": 31, "female": True, "month": 4}, "bad-date"),  # 71 is 31, and April has 30
        ({"month": 0}, "bad-date"),
        ({"month": 13}, "bad-date"),
        ({"day": 30, "month": 2}, "bad-date"),
        ({"day": 29, "month": 2, "yy": 81}, "bad-date"),
    ],
)
def test_structural_faults_are_named(fields, note):
    result = normalise_nik(nik(**fields))
    assert (result.status, result.note) == (Status.INVALID, note)
    assert result.fuzzy_digits == nik(**fields)  # a retyped NIK is still worth a fuzzy look
    assert result.province is None and result.sex is None


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"regency": 1}, 31),
        ({"regency": 69}, 31),
        ({"regency": 71}, 31),
        ({"regency": 99}, 31),
        ({"day": 29, "month": 2, "yy": 0}, 31),  # 2000 was a leap year
        ({"day": 29, "month": 2, "yy": 84, "female": True}, 31),
        ({"day": 31, "month": 12, "female": True}, 31),  # day 71
        ({"serial": 9999}, 31),
    ],
)
def test_structural_edges_are_accepted(fields, expected):
    result = normalise_nik(nik(**fields))
    assert result.status is Status.VALID and result.province == expected


@pytest.mark.parametrize(
    ("raw", "note"),
    [
        ("'" + WOMAN, "apostrophe"),
        ("''" + WOMAN + "'", "apostrophe"),
        ("`" + WOMAN, "apostrophe"),
        ("3171 0145 0180 0001", "separators"),
        ("3171.0145.0180.0001", "separators"),
        ("3171-0145-0180-0001", "separators"),
        (WOMAN + ".0", "decimal-suffix"),
        ("3.171014501800001E+15", "excel-scientific"),
        ("3,171014501800001e15", "excel-scientific"),
        ("".join(chr(ord(digit) + 0xFEE0) for digit in WOMAN), "unicode"),  # full-width
    ],
)
def test_excel_and_typing_damage_is_repaired_when_exact(raw, note):
    result = normalise_nik(raw)
    assert (result.value, result.status, result.note) == (WOMAN, Status.REPAIRED, note)
    assert result.sex == "P"


@pytest.mark.parametrize("raw", [WOMAN, f"  {WOMAN}  ", f"\t{WOMAN}\n"])
def test_surrounding_whitespace_is_not_a_repair(raw):
    assert normalise_nik(raw).status is Status.VALID


@pytest.mark.parametrize(
    ("raw", "note", "fuzzy"),
    [
        ("3.17101E+15", "excel-scientific", "31710"),  # display rounded: last digit dropped
        ("3,17101E+15", "excel-scientific", "31710"),
        ("3.17101450180000E+15", "excel-lost-digit", "317101450180000"),
        ("3.1E+15", "excel-scientific", None),
    ],
)
def test_scientific_notation_that_lost_digits_is_flagged_with_trustworthy_digits(raw, note, fuzzy):
    result = normalise_nik(raw)
    assert (result.value, result.status, result.note) == (None, Status.INVALID, note)
    assert result.fuzzy_digits == fuzzy


def test_an_int_from_xlsx_is_exact():
    assert normalise_nik(int(WOMAN)) == normalise_nik(WOMAN)


def test_a_float_below_2_53_is_exact_because_every_integer_there_is_a_float():
    result = normalise_nik(float(WOMAN))
    assert (result.value, result.status) == (WOMAN, Status.VALID)


def test_a_float_above_2_53_may_have_lost_its_16th_digit():
    papua = nik(province=94, serial=7)
    assert int(papua) > 2**53 and float(papua) != int(papua)  # the float really is off
    result = normalise_nik(float(papua))
    assert (result.value, result.status, result.note) == (None, Status.INVALID, "excel-lost-digit")
    assert result.fuzzy_digits == papua[:15]


def test_an_int_above_2_53_is_exact():
    papua = nik(province=94, serial=7)
    assert normalise_nik(int(papua)).value == papua


@pytest.mark.parametrize(
    "raw",
    [
        "0000000000000000", "1111111111111111", "9999999999999999", "1234567890123456",
        "6543210987654321", "0123456789012345", "-", "--", "0", "00", "BELUM ADA", "belum ada",
        "TIDAK ADA", "Tidak  Ada", "null", "NULL", "N/A", "n/a", "none", "x", 0, 0.0, "'", "''",
    ],
)  # fmt: skip
def test_dummies_are_invalid_without_fuzzy_digits(raw):
    result = normalise_nik(raw)
    assert (result.value, result.status, result.note, result.fuzzy_digits) == (
        None,
        Status.INVALID,
        "dummy",
        None,
    )


@pytest.mark.parametrize(
    ("raw", "note"),
    [
        ("317101450180001", "too-short"),
        ("31710145018", "too-short"),
        (317101450180001, "too-short"),
        ("31710145018000011", "too-long"),
        ("3.17101E+14", "too-short"),
        ("3.17101E+16", "too-long"),
    ],
)
def test_short_and_long_numbers_are_invalid(raw, note):
    result = normalise_nik(raw)
    assert (result.value, result.status, result.note) == (None, Status.INVALID, note)


def test_a_15_digit_retyped_nik_keeps_its_digits_for_fuzzy_comparison():
    assert normalise_nik("317101450180001").fuzzy_digits == "317101450180001"
    assert normalise_nik("31710145").fuzzy_digits is None  # too little to compare


@pytest.mark.parametrize("raw", [None, "", "   ", float("nan"), decimal.Decimal("NaN")])
def test_missing_values(raw):
    result = normalise_nik(raw)
    assert (result.value, result.status, result.note, result.fuzzy_digits) == (
        None,
        Status.MISSING,
        "",
        None,
    )


@pytest.mark.parametrize(
    ("raw", "note"),
    [
        (True, "wrong-type"),
        (datetime.date(1980, 1, 5), "wrong-type"),
        (["3171014501800001"], "wrong-type"),
        ("NIK 3171014501800001", "not-digits"),
        ("3171O14501800001", "not-digits"),  # letter O typed for zero
        (-3171014501800001, "not-digits"),
        (3171014501800001.5, "not-digits"),
        (float("inf"), "not-digits"),
        ("3.5E+00", "not-digits"),
    ],
)
def test_unusable_types_and_text_are_invalid(raw, note):
    result = normalise_nik(raw)
    assert (result.value, result.status, result.note) == (None, Status.INVALID, note)


def test_other_reader_types():
    numpy = pytest.importorskip("numpy")
    assert normalise_nik(numpy.int64(WOMAN)).value == WOMAN
    assert normalise_nik(numpy.float64(float(WOMAN))).value == WOMAN
    assert normalise_nik(decimal.Decimal(WOMAN)).value == WOMAN
    assert normalise_nik(WOMAN.encode()).value == WOMAN
    assert normalise_nik(numpy.float32(3.17e15)).status is Status.INVALID


class TestCheckNik:
    def test_agreement(self):
        woman = normalise_nik(WOMAN)
        assert check_nik(woman, datetime.date(1980, 1, 5), "P") == NikCheck(True, True)

    def test_two_digit_year_agrees_in_any_century(self):
        woman = normalise_nik(WOMAN)
        assert check_nik(woman, datetime.date(2080, 1, 5), "P").birthdate_agrees is True

    @pytest.mark.parametrize(
        "stated", [datetime.date(1980, 1, 6), datetime.date(1980, 2, 5), datetime.date(1981, 1, 5)]
    )
    def test_disagreement(self, stated):
        result = check_nik(normalise_nik(WOMAN), stated, "L")
        assert result == NikCheck(birthdate_agrees=False, sex_agrees=False)

    def test_unknown_on_either_side_is_none(self):
        assert check_nik(normalise_nik(WOMAN), None, None) == NikCheck(None, None)
        invalid = normalise_nik("BELUM ADA")
        assert check_nik(invalid, datetime.date(1980, 1, 5), "P") == NikCheck(None, None)


# --- properties -------------------------------------------------------------------------------

valid_niks = st.builds(
    nik,
    province=st.sampled_from(sorted(PROVINCES)),
    regency=st.one_of(st.integers(1, 69), st.integers(71, 99)),
    district=st.integers(1, 99),
    day=st.integers(1, 28),
    month=st.integers(1, 12),
    yy=st.integers(0, 99),
    serial=st.integers(1, 9999),
    female=st.booleans(),
)


@given(valid_niks)
def test_any_well_formed_nik_is_valid_and_its_parts_rebuild_it(text):
    result = normalise_nik(text)
    assert result.status is Status.VALID and result.value == text
    rebuilt = nik(
        result.province, int(text[2:4]), int(text[4:6]), result.birth_day, result.birth_month,
        result.birth_yy, int(text[12:]), result.sex == "P",
    )  # fmt: skip
    assert rebuilt == text


@given(valid_niks)
def test_any_well_formed_nik_survives_excel_guards(text):
    assert normalise_nik("'" + text).value == text
    assert normalise_nik(int(text)).value == text
    assert normalise_nik(f"{text[:4]} {text[4:8]} {text[8:12]} {text[12:]}").value == text


@given(st.one_of(st.text(), st.integers(), st.floats(), st.none(), st.binary(), st.decimals()))
def test_never_raises_and_value_only_when_trustworthy(raw):
    result = normalise_nik(raw)
    assert isinstance(result, NikResult)
    assert (result.value is not None) == (result.status in (Status.VALID, Status.REPAIRED))
    if result.value is not None:
        assert len(result.value) == 16 and result.value.isdigit()
        assert normalise_nik(result.value).value == result.value


@given(st.one_of(st.text(), st.integers(), st.floats(), st.none()))
def test_the_note_is_from_the_fixed_vocabulary_so_it_never_echoes_the_input(raw):
    note = normalise_nik(raw).note
    assert note == "" or note in NOTES["nik"]


# --- Excel's 15 digits: a numeric cell whose 16th digit is 0 -----------------------------------

EXCEL_ZEROED = PLAIN_ZERO = nik(serial=10)  # ...0010: what Excel keeps of ...0011 to ...0019


@pytest.mark.parametrize(
    "raw",
    [
        SheetInt(EXCEL_ZEROED),  # an XLSX number cell, as openpyxl reads it
        float(EXCEL_ZEROED),  # a float column (XLSX with a decimal point, Parquet, pandas)
        EXCEL_ZEROED + ".0",  # a float column written as text
        EXCEL_ZEROED + ",00",
        "3.171010501800010E+15",  # scientific display of all 16 digits, the last a 0
    ],
)
def test_a_number_cell_ending_in_0_lost_its_16th_digit_and_keeps_only_15_fuzzy_digits(raw):
    result = normalise_nik(raw)
    assert (result.value, result.status, result.note) == (None, Status.INVALID,
                                                          "excel-lost-digit")
    assert result.fuzzy_digits == EXCEL_ZEROED[:15]
    assert result.birth_day is None and result.sex is None  # nothing is taken from it as known


@pytest.mark.parametrize("raw", [SheetInt(WOMAN), float(WOMAN), WOMAN + ".0"])
def test_a_number_cell_whose_16th_digit_is_not_0_was_not_cut_by_excel(raw):
    assert normalise_nik(raw).value == WOMAN


def test_a_text_or_whole_number_ending_in_0_is_exact():
    """Text keeps every digit, and a Parquet integer column is exact: only numbers that passed
    through a spreadsheet cell (or a float) carry Excel's 15 digits."""
    for raw in (PLAIN_ZERO, int(PLAIN_ZERO), "'" + PLAIN_ZERO):
        assert normalise_nik(raw).value == PLAIN_ZERO


def test_a_sheet_int_behaves_as_an_int_for_every_other_field():
    cell = SheetInt(29221)
    assert cell == 29221 and isinstance(cell, int) and hash(cell) == hash(29221)


cell_forms = st.sampled_from([str, SheetInt, float, lambda text: text + ".0", int])


@given(st.lists(st.tuples(valid_niks, cell_forms, st.integers(0, 9)), max_size=30))
def test_the_column_fast_path_accepts_only_what_normalise_nik_finds_clean(cells):
    """scan_nik_column must agree with normalise_nik, also on Excel-zeroed number cells."""
    values = [form(text[:15] + str(last)) for text, form, last in cells]
    scan = scan_nik_column(values)
    for i, value in enumerate(values):
        result = normalise_nik(value)
        if scan.fast[i]:
            assert (result.status, result.note) == (Status.VALID, "")
            assert "".join(map(str, scan.digits[i])) == result.value
            assert (scan.province[i], scan.day[i], scan.month[i], scan.yy[i]) == (
                result.province, result.birth_day, result.birth_month, result.birth_yy)
            assert bool(scan.female[i]) == (result.sex == "P")
        if result.note == "excel-lost-digit":
            assert not scan.fast[i]
