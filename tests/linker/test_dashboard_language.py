"""The dashboard in Bahasa Indonesia: every text translated, numbers as Indonesians write them."""

from __future__ import annotations

from html.parser import HTMLParser

from dashboard_fields import expected_fields
from test_dashboard import AUDIT_OK, sample_report, shown_fields

from padan.i18n import catalogues, current_language, set_language, use_language
from padan.linker.dashboard import render_dashboard


class _Texts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        self.skip = False

    def handle_starttag(self, tag, attrs):
        self.skip = tag == "style"

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.texts.append(data.strip())


def texts_of(page: str) -> list[str]:
    parser = _Texts()
    parser.feed(page)
    return parser.texts


def english_only_texts() -> set[str]:
    """Whole texts of the catalogue whose Indonesian differs, without placeholders."""
    return {m.id for m in catalogues.read_catalogue("id")
            if m.id and m.string != m.id and "{" not in m.id and "<" not in m.id}


def test_the_indonesian_page_shows_the_same_numbers_written_the_indonesian_way():
    report = sample_report()
    page = render_dashboard(report, AUDIT_OK, parameters={"match_threshold": 0.9,
                                                          "possible_threshold": 0.75}, lang="id")
    with use_language("id"):
        assert shown_fields(page) == expected_fields(report, AUDIT_OK)
    assert shown_fields(page)["records/KIS"] == "3.000"
    assert shown_fields(page)["audit/entries"] == "1.234"
    assert "padan 0,90" in page and "mungkin 0,75" in page
    assert page.startswith('<!doctype html>\n<html lang="id">')
    assert "<title>Laporan irisan — bansos-2026</title>" in page


def test_no_english_text_is_left_on_the_indonesian_page():
    english = english_only_texts()
    for audit in (AUDIT_OK, None, {**AUDIT_OK, "ok": False, "first_bad_seq": 4,
                                    "reason": "x"}):
        page = render_dashboard(sample_report(), audit, lang="id")
        left = [text for text in texts_of(page) if text in english]
        assert left == []
        assert "Irisan antarpasangan instansi" in page and "Data ganda dalam setiap daftar" in page


def test_the_language_is_the_processs_unless_asked_and_is_put_back():
    set_language("id")
    assert 'lang="id"' in render_dashboard(sample_report(), AUDIT_OK)
    assert 'lang="en"' in render_dashboard(sample_report(), AUDIT_OK, lang="en")
    assert current_language() == "id"
    set_language("en")
    assert "Pairwise overlap" in render_dashboard(sample_report(), AUDIT_OK)
