"""Keeping the catalogues in step with the code (run from a checkout; docs/translation.md).

    python -m padan.i18n.catalogues update   # extract, merge into id and en, compile
    python -m padan.i18n.catalogues check    # what tests/i18n checks; exit 1 if anything is off

`update` adds new English texts to both catalogues (the English one filled with the text itself,
the Indonesian one empty, to be translated), drops texts the code no longer has, and compiles
the `.mo` files that ship with the package.
"""

from __future__ import annotations

import io
import string
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from padan.i18n.language import LANGUAGES
from padan.i18n.translate import DOMAIN, LOCALE_DIR

ROOT = LOCALE_DIR.parents[1]
MAPPING = ROOT / "babel.cfg"
KEYWORDS = {"_": None, "N_": None}
WIDTH = 100


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(language: str) -> Path:
    return po_path(language).with_suffix(".mo")


def extract() -> Catalog:
    """Every marked text and every CLI help text of the source tree, in source order."""
    with open(MAPPING, encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle, str(MAPPING))
    template = Catalog(project="padan", domain=DOMAIN)
    for filename, lineno, message, comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS):
        template.add(message, None, [(filename, lineno)], auto_comments=comments,
                     context=context)
    return template


def read_catalogue(language: str) -> Catalog:
    path = po_path(language)
    if not path.exists():
        return Catalog(locale=language, project="padan", domain=DOMAIN)
    with open(path, "rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


def compiled(catalogue: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalogue)
    return buffer.getvalue()


def update() -> None:
    template = extract()
    for language in LANGUAGES:
        catalogue = read_catalogue(language)
        template.creation_date = catalogue.creation_date   # no churn in the header
        catalogue.update(template, no_fuzzy_matching=True)
        catalogue.obsolete.clear()
        catalogue.fuzzy = False
        catalogue.project, catalogue.version = "padan", ""
        catalogue.copyright_holder = "the padan authors"
        catalogue.msgid_bugs_address = ""
        catalogue.last_translator = catalogue.language_team = "the padan authors"
        if language == "en":
            for message in catalogue:
                if message.id and not message.string:
                    message.string = message.id
        po_path(language).parent.mkdir(parents=True, exist_ok=True)
        with open(po_path(language), "wb") as handle:
            write_po(handle, catalogue, width=WIDTH, include_previous=False,
                     include_lineno=False)   # file names only: line numbers churn in merges
        mo_path(language).write_bytes(compiled(catalogue))


def _fields(text: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return {"<malformed>"}


def problems() -> list[str]:
    """What is wrong with the catalogues: texts missing or left over, untranslated or fuzzy
    entries, placeholders that differ from the English, stale compiled files."""
    found = []
    wanted = {m.id for m in extract() if m.id}
    for language in LANGUAGES:
        catalogue = read_catalogue(language)
        have = {m.id for m in catalogue if m.id}
        found += [f"{language}: not in the catalogue: {text!r}" for text in sorted(wanted - have)]
        found += [f"{language}: no longer in the code: {text!r}" for text in sorted(have - wanted)]
        for message in catalogue:
            if not message.id:
                continue
            if not message.string:
                found.append(f"{language}: not translated: {message.id!r}")
            elif message.fuzzy:
                found.append(f"{language}: fuzzy (check and unmark): {message.id!r}")
            elif _fields(message.id) != _fields(message.string):
                found.append(f"{language}: placeholders differ from the English: "
                             f"{message.id!r}")
        if not mo_path(language).exists() or mo_path(language).read_bytes() != compiled(
                catalogue):
            found.append(f"{language}: {mo_path(language).name} is stale: run "
                         "python -m padan.i18n.catalogues update")
    return found


def main(argv: list[str] | None = None) -> int:
    command = (argv if argv is not None else sys.argv[1:]) or ["check"]
    if command == ["update"]:
        update()
    found = problems()
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
