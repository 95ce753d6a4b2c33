import pytest

from padan.encoder.default_schema import (
    default_schema,
    default_schema_text,
    record_level_schema_text,
)
from padan.encoder.errors import SchemaError
from padan.encoder.schema import load_schema, parse_schema


def test_default_schema_is_valid_and_stable():
    schema = default_schema("bansos")
    assert schema.project_id == "bansos"
    assert [f.kind for f in schema.fields] == [
        "nik", "name", "birthdate", "sex", "birthplace", "address", "mother_name", "kk"]
    assert all(not f.required for f in schema.fields[4:])    # a list may lack any of them
    assert [b.name for b in schema.blocking] == ["lahir", "kk"]
    assert [(s.name, s.salt, s.purpose) for s in schema.segments] == [
        ("nama_lahir", "lahir", "compare"), ("nik_lahir", "lahir", "veto"),
        ("nama_nik", "identity", "compare"), ("alamat_lahir", "lahir", "compare"),
        ("asal_lahir", "lahir", "compare"), ("nama_kk", "kk", "compare")]
    core = default_schema("bansos", other_fields=False)
    assert [f.kind for f in core.fields] == ["nik", "name", "birthdate", "sex"]
    assert [s.name for s in core.segments] == ["nama_lahir", "nik_lahir", "nama_nik"]
    assert schema.fingerprint == default_schema("bansos").fingerprint
    assert len(schema.fingerprint) == 64


def test_fingerprint_ignores_aliases_but_not_encoding_settings():
    text = default_schema_text("p")
    base = parse_schema(text).fingerprint
    assert parse_schema(text.replace('"jk",', '"jk", "KELAMIN_X",')).fingerprint == base
    for change in (("bits = 1024", "bits = 2048"),
                   ("bits_per_token = 10", "bits_per_token = 11"),
                   ('salt = "identity"', 'salt = "lahir"'),
                   ('project_id = "p"', 'project_id = "q"')):
        assert parse_schema(text.replace(*change)).fingerprint != base


@pytest.mark.parametrize(
    ("change", "setting", "message"),
    [
        (("filter_bits = 1024", "filter_bits = 10"), "filter_bits", "greater than or equal"),
        (("schema_version = 2", "schema_version = 3"), None, "not supported"),
        (("schema_version = 2", "schema_version = 1"), None, "no longer read"),
        (('kind = "sex"', 'kind = "name"'), None, "may appear once"),
        (('identity_field = "nik"', 'identity_field = "nama"'), None, "kind nik, kk"),
        (('parts = ["birthdate", "sex"]', 'parts = ["birthdate", "nama"]'), None,
         "part 'nama' is none of"),
        (('{ kind = "date" }', '{ kind = "qgram" }'), None, "takes a tokeniser of kind date"),
        (("xor_fold = false", "xor_fold = true\nbalance = true"), None, None),
        (("balance = false", "balanse = false"), "hardening.balanse", "Extra inputs"),
    ],
)
def test_invalid_schemas_name_the_setting(change, setting, message):
    text = record_level_schema_text("p").replace(*change)
    if message is None:  # TOML duplicate key
        with pytest.raises(SchemaError, match="not valid TOML"):
            parse_schema(text)
        return
    with pytest.raises(SchemaError, match=message) as info:
        parse_schema(text, source="s.toml")
    assert str(info.value).startswith("s.toml: ")
    if setting:
        assert info.value.setting == setting


def test_load_schema_missing_and_not_toml(tmp_path):
    with pytest.raises(SchemaError, match="padan schema init"):
        load_schema(tmp_path / "absent.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("this is = = not toml")
    with pytest.raises(SchemaError, match="not valid TOML"):
        load_schema(bad)
    binary = tmp_path / "bin.toml"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(SchemaError, match="not UTF-8"):
        load_schema(binary)


def test_encoded_bits_follow_balance_and_fold():
    text = record_level_schema_text("p")
    assert parse_schema(text.replace("balance = false", "balance = true")).encoded_bits == 2048
    folded = text.replace("xor_fold = false", "xor_fold = true")
    assert parse_schema(folded).encoded_bits == 512


def test_every_schema_setting_is_documented():
    from pathlib import Path

    from padan.encoder.schema import BlockingKey, FieldSpec, Hardening, LinkageSchema, Segment

    text = (Path(__file__).resolve().parents[2] / "docs" / "schema.md").read_text()
    for model in (LinkageSchema, FieldSpec, Hardening, BlockingKey, Segment):
        for name in model.model_fields:
            forms = (f"`{name}`", f"`[{name}]`", f"`[[{name}]]`")  # key, table, array of tables
            assert any(form in text for form in forms), (
                f"docs/schema.md does not document {model.__name__}.{name}")
