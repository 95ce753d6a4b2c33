"""The public surface of padan.encoder.normalise, the name code, and the note vocabulary docs."""

import dataclasses
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import padan.encoder.normalise as normalise
from padan.encoder.normalise import Status, name_code, normalise_name
from padan.encoder.normalise.result import NOTES

DOCS = Path(__file__).resolve().parents[2] / "docs" / "normalisation.md"


def test_the_public_names_the_pipeline_uses():
    expected = {
        "Status", "NikResult", "NameResult", "DateResult", "SexResult", "NikCheck",
        "normalise_nik", "normalise_name", "normalise_birthdate", "normalise_sex", "check_nik",
        "name_code", "clear_caches", "FieldResult", "normalise_text", "normalise_digits",
        "normalise_number", "normalise_place", "normalise_area", "normalise_address",
        "normalise_kk",
    }  # fmt: skip
    assert set(normalise.__all__) == expected
    assert all(hasattr(normalise, name) for name in expected)


def test_status_values():
    assert [status.value for status in Status] == ["valid", "repaired", "invalid", "missing"]
    assert Status.VALID == "valid"


@pytest.mark.parametrize(
    "result_type",
    [normalise.NikResult, normalise.NameResult, normalise.DateResult, normalise.SexResult,
     normalise.NikCheck, normalise.FieldResult],
)  # fmt: skip
def test_results_are_frozen_slotted_dataclasses(result_type):
    params = result_type.__dataclass_params__
    assert params.frozen and hasattr(result_type, "__slots__")
    assert [field.name for field in dataclasses.fields(result_type)] == list(result_type.__slots__)


def test_docs_explain_every_note():
    text = DOCS.read_text(encoding="utf-8")
    every = [(field, note) for field, notes in NOTES.items() for note in sorted(notes)]
    missing = [f"{field}:{note}" for field, note in every if f"`{note}`" not in text]
    assert not missing


class TestNameCode:
    @pytest.mark.parametrize(
        ("left", "right"),
        [
            ("Soekarno", "Sukarno"), ("Muhammad", "Muhamad"), ("Mohammad", "Muhammad"),
            ("Khairul", "Hairul"), ("Syaiful", "Saiful"), ("Yanti", "Janti"), ("Fitri", "Pitri"),
            ("Supriadi", "Supriyadi"), ("Sumiati", "Sumiyati"), ("Ridho", "Rido"),
            ("Eko", "Ekko"), ("Djoko", "Joko"), ("Tjahjono", "Cahyono"), ("Slamet", "Selamet"),
        ],
    )  # fmt: skip
    def test_spelling_variants_share_a_code(self, left, right):
        assert name_code(normalise_name(left).value) == name_code(normalise_name(right).value)

    @pytest.mark.parametrize(
        ("left", "right"),
        [("Sutrisno", "Sukarno"), ("Budi", "Dewi"), ("Agus", "Ahmad"), ("Rina", "Hasan")],
    )
    def test_different_names_differ(self, left, right):
        assert name_code(left) != name_code(right)

    def test_known_codes(self):
        assert name_code("sukarno") == "S387"
        assert name_code("muhammad yusuf") == "M500"  # the first word only
        assert name_code("sri wahyuni") == "S800"
        assert name_code("") == ""
        assert name_code("  ") == ""

    @given(st.text())
    def test_never_raises_and_has_a_fixed_shape(self, text):
        code = name_code(text)
        assert code == "" or (len(code) == 4 and code[0].isupper() and code[1:].isdigit())
