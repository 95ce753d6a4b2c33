"""The ways a name goes wrong, one function per kind, applied to one name at a time.

Each function returns the changed name, or None where the name offers no place for that change
(a one-word name cannot lose a word). Only the few per cent of rows picked for a kind get here,
so plain Python is fast enough.
"""

from __future__ import annotations

import functools
import random
import re
import string

# Neighbouring keys on a QWERTY keyboard: most real typos hit one of them.
_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_NEIGHBOURS = {
    ch: "".join(row[j] for j in (i - 1, i + 1) if 0 <= j < len(row))
    + "".join(other[i] for other in _ROWS if other is not row and i < len(other))
    for row in _ROWS for i, ch in enumerate(row)
}

SPELLING_VARIANTS = {
    "Muhammad": ("Muhamad", "Mohamad", "Mohammad", "Mochamad", "Mochammad", "Muhammat",
                 "Mukhamad", "Mohammed", "Muhamat", "Mohamed"),
    "Ahmad": ("Achmad", "Akhmad", "Ahmat", "Amad"),
    "Slamet": ("Selamet", "Slamat"),
    "Yusuf": ("Yusup", "Jusuf", "Joesoef"),
    "Mahmud": ("Machmud", "Mahmut"),
    "Rahmat": ("Rachmat", "Rahmad"),
    "Abdul": ("Abdoel", "Abdull"),
    "Aisyah": ("Aisah", "Aisya", "Aishah"),
    "Syamsul": ("Samsul", "Syamsu"),
    "Zulkifli": ("Julkifli", "Zulkipli"),
    "Fatimah": ("Fatima", "Patimah"),
    "Khadijah": ("Hadijah", "Kadijah"),
    "Nurhayati": ("Nurhayaty", "Nurhaiati"),
    "Siti": ("Sitti", "Sity"),
}
# Spelling rules used when no listed variant applies: (pattern, replacement).
_VARIANT_RULES = tuple((re.compile(p), r) for p, r in (
    (r"iya", "ia"), (r"ia", "iya"), (r"f", "p"), (r"p", "f"), (r"dh", "d"), (r"y$", "i"),
    (r"i$", "y"), (r"kh", "h"), (r"sy", "s"), (r"ts", "s")))

_OLD_SPELLING = (("j", "dj"), ("y", "j"), ("c", "tj"), ("u", "oe"), ("kh", "ch"))

ABBREVIATIONS = {
    "Muhammad": ("Moh.", "Moch.", "Mohd.", "Much.", "Muh.", "M.", "M"),
    "Mohammad": ("Moh.", "M."), "Mochammad": ("Moch.", "M."),
    "Abdul": ("Abd.", "Abd"), "Achmad": ("Ach.", "A."), "Ahmad": ("A.", "Ahm."),
    "Siti": ("St.", "St"), "Nurul": ("Nrl.",),
}

NICKNAMES = {
    "Muhammad": ("Mamat", "Memed"), "Hidayat": ("Dayat",), "Slamet": ("Mamet",),
    "Supriyanto": ("Anto", "Pri"), "Komarudin": ("Komar",), "Rahmat": ("Amat",),
    "Ahmad": ("Amat", "Mamad"), "Yohanes": ("Anis", "Yohan"), "Fransiskus": ("Frans",),
    "Agustinus": ("Agus",), "Elisabeth": ("Elis", "Lisa"), "Margaretha": ("Greta", "Etha"),
    "Kurniawan": ("Awan",), "Setiawan": ("Wawan",), "Hermawan": ("Wawan",), "Gunawan": ("Igun",),
    "Nurhayati": ("Yati", "Nur"), "Wahyuni": ("Yuni",), "Rahmawati": ("Wati",),
    "Yuliani": ("Yuli",), "Kartini": ("Tini",), "Suryani": ("Yani",), "Hartono": ("Tono",),
    "Sutrisno": ("Tris", "Trisno"), "Wahyudi": ("Yudi",), "Bambang": ("Bams",),
    "Abdullah": ("Dulah",), "Fatimah": ("Imah",), "Sumiati": ("Umi", "Atik"),
}

