"""Word lists for names (INDONESIA.md, "Names"). Lowercase, without dots or spaces.

Titles and prefixes are compared after old-spelling fixes (name.py builds those forms), so
"Iboe" is a title like "Ibu".
"""

from __future__ import annotations

# Before the name: religious, academic and professional titles, salutations, "the late".
# Not "Sri", "Siti", "Andi", "Raden", "Bagus" or "Dewa": these are given names as well.
TITLES = frozenset(
    {
        "h", "hj", "haji", "hajjah", "hajah", "kh", "kyai", "kiai", "ust", "ustad", "ustadz",
        "ustaz", "ustadzah", "ustazah", "ustadah",
        "dr", "drg", "drh", "drs", "dra", "ir", "prof", "ns", "apt",
        "bapak", "bpk", "bp", "pak", "ibu", "bu", "tn", "tuan", "ny", "nyonya", "nn", "nona",
        "sdr", "sdri", "sdra", "saudara", "saudari", "pdt", "pendeta",
        "alm", "almh", "almarhum", "almarhumah",
    }
)  # fmt: skip

# After the name: academic degrees as written without dots and spaces (S.Pd. -> spd).
# Recognised after a comma, or when written with dots, or when they end the name (see BARE).
DEGREES = frozenset(
    {
        # sarjana (S1) and applied (D4) degrees
        "sag", "sak", "sap", "sds", "se", "sei", "sfarm", "sfil", "sgz", "sh", "shi", "shum",
        "shut", "sikom", "sip", "sked", "skeb", "skep", "skes", "skg", "skh", "skm", "skom",
        "smat", "sp", "spd", "spdi", "spdsd", "spi", "spsi", "spt", "ss", "ssi", "ssit", "ssn",
        "ssos", "sstat", "sstp", "ssy", "st", "sth", "sthi", "stp", "str", "strkeb", "strkep",
        "strkes", "strpar", "stt",
        # magister (S2)
        "ma", "mag", "mak", "map", "mba", "me", "mfarm", "mh", "mhum", "mkeb", "mkep", "mkes",
        "mkm", "mkn", "mkom", "mm", "mpa", "mpd", "mpdi", "mph", "msc", "msi", "msn", "mt",
        # specialists, doctorates, foreign degrees
        "spa", "span", "spb", "spbs", "spf", "spgk", "spjp", "spkj", "spkk", "spm", "spn",
        "spog", "spot", "spp", "sppa", "sppd", "sppk", "sprad", "sps", "sptht", "spthtkl",
        "spu", "phd", "lc", "ba", "bsc", "dipl", "amd", "amk",
        # "the late", written after the name as often as before it
        "alm", "almh", "almarhum", "almarhumah",
    }
)  # fmt: skip

# Degrees recognised at the end of a name even without dots or a comma ("BUDI SANTOSO SPD"):
# only forms that are not plausible last words of a name ("ma", "ba", "me" are left out).
BARE_DEGREES = DEGREES - {"ma", "ba", "me", "sei", "sak", "sap", "map", "mag", "sds", "spa"}

# Diploma degrees: A.Md. followed by an optional field (A.Md.Keb., A.Md.Kep., A.Md.Kom. ...).
DIPLOMA_PREFIX = "amd"
DIPLOMA_MAX_LENGTH = 8

# Abbreviations written for a given name (INDONESIA.md): expanded wherever they stand, except a
# lone "m" at the end of a name, which is more often the initial of some other name.
ABBREVIATIONS = {
    **dict.fromkeys(
        ("m", "moh", "mohd", "moch", "mochd", "much", "muh", "muhd", "mhd"), "muhammad"
    ),
    "abd": "abdul",
    "ach": "ahmad",
    "st": "siti",
}
ABBREVIATION_AT_END_KEPT = frozenset({"m"})

# Spelling variants of very frequent names, written in any spelling: name.py passes the keys
# through the old-spelling fixes first, so "mochamad" and its fixed form "mokhamad" both match.
VARIANTS = {
    **dict.fromkeys(
        (
            "muhamad", "mohamad", "mohammad", "mochamad", "mochammad", "moehammad", "moehamad",
            "mukhamad", "mukhammad", "muchamad", "muchammad", "mohammed", "muhammed", "mohamed",
            "muhamed", "mochamat", "muhamat", "muhammat", "mohamat", "mohammat", "muhhammad",
        ),
        "muhammad",
    ),
    **dict.fromkeys(
        ("achmad", "akhmad", "achmat", "akhmat", "ahmat", "achmed", "ahmed", "akhmed"), "ahmad"
    ),
    **dict.fromkeys(("machmud", "makhmud", "mahmoed", "machmoed"), "mahmud"),
    **dict.fromkeys(("jusuf", "yusup", "jusup", "yoesoef", "joesoef", "yusof"), "yusuf"),
    **dict.fromkeys(("rachmat", "rakhmat"), "rahmat"),
    **dict.fromkeys(("rachman", "rakhman"), "rahman"),
    **dict.fromkeys(("rachmawati", "rakhmawati"), "rahmawati"),
    "selamet": "slamet",
    "sitti": "siti",
}  # fmt: skip

# Patronymic markers: "Ahmad bin Hasan". What follows is the father's name, which lists include
# or leave out at random, so it is dropped together with the marker.
PATRONYMIC_MARKERS = frozenset({"bin", "binti", "bte", "bint"})

# Balinese gender prefixes and caste titles, dropped when they lead a name and a name follows
# (INDONESIA.md, "Balinese"). Longest first. Birth-order names (Wayan, Made, Nyoman, Ketut ...)
# are kept: they are part of the registered name and tell siblings apart.
BALINESE_PREFIXES: tuple[tuple[str, ...], ...] = tuple(
    sorted(
        (
            ("i", "gusti", "ngurah"), ("i", "gusti", "agung"), ("i", "gusti", "ayu"),
            ("i", "gusti", "bagus"), ("i", "gusti"), ("i", "gst"), ("gusti", "ngurah"),
            ("gusti", "ayu"), ("gusti", "agung"), ("gst",), ("ida", "bagus"), ("ida", "ayu"),
            ("ib",), ("anak", "agung", "ngurah"), ("anak", "agung", "istri"),
            ("anak", "agung", "ayu"), ("anak", "agung"), ("cokorda", "istri"), ("cokorda",),
            ("tjokorda",), ("cok",), ("desak", "ayu"), ("desak",), ("dewa", "ayu"),
            ("ni", "luh"), ("ni",), ("luh",), ("i",),
        ),
        key=len,
        reverse=True,
    )
)  # fmt: skip
