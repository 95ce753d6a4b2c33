"""The linker service: HTTP API, storage, job queue and workers around the linker engine.

Public surface (checked by tests/service/test_public_surface.py)::

    create_app(settings) -> FastAPI        the API (embedded worker if settings say so)
    Settings, get_settings                 the one settings object (PADAN_* environment)
    Worker, open_state                     workers and the shared database/store state
    create_coordinator_token(settings, name) -> str   the bootstrap token, shown once
"""

from __future__ import annotations

from padan.linker.service.api.app import create_app, open_state
from padan.linker.service.database import transaction
from padan.linker.service.parties import create_coordinator
from padan.linker.service.settings import Settings, get_settings
from padan.linker.service.worker import Worker

__all__ = ["Settings", "Worker", "create_app", "create_coordinator_token", "get_settings",
           "open_state"]


def create_coordinator_token(settings: Settings, name: str) -> str:
    """Create a coordinator and return its token (the server keeps only the hash)."""
    state = open_state(settings)
    try:
        with transaction(state.factory) as session:
            return create_coordinator(session, name, state.pepper).token
    finally:
        state.engine.dispose()
