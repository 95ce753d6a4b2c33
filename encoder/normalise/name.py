"""Nama: case, accents, punctuation, titles, degrees, old spelling, abbreviations, prefixes.

The value is a comparison key (lowercase ASCII words, one space apart), not a display form.
Rules, decisions and notes: docs/normalisation.md.
"""

from __future__ import annotations

import numbers
import re

from padan.encoder.normalise.name_words import (
    ABBREVIATION_AT_END_KEPT,
    ABBREVIATIONS,
    BALINESE_PREFIXES,
    BARE_DEGREES,
    DEGREES,
    DIPLOMA_MAX_LENGTH,
    DIPLOMA_PREFIX,
    PATRONYMIC_MARKERS,
    TITLES,
)
from padan.encoder.normalise.result import NameResult, Status
from padan.encoder.normalise.spelling import (
    canonical_word,
    has_old_spelling,
    modernise,
    old_j_to_y,
)
from padan.encoder.normalise.text import DUMMY_TEXTS, fold_ascii, is_dummy, is_missing

# The order notes are listed in; every one of them means "changed beyond case and punctuation".
NOTE_ORDER = (
    "titles", "degrees", "prefix", "patronymic", "abbreviation", "old-spelling", "variant",
    "digits", "non-latin",
)  # fmt: skip

_CLEAN = re.compile(r"[A-Za-z]+(?: [A-Za-z]+)*")  # the fast path: letters and single spaces
_APOSTROPHES = re.compile(r"['\"]")  # Ma'ruf -> maruf: one word, not two
_NOT_LETTERS = re.compile(r"[^a-z]+")
_DIGITS = re.compile(r"[0-9]")
_LETTERS_ONLY = re.compile(r"[^a-z]")

# Word lists in the form they take after the old-spelling fixes ("iboe" is "ibu").
_TITLES = frozenset(modernise(word) for word in TITLES)
_BARE_DEGREES = frozenset(modernise(word) for word in BARE_DEGREES)
_ABBREVIATIONS = {modernise(word): full for word, full in ABBREVIATIONS.items()}
_PREFIXES = tuple(tuple(modernise(word) for word in prefix) for prefix in BALINESE_PREFIXES)
_PREFIX_STARTS = frozenset(prefix[0] for prefix in _PREFIXES)
_LEADING = _TITLES | _PREFIX_STARTS
_PATRONYMIC = frozenset(modernise(word) for word in PATRONYMIC_MARKERS)

# Per-word cache of canonical_word: words repeat endlessly across a list. Bounded, and emptied
# by clear_caches() so that no name words outlive a run (STYLE.md, "Kernels").
_WORD_CACHE: dict[str, tuple[str, str]] = {}
_WORD_CACHE_LIMIT = 200_000


def normalise_name(raw: object) -> NameResult:
    """One nama cell of any reader's type, to lowercase ASCII words."""
    if type(raw) is str and _CLEAN.fullmatch(raw):
        return _finish(raw.lower().split(" "), [])
    if isinstance(raw, str):
        return _from_text(raw)
    if isinstance(raw, bool):
        return _invalid("wrong-type")
    if is_missing(raw):
        return NameResult(None, Status.MISSING, "")
    if isinstance(raw, numbers.Number):
        return _invalid("no-letters")
    if isinstance(raw, bytes):
        return _from_text(raw.decode("utf-8", "replace"))
    return _invalid("wrong-type")


def clear_caches() -> None:
    """Forget the name words seen so far; the pipeline calls it at the end of a run."""
    _WORD_CACHE.clear()


def _from_text(raw: str) -> NameResult:
    if not raw.strip():
        return NameResult(None, Status.MISSING, "")
    if is_dummy(raw):
        return _invalid("dummy")
    notes: list[str] = []
    text = fold_ascii(raw)
    if not raw.isascii() and _lost_letters(raw):
        notes.append("non-latin")
    if _DIGITS.search(text):
        text = _DIGITS.sub(" ", text)
        notes.append("digits")
    text = _APOSTROPHES.sub("", text.lower())
    head, _, tail = text.partition(",")
    tokens = head.split()
    for segment in tail.split(",") if tail else ():
        if _is_degree(segment, after_comma=True):
            notes.append("degrees")
        else:  # not a degree after all ("SIREGAR, BUDI"): part of the name
            tokens.extend(segment.split())
    tokens = _strip_dotted_degrees(tokens, notes)
    words = [word for token in tokens for word in _NOT_LETTERS.split(token) if word]
    if not words:
        return _invalid("non-latin" if "non-latin" in notes else "no-letters")
    return _finish(words, notes)


