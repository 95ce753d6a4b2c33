"""`--lang`, PADAN_LANG and the locale choose the CLI's language, before any help is printed."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from padan.cli.language import choose_language, language_from_arguments
from padan.cli.main import app
from padan.i18n import LanguageError, LanguageSettings, current_language, language_from_environment

runner = CliRunner()
COMMANDS = ["encode", "link", "reveal"]


@pytest.mark.parametrize(("args", "expected"), [
    (["--lang", "id", "encode", "--help"], "id"),
    (["--lang=en", "encode"], "en"),
    (["encode", "--lang", "id"], None),          # after the command it is not the root's option
    (["encode", "x.csv"], None),
])
def test_the_lang_option_is_read_before_the_command(args, expected):
    assert language_from_arguments(args, COMMANDS) == expected


@pytest.mark.parametrize(("environment", "expected"), [
    ({"LANG": "id_ID.UTF-8"}, "id"),
    ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "id_ID.UTF-8"}, "id"),
    ({"LANG": "id_ID.UTF-8", "LC_ALL": "C"}, "en"),         # LC_ALL overrides, as in gettext
    ({"LANGUAGE": "fr:id", "LANG": "en_US.UTF-8"}, "id"),    # GNU's list: the first padan speaks
    ({"LANG": "fr_FR.UTF-8"}, "en"),
    ({"LANG": "C.UTF-8"}, "en"),
    ({}, "en"),
    ({"PADAN_LANG": "en", "LANG": "id_ID.UTF-8"}, "en"),    # PADAN_LANG wins over the locale
    ({"PADAN_LANG": "id_ID", "LANG": "C"}, "id"),
])
def test_the_language_comes_from_padan_lang_then_the_locale(monkeypatch, environment, expected):
    for name in ("LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "PADAN_LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert language_from_environment(LanguageSettings()) == expected


def test_an_unknown_language_asked_for_explicitly_is_refused(monkeypatch):
    monkeypatch.setenv("PADAN_LANG", "fr")
    with pytest.raises(LanguageError, match="PADAN_LANG must be one of id, en"):
        language_from_environment()
    with pytest.raises(LanguageError, match="--lang must be one of id, en"):
        choose_language(["--lang", "klingon", "encode"], COMMANDS)
    result = runner.invoke(app, ["--lang", "klingon", "keygen", "--help"])
    assert result.exit_code == 2 and "--lang must be one of id, en" in result.output


def test_help_in_indonesian_under_lang_id():
    result = runner.invoke(app, ["--lang", "id", "encode", "--help"])
    assert result.exit_code == 0, result.output
    assert "Sandikan daftar menjadi sandi filter Bloom berkunci" in result.output
    assert "Petakan elemen data ke kolom" in result.output
    assert "Tampilkan pesan ini lalu keluar." in result.output
    assert "Encode a list into" not in result.output
    assert current_language() == "id"


def test_help_in_indonesian_under_padan_lang_and_the_locale():
    for env in ({"PADAN_LANG": "id"}, {"LANG": "id_ID.UTF-8"}):
        result = runner.invoke(app, ["reveal", "--help"], env=env)
        assert result.exit_code == 0, result.output
        assert "Gabungkan hasil kembali ke baris daftar Anda sendiri" in result.output
    root = runner.invoke(app, ["--help"], env={"PADAN_LANG": "id"})
    assert "Pemadanan data antarinstansi" in root.output and "Perintah" in root.output


def test_english_help_stays_english_after_an_indonesian_run():
    runner.invoke(app, ["--lang", "id", "encode", "--help"])
    result = runner.invoke(app, ["encode", "--help"])
    assert "Encode a list into keyed Bloom-filter encodings" in result.output
    assert "Show this message and exit." in result.output
    assert current_language() == "en"


def test_without_a_choice_the_process_speaks_the_locales_language(monkeypatch):
    """A library caller (the service started without the CLI, a notebook) gets the locale's."""
    from padan.i18n import language as state

    monkeypatch.setattr(state, "_default", None)
    monkeypatch.setenv("LANG", "id_ID.UTF-8")
    assert current_language() == "id"
    monkeypatch.setattr(state, "_default", None)
    monkeypatch.setenv("PADAN_LANG", "fr")          # refused by the CLI; a library gets English
    assert current_language() == "en"


def test_encoder_errors_in_indonesian_name_row_and_field_never_the_value(tmp_path):
    import csv

    assert runner.invoke(app, ["keygen", str(tmp_path / "k.key")]).exit_code == 0
    assert runner.invoke(app, ["schema", "init", str(tmp_path / "s.toml"),
                               "--project-id", "uji"]).exit_code == 0
    with open(tmp_path / "daftar.csv", "w", newline="") as handle:
        csv.writer(handle).writerows([["NIK", "Nama", "TGL_LAHIR", "JK"],
                                      ["3171014501800001", "Siti", "05-01-1980", "P"],
                                      ["3578031207650003", "Slamet", "31-02-1965", "L"]])
    result = runner.invoke(app, ["--lang", "id", "encode", str(tmp_path / "daftar.csv"),
                                 "--schema", str(tmp_path / "s.toml"), "--key-file",
                                 str(tmp_path / "k.key"), "--quiet", "--workers", "1",
                                 "--strict"])
    assert result.exit_code == 2
    assert "kesalahan: baris 3, elemen data 'tanggal_lahir':" in result.output
    assert "(--strict berhenti pada baris rusak pertama" in result.output
    assert "31-02-1965" not in result.output
    missing = runner.invoke(app, ["schema", "check", str(tmp_path / "tidak-ada.toml")],
                            env={"PADAN_LANG": "id"})
    assert missing.exit_code == 2
    assert "berkas skema tidak ditemukan (buat dengan 'padan schema init')" in missing.output


def test_workbook_errors_in_indonesian(tmp_path):
    assert runner.invoke(app, ["keygen", str(tmp_path / "k.key")]).exit_code == 0
    assert runner.invoke(app, ["schema", "init", str(tmp_path / "s.toml")]).exit_code == 0
    (tmp_path / "rusak.xlsx").write_bytes(b"not a zip archive")
    result = runner.invoke(app, ["--lang", "id", "encode", str(tmp_path / "rusak.xlsx"),
                                 "--schema", str(tmp_path / "s.toml"),
                                 "--key-file", str(tmp_path / "k.key"),
                                 "--out", str(tmp_path / "x.padan")])
    assert result.exit_code != 0
    assert "bukan buku kerja XLSX yang dapat dibaca" in " ".join(result.output.split())
