"""The linker service: HTTP API, storage, job queue and workers around the linker engine.

Public surface (checked by tests/service/test_public_surface.py)::

    create_app(settings) -> FastAPI        the API (embedded worker if settings say so)
    Settings, get_settings                 the one settings object (PADAN_* environment)
    Worker, open_state                     workers and the shared database/store state
    create_coordinator_token(settings, name) -> str   the bootstrap token, shown once

Names load lazily, so the CLI can import the API models without starting up SQLAlchemy.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__all__ = ["Settings", "Worker", "create_app", "create_coordinator_token", "get_settings",
           "open_state"]

_HOMES = {
    "Settings": "padan.linker.service.settings",
    "get_settings": "padan.linker.service.settings",
    "Worker": "padan.linker.service.worker",
    "create_app": "padan.linker.service.api.app",
    "open_state": "padan.linker.service.api.app",
    "create_coordinator_token": "padan.linker.service.bootstrap",
}

if TYPE_CHECKING:
    from padan.linker.service.api.app import create_app, open_state
    from padan.linker.service.bootstrap import create_coordinator_token
    from padan.linker.service.settings import Settings, get_settings
    from padan.linker.service.worker import Worker


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'padan.linker.service' has no attribute '{name}'")
    return getattr(import_module(_HOMES[name]), name)
