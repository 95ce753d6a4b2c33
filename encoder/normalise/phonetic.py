"""A Soundex-like code of a name's first word, tuned to Indonesian spelling, for blocking.

Differences from Soundex: old spelling is fixed first (Soekarno = Sukarno); the digraphs kh, sy,
ny, ng, dh, th, ph collapse to one sound (Khairul = Hairul, Syaiful = Saiful); the first letter
is kept as a sound class, so j/y (old j was y: Janti = Yanti), f/p/v (Sundanese f <-> p: Fitri =
Pitri) and all vowels (Irfan = Erfan) share one; y and w count as vowels (Supriadi = Supriyadi).
"""

from __future__ import annotations

import re

from padan.encoder.normalise.spelling import modernise

CODE_LENGTH = 4
_FIRST_WORD = re.compile(r"[a-z]+")
_DIGRAPHS = (("kh", "h"), ("sy", "s"), ("ny", "n"), ("ng", "n"), ("dh", "d"), ("th", "t"),
             ("ph", "f"), ("dz", "z"))  # fmt: skip
_FIRST_CLASS = {
    **dict.fromkeys("aeiou", "A"), **dict.fromkeys("jy", "Y"), **dict.fromkeys("fpv", "P"),
    **dict.fromkeys("kqx", "K"), **dict.fromkeys("sz", "S"),
}  # fmt: skip
_DIGIT = {
    **dict.fromkeys("bfpv", "1"), **dict.fromkeys("cj", "2"), **dict.fromkeys("gkqx", "3"),
    **dict.fromkeys("sz", "4"), **dict.fromkeys("dt", "5"), "l": "6", "m": "7", "n": "7", "r": "8",
}  # fmt: skip


def name_code(name: str) -> str:
    """Code of a normalised name's first word: class letter and three digits; "" if none."""
    match = _FIRST_WORD.search(name.lower())
    if match is None:
        return ""
    word = modernise(match.group())
    for digraph, sound in _DIGRAPHS:
        word = word.replace(digraph, sound)
    first = word[0]
    digits = []
    for char in word:
        digit = _DIGIT.get(char)
        if digit is not None and (not digits or digits[-1] != digit):
            digits.append(digit)
    if digits and first in _DIGIT:  # the first letter is already in the class letter
        digits.pop(0)
    body = "".join(digits)[: CODE_LENGTH - 1]
    return _FIRST_CLASS.get(first, first.upper()) + body.ljust(CODE_LENGTH - 1, "0")