PREFIX_TITLES_MALE = ("H.", "H", "Drs.", "Ir.", "Dr.", "dr.", "Bpk.", "Bapak", "Tn.", "Sdr.",
                      "KH.", "Ust.", "Pdt.", "Bp.")
PREFIX_TITLES_FEMALE = ("Hj.", "Hj", "Dra.", "Ibu", "Ny.", "Nn.", "Sdri.", "dr.", "Ir.", "Bu")
DEGREES = ("S.Pd.", "S.E.", "S.H.", "S.Kom.", "S.T.", "S.Sos.", "S.Ag.", "A.Md.", "M.M.",
           "M.Pd.", "S.Pd.I.", "S.K.M.", "SE", "SPd", "S.Si.", "M.Si.", "S.Kep.", "A.Md.Keb.",
           "S.P.", "S.I.P.", "M.Kes.", "SH")


def _changes(step):
    """Make a step return None, not the same name, where its change would be invisible."""

    @functools.wraps(step)
    def wrapper(rnd: random.Random, name: str, **context) -> str | None:
        changed = step(rnd, name, **context)
        return None if changed == name else changed

    return wrapper


def _restore_case(original: str, changed: str) -> str:
    return changed[:1].upper() + changed[1:] if original[:1].isupper() else changed


@_changes
def typo(rnd: random.Random, name: str) -> str | None:
    """One keyboard slip: insert, delete, substitute or transpose a letter."""
    letters = [i for i, ch in enumerate(name) if ch.isalpha()]
    if len(letters) < 3:
        return None
    i = rnd.choice(letters[1:])  # the first letter is rarely mistyped
    ch = name[i].lower()
    near = _NEIGHBOURS.get(ch) or string.ascii_lowercase
    operation = rnd.randrange(4)
    if operation == 0:
        changed = name[:i] + rnd.choice(near) + name[i:]
    elif operation == 1:
        changed = name[:i] + name[i + 1:]
    elif operation == 2:
        changed = name[:i] + rnd.choice(near) + name[i + 1:]
    elif i + 1 < len(name) and name[i + 1].isalpha():
        changed = name[:i] + name[i + 1] + name[i] + name[i + 2:]
    elif i >= 2 and name[i - 1].isalpha():
        changed = name[:i - 1] + name[i] + name[i - 1] + name[i + 1:]
    else:  # no neighbour to swap with but the first letter: substitute instead
        changed = name[:i] + rnd.choice(near) + name[i + 1:]
    return changed if changed != name else None


@_changes
def old_spelling(rnd: random.Random, name: str) -> str | None:
    """Spell one word the pre-1972 way: u->oe, j->dj, y->j, c->tj, kh->ch (Joko -> Djoko)."""
    words = name.split(" ")
    candidates = [i for i, w in enumerate(words)
                  if any(new in w.lower() for new, _ in _OLD_SPELLING)]
    if not candidates:
        return None
    i = rnd.choice(candidates)
    word = words[i].lower()
    for new, old in _OLD_SPELLING:  # j first, so a y turned into j is not turned into dj
        word = word.replace(new, old)
    words[i] = _restore_case(words[i], word)
    return " ".join(words)


@_changes
def variant(rnd: random.Random, name: str) -> str | None:
    """A spelling variant: Muhammad -> Mochammad, Supriyanto -> Suprianto, Arif -> Arip."""
    words = name.split(" ")
    listed = [i for i, w in enumerate(words) if w in SPELLING_VARIANTS]
    if listed:
        i = rnd.choice(listed)
        words[i] = rnd.choice(SPELLING_VARIANTS[words[i]])
        return " ".join(words)
    order = list(range(len(words)))
    rnd.shuffle(order)
    for i in order:
        head, tail = words[i][:1], words[i][1:].lower()
        rules = [rule for rule in _VARIANT_RULES if rule[0].search(tail)]
        if rules:
            pattern, replacement = rnd.choice(rules)
            words[i] = head + pattern.sub(replacement, tail, count=1)
            return " ".join(words)
    return None


