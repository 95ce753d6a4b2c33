"""Name normaliser: every rule by example, the decisions pinned, and properties."""

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from padan.encoder.normalise import NameResult, Status, clear_caches, normalise_name
from padan.encoder.normalise.result import NOTES


def value(raw):
    return normalise_name(raw).value


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("SITI NURHALIZA", "siti nurhaliza"),
        ("  siti   nurhaliza ", "siti nurhaliza"),
        ("Siti-Nurhaliza", "siti nurhaliza"),
        ("SITI_NURHALIZA.", "siti nurhaliza"),
        ("Ma'ruf Amin", "maruf amin"),
        ("Ma’ruf Amin", "maruf amin"),
        ("José Müller", "jose muller"),
        ("Ğülşen Çelik", "gulsen celik"),
        ("SUKARNO", "sukarno"),  # a mononym is a name
    ],
)
def test_cosmetic_differences_leave_a_valid_name(raw, expected):
    result = normalise_name(raw)
    assert (result.value, result.status, result.note) == (expected, Status.VALID, "")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Hj. Siti Nurhaliza, S.Pd.", "siti nurhaliza"),
        ("H. Ahmad Sutrisno", "ahmad sutrisno"),
        ("Dr. dr. Budi Santoso, Sp.OG", "budi santoso"),
        ("drg. Rina Lestari", "rina lestari"),
        ("drh. Rina Lestari", "rina lestari"),
        ("Drs. Agus Salim", "agus salim"),
        ("Dra. Rina Lestari", "rina lestari"),
        ("Ir. Joko Widodo", "joko widodo"),
        ("IR JOKO WIDODO", "joko widodo"),
        ("Prof. Dr. Ir. H. Ahmad Sutrisno, M.Sc., Ph.D.", "ahmad sutrisno"),
        ("KH. Ahmad Dahlan", "ahmad dahlan"),
        ("Ust. Abdul Somad", "abdul somad"),
        ("Bapak Slamet", "slamet"),
        ("Bpk. Slamet", "slamet"),
        ("Bp Slamet", "slamet"),
        ("Ibu Sulastri", "sulastri"),
        ("Bu Sulastri", "sulastri"),
        ("Tn. Herman", "herman"),
        ("Ny. Sumarni", "sumarni"),
        ("Nn. Sumarni", "sumarni"),
        ("Sdr. Herman", "herman"),
        ("Sdri. Sumarni", "sumarni"),
        ("Pdt. Herman Siregar", "herman siregar"),
        ("Hj.Siti Nurhaliza", "siti nurhaliza"),
        ("Alm. Sutrisno", "sutrisno"),
        ("Sutrisno (Alm)", "sutrisno"),
    ],
)
def test_titles_and_salutations_before_the_name_are_removed(raw, expected):
    result = normalise_name(raw)
    assert (result.value, result.status) == (expected, Status.REPAIRED)
    assert "titles" in result.note.split(",") or "degrees" in result.note.split(",")


@pytest.mark.parametrize(
    "degree",
    [
        "A.Md.", "A.Md.Keb.", "A.Md.Kep.", "S.Ag.", "S.E.", "S.H.", "S.H.I.", "S.Hum.", "S.I.Kom.",
        "S.I.P.", "S.Ked.", "S.K.M.", "S.Kom.", "S.P.", "S.Pd.", "S.Pd.I.", "S.Psi.", "S.Pt.",
        "S.S.", "S.Si.", "S.Sos.", "S.T.", "S.Th.", "S.Tr.", "M.E.", "M.H.", "M.Hum.", "M.Kes.",
        "M.Kn.", "M.Kom.", "M.M.", "M.Pd.", "M.Si.", "M.T.", "Sp.OG", "S.Pd", "SPd", "SE", "SH",
        "MM", "S. Pd.", "S.E., M.M.", "SE,MM", "S.Pd., M.Pd.",
    ],
)  # fmt: skip
def test_degrees_after_a_comma_are_removed(degree):
    result = normalise_name(f"Sri Wahyuni, {degree}")
    assert (result.value, result.status, result.note) == ("sri wahyuni", Status.REPAIRED, "degrees")


