"""Sex normaliser: every way lists write jenis kelamin."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from padan.encoder.normalise import SexResult, Status, normalise_sex
from padan.encoder.normalise.result import NOTES


@pytest.mark.parametrize(
    "raw",
    [
        "L", "l", " L ", "LK", "Lk.", "LAKI-LAKI", "Laki-laki", "LAKI LAKI", "laki  laki",
        "Laki2", "LAKI", "Lelaki", "PRIA", "Pria", "M", "Male", "MALE", "1", 1, 1.0,
    ],
)  # fmt: skip
def test_laki_laki(raw):
    assert normalise_sex(raw) == SexResult("L", Status.VALID, "")


@pytest.mark.parametrize(
    "raw",
    [
        "P", "p", "PR", "Pr.", "PEREMPUAN", "Perempuan", "perempuan ", "WANITA", "Wanita", "W",
        "F", "Female", "FEMALE", "2", 2, 2.0,
    ],
)  # fmt: skip
def test_perempuan(raw):
    assert normalise_sex(raw) == SexResult("P", Status.VALID, "")


@pytest.mark.parametrize(
    ("raw", "status", "note"),
    [
        (None, Status.MISSING, ""),
        ("", Status.MISSING, ""),
        ("  ", Status.MISSING, ""),
        (float("nan"), Status.MISSING, ""),
        ("-", Status.INVALID, "dummy"),
        ("belum ada", Status.INVALID, "dummy"),
        ("L/P", Status.INVALID, "unrecognised"),  # the column header, not a value
        ("LP", Status.INVALID, "unrecognised"),
        ("X", Status.INVALID, "dummy"),
        ("Q", Status.INVALID, "unrecognised"),
        ("3", Status.INVALID, "unrecognised"),
        (0, Status.INVALID, "unrecognised"),
        (3, Status.INVALID, "unrecognised"),
        (1.5, Status.INVALID, "unrecognised"),
        (True, Status.INVALID, "wrong-type"),
        (["L"], Status.INVALID, "wrong-type"),
    ],
)
def test_bad_input(raw, status, note):
    assert normalise_sex(raw) == SexResult(None, status, note)


@given(st.one_of(st.text(), st.integers(), st.floats(), st.none()))
def test_never_raises_and_only_l_or_p(raw):
    result = normalise_sex(raw)
    assert result.value in (None, "L", "P")
    assert (result.value is not None) == (result.status is Status.VALID)
    assert result.note == "" or result.note in NOTES["sex"]
