"""Exceptions of the encoder. Messages name what and where, never the personal value."""

from __future__ import annotations

from padan.i18n import _


class EncoderError(Exception):
    """Base class of every error the encoder raises on purpose."""


class SchemaError(EncoderError):
    """The linkage schema file is missing, malformed or inconsistent."""

    def __init__(self, reason: str, *, path: str | None = None, setting: str | None = None):
        super().__init__(reason)
        self.reason, self.path, self.setting = reason, path, setting

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        what = _("setting '{setting}': ").format(setting=self.setting) if self.setting else ""
        return f"{where}{what}{self.reason}"


class KeyFileError(EncoderError):
    """The project secret cannot be read safely."""


class InputError(EncoderError):
    """A value, row or file of an agency's list is unusable. Never carries the value itself."""

    def __init__(self, reason: str, *, field: str, row: int | None = None):
        super().__init__(reason)
        self.reason, self.field, self.row = reason, field, row

    def __str__(self) -> str:
        if self.row is None:
            return _("field '{field}': {reason}").format(field=self.field, reason=self.reason)
        return _("row {row}, field '{field}': {reason}").format(row=self.row, field=self.field,
                                                               reason=self.reason)


class InputFileError(EncoderError):
    """The input file itself is unreadable: missing, empty, wrong encoding, unmappable columns."""

    def __init__(self, reason: str, *, path: str):
        super().__init__(reason)
        self.reason, self.path = reason, path

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


class EncodingFileError(EncoderError):
    """An encoding file is truncated, corrupted, foreign or of an unknown version."""

    def __init__(self, reason: str, *, path: str):
        super().__init__(reason)
        self.reason, self.path = reason, path

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"
