"""The one place that turns exceptions into HTTP errors: {"error": {code, message, details}}."""

from __future__ import annotations

import logging
import uuid

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException

from padan.linker.service.errors import ServiceError

log = logging.getLogger("padan.api")


def error_response(status: int, code: str, message: str, details: dict | None = None,
                   headers: dict | None = None) -> JSONResponse:
    body = {"error": {"code": code, "message": message, "details": details or {}}}
    return JSONResponse(body, status_code=status, headers=headers)


async def _service_error(_request: Request, exc: ServiceError) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else exc.headers
    return error_response(exc.status, exc.code, exc.message, exc.details, headers)


async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
    # Only where and what; pydantic's "input" (the offending value) is left out on purpose.
    problems = [{"location": ".".join(str(part) for part in error["loc"]), "problem": error["msg"]}
                for error in exc.errors()[:20]]
    return error_response(422, "invalid_request", "the request is not valid",
                          {"problems": problems, "total": len(exc.errors())})


async def _http_error(_request: Request, exc: HTTPException) -> JSONResponse:
    code = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}.get(
        exc.status_code, "http_error")
    return error_response(exc.status_code, code, str(exc.detail), headers=exc.headers)


async def _database_unavailable(_request: Request,
                                exc: OperationalError | PoolTimeout) -> JSONResponse:
    # The database went away mid-request (restarted, connection cut) or no connection was free
    # in time: the transaction was rolled back (the pool reconnects with pre-ping), so the
    # request can simply be sent again.
    request_id = uuid.uuid4().hex
    cause = type(getattr(exc, "orig", None) or exc).__name__
    log.warning("request %s: database unavailable (%s)", request_id, cause)
    return error_response(503, "database_unavailable", "the database is briefly unavailable; "
                          "nothing was changed, retry", {"request_id": request_id},
                          headers={"Retry-After": "1"})


async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
    request_id = uuid.uuid4().hex
    log.error("request %s failed", request_id, exc_info=exc)
    return error_response(500, "internal", "internal error; quote the request id to the operator",
                          {"request_id": request_id})


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ServiceError, _service_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(OperationalError, _database_unavailable)
    app.add_exception_handler(PoolTimeout, _database_unavailable)
    app.add_exception_handler(Exception, _unexpected)
