import csv
import json
import re
import stat

import numpy as np
import pytest
from encoder_samples import HEADER, PEOPLE, SECRET, write_csv

from padan.encoder.encoding_file import open_encoding_file
from padan.encoder.errors import InputError, InputFileError
from padan.encoder.pipeline import encode_file
from padan.encoder.pseudo_ids import pseudo_id_texts
from padan.encoder.record_encoder import RecordEncoder


def many_people(count):
    rows = []
    for i in range(count):
        person = PEOPLE[i % len(PEOPLE)]
        serial = f"{i + 1:04d}"[-4:]
        rows.append([person[0][:12] + serial, f"{person[1]} {chr(97 + i % 26)}{i}", person[2],
                     person[3]])
    return rows


def read_id_map(path):
    with open(path, newline="") as handle:
        return {int(r["row"]): r["pseudo_id"] for r in csv.DictReader(handle)}


def test_encode_file_writes_shuffled_records_with_random_ids_and_local_map(tmp_path, schema):
    rows = many_people(300)
    source = write_csv(tmp_path / "list.csv", rows)
    summary = encode_file(source, schema, SECRET, tmp_path / "list.padan", workers=1)
    encoded = open_encoding_file(summary.output)
    assert summary.records == len(encoded) == 300
    assert encoded.header.schema_fingerprint == schema.fingerprint
    assert stat.S_IMODE(summary.id_map.stat().st_mode) == 0o600
    id_map = read_id_map(summary.id_map)
    assert sorted(id_map) == list(range(2, 302))
    assert len(set(id_map.values())) == 300
    # every record in the file is the encoding of the row the map says
    expected = RecordEncoder(schema, SECRET).encode(
        {"nik": [r[0] for r in rows], "nama": [r[1] for r in rows],
         "tanggal_lahir": [r[2] for r in rows], "jenis_kelamin": [r[3] for r in rows]},
        np.arange(2, 302))
    by_pid = {pid: i for i, pid in enumerate(pseudo_id_texts(encoded.records["pseudo_id"]))}
    positions = [by_pid[id_map[row]] for row in range(2, 302)]
    assert np.array_equal(encoded.records["filter"][positions], expected.records["filter"])
    assert positions != sorted(positions)  # shuffled
    quality = json.loads(summary.quality_path.read_text())
    assert quality["rows_encoded"] == 300
    assert "Siti" not in summary.quality_path.read_text()


def test_process_pool_gives_the_same_encodings(tmp_path, schema):
    source = write_csv(tmp_path / "list.csv", many_people(500))

    def filters_by_row(workers):
        out = tmp_path / f"w{workers}.padan"
        summary = encode_file(source, schema, SECRET, out, workers=workers, batch_rows=100)
        encoded = open_encoding_file(out)
        index = {pid: i for i, pid in enumerate(pseudo_id_texts(encoded.records["pseudo_id"]))}
        return np.stack([encoded.records["filter"][index[pid]]
                         for _, pid in sorted(read_id_map(summary.id_map).items())])

    assert np.array_equal(filters_by_row(1), filters_by_row(2))


def test_strict_stops_at_first_bad_row_and_writes_nothing(tmp_path, schema):
    rows = [*PEOPLE, ["3171014501800001", "Siti", "31-02-1980", "P"], *PEOPLE]
    source = write_csv(tmp_path / "list.csv", rows)
    with pytest.raises(InputError) as info:
        encode_file(source, schema, SECRET, tmp_path / "out.padan", strict=True, workers=1)
    assert info.value.row == 7 and info.value.field == "tanggal_lahir"
    assert "31-02-1980" not in str(info.value)
    assert str(info.value).startswith("row 7, field 'tanggal_lahir'")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["list.csv"]
    # without --strict the bad row is listed and the run goes on
    summary = encode_file(source, schema, SECRET, tmp_path / "out.padan", workers=1)
    assert summary.quality.bad_rows_total == 1 and summary.records == 11


