"""The FastAPI application factory."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace

from fastapi import FastAPI

from padan.linker.service.anchoring import CheckpointSigner, load_or_create_key
from padan.linker.service.api import audit, erasures, health, projects, runs, tokens, uploads
from padan.linker.service.api.body_limit import BodyLimit
from padan.linker.service.api.deps import ServiceState
from padan.linker.service.api.errors import install_error_handlers
from padan.linker.service.database import migrate, new_engine, new_session_factory
from padan.linker.service.settings import Settings, get_settings
from padan.linker.service.store import open_store
from padan.linker.service.throttle import AuthGuard
from padan.linker.service.worker import Worker


def open_state(settings: Settings) -> ServiceState:
    """Create directories, connect, migrate: everything the API and workers share."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    store = open_store(settings.store_location, settings.fetch_directory)
    store.prepare()
    settings.upload_directory.mkdir(parents=True, exist_ok=True)
    engine = new_engine(settings.resolved_database_url, pool_size=settings.database_pool_size,
                        max_overflow=settings.database_max_overflow)
    migrate(engine)
    guard = AuthGuard(per_address=settings.auth_throttle,
                      per_token=settings.auth_throttle_per_token,
                      lockout_after=settings.auth_lockout_after,
                      lockout_seconds=settings.auth_lockout_seconds,
                      storage_url=settings.rate_limit_storage,
                      pepper=settings.token_pepper.get_secret_value())
    return ServiceState(settings, engine, new_session_factory(engine),
                        store, guard)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the API for `settings` (default: from the environment, see docs/operations.md)."""
    settings = settings or get_settings()
    state = open_state(settings)
    state = replace(state, signer=CheckpointSigner(load_or_create_key(settings.audit_key_path)))

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        worker = thread = None
        if settings.embedded_worker:
            worker = Worker(settings, state.factory, name="embedded")
            thread = threading.Thread(target=worker.run_forever, daemon=True, name="worker")
            thread.start()
        yield
        if worker is not None and thread is not None:
            worker.stop.set()
            thread.join(timeout=settings.lease_seconds)
        state.engine.dispose()

    app = FastAPI(title="padan linker", version="1", lifespan=lifespan,
                  description="Privacy-preserving record linkage: projects, uploads, runs, "
                              "results by role, audit log. See docs/api.md.")
    app.state.padan = state
    install_error_handlers(app)
    app.add_middleware(BodyLimit, max_bytes=settings.max_request_bytes)
    for module in (health, projects, uploads, runs, erasures, audit, tokens):
        app.include_router(module.router)
    return app
