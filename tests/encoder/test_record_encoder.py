import numpy as np
import pytest
from encoder_samples import PEOPLE, SECRET, filter_digest, schema_with

from padan.encoder.bloom import popcount
from padan.encoder.default_schema import record_level_schema
from padan.encoder.encoding_file import (
    FLAG_BIRTHDATE_MISSING,
    FLAG_BIRTHDATE_PLACEHOLDER,
    FLAG_NIK_BIRTHDATE_DISAGREE,
    FLAG_NIK_VALID,
)
from padan.encoder.errors import SchemaError
from padan.encoder.normalise.cells import SheetInt
from padan.encoder.record_encoder import RecordEncoder


def encode(rows, schema=None, secret=SECRET):
    """Encode with `schema`, by default the record-level one (one unsalted filter of every
    field, whose machinery these tests pin; the default's segments: test_segments.py)."""
    schema = schema or record_level_schema("test")
    columns = {"nik": [r[0] for r in rows], "nama": [r[1] for r in rows],
               "tanggal_lahir": [r[2] for r in rows], "jenis_kelamin": [r[3] for r in rows]}
    return RecordEncoder(schema, secret).encode(columns, np.arange(2, len(rows) + 2))


def dice(a, b):
    inter = popcount(a & b)
    return float(2 * inter / (popcount(a) + popcount(b)))


def test_known_answer_filters():
    # Pinned bits: any change to normalisation, tokens, key derivation or hashing shows here.
    batch = encode(PEOPLE)
    assert filter_digest(batch.records) == KNOWN_FILTERS_SHA256
    assert batch.records["identity"][0] == KNOWN_IDENTITY_0


KNOWN_FILTERS_SHA256 = "a5bca9ef283eabc12b33c234f2cf40a3631fc7babc040ec1fd76924f333cbc78"
KNOWN_IDENTITY_0 = 8061669224925030908


def test_deterministic_and_keyed():
    first, again = encode(PEOPLE), encode(PEOPLE)
    assert np.array_equal(first.records, again.records)
    other_secret = encode(PEOPLE, secret=bytes(32))
    other_project = encode(PEOPLE, schema=record_level_schema("another"))
    for other in (other_secret, other_project):
        for i in range(len(PEOPLE)):
            # unrelated bits: about as similar as two random filters of this density
            assert dice(first.records["filter"][i], other.records["filter"][i]) < 0.6
        assert not set(first.records["identity"]) & set(other.records["identity"])


def test_dirty_variants_encode_close_and_strangers_far():
    clean = ["3171014501800001", "Siti Nurhaliza", "1980-01-05", "perempuan"]
    dirty = ["'3171014501800001", "HJ. SITI NURHALIZA, S.PD", "5 Januari 1980", "P"]
    typo = ["3171014501800001", "Siti Nurhalisa", "05-01-1980", "P"]
    batch = encode([clean, dirty, typo, PEOPLE[2]])
    f = batch.records["filter"]
    assert dice(f[0], f[1]) == 1.0  # normalisation removes every difference
    assert dice(f[0], f[2]) > 0.85
    assert dice(f[0], f[3]) < 0.6
    assert batch.records["identity"][0] == batch.records["identity"][1] != 0


def test_day_month_swap_keeps_most_similarity():
    batch = encode([["", "Budi Santoso", "03-11-1990", "L"],
                    ["", "Budi Santoso", "11-03-1990", "L"],
                    ["", "Budi Santoso", "04-12-1990", "L"]])
    f = batch.records["filter"]
    swapped, other_day = dice(f[0], f[1]), dice(f[0], f[2])
    # year and the unordered day-month pair survive the swap: still a possible match, and
    # clearly closer than the same name born on another day of that year
    assert swapped > 0.75 and swapped > other_day + 0.05


def test_a_regency_stratum_is_the_niks_first_four_digits():
    rows = [
        ["3273014501800001", "Siti", "05-01-1980", "P"],      # valid NIK: Kota Bandung
        ["3204 0145 0180 0001", "Siti", "05-01-1980", "P"],   # repaired off the fast path
        ["BELUM ADA", "Siti", "05-01-1980", "P"],             # no NIK: 0
    ]
    regency = schema_with(stratum=('stratum = "province"', 'stratum = "regency"'))
    assert regency.stratum == "regency"
    assert encode(rows, regency).records["stratum"].tolist() == [3273, 3204, 0]
    assert encode(rows).records["stratum"].tolist() == [32, 32, 0]
    with pytest.raises(SchemaError) as caught:
        schema_with(stratum=('stratum = "province"', 'stratum = "district"'))
    assert caught.value.setting == "stratum"


