"""The CLI's language: `padan --lang id …`, PADAN_LANG or the locale, chosen before any help.

Typer builds every help text at import (docstrings, `help=`), in English, before `--lang` could
be parsed. Rather than making each of them a lazy string, the root group chooses the language
when the command line reaches it (`make_context`, before any option or subcommand is parsed, so
before `--help` prints anything) and then translates the help texts of the whole command tree
in place. The English texts are the message ids; `extract_help` gives them to Babel, read from
the very tree the user sees, so nothing in the command modules has to be marked.
"""

from __future__ import annotations

import types
from collections.abc import Iterator, Sequence

import typer.rich_utils
from typer.core import TyperGroup

from padan.cli.usage_errors import UsageError, localise
from padan.i18n import N_, LanguageError, _, language_from_environment, set_language
from padan.i18n.language import require_language

LANG_OPTION = "--lang"
_ENGLISH = "_padan_english"   # the original help of a command or parameter, kept for re-use

# Typer's own words in the help screens (module constants of typer.rich_utils, read when a
# screen is drawn): their English, for the catalogue.
_TYPER_WORDS = {
    "ARGUMENTS_PANEL_TITLE": N_("Arguments"),
    "OPTIONS_PANEL_TITLE": N_("Options"),
    "COMMANDS_PANEL_TITLE": N_("Commands"),
    "ERRORS_PANEL_TITLE": N_("Error"),
    "ABORTED_TEXT": N_("Aborted."),
    "DEFAULT_STRING": N_("[default: {}]"),
    "REQUIRED_LONG_STRING": N_("[required]"),
    "ENVVAR_STRING": N_("[env var: {}]"),
    "RICH_HELP": N_("Try [blue]'{command_path} {help_option}'[/] for help."),
}
HELP_OPTION_TEXT = N_("Show this message and exit.")


def language_from_arguments(args: Sequence[str], commands: Sequence[str]) -> str | None:
    """The value of --lang given before the subcommand's name, if any."""
    for index, arg in enumerate(args):
        if arg in commands:
            return None
        if arg == LANG_OPTION and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith(LANG_OPTION + "="):
            return arg.split("=", 1)[1]
    return None


def choose_language(args: Sequence[str], commands: Sequence[str]) -> str:
    """--lang, else PADAN_LANG, else the locale (padan.i18n.language); LanguageError if an
    explicit choice names a language padan does not speak."""
    given = language_from_arguments(args, commands)
    if given is not None:
        return require_language(given, LANG_OPTION)
    return language_from_environment()


def _walk(command) -> Iterator:
    yield command
    for sub in getattr(command, "commands", {}).values():
        yield from _walk(sub)


def _help_option(command, names: list[str]):
    # Click makes the --help option on first use and caches it; made here, it can be translated
    # like any other parameter (get_help_option reads only the names from its context).
    return command.get_help_option(types.SimpleNamespace(help_option_names=names))


def _texts(command, names: list[str]) -> Iterator[object]:
    """The command and each parameter that carries a help text."""
    yield command
    yield from (p for p in command.params if getattr(p, "help", None))
    option = _help_option(command, names)
    if option is not None:
        option.help = HELP_OPTION_TEXT
        yield option


def translate_tree(root) -> None:
    """Every help text of the tree in the current language (idempotent, from the English)."""
    names = list(root.context_settings.get("help_option_names", ["--help"]))
    for command in _walk(root):
        for item in _texts(command, names):
            if item.help is None:
                continue
            english = item.__dict__.setdefault(_ENGLISH, item.help)
            item.help = _(english)
    for name, english in _TYPER_WORDS.items():
        setattr(typer.rich_utils, name, _(english))


def help_texts(root) -> Iterator[str]:
    """Every English help text of the tree (for the catalogue)."""
    names = list(root.context_settings.get("help_option_names", ["--help"]))
    for command in _walk(root):
        for item in _texts(command, names):
            if item.help:
                yield item.__dict__.get(_ENGLISH, item.help)


class LocalisedGroup(TyperGroup):
    """The root `padan` group: picks the language, then lets Typer parse as usual."""

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            set_language(choose_language(args, list(self.commands)))
        except LanguageError as exc:
            raise typer.BadParameter(str(exc)) from None
        translate_tree(self)
        try:
            return super().make_context(info_name, args, parent, **extra)
        except UsageError as error:
            localise(error)
            raise

    def invoke(self, ctx):
        # a subcommand's own parse errors (and "no such command") are raised in here
        try:
            return super().invoke(ctx)
        except UsageError as error:
            localise(error)
            raise


def lang_option_callback(value: str | None) -> str | None:
    """Validates --lang for the help screen and errors (make_context has already applied it)."""
    if value is not None:
        try:
            require_language(value, LANG_OPTION)
        except LanguageError as exc:
            raise typer.BadParameter(str(exc)) from None
    return value


def extract_help(fileobj, keywords, comment_tags, options):
    """A Babel extractor (babel.cfg): the texts marked in the file, then every help text of the
    `padan` command tree, so Typer's docstrings and help= need no marking."""
    import typer.main
    from babel.messages.extract import extract_python

    from padan.cli.main import app

    yield from extract_python(fileobj, keywords, comment_tags, options)
    for text in dict.fromkeys(help_texts(typer.main.get_command(app))):
        yield 0, None, text, ["help of the padan command"]
