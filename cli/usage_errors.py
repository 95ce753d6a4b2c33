"""Typer's and Click's own usage errors in the user's language.

Typer (which now carries its own copy of Click) writes its parse errors in English with no
catalogue of its own ("No such option: --x", "Invalid value for '--y': Input should be ...").
Rather than depend on the wording of one Typer release, the rendered English message is matched
against the known shapes below and rebuilt from padan's catalogue; a message of a shape not
listed stays as Typer wrote it. The parts that came from the command line (an option's name, the
choices) are kept as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from padan.i18n import N_, _

try:   # Typer >= 0.29 carries its own Click
    from typer._click.exceptions import UsageError
except ImportError:  # pragma: no cover - older Typer on Click
    from click.exceptions import UsageError

# What a bad value was told (pydantic's messages, as Typer passes them on, and Click's own).
_VALUE_SHAPES: list[tuple[re.Pattern, str]] = [
    (re.compile(r"Input should be a valid number.*"), N_("it must be a number")),
    (re.compile(r"Input should be a valid integer.*"), N_("it must be a whole number")),
    (re.compile(r"Input should be a valid boolean.*"), N_("it must be true or false")),
    (re.compile(r"Input should be greater than or equal to (?P<limit>\S+)"),
     N_("it must be at least {limit}")),
    (re.compile(r"Input should be greater than (?P<limit>\S+)"),
     N_("it must be more than {limit}")),
    (re.compile(r"Input should be less than or equal to (?P<limit>\S+)"),
     N_("it must be at most {limit}")),
    (re.compile(r"Input should be less than (?P<limit>\S+)"), N_("it must be less than {limit}")),
    (re.compile(r"(?:Value error, )?'.*' is not one of (?P<choices>.*?)\.?"),
     N_("choose one of {choices}")),
    (re.compile(r"Input should be (?P<choices>'.*')"), N_("choose one of {choices}")),
    (re.compile(r"'.*' is not a valid (?:float|number)\.?"), N_("it must be a number")),
    (re.compile(r"'.*' is not a valid integer\.?"), N_("it must be a whole number")),
    (re.compile(r"(?:Path|File|Directory) '(?P<path>.*)' does not exist\.?"),
     N_("{path} does not exist")),
]

# A whole usage error; {value} is a bad value's message, translated by _VALUE_SHAPES.
_SHAPES: list[tuple[re.Pattern, str]] = [
    (re.compile(r"No such option: (?P<name>\S+) \(Possible options: (?P<options>.*)\)"),
     N_("No such option: {name} (possible options: {options})")),
    (re.compile(r"No such option: (?P<name>\S+)\s+Did you mean (?P<options>.*?)\?"),
     N_("No such option: {name} (did you mean: {options}?)")),
    (re.compile(r"No such option: (?P<name>\S+)"), N_("No such option: {name}")),
    (re.compile(r"No such command '(?P<name>.*)'\. Did you mean '(?P<options>.*)'\?"),
     N_("No such command: '{name}' (did you mean '{options}'?)")),
    (re.compile(r"No such command '(?P<name>.*)'\."), N_("No such command: '{name}'")),
    (re.compile(r"Missing argument (?P<name>.*?)\.?"), N_("Missing argument {name}.")),
    (re.compile(r"Missing option (?P<name>.*?)\.?"), N_("Missing option {name}.")),
    (re.compile(r"Missing parameter:? (?P<name>.*?)\.?"), N_("Missing parameter {name}.")),
    (re.compile(r"Option '(?P<name>.*)' requires an argument\."),
     N_("Option '{name}' needs a value.")),
    (re.compile(r"Option '(?P<name>.*)' requires (?P<count>\d+) arguments\."),
     N_("Option '{name}' needs {count} values.")),
    (re.compile(r"Got unexpected extra argument(?:s|\(s\))? \((?P<extra>.*)\)"),
     N_("Unexpected extra argument(s): {extra}")),
    (re.compile(r"Invalid value for (?P<name>.*?): (?P<value>.*)", re.DOTALL),
     N_("Invalid value for {name}: {value}")),
    (re.compile(r"Invalid value: (?P<value>.*)", re.DOTALL), N_("Invalid value: {value}")),
]
USAGE = N_("Usage:")


def _rebuild(shapes: list[tuple[re.Pattern, str]], text: str,
             inner: Callable[[str], str] | None = None) -> str | None:
    for pattern, template in shapes:
        found = pattern.fullmatch(text.strip())
        if found is None:
            continue
        parts = found.groupdict()
        if inner is not None and "value" in parts:
            parts["value"] = inner(parts["value"])
        return _(template).format(**parts)
    return None


def translate_value_message(text: str) -> str:
    """A bad value's message in the current language (as it was, if its shape is unknown)."""
    return _rebuild(_VALUE_SHAPES, text) or text


def translate_usage_message(text: str) -> str:
    """A whole usage error in the current language (as it was, if its shape is unknown)."""
    return _rebuild(_SHAPES, text, translate_value_message) or text


def localise(error: UsageError) -> None:
    """Make `error` print in the current language: its message and the usage line above it."""
    message = translate_usage_message(error.format_message())
    error.format_message = lambda: message
    ctx = error.ctx
    if ctx is not None and "get_usage" not in vars(ctx):
        usage = ctx.get_usage()
        ctx.get_usage = lambda: usage.replace("Usage:", _(USAGE), 1)
