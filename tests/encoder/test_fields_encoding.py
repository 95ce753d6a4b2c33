"""Fields of the other kinds in the encoder: any number of them, in segments or in a
record-level filter, counted in the quality report without a value, mapped from their columns
(a TTL column split into place and date)."""

import numpy as np
import pytest
from encoder_samples import SECRET

from padan.encoder.bloom import popcount
from padan.encoder.columns import map_columns
from padan.encoder.default_schema import default_schema_text, record_level_schema_text
from padan.encoder.errors import InputFileError, SchemaError
from padan.encoder.record_encoder import RecordEncoder
from padan.encoder.schema import parse_schema

EXTRA_FIELDS = """
[[fields]]
name = "tempat_lahir"
kind = "birthplace"
required = false
tokeniser = { kind = "qgram", q = 2 }

[[fields]]
name = "alamat"
kind = "address"
required = false
tokeniser = { kind = "address", q = 2 }

[[fields]]
name = "nama_ibu"
kind = "mother_name"
required = false
tokeniser = { kind = "qgram", q = 2 }

[[fields]]
name = "no_kk"
kind = "kk"
required = false
tokeniser = { kind = "positions" }

[[fields]]
name = "kabupaten"
kind = "regency"
required = false
tokeniser = { kind = "region" }

[[fields]]
name = "penghasilan"
kind = "number"
required = false
tokeniser = { kind = "number", step = 100000 }
"""

OWN_SEGMENTS = """
[[segments]]
name = "alamat_lahir"
fields = ["alamat"]
salt = "lahir"
bits = 512
record_bits = 128

[[segments]]
name = "asal_lahir"
fields = ["tempat_lahir", "nama_ibu", "no_kk", "kabupaten", "penghasilan"]
salt = "lahir"
bits = 512
"""

ROWS = {
    "nik": ["3171014501800001", "3171014501800001", "3578031207650003"],
    "nama": ["Siti Nurhaliza", "SITI NURHALIZA", "Slamet"],
    "tanggal_lahir": ["05-01-1980", "5 Januari 1980", "12-07-1965"],
    "jenis_kelamin": ["P", "P", "L"],
    "tempat_lahir": ["Djakarta", "JAKARTA", "Soerabaja"],
    "alamat": ["Jl. Merdeka No. 5 RT 003/RW 002", "JLN MERDEKA NO.5 RT.3 RW.2", "Gg. Mawar 7"],
    "nama_ibu": ["Hj. Aminah", "AMINAH", "Sumiati"],
    "no_kk": ["3171010203150007", "'3171010203150007", "BELUM ADA"],
    "kabupaten": ["KOTA ADM. JAKARTA PUSAT", "Jakarta Pusat", "Kota Surabaya"],
    "penghasilan": ["1.500.000", "1500000", "-"],
}


def segmented_schema(segments=OWN_SEGMENTS):
    return parse_schema(default_schema_text("test", other_fields=False) + EXTRA_FIELDS + segments)


def encode(schema, rows=ROWS):
    n = len(next(iter(rows.values())))
    return RecordEncoder(schema, SECRET).encode(rows, np.arange(2, n + 2))


def dice(a, b):
    return float(2 * popcount(a & b) / max(popcount(a) + popcount(b), 1))


