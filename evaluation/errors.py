"""Errors of the evaluation package: bad evaluation input (a folder without truth, an unknown
data set), located by path and never echoing a record's value."""

from __future__ import annotations


class EvaluationError(Exception):
    def __init__(self, reason: str, *, path: str | None = None):
        super().__init__(reason)
        self.reason, self.path = reason, path

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}" if self.path else self.reason
