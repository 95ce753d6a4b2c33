"""Looking texts up in the compiled catalogues, and numbers written as the language writes them
(1.234 and 0,95 in Indonesian; 1,234 and 0.95 in English)."""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path

from babel.numbers import format_decimal
from babel.support import Translations

from padan.i18n.language import current_language

DOMAIN = "padan"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The compiled catalogue of `language` (a NullTranslations, i.e. English, if it is missing;
    tests/i18n makes sure it is not)."""
    return Translations.load(str(LOCALE_DIR), [language], DOMAIN)


def _(message: str) -> str:
    """`message` (its English text is the message id) in the current language."""
    return translations(current_language()).gettext(message)


def N_(message: str) -> str:
    """Marks a text for the catalogue where it is defined (at import); `_` translates it where
    it is shown."""
    return message


def number(value: int | float) -> str:
    """A count as the current language writes it: 12,345 (en), 12.345 (id)."""
    return format_decimal(value, locale=current_language())


def decimal(value: float, places: int = 2) -> str:
    """A fraction with fixed places: 0.95 (en), 0,95 (id)."""
    pattern = "#,##0." + "0" * places if places else "#,##0"
    return format_decimal(value, format=pattern, locale=current_language(),
                          decimal_quantization=True)
