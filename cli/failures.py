"""Turning exceptions into one-line errors and exit codes: 2 for bad input, 1 for the unexpected."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

import typer
from rich.console import Console

from padan.encoder.errors import EncoderError
from padan.i18n import _

EXIT_BAD_INPUT = 2
EXIT_UNEXPECTED = 1
err_console = Console(stderr=True, highlight=False, soft_wrap=True)

# Other packages add their base exception here when they are imported (see bad_input_errors).
_BAD_INPUT: list[type[BaseException]] = [EncoderError]


def bad_input_errors(*types: type[BaseException]) -> None:
    """Declare exception types that mean bad input (exit 2) rather than a bug."""
    _BAD_INPUT.extend(t for t in types if t not in _BAD_INPUT)


def fail(message: str, code: int = EXIT_BAD_INPUT) -> typer.Exit:
    err_console.print(_("error: {message}").format(message=message), markup=False)
    return typer.Exit(code)


F = TypeVar("F", bound=Callable)


def reports_errors(func: F) -> F:
    """Wrap a command so known errors print `error: …` and exit 2, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except typer.Exit:
            raise
        except tuple(_BAD_INPUT) as exc:
            raise fail(str(exc)) from None
        except KeyboardInterrupt:
            raise fail(_("interrupted"), EXIT_UNEXPECTED) from None

    return wrapper  # type: ignore[return-value]