def segment(schema, records, name):
    start = 0
    for layout in schema.segment_layout():
        if layout["name"] == name:
            return records["filter"][:, start // 64:(start + layout["bits"]) // 64]
        start += layout["bits"]
    raise KeyError(name)


def test_the_schema_takes_any_number_of_fields_of_the_other_kinds():
    schema = segmented_schema()
    assert [f.kind for f in schema.fields][4:] == ["birthplace", "address", "mother_name", "kk",
                                                   "regency", "number"]
    twice = parse_schema(default_schema_text("test", other_fields=False) + EXTRA_FIELDS
                         + EXTRA_FIELDS.replace('name = "', 'name = "b_'))
    assert len(twice.fields) == 16


def test_the_four_core_kinds_still_appear_once():
    with pytest.raises(SchemaError, match="may appear once"):
        parse_schema(default_schema_text("test", other_fields=False) + EXTRA_FIELDS.replace(
            'kind = "mother_name"', 'kind = "name"'))


@pytest.mark.parametrize(("kind", "tokeniser"), [
    ("address", "date"), ("kk", "qgram"), ("birthplace", "positions"), ("number", "qgram"),
])
def test_tokenisers_per_kind(kind, tokeniser):
    text = default_schema_text("test", other_fields=False) + (
        f'[[fields]]\nname = "x"\nkind = "{kind}"\ntokeniser = {{ kind = "{tokeniser}" }}\n')
    with pytest.raises(SchemaError, match="takes a tokeniser"):
        parse_schema(text)


def test_old_schemas_keep_their_fingerprint():
    # pinned before the new kinds were added: version-2 files encoded before still link
    assert parse_schema(default_schema_text("test", other_fields=False)).fingerprint == (
        "a8d3e85ec4d2ae6213b5529dd7e3f86d2ac2583081d868fdda1a2963f940e377")
    assert parse_schema(record_level_schema_text("test")).fingerprint == (
        "350e445eb742f3e59bc97a07b1ce07a966a4670ebf72a7a24607fba8d38c6d62")


def test_dirty_variants_of_the_new_fields_agree_in_their_segments():
    schema = segmented_schema()
    batch = encode(schema)
    order = np.argsort(batch.rows)
    records = batch.records[order]
    for name in ("alamat_lahir", "asal_lahir"):
        filters = segment(schema, records, name)
        assert dice(filters[0], filters[1]) == 1.0, name   # only formatting differs
        assert popcount(filters[2:3])[0] > 0
    # different birthdate: unrelated salt, so the segments share only chance bits
    alamat = segment(schema, records, "alamat_lahir")
    assert dice(alamat[0], alamat[2]) < 0.3


def test_a_moved_person_keeps_the_rest():
    moved = {**ROWS, "alamat": [ROWS["alamat"][0], "Jl. Sudirman No. 12 RT 1 RW 9",
                                ROWS["alamat"][2]]}
    schema = segmented_schema()
    records = encode(schema, moved).records
    order = np.argsort(encode(schema, moved).rows)
    records = records[order]
    assert dice(*segment(schema, records, "alamat_lahir")[:2]) < 0.5
    assert dice(*segment(schema, records, "asal_lahir")[:2]) == 1.0


def test_record_level_filters_take_the_new_fields():
    schema = parse_schema(record_level_schema_text("test") + EXTRA_FIELDS)
    base = parse_schema(record_level_schema_text("test"))
    with_fields, without = encode(schema), encode(base, {k: ROWS[k] for k in (
        "nik", "nama", "tanggal_lahir", "jenis_kelamin")})
    assert (popcount(with_fields.records["filter"]) > popcount(without.records["filter"])).all()
    order = np.argsort(with_fields.rows)
    f = with_fields.records["filter"][order]
    assert dice(f[0], f[1]) == 1.0


def test_salt_with_works_for_the_new_fields():
    text = record_level_schema_text("test") + EXTRA_FIELDS.replace(
        'tokeniser = { kind = "address", q = 2 }',
        'tokeniser = { kind = "address", q = 2 }\nsalt_with = "birth_year"')
    schema = parse_schema(text)
    assert schema.field_named("alamat").salt_with == "birth_year"
    assert len(encode(schema).records) == 3


def test_bad_values_are_counted_and_never_printed():
    rows = {**ROWS, "no_kk": ["3171014303150007", "0000000000000000", None],
            "alamat": ["-", "Jl. Rahasia No. 9", None]}
    text = default_schema_text("test", other_fields=False) + EXTRA_FIELDS.replace(
        'name = "no_kk"\nkind = "kk"\nrequired = false', 'name = "no_kk"\nkind = "kk"') + (
        OWN_SEGMENTS)
    batch = encode(parse_schema(text), rows)
    report = batch.quality.to_dict()
    kk = report["fields"]["no_kk"]
    assert kk["statuses"] == {"invalid": 2, "missing": 1}
    assert kk["notes"] == {"bad-date": 1, "dummy": 1}
    assert report["fields"]["alamat"]["statuses"] == {"invalid": 1, "valid": 1, "missing": 1}
    listed = [b for b in report["bad_rows"] if b["field"] == "no_kk"]
    assert [b["row"] for b in listed] == [2, 3, 4]       # required: every unusable row listed
    shown = repr(report)
    for secret in ("3171014303150007", "rahasia", "Rahasia", "merdeka"):
        assert secret not in shown


def test_an_excel_damaged_kk_keeps_its_digits_by_position():
    rows = {**ROWS, "no_kk": ["3171010203150017", 3171010203150010.0, None]}
    schema = segmented_schema("""
[[segments]]
name = "kk_lahir"
fields = ["no_kk"]
salt = "lahir"
bits = 512
""")
    batch = encode(schema, rows)
    records = batch.records[np.argsort(batch.rows)]
    kk = segment(schema, records, "kk_lahir")
    assert popcount(kk[1:2])[0] > 0                      # 15 digits still set bits
    assert 0.8 < dice(kk[0], kk[1]) < 1.0


# -- columns ------------------------------------------------------------------------------------

def test_default_aliases_of_the_new_kinds():
    schema = segmented_schema()
    columns = ["NIK", "NAMA", "TGL_LAHIR", "JK", "Tempat Lahir", "ALAMAT_KTP", "Nama Ibu Kandung",
               "No. KK", "KAB/KOTA"]
    mapping = map_columns(columns, schema.fields, path="x.csv")
    assert mapping == {"nik": "NIK", "nama": "NAMA", "tanggal_lahir": "TGL_LAHIR",
                       "jenis_kelamin": "JK", "tempat_lahir": "Tempat Lahir",
                       "alamat": "ALAMAT_KTP", "nama_ibu": "Nama Ibu Kandung",
                       "no_kk": "No. KK", "kabupaten": "KAB/KOTA"}


@pytest.mark.parametrize("header", ["TTL", "TEMPAT/TGL LAHIR", "Tempat, Tanggal Lahir",
                                    "TEMPAT_TANGGAL_LAHIR", "Tmp/Tgl Lahir"])
def test_a_place_and_date_column_feeds_both_fields(header):
    schema = segmented_schema()
    mapping = map_columns(["NIK", "NAMA", header, "JK"], schema.fields, path="x.csv")
    assert mapping["tanggal_lahir"] == header and mapping["tempat_lahir"] == header


def test_own_columns_win_over_the_combined_one():
    schema = segmented_schema()
    mapping = map_columns(["NIK", "NAMA", "TTL", "TGL_LAHIR", "JK"], schema.fields,
                          path="x.csv")
    assert mapping["tanggal_lahir"] == "TGL_LAHIR" and mapping["tempat_lahir"] == "TTL"


def test_other_fields_still_may_not_share_a_column():
    schema = segmented_schema()
    with pytest.raises(InputFileError, match="each column may hold one field"):
        map_columns(["NIK", "NAMA", "TGL_LAHIR", "JK"], schema.fields,
                    {"alamat": "NAMA", "nama": "NAMA"}, path="x.csv")


def test_a_ttl_column_encodes_like_two_columns():
    schema = segmented_schema()
    ttl = ["JAKARTA, 05-01-1980", "Jakarta, 5 Januari 1980", "SURABAYA, 12-07-1965"]
    split = encode(schema)
    combined = encode(schema, {**ROWS, "tempat_lahir": ttl, "tanggal_lahir": ttl})
    a = split.records[np.argsort(split.rows)]
    b = combined.records[np.argsort(combined.rows)]
    assert np.array_equal(a["blocks"], b["blocks"])
    assert np.array_equal(segment(schema, a, "asal_lahir"), segment(schema, b, "asal_lahir"))
    notes = combined.quality.to_dict()["fields"]
    assert notes["tempat_lahir"]["notes"]["date-removed"] == 3
    assert notes["tanggal_lahir"]["notes"]["place-removed"] == 3


CARD_SCHEMA = """
schema_version = 2
project_id = "test"
identity_field = "no_kartu"

[[fields]]
name = "nama"
kind = "name"
tokeniser = { kind = "qgram", q = 2 }

[[fields]]
name = "no_kartu"
kind = "digits"
required = false
tokeniser = { kind = "positions" }

[[fields]]
name = "kode_pos"
kind = "digits"
required = false
tokeniser = { kind = "positions" }

[[blocking]]
name = "pos"
parts = ["kode_pos"]

[[segments]]
name = "nama_kartu"
fields = ["nama"]
salt = "identity"
bits = 256

[[segments]]
name = "nama_pos"
fields = ["nama"]
salt = "pos"
bits = 256
"""


def test_a_card_number_is_the_identity_and_a_postcode_a_salt():
    schema = parse_schema(CARD_SCHEMA)
    rows = {"nama": ["Siti Aminah", "SITI AMINAH", "Siti Aminah", "Slamet"],
            "no_kartu": ["0001234567", "0001234567", "0007654321", None],
            "kode_pos": ["10110", "10110", "60111", "10110"]}
    batch = encode(schema, rows)
    records = batch.records[np.argsort(batch.rows)]
    identity, pos = records["identity"], records["blocks"][:, 0]
    assert identity[0] == identity[1] != 0          # the same number: the same keyed token
    assert identity[2] not in (0, identity[0]) and identity[3] == 0   # another; none
    assert pos[0] == pos[1] == pos[3] != pos[2]     # the postcode's keyed token
    card, post = segment(schema, records, "nama_kartu"), segment(schema, records, "nama_pos")
    assert dice(card[0], card[1]) == 1.0 and dice(card[0], card[2]) < 0.5   # other salt
    assert popcount(card[3:4])[0] == 0              # no number: the segment stays empty
    assert dice(post[0], post[1]) == 1.0 and popcount(post[3:4])[0] > 0


def test_a_blocking_part_must_be_a_known_part_or_a_field_of_the_other_kinds():
    for part in ("nama", "no_such_field"):
        with pytest.raises(SchemaError, match=f"part '{part}' is none of"):
            parse_schema(CARD_SCHEMA.replace('parts = ["kode_pos"]', f'parts = ["{part}"]'))
