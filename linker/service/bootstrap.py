"""The first coordinator token: created on the server host, since no one can ask the API yet."""

from __future__ import annotations

from padan.linker.service.api.app import open_state
from padan.linker.service.database import transaction
from padan.linker.service.parties import create_coordinator
from padan.linker.service.settings import Settings


def create_coordinator_token(settings: Settings, name: str) -> str:
    """Create a coordinator and return its token (the server keeps only the hash)."""
    state = open_state(settings)
    try:
        with transaction(state.factory) as session:
            return create_coordinator(session, name, state.pepper,
                                      settings.token_lifetime).token
    finally:
        state.engine.dispose()
