"""Alamat: street, house number, RT/RW and the village's words, in one spelling.

"Jl. Merdeka No. 5 RT 003/RW 002, Kel. Gambir" -> "jl merdeka no 5 kel gambir rt 3 rw 2":
abbreviations take one form (Jalan, Jln. -> jl; Gang -> gg; Kampung -> kp; Dusun -> dsn;
Nomor -> no ...), old spellings today's, and the RT and RW (neighbourhood units, often written
zero-padded, "003/002") move to the end as "rt N rw N" so that the tokeniser makes them tokens of
their own (INDONESIA.md, "Alamat"). Rules and notes: docs/normalisation.md, "Addresses".
"""

from __future__ import annotations

import re

from padan.encoder.normalise.generic import invalid, text_cell, text_words
from padan.encoder.normalise.result import FieldResult, Status
from padan.encoder.normalise.spelling import modernise
from padan.encoder.normalise.text import fold_ascii, is_dummy

# One form per marker word; the tokeniser leaves markers out, so "Jl. Merdeka" and "Merdeka"
# compare equal.
MARKERS = {
    **dict.fromkeys(("jalan", "jln", "jl", "jaln"), "jl"),
    **dict.fromkeys(("gang", "gg"), "gg"),
    **dict.fromkeys(("kampung", "kamp", "kp", "kmp", "kampong"), "kp"),
    **dict.fromkeys(("dusun", "dsn", "dus"), "dsn"),
    **dict.fromkeys(("perumahan", "perum", "prm"), "perum"),
    **dict.fromkeys(("komplek", "kompleks", "komp", "kompl"), "komp"),
    **dict.fromkeys(("blok", "blk"), "blok"),
    **dict.fromkeys(("nomor", "nomer", "nmr", "no", "nom"), "no"),
    **dict.fromkeys(("kelurahan", "kel", "kelur"), "kel"),
    **dict.fromkeys(("desa", "ds"), "desa"),
    **dict.fromkeys(("kecamatan", "kec", "kcm"), "kec"),
    **dict.fromkeys(("kabupaten", "kab"), "kab"),
    **dict.fromkeys(("lingkungan", "lingk", "link", "lkg"), "lingk"),
}  # fmt: skip
MARKER_FORMS = frozenset(MARKERS.values())

_N = r"(\d{1,3})(?!\d)"
# "RT/RW 003/002", "RT.RW 3-2"
_RT_RW_PAIR = re.compile(r"\brt\s*[/.\\]?\s*rw\b\W*" + _N + r"\s*[/\-.\\ ]\s*" + _N)
# "RT 003/RW 002", "RT.003 RW.002", "RT 03/02", "rt003rw002", "RT 3"
_RT = re.compile(r"\brt\W{0,3}" + _N + r"(?:\s*(?:[/\-\\]\s*|,?\s*)(?:rw\W{0,3})?" + _N + r")?")
_RW = re.compile(r"\brw\W{0,3}" + _N)
_GLUED = re.compile(r"^(no|blok|blk|gg|nomor|nmr)([0-9]+[a-z]?)$")
_MAX_PASSES = 4

# Per-word cache of a word's one form (and whether its spelling or an abbreviation changed):
# markers, streets and villages repeat across a list. Bounded, and emptied by clear_caches()
# so that no address words outlive a run (STYLE.md, "Kernels").
_WORD_FORMS: dict[str, tuple[str, bool, bool]] = {}
_WORD_FORMS_LIMIT = 200_000


def normalise_address(raw: object) -> FieldResult:
    """One alamat cell, to marker words in one form and "rt N rw N" at the end."""
    raw = text_cell(raw)
    if isinstance(raw, FieldResult):
        return raw
    notes: list[str] = []
    text = fold_ascii(raw).lower()
    for _ in range(_MAX_PASSES):   # until nothing changes, so the value reads back unchanged
        value = _one_pass(text, notes)
        if value == text:
            break
        text = value
    if not value:
        return invalid("no-text")
    if is_dummy(value):
        return invalid("dummy")
    note = ",".join(dict.fromkeys(notes))
    # RT/RW moved and unpadded is a way of writing, not a repair (like a place's KAB. prefix)
    repaired = any(n != "rt-rw" for n in notes)
    return FieldResult(value, Status.REPAIRED if repaired else Status.VALID, note)


def _one_pass(text: str, notes: list[str]) -> str:
    rt = rw = None
    if "rt" in text:   # every RT pattern starts with it
        if (pair := _RT_RW_PAIR.search(text)) is not None:
            rt, rw = int(pair.group(1)), int(pair.group(2))
            text = _RT_RW_PAIR.sub(" ", text)
        for match in _RT.finditer(text):
            rt = rt if rt is not None else int(match.group(1))
            if match.group(2) is not None:
                rw = rw if rw is not None else int(match.group(2))
        text = _RT.sub(" ", text)
    if "rw" in text:
        for match in _RW.finditer(text):
            rw = rw if rw is not None else int(match.group(1))
        text = _RW.sub(" ", text)
    words: list[str] = []
    for word in text_words(text)[0].split():
        glued = None if word.isalpha() or word.isdigit() else _GLUED.match(word)
        words.extend(glued.groups() if glued else (word,))
    out = []
    for word in words:
        if word.isalpha():
            word, old_spelling, abbreviation = _word_form(word)
            if old_spelling:
                notes.append("old-spelling")
            if abbreviation:
                notes.append("abbreviation")
        out.append(word)
    if rt or rw:
        notes.append("rt-rw")
    out.extend(f"rt {rt}".split() if rt else ())
    out.extend(f"rw {rw}".split() if rw else ())
    return " ".join(out)


def _word_form(word: str) -> tuple[str, bool, bool]:
    """A letters-only word's one form, whether its spelling was old and whether it was an
    abbreviation of a marker."""
    found = _WORD_FORMS.get(word)
    if found is None:
        modern = modernise(word)
        form = MARKERS.get(modern, modern)
        found = (form, modern != word, form != modern)
        if len(_WORD_FORMS) >= _WORD_FORMS_LIMIT:
            _WORD_FORMS.clear()
        _WORD_FORMS[word] = found
    return found


def clear_caches() -> None:
    """Forget the address words seen so far; the pipeline calls it at the end of a run."""
    _WORD_FORMS.clear()
