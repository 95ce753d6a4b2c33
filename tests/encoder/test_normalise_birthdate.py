"""Birthdate normaliser: every format, Excel serials, impossible, future and placeholder dates."""

import datetime
import decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from padan.encoder.normalise import DateResult, Status, normalise_birthdate
from padan.encoder.normalise import birthdate as birthdate_module
from padan.encoder.normalise.result import NOTES

D = datetime.date
TODAY = D(2026, 11, 23)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    """'Future' and two-digit years depend on the day; pin it so tests never age."""
    monkeypatch.setattr(birthdate_module, "today", lambda: TODAY)


@pytest.mark.parametrize(
    "raw",
    [
        "05-01-1980", "5-1-1980", "05/01/1980", "05.01.1980", "05 - 01 - 1980", "1980-01-05",
        "1980/01/05", "1980-01-05 00:00:00", "1980-01-05T00:00:00", "1980-01-05T00:00:00.000Z",
        "05/01/1980 00:00", "5 Januari 1980", "05 Januari 1980", "5 JANUARI 1980", "5 Jan 1980",
        "5-Jan-1980", "5 January 1980", "January 5, 1980", "Jan 5th, 1980", " 05-01-1980 ",
        "19800105", "05011980", datetime.datetime(1980, 1, 5, 13, 45), D(1980, 1, 5),
        19800105,
    ],
)  # fmt: skip
def test_every_listed_format_gives_the_same_date(raw):
    result = normalise_birthdate(raw)
    assert (result.value, result.status, result.note, result.placeholder) == (
        D(1980, 1, 5),
        Status.VALID,
        "",
        False,
    )


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("Januari", 1), ("Februari", 2), ("Pebruari", 2), ("Maret", 3), ("Mrt", 3), ("April", 4),
        ("Mei", 5), ("May", 5), ("Juni", 6), ("Juli", 7), ("Agustus", 8), ("Agu", 8), ("Agt", 8),
        ("Aug", 8), ("September", 9), ("Sept", 9), ("Oktober", 10), ("Okt", 10), ("Oct", 10),
        ("November", 11), ("Nopember", 11), ("Nop", 11), ("Desember", 12), ("Des", 12),
        ("Dec", 12), ("Agt.", 8),
    ],
)  # fmt: skip
def test_indonesian_and_english_month_names(text, month):
    assert normalise_birthdate(f"17 {text} 1985").value == D(1985, month, 17)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("05-01-80", D(1980, 1, 5)),
        ("05/01/26", D(2026, 1, 5)),  # this year is not in the future
        ("05/01/27", D(1927, 1, 5)),  # next year would be, so the century before
        ("5 Jan 99", D(1999, 1, 5)),
        ("050180", D(1980, 1, 5)),
    ],
)
def test_two_digit_years_take_the_latest_past_century(raw, expected):
    result = normalise_birthdate(raw)
    assert (result.value, result.status) == (expected, Status.REPAIRED)
    assert result.note == "two-digit-year"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (29221, D(1980, 1, 1)),
        (29226, D(1980, 1, 6)),
        (29226.75, D(1980, 1, 6)),  # the fraction is the time of day
        ("29226", D(1980, 1, 6)),
        ("29226.5", D(1980, 1, 6)),
        (1, D(1900, 1, 1)),
        (59, D(1900, 2, 28)),
        (61, D(1900, 3, 1)),  # 60 is Excel's 29 Feb 1900, which never was
        (36526, D(2000, 1, 1)),
        (45658, D(2025, 1, 1)),
    ],
)
def test_excel_serials_in_the_1900_date_system(raw, expected):
    result = normalise_birthdate(raw)
    assert (result.value, result.status, result.note) == (expected, Status.REPAIRED, "excel-serial")


def test_excel_serial_60_is_the_leap_day_that_never_was():
    assert normalise_birthdate(60) == DateResult(None, Status.INVALID, "bad-date", False)


@pytest.mark.parametrize("raw", [1980, "1980", 1980.0])
def test_a_year_alone_becomes_1_july_like_siak_and_is_a_placeholder(raw):
    assert normalise_birthdate(raw) == DateResult(D(1980, 7, 1), Status.REPAIRED, "year-only", True)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12/25/1980", D(1980, 12, 25)),
        ("12-13-1980", D(1980, 12, 13)),
        ("1980-25-12", D(1980, 12, 25)),
    ],
)
def test_day_and_month_swapped_are_repaired_when_only_one_reading_is_possible(raw, expected):
    result = normalise_birthdate(raw)
    assert (result.value, result.status) == (expected, Status.REPAIRED)
    assert result.note == "day-month-swap"


def test_ambiguous_day_and_month_read_day_first():
    assert normalise_birthdate("03/04/1980").value == D(1980, 4, 3)


@pytest.mark.parametrize(
    ("raw", "note"),
    [
        ("Jakarta, 05-01-1980", "place-removed"),
        ("BANDUNG, 5 Januari 1980", "place-removed"),
        ("Medan,05-01-80", "place-removed,two-digit-year"),
        ("5011980", "leading-zero"),
        (5011980, "leading-zero"),
    ],
)
def test_other_repairs(raw, note):
    result = normalise_birthdate(raw)
    assert (result.value, result.status, result.note) == (D(1980, 1, 5), Status.REPAIRED, note)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("01-07-1980", D(1980, 7, 1)), ("31-12-1980", D(1980, 12, 31)), ("1 Jan 1980", D(1980, 1, 1))],
)
def test_placeholder_dates_are_valid_but_flagged(raw, expected):
    assert normalise_birthdate(raw) == DateResult(expected, Status.VALID, "placeholder", True)