def test_identity_blocks_flags_and_stratum():
    rows = [
        ["3171014501800001", "Siti", "05-01-1980", "P"],   # valid NIK, agrees
        ["BELUM ADA", "Siti", "05-01-1980", "P"],          # dummy NIK
        ["3171014501800001", "Siti", "01-07-1980", "P"],   # placeholder date, disagrees with NIK
        ["3171014501800001", "Siti", "", "P"],             # missing date
    ]
    r = encode(rows).records
    assert r["identity"][0] != 0 and r["identity"][1] == 0
    assert r["flags"][0] == FLAG_NIK_VALID
    assert r["flags"][1] == 0
    assert r["flags"][2] & FLAG_BIRTHDATE_PLACEHOLDER
    assert r["flags"][2] & FLAG_NIK_BIRTHDATE_DISAGREE
    assert r["flags"][3] & FLAG_BIRTHDATE_MISSING
    assert r["stratum"][0] == 31 and r["stratum"][1] == 0
    # dob_sex equal for equal birthdate and sex; no key without a birthdate
    assert r["blocks"][0, 0] == r["blocks"][1, 0] != 0
    assert r["blocks"][3, 0] == 0 and r["blocks"][3, 1] == 0
    # a placeholder date makes no whole-birthdate key, but its year still counts
    assert r["blocks"][2, 0] == 0 and r["blocks"][2, 1] == r["blocks"][0, 1] != 0


def test_records_without_evidence_are_skipped_and_counted():
    batch = encode([["", "", "", "L"], PEOPLE[0], ["-", "12345", "bukan tanggal", ""]])
    assert batch.rows.tolist() == [3]
    assert batch.quality.rows_skipped == 2
    assert batch.quality.rows_encoded == 1


def test_bad_required_values_are_listed_by_row_and_field_without_the_value():
    batch = encode([PEOPLE[0], ["3171014501800001", "Siti", "31-02-1980", "P"]])
    bad = batch.quality.bad_rows
    assert [(b.row, b.field) for b in bad] == [(3, "tanggal_lahir")]
    assert "31-02-1980" not in bad[0].reason


@pytest.mark.parametrize(
    ("change", "bits"),
    [
        ({"b": ("balance = false", "balance = true")}, 2048),
        ({"f": ("xor_fold = false", "xor_fold = true")}, 512),
        ({"r": ("rule90 = false", "rule90 = true")}, 1024),
        ({"e": ("blip_epsilon = 0.0", "blip_epsilon = 3.0")}, 1024),
    ],
)
def test_hardening_steps_apply(change, bits):
    schema = schema_with(**change)
    plain, hardened = encode(PEOPLE), encode(PEOPLE, schema=schema)
    assert hardened.records["filter"].shape[1] * 64 == bits
    assert np.array_equal(hardened.records, encode(PEOPLE, schema=schema).records)
    if bits == 1024:
        assert not np.array_equal(plain.records["filter"], hardened.records["filter"])


def test_salting_by_birth_year_separates_cohorts():
    schema = schema_with(s=('kind = "name"\n', 'kind = "name"\nsalt_with = "birth_year"\n'))
    rows = [["", "Sutrisno", "01-02-1960", "L"], ["", "Sutrisno", "01-02-1961", "L"]]
    salted, plain = encode(rows, schema=schema), encode(rows)
    assert dice(*salted.records["filter"]) < dice(*plain.records["filter"])


def test_exact_birthdate_tokeniser_takes_the_per_value_path():
    schema = schema_with(d=('tokeniser = { kind = "date" }', 'tokeniser = { kind = "exact" }'))
    rows = [["", "Budi", "05-01-1980", "L"], ["", "Budi", "1980-01-05", "L"],
            ["", "Budi", "06-01-1980", "L"]]
    f = encode(rows, schema=schema).records["filter"]
    assert dice(f[0], f[1]) == 1.0  # the same day written two ways
    by_parts = encode(rows).records["filter"]  # the default date tokeniser
    # a one-day difference loses the whole exact token, but only the day token of the parts
    assert dice(f[0], f[2]) < dice(by_parts[0], by_parts[2])


def test_a_nik_that_lost_its_16th_digit_in_excel_gives_no_identity_token():
    """Two neighbours born the same day whose serials end in 1 and 2 both read ...0010 from an
    Excel number cell: sharing a made-up NIK must not make them one person."""
    zeroed = SheetInt(3171014501800010)
    rows = [[zeroed, "Siti Aminah", "05-01-1980", "P"],
            [zeroed, "Sri Wahyuni", "05-01-1980", "P"],
            ["3171014501800011", "Siti Aminah", "05-01-1980", "P"]]
    batch = encode(rows)
    r = batch.records
    assert r["identity"][0] == r["identity"][1] == 0 and r["identity"][2] != 0
    assert not r["flags"][0] & FLAG_NIK_VALID
    # the 15 digits it kept still count in the filter, so the same person stays close
    assert dice(r["filter"][0], r["filter"][2]) > 0.9
    assert batch.quality.notes["nik"]["excel-lost-digit"] == 2
    assert batch.quality.to_dict()["nik_excel_lost_digit"] == 2
