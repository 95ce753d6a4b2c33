"""The caller's own token: rotate it before it expires."""

from __future__ import annotations

from fastapi import APIRouter, status

from padan.linker.service.api.deps import CurrentCaller, SessionDep, StateDep
from padan.linker.service.api.views import token_view
from padan.linker.service.api_models import TokenPublic
from padan.linker.service.parties import rotate_own_token

router = APIRouter(prefix="/token", tags=["tokens"])


@router.post("/rotate", status_code=status.HTTP_201_CREATED, response_model=TokenPublic)
def rotate(caller: CurrentCaller, session: SessionDep, state: StateDep) -> TokenPublic:
    """A new token for the caller, with a fresh lifetime (shown once); the old stops working."""
    return token_view(rotate_own_token(session, caller, state.pepper,
                                       state.settings.token_lifetime))
