"""Shared fixtures: small synthetic encodings written with the real encoding-file writer."""

from __future__ import annotations

import numpy as np
import pytest

from padan.encoder.encoding_file import open_encoding_file
from padan.linker.synthetic import synthetic_pair


def random_filters(rng: np.random.Generator, rows: int, bits: int, fill: float = 0.35
                   ) -> np.ndarray:
    words = (bits + 63) // 64
    dense = rng.random((rows, words * 64)) < fill
    dense[:, bits:] = False   # unused high bits are zero
    return np.packbits(dense, axis=1, bitorder="little").view(np.uint64).reshape(rows, words)


def noisy_copies(rng: np.random.Generator, filters: np.ndarray, flip: float = 0.05
                 ) -> np.ndarray:
    bits = filters.shape[1] * 64
    noise = random_filters(rng, len(filters), bits, flip)
    return filters ^ noise


@pytest.fixture(scope="session")
def pair(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pair")
    made = synthetic_pair(folder, 1500, 1200, 600, seed=11)
    return made, open_encoding_file(made.left), open_encoding_file(made.right)
