"""The batch path of the salted segments (segment_kernel.py) against the per-record reference
(segments.py): equal bits on random input, and whole encodings equal over dirty records for the
default schema and for one with fields of the other kinds and plain bits_per_token segments."""

import numpy as np
import pytest
from encoder_samples import SECRET
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_fields_encoding import EXTRA_FIELDS, OWN_SEGMENTS

import padan.encoder.record_encoder as record_encoder
import padan.encoder.segment_kernel as segment_kernel
from padan.encoder.default_schema import default_schema, default_schema_text
from padan.encoder.record_encoder import RecordEncoder
from padan.encoder.schema import parse_schema
from padan.encoder.segment_kernel import segment_filters
from padan.encoder.segments import FieldTokens, SaltedPositions, segment_filters_reference

token = st.one_of(st.sampled_from([b"_b", b"bu", b"0:3", b"y1980", b""]),
                  st.text(max_size=4).map(str.encode), st.binary(max_size=6))


@st.composite
def segment_input(draw):
    n = draw(st.integers(0, 24))
    pool = draw(st.lists(st.integers(0, 2**64 - 1), min_size=1, max_size=4))
    salts = np.array(draw(st.lists(st.sampled_from([0, *pool]), min_size=n, max_size=n)),
                     dtype=np.uint64)
    segment_bits = draw(st.sampled_from([64, 100, 512, 1024]))
    fields = []
    for number in range(draw(st.integers(1, 3))):
        lists = draw(st.lists(st.lists(token, max_size=20), min_size=1, max_size=6))
        index = np.array(draw(st.lists(st.integers(0, len(lists) - 1), min_size=n, max_size=n)),
                         dtype=np.intp)
        positions = SaltedPositions(bytes([number]) * 32, draw(st.integers(1, 40)), segment_bits)
        fields.append(FieldTokens(positions, lists, index))
    record_bits = draw(st.one_of(st.none(), st.integers(1, 1200)))
    return salts, fields, segment_bits, record_bits


@settings(max_examples=300, deadline=None)
@given(segment_input())
def test_the_batch_path_sets_the_reference_bits(case):
    salts, fields, segment_bits, record_bits = case
    expected = segment_filters_reference(salts, fields, segment_bits, record_bits)
    for numba_from in (0, 10**9):   # the numba kernel, and numpy for small batches
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(segment_kernel, "NUMBA_MIN_ITEMS", numba_from)
            got = segment_filters(salts, fields, segment_bits, record_bits)
        assert got.dtype == expected.dtype and got.shape == expected.shape
        assert np.array_equal(got, expected)


def test_a_shared_salt_is_hashed_once_and_sets_the_same_bits():
    positions = SaltedPositions(b"k" * 32, 10, 1024)
    salts = np.array([7, 7, 0, 9], dtype=np.uint64)
    field = FieldTokens(positions, [[b"_s", b"si", b"it"], [b"_s"]], np.array([0, 0, 0, 1]))
    got = segment_filters(salts, [field], 1024, 256)
    assert np.array_equal(got, segment_filters_reference(salts, [field], 1024, 256))
    assert np.array_equal(got[0], got[1]) and not got[2].any() and got[3].any()


DIRTY_NIK = st.one_of(
    st.sampled_from(["3171014501800001", "3173020505790002", "'3578031207650003",
                     "5171044312900004", "3.17101450180000E+15", "317101450180000", "BELUM ADA",
                     "", "0000000000000000", "3171 0145 0180 0001", None]),
    st.text(max_size=18))
DIRTY_NAME = st.one_of(
    st.sampled_from(["Hj. Siti Nurhaliza, S.Pd.", "SITI NURHALIZA", "Moh. Djoko Tjahjono",
                     "Slamet", "Ni Luh Putu Ayu Lestari", "Muhammad", "-", "", "  ", "Ñoño Café",
                     "محمد", "李", "a", None]),
    st.text(max_size=30))
DIRTY_DATE = st.one_of(
    st.sampled_from(["05-01-1980", "5 Januari 1980", "1980-01-05", "01-07-1975", "31/12/1960",
                     "1 Jul 1975", "29-02-2001", "00-00-0000", "", None, "kemarin"]),
    st.text(max_size=12))
DIRTY_SEX = st.sampled_from(["L", "P", "laki-laki", "PEREMPUAN", "", "x", None, "Ⓛ"])
DIRTY_EXTRA = st.one_of(st.sampled_from(["", None, "-", "Jakarta", "3171010203150007",
                                         "1.500.000", "Jl. Merdeka No. 5 RT 003/RW 002"]),
                        st.text(max_size=20))
EXTRA_NAMES = ("tempat_lahir", "alamat", "nama_ibu", "no_kk", "kabupaten", "penghasilan")

SCHEMAS = {
    "default": default_schema("test"),
    "other kinds, plain bits": parse_schema(default_schema_text("test", other_fields=False).replace(
        "record_bits = 256\n", "") + EXTRA_FIELDS + OWN_SEGMENTS),
}


@pytest.mark.parametrize("schema_name", list(SCHEMAS))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(DIRTY_NIK, DIRTY_NAME, DIRTY_DATE, DIRTY_SEX,
                               st.lists(DIRTY_EXTRA, min_size=6, max_size=6)), max_size=40),
       repeat=st.integers(1, 3))
def test_whole_encodings_equal_the_reference_path(schema_name, rows, repeat):
    rows = rows * repeat    # repeated records share salts and tokens
    columns = {"nik": [r[0] for r in rows], "nama": [r[1] for r in rows],
               "tanggal_lahir": [r[2] for r in rows], "jenis_kelamin": [r[3] for r in rows]}
    for number, name in enumerate(EXTRA_NAMES):
        columns[name] = [r[4][number] for r in rows]
    schema = SCHEMAS[schema_name]
    fast = RecordEncoder(schema, SECRET).encode(columns, np.arange(len(rows)))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(record_encoder, "segment_filters", segment_filters_reference)
        reference = RecordEncoder(schema, SECRET).encode(columns, np.arange(len(rows)))
    assert fast.records.tobytes() == reference.records.tobytes()
    assert np.array_equal(fast.rows, reference.rows)
