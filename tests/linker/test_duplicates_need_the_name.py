"""No duplicate within one list without the name: segments of other fields (the default's
address, the birthplace and the mother's name, each salted with the birthdate) must not make
twins of one household duplicates because their address agrees. Across lists those segments
still count (the match model reads them); an incremental run does as a full one."""

from __future__ import annotations

import numpy as np
from test_incremental import assert_same_result

from padan.encoder.default_schema import default_schema
from padan.evaluation.labelled import encode_labelled
from padan.linker.blocking import makes_pairs, plan_passes
from padan.linker.engine import LinkParameters, link
from padan.linker.incremental import update

SCHEMA = default_schema("evaluation")   # the address and origin segments of their own
SECRET = bytes(range(32))
# Twins of one household in list A: one birthdate, birthplace, mother and address, two names.
# B holds the first twin, spelled alike.
TWINS = {"nama": ["Ahmad Fauzi", "Siti Aminah"], "nik": ["", ""]}
OTHER = {"nama": ["Ahmad Fauzi"], "nik": [""]}


def _party(name: str, people: dict) -> object:
    count = len(people["nama"])
    columns = {**people, "tanggal_lahir": ["01-02-1987"] * count,
               "jenis_kelamin": ["L", "P"][:count], "tempat_lahir": ["Kab. Bogor"] * count,
               "alamat": ["Kp. Beringin No. 87 RT 006 RW 001"] * count,
               "nama_ibu": ["Eneng Eti"] * count, "no_kk": ["3201021801153861"] * count}
    return encode_labelled(name, columns, np.arange(count), SCHEMA, SECRET).party()


def test_only_segments_holding_the_name_make_duplicates():
    # the default's address and origin segments share the name's salt: no pass of their own
    passes = {p.name: p.holds_name for p in plan_passes(
        ("identity", "keys"), SCHEMA_KEYS, 0, HEADER.segments)}
    assert passes == {"segment:nama_lahir": True, "segment:nama_nik": True,
                      "segment:nama_kk": True}
    # the family card's pass compares a household's members across lists, never within one
    default = {p.name: p for p in plan_passes(("identity", "keys"), SCHEMA_KEYS, 0,
                                              HEADER.segments)}
    assert makes_pairs(default["segment:nama_kk"], 0, 1)
    assert not makes_pairs(default["segment:nama_kk"], 0, 0)
    assert makes_pairs(default["segment:nama_lahir"], 0, 0)
    assert makes_pairs(default["segment:nama_nik"], 0, 0)
    # salted with a key of its own (a postcode), a segment without the name has a pass, which
    # makes pairs across lists and no duplicates
    postcode = [s.model_copy(update={"salt": "kodepos"}) if s.name == "alamat_lahir" else s
                for s in HEADER.segments]
    planned = {p.name: p for p in plan_passes(("identity", "keys"), [*SCHEMA_KEYS, "kodepos"],
                                              0, postcode)}
    assert planned["segment:alamat_lahir"].holds_name is False
    assert "segment:asal_lahir" not in planned
    assert not makes_pairs(planned["segment:alamat_lahir"], 0, 0)
    assert makes_pairs(planned["segment:alamat_lahir"], 0, 1)


def test_twins_with_one_address_are_not_duplicates_and_incremental_agrees():
    parties = [_party("A", TWINS), _party("B", OTHER)]
    full = link(parties, LinkParameters(scoring="dice"))
    assert len(full.duplicates.pseudo_id) == 0            # the address alone made them one
    assert len(full.groups.pseudo_id) == 2                 # Ahmad Fauzi in A and in B
    assert_same_result(update(None, parties, LinkParameters(scoring="dice")).result, full)


HEADER = _party("H", OTHER).encodings.header
SCHEMA_KEYS = HEADER.blocking_keys
