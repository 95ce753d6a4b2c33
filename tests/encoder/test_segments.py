"""The default schema's salted segments: the name salted with the birthdate, and with the
NIK (the other fields' segments: test_fields_encoding.py). Bits are pinned; salting must make
the same name unrelated across salts and equal within."""

import numpy as np
import pytest
from encoder_samples import PEOPLE, SECRET, filter_digest

from padan.encoder.bloom import popcount
from padan.encoder.default_schema import default_schema, default_schema_text
from padan.encoder.errors import SchemaError
from padan.encoder.record_encoder import RecordEncoder
from padan.encoder.schema import parse_schema

SCHEMA = default_schema("test")
# the default's first three segments, whose bits the other fields' segments left unchanged
CORE = default_schema("test", other_fields=False)
WORDS = 1024 // 64   # each name segment
VETO = 512 // 64     # the NIK digits between them


def encode(rows, schema=SCHEMA):
    columns = {"nik": [r[0] for r in rows], "nama": [r[1] for r in rows],
               "tanggal_lahir": [r[2] for r in rows], "jenis_kelamin": [r[3] for r in rows]}
    return RecordEncoder(schema, SECRET).encode(columns, np.arange(2, len(rows) + 2)).records


def by_birth(records):
    return records["filter"][:, :WORDS]


def nik_digits(records):
    return records["filter"][:, WORDS:WORDS + VETO]


def by_nik(records):
    return records["filter"][:, WORDS + VETO:2 * WORDS + VETO]


def dice(a, b):
    total = popcount(a) + popcount(b)
    return float(2 * popcount(a & b) / total) if total else 0.0


def test_known_answer_segments():
    records = encode(PEOPLE, CORE)
    assert records["filter"].shape[1] == 2 * WORDS + VETO
    assert filter_digest(records) == KNOWN_SEGMENTS_SHA256
    # the default: the same bits, then the other fields' segments (empty here: no columns)
    default = encode(PEOPLE)["filter"]
    assert np.array_equal(default[:, :2 * WORDS + VETO], records["filter"])
    assert not default[:, 2 * WORDS + VETO:].any()


KNOWN_SEGMENTS_SHA256 = "526179977c9455af788bee6a5a51023ac59dc60917cb0ed4152f619bd87595f9"


def test_the_same_name_is_unrelated_across_birthdates_and_equal_within():
    rows = [["", "Sutrisno", "01-02-1960", "L"], ["", "Sutrisno", "02-02-1960", "L"],
            ["", "SOETRISNO", "1960-02-01", "laki-laki"], ["", "Sutrisno", "01-02-1960", "P"]]
    segment = by_birth(encode(rows))
    assert dice(segment[0], segment[2]) == 1.0       # old spelling and formats normalise away
    # another day: as far apart as two random names of this size; the sex is not in the salt
    assert dice(segment[0], segment[1]) < 0.3
    assert dice(segment[0], segment[3]) == 1.0


def test_the_nik_segment_compares_names_across_birthdates():
    nik = "3171014501800001"
    rows = [[nik, "Siti Nurhaliza", "05-01-1980", "P"],
            [nik, "Siti Nurhalisa", "01-07-1980", "P"],        # typo, placeholder date
            ["3171014501800002", "Siti Nurhaliza", "05-01-1980", "P"],
            ["BELUM ADA", "Siti Nurhaliza", "05-01-1980", "P"]]
    records = encode(rows)
    segment = by_nik(records)
    assert dice(segment[0], segment[1]) > 0.8
    assert dice(segment[0], segment[2]) < 0.3           # another NIK: another salt
    assert popcount(segment[3]) == 0                    # no valid NIK: nothing to compare
    assert dice(by_birth(records)[0], by_birth(records)[1]) < 0.3   # the dates differ


def test_placeholder_dates_salt_too():
    rows = [["", "Budi", "01-07-1975", "L"], ["", "Budi", "1 Juli 1975", "L"],
            ["", "Budi", "", "L"]]
    records = encode(rows)
    key = records["blocks"][:, 0]
    assert key[0] == key[1] != 0 and key[2] == 0
    assert dice(by_birth(records)[0], by_birth(records)[1]) == 1.0
    assert popcount(by_birth(records)[2]) == 0


