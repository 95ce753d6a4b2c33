"""Exceptions of the linker. Messages name parties and settings, never a record's value."""

from __future__ import annotations

from padan.i18n import _


class LinkerError(Exception):
    """Base class of every error the linker raises on purpose (bad input, incompatible parties)."""


class IncompatibleEncodingsError(LinkerError):
    """Two parties' encodings cannot be compared (different schema, key, project or length)."""

    def __init__(self, reason: str, *, party: str, other: str | None = None):
        super().__init__(reason)
        self.reason, self.party, self.other = reason, party, other

    def __str__(self) -> str:
        return self.reason


class ParameterError(LinkerError):
    """A link parameter is out of range or inconsistent with another."""

    def __init__(self, reason: str, *, parameter: str):
        super().__init__(reason)
        self.reason, self.parameter = reason, parameter

    def __str__(self) -> str:
        return _("parameter '{parameter}': {reason}").format(parameter=self.parameter,
                                                             reason=self.reason)
