"""FEBRL4's address columns feed fields of the other kinds that name them."""

from pathlib import Path

from padan.encoder.schema import load_schema
from padan.evaluation.datasets import febrl_columns, febrl_schema

ROOT = Path(__file__).resolve().parents[2]


class FakeFrame(dict):
    """Enough of a pandas frame for febrl_columns: columns by name and an index."""

    def __init__(self, index, **columns):
        super().__init__(columns)
        self.index = index


def test_febrl_address_columns_feed_fields_that_name_them():
    schema = load_schema(ROOT / "docs" / "schemas" / "febrl4-fields.toml")
    reduced = febrl_schema(schema)
    assert [f.name for f in reduced.fields] == ["nama", "tanggal_lahir", "alamat", "suburb",
                                                "postcode", "state", "soc_sec_id"]
    # the card number stays the identity, the postcode key and its segments stay
    assert reduced.identity_field == "soc_sec_id"
    assert [b.name for b in reduced.blocking] == ["lahir", "pos"]
    assert [s.name for s in reduced.segments] == ["nama_lahir", "lain_lahir", "nama_nomor",
                                                  "lain_nomor", "nama_pos", "lain_pos"]
    frame = FakeFrame(["rec-1-org", "rec-1-dup-0"], given_name=["a", "a"], surname=["b", "b"],
                      date_of_birth=["19151111", "19151111"], street_number=["8", None],
                      address_1=["stanley street", "stanley st"], address_2=["miami", None],
                      suburb=["winston hills", "winston hils"], postcode=["4223", "4223"],
                      state=["nsw", "nsw"], soc_sec_id=["5304218", "5304218"])
    columns, entity = febrl_columns(frame, reduced)
    assert entity == [1, 1]
    assert columns["alamat"] == ["8 stanley street miami", "stanley st"]
    assert columns["suburb"] == ["winston hills", "winston hils"]
    assert columns["postcode"] == ["4223", "4223"] and columns["state"] == ["nsw", "nsw"]
    assert columns["soc_sec_id"] == ["5304218", "5304218"]