@pytest.mark.parametrize(
    "raw",
    [
        "Sri Wahyuni S.Pd.", "SRI WAHYUNI SPD", "Sri Wahyuni S. Pd", "Sri Wahyuni SE MM",
        "Sri Wahyuni S.E. M.M.", "SRI WAHYUNI AMD", "Sri Wahyuni A.Md.Keb",
    ],
)  # fmt: skip
def test_degrees_at_the_end_are_removed_without_a_comma(raw):
    assert value(raw) == "sri wahyuni"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Sri Wahyuni", "sri wahyuni"),  # Sri is a name, not a title
        ("Siti Aminah", "siti aminah"),
        ("Irwan Setiawan", "irwan setiawan"),  # "Ir" is a title only as a word of its own
        ("Hendra Hidayat", "hendra hidayat"),
        ("Budi Ma", "budi ma"),  # ambiguous short degrees need dots or a comma
        ("Budi Me", "budi me"),
        ("Andi Bagus", "andi bagus"),
        ("Dewa Budjana", "dewa bujana"),  # Dewa alone is kept: it is a given name too
        ("Ibu", None),
    ],
)
def test_real_name_words_are_not_mistaken_for_titles(raw, expected):
    assert value(raw) == expected


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Soekarno", "sukarno"),
        ("Noer Hajati", "nur hayati"),
        ("Djoko", "joko"),
        ("Tjahjono", "cahyono"),
        ("Soerjadi", "suryadi"),
        ("Njoman", "nyoman"),
        ("Sjarifuddin", "syarifuddin"),
        ("Chairul", "khairul"),
        ("Djojohadikoesoemo", "joyohadikusumo"),
        ("Joesoef", "yusuf"),
    ],
)
def test_old_spelling_becomes_todays(old, new):
    result = normalise_name(old)
    assert (result.value, result.status, result.note) == (new, Status.REPAIRED, "old-spelling")
    assert value(new) == new


def test_old_and_new_spellings_with_abbreviation_meet():
    assert value("Moh. Djoko Tjahjono") == value("Muhammad Joko Cahyono") == "muhammad joko cahyono"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Janti", "janti"),  # no old-spelling evidence: j stays j (see docs)
        ("Joko", "joko"),
        ("Jaya Suprana", "jaya suprana"),
        ("Panji", "panyi"),  # nj -> ny applies everywhere, to old and new lists alike
    ],
)
def test_the_old_j_becomes_y_only_with_old_spelling_evidence(raw, expected):
    assert value(raw) == expected


def test_j_to_y_decision_measured_on_examples():
    """Old/new spelling pairs that must meet, and distinct modern names that must stay apart."""
    pairs = [
        ("Tjahjono", "Cahyono"), ("Soerjadi", "Suryadi"), ("Djojo", "Joyo"), ("Soejono", "Suyono"),
        ("Joesoef", "Yusuf"), ("Soedjatmiko", "Sujatmiko"), ("Djuanda", "Juanda"),
        ("Tjokroaminoto", "Cokroaminoto"), ("Moeljono", "Mulyono"), ("Sjahrir", "Syahrir"),
    ]  # fmt: skip
    assert [value(old) == value(new) for old, new in pairs] == [True] * len(pairs)
    apart = [("Joko", "Yoko"), ("Jati", "Yati"), ("Juni", "Yuni"), ("Janto", "Yanto")]
    assert [value(a) != value(b) for a, b in apart] == [True] * len(apart)


@pytest.mark.parametrize(
    "variant",
    [
        "Muhammad", "Muhamad", "Mohamad", "Mohammad", "Mochamad", "Mochammad", "Moehammad",
        "Mukhamad", "Mohammed", "Moh.", "Moch.", "Mohd.", "Much.", "Muh.", "M.", "MOH", "Mhd",
    ],
)  # fmt: skip
def test_muhammad_in_every_spelling_and_abbreviation(variant):
    assert value(f"{variant} Yusuf") == "muhammad yusuf"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Abd. Rahman", "abdul rahman"),
        ("Abd Rahman", "abdul rahman"),
        ("Abdoel Rachman", "abdul rahman"),
        ("Ach. Yani", "ahmad yani"),
        ("Achmad Yani", "ahmad yani"),
        ("St. Aminah", "siti aminah"),
        ("Machmud", "mahmud"),
        ("Selamet Riyadi", "slamet riyadi"),
        ("Budi M.", "budi m"),  # a lone M at the end is some other name's initial
    ],
)
def test_abbreviations_and_variants(raw, expected):
    assert value(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("I Made Sudarma", "made sudarma"),
        ("Made Sudarma", "made sudarma"),
        ("Ni Luh Putu Ayu Wulandari", "putu ayu wulandari"),
        ("Ni Putu Ayu Wulandari", "putu ayu wulandari"),
        ("Ida Bagus Made Oka", "made oka"),
        ("IB Made Oka", "made oka"),
        ("Ida Ayu Ketut Sari", "ketut sari"),
        ("I Gusti Ngurah Rai", "rai"),
        ("I Gusti Ayu Kade Sari", "kade sari"),
        ("Anak Agung Gde Agung", "gde agung"),
        ("Tjokorda Gde Raka", "gde raka"),
        ("Cokorda Gde Raka", "gde raka"),
        ("Desak Made Sari", "made sari"),
        ("Ir. I Wayan Koster", "wayan koster"),
        ("I Ketut", "ketut"),
        ("Wayan Sudarma", "wayan sudarma"),  # birth-order names are kept: siblings differ
        ("Ni", "ni"),  # a prefix alone is all there is
    ],
)
def test_balinese_prefixes_and_caste_titles_are_dropped_birth_order_names_kept(raw, expected):
    assert value(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Ahmad bin Abdullah", "ahmad"),
        ("Siti Aminah binti Hasan", "siti aminah"),
        ("Ahmad Bin", "ahmad bin"),  # nothing follows: not a patronymic
        ("Bin Laden Ahmad", "bin laden ahmad"),  # leading: a name word
    ],
)
def test_bin_binti_and_the_fathers_name_are_dropped(raw, expected):
    assert value(raw) == expected
    if expected != raw.lower():
        assert "patronymic" in normalise_name(raw).note


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("Siti2 Aminah", "siti aminah"), ("Budi 2", "budi"), ("1 Ibu Sari", "sari")],
)
def test_digits_are_removed_and_noted(raw, expected):
    result = normalise_name(raw)
    assert (result.value, result.status) == (expected, Status.REPAIRED)
    assert "digits" in result.note


