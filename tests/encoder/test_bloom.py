import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from padan.encoder.bloom import (
    TokenFilterCache,
    popcount,
    positions_to_filter,
    token_positions,
    words_for,
)
from padan.encoder.keys import derive_key

KEY = derive_key(bytes(range(32)), "kat", "field:nama")


def test_known_answer_positions():
    # Pinned: agencies on different machines must set identical bits.
    assert token_positions(KEY, "_b", 10, 1024).tolist() == [
        968, 173, 526, 946, 315, 552, 765, 985, 849, 95]
    assert token_positions(KEY, "bu", 20, 1000).tolist() == [
        985, 247, 373, 546, 74, 856, 301, 452, 98, 321,
        314, 231, 564, 182, 128, 12, 896, 153, 461, 425]


def test_positions_depend_on_key_and_token():
    other = derive_key(bytes(32), "kat", "field:nama")
    a = set(token_positions(KEY, "_b", 16, 1024).tolist())
    assert a != set(token_positions(other, "_b", 16, 1024).tolist())
    assert a != set(token_positions(KEY, "_c", 16, 1024).tolist())


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(0, 4095), max_size=200), st.sampled_from([64, 100, 1024, 4096]))
def test_positions_to_filter_sets_exactly_those_bits(positions, bits):
    positions = [p % bits for p in positions]
    packed = positions_to_filter(np.array(positions, dtype=np.uint32), bits)
    assert packed.shape == (words_for(bits),)
    set_bits = {w * 64 + b for w in range(len(packed)) for b in range(64)
                if int(packed[w]) >> b & 1}
    assert set_bits == set(positions)
    assert popcount(packed[None, :])[0] == len(set(positions))


def test_cache_returns_union_of_token_filters():
    cache = TokenFilterCache(KEY, 10, 1024)
    union = cache.tokens(["_b", "bu", "u_"])
    expected = positions_to_filter(np.concatenate(
        [token_positions(KEY, t, 10, 1024) for t in ["_b", "bu", "u_"]]), 1024)
    assert np.array_equal(union, expected)
    assert np.array_equal(cache.tokens([]), np.zeros(16, dtype=np.uint64))