def _finish(words: list[str], notes: list[str]) -> NameResult:
    """The word-level rules, shared by the fast and the slow path (so both agree)."""
    canonical = []
    for word in words:
        found = _WORD_CACHE.get(word)
        if found is None:
            if len(_WORD_CACHE) >= _WORD_CACHE_LIMIT:
                _WORD_CACHE.clear()
            found = _WORD_CACHE[word] = canonical_word(word)
        canonical.append(found[0])
        if found[1]:
            notes.append(found[1])
    raw_words = words
    words = _strip_leading(canonical, notes) if canonical[0] in _LEADING else canonical
    if not words:
        return _invalid("only-titles")
    if "old-spelling" in notes and any(map(has_old_spelling, raw_words)):
        # The name is written in old spelling: the j of its other words was the old y too.
        offset = len(raw_words) - len(words)
        for index, word in enumerate(words):
            if "j" in word and not has_old_spelling(raw_words[index + offset]):
                words[index] = canonical_word(old_j_to_y(word))[0]
    if len(words) > 2 and not _PATRONYMIC.isdisjoint(words):
        words = _cut_patronymic(words, notes)
    while len(words) > 1 and words[-1] in _BARE_DEGREES:
        words.pop()
        notes.append("degrees")
    if not _ABBREVIATIONS.keys().isdisjoint(words):
        _expand_abbreviations(words, notes)
    value = " ".join(words)
    if value in DUMMY_TEXTS:
        return _invalid("dummy")
    if not notes:
        return NameResult(value, Status.VALID, "")
    return NameResult(value, Status.REPAIRED, ",".join(n for n in NOTE_ORDER if n in notes))


def _strip_leading(words: list[str], notes: list[str]) -> list[str]:
    """Titles, and Balinese prefixes followed by a name, in any order and number."""
    start = 0
    while start < len(words):
        if words[start] in _TITLES:
            start += 1
            notes.append("titles")
            continue
        for prefix in _PREFIXES:
            end = start + len(prefix)
            if end < len(words) and tuple(words[start:end]) == prefix:
                start = end
                notes.append("prefix")
                break
        else:
            break
    return words[start:]


def _expand_abbreviations(words: list[str], notes: list[str]) -> None:
    last = len(words) - 1
    for index, word in enumerate(words):
        full = _ABBREVIATIONS.get(word)
        if full is not None and not (index == last and word in ABBREVIATION_AT_END_KEPT):
            words[index] = full
            notes.append("abbreviation")


def _cut_patronymic(words: list[str], notes: list[str]) -> list[str]:
    for index in range(1, len(words) - 1):
        if words[index] in _PATRONYMIC:
            notes.append("patronymic")
            return words[:index]
    return words


def _strip_dotted_degrees(tokens: list[str], notes: list[str]) -> list[str]:
    """Degrees at the end written with dots, possibly spaced ("S.Pd.", "S. Pd", "M.Kes.")."""
    while len(tokens) > 1:
        for size in (3, 2, 1):
            group = tokens[-size:]
            dotted = any("." in token for token in group)
            if size < len(tokens) and dotted and _is_degree("".join(group), after_comma=True):
                del tokens[-size:]
                notes.append("degrees")
                break
        else:
            return tokens
    return tokens


def _is_degree(text: str, *, after_comma: bool) -> bool:
    compact = _LETTERS_ONLY.sub("", text.lower())
    if compact in DEGREES if after_comma else compact in BARE_DEGREES:
        return True
    return compact.startswith(DIPLOMA_PREFIX) and len(compact) <= DIPLOMA_MAX_LENGTH


def _lost_letters(raw: str) -> bool:
    """Did folding to ASCII drop letters (Arabic, Chinese, Javanese script ...)?"""
    return any(char.isalpha() and not fold_ascii(char).strip() for char in raw)


def _invalid(note: str) -> NameResult:
    return NameResult(None, Status.INVALID, note)