@pytest.mark.parametrize(
    ("raw", "status", "note"),
    [
        (None, Status.MISSING, ""),
        ("", Status.MISSING, ""),
        ("   ", Status.MISSING, ""),
        (float("nan"), Status.MISSING, ""),
        ("-", Status.INVALID, "dummy"),
        ("BELUM ADA", Status.INVALID, "dummy"),
        ("null", Status.INVALID, "dummy"),
        ("12345", Status.INVALID, "no-letters"),
        ("...", Status.INVALID, "dummy"),
        ("!!!", Status.INVALID, "no-letters"),
        (12345, Status.INVALID, "no-letters"),
        (1.5, Status.INVALID, "no-letters"),
        (True, Status.INVALID, "wrong-type"),
        (["Siti"], Status.INVALID, "wrong-type"),
        ("王小明", Status.INVALID, "non-latin"),
        ("Ibu", Status.INVALID, "only-titles"),
        ("Bapak H.", Status.INVALID, "only-titles"),
    ],
)
def test_bad_input(raw, status, note):
    assert normalise_name(raw) == NameResult(None, status, note)


def test_partly_non_latin_text_keeps_the_latin_part_and_says_so():
    result = normalise_name("Budi 王")
    assert (result.value, result.note) == ("budi", "non-latin")


def test_bytes_are_read_as_utf8():
    assert value(b"Siti Nurhaliza") == "siti nurhaliza"


def test_several_notes_are_listed_in_a_fixed_order():
    result = normalise_name("Hj. Siti Noerhaliza2, S.Pd.")
    assert result.value == "siti nurhaliza"
    assert result.note == "titles,degrees,old-spelling,digits"


def test_fast_and_slow_paths_agree_and_caches_do_not_change_results():
    first = normalise_name("SOEKARNO HATTA")
    clear_caches()
    assert normalise_name("SOEKARNO HATTA") == first == normalise_name(" Soekarno,  Hatta ")


# --- properties -------------------------------------------------------------------------------

NAME_PIECES = [
    "Hj.", "H", "Dr.", "Ir", "Ibu", "Bapak", "I", "Ni", "Luh", "Ida", "Bagus", "Gusti", "Moh.",
    "M.", "St.", "Abd", "bin", "binti", "S.Pd.", ",", "SE", "Soekarno", "Djoko", "Tjahjono",
    "Siti", "Sri", "Made", "Wayan", "ddj", "oe", "tjh", "-", "'", "2", "Ketut", "sj", "nj", "ch",
    "M", "alm", "ST", "Noer", "Hajati",
]  # fmt: skip
name_like = st.lists(
    st.one_of(
        st.sampled_from(NAME_PIECES),
        st.text(alphabet="abcdehijkmnorstuyABDHJOST.,'- 0", max_size=8),
    ),
    max_size=7,
).map(" ".join)


@given(st.one_of(name_like, st.text()))
@example("1 Ibu Sari")
@example("Iboe Sari")
@example("Ahmad SE bin Hasan")
@example("iddjo")
def test_normalising_is_idempotent(raw):
    first = normalise_name(raw)
    if first.value is not None:
        again = normalise_name(first.value)
        assert again.value == first.value
        assert again.status is Status.VALID, again.note


@given(st.one_of(name_like, st.text(), st.integers(), st.floats(), st.none(), st.binary()))
def test_never_raises_and_gives_lowercase_ascii_words(raw):
    result = normalise_name(raw)
    assert (result.value is not None) == (result.status in (Status.VALID, Status.REPAIRED))
    if result.value is not None:
        assert result.value.split(" ") == result.value.split()
        words = result.value.split()
        assert all(word.isascii() and word.isalpha() and word.islower() for word in words)


@given(st.one_of(name_like, st.text(), st.integers(), st.none()))
def test_notes_come_from_the_fixed_vocabulary_so_they_never_echo_the_input(raw):
    note = normalise_name(raw).note
    assert note == "" or set(note.split(",")) <= NOTES["name"]
