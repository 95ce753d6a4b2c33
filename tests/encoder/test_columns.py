"""Column mapping: aliases, overrides, and refusals that name the field and never a value."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from padan.encoder.columns import (
    DEFAULT_ALIASES,
    aliases_for,
    column_key,
    map_columns,
    parse_map_options,
)
from padan.encoder.errors import InputFileError
from padan.encoder.schema import DateTokeniser, ExactTokeniser, FieldSpec, QgramTokeniser

FIELDS = [
    FieldSpec(name="nik", kind="nik", tokeniser=ExactTokeniser()),
    FieldSpec(name="nama", kind="name", tokeniser=QgramTokeniser()),
    FieldSpec(name="tanggal_lahir", kind="birthdate", tokeniser=DateTokeniser()),
    FieldSpec(name="jenis_kelamin", kind="sex", required=False, tokeniser=ExactTokeniser()),
]


def mapped(columns, overrides=None, fields=FIELDS):
    return map_columns(columns, fields, overrides, path="list.csv")


def refusal(columns, overrides=None, fields=FIELDS) -> str:
    with pytest.raises(InputFileError) as caught:
        mapped(columns, overrides, fields)
    assert caught.value.path == "list.csv"
    return str(caught.value)


@pytest.mark.parametrize(("columns", "expected"), [
    (["NIK", "NAMA", "TGL_LAHIR", "JENIS_KELAMIN"],
     {"nik": "NIK", "nama": "NAMA", "tanggal_lahir": "TGL_LAHIR",
      "jenis_kelamin": "JENIS_KELAMIN"}),
    (["nik", "nama_lengkap", "tanggal_lahir", "jk"],
     {"nik": "nik", "nama": "nama_lengkap", "tanggal_lahir": "tanggal_lahir",
      "jenis_kelamin": "jk"}),
    (["No KTP", "Nama Penerima", "Tanggal Lahir", "L/P"],
     {"nik": "No KTP", "nama": "Nama Penerima", "tanggal_lahir": "Tanggal Lahir",
      "jenis_kelamin": "L/P"}),
    (["NIK_PENERIMA", "NAMA", "TGL_LHR", "SEX"],
     {"nik": "NIK_PENERIMA", "nama": "NAMA", "tanggal_lahir": "TGL_LHR", "jenis_kelamin": "SEX"}),
    (["  no_ktp ", "NAMA LENGKAP", "tgl lahir", "Kelamin"],
     {"nik": "  no_ktp ", "nama": "NAMA LENGKAP", "tanggal_lahir": "tgl lahir",
      "jenis_kelamin": "Kelamin"}),
    (["Nomor Induk Kependudukan", "Nama", "Tgl. Lahir (dd-mm-yyyy)", "JK (L/P)"],
     {"nik": "Nomor Induk Kependudukan", "nama": "Nama", "tanggal_lahir": "Tgl. Lahir (dd-mm-yyyy)",
      "jenis_kelamin": "JK (L/P)"}),
])
def test_aliases_match_whatever_the_case_spacing_and_separators(columns, expected):
    assert mapped(columns) == expected


def test_the_field_name_and_the_schema_aliases_are_tried_too():
    fields = [FieldSpec(name="nik", kind="nik", aliases=["ID_WARGA"], tokeniser=ExactTokeniser()),
              FieldSpec(name="nama", kind="name", tokeniser=QgramTokeniser())]
    assert mapped(["id warga", "NAMA"], fields=fields) == {"nik": "id warga", "nama": "NAMA"}
    assert mapped(["Nik", "nama"], fields=fields) == {"nik": "Nik", "nama": "nama"}
    assert aliases_for(fields[0])[:2] == ["nik", "ID_WARGA"]


def test_optional_fields_not_found_are_left_out_and_other_columns_ignored():
    assert mapped(["ALAMAT", "NIK", "NAMA", "TGL_LAHIR", "RT"]) == {
        "nik": "NIK", "nama": "NAMA", "tanggal_lahir": "TGL_LAHIR"}


def test_result_follows_the_schema_field_order():
    assert list(mapped(["JK", "TGL_LAHIR", "NAMA", "NIK"])) == [f.name for f in FIELDS]


def test_missing_required_field_lists_columns_found_and_aliases_tried():
    message = refusal(["NIK", "NAMA", "ALAMAT"])
    assert "required field 'tanggal_lahir'" in message
    assert "columns found: 'NIK', 'NAMA', 'ALAMAT'" in message
    assert "aliases tried: 'tanggal_lahir', 'TGL_LAHIR'" in message  # "Tanggal Lahir": same key
    assert "'TGL_LHR'" in message and "'DOB'" in message
    assert "--map tanggal_lahir=COLUMN" in message


def test_every_missing_required_field_is_reported_at_once():
    message = refusal(["ALAMAT"])
    assert "'nik'" in message and "'nama'" in message and "'tanggal_lahir'" in message
    assert "jenis_kelamin" not in message  # optional


def test_a_ttl_column_is_taken_for_the_birthdate_when_there_is_no_date_column():
    # the birthdate normaliser drops the place ("JAKARTA, 05-01-1980"; note place-removed)
    assert mapped(["NIK", "NAMA", "TTL"])["tanggal_lahir"] == "TTL"


@pytest.mark.parametrize("column", ["NIK_KK", "NIK_KEPALA_KELUARGA", "NAMA_KK", "NAMA_AYAH",
                                    "NAMA_PANGGILAN", "TTL", "TEMPAT_TGL_LAHIR"])
def test_columns_about_another_person_or_thing_are_not_aliases(column):
    keys = {column_key(a) for aliases in DEFAULT_ALIASES.values() for a in aliases}
    assert column_key(column) not in keys


@pytest.mark.parametrize(("column", "kind"), [
    ("NO_KK", "kk"), ("NAMA_IBU_KANDUNG", "mother_name"), ("TEMPAT_LAHIR", "birthplace"),
])
def test_fields_of_other_kinds_have_aliases_of_their_own(column, kind):
    for owner, aliases in DEFAULT_ALIASES.items():
        assert (column_key(column) in {column_key(a) for a in aliases}) == (owner == kind)


def test_default_aliases_of_different_kinds_never_collide():
    owners: dict[str, str] = {}
    for kind, aliases in DEFAULT_ALIASES.items():
        for alias in aliases:
            assert owners.setdefault(column_key(alias), kind) == kind, alias
    assert set(DEFAULT_ALIASES) == {"nik", "name", "birthdate", "sex", "birthplace", "address",
                                    "village", "district", "regency", "mother_name", "kk"}


def test_required_aliases_of_the_issue_are_present():
    keys = {kind: {column_key(a) for a in aliases} for kind, aliases in DEFAULT_ALIASES.items()}
    for kind, names in {"nik": ["NIK", "nik", "No KTP", "NIK_PENERIMA"],
                        "name": ["NAMA", "nama_lengkap", "Nama Penerima"],
                        "birthdate": ["TGL_LAHIR", "tanggal_lahir", "Tanggal Lahir", "TGL_LHR"],
                        "sex": ["JENIS_KELAMIN", "jk", "L/P", "SEX"]}.items():
        assert {column_key(n) for n in names} <= keys[kind]


def test_column_key_examples():
    assert column_key("TGL_LAHIR") == column_key("tgl lahir") == column_key("Tgl.-Lahir")
    assert column_key("L/P") == "lp"
    assert column_key("\ufeffNIK") == "nik"
    assert column_key("NIK (16 digit)") == "nik"


@given(st.text(max_size=30))
def test_column_key_is_idempotent_and_ignores_case_and_separators(name):
    key = column_key(name)
    assert column_key(key) == key
    assert column_key(f" {name.upper()}_") == column_key(name.upper())


def test_overrides_win_over_aliases():
    columns = ["NIK", "No KTP", "NAMA", "TGL_LAHIR"]
    assert mapped(columns, {"nik": "No KTP"})["nik"] == "No KTP"


def test_override_matches_a_column_case_and_space_insensitively():
    assert mapped(["No. KTP", "NAMA", "TGL_LAHIR"], {"nik": "no ktp"})["nik"] == "No. KTP"


def test_override_maps_an_unusual_column_name():
    result = mapped(["ID", "NM", "LAHIR"], {"nik": "ID", "nama": "NM", "tanggal_lahir": "LAHIR"})
    assert result == {"nik": "ID", "nama": "NM", "tanggal_lahir": "LAHIR"}


def test_override_may_map_ttl_explicitly():
    assert mapped(["NIK", "NAMA", "TTL"], {"tanggal_lahir": "TTL"})["tanggal_lahir"] == "TTL"


def test_override_of_an_unknown_field_is_refused():
    message = refusal(["NIK", "NAMA", "TGL_LAHIR"], {"alamat": "NIK"})
    assert "unknown field 'alamat'" in message and "'nama'" in message


def test_override_naming_a_missing_column_is_refused():
    message = refusal(["NIK", "NAMA", "TGL_LAHIR"], {"nik": "NOMOR"})
    assert "--map nik=" in message and "does not have" in message
    assert "columns found: 'NIK', 'NAMA', 'TGL_LAHIR'" in message


def test_two_fields_on_one_column_are_refused():
    message = refusal(["NIK", "NAMA", "TGL_LAHIR"], {"nama": "NIK", "nik": "NIK"})
    assert "mapped to column 'NIK'" in message


def test_an_override_claims_its_column_from_the_aliases():
    # NAMA would be found for 'nama' by alias, but the user put the NIK there explicitly
    message = refusal(["NAMA", "TGL_LAHIR"], {"nik": "NAMA"})
    assert "required field 'nama'" in message


def test_a_field_matching_two_columns_is_ambiguous():
    message = refusal(["NIK", "NIK_PENERIMA", "NAMA", "TGL_LAHIR"])
    assert "'nik' matches several columns ('NIK', 'NIK_PENERIMA')" in message
    assert "--map nik=COLUMN" in message
    # and --map settles it
    assert mapped(["NIK", "NIK_PENERIMA", "NAMA", "TGL_LAHIR"],
                  {"nik": "NIK_PENERIMA"})["nik"] == "NIK_PENERIMA"


def test_a_header_that_looks_like_a_record_is_not_echoed():
    record = ["3171010101800001", "Budi Santoso", "01-01-1980", "L"]
    message = refusal(record)
    for value in record[:3]:
        assert value not in message
    assert "looks like a record" in message


def test_parse_map_options():
    assert parse_map_options([]) == {}
    assert parse_map_options(["nik=No KTP", " nama = NAMA_LENGKAP ", "jk=A=B"]) == {
        "nik": "No KTP", "nama": "NAMA_LENGKAP", "jk": "A=B"}


@pytest.mark.parametrize("option", ["nik", "=NIK", "nik=", "nik = ", ""])
def test_malformed_map_options_are_refused(option):
    with pytest.raises(InputFileError, match="field=column"):
        parse_map_options([option])


def test_a_field_mapped_twice_on_the_command_line_is_refused():
    with pytest.raises(InputFileError, match="'nik' is mapped twice"):
        parse_map_options(["nik=A", "nik=B"])