def test_segment_layout_is_in_the_schema():
    assert SCHEMA.encoded_bits == 5632
    assert SCHEMA.segment_layout()[3:] == [
        {"name": "alamat_lahir", "start": 2560, "bits": 1024, "salt": "lahir",
         "purpose": "compare", "fields": ["alamat"], "kinds": ["address"]},
        {"name": "asal_lahir", "start": 3584, "bits": 1024, "salt": "lahir",
         "purpose": "compare", "fields": ["tempat_lahir", "nama_ibu"],
         "kinds": ["birthplace", "mother_name"]},
        {"name": "nama_kk", "start": 4608, "bits": 1024, "salt": "kk",
         "purpose": "compare", "fields": ["nama"], "kinds": ["name"]}]
    assert SCHEMA.segment_layout()[:3] == [
        {"name": "nama_lahir", "start": 0, "bits": 1024, "salt": "lahir",
         "purpose": "compare", "fields": ["nama"], "kinds": ["name"]},
        {"name": "nik_lahir", "start": 1024, "bits": 512, "salt": "lahir",
         "purpose": "veto", "fields": ["nik"], "kinds": ["nik"]},
        {"name": "nama_nik", "start": 1536, "bits": 1024, "salt": "identity",
         "purpose": "compare", "fields": ["nama"], "kinds": ["name"]}]


def test_the_veto_segment_holds_whole_niks_only():
    rows = [["3171014501800001", "Siti", "05-01-1980", "P"],
            ["3171014501800002", "Siti", "05-01-1980", "P"],     # a one-digit typo
            ["3275034501800001", "Siti", "05-01-1980", "P"],     # another district
            ["3.17101E+15", "Siti", "05-01-1980", "P"],          # Excel lost the digits
            ["317101450180000", "Siti", "05-01-1980", "P"]]      # truncated
    digits = nik_digits(encode(rows))
    assert dice(digits[0], digits[1]) >= 0.85
    assert dice(digits[0], digits[2]) < 0.75
    assert popcount(digits[3]) == 0 and popcount(digits[4]) == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('fields = ["nama"]\nsalt = "identity"', 'fields = ["kabupaten"]\nsalt = "identity"'),
         "names no field 'kabupaten'"),
        (('salt = "identity"', 'salt = "tahun"'), "salt must be 'identity' or the name of a"),
        (('name = "nama_nik"', 'name = "nama_lahir"'), "segment names must be unique"),
        (('bits = 1024\n', 'bits = 1000\n'), "multiple of 64"),
        (('salt = "identity"\nbits = 1024\n', 'salt = "identity"\nbits = 1024\npurpose = "veto"\n'),
         "needs a compare segment with the same salt"),
        (('stratum = "province"', 'stratum = "province"\n[hardening]\nrule90 = true'),
         "take[s]? none"),
        (('kind = "name"\n', 'kind = "name"\nsalt_with = "birth_year"\n'), "salt the segment"),
    ],
)
def test_invalid_segments_are_refused_with_a_reason(change, message):
    text = default_schema_text("p")
    assert change[0] in text
    with pytest.raises(SchemaError, match=message):
        parse_schema(text.replace(*change, 1))


def test_record_bits_hide_the_length_of_the_name():
    names = ["Ali", "Budi Santoso", "Ni Luh Putu Ayu Lestari Wulandari Kusumawati"]
    rows = [["", name, "05-01-1980", "L"] for name in names]
    weights = popcount(by_birth(encode(rows))).tolist()
    # 4, 13 and 37 bigrams: every record sets about 256 bits (fewer where positions collide)
    assert all(200 <= w <= 260 for w in weights), weights
    without = parse_schema(default_schema_text("test").replace("record_bits = 256\n", ""))
    plain = popcount(by_birth(encode(rows, schema=without))).tolist()
    assert plain[2] > 3 * plain[0]   # bits_per_token per bigram: the weight grows with length


def test_record_bits_keep_a_typo_close():
    rows = [["", "Siti Nurhaliza", "05-01-1980", "P"], ["", "Siti Nurhalisa", "05-01-1980", "P"],
            ["", "Siti Nurhaliza Rahmawati", "05-01-1980", "P"]]
    segment = by_birth(encode(rows))
    assert dice(segment[0], segment[1]) > 0.8
    assert 0.55 < dice(segment[0], segment[2]) < 0.85


def test_an_unsalted_segment_is_the_same_for_every_record():
    text = default_schema_text("test").replace(
        'name = "nama_lahir"\nfields = ["nama"]\nsalt = "lahir"\n',
        'name = "nama_lahir"\nfields = ["nama"]\n').replace('purpose = "veto"', "")
    rows = [["", "Sutrisno", "01-02-1960", "L"], ["", "Sutrisno", "02-03-1971", "P"],
            ["", "", "02-03-1971", "P"]]
    segment = by_birth(encode(rows, schema=parse_schema(text)))
    assert dice(segment[0], segment[1]) == 1.0
    assert popcount(segment[2]) == 0


def test_no_stratum_is_written_unless_the_schema_asks_for_one():
    rows = [["3171014501800001", "Siti", "05-01-1980", "P"]]
    assert encode(rows)["stratum"].tolist() == [31]
    text = default_schema_text("test").replace('stratum = "province"\n', "")
    assert encode(rows, schema=parse_schema(text))["stratum"].tolist() == [0]
