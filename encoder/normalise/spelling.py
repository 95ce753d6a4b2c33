"""Old Indonesian spelling (van Ophuijsen 1901, Soewandi 1947) to today's (EYD 1972), per word.

oe -> u, dj -> j, tj -> c, nj -> ny, sj -> sy, ch -> kh; and the old j, which was the sound y,
-> y, but only in a name that shows old-spelling evidence (oe, dj, tj or sj): "Tjahjono" ->
"cahyono", "Noer Hajati" -> "nur hayati", while "Joko" and "Janti" stay (docs/normalisation.md).
"""

from __future__ import annotations

from padan.encoder.normalise.name_words import VARIANTS

_NEW_J = "\x00"  # stands for the j that came from dj while old j's become y


def modernise(word: str) -> str:
    """Old spelling fixes of one lowercase word, applied until nothing changes (idempotent)."""
    while True:
        fixed = _modernise_once(word)
        if fixed == word:
            return word
        word = fixed


def has_old_spelling(word: str) -> bool:
    """Spellings that only the old systems wrote; nj and ch occur in today's names too."""
    return "oe" in word or "dj" in word or "tj" in word or "sj" in word


def old_j_to_y(word: str) -> str:
    """The old j of a word without evidence of its own, in a name that has some."""
    return word.replace("j", "y")


def _modernise_once(word: str) -> str:
    evidence = has_old_spelling(word)
    fixed = word.replace("oe", "u")
    fixed = fixed.replace("dj", _NEW_J).replace("tj", "c").replace("sj", "sy")
    fixed = fixed.replace("nj", "ny").replace("ch", "kh")
    if evidence:
        fixed = fixed.replace("j", "y")
    return fixed.replace(_NEW_J, "j")


# Keys in both their written and their modernised form, so lookups after `modernise` match.
_VARIANTS = {**VARIANTS, **{modernise(key): value for key, value in VARIANTS.items()}}


def canonical_word(word: str) -> tuple[str, str]:
    """(today's spelling of one lowercase word, "old-spelling" / "variant" / "")."""
    modern = modernise(word)
    variant = _VARIANTS.get(modern)
    if variant is not None and variant != word:
        return variant, "variant" if modern == word else "old-spelling"
    return modern, "" if modern == word else "old-spelling"
