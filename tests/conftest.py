"""Root of the test suite: pytest puts this folder on sys.path, so shared helpers such as
dashboard_fields.py can be imported by tests in any subfolder."""

import os

import pytest

from padan.i18n import set_language

# English for what runs outside a test's own environment too (module fixtures, subprocesses),
# whatever this machine's locale; tests of the language choice set their own.
os.environ["PADAN_LANG"] = "en"
# pytest-xdist's workers are started with COLUMNS=80 and LINES=24 in their environment, and rich
# fixes a console's size from them when the console is made (the CLI's are made at import): the
# tables would be cut to 80 columns whatever width a test asks for. The suite runs as on a
# terminal-less machine instead, where each test's own COLUMNS decides.
if os.environ.get("PYTEST_XDIST_WORKER"):
    for _name in ("COLUMNS", "LINES"):
        os.environ.pop(_name, None)


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
