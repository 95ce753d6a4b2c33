import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from padan.encoder.encoding_file import (
    EncodingFileError,
    new_header,
    new_records,
    open_encoding_file,
    read_header,
    record_dtype,
    write_encoding_file,
)


def make(path, count=10, bits=1024, keys=2, seed=0):
    rng = np.random.default_rng(seed)
    records = new_records(count, (bits + 63) // 64, keys)
    records["pseudo_id"] = rng.integers(1, 2**63, count, dtype=np.uint64)
    records["filter"] = rng.integers(0, 2**63, records["filter"].shape, dtype=np.uint64)
    records["blocks"] = rng.integers(0, 2**63, records["blocks"].shape, dtype=np.uint64)
    records["identity"] = rng.integers(0, 2**63, count, dtype=np.uint64)
    records["stratum"] = rng.integers(0, 2**16, count, dtype=np.uint16)
    records["flags"] = rng.integers(0, 2**16, count, dtype=np.uint16)
    header = new_header(project_id="p", schema_fingerprint="f" * 64, key_check="k" * 32,
                        filter_bits=bits, record_count=count,
                        blocking_keys=[f"b{i}" for i in range(keys)], stratum=None)
    write_encoding_file(path, header, records)
    return records


@settings(max_examples=25, deadline=None)
@given(count=st.integers(0, 50), words=st.integers(1, 128), keys=st.integers(0, 4),
       seed=st.integers(0, 2**32 - 1))
def test_round_trip(tmp_path_factory, count, words, keys, seed):
    path = tmp_path_factory.mktemp("rt") / "x.padan"
    records = make(path, count, words * 64, keys, seed)
    opened = open_encoding_file(path)
    assert opened.header.record_count == count
    assert np.array_equal(opened.records, records)
    assert len(opened) == count


def test_record_layout_is_8_byte_aligned():
    for words in (1, 16, 32, 128):
        for keys in range(4):
            dtype = record_dtype(words, keys)
            assert dtype.itemsize == 24 + 8 * keys + 8 * words
            assert dtype.fields["filter"][1] % 8 == 0


def test_every_byte_of_a_record_is_a_field_so_a_gather_moves_it():
    """NumPy copies structured records field by field: a byte no field covers came out of a
    gather (`records[order]`, as the shuffle and the delta file do) holding whatever memory
    held before, and went into the uploaded file."""
    for words, keys in ((16, 2), (88, 3), (1, 0)):
        dtype = record_dtype(words, keys)
        covered = sum(dtype.fields[name][0].itemsize for name in dtype.names)
        assert covered == dtype.itemsize
        records = new_records(500, words, keys)
        records.view(np.uint8)[:] = 0xAB
        order = np.random.default_rng(words).permutation(500)
        for gathered in (records[order], np.array(records[order]), records.take(order)):
            assert np.all(gathered.view(np.uint8) == 0xAB)


def test_an_encoded_list_has_zero_reserved_bytes(tmp_path):
    from padan.encoder.default_schema import default_schema
    from padan.encoder.pipeline import encode_file

    rows = ["nik,nama,tgl_lahir"] + [f"31710101019{i:05d},Siti Aminah {i},1990-01-01"
                                     for i in range(3000)]
    (tmp_path / "list.csv").write_text("\n".join(rows) + "\n")
    encode_file(tmp_path / "list.csv", default_schema("p"), b"k" * 32, tmp_path / "x.padan")
    records = open_encoding_file(tmp_path / "x.padan").records
    assert len(records) == 3000 and not records["reserved"].any()


def test_reader_memory_maps_without_copying(tmp_path):
    make(tmp_path / "x.padan", 100)
    opened = open_encoding_file(tmp_path / "x.padan")
    assert isinstance(opened.records, np.memmap)
    assert np.shares_memory(opened.filters, opened.records)
    assert not opened.records.flags.writeable


@pytest.mark.parametrize(("count", "keys"), [(0, 2), (1, 0), (70_000, 3)])
def test_small_fields_are_copies_read_together(tmp_path, count, keys):
    records = make(tmp_path / "x.padan", count, keys=keys)
    opened = open_encoding_file(tmp_path / "x.padan")
    for name in ("pseudo_id", "identity", "stratum", "flags", "blocks"):
        got = opened.record_field(name)
        assert got.dtype == records.dtype[name].base and got.flags.c_contiguous
        assert np.array_equal(got, records[name]) and np.array_equal(got, opened.records[name])
        assert not np.shares_memory(got, opened.records)   # not a view of the mapped file
        assert opened.record_field(name) is got            # read once, then kept


def test_truncated_file_refused(tmp_path):
    path = tmp_path / "x.padan"
    make(path, 20)
    data = path.read_bytes()
    path.write_bytes(data[:-100])
    with pytest.raises(EncodingFileError, match="truncated") as info:
        open_encoding_file(path)
    assert str(path) in str(info.value)
    path.write_bytes(data[:40])
    with pytest.raises(EncodingFileError, match="truncated"):
        open_encoding_file(path)


def test_flipped_bit_fails_checksum(tmp_path):
    path = tmp_path / "x.padan"
    make(path, 20)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 1
    path.write_bytes(bytes(data))
    with pytest.raises(EncodingFileError, match="checksum"):
        open_encoding_file(path)
    open_encoding_file(path, verify=False)  # structure is still readable


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 a zip file", b"NIK,NAMA\n1,2\n"])
def test_foreign_file_refused(tmp_path, content):
    path = tmp_path / "x.padan"
    path.write_bytes(content)
    with pytest.raises(EncodingFileError, match="not a padan encoding file"):
        open_encoding_file(path)


def test_unknown_version_and_corrupted_header(tmp_path):
    path = tmp_path / "x.padan"
    make(path, 3)
    data = bytearray(path.read_bytes())
    data[8] = 9
    path.write_bytes(bytes(data))
    with pytest.raises(EncodingFileError, match="version 9 is not supported"):
        read_header(path)
    data[8] = 1   # the first format: refused, saying what to do
    path.write_bytes(bytes(data))
    with pytest.raises(EncodingFileError, match=r"version 1 is not supported \(this padan "
                       r"reads version 2\).*re-encode"):
        read_header(path)
    data[8] = 2
    data[33] = ord("!")  # inside the JSON header
    path.write_bytes(bytes(data))
    with pytest.raises(EncodingFileError, match="corrupted header"):
        read_header(path)


def test_missing_file(tmp_path):
    with pytest.raises(EncodingFileError, match="not found"):
        open_encoding_file(tmp_path / "absent.padan")


def test_writer_refuses_wrong_count_and_leaves_no_partial_file(tmp_path):
    path = tmp_path / "x.padan"
    header = new_header(project_id="p", schema_fingerprint="f" * 64, key_check="k" * 32,
                        filter_bits=64, record_count=5, blocking_keys=[], stratum=None)
    with pytest.raises(ValueError, match="header says 5"):
        write_encoding_file(path, header, new_records(4, 1, 0))
    assert list(tmp_path.iterdir()) == []
