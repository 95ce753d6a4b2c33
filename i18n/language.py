"""Which language padan speaks: `--lang`, then PADAN_LANG, then the locale; English otherwise.

The locale is read as gettext reads it: the first of LANGUAGE, LC_ALL, LC_MESSAGES and LANG
that is set decides (id_ID.UTF-8, id, in_ID -> Indonesian; C, POSIX, en_US, fr_FR -> English).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

LANGUAGES = ("id", "en")
DEFAULT = "en"
_ALIASES = {"in": "id", "ind": "id", "indonesian": "id", "bahasa": "id", "eng": "en",
            "english": "en"}

_default: str | None = None   # chosen on first use from PADAN_LANG or the locale
_override: ContextVar[str | None] = ContextVar("padan_language", default=None)


class LanguageError(ValueError):
    """An explicitly requested language that padan does not speak."""


class LanguageSettings(BaseSettings):
    """PADAN_LANG and the locale variables, read the way every padan setting is read."""

    model_config = SettingsConfigDict(env_prefix="PADAN_", extra="ignore")

    lang: str | None = None
    language: str | None = Field(None, validation_alias=AliasChoices("LANGUAGE"))
    lc_all: str | None = Field(None, validation_alias=AliasChoices("LC_ALL"))
    lc_messages: str | None = Field(None, validation_alias=AliasChoices("LC_MESSAGES"))
    locale_lang: str | None = Field(None, validation_alias=AliasChoices("LANG"))


def parse_language(text: str) -> str | None:
    """'id', 'id_ID.UTF-8', 'id-ID', 'in' -> 'id'; 'en_GB' -> 'en'; anything else -> None."""
    head = re.split(r"[-_.@]", text.strip().lower(), maxsplit=1)[0]
    head = _ALIASES.get(head, head)
    return head if head in LANGUAGES else None


def require_language(text: str, source: str) -> str:
    """parse_language, refusing what padan does not speak (an explicit choice must be honoured)."""
    language = parse_language(text)
    if language is None:
        raise LanguageError(f"{source} must be one of {', '.join(LANGUAGES)} "
                            "(id: Bahasa Indonesia, en: English)")
    return language


def language_from_environment(settings: LanguageSettings | None = None) -> str:
    """PADAN_LANG if set, else the locale's language if padan speaks it, else English."""
    settings = settings if settings is not None else LanguageSettings()
    if settings.lang:
        return require_language(settings.lang, "PADAN_LANG")
    if settings.language:   # GNU gettext's list, "id:en": the first padan speaks
        for item in settings.language.split(":"):
            if item and (found := parse_language(item)):
                return found
    for value in (settings.lc_all, settings.lc_messages, settings.locale_lang):
        if value:
            return parse_language(value) or DEFAULT
    return DEFAULT


def environment_language() -> str:
    """language_from_environment, with English where PADAN_LANG names a language padan does not
    speak (the CLI reports that as an error; a library or the service falls back)."""
    try:
        return language_from_environment()
    except LanguageError:
        return DEFAULT


def set_language(language: str) -> None:
    """The process's language (the CLI calls this once, before any text is built)."""
    global _default
    _default = require_language(language, "the language")


def current_language() -> str:
    """The block's language (use_language), else the process's: set_language's, or on first use
    PADAN_LANG's or the locale's (English if PADAN_LANG names a language padan does not speak:
    the CLI reports that as an error, a library caller gets English)."""
    global _default
    if (chosen := _override.get()) is not None:
        return chosen
    if _default is None:
        _default = environment_language()
    return _default


@contextmanager
def use_language(language: str | None) -> Iterator[str]:
    """Speak `language` inside the block (None: the process's language), in this context only."""
    chosen = require_language(language, "lang") if language else current_language()
    token = _override.set(chosen)
    try:
        yield chosen
    finally:
        _override.reset(token)
