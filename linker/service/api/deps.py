"""Dependencies shared by the routes: the service's state, a database session, the caller."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from padan.linker.service.database import transaction
from padan.linker.service.errors import Unauthenticated
from padan.linker.service.parties import Caller, authenticate, record_failed_authentication
from padan.linker.service.settings import Settings
from padan.linker.service.store import ContentStore


@dataclass(frozen=True, slots=True)
class ServiceState:
    """What the app holds for its lifetime, built once from the settings."""

    settings: Settings
    engine: Engine
    factory: sessionmaker[Session]
    store: ContentStore

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


def get_caller(request: Request, state: StateDep,
               credentials: Annotated[HTTPAuthorizationCredentials | None,
                                      Depends(_bearer)]) -> Caller:
    """Authenticate in a short transaction of its own, so a failure is audited and committed."""
    token = credentials.credentials if credentials else None
    try:
        with transaction(state.factory) as session:
            return authenticate(session, token, state.pepper, path=request.url.path)
    except Unauthenticated:
        with transaction(state.factory) as session:
            record_failed_authentication(session, path=request.url.path,
                                         method=request.method, token_given=token is not None)
        raise


CurrentCaller = Annotated[Caller, Depends(get_caller)]
