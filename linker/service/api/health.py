"""Liveness and readiness probes (no token needed, nothing revealed)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from padan.linker.service.api.deps import StateDep
from padan.linker.service.api.errors import error_response
from padan.linker.service.database import database_ready

router = APIRouter(tags=["health"])


@router.get("/health")
def health() -> dict[str, str]:
    """The process answers."""
    return {"status": "ok"}


@router.get("/ready", response_model=None)
def ready(state: StateDep) -> dict[str, str] | JSONResponse:
    """The database is migrated and reachable and the store is writable."""
    if not database_ready(state.engine):
        return error_response(503, "not_ready", "the database is not reachable or not migrated")
    if not state.store.ready():
        return error_response(503, "not_ready", "the file store is not writable")
    return {"status": "ready"}
