"""Place names for the synthetic population: regencies and cities, districts, villages, streets.

Regencies and cities of Java, Bali and Nusa Tenggara Barat carry their real names (the code table
the encoder ships, padan.encoder.normalise.place_codes; the synthetic codes there are the real
ones: same counts per province). Elsewhere, and for every district, village and street, names
are made up from Indonesian place-name parts (Sukamaju, Karang Anyar, Tanjung Sari), fixed by the
code so the same region always has the same name whatever the seed.
"""

from __future__ import annotations

import zlib

import numpy as np

from padan.encoder.normalise.place_codes import REGENCIES

_STARTS = (
    "suka", "karang", "tanjung", "sumber", "banjar", "mekar", "cipta", "sido", "pasir", "bukit",
    "kebon", "sri", "tegal", "wono", "kali", "sungai", "batu", "air", "koto", "lubuk", "pulau",
    "muara", "jati", "rejo", "mulyo", "ngawi", "pandan", "candi", "talang", "teluk", "padang",
    "simpang", "dadap", "gunung", "rawa", "ciawi", "cibodas", "cikarang", "tambak", "lebak",
)  # fmt: skip
_ENDS = (
    "maju", "anyar", "sari", "jaya", "makmur", "rejo", "mulya", "asri", "indah", "baru", "harjo",
    "agung", "raya", "tengah", "kidul", "lor", "wetan", "kulon", "utara", "selatan", "timur",
    "barat", "mukti", "rahayu", "luhur", "tani", "manis", "permai", "lestari", "kencana",
)  # fmt: skip
_STREETS = (
    "Merdeka", "Sudirman", "Diponegoro", "Gatot Subroto", "Ahmad Yani", "Pahlawan", "Veteran",
    "Kartini", "Imam Bonjol", "Hasanuddin", "Gajah Mada", "Hayam Wuruk", "Pemuda", "Siliwangi",
    "Pattimura", "Cut Nyak Dien", "Teuku Umar", "Sisingamangaraja", "Dewi Sartika", "Mawar",
    "Melati", "Anggrek", "Kenanga", "Flamboyan", "Cempaka", "Dahlia", "Kamboja", "Nusantara",
    "Raya Bogor", "Pasar Baru", "Stasiun", "Masjid", "Kebon Jeruk", "Cendrawasih", "Rajawali",
    "Garuda", "Kutilang", "Merpati", "Nangka", "Rambutan", "Durian", "Manggis", "Salak", "Kelapa",
    "Bambu", "Jati", "Beringin", "Sawo", "Mangga", "Pisang",
)  # fmt: skip
# How streets are named on a village's addresses: a street (Jalan), an alley (Gang), a hamlet
# (Dusun) or a kampung; and how often.
STREET_KINDS = ("Jl.", "Gg.", "Dusun", "Kp.")
STREET_KIND_SHARES = (0.55, 0.2, 0.15, 0.1)


def _made_up(code: int, salt: str) -> str:
    """A place name fixed by the code: two parts, written as one word or two."""
    h = zlib.crc32(f"{salt}:{code}".encode())
    start, end = _STARTS[h % len(_STARTS)], _ENDS[(h // 64) % len(_ENDS)]
    return (f"{start}{end}" if (h >> 12) % 3 else f"{start} {end}").title()


_REAL = {code: name for name, codes in REGENCIES.items() for code in codes}


def regency_name(province: int, regency: int) -> str:
    """'KOTA BANDUNG', 'KAB. SUKAMAJU': as Dukcapil writes a regency (KAB.) or city (KOTA)."""
    code = province * 100 + regency
    name = _REAL.get(f"{code:04d}") or _made_up(code, "regency").lower()
    return f"{'KOTA' if regency >= 71 else 'KAB.'} {name.upper()}"


def district_name(region6: int) -> str:
    return _made_up(region6, "district")


def village_name(region6: int, village: int) -> str:
    return _made_up(region6 * 100 + village, "village")


_STREET_NAMES = np.array(_STREETS, dtype=object)


def street_names(key: np.ndarray) -> np.ndarray:
    """The street of each (region, village, street number) key, fixed by the key: a
    multiplicative hash in numpy (millions of rows; no Python per row)."""
    mixed = (key.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(40)
    return _STREET_NAMES[(mixed % np.uint64(len(_STREETS))).astype(np.intp)]


def names_of(codes: np.ndarray, make) -> np.ndarray:
    """make(code) for each code, computed once per distinct code (object array)."""
    unique, inverse = np.unique(codes, return_inverse=True)
    return np.array([make(int(c)) for c in unique.tolist()], dtype=object)[inverse.ravel()]
