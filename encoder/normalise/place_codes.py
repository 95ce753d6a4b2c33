"""Kemendagri codes of provinces and of the regencies (kabupaten) and cities (kota) of Java,
Bali and Nusa Tenggara Barat: the table that ships with padan.

Province codes: Kemendagri 2025, as in NIKs (INDONESIA.md, "NIK"). Regency and city codes: the
first four digits of a NIK and of a Kemendagri kode wilayah ("32.04" = Kab. Bandung), not the
BPS codes, which differ in most provinces (DKI Jakarta: Kemendagri 31.71 is Jakarta Pusat, BPS
3171 Jakarta Selatan). Shipped: DKI Jakarta, Jawa Barat, Jawa Tengah, DI Yogyakarta, Jawa Timur,
Banten, Bali and Nusa Tenggara Barat, about 60 % of the population, where the codes were checked
against two public lists (docs/normalisation.md, "Places"). Elsewhere the place keeps its name
and gets no code; an unknown name is never guessed.
"""

from __future__ import annotations

PROVINCES: dict[str, str] = {
    "aceh": "11", "sumatera utara": "12", "sumatera barat": "13", "riau": "14", "jambi": "15",
    "sumatera selatan": "16", "bengkulu": "17", "lampung": "18",
    "kepulauan bangka belitung": "19", "bangka belitung": "19", "kepulauan riau": "21",
    "dki jakarta": "31", "jakarta": "31", "jawa barat": "32", "jawa tengah": "33",
    "di yogyakarta": "34", "daerah istimewa yogyakarta": "34", "jawa timur": "35",
    "banten": "36", "bali": "51", "nusa tenggara barat": "52", "nusa tenggara timur": "53",
    "kalimantan barat": "61", "kalimantan tengah": "62", "kalimantan selatan": "63",
    "kalimantan timur": "64", "kalimantan utara": "65", "sulawesi utara": "71",
    "sulawesi tengah": "72", "sulawesi selatan": "73", "sulawesi tenggara": "74",
    "gorontalo": "75", "sulawesi barat": "76", "maluku": "81", "maluku utara": "82",
    "papua": "91", "papua barat": "92", "papua selatan": "93", "papua tengah": "94",
    "papua pegunungan": "95", "papua barat daya": "96",
}  # fmt: skip

# code: name; codes 01-69 are regencies (kabupaten), 71-99 cities (kota).
_REGENCIES = """
3101 kepulauan seribu
3171 jakarta pusat|3172 jakarta utara|3173 jakarta barat|3174 jakarta selatan|3175 jakarta timur
3201 bogor|3202 sukabumi|3203 cianjur|3204 bandung|3205 garut|3206 tasikmalaya|3207 ciamis
3208 kuningan|3209 cirebon|3210 majalengka|3211 sumedang|3212 indramayu|3213 subang
3214 purwakarta|3215 karawang|3216 bekasi|3217 bandung barat|3218 pangandaran
3271 bogor|3272 sukabumi|3273 bandung|3274 cirebon|3275 bekasi|3276 depok|3277 cimahi
3278 tasikmalaya|3279 banjar
3301 cilacap|3302 banyumas|3303 purbalingga|3304 banjarnegara|3305 kebumen|3306 purworejo
3307 wonosobo|3308 magelang|3309 boyolali|3310 klaten|3311 sukoharjo|3312 wonogiri
3313 karanganyar|3314 sragen|3315 grobogan|3316 blora|3317 rembang|3318 pati|3319 kudus
3320 jepara|3321 demak|3322 semarang|3323 temanggung|3324 kendal|3325 batang|3326 pekalongan
3327 pemalang|3328 tegal|3329 brebes
3371 magelang|3372 surakarta|3373 salatiga|3374 semarang|3375 pekalongan|3376 tegal
3401 kulon progo|3402 bantul|3403 gunungkidul|3404 sleman|3471 yogyakarta
3501 pacitan|3502 ponorogo|3503 trenggalek|3504 tulungagung|3505 blitar|3506 kediri
3507 malang|3508 lumajang|3509 jember|3510 banyuwangi|3511 bondowoso|3512 situbondo
3513 probolinggo|3514 pasuruan|3515 sidoarjo|3516 mojokerto|3517 jombang|3518 nganjuk
3519 madiun|3520 magetan|3521 ngawi|3522 bojonegoro|3523 tuban|3524 lamongan|3525 gresik
3526 bangkalan|3527 sampang|3528 pamekasan|3529 sumenep
3571 kediri|3572 blitar|3573 malang|3574 probolinggo|3575 pasuruan|3576 mojokerto|3577 madiun
3578 surabaya|3579 batu
3601 pandeglang|3602 lebak|3603 tangerang|3604 serang
3671 tangerang|3672 cilegon|3673 serang|3674 tangerang selatan
5101 jembrana|5102 tabanan|5103 badung|5104 gianyar|5105 klungkung|5106 bangli
5107 karangasem|5108 buleleng|5171 denpasar
5201 lombok barat|5202 lombok tengah|5203 lombok timur|5204 sumbawa|5205 dompu|5206 bima
5207 sumbawa barat|5208 lombok utara|5271 mataram|5272 bima
"""

# Written apart in some lists, together in others: one form.
_SPELLINGS = {"gunung kidul": "gunungkidul", "karang asem": "karangasem",
              "kulonprogo": "kulon progo", "banjar negara": "banjarnegara"}


def _regencies() -> dict[str, tuple[str, ...]]:
    """name -> its codes (two where a regency and a city share the name: Bandung, Bogor...)."""
    found: dict[str, tuple[str, ...]] = {}
    for entry in _REGENCIES.replace("\n", "|").split("|"):
        if entry.strip():
            code, name = entry.strip().split(" ", 1)
            found[name] = (*found.get(name, ()), code)
    return found


REGENCIES = _regencies()


def is_city_code(code: str) -> bool:
    return len(code) == 4 and code[2] in "789"


def regency_code(name: str, *, city: bool | None) -> str | None:
    """The 4-digit code of a regency or city name (prefix already removed), when it is known
    and unambiguous: `city` True for KOTA, False for KAB., None when no prefix was written (then
    a name that is both a regency and a city, like Bandung, has no code)."""
    name = _SPELLINGS.get(name, name)
    codes = REGENCIES.get(name, ())
    if city is not None:
        codes = tuple(c for c in codes if is_city_code(c) == city)
    return codes[0] if len(codes) == 1 else None


def province_code(name: str) -> str | None:
    return PROVINCES.get(name)


def canonical_regency(name: str) -> str:
    return _SPELLINGS.get(name, name)
