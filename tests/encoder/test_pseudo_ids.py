"""Pseudo-ids in one text form that survives a spreadsheet and joins as text."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from padan.encoder.pseudo_ids import (
    parse_pseudo_id,
    pseudo_id_text,
    pseudo_id_texts,
    random_pseudo_ids,
)

u64 = st.integers(0, 2**64 - 1)


@given(st.lists(u64, max_size=20))
def test_text_form_round_trips_and_is_one_form_vectorised_or_not(values):
    texts = pseudo_id_texts(np.array(values, dtype=np.uint64))
    assert texts == [pseudo_id_text(v) for v in values]
    assert [parse_pseudo_id(t) for t in texts] == values


@given(u64)
def test_a_spreadsheet_reads_it_as_text(value):
    """A letter first: neither a number nor scientific notation (Excel keeps 15 digits)."""
    text = pseudo_id_text(value)
    assert len(text) == 17 and text[0] == "p" and text == text.lower()
    with pytest.raises(ValueError):
        float(text)


def test_an_all_digit_id_keeps_every_digit():
    text = pseudo_id_text(0x1234567890123456)
    assert text == "p1234567890123456" and parse_pseudo_id(text) == 0x1234567890123456


def test_old_forms_parse_only_where_the_reader_says_which():
    value = 0x00000000000000FF
    assert parse_pseudo_id("00000000000000ff", legacy="hex") == value
    assert parse_pseudo_id("255", legacy="decimal") == value
    for text, legacy in (("00000000000000ff", None), ("255", None), ("255", "hex"),
                         ("p00ff", None), (str(2**64), "decimal"), ("pXXXXXXXXXXXXXXXX", None)):
        with pytest.raises(ValueError) as refused:
            parse_pseudo_id(text, legacy=legacy)
        assert text not in str(refused.value)


def test_random_pseudo_ids_are_unique_and_nonzero():
    ids = random_pseudo_ids(10_000)
    assert ids.dtype == np.uint64 and len(set(ids.tolist())) == 10_000 and not (ids == 0).any()
