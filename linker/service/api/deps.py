"""Dependencies shared by the routes: the service's state, a database session, the caller."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from padan.linker.service.anchoring import CheckpointSigner
from padan.linker.service.database import transaction
from padan.linker.service.errors import TooManyAttempts, Unauthenticated
from padan.linker.service.parties import (
    Caller,
    authenticate,
    record_failed_authentication,
    record_lockout,
)
from padan.linker.service.settings import Settings
from padan.linker.service.store import Store
from padan.linker.service.throttle import AuthGuard


@dataclass(frozen=True, slots=True)
class ServiceState:
    """What the app holds for its lifetime, built once from the settings."""

    settings: Settings
    engine: Engine
    factory: sessionmaker[Session]
    store: Store
    guard: AuthGuard
    signer: CheckpointSigner | None = None  # the API's; workers sign nothing

    @property
    def pepper(self) -> str:
        return self.settings.token_pepper.get_secret_value()


def get_state(request: Request) -> ServiceState:
    return request.app.state.padan


StateDep = Annotated[ServiceState, Depends(get_state)]


def get_session(state: StateDep) -> Iterator[Session]:
    """One transaction per request: committed when the route returns, rolled back on error."""
    with state.factory() as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


SessionDep = Annotated[Session, Depends(get_session, scope="function")]
_bearer = HTTPBearer(auto_error=False, description="A padan token: coordinator, agency or auditor")


def client_address(request: Request) -> str:
    """The caller's address (behind a proxy: from X-Forwarded-For, see forwarded_allow_ips)."""
    return request.client.host if request.client else "unknown"


def get_caller(request: Request, state: StateDep,
               credentials: Annotated[HTTPAuthorizationCredentials | None,
                                      Depends(_bearer)]) -> Caller:
    """Authenticate in a short transaction of its own, so a failure is audited and committed.

    A client that has failed too often is refused (429) before its token is even looked at.
    """
    token = credentials.credentials if credentials else None
    address = client_address(request)
    refusal = state.guard.refusal(address, token)
    if refusal is not None:
        raise TooManyAttempts(refusal.retry_after)
    try:
        with transaction(state.factory) as session:
            return authenticate(session, token, state.pepper, path=request.url.path)
    except Unauthenticated as failure:
        locked = state.guard.failed(address, token)
        with transaction(state.factory) as session:
            record_failed_authentication(session, path=request.url.path,
                                         method=request.method, token_given=token is not None,
                                         address=address, reason=failure.reason)
            if locked:
                record_lockout(session, address=address,
                               seconds=state.settings.auth_lockout_seconds)
        raise


CurrentCaller = Annotated[Caller, Depends(get_caller)]
