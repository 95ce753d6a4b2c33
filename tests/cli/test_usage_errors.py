"""Typer's own usage errors (bad options, missing arguments, bad values) in the user's language."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from padan.cli.main import app
from padan.cli.usage_errors import translate_usage_message, translate_value_message
from padan.i18n import set_language

runner = CliRunner()


@pytest.mark.parametrize(("args", "indonesian", "english"), [
    (["link", "--bogus"], "Opsi tidak dikenal: --bogus", "No such option: --bogus"),
    (["lnk"], "Perintah tidak dikenal: 'lnk'", "No such command: 'lnk'"),
    (["encode"], "belum diberikan", "Missing argument"),
    (["link", "--match-threshold"], "memerlukan nilai", "needs a value"),
    (["synth", "--population", "x"], "harus berupa bilangan bulat", "whole number"),
    (["synth", "--population", "0"], "paling kecil 1", "at least 1"),
    (["synth", "--dirt", "x"], "pilih salah satu dari 'none', 'moderate', 'heavy'",
     "choose one of 'none'"),
    (["demo", "extra"], "argumen berlebih", "Unexpected extra"),
])
def test_usage_errors_speak_indonesian_and_english(args, indonesian, english):
    ours = runner.invoke(app, ["--lang", "id", *args])
    assert ours.exit_code == 2
    assert indonesian in " ".join(ours.output.split())   # the error box wraps long lines
    theirs = runner.invoke(app, ["--lang", "en", *args])
    assert theirs.exit_code == 2
    assert indonesian not in theirs.output
    assert english in " ".join(theirs.output.split())


def test_the_usage_line_above_the_error_is_translated_too():
    result = runner.invoke(app, ["--lang", "id", "link", "--bogus"])
    assert result.output.startswith("Penggunaan: padan link")
    assert runner.invoke(app, ["link", "--bogus"]).output.startswith("Usage: padan link")


def test_a_message_of_an_unknown_shape_is_left_as_typer_wrote_it():
    set_language("id")
    try:
        assert translate_usage_message("Something Typer says one day.") == \
            "Something Typer says one day."
        assert translate_value_message("a new pydantic message") == "a new pydantic message"
        # the option's name and the choices come from the command line and stay as they are
        assert translate_usage_message("Invalid value for '--dirt': 'x' is not one of 'a', 'b'.") \
            == "Nilai '--dirt' tidak sah: pilih salah satu dari 'a', 'b'"
    finally:
        set_language("en")