def test_header_only_and_no_usable_record_are_refused(tmp_path, schema):
    empty = write_csv(tmp_path / "empty.csv", [])
    with pytest.raises(InputFileError, match="no records"):
        encode_file(empty, schema, SECRET, tmp_path / "e.padan", workers=1)
    useless = write_csv(tmp_path / "useless.csv", [["-", "", "", "L"]] * 3)
    with pytest.raises(InputFileError, match="no record has a usable"):
        encode_file(useless, schema, SECRET, tmp_path / "u.padan", workers=1)
    assert not (tmp_path / "e.padan").exists() and not (tmp_path / "u.padan").exists()


def test_unmappable_columns_list_what_was_found(tmp_path, schema):
    source = write_csv(tmp_path / "x.csv", PEOPLE, header=["A", "B", "C", "D"])
    with pytest.raises(InputFileError) as info:
        encode_file(source, schema, SECRET, tmp_path / "x.padan", workers=1)
    message = str(info.value)
    assert "field 'nama'" in message and "'A', 'B', 'C', 'D'" in message
    assert "nama_lengkap" in message  # an alias tried
    summary = encode_file(source, schema, SECRET, tmp_path / "x.padan", workers=1,
                          overrides={"nama": "B", "tanggal_lahir": "C", "nik": "A",
                                     "jenis_kelamin": "D"})
    assert summary.records == len(PEOPLE)


def test_ragged_rows_are_counted_as_bad_rows(tmp_path, schema):
    path = tmp_path / "ragged.csv"
    path.write_text(",".join(HEADER) + "\n" + ",".join(PEOPLE[2]) + "\n1,2\n"
                    + ",".join(PEOPLE[1]) + "\n")
    summary = encode_file(path, schema, SECRET, tmp_path / "r.padan", workers=1)
    assert summary.records == 2
    assert [b.row for b in summary.quality.bad_rows] == [3]


def test_the_id_map_writes_pseudo_ids_in_the_one_text_form(tmp_path, schema):
    """'p' + 16 hex digits, as the results files and the API write them: Excel keeps it as
    text, and the two files join as text."""
    source = write_csv(tmp_path / "list.csv", many_people(50))
    summary = encode_file(source, schema, SECRET, tmp_path / "list.padan", workers=1)
    written = sorted(read_id_map(summary.id_map).values())
    assert all(re.fullmatch(r"p[0-9a-f]{16}", text) for text in written)
    in_file = open_encoding_file(summary.output).records["pseudo_id"]
    assert written == sorted(pseudo_id_texts(in_file))


def test_default_workers_use_every_core_only_for_large_lists(tmp_path, monkeypatch):
    import os

    from padan.encoder import pipeline

    small = write_csv(tmp_path / "small.csv", PEOPLE)
    assert pipeline.default_workers(small) == 1
    assert pipeline.default_workers(tmp_path / "absent.csv") == 1
    monkeypatch.setattr(pipeline, "POOL_MIN_BYTES", 10)
    assert pipeline.default_workers(small) == (os.cpu_count() or 1)


def test_malformed_rows_and_rows_with_an_invalid_field_are_counted_apart(tmp_path, schema):
    """A malformed row is skipped; a row with an invalid field is still encoded from its other
    fields. Each row counts once, however many of its fields are invalid."""
    path = tmp_path / "mixed.csv"
    path.write_text(",".join(HEADER) + "\n" + ",".join(PEOPLE[2]) + "\n1,2\n"
                    + "3171014501800001,12345,31-02-1980,P\n" + ",".join(PEOPLE[1]) + "\n")
    summary = encode_file(path, schema, SECRET, tmp_path / "m.padan", workers=1)
    quality = summary.quality
    assert summary.records == 3
    assert (quality.rows_malformed, quality.rows_with_invalid_field) == (1, 1)
    assert quality.bad_rows_total == 3   # the listing: the malformed row, then two fields
    data = quality.to_dict()
    assert (data["rows_malformed"], data["rows_with_invalid_field"]) == (1, 1)
