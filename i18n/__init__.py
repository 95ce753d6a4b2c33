"""Bahasa Indonesia and English for everything a person reads (gettext catalogues, Babel).

    from padan.i18n import _, N_
    message = _("row {row}, field '{field}': {reason}").format(row=2, field="nik", reason=...)

Message ids are the English text; `locale/id/LC_MESSAGES/padan.po` holds the Indonesian and
`locale/en/...` the English (identical unless a wording is improved there). The compiled `.mo`
files are committed next to the `.po` (tests/i18n checks they are current), so an editable
install and a wheel both carry them with no build step (docs/translation.md says how to update).

The language is chosen once per process (`set_language`, called by the CLI from `--lang`,
PADAN_LANG or the locale) and may be overridden for a block of code (`use_language`, e.g. the
service rendering a dashboard in the language a request asked for). Texts built at import time
(module constants) are marked with `N_` and translated where they are shown, with `_`.
"""

from __future__ import annotations

from padan.i18n.language import (
    LANGUAGES,
    LanguageError,
    LanguageSettings,
    current_language,
    environment_language,
    language_from_environment,
    parse_language,
    set_language,
    use_language,
)
from padan.i18n.translate import N_, _, decimal, number, translations

__all__ = ["LANGUAGES", "N_", "LanguageError", "LanguageSettings", "_", "current_language",
           "decimal", "environment_language", "language_from_environment", "number",
           "parse_language", "set_language", "translations", "use_language"]
