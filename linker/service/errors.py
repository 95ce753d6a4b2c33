"""Errors of the linker service. Each carries an HTTP status and a stable code for the API.

Messages name what and where (project, party, upload, run), never a personal value or a token.
"""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    status = 400
    code = "bad_request"
    headers: dict[str, str] | None = None

    def __init__(self, message: str, **details: Any):
        super().__init__(message)
        self.message, self.details = message, details

    def __str__(self) -> str:
        return self.message


class Unauthenticated(ServiceError):
    """Missing, unknown or revoked token. Deliberately says nothing about which."""

    status, code = 401, "unauthenticated"

    def __init__(self, reason: str = "unknown") -> None:
        super().__init__("a valid bearer token is required")
        self.reason = reason  # for the audit log only: missing, unknown, revoked or expired


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


class LimitExceeded(ServiceError):
    """A configured limit (parties, runs, open uploads) would be passed; names the setting."""

    code = "limit_exceeded"

    def __init__(self, message: str, *, setting: str, limit: int, status: int = 409):
        super().__init__(f"{message} (limit {limit}, {setting})", setting=setting, limit=limit)
        self.status = status


class UploadRejected(ServiceError):
    """An uploaded encoding file failed validation; nothing stored was changed."""

    status, code = 422, "upload_rejected"


class InvalidRequest(ServiceError):
    status, code = 422, "invalid_request"


class TooManyAttempts(ServiceError):
    """Too many failed authentications from this address or with this token: wait."""

    status, code = 429, "too_many_requests"

    def __init__(self, retry_after: int):
        super().__init__(f"too many failed authentication attempts; retry after {retry_after} "
                         "seconds", retry_after=retry_after)
        self.headers = {"Retry-After": str(retry_after)}
