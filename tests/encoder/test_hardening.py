import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from padan.encoder import hardening as h
from padan.encoder.bloom import popcount

KEY = bytes(range(32))


def random_filters(n, bits, seed=0, density=0.3):
    rng = np.random.default_rng(seed)
    bits_array = (rng.random((n, bits)) < density).astype(np.uint8)
    return h.from_bits(bits_array), bits_array


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 40), st.sampled_from([64, 100, 1000, 1024]), st.integers(0, 1000))
def test_bits_round_trip(n, bits, seed):
    packed, raw = random_filters(n, bits, seed)
    assert np.array_equal(h.to_bits(packed, bits), raw)


def test_balance_gives_constant_weight_and_is_keyed():
    packed, _ = random_filters(50, 1024)
    balanced = h.balance(packed, 1024, KEY)
    assert balanced.shape == (50, 32)
    assert (popcount(balanced) == 1024).all()
    assert np.array_equal(balanced, h.balance(packed, 1024, KEY))
    assert not np.array_equal(balanced, h.balance(packed, 1024, bytes(32)))


def test_xor_fold_halves_and_xors():
    packed, raw = random_filters(20, 1024, 3)
    folded = h.xor_fold(packed, 1024)
    assert np.array_equal(h.to_bits(folded, 512), raw[:, :512] ^ raw[:, 512:])
    with pytest.raises(ValueError, match="even"):
        h.xor_fold(packed, 1023)


def test_rule90_is_the_cyclic_neighbour_xor():
    packed, raw = random_filters(10, 1000, 4)
    out = h.to_bits(h.rule90(packed, 1000), 1000)
    for i in (0, 1, 500, 999):
        assert (out[:, i] == raw[:, (i - 1) % 1000] ^ raw[:, (i + 1) % 1000]).all()


def test_blip_flips_about_the_expected_share_deterministically():
    packed, raw = random_filters(200, 1024, 5)
    epsilon = 2.0
    flipped = h.blip(packed, 1024, KEY, epsilon)
    share = (h.to_bits(flipped, 1024) != raw).mean()
    assert abs(share - h.flip_probability(epsilon)) < 0.01
    assert np.array_equal(flipped, h.blip(packed, 1024, KEY, epsilon))
    # equal inputs get equal noise; different keys different noise
    twins = np.repeat(packed[:1], 2, axis=0)
    noisy = h.blip(twins, 1024, KEY, epsilon)
    assert np.array_equal(noisy[0], noisy[1])
    assert not np.array_equal(noisy, h.blip(twins, 1024, bytes(32), epsilon))


def test_hardening_keeps_similar_filters_closer_than_unrelated():
    packed, raw = random_filters(2, 1024, 6)
    near = raw.copy()
    near[0, :40] ^= 1  # a small change of record 0
    near_packed = h.from_bits(near)

    def dice(a, b):
        inter = popcount(a & b)
        return 2 * inter / (popcount(a) + popcount(b))

    for step in (lambda f: h.balance(f, 1024, KEY), lambda f: h.rule90(f, 1024),
                 lambda f: h.xor_fold(f, 1024)):
        a, b = step(packed), step(near_packed)
        assert dice(a[:1], b[:1])[0] > dice(a[:1], a[1:])[0]