@pytest.mark.parametrize("raw", ["15-06-1980", "02-07-1980", "30-12-1980", "01-02-1980"])
def test_other_dates_are_not_placeholders_not_even_the_15th(raw):
    result = normalise_birthdate(raw)
    assert result.placeholder is False and result.note == ""


def test_a_repaired_placeholder_keeps_both_facts():
    result = normalise_birthdate("12/31/1980")
    assert (result.status, result.note) == (Status.REPAIRED, "day-month-swap")
    assert result.placeholder is True


@pytest.mark.parametrize(
    ("raw", "note"),
    [
        ("31-02-1980", "bad-date"),
        ("29-02-1981", "bad-date"),
        ("31-04-1980", "bad-date"),
        ("32-01-1980", "bad-date"),
        ("13-13-1980", "bad-date"),
        ("00-01-1980", "bad-date"),
        ("31 Februari 1980", "bad-date"),
        ("31-12-1899", "before-1900"),
        (D(1850, 1, 1), "before-1900"),
        ("24-11-2026", "future"),
        (D(2030, 1, 1), "future"),
        (datetime.datetime(2031, 1, 1), "future"),
        ("00-00-0000", "dummy"),
        ("0", "dummy"),
        ("00000000", "dummy"),
        ("0000-00-00", "dummy"),
        ("-", "dummy"),
        ("BELUM ADA", "dummy"),
        ("tidak diketahui", "dummy"),
        ("5 Foo 1980", "unrecognised-format"),
        ("Jakarta 05-01-1980", "unrecognised-format"),
        ("kemarin", "unrecognised-format"),
        ("1980-01", "unrecognised-format"),
        ("123456789", "unrecognised-format"),
        (0, "out-of-range"),
        (-3, "out-of-range"),
        (10**9, "out-of-range"),
        (float("inf"), "out-of-range"),
        (True, "wrong-type"),
        ([1980, 1, 5], "wrong-type"),
    ],
)
def test_bad_input_is_invalid_and_says_why(raw, note):
    assert normalise_birthdate(raw) == DateResult(None, Status.INVALID, note, False)


def test_today_itself_is_not_the_future():
    assert normalise_birthdate(TODAY).value == TODAY


@pytest.mark.parametrize("raw", [None, "", "  ", float("nan"), decimal.Decimal("NaN")])
def test_missing(raw):
    assert normalise_birthdate(raw) == DateResult(None, Status.MISSING, "", False)


def test_other_reader_types():
    numpy = pytest.importorskip("numpy")
    assert normalise_birthdate(numpy.datetime64("1980-01-05")).value == D(1980, 1, 5)
    assert normalise_birthdate(numpy.datetime64("1980-01-05T10:00")).value == D(1980, 1, 5)
    assert normalise_birthdate(numpy.int64(29226)).value == D(1980, 1, 6)
    assert normalise_birthdate(numpy.float64(29226.0)).value == D(1980, 1, 6)
    assert normalise_birthdate(decimal.Decimal("29226")).value == D(1980, 1, 6)
    assert normalise_birthdate(numpy.datetime64("NaT")).status is Status.MISSING


def test_pandas_timestamps_when_pandas_is_there():
    pandas = pytest.importorskip("pandas")
    assert normalise_birthdate(pandas.Timestamp("1980-01-05")).value == D(1980, 1, 5)
    assert normalise_birthdate(pandas.NaT).status is Status.MISSING


# --- properties -------------------------------------------------------------------------------

dates = st.dates(min_value=D(1900, 1, 1), max_value=TODAY)


@given(dates)
def test_any_date_round_trips_through_every_text_format(day):
    formats = ["%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y"]
    for pattern in formats:
        assert normalise_birthdate(day.strftime(pattern)).value == day, pattern


@given(dates)
def test_any_date_round_trips_through_its_excel_serial(day):
    serial = (day - D(1899, 12, 30)).days
    if day < D(1900, 3, 1):
        serial -= 1  # before Excel's fake 29 Feb 1900
    result = normalise_birthdate(serial)
    if 1900 <= serial <= TODAY.year:  # these numbers are read as a year alone
        assert result.note == "year-only"
    else:
        assert (result.value, result.note) == (day, "excel-serial")


@given(dates)
def test_placeholder_exactly_for_the_three_days(day):
    result = normalise_birthdate(day)
    assert result.placeholder == ((day.day, day.month) in {(1, 7), (31, 12), (1, 1)})


@given(
    st.one_of(
        st.text(), st.integers(), st.floats(), st.none(), st.datetimes(), st.dates(), st.decimals()
    )
)
def test_never_raises_and_value_only_in_range(raw):
    result = normalise_birthdate(raw)
    assert (result.value is not None) == (result.status in (Status.VALID, Status.REPAIRED))
    if result.value is not None:
        assert D(1900, 1, 1) <= result.value <= TODAY
    assert result.note == "" or set(result.note.split(",")) <= NOTES["birthdate"]
