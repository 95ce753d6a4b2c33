"""Root of the test suite: pytest puts this folder on sys.path, so shared helpers such as
dashboard_fields.py can be imported by tests in any subfolder."""

import os

import pytest

from padan.i18n import set_language

# English for what runs outside a test's own environment too (module fixtures, subprocesses),
# whatever this machine's locale; tests of the language choice set their own.
os.environ["PADAN_LANG"] = "en"


@pytest.fixture(autouse=True)
def english_unless_a_test_asks(monkeypatch):
    """Tests read English unless they choose otherwise, whatever this machine's locale; the
    language is process-wide, so it is put back after every test."""
    for name in ("PADAN_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    set_language("en")
    yield
    set_language("en")