@_changes
def abbreviation(rnd: random.Random, name: str) -> str | None:
    """Muhammad -> Moh., Abdul -> Abd., Siti -> St.; else a later word cut to its initial."""
    words = name.split(" ")
    listed = [i for i, w in enumerate(words) if w in ABBREVIATIONS]
    if listed:
        i = rnd.choice(listed)
        words[i] = rnd.choice(ABBREVIATIONS[words[i]])
        return " ".join(words)
    if len(words) < 2:
        return None
    i = rnd.randrange(1, len(words))
    words[i] = words[i][0] + "."
    return " ".join(words)


@_changes
def title(rnd: random.Random, name: str, *, female: bool, age: int) -> str | None:
    """A title or salutation before (H., Hj., Drs., Ibu) or a degree after (S.Pd., SE)."""
    if age < 18:
        return None
    if age >= 22 and rnd.random() < 0.45:
        separator = rnd.choice((", ", " ", ","))
        return name + separator + rnd.choice(DEGREES)
    prefixes = PREFIX_TITLES_FEMALE if female else PREFIX_TITLES_MALE
    return rnd.choice(prefixes) + " " + name


@_changes
def token_drop(rnd: random.Random, name: str) -> str | None:
    """Leave out one word of a name of two or more."""
    words = name.split(" ")
    if len(words) < 2:
        return None
    del words[rnd.randrange(len(words))]
    return " ".join(words)


@_changes
def token_merge(rnd: random.Random, name: str) -> str | None:
    """Write two words as one (Sri Wahyuni -> Sriwahyuni) or, for one word, split it after a
    common first part (Nurhayati -> Nur Hayati)."""
    words = name.split(" ")
    if len(words) >= 2:
        i = rnd.randrange(len(words) - 1)
        words[i:i + 2] = [words[i] + words[i + 1].lower()]
        return " ".join(words)
    match = re.match(r"(Nur|Sri|Abdul|Su|Sul|Rah|Har|Pur|Mar|Kar)([a-z]{3,})$", name)
    return f"{match.group(1)} {match.group(2).capitalize()}" if match else None


@_changes
def token_swap(rnd: random.Random, name: str) -> str | None:
    """Put the last word first (the clan or family name first, as some forms ask)."""
    words = name.split(" ")
    if len(words) < 2:
        return None
    return " ".join([words[-1], *words[:-1]])


@_changes
def nickname(rnd: random.Random, name: str) -> str | None:
    """The everyday short form of one word (Hidayat -> Dayat, Sumarni -> Marni)."""
    words = name.split(" ")
    listed = [i for i, w in enumerate(words) if w in NICKNAMES]
    if listed:
        i = rnd.choice(listed)
        words[i] = rnd.choice(NICKNAMES[words[i]])
        return " ".join(words)
    for i, word in enumerate(words):
        if re.match(r"Su[a-z]{4,}$", word):  # Javanese: drop the Su- prefix
            words[i] = word[2:].capitalize()
            return " ".join(words)
    return None


@_changes
def spacing(rnd: random.Random, name: str) -> str | None:
    """Stray spaces or punctuation: a double space, a trailing space or dot, a hyphen."""
    choice = rnd.randrange(4)
    if choice == 0 and " " in name:
        return name.replace(" ", "  ", 1)
    if choice == 1:
        return " " + name if rnd.random() < 0.5 else name + " "
    if choice == 2:
        return name + rnd.choice((".", ",", " -"))
    return name.replace(" ", "-", 1) if " " in name else name + " "
