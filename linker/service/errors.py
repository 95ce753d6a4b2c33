"""Errors of the linker service. Each carries an HTTP status and a stable code for the API.

Messages name what and where (project, party, upload, run), never a personal value or a token.
"""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, **details: Any):
        super().__init__(message)
        self.message, self.details = message, details

    def __str__(self) -> str:
        return self.message


class Unauthenticated(ServiceError):
    """Missing, unknown or revoked token. Deliberately says nothing about which."""

    status, code = 401, "unauthenticated"

    def __init__(self) -> None:
        super().__init__("a valid bearer token is required")


class Forbidden(ServiceError):
    status, code = 403, "forbidden"


class NotFound(ServiceError):
    status, code = 404, "not_found"


class Conflict(ServiceError):
    status, code = 409, "conflict"


class Gone(ServiceError):
    status, code = 410, "gone"


class TooLarge(ServiceError):
    status, code = 413, "too_large"


class UploadRejected(ServiceError):
    """An uploaded encoding file failed validation; nothing stored was changed."""

    status, code = 422, "upload_rejected"


class InvalidRequest(ServiceError):
    status, code = 422, "invalid_request"
