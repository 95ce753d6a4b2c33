"""Tokenisers of the other field kinds."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from padan.encoder.normalise import normalise_address, normalise_kk, normalise_place
from padan.encoder.schema import (
    AddressTokeniser,
    PositionsTokeniser,
    RegionTokeniser,
)
from padan.encoder.tokens import (
    address_tokens,
    field_tokens,
    number_tokens,
    position_tokens,
    region_tokens,
)


def test_address_tokens_leave_markers_out_and_keep_units_whole():
    tokens = address_tokens("jl merdeka no 5 kel gambir rt 3 rw 2")
    assert {"rt:3", "rw:2", "no:5"} <= tokens
    assert "_j" not in tokens and "jl" not in tokens          # the marker word is left out
    assert {"_m", "me", "ka", "a_", "_g", "ir", "r_"} <= tokens
    assert address_tokens("merdeka 5") == (address_tokens("merdeka") | {"#:5"})


def test_abbreviated_and_full_addresses_tokenise_alike():
    a = normalise_address("Jl. Merdeka No. 5 RT 003/RW 002").value
    b = normalise_address("Jalan Merdeka nomor 5, RT.3/RW.2").value
    assert address_tokens(a) == address_tokens(b)


def test_positions():
    assert position_tokens("3171") == ["0:3", "1:1", "2:7", "3:1"]
    assert position_tokens(None) == []
    damaged = normalise_kk(3171010203150010.0)      # Excel kept 15 digits
    assert field_tokens(PositionsTokeniser(), damaged) == position_tokens("317101020315001")


@given(st.floats(min_value=-1e6, max_value=1e6), st.floats(min_value=0.01, max_value=1000))
def test_close_numbers_share_a_token(value, step):
    near = value + step * 0.49
    assert set(number_tokens(value, step)) & set(number_tokens(near, step))
    assert len(number_tokens(value, step)) == 2


def test_far_numbers_share_none():
    assert not set(number_tokens(100, 10)) & set(number_tokens(130, 10))


@pytest.mark.parametrize(("left", "right", "shared"), [
    ("KAB. BANDUNG", "Kab Bandung", 2), ("KAB. BANDUNG", "KOTA BANDUNG", 1),
    ("KAB. BANDUNG", "BANDUNG", 1), ("Medan", "MEDAN", 1), ("Medan", "Padang", 0),
])
def test_region_tokens(left, right, shared):
    a, b = (field_tokens(RegionTokeniser(), normalise_place(x)) for x in (left, right))
    assert len(set(a) & set(b)) == shared


def test_region_tokens_without_a_name():
    assert region_tokens(None, None) == []


def test_address_tokeniser_through_field_tokens():
    result = normalise_address("Gg. Mawar no5 rt3")
    assert field_tokens(AddressTokeniser(q=2), result) == sorted(address_tokens(result.value))
