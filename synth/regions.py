"""Provinces as data: NIK codes, population weights, administrative units and naming traditions.

Codes are Kemendagri's (the ones in NIKs, not BPS's). Populations are Dukcapil's December 2024
figures in millions, rounded; the numbers of regencies (kabupaten, codes 01–69) and cities (kota,
codes 71–99) are close to the current ones. The mix of naming traditions per province is a coarse
estimate that only has to put Batak marga in Sumatera Utara and Balinese birth-order names in Bali.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Naming traditions, the index of each in the arrays below.
TRADITIONS = ("javanese", "sundanese", "malay", "batak", "minang", "bugis", "balinese",
              "chinese", "eastern")


@dataclass(frozen=True, slots=True)
class Province:
    code: int
    name: str
    population_millions: float
    regencies: int
    cities: int
    traditions: dict[str, float]  # naming tradition -> share of the province's people


PROVINCES: tuple[Province, ...] = (
    Province(11, "Aceh", 5.6, 18, 5, {"malay": 0.9, "javanese": 0.08, "batak": 0.02}),
    Province(12, "Sumatera Utara", 15.6, 25, 8,
             {"batak": 0.45, "javanese": 0.3, "malay": 0.2, "chinese": 0.05}),
    Province(13, "Sumatera Barat", 5.8, 12, 7, {"minang": 0.9, "javanese": 0.05, "batak": 0.05}),
    Province(14, "Riau", 6.7, 10, 2,
             {"malay": 0.45, "javanese": 0.25, "minang": 0.15, "batak": 0.1, "chinese": 0.05}),
    Province(15, "Jambi", 3.7, 9, 2,
             {"malay": 0.5, "javanese": 0.3, "minang": 0.1, "batak": 0.05, "chinese": 0.05}),
    Province(16, "Sumatera Selatan", 9.1, 13, 4,
             {"malay": 0.65, "javanese": 0.3, "chinese": 0.05}),
    Province(17, "Bengkulu", 2.1, 9, 1, {"malay": 0.6, "javanese": 0.3, "minang": 0.1}),
    Province(18, "Lampung", 9.1, 13, 2, {"javanese": 0.6, "malay": 0.3, "sundanese": 0.1}),
    Province(19, "Kepulauan Bangka Belitung", 1.5, 6, 1,
             {"malay": 0.65, "chinese": 0.3, "javanese": 0.05}),
    Province(21, "Kepulauan Riau", 2.2, 5, 2,
             {"malay": 0.4, "javanese": 0.2, "chinese": 0.15, "batak": 0.15, "minang": 0.1}),
    Province(31, "DKI Jakarta", 11.0, 1, 5,
             {"javanese": 0.35, "malay": 0.3, "sundanese": 0.15, "chinese": 0.08, "batak": 0.05,
              "minang": 0.04, "eastern": 0.03}),
    Province(32, "Jawa Barat", 51.3, 18, 9,
             {"sundanese": 0.75, "javanese": 0.12, "malay": 0.1, "chinese": 0.03}),
    Province(33, "Jawa Tengah", 38.4, 29, 6, {"javanese": 0.97, "chinese": 0.02, "malay": 0.01}),
    Province(34, "DI Yogyakarta", 3.8, 4, 1, {"javanese": 0.97, "chinese": 0.02, "malay": 0.01}),
    Province(35, "Jawa Timur", 41.9, 29, 9, {"javanese": 0.85, "malay": 0.13, "chinese": 0.02}),
    Province(36, "Banten", 12.9, 4, 4,
             {"sundanese": 0.5, "malay": 0.35, "javanese": 0.13, "chinese": 0.02}),
    Province(51, "Bali", 4.4, 8, 1, {"balinese": 0.85, "javanese": 0.1, "malay": 0.05}),
    Province(52, "Nusa Tenggara Barat", 5.7, 8, 2,
             {"malay": 0.85, "balinese": 0.1, "javanese": 0.05}),
    Province(53, "Nusa Tenggara Timur", 5.7, 21, 1, {"eastern": 0.9, "malay": 0.1}),
    Province(61, "Kalimantan Barat", 5.6, 12, 2,
             {"malay": 0.5, "chinese": 0.2, "eastern": 0.2, "javanese": 0.1}),
    Province(62, "Kalimantan Tengah", 2.8, 13, 1,
             {"malay": 0.45, "javanese": 0.25, "eastern": 0.25, "chinese": 0.05}),
    Province(63, "Kalimantan Selatan", 4.2, 11, 2, {"malay": 0.8, "javanese": 0.2}),
    Province(64, "Kalimantan Timur", 4.0, 7, 3,
             {"javanese": 0.35, "malay": 0.3, "bugis": 0.25, "eastern": 0.1}),
    Province(65, "Kalimantan Utara", 0.8, 4, 1,
             {"bugis": 0.3, "malay": 0.3, "eastern": 0.3, "javanese": 0.1}),
    Province(71, "Sulawesi Utara", 2.7, 11, 4, {"eastern": 0.8, "malay": 0.15, "chinese": 0.05}),
    Province(72, "Sulawesi Tengah", 3.1, 12, 1,
             {"malay": 0.4, "bugis": 0.35, "eastern": 0.2, "balinese": 0.05}),
    Province(73, "Sulawesi Selatan", 9.5, 21, 3, {"bugis": 0.85, "eastern": 0.1, "malay": 0.05}),
    Province(74, "Sulawesi Tenggara", 2.8, 15, 2, {"malay": 0.5, "bugis": 0.4, "javanese": 0.1}),
    Province(75, "Gorontalo", 1.2, 5, 1, {"malay": 0.95, "bugis": 0.05}),
    Province(76, "Sulawesi Barat", 1.5, 6, 0, {"bugis": 0.8, "malay": 0.15, "eastern": 0.05}),
    Province(81, "Maluku", 1.9, 9, 2, {"eastern": 0.6, "malay": 0.4}),
    Province(82, "Maluku Utara", 1.4, 8, 2, {"malay": 0.7, "eastern": 0.3}),
    Province(91, "Papua", 1.1, 8, 1,
             {"eastern": 0.75, "malay": 0.1, "bugis": 0.1, "javanese": 0.05}),
    Province(92, "Papua Barat", 0.6, 7, 0,
             {"eastern": 0.75, "malay": 0.1, "bugis": 0.1, "javanese": 0.05}),
    Province(93, "Papua Selatan", 0.5, 4, 0,
             {"eastern": 0.75, "malay": 0.1, "bugis": 0.1, "javanese": 0.05}),
    Province(94, "Papua Tengah", 1.4, 8, 0,
             {"eastern": 0.75, "malay": 0.1, "bugis": 0.1, "javanese": 0.05}),
    Province(95, "Papua Pegunungan", 1.4, 8, 0,
             {"eastern": 0.85, "malay": 0.05, "bugis": 0.05, "javanese": 0.05}),
    Province(96, "Papua Barat Daya", 0.6, 5, 1,
             {"eastern": 0.75, "malay": 0.1, "bugis": 0.1, "javanese": 0.05}),
)

PROVINCE_CODES = np.array([p.code for p in PROVINCES], dtype=np.int64)
PROVINCE_NAMES = {p.code: p.name for p in PROVINCES}
PROVINCE_WEIGHTS = np.array([p.population_millions for p in PROVINCES])
PROVINCE_WEIGHTS = PROVINCE_WEIGHTS / PROVINCE_WEIGHTS.sum()

# Rows: provinces in PROVINCES order; columns: TRADITIONS. Each row sums to 1.
TRADITION_MIX = np.array([[p.traditions.get(t, 0.0) for t in TRADITIONS] for p in PROVINCES])
TRADITION_MIX = TRADITION_MIX / TRADITION_MIX.sum(axis=1, keepdims=True)


def regency_codes(province: Province) -> np.ndarray:
    """The regency (01..) and city (71..) codes of a province."""
    return np.array([*range(1, province.regencies + 1), *range(71, 71 + province.cities)],
                    dtype=np.int64)


def district_count(province_code: np.ndarray, regency_code: np.ndarray) -> np.ndarray:
    """How many districts (kecamatan) a regency has: 8 to 28, fixed by its codes (no randomness,
    so the same region always has the same districts whatever the seed)."""
    return 8 + (province_code * 131 + regency_code * 17) % 21
