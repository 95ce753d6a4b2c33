"""The catalogues: every text of the code in both languages, compiled and shipped."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo

from padan.i18n import LANGUAGES, _, catalogues, translations, use_language

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def source_texts() -> set[str]:
    return {m.id for m in catalogues.extract() if m.id}


def test_the_catalogues_are_complete_current_and_compiled():
    assert catalogues.problems() == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_text_of_the_code_is_translated(language, source_texts):
    catalogue = catalogues.read_catalogue(language)
    translated = {m.id: m.string for m in catalogue if m.id}
    assert set(translated) == source_texts
    assert [text for text, string in translated.items() if not string.strip()] == []


def test_the_indonesian_is_indonesian():
    # a catalogue copied from the English would pass the completeness test; most of it differs
    catalogue = catalogues.read_catalogue("id")
    same = [m.id for m in catalogue if m.id and m.string == m.id]
    assert len(same) < 0.05 * len(catalogue), same


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_holds_what_the_source_says(language):
    with open(catalogues.mo_path(language), "rb") as handle:
        compiled = {m.id: m.string for m in read_mo(handle) if m.id}
    source = {m.id: m.string for m in catalogues.read_catalogue(language) if m.id}
    assert compiled == source


def test_a_stale_compiled_catalogue_is_reported(monkeypatch, tmp_path):
    stale = tmp_path / "padan.mo"
    stale.write_bytes(catalogues.mo_path("id").read_bytes()[:-8])
    real = catalogues.mo_path
    monkeypatch.setattr(catalogues, "mo_path",
                        lambda language: stale if language == "id" else real(language))
    assert any("id: padan.mo is stale" in p for p in catalogues.problems())


def test_a_missing_translation_and_a_wrong_placeholder_are_reported(monkeypatch):
    real = catalogues.read_catalogue

    def damaged(language):
        catalogue = real(language)
        if language == "id":
            catalogue["error: {message}"].string = "kesalahan: {pesan}"
            catalogue["interrupted"].string = ""
        return catalogue

    monkeypatch.setattr(catalogues, "read_catalogue", damaged)
    found = catalogues.problems()
    assert "id: placeholders differ from the English: 'error: {message}'" in found
    assert "id: not translated: 'interrupted'" in found


def test_texts_are_looked_up_in_the_chosen_language():
    with use_language("id"):
        assert _("error: {message}") == "kesalahan: {message}"
    with use_language("en"):
        assert _("error: {message}") == "error: {message}"
    assert _("a text no catalogue has") == "a text no catalogue has"


def test_the_package_data_names_the_compiled_catalogues():
    """The wheel carries what pyproject's package-data matches (checked by hand with
    `pip wheel .`: both .mo files are in it); an editable install reads the committed files."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    patterns = config["package-data"]["padan.i18n"]
    for language in LANGUAGES:
        shipped = catalogues.mo_path(language).relative_to(ROOT / "i18n").as_posix()
        assert any(fnmatch.fnmatch(shipped, pattern) for pattern in patterns), shipped
    assert type(translations("id")).__name__ == "Translations"   # found, not the English fallback


def test_the_i18n_package_imports_no_other_part_of_padan():
    """Every part imports padan.i18n (the encoder and the linker too), so it imports none."""
    import ast

    for path in (ROOT / "i18n").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not [n for n in names if n.startswith("padan.") and
                        not n.startswith("padan.i18n")], path


def marked_inside_f_strings(source: str) -> list[int]:
    """Lines where _("…") is called inside an f-string's braces."""
    import ast

    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.JoinedStr):
            found += [call.lineno for call in ast.walk(node) if isinstance(call, ast.Call)
                      and isinstance(call.func, ast.Name) and call.func.id in ("_", "N_")]
    return found


def test_no_text_is_marked_inside_an_f_string():
    """Babel cannot see _("…") inside an f-string's braces: such a text would stay English."""
    assert marked_inside_f_strings('x = f"<th>{_(\'threshold\')}</th>"') == [1]
    for folder in ("cli", "encoder", "linker", "synth", "evaluation", "i18n"):
        for path in (ROOT / folder).rglob("*.py"):
            assert marked_inside_f_strings(path.read_text(encoding="utf-8")) == [], path


def test_the_glossary_gives_the_words_officials_use():
    glossary = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    for word in ("pemadanan", "penerima", "NIK", "tanggal lahir", "ganda", "meninggal",
                 "belum terdaftar", "kabupaten/kota", "padanan", "data ganda"):
        assert word in glossary, word
    rows = [line for line in glossary.splitlines() if line.startswith("| **")]
    assert rows and all(line.count("|") == 5 for line in rows)   # both languages on every row
